#include "sc_drivers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

#include "sc_disparity.h"
#include "sc_logit.h"
#include "sc_parallel.h"
#include "sc_status.h"

#define PIVOT_TOL 1e-13      /* residual variance (correlation scale) below which a sweep fails */
#define GRAY_BITS 12         /* a Gray-code block covers at least 2^12 subsets ... */
#define MAX_BLOCKS_LOG2 10   /* ... and there are at most 2^10 blocks */
#define CHUNK 64             /* observations staged together for the cross-products */

static int is_exact(sc_drivers_method method)
{
    return method == SC_DRIVERS_LMG || method == SC_DRIVERS_DOMINANCE;
}

size_t sc_drivers_limit(sc_drivers_model model, sc_drivers_method method)
{
    if (!is_exact(method)) return 0;
    if (model != SC_DRIVERS_LINEAR) return SC_DRIVERS_MAX_EXACT_GLM;
    return method == SC_DRIVERS_DOMINANCE ? SC_DRIVERS_MAX_DOMINANCE : SC_DRIVERS_MAX_EXACT_LINEAR;
}

int sc_drivers_check(sc_drivers_model model, sc_drivers_method method, size_t p)
{
    if (method > SC_DRIVERS_PRATT || model > SC_DRIVERS_ORDINAL) return SC_EINVAL;
    if (model != SC_DRIVERS_LINEAR && (method == SC_DRIVERS_BETASQ || method == SC_DRIVERS_PRATT))
        return SC_EINVAL;
    if (model == SC_DRIVERS_ORDINAL && method == SC_DRIVERS_RELATIVE_WEIGHTS) return SC_EINVAL;
    if (p < 1) return SC_EEMPTY;
    const size_t limit = sc_drivers_limit(model, method);
    return limit && p > limit ? SC_EDOM : SC_SUCCESS;
}

/* ---- weighted moments ------------------------------------------------------------------------ */

/* Weighted correlation matrix of (x, y) (outcome last) into c, and the weighted standard
 * deviations (divisor: total weight) into sd when not NULL; mean is p + 1 values of scratch.
 * Two passes (means, then centred cross-products), so large offsets cost no precision. */
static int correlation(const sc_drivers_data *d, const double *w, double *c, double *sd,
                       double *mean)
{
    const size_t p = d->p, m = p + 1, n = d->n;
    double total = 0;
    memset(mean, 0, m * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        const double wi = w ? w[i] : 1.0;
        if (wi == 0) continue;
        const double *xi = d->x + i * p;
        for (size_t a = 0; a < p; a++) mean[a] += wi * xi[a];
        mean[p] += wi * d->y[i];
        total += wi;
    }
    if (!(total > 0)) return SC_EEMPTY;
    for (size_t a = 0; a < m; a++) mean[a] /= total;
    memset(c, 0, m * m * sizeof(double));
    /* centred values staged CHUNK rows at a time, by column, so that the cross-products are
     * contiguous dot products */
    double *cols = malloc(2 * m * CHUNK * sizeof(double));
    if (cols == NULL) return SC_ENOMEM;
    double *wcols = cols + m * CHUNK;
    size_t t = 0;
    for (size_t i = 0; i < n; i++) {
        const double wi = w ? w[i] : 1.0;
        if (wi != 0) {
            const double *xi = d->x + i * p;
            for (size_t a = 0; a < p; a++) cols[a * CHUNK + t] = xi[a] - mean[a];
            cols[p * CHUNK + t] = d->y[i] - mean[p];
            for (size_t a = 0; a < m; a++) wcols[a * CHUNK + t] = wi * cols[a * CHUNK + t];
            t++;
        }
        if (t == CHUNK || (i + 1 == n && t > 0)) {
            for (size_t a = 0; a < m; a++) {
                const double *wa = wcols + a * CHUNK;
                for (size_t b = a; b < m; b++) {
                    const double *xb = cols + b * CHUNK;
                    double sum = 0;
#pragma omp simd reduction(+:sum)
                    for (size_t u = 0; u < t; u++) sum += wa[u] * xb[u];
                    c[a * m + b] += sum;
                }
            }
            t = 0;
        }
    }
    free(cols);
    for (size_t a = 0; a < m; a++)
        if (!(c[a * m + a] > 0)) return SC_ESINGULAR;
    for (size_t a = 0; a < m; a++) {
        const double sa = sqrt(c[a * m + a]);
        if (sd) sd[a] = sa / sqrt(total);
        mean[a] = sa;               /* reused: the square roots of the diagonal */
    }
    for (size_t a = 0; a < m; a++)
        for (size_t b = a; b < m; b++) {
            const double v = a == b ? 1.0 : c[a * m + b] / (mean[a] * mean[b]);
            c[a * m + b] = v;
            c[b * m + a] = v;
        }
    return SC_SUCCESS;
}

int sc_drivers_correlation(const sc_drivers_data *d, double *c)
{
    double *mean = malloc((d->p + 1) * sizeof(double));
    if (mean == NULL) return SC_ENOMEM;
    int status = correlation(d, d->w, c, NULL, mean);
    free(mean);
    return status;
}

/* ---- the sweep operator on the upper triangle of an m x m symmetric matrix ------------------ */

/* Sweep (forward = 1) or reverse-sweep (forward = 0) row and column k; r holds m values of
 * scratch.  Returns -1 when a forward sweep meets a pivot below PIVOT_TOL. */
static int sweep(double *a, size_t m, size_t k, int forward, double *r)
{
    const double d = a[k * m + k];
    if (forward && !(d > PIVOT_TOL)) return -1;
    for (size_t j = 0; j < k; j++) r[j] = a[j * m + k];
    for (size_t j = k; j < m; j++) r[j] = a[k * m + j];
    const double inv = 1.0 / d, sign = forward ? inv : -inv;
    for (size_t i = 0; i < m; i++) {
        if (i == k) continue;
        const double f = r[i] * inv;
        double *ai = a + i * m;
        for (size_t j = i; j < m; j++) ai[j] -= f * r[j];
    }
    for (size_t j = 0; j < k; j++) a[j * m + k] = r[j] * sign;
    for (size_t j = k + 1; j < m; j++) a[k * m + j] = r[j] * sign;
    a[k * m + k] = -inv;
    return 0;
}

/* ---- sums over subsets, by size ------------------------------------------------------------- */

/* For the Shapley value and dominance: T[s] = sum of R^2(S) over subsets of size s, and
 * U[j*(p+1) + s] = the same over those that contain driver j. */
static inline void add_subset(size_t mask, double v, size_t p, double *T, double *U)
{
    const size_t s = (size_t)__builtin_popcountll((unsigned long long)mask);
    T[s] += v;
    for (size_t rest = mask; rest; rest &= rest - 1)
        U[(size_t)__builtin_ctzll((unsigned long long)rest) * (p + 1) + s] += v;
}

typedef struct {
    size_t low_bits, blocks;   /* subsets 2^p = blocks x 2^low_bits */
    double *T, *U;             /* per block: T[b*(p+1) + s], U[b*p*(p+1) + j*(p+1) + s] */
} block_sums;

static int block_sums_alloc(block_sums *bs, size_t p)
{
    size_t low = p <= GRAY_BITS ? p : (p - MAX_BLOCKS_LOG2 > GRAY_BITS ? p - MAX_BLOCKS_LOG2
                                                                       : GRAY_BITS);
    bs->low_bits = low;
    bs->blocks = (size_t)1 << (p - low);
    bs->T = calloc(bs->blocks * (p + 1), sizeof(double));
    bs->U = calloc(bs->blocks * p * (p + 1), sizeof(double));
    if (bs->T == NULL || bs->U == NULL) {
        free(bs->T); free(bs->U);
        return SC_ENOMEM;
    }
    return SC_SUCCESS;
}

/* Totals over blocks, in block order (the same result whatever the thread count). */
static void block_sums_reduce(block_sums *bs, size_t p, double *T, double *U)
{
    const size_t t = p + 1, u = p * (p + 1);
    memset(T, 0, t * sizeof(double));
    memset(U, 0, u * sizeof(double));
    for (size_t b = 0; b < bs->blocks; b++) {
        for (size_t s = 0; s < t; s++) T[s] += bs->T[b * t + s];
        for (size_t s = 0; s < u; s++) U[s] += bs->U[b * u + s];
    }
    free(bs->T); free(bs->U);
}

/* Sums by size of the R^2 values stored for every subset (r2[mask], mask < 2^p). */
static int sums_from_array(const double *r2, size_t p, double *T, double *U)
{
    block_sums bs;
    if (block_sums_alloc(&bs, p) != SC_SUCCESS) return SC_ENOMEM;
    const size_t span = (size_t)1 << bs.low_bits;
    for (size_t b = 0; b < bs.blocks; b++) {
        double *Tb = bs.T + b * (p + 1), *Ub = bs.U + b * p * (p + 1);
        for (size_t mask = b * span; mask < (b + 1) * span; mask++)
            add_subset(mask, r2[mask], p, Tb, Ub);
    }
    block_sums_reduce(&bs, p, T, U);
    return SC_SUCCESS;
}

/* R^2 of every subset of a linear model by sweeping c in Gray-code order, block by block;
 * sums by size into T, U, and every value into r2 when it is not NULL. */
static int linear_subsets(const double *c, size_t p, int threads, double *r2, double *T, double *U)
{
    block_sums bs;
    if (block_sums_alloc(&bs, p) != SC_SUCCESS) return SC_ENOMEM;
    const size_t m = p + 1, low = bs.low_bits, span = (size_t)1 << low;
    int status = SC_SUCCESS;
#pragma omp parallel num_threads(sc_threads(threads, bs.blocks > 1 ? (size_t)1 << p : 1))
    {
        double *a = malloc(m * m * sizeof(double)), *scratch = malloc(m * sizeof(double));
        if (a == NULL || scratch == NULL) {
#pragma omp atomic write
            status = SC_ENOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t b = 0; b < bs.blocks; b++) {
            if (a == NULL || scratch == NULL) continue;
            double *Tb = bs.T + b * m, *Ub = bs.U + b * p * m;
            memcpy(a, c, m * m * sizeof(double));
            size_t mask = b << low;
            int ok = 1;
            for (size_t j = low; j < p && ok; j++)
                if (mask >> j & 1) ok = sweep(a, m, j, 1, scratch) == 0;
            for (size_t g = 1; ok; g++) {
                const double v = 1.0 - a[p * m + p];
                add_subset(mask, v, p, Tb, Ub);
                if (r2) r2[mask] = v;
                if (g == span) break;
                const size_t j = (size_t)__builtin_ctzll((unsigned long long)g);
                const int in = (int)(mask >> j & 1);
                ok = sweep(a, m, j, !in, scratch) == 0;
                mask ^= (size_t)1 << j;
            }
            if (!ok) {
#pragma omp atomic write
                status = SC_ESINGULAR;
            }
        }
        free(a);
        free(scratch);
    }
    if (status != SC_SUCCESS) {
        free(bs.T); free(bs.U);
        return status;
    }
    block_sums_reduce(&bs, p, T, U);
    return SC_SUCCESS;
}

int sc_drivers_subset_r2(const double *c, size_t p, int threads, double *r2)
{
    if (p < 1 || p > SC_DRIVERS_MAX_DOMINANCE) return SC_EDOM;
    double *T = malloc((p + 1) * sizeof(double)), *U = malloc(p * (p + 1) * sizeof(double));
    int status = (T && U) ? linear_subsets(c, p, threads, r2, T, U) : SC_ENOMEM;
    free(T); free(U);
    return status;
}

/* ---- Shapley value and dominance from the sums -------------------------------------------- */

static double choose(size_t n, size_t k)
{
    double r = 1;
    for (size_t i = 1; i <= k; i++) r = r * (double)(n - k + i) / (double)i;
    return r;
}

/* Shapley value phi_j = sum_s [w(s-1) U_j(s) - w(s) (T(s) - U_j(s))], w(s) = 1 / (p C(p-1, s));
 * and, when cond is not NULL, conditional dominance cond[j*p + s] = mean over the C(p-1, s)
 * subsets S of size s without j of R^2(S + j) - R^2(S). */
static void shapley(const double *T, const double *U, size_t p, double *phi, double *cond)
{
    for (size_t j = 0; j < p; j++) {
        const double *Uj = U + j * (p + 1);
        double total = 0;
        for (size_t s = 0; s < p; s++) {
            const double gain = (Uj[s + 1] - (T[s] - Uj[s])) / choose(p - 1, s);
            if (cond) cond[j * p + s] = gain;
            total += gain;
        }
        phi[j] = total / (double)p;
    }
}

/* complete[i*p + j]: 1 when R^2(S + i) > R^2(S + j) for every S without i and j, 0 when the
 * reverse holds for every S, 0.5 otherwise; NaN on the diagonal. */
static void complete_dominance(const double *r2, size_t p, int threads, double *complete)
{
    const size_t n_masks = (size_t)1 << p;
#pragma omp parallel for schedule(dynamic, 1) num_threads(sc_threads(threads, n_masks))
    for (size_t i = 0; i < p; i++) {
        complete[i * p + i] = NAN;
        for (size_t j = i + 1; j < p; j++) {
            const size_t bi = (size_t)1 << i, bj = (size_t)1 << j;
            int all_i = 1, all_j = 1;
            for (size_t mask = 0; mask < n_masks && (all_i || all_j); mask++) {
                if (mask & (bi | bj)) continue;
                const double vi = r2[mask | bi], vj = r2[mask | bj];
                all_i &= vi > vj;
                all_j &= vj > vi;
            }
            complete[i * p + j] = all_i ? 1.0 : all_j ? 0.0 : 0.5;
            complete[j * p + i] = all_i ? 0.0 : all_j ? 1.0 : 0.5;
        }
    }
}

/* ---- linear models -------------------------------------------------------------------------- */

/* first, last, betasq, pratt and R^2 from the full sweep of c (outcome last). */
static int linear_simple(const double *c, size_t p, sc_drivers_method method, double *imp,
                         double *r2)
{
    const size_t m = p + 1;
    double *a = malloc(m * m * sizeof(double)), *scratch = malloc(m * sizeof(double));
    if (a == NULL || scratch == NULL) {
        free(a); free(scratch);
        return SC_ENOMEM;
    }
    memcpy(a, c, m * m * sizeof(double));
    int status = SC_SUCCESS;
    for (size_t j = 0; j < p && status == SC_SUCCESS; j++)
        if (sweep(a, m, j, 1, scratch) != 0) status = SC_ESINGULAR;
    if (status == SC_SUCCESS) {
        *r2 = 1.0 - a[p * m + p];
        for (size_t j = 0; j < p; j++) {
            const double beta = a[j * m + p], r = c[j * m + p];
            switch (method) {
            case SC_DRIVERS_FIRST:  imp[j] = r * r; break;
            case SC_DRIVERS_LAST:   imp[j] = beta * beta / -a[j * m + j]; break;
            case SC_DRIVERS_BETASQ: imp[j] = beta * beta; break;
            default:                imp[j] = beta * r; break;   /* pratt */
            }
        }
    }
    free(a); free(scratch);
    return status;
}

/* Lambda = R^(1/2) (symmetric square root of the drivers' correlation matrix, from c's leading
 * p x p block) into lambda[p*p], and V diag(1/sqrt(lambda)) V' r into beta when r is given. */
static int correlation_root(const double *c, size_t p, const double *r, double *lambda,
                            double *beta)
{
    const size_t m = p + 1;
    gsl_matrix *A = gsl_matrix_alloc(p, p), *V = gsl_matrix_alloc(p, p);
    gsl_vector *ev = gsl_vector_alloc(p);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(p);
    int status = (A && V && ev && ws) ? SC_SUCCESS : SC_ENOMEM;
    if (status == SC_SUCCESS) {
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++) gsl_matrix_set(A, i, j, c[i * m + j]);
        if (gsl_eigen_symmv(A, ev, V, ws) != GSL_SUCCESS) status = SC_ENAN;
    }
    for (size_t k = 0; status == SC_SUCCESS && k < p; k++)
        if (!(gsl_vector_get(ev, k) > PIVOT_TOL)) status = SC_ESINGULAR;
    if (status == SC_SUCCESS) {
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++) {
                double s = 0;
                for (size_t k = 0; k < p; k++)
                    s += gsl_matrix_get(V, i, k) * sqrt(gsl_vector_get(ev, k)) *
                         gsl_matrix_get(V, j, k);
                lambda[i * p + j] = s;
            }
        if (r) {
            for (size_t i = 0; i < p; i++) {
                double s = 0;
                for (size_t k = 0; k < p; k++) {
                    double vr = 0;
                    for (size_t j = 0; j < p; j++) vr += gsl_matrix_get(V, j, k) * r[j];
                    s += gsl_matrix_get(V, i, k) * vr / sqrt(gsl_vector_get(ev, k));
                }
                beta[i] = s;
            }
        }
    }
    if (ws) gsl_eigen_symmv_free(ws);
    gsl_vector_free(ev);
    gsl_matrix_free(A);
    gsl_matrix_free(V);
    return status;
}

/* epsilon_j = sum_k lambda_jk^2 beta_k^2; returns their sum. */
static double relative_weights(const double *lambda, const double *beta, size_t p, double *eps)
{
    double total = 0;
    for (size_t j = 0; j < p; j++) {
        double e = 0;
        for (size_t k = 0; k < p; k++) {
            const double l = lambda[j * p + k];
            e += l * l * beta[k] * beta[k];
        }
        eps[j] = e;
        total += e;
    }
    return total;
}

static int linear_importance(const sc_drivers_data *d, const double *w, sc_drivers_method method,
                             int threads, sc_drivers_output *out)
{
    const size_t p = d->p, m = p + 1;
    double *c = malloc(m * m * sizeof(double));
    double *tmp = malloc((m + 2 * p * (p + 1)) * sizeof(double));
    double *r2 = NULL;
    int status = (c && tmp) ? correlation(d, w, c, NULL, tmp) : SC_ENOMEM;
    if (status == SC_SUCCESS) {
        if (is_exact(method)) {
            double *T = tmp, *U = tmp + m;
            const int store = method == SC_DRIVERS_DOMINANCE && out->complete != NULL;
            if (store && (r2 = malloc(((size_t)1 << p) * sizeof(double))) == NULL)
                status = SC_ENOMEM;
            if (status == SC_SUCCESS) status = linear_subsets(c, p, threads, r2, T, U);
            if (status == SC_SUCCESS) {
                shapley(T, U, p, out->importance,
                        method == SC_DRIVERS_DOMINANCE ? out->conditional : NULL);
                out->r2 = T[p];
                if (store) complete_dominance(r2, p, threads, out->complete);
            }
        } else if (method == SC_DRIVERS_RELATIVE_WEIGHTS) {
            double *lambda = tmp, *beta = tmp + p * p, *r = tmp + p * p + p;
            for (size_t j = 0; j < p; j++) r[j] = c[j * m + p];
            status = correlation_root(c, p, r, lambda, beta);
            if (status == SC_SUCCESS) out->r2 = relative_weights(lambda, beta, p, out->importance);
        } else {
            status = linear_simple(c, p, method, out->importance, &out->r2);
        }
    }
    free(c); free(tmp); free(r2);
    return status;
}

/* ---- logistic and ordinal models ---------------------------------------------------------- */

/* One subset fit with its own workspace: the coefficients of every driver are kept in full[]
 * (binary: intercept, then one per driver; ordinal: one per driver, then the thresholds), 0 for
 * drivers outside the model, so that the next fit can start from this one. */
typedef struct {
    sc_logit_workspace *ws;
    size_t *cols;
    double *coef, *start, *full;
    int have_full;             /* full[] holds a previous fit */
} glm_fitter;

static void fitter_free(glm_fitter *f)
{
    sc_logit_free(f->ws);
    free(f->cols);              /* the block that holds coef, start and full too */
}

/* The fitter's arrays, taken from block b (see sc_block_take). */
static void fitter_carve(glm_fitter *f, sc_block *b, size_t p, size_t levels)
{
    const size_t nc = p + levels;
    f->cols = sc_block_take(b, p ? p : 1, sizeof(size_t));
    f->coef = sc_block_take(b, nc, sizeof(double));
    f->start = sc_block_take(b, nc, sizeof(double));
    f->full = sc_block_take(b, nc, sizeof(double));
}

static int fitter_alloc(glm_fitter *f, size_t n, size_t p, size_t levels)
{
    sc_block b = {NULL, 0};
    fitter_carve(f, &b, p, levels);
    f->ws = NULL;
    f->cols = NULL;
    f->have_full = 0;
    if (b.used != SIZE_MAX && (b.base = malloc(b.used)) != NULL) {
        b.used = 0;
        fitter_carve(f, &b, p, levels);
        f->ws = sc_logit_alloc(n, p, levels);
        if (f->ws) return SC_SUCCESS;
    }
    fitter_free(f);
    return SC_ENOMEM;
}

/* Log-likelihood of the model on the drivers in mask (and of the model without drivers in
 * *ll0 when not NULL), warm-started from the previous fit when warm.  SC_ENOCONV when the fit
 * fails. */
static int glm_loglik(const sc_drivers_data *d, const double *w, sc_drivers_model model,
                      size_t mask, glm_fitter *f, int warm, double *ll, double *ll0)
{
    const size_t p = d->p, ordinal = model == SC_DRIVERS_ORDINAL;
    const size_t q = ordinal ? d->levels - 1 : 1, lead = ordinal ? 0 : 1;
    size_t k = 0;
    for (size_t j = 0; j < p; j++)
        if (mask >> j & 1) f->cols[k++] = j;
    const double *start = NULL;
    if (warm && f->have_full) {
        /* binary: intercept, drivers; ordinal: drivers, thresholds */
        if (!ordinal) f->start[0] = f->full[0];
        for (size_t t = 0; t < k; t++) f->start[lead + t] = f->full[lead + f->cols[t]];
        if (ordinal)
            for (size_t c = 0; c < q; c++) f->start[k + c] = f->full[p + c];
        start = f->start;
    }
    sc_logit_data ld = {d->x, p, f->cols, k, d->y, w, d->n};
    sc_logit_result r = {f->coef, NULL, 0, 0, 0, SC_LOGIT_OK, 0};
    int status = ordinal ? sc_logit_ordinal_fit(&ld, d->levels, start, f->ws, &r)
                         : sc_logit_fit(&ld, start, f->ws, &r);
    if (status != SC_SUCCESS) return status;
    if (r.outcome != SC_LOGIT_OK) return SC_ENOCONV;
    for (size_t a = 0; a < p + q; a++) f->full[a] = 0;
    if (!ordinal) f->full[0] = f->coef[0];
    for (size_t t = 0; t < k; t++) f->full[lead + f->cols[t]] = f->coef[lead + t];
    if (ordinal)
        for (size_t c = 0; c < q; c++) f->full[p + c] = f->coef[k + c];
    f->have_full = 1;
    *ll = r.loglik;
    if (ll0) *ll0 = r.loglik_null;
    return SC_SUCCESS;
}

/* Subsets fitted in blocks of a Gray-code order, each fit starting from the previous one
 * (consecutive subsets differ by one driver); at most 2^6 blocks, so that threads share them. */
#define GLM_BLOCKS_LOG2 6

/* McFadden's R^2 of the subsets masks[0..count-1] into r2[index], or of every subset into
 * r2[mask] when masks is NULL. */
static int glm_subsets(const sc_drivers_data *d, const double *w, sc_drivers_model model,
                       const size_t *masks, size_t count, int threads, double *r2)
{
    const size_t p = d->p, levels = model == SC_DRIVERS_LOGISTIC ? 2 : d->levels;
    int status;
    double ll0 = NAN;
    {   /* the model without drivers, once */
        glm_fitter f;
        double ll;
        status = fitter_alloc(&f, d->n, p, levels);
        if (status == SC_SUCCESS) {
            status = glm_loglik(d, w, model, 0, &f, 0, &ll, &ll0);
            fitter_free(&f);
        }
        if (status != SC_SUCCESS) return status;
        if (!(ll0 < 0)) return SC_ESINGULAR;
    }
    const size_t high = masks || p < GLM_BLOCKS_LOG2 ? 0 : GLM_BLOCKS_LOG2, low = p - high;
    const size_t units = masks ? count : (size_t)1 << high, span = masks ? 1 : (size_t)1 << low;
#pragma omp parallel num_threads(sc_threads(threads, count * d->n / 64))
    {
        glm_fitter f;
        const int ok = fitter_alloc(&f, d->n, p, levels) == SC_SUCCESS;
        if (!ok) {
#pragma omp atomic write
            status = SC_ENOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t u = 0; u < units; u++) {
            if (!ok) continue;
            size_t mask = masks ? masks[u] : u << low;
            f.have_full = 0;
            for (size_t g = 1; ; g++) {
                double ll = ll0;
                const int st = mask ? glm_loglik(d, w, model, mask, &f, 1, &ll, NULL) : SC_SUCCESS;
                if (st != SC_SUCCESS) {
#pragma omp critical(sc_drivers_status)
                    status = status == SC_SUCCESS ? st : status;
                }
                r2[masks ? u : mask] = st == SC_SUCCESS ? 1.0 - ll / ll0 : NAN;
                if (g == span) break;
                mask ^= (size_t)1 << __builtin_ctzll((unsigned long long)g);
            }
        }
        if (ok) fitter_free(&f);
    }
    return status;
}

/* Relative weights of a logistic model (Tonidandel & LeBreton 2010, as rwa_logit): the
 * coefficients on the orthogonalised drivers b = Lambda (beta * sd), rescaled by
 * sqrt(R^2) / sd(eta), R^2 the squared correlation of fitted probabilities and outcome, with
 * sd(eta)^2 = b'b (the orthogonal drivers have unit variance). */
static int logistic_relative_weights(const sc_drivers_data *d, const double *w,
                                     sc_drivers_output *out)
{
    const size_t p = d->p, m = p + 1, n = d->n;
    double *c = malloc(m * m * sizeof(double)), *sd = malloc(m * sizeof(double));
    double *mean = malloc(m * sizeof(double)), *coef = malloc(m * sizeof(double));
    double *lambda = malloc(p * p * sizeof(double)), *b = malloc(2 * p * sizeof(double));
    sc_logit_workspace *ws = sc_logit_alloc(n, p, 2);
    int status = (c && sd && mean && coef && lambda && b && ws) ? SC_SUCCESS : SC_ENOMEM;
    if (status == SC_SUCCESS) status = correlation(d, w, c, sd, mean);
    if (status == SC_SUCCESS) {
        sc_logit_data ld = {d->x, p, NULL, p, d->y, w, n};
        sc_logit_result r = {coef, NULL, 0, 0, 0, SC_LOGIT_OK, 0};
        status = sc_logit_fit(&ld, NULL, ws, &r);
        if (status == SC_SUCCESS && r.outcome != SC_LOGIT_OK) status = SC_ENOCONV;
    }
    if (status == SC_SUCCESS) status = correlation_root(c, p, NULL, lambda, NULL);
    if (status == SC_SUCCESS) {
        double *bstd = b + p;
        for (size_t j = 0; j < p; j++) bstd[j] = coef[1 + j] * sd[j];
        double bb = 0;
        for (size_t i = 0; i < p; i++) {
            double s = 0;
            for (size_t j = 0; j < p; j++) s += lambda[i * p + j] * bstd[j];
            b[i] = s;
            bb += s * s;
        }
        /* weighted correlation of the fitted probabilities with the outcome */
        double W = 0, my = 0, mm = 0, syy = 0, smm = 0, sym = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i < n; i++) {
                const double wi = w ? w[i] : 1.0;
                if (wi == 0) continue;
                double e = coef[0];
                for (size_t j = 0; j < p; j++) e += coef[1 + j] * d->x[i * p + j];
                const double mu = 1.0 / (1.0 + exp(-e));
                if (pass == 0) {
                    W += wi; my += wi * d->y[i]; mm += wi * mu;
                } else {
                    const double dy = d->y[i] - my, dm = mu - mm;
                    syy += wi * dy * dy; smm += wi * dm * dm; sym += wi * dy * dm;
                }
            }
            if (pass == 0) { my /= W; mm /= W; }
        }
        const double rsq = sym * sym / (syy * smm);
        for (size_t k = 0; k < p; k++) b[k] *= sqrt(rsq / bb);
        out->r2 = relative_weights(lambda, b, p, out->importance);
    }
    sc_logit_free(ws);
    free(c); free(sd); free(mean); free(coef); free(lambda); free(b);
    return status;
}

static int glm_importance(const sc_drivers_data *d, const double *w, sc_drivers_model model,
                          sc_drivers_method method, int threads, sc_drivers_output *out)
{
    const size_t p = d->p;
    if (method == SC_DRIVERS_RELATIVE_WEIGHTS) return logistic_relative_weights(d, w, out);
    int status;
    if (is_exact(method)) {
        const size_t count = (size_t)1 << p;
        double *r2 = malloc(count * sizeof(double));
        double *T = malloc((p + 1) * sizeof(double)), *U = malloc(p * (p + 1) * sizeof(double));
        status = (r2 && T && U) ? glm_subsets(d, w, model, NULL, count, threads, r2) : SC_ENOMEM;
        if (status == SC_SUCCESS) status = sums_from_array(r2, p, T, U);
        if (status == SC_SUCCESS) {
            shapley(T, U, p, out->importance,
                    method == SC_DRIVERS_DOMINANCE ? out->conditional : NULL);
            out->r2 = r2[count - 1];
            if (method == SC_DRIVERS_DOMINANCE && out->complete)
                complete_dominance(r2, p, threads, out->complete);
        }
        free(r2); free(T); free(U);
        return status;
    }
    /* first and last: the full model and one subset per driver */
    const size_t full = ((size_t)1 << p) - 1;
    size_t *masks = malloc((p + 1) * sizeof(size_t));
    double *r2 = malloc((p + 1) * sizeof(double));
    status = (masks && r2) ? SC_SUCCESS : SC_ENOMEM;
    if (status == SC_SUCCESS) {
        masks[p] = full;
        for (size_t j = 0; j < p; j++)
            masks[j] = method == SC_DRIVERS_FIRST ? (size_t)1 << j : full ^ ((size_t)1 << j);
        status = glm_subsets(d, w, model, masks, p + 1, threads, r2);
    }
    if (status == SC_SUCCESS) {
        out->r2 = r2[p];
        for (size_t j = 0; j < p; j++)
            out->importance[j] = method == SC_DRIVERS_FIRST ? r2[j] : r2[p] - r2[j];
    }
    free(masks); free(r2);
    return status;
}

static int importance_with_weights(const sc_drivers_data *d, const double *w,
                                   sc_drivers_model model, sc_drivers_method method, int threads,
                                   sc_drivers_output *out)
{
    if (model == SC_DRIVERS_LINEAR) return linear_importance(d, w, method, threads, out);
    return glm_importance(d, w, model, method, threads, out);
}

int sc_drivers_importance(const sc_drivers_data *d, sc_drivers_model model,
                          sc_drivers_method method, int threads, sc_drivers_output *out)
{
    int status = sc_drivers_check(model, method, d->p);
    if (status != SC_SUCCESS) return status;
    if (d->n < 2) return SC_EEMPTY;
    if (method == SC_DRIVERS_DOMINANCE && out->conditional == NULL) return SC_EINVAL;
    return importance_with_weights(d, d->w, model, method, threads, out);
}

/* ---- bootstrap ---------------------------------------------------------------------------- */

int sc_drivers_bootstrap(const sc_drivers_data *d, sc_drivers_model model,
                         sc_drivers_method method, size_t reps, uint64_t seed, int threads,
                         double *importance, double *r2, size_t *failed)
{
    int status = sc_drivers_check(model, method, d->p);
    if (status != SC_SUCCESS) return status;
    if (d->n < 2 || reps < 1) return SC_EEMPTY;
    const size_t n = d->n, p = d->p;
    size_t n_failed = 0;
    /* dominance's bootstrap is of its general dominance, which is the Shapley value */
    const sc_drivers_method run = method == SC_DRIVERS_DOMINANCE ? SC_DRIVERS_LMG : method;
#pragma omp parallel num_threads(sc_threads(threads, reps * n / 16)) reduction(+:n_failed)
    {
        double *w = malloc(n * sizeof(double));
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        if (w == NULL || rng == NULL) {
#pragma omp atomic write
            status = SC_ENOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t b = 0; b < reps; b++) {
            if (w == NULL || rng == NULL) continue;
            gsl_rng_set(rng, sc_stream_seed(seed, (uint64_t)b));
            memset(w, 0, n * sizeof(double));
            for (size_t i = 0; i < n; i++) w[gsl_rng_uniform_int(rng, n)] += 1.0;
            if (d->w)
                for (size_t i = 0; i < n; i++) w[i] *= d->w[i];
            sc_drivers_output o = {importance + b * p, NAN, NULL, NULL};
            int st = importance_with_weights(d, w, model, run, 1, &o);
            if (st == SC_ENOMEM) {
#pragma omp atomic write
                status = SC_ENOMEM;
            }
            if (st != SC_SUCCESS) {
                for (size_t j = 0; j < p; j++) importance[b * p + j] = NAN;
                o.r2 = NAN;
                n_failed++;
            }
            r2[b] = o.r2;
        }
        free(w);
        if (rng) gsl_rng_free(rng);
    }
    *failed = n_failed;
    return status;
}

int sc_drivers_percentiles(const double *rep, size_t n_reps, size_t m, double conf,
                           double *lower, double *upper)
{
    if (!(conf > 0 && conf < 1)) return SC_EINVAL;
    double *v = malloc((n_reps ? n_reps : 1) * sizeof(double));
    if (v == NULL) return SC_ENOMEM;
    for (size_t j = 0; j < m; j++) {
        size_t k = 0;
        for (size_t b = 0; b < n_reps; b++)
            if (!isnan(rep[b * m + j])) v[k++] = rep[b * m + j];
        if (k == 0) {
            lower[j] = upper[j] = NAN;
            continue;
        }
        lower[j] = sc_disparity_quantile(v, k, (1 - conf) / 2);
        upper[j] = sc_disparity_quantile(v, k, (1 + conf) / 2);
    }
    free(v);
    return SC_SUCCESS;
}
