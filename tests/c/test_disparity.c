/* sc_disparity against R 4.2.2, from tests/reference: disparity_ineq.csv (disparity_ineq.R:
 * ineq 0.2-13 Gini, var.coeff, Theil with parameter 0 and 1, of the rates x / n) and
 * disparity_shrink.csv (disparity_shrink.R: optim on the beta-binomial / negative binomial
 * marginal likelihood, posterior means and 95 % equal-tailed intervals).  optim's stopping
 * leaves about 1e-8 relative slack in a prior fitted on a flat likelihood, hence the
 * tolerances of tests/test_disparity.py. */
#include <string.h>

#include "sc_disparity.h"
#include "sc_status.h"
#include "sc_test.h"

static const char *const INDICES[SC_DISPARITY_N_INDICES] = {"range", "ratio", "cv", "gini",
                                                            "theil", "mld"};

static size_t rows_of(const sc_csv *t, const char *name, const char *xcol, const char *ncol,
                      double *x, double *n)
{
    size_t m = 0;
    for (size_t i = 0; i < t->rows; i++)
        if (strcmp(sc_csv_str(t, i, "case"), name) == 0) {
            x[m] = sc_csv_num(t, i, xcol);
            n[m++] = sc_csv_num(t, i, ncol);
        }
    return m;
}

static size_t first_row(const sc_csv *t, const char *name)
{
    size_t i = 0;
    while (i < t->rows && strcmp(sc_csv_str(t, i, "case"), name) != 0) i++;
    return i;
}

static void test_indices(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "disparity_ineq.csv");
    static const char *const cases[2] = {"areas43", "ties7"};
    double *x = malloc(t->rows * sizeof *x), *n = malloc(t->rows * sizeof *n);
    for (int c = 0; c < 2; c++) {
        const size_t m = rows_of(t, cases[c], "x", "n", x, n), row = first_row(t, cases[c]);
        for (size_t i = 0; i < m; i++) x[i] /= n[i];
        double out[SC_DISPARITY_N_INDICES];
        SC_CHECK(m > 0 && sc_disparity_indices(x, 1, NULL, 0, m, out) == 0, "%s: status", cases[c]);
        for (int j = 0; j < SC_DISPARITY_N_INDICES; j++) {
            char what[64];
            snprintf(what, sizeof what, "%s %s", cases[c], INDICES[j]);
            SC_CHECK_CLOSE(out[j], sc_csv_num(t, row, INDICES[j]), 1e-12, 0, what);
        }
    }
    free(x);
    free(n);
    sc_csv_free(t);
}

static void test_shrink(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "disparity_shrink.csv");
    static const char *const cases[2] = {"proportion", "rate"};
    double *x = malloc(t->rows * sizeof *x), *n = malloc(t->rows * sizeof *n);
    double *est = malloc(t->rows * sizeof *est), *lo = malloc(t->rows * sizeof *lo);
    double *hi = malloc(t->rows * sizeof *hi);
    for (int c = 0; c < 2; c++) {
        const size_t m = rows_of(t, cases[c], "x", "n", x, n), row = first_row(t, cases[c]);
        const sc_shrink_model model = c == 0 ? SC_SHRINK_BETA_BINOMIAL : SC_SHRINK_GAMMA_POISSON;
        sc_shrink_prior prior;
        SC_CHECK(sc_disparity_shrink_fit(x, n, m, model, SC_SHRINK_MLE, &prior) == 0 &&
                     sc_disparity_shrink_posterior(x, n, m, model, &prior, 0.95, 1, est, lo, hi) == 0,
                 "%s: status", cases[c]);
        char what[64];
        snprintf(what, sizeof what, "%s prior", cases[c]);
        SC_CHECK_CLOSE(prior.alpha, sc_csv_num(t, row, "alpha"), 2e-6, 0, what);
        SC_CHECK_CLOSE(prior.beta, sc_csv_num(t, row, "beta"), 2e-6, 0, what);
        SC_CHECK_CLOSE(prior.loglik, sc_csv_num(t, row, "loglik"), 0, 1e-7, what);
        for (size_t i = 0; i < m; i++) {
            snprintf(what, sizeof what, "%s area %zu", cases[c], i);
            SC_CHECK_CLOSE(est[i], sc_csv_num(t, row + i, "estimate"), 1e-7, 0, what);
            SC_CHECK_CLOSE(lo[i], sc_csv_num(t, row + i, "lower"), 1e-6, 0, what);
            SC_CHECK_CLOSE(hi[i], sc_csv_num(t, row + i, "upper"), 1e-6, 0, what);
        }
    }
    free(x); free(n); free(est); free(lo); free(hi);
    sc_csv_free(t);
}

/* The bootstrap's work is bounded and its draws defined: too many draws, or counts and
 * denominators outside their domain, are a status before any draw. */
static void test_bootstrap_domain(void)
{
    double x[3] = {5, 25, 31}, den[3] = {100, 200, 300}, out[6];
    SC_CHECK(sc_disparity_bootstrap(x, den, NULL, 3, SC_RESAMPLE_POISSON, (size_t)1 << 31, 1, 1,
                                    out) == SC_EDOM, "2^31 replicates of 3 areas: status");
    const double bad[4] = {NAN, -1, INFINITY, 500};
    for (int c = 0; c < 4; c++) {
        double xc[3] = {5, 25, 31};
        xc[1] = bad[c];
        SC_CHECK(sc_disparity_bootstrap(xc, den, NULL, 3, SC_RESAMPLE_BINOMIAL, 1, 1, 1, out) ==
                     SC_EDOM, "binomial count %g: status", bad[c]);
    }
    double half[3] = {100, 200.5, 300};
    SC_CHECK(sc_disparity_bootstrap(x, half, NULL, 3, SC_RESAMPLE_BINOMIAL, 1, 1, 1, out) ==
                 SC_EDOM, "binomial denominator 200.5: status");
    double zero[3] = {100, 0, 300};
    SC_CHECK(sc_disparity_bootstrap(x, zero, NULL, 3, SC_RESAMPLE_POISSON, 1, 1, 1, out) ==
                 SC_EDOM, "denominator 0: status");
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    test_indices(dir);
    test_shrink(dir);
    test_bootstrap_domain();
    return sc_test_done("test_disparity");
}
