/* Harm-weighted crime counts: sums of counts weighted by a harm weight per crime type (e.g. the
 * ONS Crime Severity Score or the Cambridge Crime Harm Index), their compound-Poisson
 * variances, confidence intervals, and log-linear trends in a harm series whose variance
 * accounts for the weights.
 *
 * With counts x_c ~ Poisson(lambda_c) of crime types c and weights w_c, the harm H = sum w_c x_c
 * has mean sum w_c lambda_c and variance sum w_c^2 lambda_c, estimated without bias by
 * V = sum w_c^2 x_c.  Arrays are contiguous; interval limits of unit i at level j are stored at
 * i * nconf + j.  All functions are thread-safe and keep no state. */
#ifndef SC_HARM_H
#define SC_HARM_H

#include <stddef.h>
#include <stdint.h>

#include "sc_glm.h"

typedef enum {
    SC_HARM_GAMMA = 0,         /* Fay & Feuer (1997) gamma interval */
    SC_HARM_NORMAL             /* H -+ z sqrt(V), the lower limit kept >= 0 */
} sc_harm_ci_method;

typedef enum {
    SC_HARM_COMPOUND = 0,      /* variance k mu: the compound-Poisson dispersion alone */
    SC_HARM_ESTIMATE           /* variance max(k, Pearson) mu, t-based (quasi-Poisson) */
} sc_harm_dispersion;

/* Most groups of sc_harm_sums (2^26: 1.5 GiB of results; far beyond areas x periods of any
 * recorded crime). */
#define SC_HARM_MAX_GROUPS ((size_t)1 << 26)

/* Per-group totals of long data (one row per record or per group and crime type).
 * Given: count[n] (whole, >= 0), weight[n] (the row's crime-type weight, finite, >= 0),
 *   group[n] (codes 0 <= g < groups), groups <= SC_HARM_MAX_GROUPS.
 * Returned: total[g] = sum x, harm[g] = sum w x, variance[g] = sum w^2 x (each [groups];
 *   groups with no rows get 0).  Rows are added in order, so results do not depend on threads.
 * Status: SC_SUCCESS; SC_EDOM for a count, weight or code outside its domain or too many
 *   groups.
 * Reference: Fay & Feuer (1997) Stat Med 16:791-801, sec. 2 (weighted sums of Poissons). */
int sc_harm_sums(const double *count, const double *weight, const int64_t *group, size_t n,
                 size_t groups, double *total, double *harm, double *variance);

/* Confidence limits of harm-weighted totals, multiplied by scale (e.g. per / population).
 * Given: harm[len] (>= 0), variance[len] (>= 0, > 0 when harm > 0), scale[len] (> 0), the
 *   largest weight max_weight (>= 0) of the crime types counted, conf[nconf] in (0, 1), the
 *   method and the thread request (<= 0: all cores).
 *  gamma: lower = G^-1(a; H^2/V) V/H (0 when H = 0), upper = G^-1(1 - a; (H + wM)^2 /
 *    (V + wM^2)) (V + wM^2)/(H + wM), a = (1 - conf)/2, G the Gamma(shape, 1) distribution
 *    function and wM = max_weight (both 0 when H = 0 and wM = 0);
 *  normal: H -+ z sqrt(V), z = Phi^-1(1 - a), the lower limit kept >= 0.
 * Returned: lower, upper [len * nconf], times scale[i].
 * Status: SC_SUCCESS; SC_EDOM for a value outside its domain; SC_EINVAL for an unknown method;
 *   SC_ENAN when a limit comes out NaN.
 * Reference: Fay MP, Feuer EJ (1997) Confidence intervals for directly standardized rates: a
 *   method based on the gamma distribution. Stat Med 16:791-801; epitools 0.5-10.1
 *   ageadjust.direct. */
int sc_harm_ci(const double *harm, const double *variance, const double *scale, size_t len,
               double max_weight, const double *conf, size_t nconf, sc_harm_ci_method method,
               int threads, double *lower, double *upper);

/* Log-linear trend of harm series with a weight-aware variance.
 * Given: data (y = the harm series, rows x n, NaN = missing; exposure offset as in sc_glm.h),
 *   variance[rows * n] (sum w^2 x per observation, laid out as y), times t[n] and season codes
 *   season[n] in 0..n_seasons-1 (NULL: none; terms as sc_glm_trend_design), the dispersion
 *   rule, conf in (0, 1) and the thread request.
 *  The coefficients solve the Poisson quasi-likelihood equations X'(H - mu) = 0 (as R glm with
 *  family quasipoisson).  With k = sum V / sum H over the observations used (the
 *  compound-Poisson dispersion: Var H = k mu when the mix of crime types is stable), the model
 *  covariance is s (X' diag(mu) X)^-1 with s = k (SC_HARM_COMPOUND: normal p-values and
 *  intervals) or s = max(k, Pearson chi-square / (n - p)) (SC_HARM_ESTIMATE: Student t with
 *  n - p df, as R summary.glm for a quasi-Poisson fit).
 * Returned: *out as sc_glm_trend_fit, every array required (bse, pvalues and crit for the
 *   scaled covariance; dispersion is Pearson chi-square / (n - p) of the Poisson fit),
 *   compound[r] = k and scale[r] = s; a series with no harm at all gets status
 *   SC_GLM_ROW_NUMERICAL and NaN.
 * Status: SC_SUCCESS; SC_EINVAL for an unknown dispersion rule, a season code out of range,
 *   n_seasons = 0 or conf outside (0, 1); SC_ENOMEM.
 * Reference: McCullagh & Nelder (1989) Generalized Linear Models, 2nd ed., ch. 9
 *   (quasi-likelihood); R 4.2 stats summary.glm. */
int sc_harm_trend(const sc_glm_data *data, const double *variance, const double *t,
                  const int *season, size_t n_seasons, sc_harm_dispersion dispersion,
                  double conf, int threads, sc_glm_output *out, double *compound,
                  double *scale);

#endif
