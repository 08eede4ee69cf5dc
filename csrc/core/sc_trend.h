/* Rank-based trend tests, many series in one call: Mann-Kendall (tie-corrected, with the
 * Hamed-Rao and Yue-Wang variance corrections, prewhitening and trend-free prewhitening), the
 * seasonal Mann-Kendall test (Hirsch-Slack), Sen's slope with its rank-based interval, and
 * Pettitt's change-point test.
 *
 * Numbers follow pymannkendall 1.4.3 (every Mann-Kendall variant, the seasonal test) and R
 * trend 1.1.4 (tau_b, sens.slope's interval, pettitt.test).  S and the tie counts come from one
 * vectorised pass over the n(n-1)/2 pairs, which also stores the pairwise slopes; medians and
 * other order statistics of the slopes are found by selection (sampled brackets narrowed by
 * branch-free filtering passes), not by sorting.  Series run in parallel (OpenMP), each thread
 * with one workspace for all its series. */
#ifndef SC_TREND_H
#define SC_TREND_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    SC_MK_ORIGINAL = 0,     /* tie-corrected variance */
    SC_MK_HAMED_RAO,        /* variance times n/n* from the ranks of the detrended series */
    SC_MK_YUE_WANG,         /* variance times n/n* from the detrended series */
    SC_MK_PREWHITEN,        /* test on x[i+1] - r1 x[i] */
    SC_MK_TFPW              /* trend-free prewhitening */
} sc_mk_method;

/* Outcome of one series of a batch (the batch itself returns an ordinary status). */
typedef enum {
    SC_TREND_ROW_OK = 0,
    SC_TREND_ROW_TOO_SHORT,     /* fewer values than the test needs */
    SC_TREND_ROW_CONSTANT,      /* every value equal (for the seasonal test: within every season) */
    SC_TREND_ROW_ALL_MISSING,   /* no value at all */
    SC_TREND_ROW_MISSING,       /* a missing value, and missing values are not omitted */
    SC_TREND_ROW_SHORT_FOR_LAG  /* fewer than lag + 1 values */
} sc_trend_row_status;

/* Direction of a Mann-Kendall result. */
typedef enum {
    SC_TREND_NONE = 0,          /* not significant at alpha */
    SC_TREND_INCREASING,
    SC_TREND_DECREASING,
    SC_TREND_UNDEFINED          /* no test: a bad series, or a variance correction not > 0 */
} sc_trend_direction;

/* Series of a batch: y[r*n + i] for series r < rows, observation i < n (NaN = missing).
 * t[i]: the time of observation i, finite and strictly increasing, shared by every series
 * (NULL: the positions 0, 1, ..., n - 1).  omit_missing = 1 drops missing values (the others
 * keep their time); 0 gives a series with a missing value SC_TREND_ROW_MISSING. */
typedef struct {
    const double *y;
    size_t rows, n;
    const double *t;
    int omit_missing;
} sc_trend_data;

/* Per-series results of sc_trend_mk, each array indexed by series r. */
typedef struct {
    double *s, *var_s, *z, *pvalue, *tau, *tau_b, *slope, *intercept;
    int64_t *nobs;              /* values used (before prewhitening) */
    uint8_t *h;                 /* 1: trend significant at alpha */
    int8_t *trend;              /* sc_trend_direction */
    int8_t *status;             /* sc_trend_row_status */
} sc_mk_output;

/* Mann-Kendall trend test of every series, as pymannkendall 1.4.3 (original_test,
 * hamed_rao_modification_test, yue_wang_modification_test, pre_whitening_modification_test,
 * trend_free_pre_whitening_modification_test).
 * Given: the data; the method; alpha in (0, 1); lag (Hamed-Rao, Yue-Wang: autocorrelations at
 * lags 1..lag are used; 0: all lags 1..m-1, pymannkendall's lag=None); a thread request
 * (<= 0: all cores).
 * Returned per series, with x the m values used (taken as consecutive):
 *   S = sum_{i<j} sgn(x_j - x_i); var_s = [m(m-1)(2m+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18 over
 *   tied groups g; tau = S / (m(m-1)/2); tau_b = S / sqrt((m(m-1)/2 - sum_g t_g(t_g-1)/2)
 *   m(m-1)/2) (R trend::mk.test); z = (S - sgn S) / sqrt(var_s); pvalue = erfc(|z| / sqrt 2);
 *   h = |z| > z_{1-alpha/2}.  slope = median of (x_j - x_i) / (t_j - t_i) and intercept =
 *   median(x) - median(t) slope, on the original series (t: the times of the values used).
 *   Hamed-Rao: var_s times 1 + 2 / (m(m-1)(m-2)) sum_k (m-k)(m-k-1)(m-k-2) rho_k over lags k
 *   with |rho_k| > z_{1-alpha/2} / sqrt m, rho the autocorrelation of the ranks of
 *   x_i - tau_i slope (tau_i = i + 1, or t_i - t_0 + 1 with a time index).  Yue-Wang: var_s
 *   times 1 + 2 sum_k (1 - k/m) rho_k, rho of x_i - tau_i slope.  A correction that is not > 0
 *   (or not finite) gives trend UNDEFINED, h = 0, z = pvalue = NaN and the corrected var_s.
 *   Prewhitening: the test on x_{i+1} - r1 x_i (m - 1 values), r1 the lag-1 autocorrelation;
 *   trend-free: on u_{i+1} - r1 u_i + tau'_i slope with u_i = x_i - tau_i slope, r1 that of
 *   u, tau'_i = tau_{i+1} - tau_1 + 1.
 *   A series with fewer than 3 values (4 with prewhitening), constant, without values, with a
 *   missing value that is not omitted, or with fewer than lag + 1 values gets NaN results,
 *   trend UNDEFINED and its row status.
 * Status: SC_SUCCESS (row outcomes are in out->status); SC_EINVAL for alpha outside (0, 1);
 * SC_ENOMEM.
 * Reference: Mann (1945) Econometrica 13:245-259; Kendall (1975) Rank Correlation Methods;
 * Hamed & Rao (1998) J Hydrol 204:182-196; Yue & Wang (2004) Water Resour Manag 18:201-218;
 * Yue & Wang (2002) Water Resour Res 38:1068; Yue et al. (2002) Hydrol Process 16:1807-1829;
 * Sen (1968) JASA 63:1379-1389; Hussain & Mahmud (2019) JOSS 4:1556 (pymannkendall). */
int sc_trend_mk(const sc_trend_data *data, sc_mk_method method, double alpha, size_t lag,
                int threads, sc_mk_output *out);

/* Per-series results of sc_trend_seasonal: s_season, var_s_season [r*period + g]; the rest [r]. */
typedef struct {
    double *s, *var_s, *z, *pvalue, *tau, *slope, *intercept;
    double *s_season, *var_s_season;
    int64_t *nobs;
    uint8_t *h;
    int8_t *trend, *status;
} sc_seasonal_output;

/* Seasonal Mann-Kendall test (Hirsch-Slack) of every series, as pymannkendall 1.4.3
 * seasonal_test.  Observation i belongs to season i mod period and cycle i / period; data->t
 * is not used.
 * Given: the data, period >= 1, alpha in (0, 1), a thread request.
 * Returned per series: S_g and var_g of each season's values (missing ones dropped, the rest
 * consecutive), S = sum S_g, var_s = sum var_g, tau = S / sum n_g(n_g-1)/2, z, pvalue, h,
 * trend as sc_trend_mk; slope = median over seasons of (x_j - x_i) / (c_j - c_i) with c the
 * cycle; intercept = median(x) - (median of the positions of the values / period) slope.
 * A series without a season of two values, constant within every season, without values or
 * with a missing value that is not omitted gets NaN results and its row status.
 * Status: SC_SUCCESS; SC_EINVAL for period 0 or alpha outside (0, 1); SC_ENOMEM.
 * Reference: Hirsch, Slack & Smith (1982) Water Resour Res 18:107-121; Hirsch & Slack (1984)
 * Water Resour Res 20:727-732; pymannkendall 1.4.3 seasonal_test, seasonal_sens_slope. */
int sc_trend_seasonal(const sc_trend_data *data, size_t period, double alpha, int threads,
                      sc_seasonal_output *out);

/* Per-series results of sc_trend_sen: lower, upper [r*n_conf + j]; the rest [r]. */
typedef struct {
    double *slope, *intercept, *lower, *upper;
    int64_t *nobs;
    int8_t *status;
} sc_sen_output;

/* Sen's slope of every series with R trend::sens.slope's confidence limits.
 * Given: the data, n_conf levels conf[j] in (0, 1), a thread request.
 * Returned per series: slope = median of the k = m(m-1)/2 slopes (y_j - y_i) / (t_j - t_i)
 * over the m values used (each at its own time); intercept = median(y) - slope median(t);
 * for each level, with C = z_{(1+conf)/2} sqrt(var_s) (var_s the tie-corrected Mann-Kendall
 * variance of y), lower = the slope of rank round((k - C)/2) and upper = that of rank
 * round((k + C)/2 + 1) (ranks from 1, rounding half to even; NaN outside 1..k).  A series with
 * fewer than 2 values, constant, without values or with a missing value that is not omitted
 * gets NaN results and its row status.
 * Status: SC_SUCCESS; SC_EINVAL for a level outside (0, 1); SC_ENOMEM.
 * Reference: Sen (1968) JASA 63:1379-1389; Hollander & Wolfe (1973) Nonparametric Statistical
 * Methods, sec. 9.2; R trend 1.1.4 sens.slope. */
int sc_trend_sen(const sc_trend_data *data, const double *conf, size_t n_conf, int threads,
                 sc_sen_output *out);

/* Per-series results of sc_trend_pettitt, indexed by series r. */
typedef struct {
    double *statistic, *pvalue;
    int64_t *location;          /* -1 for a series whose status is not OK */
    int64_t *nobs;
    int8_t *status;
} sc_pettitt_output;

/* Pettitt's change-point test of every series, as R trend::pettitt.test.  data->t is not used.
 * Given: the data, a thread request.
 * Returned per series, over the m values used (consecutive): U_k = 2 sum_{i<=k} r_i - k(m+1)
 * with r the mid-ranks; statistic U* = max |U_k|; location = the original 0-based index of the
 * value k at the first maximum (the last value before the change); pvalue =
 * min(1, 2 exp(-6 U*^2 / (m^3 + m^2))).  A series with fewer than 2 values, constant, without
 * values or with a missing value that is not omitted gets NaN results, location -1 and its
 * row status.
 * Status: SC_SUCCESS; SC_ENOMEM.
 * Reference: Pettitt (1979) Appl Stat 28:126-135; R trend 1.1.4 pettitt.test. */
int sc_trend_pettitt(const sc_trend_data *data, int threads, sc_pettitt_output *out);

#endif
