#include "sc_logit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "sc_dist.h"
#include "sc_parallel.h"
#include "sc_status.h"

#define MAXIT 100
#define LL_TOL 1e-10          /* relative change of the log-likelihood */
#define STEP_TOL 1e-6         /* largest change of a linear predictor at convergence */
#define SEPARATION_STEP 1e-3  /* a step this large once the log-likelihood has settled ... */
#define SEPARATION_RUN 3      /* ... this many times in a row: the maximum is at infinity */
#define SEPARATED_ETA 15.0    /* |linear predictor| beyond which a fitted probability is 0 or 1 */
#define MAX_HALVINGS 60
#define CHUNK 64              /* observations staged together for the cross-products */
#define SQRT2 1.41421356237309504880

/* Per-observation values at one set of coefficients: the linear predictor and the logistic
 * tails the likelihood needed (binary: a = exp(-|eta|); ordinal: F and 1 - F at the upper and
 * lower thresholds, each computed from one exponential so both tails stay accurate). */
typedef struct {
    double *eta, *a, *fu, *su, *fl, *sl;
} state;

struct sc_logit_workspace {
    size_t n, k_max, levels, np_max;
    state cur, next;             /* at the current coefficients, at a trial step */
    double *coef_try, *grad, *step, *row, *score;   /* np_max */
    double *hess;                /* np_max^2: negative Hessian, then its Cholesky factor */
    double *meat;                /* np_max^2 */
    double *xs, *vs, *rs;        /* staged observations: np_max x CHUNK (by column), CHUNK */
    size_t staged;
};

static void state_carve(state *s, sc_block *b, size_t n)
{
    s->eta = sc_block_take(b, n, sizeof(double));
    s->a = sc_block_take(b, n, sizeof(double));
    s->fu = sc_block_take(b, n, sizeof(double));
    s->su = sc_block_take(b, n, sizeof(double));
    s->fl = sc_block_take(b, n, sizeof(double));
    s->sl = sc_block_take(b, n, sizeof(double));
}

/* The sub-arrays of a workspace (its sizes set), taken from block b (see sc_block_take). */
static void ws_carve(sc_logit_workspace *ws, sc_block *b)
{
    const size_t np = ws->np_max, nn = ws->n ? ws->n : 1;
    state_carve(&ws->cur, b, nn);
    state_carve(&ws->next, b, nn);
    ws->coef_try = sc_block_take(b, np, sizeof(double));
    ws->grad = sc_block_take(b, np, sizeof(double));
    ws->step = sc_block_take(b, np, sizeof(double));
    ws->row = sc_block_take(b, np, sizeof(double));
    ws->score = sc_block_take(b, np, sizeof(double));
    ws->hess = sc_block_take(b, np * np, sizeof(double));
    ws->meat = sc_block_take(b, np * np, sizeof(double));
    ws->xs = sc_block_take(b, np * CHUNK, sizeof(double));
    ws->vs = sc_block_take(b, np * CHUNK, sizeof(double));
    ws->rs = sc_block_take(b, CHUNK, sizeof(double));
}

void sc_logit_free(sc_logit_workspace *ws)
{
    free(ws);
}

sc_logit_workspace *sc_logit_alloc(size_t n, size_t k_max, size_t levels)
{
    sc_logit_workspace shape = {0};
    shape.n = n;
    shape.k_max = k_max;
    shape.levels = levels < 2 ? 2 : levels;
    shape.np_max = k_max + (levels > 2 ? levels - 1 : 1);
    sc_block b = {NULL, 0};
    sc_block_take(&b, 1, sizeof shape);
    ws_carve(&shape, &b);
    if (b.used == SIZE_MAX || (b.base = malloc(b.used)) == NULL) return NULL;
    b.used = 0;
    sc_logit_workspace *ws = sc_block_take(&b, 1, sizeof *ws);
    *ws = shape;
    ws_carve(ws, &b);
    return ws;
}

/* ---- numerics of the logistic function ------------------------------------------------------- */

static double sigmoid(double t)
{
    if (t >= 0) return 1.0 / (1.0 + exp(-t));
    const double e = exp(t);
    return e / (1.0 + e);
}

/* F(t) and 1 - F(t) of the logistic distribution from one exponential. */
static inline void tails(double t, double *F, double *S)
{
    const double e = exp(-fabs(t)), big = 1.0 / (1.0 + e), small = e / (1.0 + e);
    *F = t >= 0 ? big : small;
    *S = t >= 0 ? small : big;
}

static inline double weight(const sc_logit_data *d, size_t i)
{
    return d->w ? d->w[i] : 1.0;
}

/* Driver values of observation i in row[offset..offset+k-1]. */
static inline void gather_row(const sc_logit_data *d, size_t i, double *row, size_t offset)
{
    const double *xi = d->x + i * d->ldx;
    if (d->cols) {
        for (size_t j = 0; j < d->k; j++) row[offset + j] = xi[d->cols[j]];
    } else {
        for (size_t j = 0; j < d->k; j++) row[offset + j] = xi[j];
    }
}

/* eta_i = base + sum_j b_j x_ij. */
static void linear_predictor(const sc_logit_data *d, double base, const double *b, double *eta)
{
    for (size_t i = 0; i < d->n; i++) {
        const double *xi = d->x + i * d->ldx;
        double e = base;
        if (d->cols) {
            for (size_t j = 0; j < d->k; j++) e += b[j] * xi[d->cols[j]];
        } else {
            for (size_t j = 0; j < d->k; j++) e += b[j] * xi[j];
        }
        eta[i] = e;
    }
}

/* Largest |base + x_i'b| over observations of positive weight. */
static double max_linear(const sc_logit_data *d, double base, const double *b)
{
    double m = fabs(base);
    for (size_t i = 0; i < d->n; i++) {
        if (!(weight(d, i) > 0)) continue;
        const double *xi = d->x + i * d->ldx;
        double e = base;
        for (size_t j = 0; j < d->k; j++) e += b[j] * xi[d->cols ? d->cols[j] : j];
        if (fabs(e) > m) m = fabs(e);
    }
    return m;
}

/* Fill the upper triangle of an np x np matrix into the lower one. */
static void symmetrise(double *a, size_t np)
{
    for (size_t r = 0; r < np; r++)
        for (size_t c = r + 1; c < np; c++) a[c * np + r] = a[r * np + c];
}

/* Cross-products of the first nb parameters, CHUNK observations at a time (contiguous dot
 * products vectorise; a row-by-row update does not): observation t staged with its values
 * x_t (nb of them), its Hessian weight v_t and its gradient weight r_t adds v_t x_t x_t' to
 * the upper triangle of ws->hess and r_t x_t to ws->grad. */
static void flush_stage(sc_logit_workspace *ws, size_t np, size_t nb)
{
    const size_t m = ws->staged;
    for (size_t a = 0; a < nb; a++) {
        const double *va = ws->vs + a * CHUNK, *xa = ws->xs + a * CHUNK;
        double g = 0;
#pragma omp simd reduction(+:g)
        for (size_t t = 0; t < m; t++) g += ws->rs[t] * xa[t];
        ws->grad[a] += g;
        for (size_t b = a; b < nb; b++) {
            const double *xb = ws->xs + b * CHUNK;
            double h = 0;
#pragma omp simd reduction(+:h)
            for (size_t t = 0; t < m; t++) h += va[t] * xb[t];
            ws->hess[a * np + b] += h;
        }
    }
    ws->staged = 0;
}

static inline void stage(sc_logit_workspace *ws, size_t np, size_t nb, const double *x, double v,
                         double r)
{
    const size_t t = ws->staged;
    for (size_t a = 0; a < nb; a++) {
        ws->xs[a * CHUNK + t] = x[a];
        ws->vs[a * CHUNK + t] = v * x[a];
    }
    ws->rs[t] = r;
    if (++ws->staged == CHUNK) flush_stage(ws, np, nb);
}

/* Newton step: solve (negative Hessian) step = grad; the factor stays in ws->hess.
 * Returns 0, or -1 when the matrix is not positive definite. */
static int newton_step(sc_logit_workspace *ws, size_t np)
{
    symmetrise(ws->hess, np);
    gsl_matrix_view h = gsl_matrix_view_array(ws->hess, np, np);
    if (gsl_linalg_cholesky_decomp1(&h.matrix) != GSL_SUCCESS) return -1;
    gsl_vector_view g = gsl_vector_view_array(ws->grad, np);
    gsl_vector_view s = gsl_vector_view_array(ws->step, np);
    if (gsl_linalg_cholesky_solve(&h.matrix, &g.vector, &s.vector) != GSL_SUCCESS) return -1;
    for (size_t a = 0; a < np; a++)
        if (!isfinite(ws->step[a])) return -1;
    return 0;
}

/* ---- the Newton iteration shared by both models --------------------------------------------- */

/* A model: its log-likelihood at coefficients (filling the per-observation state), its
 * gradient and negative Hessian from that state, the largest change of a linear predictor
 * along a step, and whether coefficients are admissible. */
typedef struct {
    double (*loglik)(const sc_logit_data *d, size_t levels, const double *coef, state *s);
    void (*derivatives)(const sc_logit_data *d, size_t levels, const state *s,
                        sc_logit_workspace *ws, size_t np);
    double (*step_size)(const sc_logit_data *d, size_t levels, const double *step);
    int (*valid)(size_t k, size_t levels, const double *coef);
    int intercept;             /* coef[0] is an intercept (binary) rather than a slope */
} model;

/* Largest |linear predictor| of a fit (binary: intercept included; ordinal: x'b). */
static double extent(const model *m, const sc_logit_data *d, const double *coef)
{
    return m->intercept ? max_linear(d, coef[0], coef + 1) : max_linear(d, 0.0, coef);
}

static void swap_states(sc_logit_workspace *ws)
{
    state t = ws->cur;
    ws->cur = ws->next;
    ws->next = t;
}

/* Step halving along ws->step from coef: the first of t = 1, 1/2, 1/4, ... whose coefficients
 * are admissible and do not lower the log-likelihood ll (up to rounding).  Returns 1 with
 * them in ws->coef_try, their log-likelihood in *ll_try and their state in ws->next; 0 when
 * none does. */
static int halve_steps(const model *m, const sc_logit_data *d, size_t levels, size_t np,
                       const double *coef, double ll, sc_logit_workspace *ws, double *ll_try)
{
    double t = 1.0;
    for (int h = 0; h < MAX_HALVINGS; h++, t *= 0.5) {
        for (size_t a = 0; a < np; a++) ws->coef_try[a] = coef[a] + t * ws->step[a];
        if (!m->valid(d->k, levels, ws->coef_try)) continue;
        *ll_try = m->loglik(d, levels, ws->coef_try, &ws->next);
        if (isfinite(*ll_try) && *ll_try >= ll - 1e-13 * fabs(ll)) return 1;
    }
    return 0;
}

/* At convergence a fit reported in full takes its last (tiny) step too, when it does not
 * lower the likelihood *ll, and its covariance is the information's inverse there.  Returns
 * whether the negative Hessian at the final coefficients is factored in ws->hess. */
static int last_step(const model *m, const sc_logit_data *d, size_t levels, size_t np,
                     sc_logit_workspace *ws, sc_logit_result *r, double *ll)
{
    for (size_t a = 0; a < np; a++) ws->coef_try[a] = r->coef[a] + ws->step[a];
    if (!m->valid(d->k, levels, ws->coef_try)) return 1;
    const double ll_try = m->loglik(d, levels, ws->coef_try, &ws->next);
    if (!(ll_try >= *ll)) return 1;
    memcpy(r->coef, ws->coef_try, np * sizeof(double));
    swap_states(ws);
    *ll = ll_try;
    m->derivatives(d, levels, &ws->cur, ws, np);
    return newton_step(ws, np) == 0;
}

/* The fit's iterations, outcome, log-likelihood and covariance (the inverse of the factored
 * negative Hessian, or NaN) once the iteration has stopped after `it` iterations. */
static void finish(const model *m, const sc_logit_data *d, size_t np, int it, int factored,
                   double ll, sc_logit_workspace *ws, sc_logit_result *r)
{
    r->iterations = it > MAXIT ? MAXIT : it;
    if (r->outcome == SC_LOGIT_NO_CONVERGENCE && extent(m, d, r->coef) > SEPARATED_ETA)
        r->outcome = SC_LOGIT_SEPARATION;
    r->loglik = ll;
    if (r->cov == NULL) return;
    if (factored && r->outcome == SC_LOGIT_OK) {
        gsl_matrix_view h = gsl_matrix_view_array(ws->hess, np, np);
        gsl_linalg_cholesky_invert(&h.matrix);
        memcpy(r->cov, ws->hess, np * np * sizeof(double));
    } else {
        for (size_t a = 0; a < np * np; a++) r->cov[a] = NAN;
    }
}

/* Newton-Raphson from r->coef (np values, log-likelihood ll, ws->cur filled there).  Fills
 * r->coef, loglik, iterations, outcome, max_step and r->cov. */
static int newton(const model *m, const sc_logit_data *d, size_t levels, size_t np, double ll,
                  sc_logit_workspace *ws, sc_logit_result *r)
{
    int settled = 0, run = 0, factored = 0, it;
    r->outcome = SC_LOGIT_NO_CONVERGENCE;
    r->max_step = NAN;
    for (it = 1; it <= MAXIT; it++) {
        m->derivatives(d, levels, &ws->cur, ws, np);
        factored = newton_step(ws, np) == 0;
        if (!factored) {
            if (extent(m, d, r->coef) > SEPARATED_ETA || r->max_step > SEPARATION_STEP) {
                r->outcome = SC_LOGIT_SEPARATION;
                break;
            }
            r->iterations = it;
            return SC_ESINGULAR;
        }
        const double size = m->step_size(d, levels, ws->step);
        r->max_step = size;
        if (settled && size < STEP_TOL) {
            r->outcome = SC_LOGIT_OK;
            if (r->cov != NULL) factored = last_step(m, d, levels, np, ws, r, &ll);
            break;
        }
        run = (settled && size > SEPARATION_STEP) ? run + 1 : 0;
        if (run >= SEPARATION_RUN) {
            r->outcome = SC_LOGIT_SEPARATION;
            break;
        }
        double ll_try;
        if (!halve_steps(m, d, levels, np, r->coef, ll, ws, &ll_try)) {
            /* no ascent along the Newton direction: at the maximum */
            if (size < SEPARATION_STEP) r->outcome = SC_LOGIT_OK;
            break;
        }
        settled = fabs(ll_try - ll) / (fabs(ll) + 0.1) < LL_TOL;
        memcpy(r->coef, ws->coef_try, np * sizeof(double));
        swap_states(ws);
        ll = ll_try;
    }
    finish(m, d, np, it, factored, ll, ws, r);
    return SC_SUCCESS;
}

/* Sizes within the workspace, and every outcome a level the fit may index by: a whole code
 * 0..levels-1 (binary: 0 or 1) and a weight that is not negative or NaN. */
static int check_sizes(const sc_logit_data *d, const sc_logit_workspace *ws, size_t levels)
{
    if (d->k > ws->k_max || d->n > ws->n || levels > ws->levels || levels < 2) return SC_EINVAL;
    for (size_t i = 0; i < d->n; i++) {
        const double y = d->y[i];
        if (!(y >= 0.0 && y <= (double)(levels - 1) && y == floor(y))) return SC_EDOM;
        if (d->w != NULL && !(d->w[i] >= 0.0)) return SC_EDOM;
    }
    return SC_SUCCESS;
}

/* Weighted totals of each outcome level (positive weights only). */
static void level_totals(const sc_logit_data *d, size_t levels, double *total)
{
    for (size_t c = 0; c < levels; c++) total[c] = 0;
    for (size_t i = 0; i < d->n; i++) {
        const double w = weight(d, i);
        if (w > 0) total[(size_t)d->y[i]] += w;
    }
}

/* Start from the given coefficients when they give a finite likelihood, else from the null
 * ones already in r->coef (with ws->cur filled by the caller's loglik call). */
static double start_from(const model *m, const sc_logit_data *d, size_t levels, size_t np,
                         const double *start, sc_logit_workspace *ws, sc_logit_result *r)
{
    double ll = m->loglik(d, levels, r->coef, &ws->cur);
    if (start == NULL || !m->valid(d->k, levels, start)) return ll;
    const double ll_start = m->loglik(d, levels, start, &ws->next);
    if (isfinite(ll_start) && ll_start > ll) {
        memcpy(r->coef, start, np * sizeof(double));
        swap_states(ws);
        return ll_start;
    }
    return ll;
}

/* ---- binary model -------------------------------------------------------------------------- */

static double binary_loglik(const sc_logit_data *d, size_t levels, const double *coef, state *s)
{
    (void)levels;
    linear_predictor(d, coef[0], coef + 1, s->eta);
    double ll = 0;
    for (size_t i = 0; i < d->n; i++) {
        const double w = weight(d, i), eta = s->eta[i], e = exp(-fabs(eta));
        s->a[i] = e;
        if (w > 0) ll += w * (d->y[i] * eta - ((eta > 0 ? eta : 0) + log1p(e)));
    }
    return ll;
}

static void binary_derivatives(const sc_logit_data *d, size_t levels, const state *s,
                               sc_logit_workspace *ws, size_t np)
{
    (void)levels;
    double *g = ws->grad, *h = ws->hess, *row = ws->row;
    memset(g, 0, np * sizeof(double));
    memset(h, 0, np * np * sizeof(double));
    row[0] = 1.0;
    ws->staged = 0;
    for (size_t i = 0; i < d->n; i++) {
        const double w = weight(d, i);
        if (!(w > 0)) continue;
        gather_row(d, i, row, 1);
        const double e = s->a[i], q = 1.0 / (1.0 + e);
        const double mu = s->eta[i] >= 0 ? q : e * q;
        stage(ws, np, np, row, w * e * q * q, w * (d->y[i] - mu));
    }
    flush_stage(ws, np, np);
}

static double binary_step_size(const sc_logit_data *d, size_t levels, const double *step)
{
    (void)levels;
    return max_linear(d, step[0], step + 1);
}

static int always_valid(size_t k, size_t levels, const double *coef)
{
    (void)k; (void)levels; (void)coef;
    return 1;
}

static const model BINARY = {binary_loglik, binary_derivatives, binary_step_size, always_valid,
                             1};

int sc_logit_fit(const sc_logit_data *d, const double *start, sc_logit_workspace *ws,
                 sc_logit_result *r)
{
    int status = check_sizes(d, ws, 2);
    if (status != SC_SUCCESS) return status;
    double total[2];
    level_totals(d, 2, total);
    if (!(total[0] > 0 && total[1] > 0)) return SC_EEMPTY;
    const size_t np = d->k + 1;
    /* the model without drivers: its maximum is at the logit of the weighted mean */
    r->coef[0] = log(total[1] / total[0]);
    for (size_t j = 0; j < d->k; j++) r->coef[1 + j] = 0;
    r->loglik_null = total[1] * log(total[1] / (total[0] + total[1])) +
                     total[0] * log(total[0] / (total[0] + total[1]));
    const double ll = start_from(&BINARY, d, 2, np, start, ws, r);
    return newton(&BINARY, d, 2, np, ll, ws, r);
}

/* ---- ordinal (cumulative logit) model -------------------------------------------------------- */

/* P(y = c) from the tails at the upper (u) and lower (l) thresholds; the difference is taken in
 * the tail where both values are small, so that it keeps its precision. */
static inline double level_prob(double fu, double su, double fl, double sl)
{
    return fl > 0.5 ? sl - su : fu - fl;
}

static double ordinal_loglik(const sc_logit_data *d, size_t levels, const double *coef, state *s)
{
    const size_t k = d->k, q = levels - 1;
    const double *zeta = coef + k;
    linear_predictor(d, 0.0, coef, s->eta);
    double ll = 0;
    for (size_t i = 0; i < d->n; i++) {
        const size_t c = (size_t)d->y[i];
        double fu = 1, su = 0, fl = 0, sl = 1;
        if (c < q) tails(zeta[c] - s->eta[i], &fu, &su);
        if (c > 0) tails(zeta[c - 1] - s->eta[i], &fl, &sl);
        s->fu[i] = fu; s->su[i] = su; s->fl[i] = fl; s->sl[i] = sl;
        const double w = weight(d, i);
        if (!(w > 0)) continue;
        const double p = level_prob(fu, su, fl, sl);
        if (!(p > 0)) return -INFINITY;
        ll += w * log(p);
    }
    return ll;
}

static void ordinal_derivatives(const sc_logit_data *d, size_t levels, const state *s,
                                sc_logit_workspace *ws, size_t np)
{
    const size_t k = d->k, q = levels - 1;
    double *g = ws->grad, *h = ws->hess, *row = ws->row;
    memset(g, 0, np * sizeof(double));
    memset(h, 0, np * np * sizeof(double));
    ws->staged = 0;
    for (size_t i = 0; i < d->n; i++) {
        const double w = weight(d, i);
        if (!(w > 0)) continue;
        gather_row(d, i, row, 0);
        const size_t c = (size_t)d->y[i];
        const double fu = s->fu[i], su = s->su[i], fl = s->fl[i], sl = s->sl[i];
        /* densities f = F (1 - F) and their derivatives f' = f (1 - 2F) at both thresholds */
        const double f1 = fu * su, f1p = f1 * (su - fu), f0 = fl * sl, f0p = f0 * (sl - fl);
        const double p = level_prob(fu, su, fl, sl);
        const double g1 = f1 / p, g0 = f0 / p, hh = g1 - g0;
        if (k) stage(ws, np, k, row, w * (hh * hh - (f1p - f0p) / p), -w * hh);
        if (c < q) {
            const size_t zc = k + c;
            g[zc] += w * g1;
            h[zc * np + zc] += w * (g1 * g1 - f1p / p);
            const double n_ez = w * (f1p / p - g1 * hh);
            for (size_t a = 0; a < k; a++) h[a * np + zc] += n_ez * row[a];
        }
        if (c > 0) {
            const size_t zl = k + c - 1;
            g[zl] -= w * g0;
            h[zl * np + zl] += w * (g0 * g0 + f0p / p);
            const double n_ez = w * (-f0p / p + g0 * hh);
            for (size_t a = 0; a < k; a++) h[a * np + zl] += n_ez * row[a];
            if (c < q) h[zl * np + zl + 1] -= w * g1 * g0;
        }
    }
    if (k) flush_stage(ws, np, k);
}

static double ordinal_step_size(const sc_logit_data *d, size_t levels, const double *step)
{
    double m = max_linear(d, 0.0, step);
    for (size_t c = 0; c + 1 < levels; c++)
        if (fabs(step[d->k + c]) > m) m = fabs(step[d->k + c]);
    return m;
}

static int thresholds_increase(size_t k, size_t levels, const double *coef)
{
    for (size_t c = 1; c + 1 < levels; c++)
        if (!(coef[k + c] > coef[k + c - 1])) return 0;
    return 1;
}

static const model ORDINAL = {ordinal_loglik, ordinal_derivatives, ordinal_step_size,
                              thresholds_increase, 0};

int sc_logit_ordinal_fit(const sc_logit_data *d, size_t levels, const double *start,
                         sc_logit_workspace *ws, sc_logit_result *r)
{
    int status = check_sizes(d, ws, levels);
    if (status != SC_SUCCESS) return status;
    const size_t k = d->k, q = levels - 1, np = k + q;
    double small[64], *total = small;
    if (levels > 64 && (total = malloc(levels * sizeof(double))) == NULL) return SC_ENOMEM;
    level_totals(d, levels, total);
    double sum = 0, ll0 = 0;
    int empty = 0;
    for (size_t c = 0; c < levels; c++) {
        if (!(total[c] > 0)) empty = 1;
        sum += total[c];
    }
    if (!empty) {
        /* the model without drivers: thresholds at the logits of the cumulative shares */
        double cum = 0;
        for (size_t c = 0; c < q; c++) {
            cum += total[c];
            r->coef[k + c] = log(cum / (sum - cum));
        }
        for (size_t c = 0; c < levels; c++) ll0 += total[c] * log(total[c] / sum);
    }
    if (total != small) free(total);
    if (empty) return SC_EEMPTY;
    for (size_t j = 0; j < k; j++) r->coef[j] = 0;
    r->loglik_null = ll0;
    const double ll = start_from(&ORDINAL, d, levels, np, start, ws, r);
    return newton(&ORDINAL, d, levels, np, ll, ws, r);
}

/* ---- design-based covariance and Wald tests ------------------------------------------------- */

int sc_logit_robust_cov(const sc_logit_data *d, const sc_logit_result *r, sc_logit_workspace *ws,
                        double *robust)
{
    if (r->cov == NULL || d->k > ws->k_max || d->n > ws->n) return SC_EINVAL;
    const size_t np = d->k + 1;
    double *mean = ws->grad, *s = ws->score, *row = ws->row, *meat = ws->meat;
    double *eta = ws->cur.eta;
    linear_predictor(d, r->coef[0], r->coef + 1, eta);
    size_t m = 0;
    memset(mean, 0, np * sizeof(double));
    row[0] = 1.0;
    for (size_t i = 0; i < d->n; i++) {
        const double w = weight(d, i);
        if (!(w > 0)) continue;
        gather_row(d, i, row, 1);
        const double e = w * (d->y[i] - sigmoid(eta[i]));
        for (size_t a = 0; a < np; a++) mean[a] += e * row[a];
        m++;
    }
    if (m < 2) return SC_EINVAL;
    for (size_t a = 0; a < np; a++) mean[a] /= (double)m;
    memset(meat, 0, np * np * sizeof(double));
    for (size_t i = 0; i < d->n; i++) {
        const double w = weight(d, i);
        if (!(w > 0)) continue;
        gather_row(d, i, row, 1);
        const double e = w * (d->y[i] - sigmoid(eta[i]));
        for (size_t a = 0; a < np; a++) s[a] = e * row[a] - mean[a];
        for (size_t a = 0; a < np; a++)
            for (size_t b = a; b < np; b++) meat[a * np + b] += s[a] * s[b];
    }
    const double scale = (double)m / (double)(m - 1);
    for (size_t a = 0; a < np; a++)
        for (size_t b = a; b < np; b++) meat[a * np + b] *= scale;
    symmetrise(meat, np);
    /* robust = cov * meat * cov, through ws->hess as scratch for meat * cov */
    double *tmp = ws->hess;
    for (size_t a = 0; a < np; a++)
        for (size_t b = 0; b < np; b++) {
            double t = 0;
            for (size_t c = 0; c < np; c++) t += meat[a * np + c] * r->cov[c * np + b];
            tmp[a * np + b] = t;
        }
    for (size_t a = 0; a < np; a++)
        for (size_t b = 0; b < np; b++) {
            double t = 0;
            for (size_t c = 0; c < np; c++) t += r->cov[a * np + c] * tmp[c * np + b];
            robust[a * np + b] = t;
        }
    return SC_SUCCESS;
}

int sc_logit_wald(const double *coef, const double *se, size_t m, double df, double conf,
                  double *stat, double *pvalue, double *crit)
{
    if (!(conf > 0 && conf < 1)) return SC_EINVAL;
    if (df > 0) {
        const double x = sc_dist_beta_quantile(1 - conf, df / 2, 0.5);   /* df / (df + t^2) */
        *crit = sqrt(df * (1 - x) / x);
    } else {
        *crit = sc_dist_norm_quantile(0.5 + conf / 2);
    }
    for (size_t a = 0; a < m; a++) {
        const double z = coef[a] / se[a];
        stat[a] = z;
        if (isnan(z)) {
            pvalue[a] = NAN;
        } else if (df > 0) {
            double P, Q;
            sc_dist_beta_inc(df / (df + z * z), z * z / (df + z * z), df / 2, 0.5, &P, &Q);
            pvalue[a] = P;
        } else {
            pvalue[a] = erfc(fabs(z) / SQRT2);
        }
    }
    return SC_SUCCESS;
}
