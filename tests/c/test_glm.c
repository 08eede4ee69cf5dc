/* sc_glm against R 4.2.2 glm(family = poisson) and MASS 7.3-58.2 glm.nb fitted to full
 * convergence, and lm with sandwich 3.0-2 NeweyWest / lmtest 0.9-40 coeftest and coefci, from
 * tests/reference/glm_r.R:
 * glm_inputs.csv (the data), glm_r_params.csv, glm_r_fit.csv (each fit's R call is in its
 * "call" column).  Also: a batch gives the same numbers on one thread and on four. */
#include <stdint.h>
#include <string.h>

#include "sc_glm.h"
#include "sc_status.h"
#include "sc_test.h"

/* One reference fit: its case and model names and how scrutiny fits it. */
typedef struct {
    const char *name, *model;
    int its;                    /* 0: log-linear trend; 1: interrupted time series */
    sc_glm_family family;
    size_t period;              /* season = i mod period (0: none) */
    int labelled_seasons;       /* seasons from the "season" labels, in order of appearance */
    size_t intervention;
    int hac_lags, hac_adjust;
    double conf;
} glm_case;

static const glm_case CASES[] = {
    {"monthly48", "poisson", 0, SC_GLM_POISSON, 12, 0, 0, -1, 0, 0.95},
    {"monthly48", "poisson_noseason", 0, SC_GLM_POISSON, 0, 0, 0, -1, 0, 0.95},
    {"overdispersed60", "negbin", 0, SC_GLM_NEGBIN, 12, 0, 0, -1, 0, 0.95},
    {"overdispersed60", "poisson", 0, SC_GLM_POISSON, 12, 0, 0, -1, 0, 0.95},
    {"overdispersed60", "negbin_noseason", 0, SC_GLM_NEGBIN, 0, 0, 0, -1, 0, 0.95},
    {"quarters", "poisson", 0, SC_GLM_POISSON, 0, 1, 0, -1, 0, 0.95},
    {"sparse24", "poisson", 0, SC_GLM_POISSON, 12, 0, 0, -1, 0, 0.95},
    {"its36", "gaussian_lag2_adjustFALSE", 1, SC_GLM_GAUSSIAN, 0, 0, 20, 2, 0, 0.95},
    {"its36", "gaussian_lag3_adjustTRUE", 1, SC_GLM_GAUSSIAN, 0, 0, 20, 3, 1, 0.95},
    {"its36", "gaussian_lag0_adjustFALSE", 1, SC_GLM_GAUSSIAN, 0, 0, 20, 0, 0, 0.95},
    {"its36", "gaussian_lagauto_adjustFALSE", 1, SC_GLM_GAUSSIAN, 0, 0, 20, -1, 0, 0.95},
    {"its48s", "gaussian_lag2_adjustFALSE", 1, SC_GLM_GAUSSIAN, 12, 0, 30, 2, 0, 0.9},
    {"itscounts", "poisson", 1, SC_GLM_POISSON, 12, 0, 30, -1, 0, 0.95},
    {"itscounts", "negbin", 1, SC_GLM_NEGBIN, 12, 0, 30, -1, 0, 0.95},
};

/* A case's series (rows copies of it), times, exposure (NULL when NaN) and season codes. */
typedef struct {
    size_t n, n_seasons;
    double *y, *t, *exposure;
    int *season;
} series;

static series read_case(const sc_csv *in, const glm_case *c, size_t rows)
{
    series s = {0, 1, NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < in->rows; i++) s.n += strcmp(sc_csv_str(in, i, "case"), c->name) == 0;
    s.y = malloc(rows * s.n * sizeof *s.y);
    s.t = malloc(s.n * sizeof *s.t);
    s.exposure = malloc(s.n * sizeof *s.exposure);
    s.season = malloc(s.n * sizeof *s.season);
    char labels[64][16];
    size_t k = 0;
    for (size_t i = 0, j = 0; i < in->rows; i++) {
        if (strcmp(sc_csv_str(in, i, "case"), c->name) != 0) continue;
        for (size_t r = 0; r < rows; r++) s.y[r * s.n + j] = sc_csv_num(in, i, "y");
        s.t[j] = sc_csv_num(in, i, "t");
        s.exposure[j] = sc_csv_num(in, i, "exposure");
        if (c->labelled_seasons) {
            const char *lab = sc_csv_str(in, i, "season");
            size_t code = 0;
            while (code < k && strcmp(labels[code], lab) != 0) code++;
            if (code == k) snprintf(labels[k++], sizeof labels[0], "%s", lab);
            s.season[j] = (int)code;
        } else {
            s.season[j] = c->period ? (int)(j % c->period) : 0;
        }
        j++;
    }
    s.n_seasons = c->labelled_seasons ? k : c->period ? c->period : 1;
    if (isnan(s.exposure[0])) {
        free(s.exposure);
        s.exposure = NULL;
    }
    return s;
}

static void series_free(series *s)
{
    free(s->y); free(s->t); free(s->exposure); free(s->season);
}

typedef struct {
    sc_glm_output out;
    sc_its_output its;
} fit;

static fit fit_alloc(size_t rows, size_t n, size_t p)
{
    fit f;
    double **d[] = {&f.out.crit, &f.out.deviance, &f.out.dispersion, &f.out.theta, &f.out.nobs,
                    &f.its.relative_effect, &f.its.relative_lower, &f.its.relative_upper,
                    &f.its.hac_lags};
    for (size_t i = 0; i < sizeof d / sizeof *d; i++) *d[i] = malloc(rows * sizeof(double));
    f.out.params = malloc(rows * p * sizeof(double));
    f.out.bse = malloc(rows * p * sizeof(double));
    f.out.pvalues = malloc(rows * p * sizeof(double));
    f.out.status = malloc(rows * sizeof(int));
    f.its.fitted = malloc(rows * n * sizeof(double));
    f.its.counterfactual = malloc(rows * n * sizeof(double));
    return f;
}

static void fit_free(fit *f)
{
    free(f->out.params); free(f->out.bse); free(f->out.pvalues); free(f->out.crit);
    free(f->out.deviance); free(f->out.dispersion); free(f->out.theta); free(f->out.nobs);
    free(f->out.status); free(f->its.fitted); free(f->its.counterfactual);
    free(f->its.relative_effect); free(f->its.relative_lower); free(f->its.relative_upper);
    free(f->its.hac_lags);
}

/* Fits rows copies of a case on `threads` threads; *p receives the coefficient count. */
static int run(const glm_case *c, const series *s, size_t rows, int threads, fit *f, size_t *p)
{
    const sc_glm_data data = {s->y, rows, s->n, s->exposure, 0, 1, 1, s->n};
    const int *season = s->n_seasons > 1 ? s->season : NULL;
    if (c->its) {
        *p = SC_ITS_N_TERMS + s->n_seasons - 1;
        const double k = (double)c->intervention;
        const sc_its_spec spec = {&k, 0, season, s->n_seasons, c->family, c->hac_lags,
                                  c->hac_adjust, c->conf, NULL};
        *f = fit_alloc(rows, s->n, *p);
        return sc_glm_its_fit(&data, &spec, threads, &f->out, &f->its);
    }
    *p = 1 + s->n_seasons;
    double *x = malloc(2 * s->n * sizeof *x);
    int *ind = malloc(s->n * sizeof *ind);
    int status = sc_glm_trend_design(s->t, season, s->n, s->n_seasons, x, ind);
    const sc_glm_design design = {s->n, *p, 2, x, ind};
    *f = fit_alloc(rows, s->n, *p);
    if (status == 0) status = sc_glm_trend_fit(&data, &design, c->family, c->conf, threads, &f->out);
    free(x);
    free(ind);
    return status;
}

static void test_case(const sc_csv *in, const sc_csv *params, const sc_csv *fits, const glm_case *c)
{
    series s = read_case(in, c, 1);
    fit f;
    size_t p;
    char what[160];
    snprintf(what, sizeof what, "%s %s: status", c->name, c->model);
    SC_CHECK(run(c, &s, 1, 1, &f, &p) == 0 && f.out.status[0] == SC_GLM_ROW_OK, "%s", what);
    size_t j = 0;
    for (size_t i = 0; i < params->rows; i++) {
        if (strcmp(sc_csv_str(params, i, "case"), c->name) != 0 ||
            strcmp(sc_csv_str(params, i, "model"), c->model) != 0)
            continue;
        if (j >= p) {
            j++;
            continue;
        }
        const char *term = sc_csv_str(params, i, "term");
        const double est = f.out.params[j], se = f.out.bse[j], crit = f.out.crit[0];
        snprintf(what, sizeof what, "%s %s %s estimate", c->name, c->model, term);
        SC_CHECK_CLOSE(est, sc_csv_num(params, i, "estimate"), 1e-9, 1e-12, what);
        snprintf(what, sizeof what, "%s %s %s std_error", c->name, c->model, term);
        SC_CHECK_CLOSE(se, sc_csv_num(params, i, "std_error"), 1e-9, 0, what);
        snprintf(what, sizeof what, "%s %s %s pvalue", c->name, c->model, term);
        SC_CHECK_CLOSE(f.out.pvalues[j], sc_csv_num(params, i, "pvalue"), 1e-8, 1e-300, what);
        if (!isnan(sc_csv_num(params, i, "lower"))) {       /* coefci with the HAC covariance */
            snprintf(what, sizeof what, "%s %s %s lower", c->name, c->model, term);
            SC_CHECK_CLOSE(est - crit * se, sc_csv_num(params, i, "lower"), 1e-10, 1e-11, what);
            snprintf(what, sizeof what, "%s %s %s upper", c->name, c->model, term);
            SC_CHECK_CLOSE(est + crit * se, sc_csv_num(params, i, "upper"), 1e-10, 1e-11, what);
        }
        j++;
    }
    SC_CHECK(j == p, "%s %s: %zu reference terms, %zu coefficients", c->name, c->model, j, p);
    for (size_t i = 0; i < fits->rows; i++) {
        if (strcmp(sc_csv_str(fits, i, "case"), c->name) != 0 ||
            strcmp(sc_csv_str(fits, i, "model"), c->model) != 0)
            continue;
        const char *call = sc_csv_str(fits, i, "call");
        SC_CHECK_CLOSE(f.out.deviance[0], sc_csv_num(fits, i, "deviance"), 1e-10, 0, call);
        SC_CHECK_CLOSE(f.out.dispersion[0], sc_csv_num(fits, i, "dispersion"), 1e-10, 0, call);
        SC_CHECK_CLOSE(f.out.theta[0], sc_csv_num(fits, i, "theta"), 1e-9, 0, call);
        if (c->its && c->family == SC_GLM_GAUSSIAN)
            SC_CHECK_CLOSE(f.its.hac_lags[0], sc_csv_num(fits, i, "hac_lags"), 0, 0, call);
    }
    fit_free(&f);
    series_free(&s);
}

/* 3,000 copies of a series, with a few counts perturbed per row: one thread and four agree. */
static void test_threads(const sc_csv *in, const glm_case *c)
{
    const size_t rows = 3000;
    series s = read_case(in, c, rows);
    for (size_t r = 0; r < rows; r++) s.y[r * s.n + r % s.n] += (double)(r % 7);
    fit a, b;
    size_t p;
    SC_CHECK(run(c, &s, rows, 1, &a, &p) == 0, "%s %s: one thread", c->name, c->model);
    SC_CHECK(run(c, &s, rows, 4, &b, &p) == 0, "%s %s: four threads", c->name, c->model);
    SC_CHECK(memcmp(a.out.params, b.out.params, rows * p * sizeof(double)) == 0 &&
                 memcmp(a.out.bse, b.out.bse, rows * p * sizeof(double)) == 0 &&
                 memcmp(a.out.deviance, b.out.deviance, rows * sizeof(double)) == 0 &&
                 memcmp(a.out.status, b.out.status, rows * sizeof(int)) == 0,
             "%s %s: one thread and four differ", c->name, c->model);
    fit_free(&a);
    fit_free(&b);
    series_free(&s);
}

/* Season codes index the design: one outside 0..n_seasons-1 is a status before any fit. */
static void test_season_out_of_range(void)
{
    double y[8] = {3, 4, 5, 4, 6, 7, 6, 8};
    const int season[8] = {0, 1, 0, 1, 0, 1000000, 0, 1};
    const double k = 4.0;
    const sc_glm_data data = {y, 1, 8, NULL, 0, 0, 1, 0};
    const sc_its_spec spec = {&k, 0, season, 2, SC_GLM_POISSON, 0, 0, 0.95, NULL};
    SC_CHECK(sc_glm_its_fit(&data, &spec, 1, NULL, NULL) == SC_EINVAL, "ITS season 1000000 of 2: status");
    const sc_its_spec none = {&k, 0, NULL, 2, SC_GLM_POISSON, 0, 0, 0.95, NULL};
    SC_CHECK(sc_glm_its_fit(&data, &none, 1, NULL, NULL) == SC_EINVAL, "ITS 2 seasons, no codes: status");
}

/* Exposure strides index the exposure: one reaching beyond it (also through an overflowing
 * product) is a status before any fit. */
static void test_exposure_out_of_range(void)
{
    double y[8] = {3, 4, 5, 4, 6, 7, 6, 8}, e[8] = {1, 1, 1, 1, 1, 1, 1, 1}, t[8], x[16];
    int ind[8];
    for (int i = 0; i < 8; i++) t[i] = i;
    sc_glm_trend_design(t, NULL, 8, 1, x, ind);
    const sc_glm_design design = {8, 2, 2, x, NULL};
    const size_t strides[3][2] = {{0, 2}, {0, SIZE_MAX / 2}, {SIZE_MAX, 1}};
    double nobs[2];
    int status[2];
    sc_glm_output out = {.nobs = nobs, .status = status};
    for (int c = 0; c < 3; c++) {
        const sc_glm_data data = {y, c == 2 ? 2 : 1, c == 2 ? 4 : 8, e, strides[c][0],
                                  strides[c][1], 1, 8};
        SC_CHECK(sc_glm_trend_fit(&data, &design, SC_GLM_POISSON, 0.95, 1, &out) == SC_EINVAL,
                 "exposure strides %zu, %zu: status", strides[c][0], strides[c][1]);
        const double k = 4.0;
        const sc_its_spec spec = {&k, 0, NULL, 1, SC_GLM_POISSON, 0, 0, 0.95, NULL};
        SC_CHECK(sc_glm_its_fit(&data, &spec, 1, NULL, NULL) == SC_EINVAL,
                 "ITS exposure strides %zu, %zu: status", strides[c][0], strides[c][1]);
    }
}

/* Times of an interrupted series: time = 1..n gives the fit without times; times with a gap
 * give the fit of the series on every time with the gap's value missing (and omitted). */
static void test_its_times(void)
{
    enum { N = 12, P = SC_ITS_N_TERMS };
    const double y[N] = {40.1, 41.3, 39.8, 42.0, 41.7, 43.2, 35.9, 36.4, 35.1, 35.8, 34.9, 35.3};
    double full[N + 1], plain_t[N], gap_t[N];
    for (int i = 0; i < N; i++) {
        plain_t[i] = i + 1;
        gap_t[i] = i < 3 ? i + 1 : i + 2;                   /* time 4 missing */
        full[i < 3 ? i : i + 1] = y[i];
    }
    full[3] = NAN;
    double b[3][P], se[3][P], pv[3][P], crit[3], dev[3], disp[3], theta[3], nobs[3], rel[3][3];
    double fitted[3][N + 1], cf[3][N + 1], lags[3];
    int status[3];
    const double k = 6, k_full = 7;
    for (int c = 0; c < 3; c++) {
        const sc_glm_data data = {c == 2 ? full : y, 1, c == 2 ? N + 1 : N, NULL, 0, 0, 1, 0};
        const sc_its_spec spec = {c == 2 ? &k_full : &k, 0, NULL, 1, SC_GLM_GAUSSIAN, 1, 0, 0.95,
                                  c == 0 ? NULL : c == 1 ? plain_t : NULL};
        sc_glm_output out = {b[c], se[c], pv[c], &crit[c], &dev[c], &disp[c], &theta[c],
                             &nobs[c], &status[c]};
        sc_its_output its = {fitted[c], cf[c], &rel[c][0], &rel[c][1], &rel[c][2], &lags[c]};
        SC_CHECK(sc_glm_its_fit(&data, &spec, 1, &out, &its) == SC_SUCCESS, "ITS times %d", c);
    }
    for (int j = 0; j < P; j++) {
        SC_CHECK(b[1][j] == b[0][j] && se[1][j] == se[0][j], "ITS time 1..n, term %d", j);
    }
    /* the gap: times 1, 2, 3, 5, ... as the 13-point series with the fourth missing */
    const sc_glm_data data = {y, 1, N, NULL, 0, 0, 1, 0};
    const sc_its_spec spec = {&k, 0, NULL, 1, SC_GLM_GAUSSIAN, 1, 0, 0.95, gap_t};
    sc_glm_output out = {b[1], se[1], pv[1], &crit[1], &dev[1], &disp[1], &theta[1], &nobs[1],
                         &status[1]};
    sc_its_output its = {fitted[1], cf[1], &rel[1][0], &rel[1][1], &rel[1][2], &lags[1]};
    SC_CHECK(sc_glm_its_fit(&data, &spec, 1, &out, &its) == SC_SUCCESS, "ITS gap: status");
    for (int j = 0; j < P; j++) {
        SC_CHECK_CLOSE(b[1][j], b[2][j], 1e-12, 1e-12, "ITS gap: coefficient");
        SC_CHECK_CLOSE(se[1][j], se[2][j], 1e-10, 1e-12, "ITS gap: standard error");
    }
    SC_CHECK_CLOSE(rel[1][0], rel[2][0], 1e-12, 1e-14, "ITS gap: relative effect");
    SC_CHECK_CLOSE(cf[1][N - 1], cf[2][N], 1e-12, 1e-12, "ITS gap: counterfactual");
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    sc_csv *in = sc_csv_read(dir, "glm_inputs.csv");
    sc_csv *params = sc_csv_read(dir, "glm_r_params.csv");
    sc_csv *fits = sc_csv_read(dir, "glm_r_fit.csv");
    const size_t ncases = sizeof CASES / sizeof *CASES;
    SC_CHECK(fits->rows == ncases, "glm_r_fit.csv has %zu fits, the test %zu", fits->rows, ncases);
    for (size_t c = 0; c < ncases; c++) test_case(in, params, fits, &CASES[c]);
    test_threads(in, &CASES[2]);                /* negative binomial trend */
    test_threads(in, &CASES[11]);               /* gaussian ITS with seasons */
    test_season_out_of_range();
    test_exposure_out_of_range();
    test_its_times();
    sc_csv_free(in);
    sc_csv_free(params);
    sc_csv_free(fits);
    return sc_test_done("test_glm");
}
