#include "sc_check.h"

#include <math.h>

#include "sc_parallel.h"

static int broken_rule(double v, int rules)
{
    if ((rules & SC_CHECK_FINITE) && !isfinite(v)) return SC_CHECK_FINITE;
    if ((rules & SC_CHECK_NONNEG) && v < 0.0) return SC_CHECK_NONNEG;
    if ((rules & SC_CHECK_POSITIVE) && !(v > 0.0)) return SC_CHECK_POSITIVE;
    if ((rules & SC_CHECK_WHOLE) && !sc_is_whole(v)) return SC_CHECK_WHOLE;
    return 0;
}

size_t sc_check_values(const double *x, size_t n, int rules, int *rule)
{
    size_t first = n;
    #pragma omp parallel for num_threads(sc_threads(0, n)) schedule(static) reduction(min : first)
    for (size_t i = 0; i < n; i++)
        if (i < first && broken_rule(x[i], rules)) first = i;
    *rule = first < n ? broken_rule(x[first], rules) : 0;
    return first;
}

size_t sc_check_not_above(const double *num, const double *den, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (num[i] > den[i]) return i;
    return n;
}
