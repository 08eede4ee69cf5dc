/* Status codes of the scrutiny C core.
 *
 * Every core function returns an int status: SC_SUCCESS (0), one of GSL's codes
 * (gsl_errno.h), or one of scrutiny's own from 1024 up.  sc_strerror() gives the text. */
#ifndef SC_STATUS_H
#define SC_STATUS_H

#include <gsl/gsl_errno.h>

enum {
    SC_SUCCESS = GSL_SUCCESS,
    SC_EINVAL = GSL_EINVAL,       /* invalid argument */
    SC_EDOM = GSL_EDOM,           /* input outside the domain */
    SC_ENOMEM = GSL_ENOMEM,       /* allocation failed */
    SC_EMAXITER = GSL_EMAXITER,   /* iteration limit reached without convergence */
    SC_ENOCONV = 1024,            /* an iterative solver did not converge */
    SC_ENAN,                      /* a result that should be finite is NaN */
    SC_ESINGULAR,                 /* singular or rank-deficient system */
    SC_EEMPTY                     /* no data */
};

const char *sc_strerror(int status);

#endif
