#include "sc_check.h"

#include <math.h>

static int broken_rule(double v, int rules)
{
    if ((rules & SC_CHECK_FINITE) && !isfinite(v)) return SC_CHECK_FINITE;
    if ((rules & SC_CHECK_NONNEG) && v < 0.0) return SC_CHECK_NONNEG;
    if ((rules & SC_CHECK_POSITIVE) && !(v > 0.0)) return SC_CHECK_POSITIVE;
    if ((rules & SC_CHECK_WHOLE) && v != floor(v)) return SC_CHECK_WHOLE;
    return 0;
}

size_t sc_check_values(const double *x, size_t n, int rules, int *rule)
{
    for (size_t i = 0; i < n; i++) {
        int r = broken_rule(x[i], rules);
        if (r) {
            *rule = r;
            return i;
        }
    }
    *rule = 0;
    return n;
}

size_t sc_check_not_above(const double *num, const double *den, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (num[i] > den[i]) return i;
    return n;
}
