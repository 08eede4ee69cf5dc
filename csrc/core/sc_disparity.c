#include "sc_disparity.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include "sc_dist.h"
#include "sc_parallel.h"
#include "sc_status.h"

/* The k-th smallest of v[0..n-1] (0-based), moved to v[k] with smaller values before it and
 * larger after (Hoare's selection, median-of-three pivot). */
static double select_kth(double *v, size_t n, size_t k)
{
    long lo = 0, hi = (long)n - 1;
    const long kk = (long)k;
    while (hi > lo) {
        const long mid = lo + (hi - lo) / 2;
        double a = v[lo], b = v[mid], c = v[hi];
        const double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        long i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                double t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (kk <= j) hi = j;
        else if (kk >= i) lo = i;
        else break;                                  /* v[j+1 .. i-1] all equal the pivot */
    }
    return v[k];
}

double sc_disparity_quantile(double *v, size_t n, double p)
{
    const double h = (double)(n - 1) * p;
    const size_t lo = (size_t)floor(h);
    if (lo + 1 >= n) return select_kth(v, n, n - 1);
    const double vlo = select_kth(v, n, lo), frac = h - (double)lo;
    if (frac == 0.0) return vlo;
    double vhi = v[lo + 1];                          /* the next smallest: min of the rest */
    for (size_t i = lo + 2; i < n; i++) vhi = fmin(vhi, v[i]);
    if (vlo == vhi) return vlo;
    return (1.0 - frac) * vlo + frac * vhi;
}

/* ---- indices ----------------------------------------------------------------------------- */

typedef struct {
    double r, w;
} rate_weight;

static int cmp_rate(const void *a, const void *b)
{
    double x = ((const rate_weight *)a)->r, y = ((const rate_weight *)b)->r;
    return (x > y) - (x < y);
}

/* The six indices of a[0..n-1], sorted by rate. */
static void indices_sorted(const rate_weight *a, size_t n, double *out)
{
    double W = 0, S = 0;
    for (size_t i = 0; i < n; i++) {
        W += a[i].w;
        S += a[i].w * a[i].r;
    }
    const double m = S / W, lo = a[0].r, hi = a[n - 1].r;
    out[0] = hi - lo;
    out[1] = lo > 0 ? hi / lo : (hi > 0 ? INFINITY : NAN);
    if (!(m > 0)) {
        for (int j = 2; j < SC_DISPARITY_N_INDICES; j++) out[j] = NAN;
        return;
    }
    double var = 0, theil = 0, mld = 0, gini = 0, before = 0;
    for (size_t i = 0; i < n; i++) {
        const double r = a[i].r, w = a[i].w, d = r - m;
        var += w * d * d;
        if (r > 0) {
            theil += w * (r / m) * log(r / m);
            mld += w * log(m / r);
        } else {
            mld = INFINITY;
        }
        /* sum_ij w_i w_j |r_i - r_j| = 2 sum_i w_i r_i (W_before_i - W_after_i) on sorted rates */
        gini += w * r * (before - (W - before - w));
        before += w;
    }
    out[2] = sqrt(var / W) / m;
    out[3] = gini / (W * W * m);
    out[4] = theil / W;
    out[5] = mld / W;
}

int sc_disparity_indices(const double *rate, size_t rate_stride, const double *w, size_t w_stride,
                         size_t n, double *out)
{
    if (n == 0) return SC_EEMPTY;
    rate_weight *a = malloc(n * sizeof *a);
    if (a == NULL) return SC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        a[i] = (rate_weight){rate[i * rate_stride], w ? w[i * w_stride] : 1.0};
    qsort(a, n, sizeof *a, cmp_rate);
    indices_sorted(a, n, out);
    free(a);
    return SC_SUCCESS;
}

/* ---- bootstrap --------------------------------------------------------------------------- */

/* GSL's Poisson and binomial generators count in unsigned int: above LARGE_DRAW the draw is
 * their normal approximation (mean m, variance v; at such means the two are indistinguishable
 * in a bootstrap), rounded and kept at 0 or above. */
#define LARGE_DRAW 1073741824.0

static double normal_draw(gsl_rng *rng, double m, double v)
{
    return fmax(0.0, round(m + gsl_ran_gaussian_ziggurat(rng, sqrt(v))));
}

static void draw(const double *x, const double *den, const double *w, size_t n,
                 sc_disparity_resample how, gsl_rng *rng, rate_weight *a)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        double count = x[i];
        switch (how) {
        case SC_RESAMPLE_POISSON:
            count = x[i] > LARGE_DRAW ? normal_draw(rng, x[i], x[i]) : gsl_ran_poisson(rng, x[i]);
            break;
        case SC_RESAMPLE_BINOMIAL:
            count = den[i] > LARGE_DRAW
                        ? fmin(den[i], normal_draw(rng, x[i], x[i] * (1.0 - x[i] / den[i])))
                        : gsl_ran_binomial(rng, x[i] / den[i], (unsigned int)den[i]);
            break;
        case SC_RESAMPLE_AREAS:
            k = gsl_rng_uniform_int(rng, n);
            count = x[k];
            break;
        }
        a[i] = (rate_weight){count / den[k], w ? w[k] : 1.0};
    }
}

/* A thread's replicate scratch: the areas of a replicate, and its generator. */
typedef struct {
    rate_weight *a;
    gsl_rng *rng;
} boot_workspace;

typedef struct {
    const double *x, *den, *w;
    size_t n;
    sc_disparity_resample how;
    uint64_t seed;
    double *out;
} boot_job;

static void boot_free(void *ws)
{
    boot_workspace *b = ws;
    if (b == NULL) return;
    gsl_rng_free(b->rng);
    free(b);
}

static void *boot_alloc(const void *arg)
{
    const boot_job *job = arg;
    sc_block blk = {NULL, 0};
    sc_block_take(&blk, 1, sizeof(boot_workspace));
    sc_block_take(&blk, job->n, sizeof(rate_weight));
    if (blk.used == SIZE_MAX || (blk.base = malloc(blk.used)) == NULL) return NULL;
    blk.used = 0;
    boot_workspace *b = sc_block_take(&blk, 1, sizeof *b);
    b->a = sc_block_take(&blk, job->n, sizeof *b->a);
    if ((b->rng = gsl_rng_alloc(gsl_rng_mt19937)) == NULL) {
        free(b);
        return NULL;
    }
    return b;
}

/* Replicate r from its own stream (sc_stream_seed), so results do not depend on threads. */
static int boot_row(const void *arg, size_t r, void *ws)
{
    const boot_job *job = arg;
    boot_workspace *b = ws;
    gsl_rng_set(b->rng, sc_stream_seed(job->seed, (uint64_t)r));
    draw(job->x, job->den, job->w, job->n, job->how, b->rng, b->a);
    qsort(b->a, job->n, sizeof *b->a, cmp_rate);
    indices_sorted(b->a, job->n, job->out + r * SC_DISPARITY_N_INDICES);
    return SC_SUCCESS;
}

int sc_disparity_bootstrap(const double *x, const double *den, const double *w, size_t n,
                           sc_disparity_resample how, size_t reps, uint64_t seed, int threads,
                           double *out)
{
    if (n == 0) return SC_EEMPTY;
    if ((double)reps * (double)n > SC_DISPARITY_MAX_DRAWS) return SC_EDOM;
    for (size_t i = 0; i < n; i++) {
        const double d = den[i];
        if (!(x[i] >= 0 && isfinite(x[i]) && d > 0 && isfinite(d))) return SC_EDOM;
        if (how == SC_RESAMPLE_BINOMIAL && !(x[i] <= d && d == floor(d))) return SC_EDOM;
    }
    static const sc_row_kernel kernel = {boot_alloc, boot_free, boot_row};
    const boot_job job = {x, den, w, n, how, seed, out};
    return sc_parallel_rows(reps, threads, reps * n / 16, 4, &kernel, &job, NULL);
}

int sc_disparity_percentiles(const double *reps, size_t n_reps, double conf, double *lower,
                             double *upper)
{
    if (!(conf > 0 && conf < 1)) return SC_EINVAL;
    double *v = malloc((n_reps ? n_reps : 1) * sizeof *v);
    if (v == NULL) return SC_ENOMEM;
    for (int j = 0; j < SC_DISPARITY_N_INDICES; j++) {
        size_t k = 0;
        for (size_t b = 0; b < n_reps; b++) {
            double r = reps[b * SC_DISPARITY_N_INDICES + j];
            if (!isnan(r)) v[k++] = r;
        }
        if (k == 0) {
            lower[j] = upper[j] = NAN;
            continue;
        }
        lower[j] = sc_disparity_quantile(v, k, 0.5 * (1.0 - conf));
        upper[j] = sc_disparity_quantile(v, k, 0.5 * (1.0 + conf));
    }
    free(v);
    return SC_SUCCESS;
}

/* ---- empirical Bayes --------------------------------------------------------------------- */

typedef struct {
    const double *x, *den;
    size_t n;
    sc_shrink_model model;
} eb_data;

/* log(n choose x) for whole n, x stored as doubles. */
static double lnchoose(double n, double x)
{
    if (n < 4294967295.0) return gsl_sf_lnchoose((unsigned int)n, (unsigned int)x);
    return gsl_sf_lngamma(n + 1.0) - gsl_sf_lngamma(x + 1.0) - gsl_sf_lngamma(n - x + 1.0);
}

/* Marginal log-likelihood at prior (a, b); with g and h, also its gradient g[0..1] and Hessian
 * h = {h00, h01, h11} in (log a, log b). */
static double eb_loglik(const eb_data *d, double a, double b, double *g, double *h)
{
    double ll = 0, ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (size_t i = 0; i < d->n; i++) {
        const double x = d->x[i], n = d->den[i];
        if (d->model == SC_SHRINK_BETA_BINOMIAL) {
            ll += gsl_sf_lnpoch(a, x) + gsl_sf_lnpoch(b, n - x) - gsl_sf_lnpoch(a + b, n) +
                  lnchoose(n, x);
            if (g == NULL) continue;
            const double dab = gsl_sf_psi(a + b + n) - gsl_sf_psi(a + b);
            const double tab = gsl_sf_psi_1(a + b + n) - gsl_sf_psi_1(a + b);
            ga += gsl_sf_psi(a + x) - gsl_sf_psi(a) - dab;
            gb += gsl_sf_psi(b + n - x) - gsl_sf_psi(b) - dab;
            haa += gsl_sf_psi_1(a + x) - gsl_sf_psi_1(a) - tab;
            hbb += gsl_sf_psi_1(b + n - x) - gsl_sf_psi_1(b) - tab;
            hab -= tab;
        } else {
            const double l1 = log1p(n / b);
            ll += gsl_sf_lnpoch(a, x) - gsl_sf_lngamma(x + 1.0) - a * l1 + x * log(n / (b + n));
            if (g == NULL) continue;
            ga += gsl_sf_psi(a + x) - gsl_sf_psi(a) - l1;
            gb += a / b - (a + x) / (b + n);
            haa += gsl_sf_psi_1(a + x) - gsl_sf_psi_1(a);
            hab += 1.0 / b - 1.0 / (b + n);
            hbb += -a / (b * b) + (a + x) / ((b + n) * (b + n));
        }
    }
    if (g != NULL) {
        g[0] = a * ga;
        g[1] = b * gb;
        h[0] = a * a * haa + a * ga;
        h[1] = a * b * hab;
        h[2] = b * b * hbb + b * gb;
    }
    return ll;
}

/* Log-likelihood of the pooled model (prior a point mass at mean). */
static double pooled_loglik(const eb_data *d, double mean)
{
    double ll = 0;
    for (size_t i = 0; i < d->n; i++) {
        const double x = d->x[i], n = d->den[i];
        if (d->model == SC_SHRINK_BETA_BINOMIAL)
            ll += lnchoose(n, x) + x * log(mean) +
                  (n - x) * log1p(-mean);
        else
            ll += (x > 0 ? x * log(n * mean) : 0.0) - n * mean - gsl_sf_lngamma(x + 1.0);
    }
    return ll;
}

/* Prior strength: alpha + beta (beta-binomial) or beta (gamma-Poisson), in denominator units. */
static double strength(sc_shrink_model model, double a, double b)
{
    return model == SC_SHRINK_BETA_BINOMIAL ? a + b : b;
}

static void set_pooled(const eb_data *d, double mean, sc_shrink_prior *p)
{
    p->alpha = p->beta = INFINITY;
    p->mean = mean;
    p->pooled = 1;
    p->loglik = pooled_loglik(d, mean);
}

/* Moment estimates (Kleinman 1973): the weighted between-area sum of squares against its
 * expectation under the model.  Returns 0 with *a, *b, or 1 when no extra variation shows. */
static int moments(const eb_data *d, double mean, double *a, double *b)
{
    double sn = 0, sn2 = 0, ss = 0, nmax = 0;
    for (size_t i = 0; i < d->n; i++) {
        const double n = d->den[i], r = d->x[i] / n - mean;
        sn += n;
        sn2 += n * n;
        ss += n * r * r;
        nmax = fmax(nmax, n);
    }
    const double k1 = (double)d->n - 1.0, spread = sn - sn2 / sn;
    if (d->model == SC_SHRINK_BETA_BINOMIAL) {
        if (nmax <= 1.0) return 1;     /* single trials carry no information on the spread */
        double rho = (ss / (mean * (1.0 - mean)) - k1) / (spread - k1);
        if (!(rho > 0)) return 1;
        double m = rho < 1.0 ? 1.0 / rho - 1.0 : 1e-3;
        *a = mean * m;
        *b = (1.0 - mean) * m;
    } else {
        double var = (ss - mean * k1) / spread;
        if (!(var > 0)) return 1;
        *a = mean * mean / var;
        *b = mean / var;
    }
    return 0;
}

/* Damped (Levenberg-Marquardt) Newton ascent in (log a, log b). */
static int newton(const eb_data *d, double cap, double *a, double *b, sc_shrink_prior *p)
{
    double t[2] = {log(*a), log(*b)}, g[2], h[3], ng[2], nh[3];
    double ll = eb_loglik(d, *a, *b, g, h), lambda = 0;
    if (!isfinite(ll)) return SC_ENOCONV;
    for (int it = 1; it <= 500; it++) {
        p->iterations = it;
        int accepted = 0;
        double s[2] = {0, 0}, nll = ll;
        for (int tries = 0; tries < 80 && !accepted; tries++) {
            const double A = lambda - h[0], B = -h[1], C = lambda - h[2], det = A * C - B * B;
            if (A > 0 && det > 0) {
                s[0] = (C * g[0] - B * g[1]) / det;
                s[1] = (A * g[1] - B * g[0]) / det;
                const double len = fmax(fabs(s[0]), fabs(s[1]));
                if (len > 2.0) {
                    s[0] *= 2.0 / len;
                    s[1] *= 2.0 / len;
                }
                nll = eb_loglik(d, exp(t[0] + s[0]), exp(t[1] + s[1]), ng, nh);
                accepted = isfinite(nll) && nll >= ll - 1e-12 * fabs(ll);
            }
            if (!accepted)
                lambda = lambda > 0 ? 10.0 * lambda : 1e-3 * (fabs(h[0]) + fabs(h[2]) + 1e-8);
        }
        if (!accepted) return SC_ENOCONV;
        t[0] += s[0];
        t[1] += s[1];
        ll = nll;
        g[0] = ng[0]; g[1] = ng[1];
        h[0] = nh[0]; h[1] = nh[1]; h[2] = nh[2];
        lambda = lambda > 1e-10 ? 0.1 * lambda : 0.0;
        *a = exp(t[0]);
        *b = exp(t[1]);
        p->loglik = ll;
        if (strength(d->model, *a, *b) > cap) return SC_SUCCESS;     /* caller pools */
        if (*a < 1e-8 || *b < 1e-8) return SC_ENOCONV;             /* no interior maximum */
        if (fmax(fabs(s[0]), fabs(s[1])) < 1e-10) return SC_SUCCESS;
    }
    return SC_ENOCONV;
}

int sc_disparity_shrink_fit(const double *x, const double *den, size_t n, sc_shrink_model model,
                            sc_shrink_fit fit, sc_shrink_prior *prior)
{
    if (n < 2) return SC_EINVAL;
    const eb_data d = {x, den, n, model};
    double sx = 0, sn = 0, nmax = 0;
    for (size_t i = 0; i < n; i++) {
        sx += x[i];
        sn += den[i];
        nmax = fmax(nmax, den[i]);
    }
    const double mean = sx / sn, cap = 1e4 * nmax;
    if (!(sx > 0) || (model == SC_SHRINK_BETA_BINOMIAL && !(sx < sn))) return SC_EINVAL;
    prior->iterations = 0;
    prior->pooled = 0;
    prior->loglik = NAN;
    double a = NAN, b = NAN;
    const int flat = moments(&d, mean, &a, &b);
    if (fit == SC_SHRINK_MLE && !(model == SC_SHRINK_BETA_BINOMIAL && nmax <= 1.0)) {
        /* Every x 0 or n: each area's likelihood E[(1-p)^n] or E[p^n] is at most 1 - mean or
         * mean, the limit as the prior strength goes to 0, so there is no interior maximum. */
        int extreme = model == SC_SHRINK_BETA_BINOMIAL;
        for (size_t i = 0; i < n && extreme; i++)
            extreme = x[i] == 0.0 || x[i] == den[i];
        if (extreme) return SC_ENOCONV;
        if (flat) {
            /* start from a prior worth one average area */
            const double m = sn / (double)n;
            a = mean * m;
            b = model == SC_SHRINK_BETA_BINOMIAL ? (1.0 - mean) * m : m;
        }
        int status = newton(&d, cap, &a, &b, prior);
        if (status) return status;
    } else if (flat) {
        set_pooled(&d, mean, prior);
        return SC_SUCCESS;
    }
    if (strength(model, a, b) > cap) {
        set_pooled(&d, mean, prior);
        return SC_SUCCESS;
    }
    prior->alpha = a;
    prior->beta = b;
    prior->mean = model == SC_SHRINK_BETA_BINOMIAL ? a / (a + b) : a / b;
    prior->loglik = eb_loglik(&d, a, b, NULL, NULL);
    return SC_SUCCESS;
}

int sc_disparity_shrink_posterior(const double *x, const double *den, size_t n,
                                  sc_shrink_model model, const sc_shrink_prior *prior, double conf,
                                  int threads, double *est, double *lower, double *upper)
{
    if (!(conf > 0 && conf < 1)) return SC_EINVAL;
    const double pl = 0.5 * (1.0 - conf), pu = 0.5 * (1.0 + conf);
    const double a = prior->alpha, b = prior->beta;
    const long nn = (long)n;
#pragma omp parallel for num_threads(sc_threads(threads, n)) schedule(dynamic, 64)
    for (long i = 0; i < nn; i++) {
        if (prior->pooled) {
            est[i] = lower[i] = upper[i] = prior->mean;
        } else if (model == SC_SHRINK_BETA_BINOMIAL) {
            const double pa = a + x[i], pb = b + den[i] - x[i];
            est[i] = pa / (pa + pb);
            lower[i] = sc_dist_beta_quantile(pl, pa, pb);
            upper[i] = sc_dist_beta_quantile(pu, pa, pb);
        } else {
            const double shape = a + x[i], rate = b + den[i];
            est[i] = shape / rate;
            lower[i] = sc_dist_gamma_quantile(pl, shape) / rate;
            upper[i] = sc_dist_gamma_quantile(pu, shape) / rate;
        }
    }
    return SC_SUCCESS;
}
