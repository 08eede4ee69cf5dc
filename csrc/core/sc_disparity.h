/* Disparity across areas: inequality indices of area rates with bootstrap intervals, and
 * empirical-Bayes shrinkage of area rates (beta-binomial, gamma-Poisson). */
#ifndef SC_DISPARITY_H
#define SC_DISPARITY_H

#include <stddef.h>
#include <stdint.h>

/* Order of the indices in every output: range, ratio, cv, gini, theil, mld. */
enum { SC_DISPARITY_N_INDICES = 6 };

/* Sample quantile, R's type 7, by selection (O(n); v is reordered, not sorted).
 * Given: values v[0..n-1] (n >= 1; no NaN; infinite values allowed), p in [0, 1].
 * Returned: (1 - h) v(j) + h v(j+1) with j + h = (n - 1) p and v(j) the j-th smallest
 * (0-based); an infinite neighbour gives inf.
 * Status: none (the value is returned).
 * Reference: Hyndman & Fan (1996) Am. Stat. 50:361-365, definition 7; Hoare (1961) FIND. */
double sc_disparity_quantile(double *v, size_t n, double p);

/* Inequality indices of area rates r_i with weights w_i (w = NULL: every area weighs 1).
 * Given: rate[i*rate_stride] >= 0, w[i*w_stride] > 0 for i < n.
 * Returned: out[0..5] = range (max - min), ratio (max / min, inf when min = 0), coefficient of
 * variation sqrt(sum w (r - m)^2 / W) / m, Gini sum_ij w_i w_j |r_i - r_j| / (2 W^2 m), Theil
 * sum w (r/m) log(r/m) / W (0 log 0 = 0), mean log deviation sum w log(m/r) / W (inf when a rate
 * is 0), with W = sum w and m = sum w r / W.  Indices that divide by m are NaN when m = 0.
 * Status: SC_SUCCESS; SC_EEMPTY when n = 0; SC_ENOMEM.
 * Reference: ineq 0.2-13 (Gini, var.coeff, Theil with parameter 0 and 1) for equal weights;
 * Cowell (2011) Measuring Inequality, 3rd ed., ch. 3 and technical appendix. */
int sc_disparity_indices(const double *rate, size_t rate_stride, const double *w, size_t w_stride,
                         size_t n, double *out);

typedef enum {
    SC_RESAMPLE_POISSON = 0,    /* x*_i ~ Poisson(x_i): counts redrawn, areas fixed */
    SC_RESAMPLE_BINOMIAL,       /* x*_i ~ Binomial(n_i, x_i / n_i) */
    SC_RESAMPLE_AREAS           /* areas drawn with replacement, each with its rate and weight */
} sc_disparity_resample;

/* Most draws of one bootstrap call (replicates x areas): a bound on its running time. */
#define SC_DISPARITY_MAX_DRAWS 4294967296.0

/* Bootstrap replicates of the indices.
 * Given: counts x[i], denominators den[i] > 0 (whole for the binomial scheme), weights w[i] > 0
 * or NULL, i < n (contiguous); the scheme; reps replicates; seed.  Replicate b uses its own
 * Mersenne Twister stream seeded from (seed, b), so results do not depend on the thread count.
 * Returned: out[b*6 + j], index j of replicate b.
 * Status: SC_SUCCESS; SC_EEMPTY when n = 0; SC_EDOM for a count that is not finite and >= 0, a
 * denominator not finite and > 0 (binomial: whole, >= the count), or more than
 * SC_DISPARITY_MAX_DRAWS draws (reps * n); SC_ENOMEM.
 * Reference: Efron & Tibshirani (1993) An Introduction to the Bootstrap, ch. 6 and 13. */
int sc_disparity_bootstrap(const double *x, const double *den, const double *w, size_t n,
                           sc_disparity_resample how, size_t reps, uint64_t seed, int threads,
                           double *out);

/* Percentile intervals from bootstrap replicates: for each index j, the type-7 quantiles at
 * (1 - conf) / 2 and (1 + conf) / 2 of the replicates that are not NaN (NaN when all are).
 * Given: reps[b*6 + j], b < n_reps; conf in (0, 1).  Returned: lower[j], upper[j], j < 6.
 * Status: SC_SUCCESS; SC_EINVAL for conf outside (0, 1); SC_ENOMEM.
 * Reference: Efron & Tibshirani (1993), ch. 13 (percentile interval). */
int sc_disparity_percentiles(const double *reps, size_t n_reps, double conf, double *lower,
                             double *upper);

typedef enum {
    SC_SHRINK_BETA_BINOMIAL = 0,  /* x_i ~ Bin(n_i, p_i), p_i ~ Beta(alpha, beta) */
    SC_SHRINK_GAMMA_POISSON       /* x_i ~ Poisson(n_i l_i), l_i ~ Gamma(alpha, rate beta) */
} sc_shrink_model;

typedef enum {
    SC_SHRINK_MLE = 0,            /* maximum marginal likelihood */
    SC_SHRINK_MOMENTS             /* method of moments (Kleinman 1973 weights) */
} sc_shrink_fit;

typedef struct {
    double alpha, beta;           /* prior parameters (inf when the prior is a point mass) */
    double mean;                  /* prior mean alpha / (alpha + beta) or alpha / beta */
    double loglik;                /* marginal log-likelihood at the fit */
    int iterations;
    int pooled;                   /* 1: no between-area variation found; prior = point mass */
} sc_shrink_prior;

/* Fit the prior of an empirical-Bayes model.
 * Given: x[i] >= 0 whole, den[i] > 0 (whole, >= x for the beta-binomial), i < n, n >= 2, with
 * 0 < sum x < sum den (beta-binomial) or sum x > 0 (gamma-Poisson).
 * Maximum likelihood: damped Newton steps on (log alpha, log beta), started from the moment
 * estimates.  When the fitted prior strength (alpha + beta, or beta in exposure units) exceeds
 * 1e4 times the largest denominator, the areas show no variation beyond chance and the prior is
 * a point mass at the pooled rate (pooled = 1, alpha = beta = inf).
 * Returned: *prior.
 * Status: SC_SUCCESS; SC_EINVAL for n < 2 or the sums above; SC_ENOCONV when the likelihood
 * has no interior maximum (prior strength driven to 0, as when every x is 0 or den for the
 * beta-binomial) or Newton stalls.
 * Reference: Kleinman (1973) JASA 68:46-54; Griffiths (1973) Biometrics 29:637-648; Clayton &
 * Kaldor (1987) Biometrics 43:671-681. */
int sc_disparity_shrink_fit(const double *x, const double *den, size_t n, sc_shrink_model model,
                            sc_shrink_fit fit, sc_shrink_prior *prior);

/* Posterior means and equal-tailed intervals per area under a fitted prior.
 * Given: x[i], den[i], i < n (as sc_disparity_shrink_fit), the prior, conf in (0, 1).
 * Returned: est[i], lower[i], upper[i]: mean and (1 -+ conf) / 2 quantiles of Beta(alpha + x,
 * beta + n - x) or Gamma(alpha + x, rate beta + n); with a pooled prior all three equal its mean.
 * Status: SC_SUCCESS; SC_EINVAL for conf outside (0, 1).
 * Reference: Carlin & Louis (2009) Bayesian Methods for Data Analysis, 3rd ed., ch. 5. */
int sc_disparity_shrink_posterior(const double *x, const double *den, size_t n,
                                  sc_shrink_model model, const sc_shrink_prior *prior, double conf,
                                  int threads, double *est, double *lower, double *upper);

#endif
