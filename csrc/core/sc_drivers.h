/* Relative importance of drivers: how much of a model's fit each driver accounts for.
 *
 * Linear models decompose R^2, computed from the weighted correlation matrix of the outcome and
 * the drivers; logistic and ordinal models decompose McFadden's pseudo-R^2,
 * 1 - logL(S) / logL(empty), from weighted fits (sc_logit).  The exact Shapley value (LMG) and
 * dominance analysis need the fit of every subset S of the p drivers.  For linear models those
 * 2^p values of R^2(S) come from sweeping the correlation matrix in Gray-code order, so that
 * consecutive subsets differ by one driver and each costs one sweep or reverse sweep of a
 * (p + 1) x (p + 1) matrix; the order is cut into blocks that start from a fresh sweep of the
 * original matrix (bounding rounding drift) and run in parallel.  Every result is summed in a
 * fixed block order, and bootstrap replicate b draws from its own random stream seeded from
 * (seed, b), so results do not depend on the number of threads. */
#ifndef SC_DRIVERS_H
#define SC_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    SC_DRIVERS_LINEAR = 0,     /* R^2 of least squares */
    SC_DRIVERS_LOGISTIC,       /* McFadden's R^2 of a binary logistic regression */
    SC_DRIVERS_ORDINAL         /* McFadden's R^2 of a proportional-odds regression */
} sc_drivers_model;

typedef enum {
    SC_DRIVERS_LMG = 0,        /* Shapley value: R^2 increase averaged over orders */
    SC_DRIVERS_RELATIVE_WEIGHTS, /* Johnson (2000); Tonidandel & LeBreton (2010) for logistic */
    SC_DRIVERS_DOMINANCE,      /* general dominance (= LMG), with conditional and complete */
    SC_DRIVERS_FIRST,          /* R^2 of the driver alone */
    SC_DRIVERS_LAST,           /* R^2 lost when the driver is dropped from the full model */
    SC_DRIVERS_BETASQ,         /* squared standardised coefficient (linear) */
    SC_DRIVERS_PRATT           /* standardised coefficient x correlation (linear) */
} sc_drivers_method;

/* Largest number of drivers for the methods that need every subset. */
enum {
    SC_DRIVERS_MAX_EXACT_LINEAR = 27,   /* LMG of a linear model */
    SC_DRIVERS_MAX_DOMINANCE = 22,      /* complete dominance keeps all 2^p values of R^2 */
    SC_DRIVERS_MAX_EXACT_GLM = 15       /* LMG and dominance of logistic and ordinal models */
};

/* The data: driver j of observation i at x[i*p + j] (row-major n x p), outcome y[i] (any
 * number for linear models; 0 or 1 for logistic; a level code 0..levels-1 for ordinal), case
 * weights w[i] >= 0 (NULL: all 1).  No NaN. */
typedef struct {
    const double *x, *y, *w;
    size_t n, p;
    size_t levels;             /* ordinal models: number of outcome levels */
} sc_drivers_data;

/* Results of one analysis.  importance[p] always; r2 is the R^2 being decomposed (for
 * relative weights of a logistic model, the squared correlation of fitted probabilities and
 * outcome); conditional[j*p + s] (dominance only, else may be NULL): the mean R^2 gained by
 * adding driver j to the subsets of s other drivers; complete[i*p + j] (dominance only): 1 when
 * driver i adds more than driver j to every subset of the others, 0 when j does so over i,
 * 0.5 when neither, NaN on the diagonal. */
typedef struct {
    double *importance;
    double r2;
    double *conditional;
    double *complete;
} sc_drivers_output;

/* Largest number of drivers a method allows for a model.
 * Given: a model and a method.  Returned: the SC_DRIVERS_MAX_* limit of the methods that fit
 * every subset (LMG, dominance), 0 (no limit) for the others.  Status: none. */
size_t sc_drivers_limit(sc_drivers_model model, sc_drivers_method method);

/* Whether a method is defined for a model, and whether p drivers are within its limit.
 * Given: model, method, p.  Returned: nothing beyond the status.
 * Status: SC_SUCCESS; SC_EINVAL for a method the model does not have (betasq and pratt are
 * linear only; relative weights are not defined for ordinal models); SC_EEMPTY for p = 0;
 * SC_EDOM when p exceeds the method's limit (sc_drivers_limit). */
int sc_drivers_check(sc_drivers_model model, sc_drivers_method method, size_t p);

/* Weighted correlation matrix of (x, y): c[a*(p+1) + b] with the drivers first and the
 * outcome last (index p), from weighted means and cross-products (as R cov.wt then cov2cor).
 * Given: the data (n >= 2).  Returned: c[(p+1)^2].
 * Status: SC_SUCCESS; SC_EEMPTY when the weights sum to 0; SC_ESINGULAR when a variable has no
 * variance; SC_ENOMEM. */
int sc_drivers_correlation(const sc_drivers_data *d, double *c);

/* R^2 of the linear model on every subset of the drivers: r2[mask] for each mask < 2^p (bit j
 * set when driver j is in the model), from the (p+1) x (p+1) correlation matrix c (outcome
 * last) swept in Gray-code order.
 * Given: c, p <= SC_DRIVERS_MAX_DOMINANCE, threads (<= 0: all cores).  Returned: r2[2^p].
 * Status: SC_SUCCESS; SC_EDOM for p too large; SC_ESINGULAR when a sweep meets a zero pivot
 * (collinear drivers); SC_ENOMEM.
 * Reference: Goodnight (1979) Am Stat 33:149-158 (sweep); Lange (2010) Numerical Analysis for
 * Statisticians, 2nd ed., sec. 7.3; Gray (1953) US patent 2,632,058 (reflected binary code). */
int sc_drivers_subset_r2(const double *c, size_t p, int threads, double *r2);

/* Relative importance of every driver by one method.
 * Given: the data, the model and method (see sc_drivers_check), threads (<= 0: all cores).
 * Returned: *out.
 * Status: SC_SUCCESS; SC_EINVAL / SC_EDOM as sc_drivers_check; SC_EEMPTY for no usable data or
 * an outcome level without weight; SC_ESINGULAR for collinear drivers or a constant variable;
 * SC_ENOCONV when a logistic or ordinal fit does not converge (separation included: check the
 * full model with sc_logit_fit first to tell which); SC_ENOMEM.
 * Reference: Lindeman, Merenda & Gold (1980) Introduction to Bivariate and Multivariate
 * Analysis, p. 119ff (LMG); Groemping (2006) J Stat Softw 17(1) (relaimpo 2.2 calc.relimp:
 * lmg, first, last, betasq, pratt); Budescu (1993) Psychol Bull 114:542-551 and Azen & Budescu
 * (2003) Psychol Methods 8:129-148 (dominance); Johnson (2000) Multivar Behav Res 35:1-19
 * (relative weights); Tonidandel & LeBreton (2010) J Bus Psychol 25:767-781 (logistic relative
 * weights, as rwa 1.0 rwa_logit); McFadden (1974) in Frontiers in Econometrics, 105-142. */
int sc_drivers_importance(const sc_drivers_data *d, sc_drivers_model model,
                          sc_drivers_method method, int threads, sc_drivers_output *out);

/* Bootstrap replicates: replicate b draws n observations with replacement (each keeps its
 * weight) from its own Mersenne Twister stream seeded from (seed, b), and runs the method.
 * Given: as sc_drivers_importance; reps >= 1.  Returned: importance[b*p + j] and r2[b]; a
 * replicate whose fit fails (separation, a level or a driver's variation lost in resampling)
 * has NaN values and is counted in *failed.
 * Status: SC_SUCCESS; SC_EINVAL / SC_EDOM as sc_drivers_check; SC_ENOMEM.
 * Reference: Efron & Tibshirani (1993) An Introduction to the Bootstrap, ch. 6 and 13. */
int sc_drivers_bootstrap(const sc_drivers_data *d, sc_drivers_model model,
                         sc_drivers_method method, size_t reps, uint64_t seed, int threads,
                         double *importance, double *r2, size_t *failed);

/* Percentile intervals of bootstrap replicates: for each column j of rep[b*m + j], the type-7
 * quantiles at (1 - conf) / 2 and (1 + conf) / 2 of its values that are not NaN (NaN when
 * none is).  Given: rep (n_reps x m), conf in (0, 1).  Returned: lower[m], upper[m].
 * Status: SC_SUCCESS; SC_EINVAL for conf outside (0, 1); SC_ENOMEM.
 * Reference: Efron & Tibshirani (1993), ch. 13; Hyndman & Fan (1996) Am Stat 50:361-365. */
int sc_drivers_percentiles(const double *rep, size_t n_reps, size_t m, double conf,
                           double *lower, double *upper);

#endif
