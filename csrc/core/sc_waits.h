/* Waiting times with cases still open: the Kaplan-Meier estimate with Greenwood's variance and
 * its confidence band, quantiles of the wait as R's survival package reads them off the curve,
 * the G-rho family of tests between groups (rho = 0: the log-rank test), and the backlog of
 * open cases at the end of each period.
 *
 * A wait is a duration >= 0 with a status: 1 when the case was decided (an event), 0 when it
 * is still open (right-censored at its duration).  Groups are coded 0..k-1.  Every function
 * here is pure and thread-safe; a workspace belongs to one call at a time.
 *
 * Reference: Therneau, survival 3.5-3 for R (survfit, quantile.survfit, survmean,
 * survfit_confint, survdiff, aeqSurv); Kaplan & Meier (1958) JASA 53:457-481; Greenwood
 * (1926); Harrington & Fleming (1982) Biometrika 69:553-566. */
#ifndef SC_WAITS_H
#define SC_WAITS_H

#include <stddef.h>
#include <stdint.h>

/* Transformations of the confidence band of S(t) (R's conf.type). */
typedef enum {
    SC_WAITS_LOG = 0,   /* "log": S exp(-+ z se) */
    SC_WAITS_LOGLOG,    /* "log-log": on log(-log S) */
    SC_WAITS_PLAIN,     /* "plain": S (1 -+ z se), inside [0, 1] */
    SC_WAITS_LOGIT,     /* "logit" */
    SC_WAITS_ARCSIN     /* "arcsin" */
} sc_waits_conf;

/* The data of one call sorted by time, with near-equal times merged. */
typedef struct sc_waits_workspace sc_waits_workspace;

/* Most groups of a workspace, and of a G-rho test (whose variance matrix is k x k). */
#define SC_WAITS_MAX_GROUPS ((size_t)1 << 24)
#define SC_WAITS_MAX_TEST_GROUPS ((size_t)4096)

/* A workspace for n waits in k groups (1 <= k <= SC_WAITS_MAX_GROUPS); NULL when memory runs
 * out or k is out of range.  sc_waits_free(NULL) is a no-op. */
sc_waits_workspace *sc_waits_alloc(size_t n, size_t k);
void sc_waits_free(sc_waits_workspace *w);

/* Load the waits into the workspace: sort them by time and merge near-equal times.
 * Given time[0..n-1] (finite, >= 0), status[0..n-1] (0 or 1), group[0..n-1] (0..k-1; NULL:
 * one group), the n and k of the workspace, and tol: when tol > 0, times within tol of each
 * other, or whose difference divided by the mean of the distinct absolute times is <= tol,
 * are tied and take the smallest time of their chain (R's aeqSurv, timefix = TRUE, with
 * tol = sqrt(DBL_EPSILON)); tol <= 0 leaves the times as they are.
 * Returned: the sorted waits in w, and counts[0..k-1] (may be NULL) the waits per group.
 * Status: SC_SUCCESS; SC_EEMPTY when n = 0; SC_EDOM for a negative or non-finite time, a
 * status other than 0 or 1, or a group outside 0..k-1; SC_EINVAL when n or k differ from the
 * workspace's.
 * Reference: survival 3.5-3 R/aeqSurv.R. */
int sc_waits_load(const double *time, const double *status, const int64_t *group, size_t n,
                  size_t k, double tol, sc_waits_workspace *w, double *counts);

/* The Kaplan-Meier curve of every group, one row per distinct time (of a decision or of an
 * open case) of the group, groups in order.
 * Given a loaded workspace.
 * Returned (arrays of at least n rows): time, n_risk (waits >= time), n_event, n_censor (at
 * that time), surv = prod (1 - d / n) over decision times <= time, std_err = sqrt(sum
 * d / (n (n - d))) (Greenwood's standard error of -log S, R's std.err; +Inf once S = 0);
 * rows[0..k-1] the number of rows of each group.
 * Status: SC_SUCCESS.
 * Reference: survival 3.5-3 src/survfitkm.c (stype 1, Greenwood variance). */
int sc_waits_km(const sc_waits_workspace *w, double *time, double *n_risk, double *n_event,
                double *n_censor, double *surv, double *std_err, size_t *rows);

/* The G-rho test that the groups wait alike (rho = 0: log-rank; rho = 1: Peto-Peto).
 * Given a loaded workspace with k >= 2 and rho >= 0.  At each decision time t, with weight
 * w = S(t-)^rho (the pooled Kaplan-Meier estimate just before t), d decisions among n at risk
 * of which n_g in group g: observed_g += w d_g, expected_g += w d n_g / n and, when n > 1,
 * var_gh += w^2 d (n - d) / (n - 1) (n_g / n) (delta_gh - n_h / n).
 * Returned: observed[0..k-1], expected[0..k-1], var[0..k*k-1] (row-major), *chisq =
 * (O - E)' V^-1 (O - E) over the groups with expected > 0 but the first of them, *df = their
 * number - 1 (0 and chisq 0 when fewer than two), *pvalue = P(chi-square(df) > chisq) (1 when
 * df = 0).
 * Status: SC_SUCCESS; SC_EINVAL when k < 2, k > SC_WAITS_MAX_TEST_GROUPS or rho < 0; SC_ENOMEM; SC_ESINGULAR when that
 * variance matrix is singular (reciprocal condition number below DBL_EPSILON; e.g. every case
 * at risk at each decision time is decided): observed, expected and var are still returned,
 * *chisq and *pvalue are NaN (R's solve() stops there).
 * Reference: survival 3.5-3 src/survdiff2.c and R/survdiff.R. */
int sc_waits_logrank(const sc_waits_workspace *w, double rho, double *observed,
                     double *expected, double *var, double *chisq, double *df, double *pvalue);

/* The pointwise confidence band of S from its standard error on the -log S scale.
 * Given surv[0..m-1], std_err[0..m-1] (as sc_waits_km), the transformation and the level conf
 * in (0, 1) (z = the normal quantile at 1 - (1 - conf) / 2).
 * Returned: lower, upper as R's survfit_confint (ulimit = TRUE): NaN
 * where S = 0 (and, for log-log, where S = 1), the upper limit capped at 1 for log and plain.
 * Status: none.
 * Reference: survival 3.5-3 R/survfit_confint.R. */
void sc_waits_band(const double *surv, const double *std_err, size_t m, sc_waits_conf type,
                   double conf, double *lower, double *upper);

/* The time at which a curve first reaches 1 - p, as quantile.survfit reads it.
 * Given time[0..m-1] (increasing) and curve[0..m-1] (S or a limit of its band; NaN allowed),
 * the start time firstx (0), p in [0, 1] and tol (sqrt(DBL_EPSILON)).  With x = (firstx,
 * time) and y = (0, 1 - curve) reduced to the first occurrence of each value: the times of the
 * smallest y with y + tol >= p and with y - tol >= p, averaged (so where the curve is flat at
 * exactly 1 - p the result is the midpoint between the time it gets there and the time it
 * drops; and the midpoint with the last time when it stays there).
 * Returned: the quantile, NaN when the curve never reaches 1 - p.  Status: none.
 * Reference: survival 3.5-3 R/quantile.survfit.R (findq). */
double sc_waits_quantile(const double *time, const double *curve, size_t m, double firstx,
                         double p, double tol);

/* The median of a curve as R prints it (print.survfit, summary(fit)$table).
 * Given time[0..m-1], curve[0..m-1] (NaN allowed) and tol.  Among the points with curve <
 * 0.5 + tol (NaN left out), the first one's time; but when that curve value is within tol of
 * 0.5 and a later one is lower, the midpoint of its time and the first such later time.
 * Returned: the median, NaN when the curve stays above 0.5.  Status: none.
 * Reference: survival 3.5-3 R/survmean.R (minmin). */
double sc_waits_median(const double *time, const double *curve, size_t m, double tol);

/* The backlog of cases per period.
 * Given received[0..n-1] (finite) and decided[0..n-1] (>= received; NaN: still open), both in
 * days, the period bounds[0..periods] (strictly increasing: period p is [bounds[p],
 * bounds[p+1])) and target (days; NaN or < 0: no count over target).
 * Returned per period p: arrivals[p] (received in p), completions[p] (decided in p), open[p]
 * (received before bounds[p+1] and not decided before it) and, when over is not NULL,
 * over[p] (open at bounds[p+1] with bounds[p+1] - received > target).
 * Status: SC_SUCCESS; SC_EDOM for a non-finite received, decided < received, or bounds not
 * strictly increasing; SC_ENOMEM. */
int sc_waits_backlog(const double *received, const double *decided, size_t n,
                     const double *bounds, size_t periods, double target, double *arrivals,
                     double *completions, double *open, double *over);

#endif
