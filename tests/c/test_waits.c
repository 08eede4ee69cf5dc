/* sc_waits against R 4.2.2 survival 3.5-3, from tests/reference/waits_survival.R: the cases of
 * waits_r_cases.csv (survfit(Surv(time, status) ~ group, conf.type, conf.int) and
 * survdiff(..., rho) on waits_data_*.csv), their curves in waits_r_km.csv and tests in
 * waits_r_logrank.csv and waits_r_logrank_var.csv.  Rows with a missing time, status or group
 * are left out, as R does; groups are R's factor levels (sorted labels). */
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "sc_status.h"
#include "sc_test.h"
#include "sc_waits.h"

#define RTOL 1e-12

typedef struct {
    size_t n, k;
    double *time, *status;
    int64_t *group;             /* NULL when the case has no groups */
} waits;

static int numeric(const char *s)
{
    char *end;
    strtod(s, &end);
    return *s != '\0' && *end == '\0';
}

static int all_numeric;

static int by_label(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    if (all_numeric) {
        const double x = strtod(a, NULL), y = strtod(b, NULL);
        return (x > y) - (x < y);
    }
    return strcmp(a, b);
}

/* The waits of a case: its data set, subset and columns, without rows that have NA. */
static waits read_case(const char *dir, const sc_csv *cases, size_t c)
{
    char name[64];
    snprintf(name, sizeof name, "waits_data_%s.csv", sc_csv_str(cases, c, "data"));
    sc_csv *d = sc_csv_read(dir, name);
    const char *subset = sc_csv_str(cases, c, "subset"), *gcol = sc_csv_str(cases, c, "group");
    const char *tcol = sc_csv_str(cases, c, "time"), *scol = sc_csv_str(cases, c, "status");
    waits w = {0, 1, malloc(d->rows * sizeof(double)), malloc(d->rows * sizeof(double)), NULL};
    const char **labels = malloc(d->rows * sizeof *labels), **levels = malloc(d->rows * sizeof *levels);
    for (size_t i = 0; i < d->rows; i++) {
        if (*subset && strcmp(sc_csv_str(d, i, "set"), subset) != 0) continue;
        const double t = sc_csv_num(d, i, tcol), s = sc_csv_num(d, i, scol);
        const char *g = *gcol ? sc_csv_str(d, i, gcol) : "";
        if (isnan(t) || isnan(s) || strcmp(g, "NA") == 0) continue;
        w.time[w.n] = t;
        w.status[w.n] = s;
        labels[w.n++] = g;
    }
    if (*gcol) {
        all_numeric = 1;
        for (size_t i = 0; i < w.n; i++) all_numeric &= numeric(labels[i]);
        memcpy(levels, labels, w.n * sizeof *labels);
        qsort(levels, w.n, sizeof *levels, by_label);
        size_t k = 0;
        for (size_t i = 0; i < w.n; i++)
            if (k == 0 || by_label(&levels[k - 1], &levels[i]) != 0) levels[k++] = levels[i];
        w.k = k;
        w.group = malloc(w.n * sizeof *w.group);
        for (size_t i = 0; i < w.n; i++) {
            const char **at = bsearch(&labels[i], levels, k, sizeof *levels, by_label);
            w.group[i] = (int64_t)(at - levels);
        }
    }
    free(labels);
    free(levels);
    sc_csv_free(d);
    return w;
}

static sc_waits_conf conf_type(const char *name)
{
    if (strcmp(name, "log-log") == 0) return SC_WAITS_LOGLOG;
    if (strcmp(name, "plain") == 0) return SC_WAITS_PLAIN;
    if (strcmp(name, "logit") == 0) return SC_WAITS_LOGIT;
    if (strcmp(name, "arcsin") == 0) return SC_WAITS_ARCSIN;
    return SC_WAITS_LOG;
}

static void test_case(const char *dir, const sc_csv *cases, size_t c, const sc_csv *km,
                      const sc_csv *lr, const sc_csv *lr_var)
{
    const char *name = sc_csv_str(cases, c, "case");
    waits d = read_case(dir, cases, c);
    const size_t n = d.n, k = d.k;
    double *buf = malloc(8 * n * sizeof *buf), *counts = malloc(k * sizeof *counts);
    size_t *rows = malloc(k * sizeof *rows);
    double *cols[8];
    for (int j = 0; j < 8; j++) cols[j] = buf + j * n;
    sc_waits_workspace *w = sc_waits_alloc(n, k);
    SC_CHECK(w != NULL, "%s: workspace", name);
    int status = sc_waits_load(d.time, d.status, d.group, n, k, sqrt(DBL_EPSILON), w, counts);
    if (status == 0) status = sc_waits_km(w, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], rows);
    SC_CHECK(status == 0, "%s: load and curve", name);
    size_t total = 0;
    for (size_t g = 0; g < k; g++) total += rows[g];
    sc_waits_band(cols[4], cols[5], total, conf_type(sc_csv_str(cases, c, "conf_type")),
                  sc_csv_num(cases, c, "conf"), cols[6], cols[7]);
    /* R's summary(): the rows with decisions, each with the cases left open since the
     * previous such row of its group */
    static const char *names[8] = {"time", "n_risk", "n_event", "n_censor", "surv", "std_err",
                                   "lower", "upper"};
    size_t at = 0, r = 0, events = 0;
    for (size_t g = 0, row = 0; g < k; g++) {
        double open = 0;
        for (size_t end = row + rows[g]; row < end; row++) {
            open += cols[3][row];
            if (cols[2][row] == 0) continue;
            events++;
            while (at < km->rows && strcmp(sc_csv_str(km, at, "case"), name) != 0) at++;
            if (at == km->rows) continue;
            for (int j = 0; j < 8; j++) {
                char what[96];
                snprintf(what, sizeof what, "%s row %zu %s", name, r, names[j]);
                SC_CHECK_CLOSE(j == 3 ? open : cols[j][row], sc_csv_num(km, at, names[j]), RTOL,
                               1e-14, what);
            }
            open = 0;
            at++;
            r++;
        }
    }
    for (; at < km->rows; at++) r += strcmp(sc_csv_str(km, at, "case"), name) == 0;
    total = events;
    SC_CHECK(r == total, "%s: %zu rows, R %zu", name, total, r);

    if (k > 1) {
        double *obs = malloc(k * sizeof *obs), *expd = malloc(k * sizeof *expd);
        double *var = malloc(k * k * sizeof *var), chisq, df, pvalue;
        status = sc_waits_logrank(w, sc_csv_num(cases, c, "rho"), obs, expd, var, &chisq, &df,
                                  &pvalue);
        SC_CHECK(status == SC_SUCCESS || status == SC_ESINGULAR, "%s: logrank", name);
        size_t g = 0;
        for (size_t i = 0; i < lr->rows; i++) {
            if (strcmp(sc_csv_str(lr, i, "case"), name) != 0 || g >= k) continue;
            char what[96];
            snprintf(what, sizeof what, "%s logrank group %zu", name, g);
            SC_CHECK_CLOSE(obs[g], sc_csv_num(lr, i, "observed"), RTOL, 1e-14, what);
            SC_CHECK_CLOSE(expd[g], sc_csv_num(lr, i, "expected"), RTOL, 1e-14, what);
            SC_CHECK_CLOSE(counts[g], sc_csv_num(lr, i, "n"), 0, 0, what);
            SC_CHECK_CLOSE(chisq, sc_csv_num(lr, i, "chisq"), 1e-11, 0, what);
            SC_CHECK_CLOSE(df, sc_csv_num(lr, i, "df"), 0, 0, what);
            SC_CHECK_CLOSE(pvalue, sc_csv_num(lr, i, "pvalue"), 1e-10, 0, what);
            g++;
        }
        SC_CHECK(g == k, "%s: %zu groups tested, R %zu", name, k, g);
        double *want = calloc(k * k, sizeof *want);
        for (size_t i = 0; i < lr_var->rows; i++)
            if (strcmp(sc_csv_str(lr_var, i, "case"), name) == 0)
                want[(size_t)sc_csv_num(lr_var, i, "row") * k + (size_t)sc_csv_num(lr_var, i, "col")] =
                    sc_csv_num(lr_var, i, "var");
        for (size_t a = 0; a < k * k; a++) {
            char what[96];
            snprintf(what, sizeof what, "%s logrank variance %zu, %zu", name, a / k, a % k);
            SC_CHECK_CLOSE(var[a], want[a], 1e-11, 1e-14, what);
        }
        free(want); free(obs); free(expd); free(var);
    }
    sc_waits_free(w);
    free(buf); free(counts); free(rows);
    free(d.time); free(d.status); free(d.group);
}

/* The number of groups sizes the workspace (and the test's k x k matrix): beyond the bounds,
 * no workspace and no test instead of gigabytes zeroed. */
static void test_too_many_groups(void)
{
    SC_CHECK(sc_waits_alloc(4, (size_t)1 << 31) == NULL, "2^31 groups: no workspace");
    sc_waits_workspace *w = sc_waits_alloc(4, SC_WAITS_MAX_TEST_GROUPS + 1);
    double o, e, v, chisq, df, p;
    SC_CHECK(w != NULL && sc_waits_logrank(w, 0.0, &o, &e, &v, &chisq, &df, &p) == SC_EINVAL,
             "test of %zu groups: status", SC_WAITS_MAX_TEST_GROUPS + 1);
    sc_waits_free(w);
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    sc_csv *cases = sc_csv_read(dir, "waits_r_cases.csv");
    sc_csv *km = sc_csv_read(dir, "waits_r_km.csv");
    sc_csv *lr = sc_csv_read(dir, "waits_r_logrank.csv");
    sc_csv *lr_var = sc_csv_read(dir, "waits_r_logrank_var.csv");
    for (size_t c = 0; c < cases->rows; c++) test_case(dir, cases, c, km, lr, lr_var);
    sc_waits_free(NULL);
    test_too_many_groups();
    sc_csv_free(cases); sc_csv_free(km); sc_csv_free(lr); sc_csv_free(lr_var);
    return sc_test_done("test_waits");
}
