/* Binary and ordinal (proportional-odds) logistic regression with case weights.
 *
 * Both are fitted by Newton-Raphson on the weighted log-likelihood (concave in the parameters),
 * with step halving whenever a full step would lower it, until the relative change of the
 * log-likelihood falls below 1e-10 and one more Newton step would move no linear predictor by
 * 1e-6 or more.  When the log-likelihood has no finite maximum (complete or quasi-complete
 * separation) Newton steps keep moving the separated linear predictors by about one unit each
 * and their fitted probabilities towards 0 or 1; that is recognised and reported as
 * separation rather than as an ordinary failure to converge.  A fit needs no allocation
 * beyond its workspace (ordinal outcomes of more than 64 levels aside), so many fits
 * (subsets of drivers, bootstrap replicates) can run in parallel, one workspace per thread. */
#ifndef SC_LOGIT_H
#define SC_LOGIT_H

#include <stddef.h>

/* The data of one fit: driver j of observation i is x[i*ldx + cols[j]] (cols = NULL: column j),
 * for j < k drivers and i < n observations; y[i] is 0 or 1 (binary) or a level code 0..levels-1
 * (ordinal); w[i] >= 0 are case weights (NULL: all 1).  Observations of weight 0 are ignored. */
typedef struct {
    const double *x;
    size_t ldx;
    const size_t *cols;
    size_t k;
    const double *y;
    const double *w;
    size_t n;
} sc_logit_data;

/* How a fit ended. */
typedef enum {
    SC_LOGIT_OK = 0,
    SC_LOGIT_SEPARATION,       /* no finite maximum: outcome separated by the drivers */
    SC_LOGIT_NO_CONVERGENCE    /* iteration limit reached without separation */
} sc_logit_outcome;

/* Results of one fit.  Binary: coef[0] is the intercept, coef[1..k] the drivers' coefficients
 * (logit P(y = 1) = coef[0] + x'b).  Ordinal (MASS::polr's parameterisation): coef[0..k-1] = b,
 * coef[k..k+levels-2] = thresholds zeta (logit P(y <= c) = zeta_c - x'b).  cov (NULL: not
 * wanted) receives the inverse of the observed information, parameters in coef's order. */
typedef struct {
    double *coef;
    double *cov;
    double loglik;             /* weighted log-likelihood sum_i w_i log P(y_i) at the fit */
    double loglik_null;        /* the same for the model without drivers */
    int iterations;
    sc_logit_outcome outcome;
    double max_step;           /* largest change of a linear predictor in the last step */
} sc_logit_result;

typedef struct sc_logit_workspace sc_logit_workspace;

/* Workspace for fits of up to k_max drivers on up to n observations.
 * Given: n, k_max, levels (the most outcome levels a fit will have; 2 for binary fits).
 * Returned: the workspace (one per thread: fits that share one must not run at once).
 * Status: none; NULL when out of memory (nothing is left allocated). */
sc_logit_workspace *sc_logit_alloc(size_t n, size_t k_max, size_t levels);

/* Free a workspace.  Given: ws from sc_logit_alloc, or NULL (a no-op). */
void sc_logit_free(sc_logit_workspace *ws);

/* Binary logistic regression with an intercept, as R glm(y ~ x, family = binomial,
 * weights = w) (prior weights; the weighted likelihood sum w_i [y_i log mu_i + (1 - y_i)
 * log(1 - mu_i)], so the deviance is -2 loglik).
 * Given: d with k <= k_max; start: k + 1 starting values, or NULL to start from the model
 * without drivers (a start giving no finite likelihood is replaced by that); ws.
 * Returned: *r (r->coef must hold k + 1 values; r->cov, when not NULL, (k + 1)^2).  On
 * separation or non-convergence the coefficients are those of the last iterate and r->outcome
 * says which.
 * Status: SC_SUCCESS (also for the outcomes above); SC_EINVAL for k > k_max or n too large for
 * the workspace; SC_EDOM for a y other than 0 or 1 (ordinal: a code outside 0..levels-1) or a
 * negative or NaN weight; SC_EEMPTY when the positive weights do not include both outcomes;
 * SC_ESINGULAR when the information matrix is singular without separation (collinear
 * drivers).
 * Reference: R 4.2 stats::glm.fit; McCullagh & Nelder (1989) Generalized Linear Models, 2nd
 * ed., ch. 4; Albert & Anderson (1984) Biometrika 71:1-10 (separation). */
int sc_logit_fit(const sc_logit_data *d, const double *start, sc_logit_workspace *ws,
                 sc_logit_result *r);

/* Proportional-odds (cumulative logit) model, as MASS::polr(y ~ x, weights = w,
 * method = "logistic"): P(y <= c) = F(zeta_c - x'b), c < levels - 1, F the logistic cdf.
 * Given: d with y in 0..levels-1 (every level present among positive weights), k <= k_max,
 * the workspace's levels >= 2; start (k + levels - 1 values, thresholds increasing) or NULL.
 * Returned: *r (coef: k + levels - 1 values; cov, when not NULL, (k + levels - 1)^2).
 * Status: as sc_logit_fit; SC_EEMPTY when a level has no positive weight.
 * Reference: McCullagh (1980) JRSS B 42:109-142; Venables & Ripley (2002) Modern Applied
 * Statistics with S, 4th ed., sec. 7.3 (MASS 7.3 polr); Pratt (1981) JASA 76:103-106
 * (concavity). */
int sc_logit_ordinal_fit(const sc_logit_data *d, size_t levels, const double *start,
                         sc_logit_workspace *ws, sc_logit_result *r);

/* Design-based (sandwich) covariance of a binary fit, as survey::svyglm with
 * svydesign(ids = ~1, weights = ~w): V = A^-1 M A^-1 with A the information matrix and
 * M = n/(n - 1) sum_i (s_i - s_bar)(s_i - s_bar)', s_i = w_i (y_i - mu_i) (1, x_i), over the n
 * observations of positive weight.
 * Given: d, the fitted r (r->cov holding A^-1), ws.  Returned: robust[(k+1)^2].
 * Status: SC_SUCCESS; SC_EINVAL when r->cov is NULL or fewer than 2 observations.
 * Reference: Binder (1983) Int Stat Rev 51:279-292; Lumley (2010) Complex Surveys, ch. 5
 * (survey 4.1 svy.varcoef and svyrecvar). */
int sc_logit_robust_cov(const sc_logit_data *d, const sc_logit_result *r, sc_logit_workspace *ws,
                        double *robust);

/* Wald tests and interval half-widths for m estimates: z = coef / se, two-sided p-values and
 * the critical value at conf from the normal distribution (df <= 0) or Student's t with df.
 * Given: coef[m], se[m], conf in (0, 1).  Returned: stat[m], pvalue[m], *crit.
 * Status: SC_SUCCESS; SC_EINVAL for conf outside (0, 1).
 * Reference: two-sided p = erfc(|z| / sqrt 2) (normal) or I_{df/(df+t^2)}(df/2, 1/2) (Student
 * t), quantiles from sc_dist_norm_quantile / sc_dist_beta_quantile (Abramowitz & Stegun 26.7.1). */
int sc_logit_wald(const double *coef, const double *se, size_t m, double df, double conf,
                  double *stat, double *pvalue, double *crit);

#endif
