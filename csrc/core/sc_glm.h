/* Log-linear count trends and interrupted time series, many series in one call.
 *
 * Every series of a batch shares one design (terms per observation); each has its own counts,
 * exposure offset and missing values.  Poisson and negative-binomial models are fitted by
 * iteratively reweighted least squares as R's glm.fit iterated to full convergence (start
 * mu = y + 0.1, deviance convergence |dev - dev_old| / (|dev| + 0.1) < 1e-14, or < 1e-8 with
 * no decrease (the minimum reached to rounding), at most 100 iterations, step halving on a non-finite deviance), with the covariance from the weights at
 * the final estimate; the negative binomial alternates IRLS with the maximum-likelihood theta
 * as MASS::glm.nb (the same criterion and limit; theta.ml's Newton steps to 1e-12).  The weighted normal equations are solved with the indicator (season)
 * columns eliminated first and a GSL Cholesky factorisation of the rest; a column whose pivot
 * falls below 1e-11 of its diagonal (in the weighted metric: it is explained by the columns
 * eliminated before it to within that fraction) makes the design rank deficient.
 * Series run in parallel (OpenMP) with one workspace per thread. */
#ifndef SC_GLM_H
#define SC_GLM_H

#include <stddef.h>

typedef enum {
    SC_GLM_GAUSSIAN = 0,       /* identity link, least squares (interrupted time series only) */
    SC_GLM_POISSON,            /* log link, variance mu */
    SC_GLM_NEGBIN              /* log link, variance mu + mu^2 / theta, theta by ML */
} sc_glm_family;

/* Outcome of one series of a batch (the batch itself returns an ordinary status). */
typedef enum {
    SC_GLM_ROW_OK = 0,
    SC_GLM_ROW_TOO_SHORT,      /* fewer usable observations than coefficients + 1 */
    SC_GLM_ROW_MISSING,        /* a missing count, and missing values are not omitted */
    SC_GLM_ROW_RANK_DEFICIENT, /* the (weighted) design is singular */
    SC_GLM_ROW_NO_CONVERGENCE, /* IRLS, theta or the alternation hit the iteration limit */
    SC_GLM_ROW_NUMERICAL       /* a result that should be finite is not */
} sc_glm_row_status;

/* A design whose first q columns are dense and whose other columns are indicators (season
 * dummies): observation i has values x[i*q + a] in columns a < q and a 1 in column ind[i]
 * (q <= ind[i] < p; -1: none).  The indicator block of the normal equations is diagonal, so it
 * is eliminated first and only the q x q Schur complement is factorised. */
typedef struct {
    size_t n, p, q;            /* observations, coefficients, dense columns */
    const double *x;
    const int *ind;            /* NULL when p = q */
} sc_glm_design;

/* Counts of a batch: y[r*n + i] for series r < rows, observation i < n (NaN = missing), and an
 * optional exposure (NULL: none) of exp_len values read as exposure[r*exp_row + i*exp_col]
 * (every such index below exp_len: checked), > 0, entering the linear predictor as the offset
 * log(exposure). */
typedef struct {
    const double *y;
    size_t rows, n;
    const double *exposure;
    size_t exp_row, exp_col;
    int omit_missing;          /* 1: drop missing counts; 0: such a series gets ROW_MISSING */
    size_t exp_len;            /* values in exposure */
} sc_glm_data;

/* Per-series results, each array (or NULL when not wanted) indexed by series r:
 * params, bse, pvalues [r*p + j]; the rest [r]. */
typedef struct {
    double *params, *bse, *pvalues;
    double *crit;              /* critical value of the Wald intervals at conf (z or t) */
    double *deviance;          /* residual deviance (residual sum of squares for gaussian) */
    double *dispersion;        /* Pearson chi-square / residual df (gaussian: RSS / df) */
    double *theta;             /* negative binomial theta (NaN otherwise) */
    double *nobs;              /* observations used */
    int *status;               /* sc_glm_row_status */
} sc_glm_output;

/* Design of a log-linear trend: intercept, t, and one dummy per season after the reference.
 * Given t[i] (i < n) and season codes season[i] in 0..n_seasons-1 (0 = reference; NULL when
 * there are no seasons).  Returned: x (n*2) and ind (n) for q = 2, p = 1 + n_seasons.
 * Status: SC_SUCCESS; SC_EINVAL for a season code out of range.
 * Reference: R's model.matrix(~ t + factor(season)) with treatment contrasts. */
int sc_glm_trend_design(const double *t, const int *season, size_t n, size_t n_seasons,
                        double *x, int *ind);

/* Log-linear trend of every series: Poisson (as R glm(family = poisson)) or negative binomial
 * (as MASS::glm.nb: theta by maximum likelihood, coefficient SEs at that theta with dispersion
 * 1).  Given the data, a design (e.g. from sc_glm_trend_design), the
 * family (Poisson or negative binomial), conf in (0, 1) for out->crit, and a thread request
 * (<= 0: all cores).  Returned per series: coefficients, model-based SEs, two-sided Wald
 * p-values (normal), crit = z_{(1+conf)/2}, deviance, Pearson dispersion, theta, observations
 * used and the row status; a series whose status is not OK has NaN results.
 * Status: SC_SUCCESS (row failures are reported in out->status); SC_EINVAL for a gaussian
 * family, conf outside (0, 1) or exposure strides reaching beyond exp_len; SC_ENOMEM.
 * Reference: R 4.2 stats::glm.fit; MASS 7.3 glm.nb and theta.ml (Venables & Ripley 2002,
 * Modern Applied Statistics with S, 4th ed., sec. 7.4); McCullagh & Nelder (1989) ch. 2. */
int sc_glm_trend_fit(const sc_glm_data *data, const sc_glm_design *design, sc_glm_family family,
                     double conf, int threads, sc_glm_output *out);

/* Terms of an interrupted time series, in coefficient order. */
enum { SC_ITS_INTERCEPT = 0, SC_ITS_TIME, SC_ITS_LEVEL, SC_ITS_SLOPE, SC_ITS_N_TERMS };

/* Settings of an interrupted time series (segmented regression). */
typedef struct {
    const double *intervention; /* per series: 0-based index of the first post point */
    size_t intervention_stride; /* 0: one index for every series */
    const int *season;          /* season codes per observation (0 = reference) or NULL */
    size_t n_seasons;           /* 1 when season is NULL */
    sc_glm_family family;
    int hac_lags;               /* gaussian: Newey-West lags; < 0 for R's bwNeweyWest choice */
    int hac_adjust;             /* gaussian: 1 multiplies the covariance by n / (n - k) */
    double conf;
    const double *time;         /* time of each observation (increasing) or NULL for 1..n */
} sc_its_spec;

/* Extra per-series results of an interrupted time series.  fitted and counterfactual are
 * [r*n + i] (every observation, missing counts included; NULL when not wanted); the rest [r]
 * (relative_* required, hac_lags optional). */
typedef struct {
    double *fitted;             /* model mean (expected count for count families) */
    double *counterfactual;     /* the same with level_change = slope_change = 0 */
    double *relative_effect;    /* sum(post fitted) / sum(post counterfactual) - 1 */
    double *relative_lower, *relative_upper;
    double *hac_lags;           /* lags used (gaussian), NaN otherwise */
} sc_its_output;

/* Interrupted time series of every series: terms intercept, time (time[i], or i + 1 without
 * times), level_change = [i >= k], slope_change = max(0, time_i - time_k + 1) for intervention
 * k, then season dummies.
 * Gaussian: ordinary least squares with the Newey-West covariance (Bartlett weights
 * 1 - j / (L + 1), j <= L, no prewhitening; L from bwNeweyWest(prewhite = FALSE) when
 * hac_lags < 0), t-based p-values and crit with n - p df (as R lm + sandwich::NeweyWest +
 * lmtest::coeftest; an exposure is ignored).  Poisson / negative binomial: as
 * sc_glm_trend_fit, with the exposure offset.  The relative effect compares the post-intervention totals of the fitted and the
 * counterfactual means; its interval is exp(log(1 + R) -+ crit * se) - 1 with se from the delta
 * method on log(sum fitted) - log(sum counterfactual) (NaN when either total is not positive).
 * Given k in [2, n - 2] (checked; a series outside gets ROW_TOO_SHORT).
 * Returned: *out as sc_glm_trend_fit (p = 4 + n_seasons - 1) and *its.
 * Status: SC_SUCCESS; SC_EINVAL for conf outside (0, 1), a season code outside
 * 0..n_seasons-1 (or no codes with n_seasons > 1) or exposure strides reaching beyond exp_len;
 * SC_ENOMEM.
 * Reference: Wagner et al. (2002) J Clin Pharm Ther 27:299-309 (segmented regression);
 * Newey & West (1987) Econometrica 55:703-708, (1994) Rev Econ Stud 61:631-653; Zeileis
 * (2004) J Stat Softw 11(10) (sandwich 3.0 meatHAC, bwNeweyWest); Bernal, Cummins & Gasparrini
 * (2017) Int J Epidemiol 46:348-355. */
int sc_glm_its_fit(const sc_glm_data *data, const sc_its_spec *spec, int threads,
                   sc_glm_output *out, sc_its_output *its);

#endif
