#include "sc_status.h"

const char *sc_strerror(int status)
{
    switch (status) {
    case SC_ENOCONV:   return "iterative solver did not converge";
    case SC_ENAN:      return "result is not a number";
    case SC_ESINGULAR: return "singular or rank-deficient system";
    case SC_EEMPTY:    return "no data";
    default:           return gsl_strerror(status);
    }
}
