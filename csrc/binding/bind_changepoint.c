/* Binding of the change-point kernel (sc_changepoint): changepoint_pelt.  Arrays arrive
 * validated and shaped by python/scrutiny/changepoints.py. */
#include "bind.h"

#include "sc_changepoint.h"
#include "sc_status.h"

static const char *const NAMES[] = {"mask", "objective", "penalty", "n_changes", "status"};

static PyObject *py_changepoint_pelt(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj;
    double pen_value;
    Py_ssize_t min_size;
    int cost, penalty, omit, threads = 0;
    if (!PyArg_ParseTuple(args, "Oiidnp|i", &y_obj, &cost, &penalty, &pen_value, &min_size,
                          &omit, &threads))
        return NULL;
    if (sc_py_code(cost, SC_CPT_POISSON + 1, "cost") < 0 ||
        sc_py_code(penalty, SC_CPT_MANUAL + 1, "penalty") < 0)
        return NULL;
    if (min_size < 1) {
        PyErr_SetString(PyExc_ValueError, "min_size must be >= 1");
        return NULL;
    }
    PyArrayObject *y = sc_py_double_array(y_obj, "y");
    if (y == NULL) return NULL;
    if (PyArray_NDIM(y) != 2) {
        PyErr_SetString(PyExc_ValueError, "y must be a 2-D array (series x observations)");
        Py_DECREF(y);
        return NULL;
    }
    /* mask (series x observations), objective, penalty, n_changes, status */
    static const int types[5] = {NPY_UINT8, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_INT};
    const npy_intp rows = PyArray_DIM(y, 0), m = PyArray_DIM(y, 1), cols[5] = {m};
    PyArrayObject *out[5];
    if (sc_py_outputs(5, types, cols, rows, out) < 0) return sc_py_fail(1, &y, 0, NULL);
    const sc_cpt_spec spec = {(sc_cpt_cost)cost, (sc_cpt_penalty)penalty, pen_value,
                              (size_t)min_size, omit};
    sc_cpt_output res = {(unsigned char *)PyArray_DATA(out[0]), SC_DATA(out[1]), SC_DATA(out[2]),
                         SC_DATA(out[3]), (int *)PyArray_DATA(out[4])};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_changepoint_pelt(SC_DATA(y), (size_t)rows, (size_t)m, &spec, threads, &res);
    Py_END_ALLOW_THREADS
    return sc_py_finish_named(status, "changepoints", 1, &y, 5, out, NAMES);
}

PyMethodDef sc_changepoint_methods[] = {
    {"changepoint_pelt", py_changepoint_pelt, METH_VARARGS,
     "changepoint_pelt(y, cost code, penalty code, pen_value, min_size, omit[, threads])"
     " -> {mask, objective, penalty, n_changes, status}"},
    {NULL, NULL, 0, NULL},
};
