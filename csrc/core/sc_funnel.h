/* Funnel plots: per-unit z-scores, control limits at several levels, overdispersion
 * (Spiegelhalter 2005), and per-unit significance of observed / expected ratios.
 *
 * A unit has a numerator (count) and a denominator (trials, exposure or expected count).  Each
 * method has a scale on which z = (y - y0) / s: the natural scale (exact, normal, wilson), the
 * arcsine scale, the log scale or the square-root scale.  Limits are returned on the natural
 * scale (proportion, rate or ratio). */
#ifndef SC_FUNNEL_H
#define SC_FUNNEL_H

#include <stddef.h>

typedef enum {
    SC_FUNNEL_PROPORTION = 0,   /* x of n */
    SC_FUNNEL_RATE,             /* count per exposure */
    SC_FUNNEL_RATIO             /* observed / expected */
} sc_funnel_kind;

typedef enum {
    SC_FUNNEL_EXACT = 0,        /* binomial / Poisson quantiles, interpolated; chi2 for ratios */
    SC_FUNNEL_NORMAL,           /* y0 +- z s on the natural scale */
    SC_FUNNEL_ARCSINE,          /* asin(sqrt(p)), s = 1 / (2 sqrt(n)) */
    SC_FUNNEL_WILSON,           /* where the Wilson score bound meets the target */
    SC_FUNNEL_LOG,              /* log(O/E), s = 1 / sqrt(E) (SHMI) */
    SC_FUNNEL_SQRT              /* sqrt(O/E), s = 1 / (2 sqrt(E)) (CQC) */
} sc_funnel_method;

typedef enum {
    SC_FUNNEL_OD_NONE = 0,
    SC_FUNNEL_OD_MULTIPLICATIVE,  /* distance from the target times sqrt(phi) when phi > 1 */
    SC_FUNNEL_OD_ADDITIVE         /* variance s^2 + tau2 on the method's scale */
} sc_funnel_od;

typedef struct {
    sc_funnel_kind kind;
    sc_funnel_method method;
    sc_funnel_od overdispersion;
    double target;              /* on the natural scale: (0,1) for proportions, > 0 otherwise */
    double trim;                /* winsorising / truncation fraction in [0, 0.5) */
    const double *levels;       /* two-sided levels in (0, 1) */
    size_t n_levels;
    int threads;                /* <= 0: all cores (see sc_threads) */
} sc_funnel_spec;

/* Per-unit z-scores and standard errors on the method's scale.
 * Given: num[i*num_stride], den[i*den_stride] for i < n (den > 0; for proportions whole
 * numbers with num <= den; num > 0 for the log method), spec (kind, method, target, threads).
 * Returned: z[i] = (y_i - y0) / s_i and s[i] = s_i (contiguous, length n).
 * Status: SC_SUCCESS; SC_EINVAL for a method that does not fit the kind or a target outside its
 * range.
 * Reference: Spiegelhalter (2005) Statist. Med. 24:1185-1202, section 3 and appendix. */
int sc_funnel_scores(const double *num, size_t num_stride, const double *den, size_t den_stride,
                     size_t n, const sc_funnel_spec *spec, double *z, double *s);

/* Overdispersion factor and between-unit variance from z-scores.
 * Given: z[i], s[i] for i < n (contiguous), spec (method, trim).  The z-scores are winsorised at
 * the trim and 1 - trim quantiles (R type 7) or, for the log method, the units whose rank group
 * floor(rank * K / (n + 1)), K = 1 / trim, is 0 or >= K - 1 are dropped (FunnelPlotR's SHMI
 * truncation; ranks average ties).  With k units kept and w = 1 / s^2 over them:
 * phi = sum(z_w^2) / k; tau2 = max(0, (k phi - (k - 1)) / (sum w - sum w^2 / sum w)), 0 when
 * k phi < k - 1.
 * Returned: *phi, *tau2 (tau2 NaN when fewer than two units are kept).
 * Status: SC_SUCCESS; SC_EEMPTY when n = 0; SC_ENOMEM.
 * Reference: Spiegelhalter (2005) Qual. Saf. Health Care 14:347-351; DerSimonian & Laird (1986);
 * FunnelPlotR 0.6.0 (od_adjustment.R: winsorisation, truncation, phi_func, tau_func). */
int sc_funnel_dispersion(const double *z, const double *s, size_t n, const sc_funnel_spec *spec,
                         double *phi, double *tau2);

/* Control limits for denominators den[i*den_stride], i < n, at every level.
 * Given: spec (kind, method, overdispersion, target, levels), phi and tau2 (used only by the
 * matching overdispersion setting).  For a level L the tail probability is a = (1 - L) / 2:
 *  exact proportion / rate: r = F^-1(p) of Binomial(n, p0) / Poisson(r0 n), limit (r - alpha) / n
 *    with alpha = (F(r) - p) / f(r) at p = a and 1 - a (Spiegelhalter 2005, appendix A.1.1);
 *  exact ratio: Gamma^-1(a; t E) / E and Gamma^-1(1 - a; t E + 1) / E (chi-square limits);
 *  other methods: y0 -+ q s back-transformed, q = Phi^-1(1 - a).
 * Overdispersion: scale-based methods use q sqrt(phi) s or q sqrt(s^2 + tau2); exact methods
 * move each limit away from the target by the same factor, sqrt(phi) or sqrt(1 + tau2 / s^2)
 * with s the natural-scale standard error.  Limits are kept inside [0, 1] for proportions and
 * [0, inf) otherwise.
 * Returned: lower[i*n_levels + j], upper[i*n_levels + j] (row-major, unit by level).
 * Status: SC_SUCCESS; SC_EINVAL as sc_funnel_scores; SC_EDOM when the overdispersion setting
 * needs phi or tau2 and it is not finite.
 * Reference: Spiegelhalter (2005); FunnelPlotR 0.6.0 calculate_limits.R; PHEindicatormethods 2.0
 * sigma_adjustment (Wilson funnel). */
int sc_funnel_limits(const double *den, size_t den_stride, size_t n, const sc_funnel_spec *spec,
                     double phi, double tau2, double *lower, double *upper);

/* Confidence limits of observed / expected per unit, as PHEindicatormethods'
 * funnel_ratio_significance: Garwood (exact) limits of the count below 10 observed, Byar's
 * approximation from 10, divided by the expected count.
 * Given: obs[i*obs_stride] (whole, >= 0), expd[i*exp_stride] (> 0), levels[j] in (0, 1).
 * Returned: lower[i*n_levels + j], upper[i*n_levels + j].
 * Status: SC_SUCCESS; SC_EINVAL for a level outside (0, 1).
 * Reference: PHEindicatormethods 2.0 utils.R funnel_ratio_significance; Breslow & Day (1987). */
int sc_funnel_ratio_ci(const double *obs, size_t obs_stride, const double *expd, size_t exp_stride,
                       size_t n, const double *levels, size_t n_levels, int threads,
                       double *lower, double *upper);

#endif
