/* sc_spc against qicharts2 0.7, transliterated in base R 4.2.2 by tests/reference/
 * spc_qicharts2.R: spc_qicharts2.csv (I, p, u, c, p', u' and run charts: values, centre,
 * 3- and 2-sigma limits, sigma signals), spc_qicharts2_runs.csv (the Anhoej runs analysis) and
 * spc_anhoej_thresholds.csv (the run-length and crossing limits for 1..200 useful points). */
#include <string.h>

#include "sc_spc.h"
#include "sc_test.h"

#define RTOL 1e-12

static sc_spc_chart chart_code(const char *name)
{
    static const char *const names[] = {"xmr", "i", "p", "u", "c", "pp", "up", "run"};
    for (int c = 0; c < 8; c++)
        if (strcmp(names[c], name) == 0) return (sc_spc_chart)c;
    fprintf(stderr, "unknown chart %s\n", name);
    exit(EXIT_FAILURE);
}

/* qicharts2's rules: only points beyond the 3-sigma limits are signalled per point. */
static const sc_spc_rules ANHOEJ = {1, 0, SC_SPC_23_OFF, 0, 0};

typedef struct {
    double *value, *centre, *lower, *upper, *lower2, *upper2;
    signed char *signal;
    double runs[6];
} chart;

static sc_spc_output output(chart *c, size_t rows, size_t len)
{
    double **p[] = {&c->value, &c->centre, &c->lower, &c->upper, &c->lower2, &c->upper2};
    for (int j = 0; j < 6; j++) *p[j] = malloc(rows * len * sizeof(double));
    c->signal = malloc(rows * len);
    double *runs = malloc(6 * rows * sizeof *runs);
    const sc_spc_output o = {c->value, c->centre, c->lower, c->upper, c->lower2, c->upper2,
                             c->signal, runs, runs + rows, runs + 2 * rows, runs + 3 * rows,
                             runs + 4 * rows, runs + 5 * rows};
    return o;
}

static void output_free(chart *c, sc_spc_output *o)
{
    free(c->value); free(c->centre); free(c->lower); free(c->upper); free(c->lower2);
    free(c->upper2); free(c->signal); free(o->longest_run);
}

static void test_case(const sc_csv *pts, const sc_csv *runs, size_t first, size_t len)
{
    const char *name = sc_csv_str(pts, first, "case");
    double *y = malloc(len * sizeof *y), *n = malloc(len * sizeof *n);
    unsigned char *start = calloc(len, 1);
    for (size_t i = 0; i < len; i++) {
        y[i] = sc_csv_num(pts, first + i, "y");
        n[i] = sc_csv_num(pts, first + i, "n");
    }
    const double freeze = sc_csv_num(pts, first, "freeze"), part = sc_csv_num(pts, first, "part");
    start[0] = 1;
    if (!isnan(part)) start[(size_t)part] = 1;
    const sc_spc_chart kind = chart_code(sc_csv_str(pts, first, "chart"));
    const int needs_n = kind == SC_SPC_P || kind == SC_SPC_U || kind == SC_SPC_PP || kind == SC_SPC_UP;
    const sc_spc_spec spec = {kind, isnan(freeze) ? 0 : (size_t)freeze,
                              strcmp(sc_csv_str(pts, first, "screen"), "TRUE") == 0, ANHOEJ};
    chart c;
    sc_spc_output o = output(&c, 1, len);
    size_t bad;
    SC_CHECK(sc_spc_batch(y, needs_n ? n : NULL, start, 1, len, &spec, 1, &o, &bad) == 0,
             "%s: status", name);
    static const char *const cols[6] = {"value", "cl", "lcl", "ucl", "lcl.95", "ucl.95"};
    const double *got[6] = {c.value, c.centre, c.lower, c.upper, c.lower2, c.upper2};
    for (size_t i = 0; i < len; i++) {
        char what[96];
        for (int j = 0; j < 6; j++) {
            snprintf(what, sizeof what, "%s point %zu %s", name, i, cols[j]);
            SC_CHECK_CLOSE(got[j][i], sc_csv_num(pts, first + i, cols[j]), RTOL, 0, what);
        }
        const int sigma = strcmp(sc_csv_str(pts, first + i, "sigma.signal"), "TRUE") == 0;
        SC_CHECK((c.signal[i] != SC_SPC_COMMON) == sigma, "%s point %zu: sigma signal", name, i);
    }
    size_t r = 0;
    while (r < runs->rows && strcmp(sc_csv_str(runs, r, "case"), name) != 0) r++;
    SC_CHECK(r < runs->rows, "%s: no runs analysis in spc_qicharts2_runs.csv", name);
    if (r < runs->rows) {
        const double got_runs[6] = {o.n_useful[0], o.longest_run[0], o.longest_run_max[0],
                                    o.n_crossings[0], o.n_crossings_min[0], o.runs_signal[0]};
        static const char *const run_cols[6] = {"n.useful", "longest.run", "longest.run.max",
                                                "n.crossings", "n.crossings.min", "runs.signal"};
        for (int j = 0; j < 6; j++) {
            char what[96];
            snprintf(what, sizeof what, "%s %s", name, run_cols[j]);
            const char *s = sc_csv_str(runs, r, run_cols[j]);
            const double want = strcmp(s, "TRUE") == 0 ? 1 : strcmp(s, "FALSE") == 0 ? 0
                                                                                    : sc_csv_num(runs, r, run_cols[j]);
            SC_CHECK_CLOSE(got_runs[j], want, 0, 0, what);
        }
    }
    output_free(&c, &o);
    free(y); free(n); free(start);
}

/* One row per count of useful points: a first point that sets the centre (on it, so not
 * useful), then that many alternating values, the rest missing. */
static void test_thresholds(const sc_csv *t)
{
    const size_t k = t->rows, len = k + 1;
    double *y = malloc(k * len * sizeof *y);
    for (size_t r = 0; r < k; r++)
        for (size_t i = 0; i < len; i++)
            y[r * len + i] = i == 0 ? 0.5 : i <= r + 1 ? ((i - 1) % 2 ? -1.0 : 1.0) + 0.5 : NAN;
    const sc_spc_spec spec = {SC_SPC_RUN, 1, 0, ANHOEJ};
    chart c;
    sc_spc_output o = output(&c, k, len);
    size_t bad;
    SC_CHECK(sc_spc_batch(y, NULL, NULL, k, len, &spec, 1, &o, &bad) == 0, "thresholds: status");
    for (size_t r = 0; r < k; r++) {
        char what[64];
        snprintf(what, sizeof what, "anhoej thresholds, %zu useful", r + 1);
        SC_CHECK_CLOSE(o.n_useful[r], sc_csv_num(t, r, "n.useful"), 0, 0, what);
        SC_CHECK_CLOSE(o.longest_run_max[r], sc_csv_num(t, r, "longest.run.max"), 0, 0, what);
        SC_CHECK_CLOSE(o.n_crossings_min[r], sc_csv_num(t, r, "n.crossings.min"), 0, 0, what);
    }
    output_free(&c, &o);
    free(y);
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    sc_csv *pts = sc_csv_read(dir, "spc_qicharts2.csv");
    sc_csv *runs = sc_csv_read(dir, "spc_qicharts2_runs.csv");
    size_t cases = 0;
    for (size_t first = 0; first < pts->rows;) {
        size_t len = 1;
        while (first + len < pts->rows &&
               strcmp(sc_csv_str(pts, first + len, "case"), sc_csv_str(pts, first, "case")) == 0)
            len++;
        test_case(pts, runs, first, len);
        first += len;
        cases++;
    }
    SC_CHECK(cases == runs->rows, "%zu charts, %zu runs analyses", cases, runs->rows);
    sc_csv *thresholds = sc_csv_read(dir, "spc_anhoej_thresholds.csv");
    test_thresholds(thresholds);
    sc_csv_free(thresholds);
    sc_csv_free(pts);
    sc_csv_free(runs);
    return sc_test_done("test_spc");
}
