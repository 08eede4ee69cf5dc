/* sc_logit against R 4.2.2 stats::glm(family = binomial), survey 4.1-1 svyglm and MASS
 * 7.3-58.2 polr, from tests/reference/drivers_r.R: drivers_inputs.csv (the data) and
 * drivers_r_models.csv (each value with its R call in the "call" column).  Tolerances as
 * tests/test_drivers.py: polr maximises by BFGS and differentiates numerically for its Hessian,
 * so its estimates agree to about 1e-7 and its standard errors to 1e-5. */
#include <string.h>

#include "sc_logit.h"
#include "sc_status.h"
#include "sc_test.h"

enum { K = 4, LEVELS = 5, NP = K + LEVELS - 1 };
static const char *const DRIVERS[K] = {"x1", "x2", "x3", "x4"};

typedef struct {
    size_t n;
    double *x, *ybin, *yord, *w, *wf;
} inputs;

static inputs read_inputs(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "drivers_inputs.csv");
    inputs in = {t->rows, malloc(t->rows * K * sizeof(double)), malloc(t->rows * sizeof(double)),
                 malloc(t->rows * sizeof(double)), malloc(t->rows * sizeof(double)),
                 malloc(t->rows * sizeof(double))};
    for (size_t i = 0; i < t->rows; i++) {
        for (int j = 0; j < K; j++) in.x[i * K + j] = sc_csv_num(t, i, DRIVERS[j]);
        in.ybin[i] = sc_csv_num(t, i, "ybin");
        in.yord[i] = sc_csv_num(t, i, "yord") - 1;          /* levels 1..5 as codes 0..4 */
        in.w[i] = sc_csv_num(t, i, "w");
        in.wf[i] = sc_csv_num(t, i, "wf");
    }
    sc_csv_free(t);
    return in;
}

/* R's value of a quantity of a case for a term ("" for the first such row). */
static double r_value(const sc_csv *m, const char *case_name, const char *quantity,
                      const char *term, const char **call)
{
    for (size_t i = 0; i < m->rows; i++)
        if (strcmp(sc_csv_str(m, i, "case"), case_name) == 0 &&
            strcmp(sc_csv_str(m, i, "quantity"), quantity) == 0 &&
            (*term == '\0' || strcmp(sc_csv_str(m, i, "term"), term) == 0)) {
            *call = sc_csv_str(m, i, "call");
            return sc_csv_num(m, i, "value");
        }
    fprintf(stderr, "no %s %s %s in drivers_r_models.csv\n", case_name, quantity, term);
    exit(EXIT_FAILURE);
}

static void check(const sc_csv *m, const char *case_name, const char *quantity, const char *term,
                  double got, double rtol)
{
    const char *call;
    const double want = r_value(m, case_name, quantity, term, &call);
    char what[512];
    snprintf(what, sizeof what, "%s %s %s [%s]", case_name, quantity, term, call);
    SC_CHECK_CLOSE(got, want, rtol, 0, what);
}

static void test_binary(const sc_csv *m, const inputs *in, const char *case_name,
                        const double *w, int robust)
{
    const sc_logit_data d = {in->x, K, NULL, K, in->ybin, w, in->n};
    double coef[K + 1], cov[(K + 1) * (K + 1)], rcov[(K + 1) * (K + 1)];
    sc_logit_result r = {coef, cov, 0, 0, 0, SC_LOGIT_OK, 0};
    sc_logit_workspace *ws = sc_logit_alloc(in->n, K, 2);
    int status = sc_logit_fit(&d, NULL, ws, &r);
    SC_CHECK(status == 0 && r.outcome == SC_LOGIT_OK, "%s: fit", case_name);
    if (robust) status = sc_logit_robust_cov(&d, &r, ws, rcov);
    SC_CHECK(status == 0, "%s: covariance", case_name);
    sc_logit_free(ws);
    const double *v = robust ? rcov : cov, df = robust ? (double)(in->n - K - 1) : 0;
    double se[K + 1], z[K + 1], p[K + 1], crit;
    for (int j = 0; j <= K; j++) se[j] = sqrt(v[j * (K + 1) + j]);
    SC_CHECK(sc_logit_wald(coef, se, K + 1, df, 0.9, z, p, &crit) == 0, "%s: wald", case_name);
    for (int j = 0; j <= K; j++) {
        const char *term = j == 0 ? "intercept" : DRIVERS[j - 1];
        check(m, case_name, "estimate", term, coef[j], 1e-9);
        check(m, case_name, "se", term, se[j], 1e-8);
        check(m, case_name, "z", term, z[j], 1e-8);
        check(m, case_name, "pvalue", term, p[j], 1e-7);
        check(m, case_name, "lower90", term, coef[j] - crit * se[j], 1e-8);
        check(m, case_name, "upper90", term, coef[j] + crit * se[j], 1e-8);
    }
    if (robust) {
        check(m, case_name, "df_resid", "", df, 0);
        return;
    }
    check(m, case_name, "deviance", "", -2 * r.loglik, 1e-11);
    check(m, case_name, "null_deviance", "", -2 * r.loglik_null, 1e-12);
    if (strcmp(case_name, "weighted") != 0)      /* R rounds fractional weights in its AIC */
        check(m, case_name, "aic", "", -2 * r.loglik + 2 * (K + 1), 1e-11);
}

static void test_ordinal(const sc_csv *m, const inputs *in, const char *case_name, const double *w)
{
    const sc_logit_data d = {in->x, K, NULL, K, in->yord, w, in->n};
    double coef[NP], cov[NP * NP];
    sc_logit_result r = {coef, cov, 0, 0, 0, SC_LOGIT_OK, 0};
    sc_logit_workspace *ws = sc_logit_alloc(in->n, K, LEVELS);
    SC_CHECK(sc_logit_ordinal_fit(&d, LEVELS, NULL, ws, &r) == 0 && r.outcome == SC_LOGIT_OK,
             "%s: fit", case_name);
    sc_logit_free(ws);
    static const char *const thresholds[LEVELS - 1] = {"1|2", "2|3", "3|4", "4|5"};
    for (int j = 0; j < NP; j++) {
        const int driver = j < K;
        const char *term = driver ? DRIVERS[j] : thresholds[j - K];
        check(m, case_name, driver ? "estimate" : "threshold", term, coef[j], 2e-7);
        check(m, case_name, driver ? "se" : "threshold_se", term, sqrt(cov[j * NP + j]), 2e-5);
    }
    check(m, case_name, "deviance", "", -2 * r.loglik, 1e-10);
    check(m, case_name, "aic", "", -2 * r.loglik + 2 * NP, 1e-10);
}

/* Outcomes are indices into the level totals: one outside the levels is a status, not a read
 * out of bounds. */
static void test_outcome_out_of_range(void)
{
    const double x[4] = {1, 2, 3, 4}, w[4] = {1, 1, 1, 1};
    const double y_bin[4] = {0, 1, 1e12, 0}, y_ord[4] = {0, 1, 2, 3}, y_neg[4] = {0, 1, -1, 1};
    double coef[4], cov[16];
    sc_logit_result r = {coef, cov, 0, 0, 0, SC_LOGIT_OK, 0};
    sc_logit_workspace *ws = sc_logit_alloc(4, 1, 3);
    const sc_logit_data bin = {x, 1, NULL, 1, y_bin, w, 4}, neg = {x, 1, NULL, 1, y_neg, NULL, 4};
    const sc_logit_data ord = {x, 1, NULL, 1, y_ord, w, 4};
    SC_CHECK(sc_logit_fit(&bin, NULL, ws, &r) == SC_EDOM, "binary y = 1e12: status");
    SC_CHECK(sc_logit_fit(&neg, NULL, ws, &r) == SC_EDOM, "binary y = -1: status");
    SC_CHECK(sc_logit_ordinal_fit(&ord, 3, NULL, ws, &r) == SC_EDOM, "ordinal y = 3 of 3 levels: status");
    sc_logit_free(ws);
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    sc_csv *m = sc_csv_read(dir, "drivers_r_models.csv");
    inputs in = read_inputs(dir);
    test_binary(m, &in, "unweighted", NULL, 0);
    test_binary(m, &in, "weighted", in.w, 0);
    test_binary(m, &in, "frequency", in.wf, 0);
    test_binary(m, &in, "robust", in.w, 1);
    test_ordinal(m, &in, "polr_unweighted", NULL);
    test_ordinal(m, &in, "polr_weighted", in.w);
    test_outcome_out_of_range();
    sc_logit_free(NULL);
    free(in.x); free(in.ybin); free(in.yord); free(in.w); free(in.wf);
    sc_csv_free(m);
    return sc_test_done("test_logit");
}
