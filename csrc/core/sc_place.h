/* Place-based evaluation (hot-spot policing): the weighted displacement difference (WDD) test
 * and the Poisson E-test of a change between two periods, each over many areas at once.
 *
 * Loops over units run on sc_threads(threads, n) OpenMP threads.  Both functions are
 * thread-safe, keep no state and allocate only per call. */
#ifndef SC_PLACE_H
#define SC_PLACE_H

#include <stddef.h>

#include "sc_rates.h"   /* sc_alternative */

/* The eight counts of a WDD evaluation, in this order: the treated area before and after, its
 * control area before and after, the displacement (catchment) area before and after and the
 * displacement area's control before and after. */
enum { SC_PLACE_PARTS = 8 };

/* Outputs of sc_place_wdd, one value per group (totals: groups x SC_PLACE_PARTS). */
typedef struct {
    double *totals;           /* weighted totals of the eight counts */
    double *local;            /* (T1 - T0) - (C1 - C0) */
    double *local_se;
    double *displacement;     /* (D1 - D0) - (Cd1 - Cd0) */
    double *displacement_se;
    double *estimate;         /* local + displacement: the WDD */
    double *se;
    double *statistic;        /* estimate / se (NaN when se = 0) */
    double *pvalue;           /* normal p-value for the alternative (NaN when se = 0) */
    double *lower, *upper;    /* normal interval; one-sided for one-sided alternatives */
} sc_place_wdd_result;

/* Weighted displacement difference test.  Each count x (a Poisson count) enters with its
 * multiplier m (a harm weight divided by the period length and the area size): the estimate
 * sums m x with the signs of the WDD and its variance sums m^2 x.  Groups of `members`
 * consecutive units are summed before the test (members = 1: one test per unit).
 * Given: counts, scale [SC_PLACE_PARTS * len], part-major (part k of unit i at k * len + i),
 *   len = groups * members (counts whole, >= 0; multipliers finite, >= 0), the alternative
 *   (SC_LESS: the intervention reduced crime, WDD < 0), conf in (0, 1), the thread request.
 * Returned: every array of *out, filled for the groups.
 * Status: SC_SUCCESS; SC_EINVAL for an unknown alternative; SC_EDOM for conf outside (0, 1), a
 *   count that is negative, fractional or not finite, or a bad multiplier.
 * Reference: Wheeler AP, Ratcliffe JH (2018). A simple weighted displacement difference test
 *   to evaluate place based crime interventions. Crime Science 7:11; harm, period and area
 *   weights as Wheeler's ptools 1.0.0 wdd / wdd_harm. */
int sc_place_wdd(const double *counts, const double *scale, size_t groups, size_t members,
                 sc_alternative alternative, double conf, int threads,
                 const sc_place_wdd_result *out);

/* Test statistic that orders the outcomes of an E-test. */
typedef enum {
    SC_ETEST_WALD,    /* (x1 - r x2) / sqrt(x1 + r^2 x2): Krishnamoorthy & Thomson's T */
    SC_ETEST_SCORE    /* (x1 - r x2) / sqrt(r (x1 + x2)): pooled (score) variance */
} sc_etest_statistic;

/* Poisson E-test of H0: rate1 / rate2 = ratio for counts x1 ~ Poisson(t1 rate1) and
 * x2 ~ Poisson(t2 rate2): with r = ratio t1 / t2 and the null means fitted to the observed
 * total N = k1 + k2 (mu1 = N r / (1 + r), mu2 = N / (1 + r)), the p-value is the probability
 * under those means of a statistic at least as extreme as the observed one (ties within a
 * relative 1e-12 count as extreme).  The statistic decreases in x2 and increases in x1, so the
 * region is bounded by a staircase found in one sweep and summed with cumulative probabilities
 * of x2: linear in the number of counts, not a double sum.  Each margin is summed outwards from
 * its mode over the counts of probability >= 1e-300 (never beyond 40 sqrt(mu) + 700 of the
 * mean), so the p-value is exact to rounding unless it is below about 1e-290.
 * Given: count1, count2 [len] (whole, >= 0), exposure1, exposure2, ratio [len] (finite, > 0),
 *   the statistic, the alternative (SC_GREATER: rate1 / rate2 > ratio), the thread request.
 * Returned: statistic, pvalue [len] (statistic 0 and p-value 1 when both counts are 0).
 * Status: SC_SUCCESS; SC_EINVAL for an unknown statistic or alternative; SC_EDOM for a value
 *   outside its domain or ratio exposure1 / exposure2 outside (1e-100, 1e100); SC_ENOMEM.
 * Reference: Krishnamoorthy K, Thomson J (2004). A more powerful test for comparing two
 *   Poisson means. J Stat Plan Inference 119:23-35; Gu K, Ng HKT, Tang ML, Schucany WR (2008).
 *   Testing the ratio of two Poisson rates. Biometrical J 50:283-298 (the score statistic and
 *   the ratio null, as statsmodels etest_poisson_2indep). */
int sc_place_etest(const double *count1, const double *exposure1, const double *count2,
                   const double *exposure2, const double *ratio, size_t len,
                   sc_etest_statistic stat, sc_alternative alternative, int threads,
                   double *statistic, double *pvalue);

#endif
