/* sc_dist against R 4.2.2 (stats) values already in tests/reference:
 * - rates_r_proportion_ci.csv (rates_r.R: binom.test(x, n, conf.level)$conf.int): the
 *   Clopper-Pearson limits, Beta quantiles;
 * - rates_r_rate_ci.csv (poisson.test(x, T, conf.level)$conf.int): Garwood's limits, Gamma
 *   quantiles;
 * - rates_phe_rate_ci.csv (rates_phe.R: PHEindicatormethods' byars_lower / byars_upper): Byar;
 * - rates_r_binom_test.csv (binom.test one-sided p-values = pbinom): the binomial cdf;
 * - funnel_exact.csv (funnel_exact.R: qbinom / pbinom / dbinom, qpois / ppois / dpois and
 *   qchisq, overdispersion "none"): discrete quantiles with their cdf and pmf, Gamma quantiles. */
#include <string.h>

#include "sc_dist.h"
#include "sc_test.h"

#define QUANTILE_RTOL 1e-10     /* solver accuracy of the beta / gamma quantiles */
#define CLOSED_RTOL 1e-12

static void test_clopper_pearson(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "rates_r_proportion_ci.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double x = sc_csv_num(t, i, "x"), n = sc_csv_num(t, i, "n");
        const double conf = sc_csv_num(t, i, "conf"), a = (1 - conf) / 2;
        const double lo = x == 0 ? 0 : sc_dist_beta_quantile(a, x, n - x + 1);
        const double hi = x == n ? 1 : sc_dist_beta_quantile(1 - a, x + 1, n - x);
        SC_CHECK_CLOSE(lo, sc_csv_num(t, i, "exact_lower"), QUANTILE_RTOL, 1e-300,
                       sc_csv_str(t, i, "call"));
        SC_CHECK_CLOSE(hi, sc_csv_num(t, i, "exact_upper"), QUANTILE_RTOL, 0,
                       sc_csv_str(t, i, "call"));
    }
    sc_csv_free(t);
}

static void test_garwood(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "rates_r_rate_ci.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double x = sc_csv_num(t, i, "count"), e = sc_csv_num(t, i, "exposure");
        const double conf = sc_csv_num(t, i, "conf");
        SC_CHECK_CLOSE(sc_dist_garwood_lower(x, conf) / e, sc_csv_num(t, i, "lower"),
                       QUANTILE_RTOL, 1e-15, sc_csv_str(t, i, "call"));
        SC_CHECK_CLOSE(sc_dist_garwood_upper(x, conf) / e, sc_csv_num(t, i, "upper"),
                       QUANTILE_RTOL, 1e-15, sc_csv_str(t, i, "call"));
    }
    sc_csv_free(t);
}

static void test_byar(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "rates_phe_rate_ci.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double x = sc_csv_num(t, i, "count"), e = sc_csv_num(t, i, "exposure");
        const double per = sc_csv_num(t, i, "per");
        const double z = sc_dist_norm_quantile(1 - (1 - sc_csv_num(t, i, "conf")) / 2);
        const double lower = sc_csv_num(t, i, "byar_lower");   /* NaN at 0 events (0 * -Inf) */
        SC_CHECK_CLOSE(sc_dist_byar_lower(x, z) / e * per, isnan(lower) ? 0 : lower, CLOSED_RTOL,
                       0, sc_csv_str(t, i, "call"));
        SC_CHECK_CLOSE(sc_dist_byar_upper(x, z) / e * per, sc_csv_num(t, i, "byar_upper"),
                       CLOSED_RTOL, 0, sc_csv_str(t, i, "call"));
    }
    sc_csv_free(t);
}

/* One-sided binom.test p-values: P(X <= x) (less) and P(X >= x) = P(n - X <= n - x) with
 * success probability 1 - p (greater). */
static void test_binom_cdf(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "rates_r_binom_test.csv");
    size_t checked = 0;
    for (size_t i = 0; i < t->rows; i++) {
        const double x = sc_csv_num(t, i, "x"), n = sc_csv_num(t, i, "n");
        const double p = sc_csv_num(t, i, "target");
        const char *alt = sc_csv_str(t, i, "alternative");
        double got;
        if (strcmp(alt, "less") == 0) got = sc_dist_binom_cdf(x, n, p);
        else if (strcmp(alt, "greater") == 0) got = sc_dist_binom_cdf(n - x, n, 1 - p);
        else continue;
        SC_CHECK_CLOSE(got, sc_csv_num(t, i, "pvalue"), 1e-11, 1e-300, sc_csv_str(t, i, "call"));
        checked++;
    }
    SC_CHECK(checked >= 80, "binom.test one-sided rows: %zu", checked);
    sc_csv_free(t);
}

/* Spiegelhalter's interpolated exact limit at probability p: (r_p - (F(r_p) - p) / f(r_p)) / n. */
static double interpolated(double r, double F, double f, double p, double n)
{
    return (r - (F - p) / f) / n;
}

static double clamp(double v, double upper)
{
    return fmin(fmax(v, 0), upper);
}

static void test_funnel_quantiles(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "funnel_exact.csv");
    const double levels[2] = {0.95, 0.998};
    const char *lower_col[2] = {"lower_95", "lower_998"}, *upper_col[2] = {"upper_95", "upper_998"};
    size_t checked = 0;
    for (size_t i = 0; i < t->rows; i++) {
        if (strcmp(sc_csv_str(t, i, "overdispersion"), "none") != 0) continue;
        const char *kind = sc_csv_str(t, i, "case");
        const double n = sc_csv_num(t, i, "denominator"), y0 = sc_csv_num(t, i, "target");
        char what[96];
        for (int l = 0; l < 2; l++) {
            const double a = (1 - levels[l]) / 2;
            double lo, hi, upper = INFINITY, F, f;
            if (strcmp(kind, "proportion") == 0) {
                upper = 1;
                double r = sc_dist_binom_quantile(a, n, y0, &F, &f);
                lo = interpolated(r, F, f, a, n);
                r = sc_dist_binom_quantile(1 - a, n, y0, &F, &f);
                hi = interpolated(r, F, f, 1 - a, n);
            } else if (strcmp(kind, "rate") == 0) {
                double r = sc_dist_pois_quantile(a, y0 * n, &F, &f);
                lo = interpolated(r, F, f, a, n);
                r = sc_dist_pois_quantile(1 - a, y0 * n, &F, &f);
                hi = interpolated(r, F, f, 1 - a, n);
            } else {            /* ratio: qchisq(a, 2E) / 2E = Gamma^-1(a; E) / E */
                lo = sc_dist_gamma_quantile(a, n) / n;
                hi = sc_dist_gamma_quantile(1 - a, n + 1) / n;
            }
            snprintf(what, sizeof what, "funnel_exact %s unit %s %s", kind,
                     sc_csv_str(t, i, "unit"), lower_col[l]);
            SC_CHECK_CLOSE(clamp(lo, upper), sc_csv_num(t, i, lower_col[l]), QUANTILE_RTOL,
                           1e-15, what);
            snprintf(what, sizeof what, "funnel_exact %s unit %s %s", kind,
                     sc_csv_str(t, i, "unit"), upper_col[l]);
            SC_CHECK_CLOSE(clamp(hi, upper), sc_csv_num(t, i, upper_col[l]), QUANTILE_RTOL,
                           1e-15, what);
        }
        checked++;
    }
    SC_CHECK(checked == 90, "funnel_exact rows without overdispersion: %zu", checked);
    sc_csv_free(t);
}

/* One shape in the billions, the other small: as qbeta (scipy.stats.beta.ppf). */
static void test_beta_quantile_vast_shape(void)
{
    SC_CHECK_CLOSE(sc_dist_beta_quantile(0.975, 1.0, 2e9), 1.8444397253559888e-09, 1e-12, 0,
                   "qbeta(0.975, 1, 2e9)");
    SC_CHECK_CLOSE(sc_dist_beta_quantile(0.025, 2e9, 1.0), 1.0 - 1.8444397253559888e-09, 1e-15, 0,
                   "qbeta(0.025, 2e9, 1)");
    /* scipy.stats.gamma.ppf(0.025, 1e15): a vast shape, within its width */
    SC_CHECK_CLOSE(sc_dist_gamma_quantile(0.025, 1e15) - 1e15, -61979502.25, 1e-7, 0,
                   "qgamma(0.025, 1e15)");
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    test_clopper_pearson(dir);
    test_garwood(dir);
    test_byar(dir);
    test_binom_cdf(dir);
    test_funnel_quantiles(dir);
    test_beta_quantile_vast_shape();
    return sc_test_done("test_dist");
}
