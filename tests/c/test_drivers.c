/* sc_drivers against tests/reference/drivers_r.R (R 4.2.2): relaimpo 2.2-3's lmg, first, last,
 * betasq and pratt transliterated, rwa 1.0.0's relative weights transliterated, and brute force
 * over every subset with lm / glm / polr (drivers_r_importance.csv, drivers_r_dominance.csv),
 * on R's datasets::swiss (drivers_swiss.csv, unweighted and with weights abs(-23:23)) and the
 * simulated survey data (drivers_inputs.csv).  polr's BFGS optimum is good to about 1e-9 in the
 * log-likelihood, hence the looser ordinal tolerances (as tests/test_drivers.py). */
#include <string.h>

#include "sc_drivers.h"
#include "sc_test.h"

enum { MAXP = 5, MAXN = 512 };

typedef struct {
    size_t n, p;
    double x[MAXN * MAXP], y[MAXN], w[MAXN];
    const char *names[MAXP];
} data;

static double importance_ref(const sc_csv *t, const char *case_name, const char *method,
                             const char *driver)
{
    for (size_t i = 0; i < t->rows; i++)
        if (strcmp(sc_csv_str(t, i, "case"), case_name) == 0 &&
            strcmp(sc_csv_str(t, i, "method"), method) == 0 &&
            (driver == NULL || strcmp(sc_csv_str(t, i, "driver"), driver) == 0))
            return sc_csv_num(t, i, "value");
    fprintf(stderr, "no %s %s %s in drivers_r_importance.csv\n", case_name, method,
            driver ? driver : "");
    exit(EXIT_FAILURE);
}

static size_t index_of(const data *d, const char *name)
{
    for (size_t j = 0; j < d->p; j++)
        if (strcmp(d->names[j], name) == 0) return j;
    fprintf(stderr, "no driver %s\n", name);
    exit(EXIT_FAILURE);
}

/* One method on d against R's values (refs: the reference methods it must match). */
static void check_method(const sc_csv *imp, const sc_csv *dom, const data *d, const char *case_name,
                         sc_drivers_model model, sc_drivers_method method,
                         const char *const *refs, size_t nrefs, double rtol, double atol)
{
    const sc_drivers_data dd = {d->x, d->y, d->w, d->n, d->p, model == SC_DRIVERS_ORDINAL ? 5 : 0};
    double importance[MAXP], conditional[MAXP * MAXP], complete[MAXP * MAXP];
    sc_drivers_output out = {importance, 0, conditional, complete};
    SC_CHECK(sc_drivers_importance(&dd, model, method, 1, &out) == 0, "%s %s: status", case_name,
             refs[0]);
    for (size_t r = 0; r < nrefs; r++)
        for (size_t j = 0; j < d->p; j++) {
            char what[128];
            snprintf(what, sizeof what, "%s %s (method %d) %s", case_name, refs[r], (int)method,
                     d->names[j]);
            SC_CHECK_CLOSE(importance[j], importance_ref(imp, case_name, refs[r], d->names[j]), rtol,
                           atol, what);
        }
    if (method != SC_DRIVERS_RELATIVE_WEIGHTS || model == SC_DRIVERS_LINEAR) {
        char what[96];
        snprintf(what, sizeof what, "%s r2 (method %d)", case_name, (int)method);
        SC_CHECK_CLOSE(out.r2, importance_ref(imp, case_name, "r2", NULL), rtol, 0, what);
    }
    if (method != SC_DRIVERS_DOMINANCE) return;
    for (size_t i = 0; i < dom->rows; i++) {
        if (strcmp(sc_csv_str(dom, i, "case"), case_name) != 0) continue;
        const size_t a = index_of(d, sc_csv_str(dom, i, "driver"));
        const char *kind = sc_csv_str(dom, i, "kind");
        char what[128];
        snprintf(what, sizeof what, "%s %s %s %s", case_name, kind, sc_csv_str(dom, i, "driver"),
                 sc_csv_str(dom, i, "other"));
        if (strcmp(kind, "conditional") == 0) {
            const size_t s = (size_t)sc_csv_num(dom, i, "other");
            SC_CHECK_CLOSE(conditional[a * d->p + s], sc_csv_num(dom, i, "value"),
                           model == SC_DRIVERS_LINEAR ? 1e-10 : 10 * rtol,
                           model == SC_DRIVERS_LINEAR ? 1e-14 : 1e-10, what);
        } else {
            const size_t b = index_of(d, sc_csv_str(dom, i, "other"));
            SC_CHECK_CLOSE(complete[a * d->p + b], sc_csv_num(dom, i, "value"), 0, 0, what);
        }
    }
}

static void test_swiss(const char *dir, const sc_csv *imp, const sc_csv *dom)
{
    sc_csv *t = sc_csv_read(dir, "drivers_swiss.csv");
    if (t->rows > MAXN) exit(EXIT_FAILURE);
    static const char *const names[MAXP] = {"Agriculture", "Examination", "Education", "Catholic",
                                            "Infant.Mortality"};
    static data d;
    for (int weighted = 0; weighted < 2; weighted++) {
        const char *case_name = weighted ? "swiss_weighted" : "swiss";
        d.n = 0;
        d.p = MAXP;
        for (int j = 0; j < MAXP; j++) d.names[j] = names[j];
        for (size_t i = 0; i < t->rows; i++) {
            const double w = weighted ? fabs((double)i - 23) : 1;   /* abs(-23:23) */
            if (w == 0) continue;                                   /* a weight-0 row: left out */
            for (int j = 0; j < MAXP; j++) d.x[d.n * MAXP + j] = sc_csv_num(t, i, names[j]);
            d.y[d.n] = sc_csv_num(t, i, "Fertility");
            d.w[d.n++] = w;
        }
        struct {
            sc_drivers_method method;
            const char *refs[2];
            size_t nrefs;
        } cases[] = {{SC_DRIVERS_LMG, {"lmg_relaimpo", "lmg"}, 2},
                     {SC_DRIVERS_FIRST, {"first_relaimpo", "first"}, 2},
                     {SC_DRIVERS_LAST, {"last_relaimpo", "last"}, 2},
                     {SC_DRIVERS_BETASQ, {"betasq_relaimpo", "betasq"}, 2},
                     {SC_DRIVERS_PRATT, {"pratt_relaimpo", "pratt"}, 2},
                     {SC_DRIVERS_RELATIVE_WEIGHTS, {"relative_weights", NULL}, 1},
                     {SC_DRIVERS_DOMINANCE, {"lmg", NULL}, 1}};
        for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
            check_method(imp, dom, &d, case_name, SC_DRIVERS_LINEAR, cases[c].method,
                         cases[c].refs, cases[c].nrefs, 1e-10, 1e-14);
    }
    sc_csv_free(t);
}

static void test_mcfadden(const char *dir, const sc_csv *imp, const sc_csv *dom)
{
    sc_csv *t = sc_csv_read(dir, "drivers_inputs.csv");
    if (t->rows > MAXN) exit(EXIT_FAILURE);
    static const char *const names[4] = {"x1", "x2", "x3", "x4"};
    static data d;
    for (int ordinal = 0; ordinal < 2; ordinal++) {
        d.n = t->rows;
        d.p = 4;
        for (int j = 0; j < 4; j++) d.names[j] = names[j];
        for (size_t i = 0; i < t->rows; i++) {
            for (int j = 0; j < 4; j++) d.x[i * 4 + j] = sc_csv_num(t, i, names[j]);
            d.y[i] = ordinal ? sc_csv_num(t, i, "yord") - 1 : sc_csv_num(t, i, "ybin");
            d.w[i] = sc_csv_num(t, i, "w");
        }
        const char *case_name = ordinal ? "ordinal" : "logistic";
        const sc_drivers_model model = ordinal ? SC_DRIVERS_ORDINAL : SC_DRIVERS_LOGISTIC;
        const double rtol = ordinal ? 1e-6 : 1e-9;
        static const char *const lmg[1] = {"lmg"}, *first[1] = {"first"}, *last[1] = {"last"};
        check_method(imp, dom, &d, case_name, model, SC_DRIVERS_LMG, lmg, 1, rtol, 1e-12);
        check_method(imp, dom, &d, case_name, model, SC_DRIVERS_FIRST, first, 1, rtol, 1e-12);
        check_method(imp, dom, &d, case_name, model, SC_DRIVERS_LAST, last, 1, rtol, 1e-12);
        check_method(imp, dom, &d, case_name, model, SC_DRIVERS_DOMINANCE, lmg, 1, rtol, 1e-12);
    }
    /* rwa_logit: relative weights of the unweighted binary model */
    d.n = t->rows;
    for (size_t i = 0; i < t->rows; i++) {
        d.y[i] = sc_csv_num(t, i, "ybin");
        d.w[i] = 1;
    }
    static const char *const rw[1] = {"relative_weights"};
    check_method(imp, dom, &d, "logistic", SC_DRIVERS_LOGISTIC, SC_DRIVERS_RELATIVE_WEIGHTS, rw, 1,
                 1e-8, 0);
    sc_csv_free(t);
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    sc_csv *imp = sc_csv_read(dir, "drivers_r_importance.csv");
    sc_csv *dom = sc_csv_read(dir, "drivers_r_dominance.csv");
    test_swiss(dir, imp, dom);
    test_mcfadden(dir, imp, dom);
    sc_csv_free(imp);
    sc_csv_free(dom);
    return sc_test_done("test_drivers");
}
