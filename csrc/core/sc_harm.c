/* Harm-weighted counts (see sc_harm.h).  Quantiles come from sc_dist, the trend fit from
 * sc_glm; this file holds the weighted sums, the interval formulas and the variance scaling. */
#include "sc_harm.h"

#include <math.h>
#include <stdlib.h>

#include "sc_check.h"
#include "sc_dist.h"
#include "sc_parallel.h"
#include "sc_status.h"

/* Record a failure from inside a parallel loop (the last one written wins). */
static void fail(int *status, int code)
{
    #pragma omp critical (sc_harm_status)
    *status = code;
}

int sc_harm_sums(const double *count, const double *weight, const int64_t *group, size_t n,
                 size_t groups, double *total, double *harm, double *variance)
{
    if (groups > SC_HARM_MAX_GROUPS) return SC_EDOM;
    for (size_t g = 0; g < groups; g++) total[g] = harm[g] = variance[g] = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double x = count[i], w = weight[i];
        const int64_t g = group[i];
        if (!(x >= 0.0 && sc_is_whole(x) && w >= 0.0 && isfinite(w) && g >= 0 &&
              (uint64_t)g < (uint64_t)groups))
            return SC_EDOM;
        const double wx = w * x;
        total[g] += x;
        harm[g] += wx;
        variance[g] += w * wx;
    }
    return SC_SUCCESS;
}

/* Fay & Feuer's limits of a weighted Poisson sum at tail probability a. */
static void gamma_limits(double h, double v, double wm, double a, double *lo, double *hi)
{
    *lo = h > 0.0 ? sc_dist_gamma_quantile(a, h * h / v) * v / h : 0.0;
    const double hu = h + wm, vu = v + wm * wm;
    *hi = hu > 0.0 ? sc_dist_gamma_quantile(1.0 - a, hu * hu / vu) * vu / hu : 0.0;
}

int sc_harm_ci(const double *harm, const double *variance, const double *scale, size_t len,
               double max_weight, const double *conf, size_t nconf, sc_harm_ci_method method,
               int threads, double *lower, double *upper)
{
    if (method != SC_HARM_GAMMA && method != SC_HARM_NORMAL) return SC_EINVAL;
    if (nconf == 0 || !(max_weight >= 0.0 && isfinite(max_weight))) return SC_EDOM;
    for (size_t j = 0; j < nconf; j++)
        if (!(conf[j] > 0.0 && conf[j] < 1.0)) return SC_EDOM;
    int status = SC_SUCCESS;
    #pragma omp parallel for num_threads(sc_threads(threads, len)) schedule(dynamic, 256)
    for (size_t i = 0; i < len; i++) {
        const double h = harm[i], v = variance[i], s = scale[i];
        const int ok = h >= 0.0 && isfinite(h) && v >= 0.0 && isfinite(v) && s > 0.0 &&
                       isfinite(s) && (h == 0.0 || v > 0.0);
        for (size_t j = 0; j < nconf; j++) {
            double *lo = &lower[i * nconf + j], *hi = &upper[i * nconf + j];
            if (!ok) {
                *lo = *hi = NAN;
                continue;
            }
            const double a = 0.5 * (1.0 - conf[j]);
            if (method == SC_HARM_GAMMA) {
                gamma_limits(h, v, max_weight, a, lo, hi);
            } else {
                const double half = sc_dist_norm_quantile(1.0 - a) * sqrt(v);
                *lo = fmax(0.0, h - half);
                *hi = h + half;
            }
            *lo *= s;
            *hi *= s;
            if (isnan(*lo) || isnan(*hi)) fail(&status, SC_ENAN);
        }
        if (!ok) fail(&status, SC_EDOM);
    }
    return status;
}

/* ---- trend ------------------------------------------------------------------------------- */

/* k = sum V / sum H over the observations of series r that are not missing. */
static double compound_dispersion(const sc_glm_data *data, const double *variance, size_t r)
{
    const double *y = data->y + r * data->n, *v = variance + r * data->n;
    double sh = 0.0, sv = 0.0;
    for (size_t i = 0; i < data->n; i++) {
        if (isnan(y[i])) continue;
        sh += y[i];
        sv += v[i];
    }
    return sh > 0.0 ? sv / sh : NAN;
}

static void row_nan(sc_glm_output *out, size_t r, size_t p)
{
    for (size_t j = 0; j < p; j++)
        out->params[r * p + j] = out->bse[r * p + j] = out->pvalues[r * p + j] = NAN;
    out->crit[r] = out->deviance[r] = out->dispersion[r] = NAN;
}

int sc_harm_trend(const sc_glm_data *data, const double *variance, const double *t,
                  const int *season, size_t n_seasons, sc_harm_dispersion dispersion,
                  double conf, int threads, sc_glm_output *out, double *compound,
                  double *scale)
{
    if (dispersion != SC_HARM_COMPOUND && dispersion != SC_HARM_ESTIMATE) return SC_EINVAL;
    if (n_seasons == 0 || !(conf > 0.0 && conf < 1.0)) return SC_EINVAL;
    const size_t n = data->n, p = 1 + n_seasons, rows = data->rows;
    const int estimate = dispersion == SC_HARM_ESTIMATE;
    double *x = malloc((2 * n + 1) * sizeof *x);
    int *ind = malloc((n + 1) * sizeof *ind);
    int status = (x == NULL || ind == NULL) ? SC_ENOMEM : SC_SUCCESS;
    if (status == SC_SUCCESS) status = sc_glm_trend_design(t, season, n, n_seasons, x, ind);
    const sc_glm_design design = {n, p, 2, x, ind};
    if (status == SC_SUCCESS)
        status = sc_glm_trend_fit(data, &design, SC_GLM_POISSON, conf, threads, out);
    free(x);
    free(ind);
    if (status != SC_SUCCESS) return status;
    #pragma omp parallel for num_threads(sc_threads(threads, rows * data->n)) schedule(static)
    for (size_t r = 0; r < rows; r++) {
        const double k = compound_dispersion(data, variance, r);
        compound[r] = k;
        scale[r] = NAN;
        if (out->status[r] != SC_GLM_ROW_OK) continue;
        if (!(k > 0.0 && isfinite(k))) {
            out->status[r] = SC_GLM_ROW_NUMERICAL;
            row_nan(out, r, p);
            continue;
        }
        const double s = estimate ? fmax(k, out->dispersion[r]) : k;
        const double df = estimate ? out->nobs[r] - (double)p : 0.0, root = sqrt(s);
        scale[r] = s;
        out->crit[r] = sc_dist_critical_value(conf, df);
        for (size_t j = 0; j < p; j++) {
            const double se = out->bse[r * p + j] * root;
            out->bse[r * p + j] = se;
            out->pvalues[r * p + j] = sc_dist_wald_pvalue(out->params[r * p + j] / se, df);
        }
    }
    return SC_SUCCESS;
}
