/* One-pass scans that find the first value breaking an input rule, so that the Python layer
 * can name the argument, the area and the rule in its message (python/scrutiny/_validation.py). */
#ifndef SC_CHECK_H
#define SC_CHECK_H

#include <math.h>
#include <stddef.h>

/* Rules a value must meet; each a bit. */
enum {
    SC_CHECK_FINITE = 1,     /* not NaN, not infinite */
    SC_CHECK_NONNEG = 2,     /* >= 0 */
    SC_CHECK_POSITIVE = 4,   /* > 0 */
    SC_CHECK_WHOLE = 8       /* a whole number below 2^53 (a count) */
};

/* Counts are whole numbers below 2^53: from there a double no longer holds every whole number,
 * so a count could not be stepped by one (bisections, sums to a count would stall). */
#define SC_MAX_COUNT 9007199254740992.0

/* Whether v is a whole number of size below 2^53 (SC_MAX_COUNT): below 2^52, adding and
 * subtracting 2^52 rounds v to a whole number (branch-free, so loops using it vectorise); from
 * 2^52 every double is whole. */
static inline int sc_is_whole(double v)
{
    const double big = 4503599627370496.0;
    double a = fabs(v);
    return a < big ? a == (a + big) - big : a < SC_MAX_COUNT;
}

/* Given x[0..n-1] and a set of rules.  Returned: the index of the first value that breaks a
 * rule (n when none does); *rule receives that rule's bit (0 when none).  Rules are tested in
 * the order above, so a NaN is reported as not finite.  Long inputs are scanned on
 * sc_threads(threads, n) threads (threads <= 0: all cores); the first breaking index is still
 * the one reported. */
size_t sc_check_values(const double *x, size_t n, int rules, int threads, int *rule);

/* Given num and den of length n.  Returned: the first index with num > den (n when none).
 * Threads as for sc_check_values. */
size_t sc_check_not_above(const double *num, const double *den, size_t n, int threads);

#endif
