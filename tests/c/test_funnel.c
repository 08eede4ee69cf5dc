/* sc_funnel against R, from tests/reference:
 * - funnel_exact.csv (funnel_exact.R: R 4.2.2 qbinom / qpois / qchisq exact limits with
 *   Spiegelhalter's interpolation, FunnelPlotR 0.6.0's winsorised phi and tau2, and the
 *   documented overdispersion adjustments);
 * - funnel_funnelplotr.csv (funnel_funnelplotr.R: FunnelPlotR 0.6.0 arcsine, SHMI log and CQC
 *   square-root scales; FunnelPlotR rounds its normal quantiles to 7 figures, so the limits on
 *   those scales agree to about 1e-7);
 * - funnel_phe_proportion.csv, funnel_phe_ratio.csv (funnel_phe.R: PHEindicatormethods' Wilson
 *   funnel and its ratio limits).
 * Tolerances as tests/test_disparity.py. */
#include <string.h>

#include "sc_funnel.h"
#include "sc_test.h"

#define ROUNDED_Z 1e-6

static const double LEVELS[2] = {0.95, 0.998};

typedef struct {
    size_t n;
    double *num, *den, *lower, *upper, *od_lower, *od_upper, *scale_lower, *scale_upper;
    double *z, *s, target, phi, tau2;
} table;

/* The rows of t where `column` equals `value`, with their limits (prefix lower_95 ...). */
static table read_rows(const sc_csv *t, const char *column, const char *value, const char *other,
                       const char *other_value, const char *num, const char *den)
{
    table g;
    memset(&g, 0, sizeof g);
    double **cols[] = {&g.num, &g.den, &g.lower, &g.upper, &g.od_lower, &g.od_upper,
                       &g.scale_lower, &g.scale_upper, &g.z, &g.s};
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) *cols[c] = calloc(2 * t->rows, sizeof(double));
    for (size_t i = 0; i < t->rows; i++) {
        if (column && strcmp(sc_csv_str(t, i, column), value) != 0) continue;
        if (other && strcmp(sc_csv_str(t, i, other), other_value) != 0) continue;
        g.num[g.n] = sc_csv_num(t, i, num);
        g.den[g.n] = sc_csv_num(t, i, den);
        static const char *const lo[2] = {"lower_95", "lower_998"}, *hi[2] = {"upper_95", "upper_998"};
        for (int j = 0; j < 2; j++) {
            char name[32];
            g.lower[2 * g.n + j] = sc_csv_num(t, i, lo[j]);
            g.upper[2 * g.n + j] = sc_csv_num(t, i, hi[j]);
            if (column && strcmp(column, "case") == 0 && other == NULL) {     /* FunnelPlotR */
                snprintf(name, sizeof name, "od_%s", lo[j]);
                g.od_lower[2 * g.n + j] = sc_csv_num(t, i, name);
                snprintf(name, sizeof name, "od_%s", hi[j]);
                g.od_upper[2 * g.n + j] = sc_csv_num(t, i, name);
                snprintf(name, sizeof name, "scale_%s", lo[j]);
                g.scale_lower[2 * g.n + j] = sc_csv_num(t, i, name);
                snprintf(name, sizeof name, "scale_%s", hi[j]);
                g.scale_upper[2 * g.n + j] = sc_csv_num(t, i, name);
                g.s[g.n] = sc_csv_num(t, i, "s");
            }
        }
        if (column) {
            g.z[g.n] = sc_csv_num(t, i, "z");
            g.target = sc_csv_num(t, i, "target");
            g.phi = sc_csv_num(t, i, "phi");
            g.tau2 = sc_csv_num(t, i, "tau2");
        }
        g.n++;
    }
    return g;
}

static void table_free(table *g)
{
    free(g->num); free(g->den); free(g->lower); free(g->upper); free(g->od_lower);
    free(g->od_upper); free(g->scale_lower); free(g->scale_upper); free(g->z); free(g->s);
}

static void check_all(const double *got, const double *want, size_t n, double rtol, double atol,
                      const char *what)
{
    for (size_t i = 0; i < n; i++) {
        char label[128];
        snprintf(label, sizeof label, "%s [%zu]", what, i);
        SC_CHECK_CLOSE(got[i], want[i], rtol, atol, label);
    }
}

/* z, s, phi, tau2 and limits of one funnel. */
typedef struct {
    double *z, *s, phi, tau2, *lower, *upper;
} funnel;

static funnel run(const table *g, sc_funnel_spec spec, const char *what)
{
    funnel f = {malloc(g->n * sizeof(double)), malloc(g->n * sizeof(double)), 0, 0,
                malloc(2 * g->n * sizeof(double)), malloc(2 * g->n * sizeof(double))};
    spec.levels = LEVELS;
    spec.n_levels = 2;
    spec.threads = 1;
    int status = sc_funnel_scores(g->num, 1, g->den, 1, g->n, &spec, f.z, f.s);
    if (status == 0) status = sc_funnel_dispersion(f.z, f.s, g->n, &spec, &f.phi, &f.tau2);
    if (status == 0) status = sc_funnel_limits(g->den, 1, g->n, &spec, f.phi, f.tau2, f.lower, f.upper);
    SC_CHECK(status == 0, "%s: status %d", what, status);
    return f;
}

static void funnel_free(funnel *f)
{
    free(f->z); free(f->s); free(f->lower); free(f->upper);
}

static void test_exact(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "funnel_exact.csv");
    static const char *const kinds[3] = {"proportion", "rate", "ratio"};
    static const char *const ods[3] = {"none", "multiplicative", "additive"};
    for (int k = 0; k < 3; k++)
        for (int o = 0; o < 3; o++) {
            table g = read_rows(t, "case", kinds[k], "overdispersion", ods[o], "numerator",
                                "denominator");
            char what[96];
            snprintf(what, sizeof what, "funnel_exact %s %s", kinds[k], ods[o]);
            SC_CHECK(g.n == 30, "%s: %zu units", what, g.n);
            const sc_funnel_spec spec = {(sc_funnel_kind)k, SC_FUNNEL_EXACT, (sc_funnel_od)o,
                                         g.target, 0.1, NULL, 0, 1};
            funnel f = run(&g, spec, what);
            check_all(f.z, g.z, g.n, 1e-12, 1e-12, what);
            SC_CHECK_CLOSE(f.phi, g.phi, 1e-12, 0, what);
            SC_CHECK_CLOSE(f.tau2, g.tau2, 1e-10, 0, what);
            check_all(f.lower, g.lower, 2 * g.n, 1e-11, 1e-14, what);
            check_all(f.upper, g.upper, 2 * g.n, 1e-11, 1e-14, what);
            funnel_free(&f);
            table_free(&g);
        }
    sc_csv_free(t);
}

static void test_funnelplotr(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "funnel_funnelplotr.csv");
    static const char *const cases[3] = {"arcsine", "log", "sqrt"};
    static const sc_funnel_method methods[3] = {SC_FUNNEL_ARCSINE, SC_FUNNEL_LOG, SC_FUNNEL_SQRT};
    for (int c = 0; c < 3; c++) {
        table g = read_rows(t, "case", cases[c], NULL, NULL, "numerator", "denominator");
        const sc_funnel_kind kind = c == 0 ? SC_FUNNEL_PROPORTION : SC_FUNNEL_RATIO;
        char what[96];
        snprintf(what, sizeof what, "funnelplotr %s", cases[c]);
        sc_funnel_spec spec = {kind, methods[c], SC_FUNNEL_OD_NONE, g.target, 0.1, NULL, 0, 1};
        funnel plain = run(&g, spec, what);
        spec.overdispersion = SC_FUNNEL_OD_ADDITIVE;
        funnel adjusted = run(&g, spec, what);
        check_all(plain.z, g.z, g.n, 1e-12, 1e-13, what);
        check_all(plain.s, g.s, g.n, 1e-14, 0, what);
        SC_CHECK_CLOSE(plain.phi, g.phi, 1e-12, 0, what);
        SC_CHECK_CLOSE(plain.tau2, g.tau2, 1e-12, 0, what);
        /* FunnelPlotR leaves the CQC limits on the square-root scale */
        for (size_t i = 0; c == 2 && i < 2 * g.n; i++) {
            g.scale_lower[i] *= g.scale_lower[i];
            g.scale_upper[i] *= g.scale_upper[i];
            g.od_lower[i] *= g.od_lower[i];
            g.od_upper[i] *= g.od_upper[i];
        }
        check_all(plain.lower, g.scale_lower, 2 * g.n, ROUNDED_Z, 0, what);
        check_all(plain.upper, g.scale_upper, 2 * g.n, ROUNDED_Z, 0, what);
        check_all(adjusted.lower, g.od_lower, 2 * g.n, ROUNDED_Z, 0, what);
        check_all(adjusted.upper, g.od_upper, 2 * g.n, ROUNDED_Z, 0, what);
        if (c == 1) {           /* FunnelPlotR's chi-square limits of the unadjusted ratios */
            spec.method = SC_FUNNEL_EXACT;
            spec.overdispersion = SC_FUNNEL_OD_NONE;
            spec.target = 1;
            funnel exact = run(&g, spec, "funnelplotr exact ratio");
            check_all(exact.lower, g.lower, 2 * g.n, 1e-12, 0, "funnelplotr exact ratio");
            check_all(exact.upper, g.upper, 2 * g.n, 1e-12, 0, "funnelplotr exact ratio");
            funnel_free(&exact);
        }
        funnel_free(&plain);
        funnel_free(&adjusted);
        table_free(&g);
    }
    sc_csv_free(t);
}

static void test_phe(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "funnel_phe_proportion.csv");
    table g = read_rows(t, NULL, NULL, NULL, NULL, "numerator", "denominator");
    const sc_funnel_spec spec = {SC_FUNNEL_PROPORTION, SC_FUNNEL_WILSON, SC_FUNNEL_OD_NONE,
                                 sc_csv_num(t, 0, "average"), 0.1, NULL, 0, 1};
    funnel f = run(&g, spec, "phe wilson funnel");
    check_all(f.lower, g.lower, 2 * g.n, 1e-12, 0, "phe wilson funnel");
    check_all(f.upper, g.upper, 2 * g.n, 1e-12, 0, "phe wilson funnel");
    funnel_free(&f);
    table_free(&g);
    sc_csv_free(t);

    t = sc_csv_read(dir, "funnel_phe_ratio.csv");
    g = read_rows(t, NULL, NULL, NULL, NULL, "observed", "expected");
    double *lo = malloc(2 * g.n * sizeof *lo), *hi = malloc(2 * g.n * sizeof *hi);
    SC_CHECK(sc_funnel_ratio_ci(g.num, 1, g.den, 1, g.n, LEVELS, 2, 1, lo, hi) == 0,
             "phe ratio limits status");
    check_all(lo, g.lower, 2 * g.n, 1e-12, 1e-15, "phe ratio limits");
    check_all(hi, g.upper, 2 * g.n, 1e-12, 0, "phe ratio limits");
    free(lo);
    free(hi);
    table_free(&g);
    sc_csv_free(t);
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    test_exact(dir);
    test_funnelplotr(dir);
    test_phe(dir);
    return sc_test_done("test_funnel");
}
