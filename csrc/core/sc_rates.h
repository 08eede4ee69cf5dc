/* Proportions and rates: confidence intervals, exact tests, chi-square tests of proportions and
 * directly standardised rates, each over many units (areas) at once.
 *
 * Arrays are contiguous.  Where several confidence levels are given (conf[0..nconf-1]), the
 * limits of unit i are stored at i * nconf + j, level j: one row per unit, one column per
 * level.  Loops over units run on sc_threads(threads, len) OpenMP threads.  All functions are
 * thread-safe and keep no state. */
#ifndef SC_RATES_H
#define SC_RATES_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    SC_PROP_WILSON,          /* score interval, no continuity correction (R prop.test) */
    SC_PROP_EXACT,           /* Clopper-Pearson (R binom.test) */
    SC_PROP_JEFFREYS,        /* equal-tailed Beta(x + 1/2, n - x + 1/2) quantiles */
    SC_PROP_AGRESTI_COULL,   /* Wald interval on (x + z^2/2) / (n + z^2), clipped to [0, 1] */
    SC_PROP_WALD             /* p +- z sqrt(p(1 - p)/n), clipped to [0, 1] */
} sc_prop_method;

typedef enum {
    SC_RATE_BYAR,            /* Byar's approximation at every count (lower limit >= 0) */
    SC_RATE_EXACT,           /* Garwood's exact Poisson limits (R poisson.test) */
    SC_RATE_PHE              /* exact below 10 events, Byar from 10 (PHEindicatormethods) */
} sc_rate_method;

typedef enum { SC_TWO_SIDED, SC_LESS, SC_GREATER } sc_alternative;

/* Confidence interval of a proportion x / n, in one pass over blocks of areas.
 * Given: x[len] successes (whole, 0 <= x <= n), n[len] trials (n > 0), as doubles or (the
 *   _int64 form) as 64-bit integers; conf[nconf] levels in (0, 1); the method; the thread
 *   request (<= 0: all cores).
 * Returned: estimate[len] (x / n); lower, upper [nconf * len], level by level (the limits of
 *   area i at level j at j * len + i).
 * Status: SC_SUCCESS; SC_EDOM for a value outside its domain (the callers' detailed checks
 *   then say which); SC_EINVAL for an unknown method; SC_ENAN when a limit comes out NaN.
 * Reference: Brown, Cai & DasGupta (2001) Stat Sci 16:101-133; R stats prop.test, binom.test;
 *   statsmodels proportion_confint (methods "jeffreys", "agresti_coull", "normal"). */
int sc_rates_proportion_ci(const double *x, const double *n, size_t len, const double *conf,
                           size_t nconf, sc_prop_method method, int threads, double *estimate,
                           double *lower, double *upper);
int sc_rates_proportion_ci_int64(const int64_t *x, const int64_t *n, size_t len,
                                 const double *conf, size_t nconf, sc_prop_method method,
                                 int threads, double *estimate, double *lower, double *upper);

/* Confidence interval of a rate count / exposure * per.
 * Given: count[len] events (>= 0), exposure[len] (> 0), per[len] multipliers (> 0), conf[nconf]
 *   levels in (0, 1), the method, the thread request.
 * Returned: lower, upper [len * nconf].
 * Status: SC_SUCCESS; SC_EDOM; SC_EINVAL for an unknown method; SC_ENAN.
 * Reference: Garwood (1936) Biometrika 28:437-442; Breslow & Day (1987) vol. II p. 69 (Byar);
 *   PHEindicatormethods phe_rate / calculate_ISRatio. */
int sc_rates_rate_ci(const double *count, const double *exposure, const double *per, size_t len,
                     const double *conf, size_t nconf, sc_rate_method method, int threads,
                     double *lower, double *upper);

/* Exact binomial test of x successes in n trials against probability target, as R binom.test:
 * the two-sided p-value sums the probabilities of outcomes no more likely than x (relative
 * tolerance 1e-7); the Clopper-Pearson interval matches the alternative.
 * Given: x[len], n[len] (whole, 0 <= x <= n), target[len] in [0, 1], the alternative, conf in
 *   (0, 1), the thread request.
 * Returned: pvalue, lower, upper [len].
 * Status: SC_SUCCESS; SC_EDOM; SC_EINVAL for an unknown alternative; SC_ENAN.
 * Reference: Clopper & Pearson (1934) Biometrika 26:404-413; R stats binom.test. */
int sc_rates_binom_test(const double *x, const double *n, const double *target, size_t len,
                        sc_alternative alternative, double conf, int threads, double *pvalue,
                        double *lower, double *upper);

/* Exact conditional test and interval of the rate ratio (count1/exposure1)/(count2/exposure2):
 * the binomial test of count1 of count1 + count2 against exposure1 / (exposure1 + exposure2),
 * its limits mapped by p/(1 - p) * exposure2/exposure1, as R poisson.test(c(x1, x2), c(t1, t2)).
 * With no events at all the p-value is 1 and the interval [0, inf].
 * Given: count1, count2 [len] (whole, >= 0), exposure1, exposure2 [len] (> 0), the
 *   alternative, conf in (0, 1), the thread request.
 * Returned: pvalue, lower, upper [len].
 * Status: SC_SUCCESS; SC_EDOM; SC_EINVAL; SC_ENAN.
 * Reference: Fay (2010) R Journal 2(1):53-58; R stats poisson.test. */
int sc_rates_poisson_test2(const double *count1, const double *exposure1, const double *count2,
                           const double *exposure2, size_t len, sc_alternative alternative,
                           double conf, int threads, double *pvalue, double *lower,
                           double *upper);

/* Pearson chi-square test that two proportions are equal, with the Wald interval of their
 * difference, as R prop.test(c(x1, x2), c(n1, n2), correct): with correct != 0, Yates'
 * correction min(1/2, |p1 - p2| / (1/n1 + 1/n2)) enters the statistic and widens the interval
 * by that times (1/n1 + 1/n2); limits are clipped to [-1, 1].  When both proportions are 0 (or
 * both 1) the statistic and p-value are NaN, as in R.
 * Given: x1, n1, x2, n2 [len] (whole, 0 <= x <= n, n > 0), conf in (0, 1), correct, the thread
 *   request.
 * Returned: statistic, pvalue, lower, upper [len] (df is 1).
 * Status: SC_SUCCESS; SC_EDOM.
 * Reference: Newcombe (1998) Stat Med 17:873-890 (method 1, 2); R stats prop.test. */
int sc_rates_prop_test2(const double *x1, const double *n1, const double *x2, const double *n2,
                        size_t len, double conf, int correct, int threads, double *statistic,
                        double *pvalue, double *lower, double *upper);

/* Pearson chi-square test that k groups share one proportion, as R prop.test(x, n) on k >= 2
 * groups: statistic sum (|O - E| - Y)^2 / E over the 2k cells, df k - 1, where Y is Yates'
 * correction (used only when correct != 0 and k = 2, then min(1/2, |p1 - p2|/(1/n1 + 1/n2))).
 * Given: x[k], n[k] (whole, 0 <= x <= n, n > 0), k >= 2, correct.
 * Returned: *statistic, *pvalue (NaN when the pooled proportion is 0 or 1, as in R).
 * Status: SC_SUCCESS; SC_EDOM; SC_EEMPTY when k < 2.
 * Reference: R stats prop.test. */
int sc_rates_homogeneity(const double *x, const double *n, size_t k, int correct,
                         double *statistic, double *pvalue);

/* Directly standardised rates with Dobson's confidence limits from Byar's limits of the total
 * count, as PHEindicatormethods calculate_dsr (independent events):
 *   value = sum(x s / n) / sum(s) * per,  var = sum(x (s / n)^2) / sum(s)^2,
 *   limit = value + sqrt(var / X) (Byar(X) - X) per,  X = sum(x);
 * all NaN for an area whose total X is below min_count (PHEindicatormethods: 10).  The lower
 * limit is not clipped: with few events it may fall below 0, as in PHEindicatormethods.
 * Given: counts, populations [areas * bands] (row per area; counts >= 0, populations > 0),
 *   standard[bands] (>= 0, sum > 0), conf[nconf], min_count >= 1, per > 0, the thread request.
 * Returned: value[areas], lower, upper [areas * nconf].
 * Status: SC_SUCCESS; SC_EDOM; SC_EEMPTY when there are no bands.
 * Reference: Dobson et al. (1991) Stat Med 10:457-462; PHEindicatormethods calculate_dsr. */
int sc_rates_dsr(const double *counts, const double *populations, const double *standard,
                 size_t areas, size_t bands, const double *conf, size_t nconf, double min_count,
                 double per, int threads, double *value, double *lower, double *upper);

#endif
