/* Binding of the change-point kernel (sc_changepoint): changepoint_pelt.  Arrays arrive
 * validated and shaped by python/scrutiny/changepoints.py. */
#include "bind.h"

#include "sc_changepoint.h"
#include "sc_status.h"

static const char *const COSTS[] = {"normal-mean", "normal-meanvar", "poisson", NULL};
static const char *const PENALTIES[] = {"mbic", "bic", "aic", "manual", NULL};

static PyObject *py_changepoint_pelt(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj;
    const char *cost_name, *penalty_name;
    double pen_value;
    Py_ssize_t min_size;
    int omit, threads = 0;
    if (!PyArg_ParseTuple(args, "Ossdnp|i", &y_obj, &cost_name, &penalty_name, &pen_value,
                          &min_size, &omit, &threads))
        return NULL;
    const int cost = sc_py_lookup(cost_name, COSTS, "cost");
    const int penalty = cost < 0 ? -1 : sc_py_lookup(penalty_name, PENALTIES, "penalty");
    if (cost < 0 || penalty < 0) return NULL;
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
    npy_intp rows = PyArray_DIM(y, 0), dims[2] = {rows, PyArray_DIM(y, 1)};
    PyArrayObject *mask = (PyArrayObject *)PyArray_EMPTY(2, dims, NPY_UINT8, 0);
    PyArrayObject *objective = sc_py_empty(1, &rows), *pen = sc_py_empty(1, &rows);
    PyArrayObject *changes = sc_py_empty(1, &rows);
    PyArrayObject *status_arr = (PyArrayObject *)PyArray_EMPTY(1, &rows, NPY_INT, 0);
    if (!mask || !objective || !pen || !changes || !status_arr) goto fail;
    const sc_cpt_spec spec = {(sc_cpt_cost)cost, (sc_cpt_penalty)penalty, pen_value,
                              (size_t)min_size, omit};
    sc_cpt_output out = {(unsigned char *)PyArray_DATA(mask), SC_DATA(objective), SC_DATA(pen),
                         SC_DATA(changes), (int *)PyArray_DATA(status_arr)};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_changepoint_pelt(SC_DATA(y), (size_t)rows, (size_t)dims[1], &spec, threads, &out);
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "changepoints");
        goto fail;
    }
    Py_DECREF(y);
    return Py_BuildValue("NNNNN", mask, objective, pen, changes, status_arr);
fail:
    Py_DECREF(y);
    Py_XDECREF(mask);
    Py_XDECREF(objective);
    Py_XDECREF(pen);
    Py_XDECREF(changes);
    Py_XDECREF(status_arr);
    return NULL;
}

PyMethodDef sc_changepoint_methods[] = {
    {"changepoint_pelt", py_changepoint_pelt, METH_VARARGS,
     "changepoint_pelt(y, cost, penalty, pen_value, min_size, omit[, threads])"
     " -> (mask, objective, penalty, n_changes, status)"},
    {NULL, NULL, 0, NULL},
};
