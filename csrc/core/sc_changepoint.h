/* Change points by exact PELT (Killick, Fearnhead & Eckley 2012), as R changepoint 2.2.4's
 * cpt.mean / cpt.meanvar with method = "PELT": the same segment costs, penalties, minimum
 * segment length, candidate pruning and tie-breaking (the earliest best candidate wins).
 * Many series run in one call, in parallel over series, with one workspace per thread. */
#ifndef SC_CHANGEPOINT_H
#define SC_CHANGEPOINT_H

#include <stddef.h>

typedef enum {
    SC_CPT_NORMAL_MEAN = 0,   /* cpt.mean "Normal": S2 - S^2 / m (data as given, variance 1) */
    SC_CPT_NORMAL_MEANVAR,    /* cpt.meanvar "Normal": m (log 2 pi + log s^2 + 1), s^2 >= 1e-11 */
    SC_CPT_POISSON            /* cpt.meanvar "Poisson": 2 S (log m - log S), 0 when S = 0 */
} sc_cpt_cost;

typedef enum {
    SC_CPT_MBIC = 0,          /* (d + 2) log n per change, and log m added to each segment cost */
    SC_CPT_BIC,               /* (d + 1) log n */
    SC_CPT_AIC,               /* 2 (d + 1) */
    SC_CPT_MANUAL             /* the given value */
} sc_cpt_penalty;             /* d = 1 for normal-mean and poisson, 2 for normal-meanvar */

typedef struct {
    sc_cpt_cost cost;
    sc_cpt_penalty penalty;
    double pen_value;         /* SC_CPT_MANUAL: >= 0 */
    size_t min_size;          /* minimum segment length, >= 1 */
    int omit_missing;         /* 1: drop NaN and run on the rest; 0: a series with NaN is skipped */
} sc_cpt_spec;

typedef enum {
    SC_CPT_ROW_OK = 0,
    SC_CPT_ROW_TOO_SHORT,     /* fewer than 2 * min_size usable values */
    SC_CPT_ROW_MISSING        /* a missing value, and missing values are not omitted */
} sc_cpt_row_status;

/* Results per series r (arrays indexed [r], mask [r*n + i]). */
typedef struct {
    unsigned char *mask;      /* 1 at the last point of every segment but the final one */
    double *objective;        /* sum of segment costs (with MBIC's log m) + penalty x changes */
    double *penalty;          /* penalty per change used */
    double *n_changes;
    int *status;              /* sc_cpt_row_status; NaN objective and an empty mask when not OK */
} sc_cpt_output;

/* Penalty per change.
 * Given the spec and the number n >= 1 of usable values.
 * Returned: (d + 2) log n (MBIC), (d + 1) log n (BIC), 2 (d + 1) (AIC) or the manual value, with
 * d = 2 for normal-meanvar and 1 otherwise.
 * Status: none (the value is returned).
 * Reference: changepoint 2.2.4 R/penalty_decision.R (diffparam as in cpt.mean, cpt.meanvar). */
double sc_changepoint_penalty(const sc_cpt_spec *spec, size_t n);

/* PELT on every series y[r*n + i] (r < rows, i < n).
 * Given the spec (poisson data must be whole and >= 0; not checked here) and a thread request.
 * Cumulative sums are accumulated in long double and stored as double, as R's cumsum, and
 * costs are evaluated in R's operation order, so the optimum and its ties match R's.  Missing
 * values dropped under omit_missing are skipped: the others are taken as consecutive and the
 * locations refer to the original positions.
 * Returned: *out.
 * Status: SC_SUCCESS (row failures in out->status); SC_EINVAL for min_size = 0, a negative
 * manual penalty or n >= 2^31 - 1; SC_ENOMEM.
 * Reference: Killick, Fearnhead & Eckley (2012) JASA 107:1590-1598; changepoint 2.2.4
 * src/PELT_one_func_minseglen.c, src/cost_general_functions.c, R/penalty_decision.R;
 * Zhang & Siegmund (2007) Biometrics 63:22-32 (MBIC). */
int sc_changepoint_pelt(const double *y, size_t rows, size_t n, const sc_cpt_spec *spec,
                        int threads, sc_cpt_output *out);

#endif
