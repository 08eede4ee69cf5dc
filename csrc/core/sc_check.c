#include "sc_check.h"

#include <math.h>

#include "sc_parallel.h"

/* Values are scanned in blocks: a branch-free pass (which the compiler vectorises) says whether a
 * block holds a broken value, and only such a block is searched value by value. */
#define CHECK_BLOCK 4096

static int broken_rule(double v, int rules)
{
    if ((rules & SC_CHECK_FINITE) && !isfinite(v)) return SC_CHECK_FINITE;
    if ((rules & SC_CHECK_NONNEG) && v < 0.0) return SC_CHECK_NONNEG;
    if ((rules & SC_CHECK_POSITIVE) && !(v > 0.0)) return SC_CHECK_POSITIVE;
    if ((rules & SC_CHECK_WHOLE) && !sc_is_whole(v)) return SC_CHECK_WHOLE;
    return 0;
}

/* Whether any of x[0..m-1] breaks a rule (NaN fails every comparison, so breaks them all). */
static int block_broken(const double *x, size_t m, int rules)
{
    const double lo = (rules & SC_CHECK_POSITIVE) ? 0x1p-1074 : (rules & SC_CHECK_NONNEG) ? 0.0 : -INFINITY;
    const int finite = (rules & SC_CHECK_FINITE) != 0, whole = (rules & SC_CHECK_WHOLE) != 0;
    int bad = 0;
    for (size_t i = 0; i < m; i++) {
        const double v = x[i];
        int ok = (v >= lo) & ((!finite) | (v - v == 0.0)) & ((!whole) | sc_is_whole(v));
        bad |= !ok;
    }
    return bad;
}

size_t sc_check_values(const double *x, size_t n, int rules, int threads, int *rule)
{
    const size_t nblocks = (n + CHECK_BLOCK - 1) / CHECK_BLOCK;
    size_t first_block = nblocks;
    #pragma omp parallel for num_threads(sc_threads(threads, n)) schedule(static) reduction(min : first_block)
    for (size_t b = 0; b < nblocks; b++) {
        size_t start = b * CHECK_BLOCK, m = n - start < CHECK_BLOCK ? n - start : CHECK_BLOCK;
        if (b < first_block && block_broken(x + start, m, rules)) first_block = b;
    }
    for (size_t i = first_block * CHECK_BLOCK; i < n; i++) {
        int r = broken_rule(x[i], rules);
        if (r) {
            *rule = r;
            return i;
        }
    }
    *rule = 0;
    return n;
}

size_t sc_check_not_above(const double *num, const double *den, size_t n, int threads)
{
    const size_t nblocks = (n + CHECK_BLOCK - 1) / CHECK_BLOCK;
    size_t first_block = nblocks;
    #pragma omp parallel for num_threads(sc_threads(threads, n)) schedule(static) reduction(min : first_block)
    for (size_t b = 0; b < nblocks; b++) {
        size_t start = b * CHECK_BLOCK, end = n - start < CHECK_BLOCK ? n : start + CHECK_BLOCK;
        int bad = 0;
        for (size_t i = start; i < end; i++) bad |= num[i] > den[i];
        if (bad && b < first_block) first_block = b;
    }
    for (size_t i = first_block * CHECK_BLOCK; i < n; i++)
        if (num[i] > den[i]) return i;
    return n;
}
