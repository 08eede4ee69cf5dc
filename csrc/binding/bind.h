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

/* obj as a C-contiguous, aligned array of `type` (new reference; a copy only when needed).
 * NULL with a TypeError naming `name` when obj cannot be read as numbers. */
PyArrayObject *sc_py_typed_array(PyObject *obj, int type, const char *name);

/* sc_py_typed_array as float64. */
PyArrayObject *sc_py_double_array(PyObject *obj, const char *name);

/* Convert k objects to float64 arrays of one common size *n (the Python layer broadcasts
 * first).  Returns 0, or -1 with an exception set and nothing held. */
int sc_py_double_arrays(int k, PyObject **objs, const char **names, PyArrayObject **arrs,
                        npy_intp *n);

/* As sc_py_double_arrays, but the last object may be None (an optional input such as
 * weights): arrs[k - 1] is then NULL. */
int sc_py_double_arrays_opt(int k, PyObject **objs, const char **names, PyArrayObject **arrs,
                            npy_intp *n);

/* Release k arrays (NULL entries allowed) and set them to NULL. */
void sc_py_release(int k, PyArrayObject **arrs);

/* New uninitialised float64 array of the given shape. */
PyArrayObject *sc_py_empty(int nd, const npy_intp *dims);

/* k new arrays: out[i] has len entries, or shape (len, cols[i]) when cols and cols[i] > 0, of
 * type types[i] (types NULL: all float64).  Returns 0, or -1 with an exception set and none
 * of them held. */
int sc_py_outputs(int k, const int *types, const npy_intp *cols, npy_intp len,
                  PyArrayObject **out);

/* The usual start of a call: convert k inputs of one length *n and make nout float64 outputs
 * of shape (n) or, when ncol > 0, (n, ncol).  Returns 0, or -1 with an exception set and
 * nothing held. */
int sc_py_prepare(int k, PyObject **objs, const char **names, PyArrayObject **in, npy_intp *n,
                  int nout, npy_intp ncol, PyArrayObject **out);

/* After the kernel: release the k inputs; 0 when status is SC_SUCCESS (the nout outputs stay
 * with the caller), else -1 with the outputs released and the exception of sc_py_raise. */
int sc_py_done(int status, const char *func, int k, PyArrayObject **in, int nout,
               PyArrayObject **out);

/* sc_py_done, then the outputs as a tuple (references stolen; a NULL output becomes None). */
PyObject *sc_py_finish(int status, const char *func, int k, PyArrayObject **in, int nout,
                       PyArrayObject **out);

/* a as a new reference for "N" in Py_BuildValue: a itself, or None when a is NULL. */
PyObject *sc_py_or_none(PyArrayObject *a);

/* After an error before the kernel (exception set): release the k inputs and the nout
 * outputs (NULL entries allowed) and return NULL. */
PyObject *sc_py_fail(int k, PyArrayObject **in, int nout, PyArrayObject **out);

/* Set the exception for a non-zero core status and return NULL:
 * invalid input -> ValueError, no memory -> MemoryError, no convergence ->
 * scrutiny.ConvergenceError, anything else -> scrutiny.NumericalError.
 * Message: "<func>: <reason>". */
PyObject *sc_py_raise(int status, const char *func);

/* `code` when 0 <= code < count (an option's code, as scrutiny._options gives it), else -1
 * with a ValueError naming `arg`. */
int sc_py_code(int code, int count, const char *arg);

/* A dict of k named outputs {names[i]: values[i]} (references stolen, a NULL value becomes
 * None), or NULL with every value released (also when an exception is already set, as by a
 * failed PyFloat_FromDouble among the values). */
PyObject *sc_py_named(int k, const char *const *names, PyObject **values);

/* sc_py_done, then the nout outputs as a dict under `names` (see sc_py_named). */
PyObject *sc_py_finish_named(int status, const char *func, int k, PyArrayObject **in, int nout,
                             PyArrayObject **out, const char *const *names);

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
extern PyMethodDef sc_options_methods[];

#endif
