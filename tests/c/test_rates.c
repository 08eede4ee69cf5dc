/* sc_rates against R 4.2.2 stats (binom.test, poisson.test, prop.test; tests/reference/
 * rates_r.R -> rates_r_*.csv), statsmodels 0.15.0 proportion_confint (rates_statsmodels.py ->
 * rates_statsmodels_proportion_ci.csv) and PHEindicatormethods transliterated (rates_phe.R ->
 * rates_phe_*.csv).  Each row's call is in its "call" column.  Tolerances as tests/test_rates.py. */
#include <string.h>

#include "sc_rates.h"
#include "sc_status.h"
#include "sc_test.h"

#define QUANTILE_RTOL 1e-10
#define CLOSED_RTOL 1e-12

static sc_alternative alternative(const char *r_name)
{
    return strcmp(r_name, "less") == 0 ? SC_LESS : strcmp(r_name, "greater") == 0 ? SC_GREATER
                                                                                 : SC_TWO_SIDED;
}

static void test_proportion_ci(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "rates_r_proportion_ci.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double x = sc_csv_num(t, i, "x"), n = sc_csv_num(t, i, "n");
        const double conf = sc_csv_num(t, i, "conf");
        const char *call = sc_csv_str(t, i, "call");
        double est, lo, hi;
        SC_CHECK(sc_rates_proportion_ci(&x, &n, 1, &conf, 1, SC_PROP_WILSON, 1, &est, &lo, &hi) == 0,
                 "%s: wilson status", call);
        SC_CHECK_CLOSE(est, x / n, 0, 0, call);
        SC_CHECK_CLOSE(lo, sc_csv_num(t, i, "wilson_lower"), QUANTILE_RTOL, 1e-300, call);
        SC_CHECK_CLOSE(hi, sc_csv_num(t, i, "wilson_upper"), QUANTILE_RTOL, 0, call);
        SC_CHECK(sc_rates_proportion_ci(&x, &n, 1, &conf, 1, SC_PROP_EXACT, 1, &est, &lo, &hi) == 0,
                 "%s: exact status", call);
        SC_CHECK_CLOSE(lo, sc_csv_num(t, i, "exact_lower"), QUANTILE_RTOL, 1e-300, call);
        SC_CHECK_CLOSE(hi, sc_csv_num(t, i, "exact_upper"), QUANTILE_RTOL, 0, call);
    }
    sc_csv_free(t);
    t = sc_csv_read(dir, "rates_statsmodels_proportion_ci.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double x = sc_csv_num(t, i, "x"), n = sc_csv_num(t, i, "n");
        const double conf = sc_csv_num(t, i, "conf");
        const char *method = sc_csv_str(t, i, "method"), *call = sc_csv_str(t, i, "call");
        const sc_prop_method m = strcmp(method, "jeffreys") == 0        ? SC_PROP_JEFFREYS
                                 : strcmp(method, "agresti-coull") == 0 ? SC_PROP_AGRESTI_COULL
                                                                         : SC_PROP_WALD;
        double est, lo, hi;
        SC_CHECK(sc_rates_proportion_ci(&x, &n, 1, &conf, 1, m, 1, &est, &lo, &hi) == 0,
                 "%s: status", call);
        SC_CHECK_CLOSE(lo, sc_csv_num(t, i, "lower"), QUANTILE_RTOL, 1e-15, call);
        SC_CHECK_CLOSE(hi, sc_csv_num(t, i, "upper"), QUANTILE_RTOL, 1e-15, call);
    }
    sc_csv_free(t);
}

static void test_rate_ci(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "rates_r_rate_ci.csv");
    const double one = 1;
    for (size_t i = 0; i < t->rows; i++) {
        const double x = sc_csv_num(t, i, "count"), e = sc_csv_num(t, i, "exposure");
        const double conf = sc_csv_num(t, i, "conf");
        const char *call = sc_csv_str(t, i, "call");
        double lo, hi;
        SC_CHECK(sc_rates_rate_ci(&x, &e, &one, 1, &conf, 1, SC_RATE_EXACT, 1, &lo, &hi) == 0,
                 "%s: status", call);
        SC_CHECK_CLOSE(lo, sc_csv_num(t, i, "lower"), QUANTILE_RTOL, 1e-15, call);
        SC_CHECK_CLOSE(hi, sc_csv_num(t, i, "upper"), QUANTILE_RTOL, 1e-15, call);
    }
    sc_csv_free(t);
    t = sc_csv_read(dir, "rates_phe_rate_ci.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double x = sc_csv_num(t, i, "count"), e = sc_csv_num(t, i, "exposure");
        const double conf = sc_csv_num(t, i, "conf"), per = sc_csv_num(t, i, "per");
        const char *call = sc_csv_str(t, i, "call");
        double lo, hi;
        SC_CHECK(sc_rates_rate_ci(&x, &e, &per, 1, &conf, 1, SC_RATE_PHE, 1, &lo, &hi) == 0,
                 "%s: phe status", call);
        SC_CHECK_CLOSE(lo, sc_csv_num(t, i, "phe_lower"), QUANTILE_RTOL, 0, call);
        SC_CHECK_CLOSE(hi, sc_csv_num(t, i, "phe_upper"), QUANTILE_RTOL, 0, call);
        SC_CHECK(sc_rates_rate_ci(&x, &e, &per, 1, &conf, 1, SC_RATE_BYAR, 1, &lo, &hi) == 0,
                 "%s: byar status", call);
        /* byars_lower is NaN at 0 events (0 * -Inf) and negative for tiny counts at high
         * levels; scrutiny reports 0 there */
        const double want = sc_csv_num(t, i, "byar_lower");
        SC_CHECK_CLOSE(lo, isnan(want) ? 0 : fmax(want, 0), CLOSED_RTOL, 0, call);
        SC_CHECK_CLOSE(hi, sc_csv_num(t, i, "byar_upper"), CLOSED_RTOL, 0, call);
    }
    sc_csv_free(t);
}


/* An exact test's p-value and confidence limits against row i of its R reference. */
static void check_exact_test(const sc_csv *t, size_t i, const char *call, double pv, double lo,
                             double hi)
{
    SC_CHECK_CLOSE(pv, sc_csv_num(t, i, "pvalue"), 1e-11, 1e-300, call);
    SC_CHECK_CLOSE(lo, sc_csv_num(t, i, "lower"), QUANTILE_RTOL, 0, call);
    SC_CHECK_CLOSE(hi, sc_csv_num(t, i, "upper"), QUANTILE_RTOL, 0, call);
}
static void test_binom_test(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "rates_r_binom_test.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double x = sc_csv_num(t, i, "x"), n = sc_csv_num(t, i, "n");
        const double p = sc_csv_num(t, i, "target");
        const char *call = sc_csv_str(t, i, "call");
        double pv, lo, hi;
        SC_CHECK(sc_rates_binom_test(&x, &n, &p, 1, alternative(sc_csv_str(t, i, "alternative")),
                                     sc_csv_num(t, i, "conf"), 1, &pv, &lo, &hi) == 0,
                 "%s: status", call);
        check_exact_test(t, i, call, pv, lo, hi);
    }
    sc_csv_free(t);
}

static void test_poisson_test2(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "rates_r_poisson_test2.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double x1 = sc_csv_num(t, i, "count1"), e1 = sc_csv_num(t, i, "exposure1");
        const double x2 = sc_csv_num(t, i, "count2"), e2 = sc_csv_num(t, i, "exposure2");
        const char *call = sc_csv_str(t, i, "call");
        double pv, lo, hi;
        SC_CHECK(sc_rates_poisson_test2(&x1, &e1, &x2, &e2, 1,
                                        alternative(sc_csv_str(t, i, "alternative")),
                                        sc_csv_num(t, i, "conf"), 1, &pv, &lo, &hi) == 0,
                 "%s: status", call);
        check_exact_test(t, i, call, pv, lo, hi);
    }
    sc_csv_free(t);
}

static void test_prop_test2(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "rates_r_prop_test2.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double x1 = sc_csv_num(t, i, "x1"), n1 = sc_csv_num(t, i, "n1");
        const double x2 = sc_csv_num(t, i, "x2"), n2 = sc_csv_num(t, i, "n2");
        const int correct = strcmp(sc_csv_str(t, i, "correct"), "TRUE") == 0;
        const char *call = sc_csv_str(t, i, "call");
        double stat, pv, lo, hi;
        SC_CHECK(sc_rates_prop_test2(&x1, &n1, &x2, &n2, 1, sc_csv_num(t, i, "conf"), correct, 1,
                                     &stat, &pv, &lo, &hi) == 0,
                 "%s: status", call);
        SC_CHECK_CLOSE(stat, sc_csv_num(t, i, "statistic"), CLOSED_RTOL, 1e-300, call);
        SC_CHECK_CLOSE(pv, sc_csv_num(t, i, "pvalue"), CLOSED_RTOL, 0, call);
        SC_CHECK_CLOSE(lo, sc_csv_num(t, i, "lower"), CLOSED_RTOL, 1e-15, call);
        SC_CHECK_CLOSE(hi, sc_csv_num(t, i, "upper"), CLOSED_RTOL, 1e-15, call);
    }
    sc_csv_free(t);
}

/* "12 25 31 9" -> 12, 25, 31, 9; returns the count. */
static size_t parse_list(const char *s, double *v, size_t cap)
{
    size_t k = 0;
    char *end;
    for (double d = strtod(s, &end); end != s && k < cap; d = strtod(s, &end)) {
        v[k++] = d;
        s = end;
    }
    return k;
}

static void test_homogeneity(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "rates_r_homogeneity.csv");
    for (size_t i = 0; i < t->rows; i++) {
        double x[64], n[64], stat, pv;
        const size_t k = parse_list(sc_csv_str(t, i, "x"), x, 64);
        SC_CHECK(parse_list(sc_csv_str(t, i, "n"), n, 64) == k, "homogeneity row %zu sizes", i);
        const int correct = strcmp(sc_csv_str(t, i, "correct"), "TRUE") == 0;
        const char *call = sc_csv_str(t, i, "call");
        SC_CHECK(sc_rates_homogeneity(x, n, k, correct, &stat, &pv) == 0, "%s: status", call);
        SC_CHECK_CLOSE(stat, sc_csv_num(t, i, "statistic"), CLOSED_RTOL, 0, call);
        SC_CHECK_CLOSE(pv, sc_csv_num(t, i, "pvalue"), CLOSED_RTOL, 0, call);
        SC_CHECK_CLOSE((double)(k - 1), sc_csv_num(t, i, "df"), 0, 0, call);
    }
    sc_csv_free(t);
}

static void test_dsr(const char *dir)
{
    sc_csv *in = sc_csv_read(dir, "rates_phe_dsr_inputs.csv");
    size_t areas = 0;
    for (size_t i = 0; i < in->rows; i++)
        if ((size_t)sc_csv_num(in, i, "area") + 1 > areas) areas = (size_t)sc_csv_num(in, i, "area") + 1;
    const size_t bands = in->rows / areas;
    double *counts = malloc(in->rows * sizeof *counts), *pops = malloc(in->rows * sizeof *pops);
    double *standard = malloc(bands * sizeof *standard);
    for (size_t i = 0; i < in->rows; i++) {
        counts[i] = sc_csv_num(in, i, "count");
        pops[i] = sc_csv_num(in, i, "population");
        if (i < bands) standard[i] = sc_csv_num(in, i, "standard");
    }
    const double conf[2] = {0.95, 0.998};
    double *value = malloc(areas * sizeof *value), *lo = malloc(2 * areas * sizeof *lo);
    double *hi = malloc(2 * areas * sizeof *hi);
    SC_CHECK(sc_rates_dsr(counts, pops, standard, areas, bands, conf, 2, 10, 1e5, 1, value, lo, hi) == 0,
             "dsr status");
    sc_csv *out = sc_csv_read(dir, "rates_phe_dsr.csv");
    for (size_t i = 0; i < out->rows; i++) {
        const size_t a = (size_t)sc_csv_num(out, i, "area");
        const int j = sc_csv_num(out, i, "conf") > 0.99;
        const char *call = sc_csv_str(out, i, "call");
        SC_CHECK_CLOSE(value[a], sc_csv_num(out, i, "value"), CLOSED_RTOL, 0, call);
        SC_CHECK_CLOSE(lo[a * 2 + j], sc_csv_num(out, i, "lowercl"), 1e-11, 0, call);
        SC_CHECK_CLOSE(hi[a * 2 + j], sc_csv_num(out, i, "uppercl"), CLOSED_RTOL, 0, call);
    }
    free(counts); free(pops); free(standard); free(value); free(lo); free(hi);
    sc_csv_free(in);
    sc_csv_free(out);
}

/* Counts from 2^53 are refused (the bisections of the exact test would stall there); the
 * Wald interval at x = n is exactly [1, 1]; exact limits at n = 2e9 (R binom.test(0, 2e9)). */
static void test_large_counts(void)
{
    const double x = 5.0, n = 1e17, target = 0.3, conf = 0.95;
    double pv = 0.0, lo = 0.0, hi = 0.0, est = 0.0;
    SC_CHECK(sc_rates_binom_test(&x, &n, &target, 1, SC_TWO_SIDED, conf, 1, &pv, &lo, &hi) == SC_EDOM,
             "binom_test(5, 1e17): status");
    const double n0 = 2e9, x0 = 0.0;
    SC_CHECK(sc_rates_proportion_ci(&x0, &n0, 1, &conf, 1, SC_PROP_EXACT, 1, &est, &lo, &hi) == 0,
             "exact(0, 2e9): status");
    SC_CHECK_CLOSE(hi, 1.8444397253559888e-09, 1e-12, 0, "exact(0, 2e9): upper");
    SC_CHECK(sc_rates_proportion_ci(&x, &n, 1, &conf, 1, SC_PROP_EXACT, 1, &est, &lo, &hi) == SC_EDOM,
             "exact(5, 1e17): status");
    for (double k = 1.0; k <= 5000.0; k++) {
        SC_CHECK(sc_rates_proportion_ci(&k, &k, 1, &conf, 1, SC_PROP_WALD, 1, &est, &lo, &hi) == 0
                     && lo == 1.0 && hi == 1.0, "wald(%g, %g) = [1, 1]", k, k);
    }
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    test_proportion_ci(dir);
    test_rate_ci(dir);
    test_binom_test(dir);
    test_poisson_test2(dir);
    test_prop_test2(dir);
    test_homogeneity(dir);
    test_dsr(dir);
    test_large_counts();
    return sc_test_done("test_rates");
}
