/* sc_trend against R package trend 1.1.4 (mk.test, sens.slope, pettitt.test), transliterated
 * and run in R 4.2.2 by tests/reference/trend_r.R: trend_r_inputs.csv (the series),
 * trend_r_mk.csv, trend_r_sens.csv, trend_r_pettitt.csv.  Also: a batch gives the same
 * numbers on one thread and on four. */
#include <stdint.h>
#include <string.h>

#include "sc_test.h"
#include "sc_trend.h"

/* The reference series as one batch padded with NaN (omitted: each keeps positions 0..m-1). */
typedef struct {
    size_t rows, n;
    double *y;
} batch;

static batch read_series(const char *dir)
{
    sc_csv *in = sc_csv_read(dir, "trend_r_inputs.csv");
    batch b = {0, 0, NULL};
    for (size_t i = 0; i < in->rows; i++) {
        const size_t r = (size_t)sc_csv_num(in, i, "series"), p = (size_t)sc_csv_num(in, i, "position");
        if (r + 1 > b.rows) b.rows = r + 1;
        if (p + 1 > b.n) b.n = p + 1;
    }
    b.y = malloc(b.rows * b.n * sizeof *b.y);
    for (size_t i = 0; i < b.rows * b.n; i++) b.y[i] = NAN;
    for (size_t i = 0; i < in->rows; i++) {
        const size_t r = (size_t)sc_csv_num(in, i, "series"), p = (size_t)sc_csv_num(in, i, "position");
        b.y[r * b.n + p] = sc_csv_num(in, i, "value");
    }
    sc_csv_free(in);
    return b;
}

static sc_mk_output mk_alloc(size_t rows)
{
    sc_mk_output o;
    double **d[] = {&o.s, &o.var_s, &o.z, &o.pvalue, &o.tau, &o.tau_b, &o.slope, &o.intercept};
    for (size_t i = 0; i < sizeof d / sizeof *d; i++) *d[i] = malloc(rows * sizeof(double));
    o.nobs = malloc(rows * sizeof *o.nobs);
    o.h = malloc(rows);
    o.trend = malloc(rows);
    o.status = malloc(rows);
    return o;
}

static void mk_free(sc_mk_output *o)
{
    free(o->s); free(o->var_s); free(o->z); free(o->pvalue); free(o->tau); free(o->tau_b);
    free(o->slope); free(o->intercept); free(o->nobs); free(o->h); free(o->trend);
    free(o->status);
}

static void test_mk(const char *dir, const batch *b)
{
    sc_csv *ref = sc_csv_read(dir, "trend_r_mk.csv");
    const sc_trend_data data = {b->y, b->rows, b->n, NULL, 1};
    sc_mk_output o = mk_alloc(b->rows);
    SC_CHECK(sc_trend_mk(&data, SC_MK_ORIGINAL, 0.05, 0, 1, &o) == 0, "sc_trend_mk status");
    for (size_t i = 0; i < ref->rows; i++) {
        const size_t r = (size_t)sc_csv_num(ref, i, "series");
        char what[64];
        snprintf(what, sizeof what, "mk series %zu S", r);
        SC_CHECK_CLOSE(o.s[r], sc_csv_num(ref, i, "S"), 0, 0, what);
        snprintf(what, sizeof what, "mk series %zu varS", r);
        SC_CHECK_CLOSE(o.var_s[r], sc_csv_num(ref, i, "varS"), 1e-14, 0, what);
        snprintf(what, sizeof what, "mk series %zu tau_b", r);
        SC_CHECK_CLOSE(o.tau_b[r], sc_csv_num(ref, i, "tau_b"), 1e-13, 0, what);
        snprintf(what, sizeof what, "mk series %zu z", r);
        SC_CHECK_CLOSE(o.z[r], sc_csv_num(ref, i, "z"), 1e-13, 1e-15, what);
        snprintf(what, sizeof what, "mk series %zu pvalue", r);
        SC_CHECK_CLOSE(o.pvalue[r], sc_csv_num(ref, i, "pvalue"), 1e-12, 0, what);
    }
    SC_CHECK(ref->rows >= 25, "mk reference rows: %zu", ref->rows);
    mk_free(&o);
    sc_csv_free(ref);
}

static void test_sen(const char *dir, const batch *b)
{
    sc_csv *ref = sc_csv_read(dir, "trend_r_sens.csv");
    const double conf[] = {0.8, 0.9, 0.95, 0.99};
    const size_t nc = 4;
    const sc_trend_data data = {b->y, b->rows, b->n, NULL, 1};
    sc_sen_output o = {malloc(b->rows * sizeof(double)), malloc(b->rows * sizeof(double)),
                       malloc(b->rows * nc * sizeof(double)), malloc(b->rows * nc * sizeof(double)),
                       malloc(b->rows * sizeof(int64_t)), malloc(b->rows)};
    SC_CHECK(sc_trend_sen(&data, conf, nc, 1, &o) == 0, "sc_trend_sen status");
    size_t limits = 0;
    for (size_t i = 0; i < ref->rows; i++) {
        const size_t r = (size_t)sc_csv_num(ref, i, "series");
        const double c = sc_csv_num(ref, i, "conf");
        size_t j = 0;
        while (j < nc && fabs(conf[j] - c) > 1e-12) j++;
        SC_CHECK(j < nc, "sens level %g", c);
        if (j == nc) continue;
        char what[64];
        snprintf(what, sizeof what, "sens series %zu slope", r);
        SC_CHECK_CLOSE(o.slope[r], sc_csv_num(ref, i, "slope"), 1e-14, 0, what);
        snprintf(what, sizeof what, "sens series %zu conf %g lower", r, c);
        SC_CHECK_CLOSE(o.lower[r * nc + j], sc_csv_num(ref, i, "lower"), 1e-14, 0, what);
        snprintf(what, sizeof what, "sens series %zu conf %g upper", r, c);
        SC_CHECK_CLOSE(o.upper[r * nc + j], sc_csv_num(ref, i, "upper"), 1e-14, 0, what);
        limits += !isnan(sc_csv_num(ref, i, "lower"));
    }
    SC_CHECK(limits > 60, "sens: %zu finite lower limits", limits);
    free(o.slope); free(o.intercept); free(o.lower); free(o.upper); free(o.nobs); free(o.status);
    sc_csv_free(ref);
}

static void test_pettitt(const char *dir, const batch *b)
{
    sc_csv *ref = sc_csv_read(dir, "trend_r_pettitt.csv");
    const sc_trend_data data = {b->y, b->rows, b->n, NULL, 1};
    sc_pettitt_output o = {malloc(b->rows * sizeof(double)), malloc(b->rows * sizeof(double)),
                           malloc(b->rows * sizeof(int64_t)), malloc(b->rows * sizeof(int64_t)),
                           malloc(b->rows)};
    SC_CHECK(sc_trend_pettitt(&data, 1, &o) == 0, "sc_trend_pettitt status");
    for (size_t i = 0; i < ref->rows; i++) {
        const size_t r = (size_t)sc_csv_num(ref, i, "series");
        char what[64];
        snprintf(what, sizeof what, "pettitt series %zu U", r);
        SC_CHECK_CLOSE(o.statistic[r], sc_csv_num(ref, i, "U"), 0, 0, what);
        snprintf(what, sizeof what, "pettitt series %zu K", r);
        SC_CHECK_CLOSE((double)o.location[r], sc_csv_num(ref, i, "K") - 1, 0, 0, what);
        snprintf(what, sizeof what, "pettitt series %zu pvalue", r);
        SC_CHECK_CLOSE(o.pvalue[r], sc_csv_num(ref, i, "pvalue"), 1e-13, 0, what);
    }
    free(o.statistic); free(o.pvalue); free(o.location); free(o.nobs); free(o.status);
    sc_csv_free(ref);
}

/* Every method on 5,000 noisy series with ties and gaps: one thread and four agree exactly. */
static void test_threads(void)
{
    const size_t rows = 5000, n = 48;
    double *y = malloc(rows * n * sizeof *y);
    uint64_t state = 20250611;
    for (size_t i = 0; i < rows * n; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const double u = (double)(state >> 11) / 9007199254740992.0;
        y[i] = u < 0.02 ? NAN : floor(8 * u) + 0.01 * (double)(i % n);
    }
    const sc_trend_data data = {y, rows, n, NULL, 1};
    for (int m = SC_MK_ORIGINAL; m <= SC_MK_TFPW; m++) {
        sc_mk_output a = mk_alloc(rows), b = mk_alloc(rows);
        SC_CHECK(sc_trend_mk(&data, (sc_mk_method)m, 0.05, 0, 1, &a) == 0, "mk one thread");
        SC_CHECK(sc_trend_mk(&data, (sc_mk_method)m, 0.05, 0, 4, &b) == 0, "mk four threads");
        SC_CHECK(memcmp(a.z, b.z, rows * sizeof *a.z) == 0 &&
                     memcmp(a.slope, b.slope, rows * sizeof *a.slope) == 0 &&
                     memcmp(a.var_s, b.var_s, rows * sizeof *a.var_s) == 0,
                 "mk method %d: one thread and four differ", m);
        mk_free(&a);
        mk_free(&b);
    }
    free(y);
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    batch b = read_series(dir);
    test_mk(dir, &b);
    test_sen(dir, &b);
    test_pettitt(dir, &b);
    test_threads();
    free(b.y);
    return sc_test_done("test_trend");
}
