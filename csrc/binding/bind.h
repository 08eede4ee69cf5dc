/* The binding's shared helpers: the one place that converts arrays and maps a core status to a
 * Python exception.  Every bind_<family>.c includes this and exports a PyMethodDef table. */
#ifndef SC_BIND_H
#define SC_BIND_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#ifndef SC_BIND_MODULE
#define NO_IMPORT_ARRAY
#endif
#define PY_ARRAY_UNIQUE_SYMBOL scrutiny_ARRAY_API
#include <numpy/arrayobject.h>

/* Exception classes of scrutiny.errors, set at import. */
extern PyObject *sc_NumericalError;
extern PyObject *sc_ConvergenceError;

/* obj as a C-contiguous, aligned float64 array (new reference; a copy only when needed).
 * NULL with a TypeError naming `name` when obj cannot be read as numbers. */
PyArrayObject *sc_py_double_array(PyObject *obj, const char *name);

/* Convert k objects to float64 arrays of one common size *n (the Python layer broadcasts
 * first).  Returns 0, or -1 with an exception set and nothing held. */
int sc_py_double_arrays(int k, PyObject **objs, const char **names, PyArrayObject **arrs,
                        npy_intp *n);

/* Release k arrays (NULL entries allowed). */
void sc_py_release(int k, PyArrayObject **arrs);

/* New uninitialised float64 array of the given shape. */
PyArrayObject *sc_py_empty(int nd, const npy_intp *dims);

/* Set the exception for a non-zero core status and return NULL:
 * invalid input -> ValueError, no memory -> MemoryError, no convergence ->
 * scrutiny.ConvergenceError, anything else -> scrutiny.NumericalError.
 * Message: "<func>: <reason>". */
PyObject *sc_py_raise(int status, const char *func);

/* Index of `value` in the NULL-terminated list `names`, or -1 with a ValueError naming `arg`. */
int sc_py_lookup(const char *value, const char *const *names, const char *arg);

#define SC_DATA(a) ((double *)PyArray_DATA(a))

extern PyMethodDef sc_rates_methods[];
extern PyMethodDef sc_funnel_methods[];
extern PyMethodDef sc_disparity_methods[];
extern PyMethodDef sc_dist_methods[];
extern PyMethodDef sc_check_methods[];
extern PyMethodDef sc_trend_methods[];
extern PyMethodDef sc_glm_methods[];
extern PyMethodDef sc_changepoint_methods[];
extern PyMethodDef sc_spc_methods[];
extern PyMethodDef sc_drivers_methods[];
extern PyMethodDef sc_calls_methods[];
extern PyMethodDef sc_waits_methods[];
extern PyMethodDef sc_place_methods[];
extern PyMethodDef sc_harm_methods[];

#endif
