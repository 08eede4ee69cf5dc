/* Binding of the SPC kernels (sc_spc): spc_fit.  Arrays arrive validated and shaped (series x
 * points) by python/scrutiny/spc.py. */
#include "bind.h"

#include "sc_spc.h"
#include "sc_status.h"

static const char *const CHARTS[] = {"xmr", "i", "p", "u", "c", "pp", "up", "run", NULL};

enum { N_POINT_OUT = 6, N_SERIES_OUT = 6 };

/* A 2-D array of `type` with the shape of y (None stays NULL). */
static int same_shape(PyObject *obj, int type, const char *name, PyArrayObject *y,
                      PyArrayObject **out)
{
    *out = NULL;
    if (obj == Py_None) return 0;
    *out = (PyArrayObject *)PyArray_FROM_OTF(obj, type, NPY_ARRAY_IN_ARRAY | NPY_ARRAY_FORCECAST);
    if (*out == NULL) return -1;
    if (PyArray_NDIM(*out) != 2 || PyArray_DIM(*out, 0) != PyArray_DIM(y, 0) ||
        PyArray_DIM(*out, 1) != PyArray_DIM(y, 1)) {
        PyErr_Format(PyExc_ValueError, "%s must have the shape of y", name);
        Py_CLEAR(*out);
        return -1;
    }
    return 0;
}

static PyObject *py_spc_fit(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj, *n_obj, *start_obj;
    const char *chart_name;
    Py_ssize_t baseline, trend, shift;
    int screen, outside, two_of_three, four_of_five, threads = 0;
    if (!PyArg_ParseTuple(args, "OOOsnppnipn|i", &y_obj, &n_obj, &start_obj, &chart_name,
                          &baseline, &screen, &outside, &trend, &two_of_three, &four_of_five,
                          &shift, &threads))
        return NULL;
    const int chart = sc_py_lookup(chart_name, CHARTS, "chart");
    if (chart < 0) return NULL;
    if (baseline < 0 || trend < 0 || shift < 0 || two_of_three < SC_SPC_23_OFF ||
        two_of_three > SC_SPC_23_WE) {
        PyErr_SetString(PyExc_ValueError,
                        "spc: baseline, trend and shift must be >= 0, two_of_three 0, 1 or 2");
        return NULL;
    }
    PyArrayObject *y = sc_py_double_array(y_obj, "y"), *n = NULL, *start = NULL;
    PyArrayObject *point[N_POINT_OUT] = {NULL}, *series[N_SERIES_OUT] = {NULL}, *signal = NULL;
    if (y == NULL) return NULL;
    if (PyArray_NDIM(y) != 2) {
        PyErr_SetString(PyExc_ValueError, "y must be a 2-D array (series x points)");
        goto fail;
    }
    if (same_shape(n_obj, NPY_DOUBLE, "n", y, &n) < 0 ||
        same_shape(start_obj, NPY_UINT8, "start", y, &start) < 0)
        goto fail;
    npy_intp rows = PyArray_DIM(y, 0), dims[2] = {rows, PyArray_DIM(y, 1)};
    for (int k = 0; k < N_POINT_OUT; k++)
        if ((point[k] = sc_py_empty(2, dims)) == NULL) goto fail;
    for (int k = 0; k < N_SERIES_OUT; k++)
        if ((series[k] = sc_py_empty(1, &rows)) == NULL) goto fail;
    if ((signal = (PyArrayObject *)PyArray_EMPTY(2, dims, NPY_INT8, 0)) == NULL) goto fail;

    const sc_spc_spec spec = {
        (sc_spc_chart)chart, (size_t)baseline, screen,
        {outside, (size_t)trend, (sc_spc_two_of_three)two_of_three, four_of_five, (size_t)shift},
    };
    sc_spc_output out = {
        SC_DATA(point[0]), SC_DATA(point[1]), SC_DATA(point[2]), SC_DATA(point[3]),
        SC_DATA(point[4]), SC_DATA(point[5]), (signed char *)PyArray_DATA(signal),
        SC_DATA(series[0]), SC_DATA(series[1]), SC_DATA(series[2]), SC_DATA(series[3]),
        SC_DATA(series[4]), SC_DATA(series[5]),
    };
    size_t bad_row;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_spc_batch(SC_DATA(y), n ? SC_DATA(n) : NULL,
                          start ? (const unsigned char *)PyArray_DATA(start) : NULL,
                          (size_t)rows, (size_t)dims[1], &spec, threads, &out, &bad_row);
    Py_END_ALLOW_THREADS
    if (status == SC_EDOM) {
        PyErr_Format(PyExc_ValueError,
                     "spc: series %zd has a segment without enough observed baseline points",
                     (Py_ssize_t)bad_row);
        goto fail;
    }
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "spc");
        goto fail;
    }
    Py_DECREF(y);
    Py_XDECREF(n);
    Py_XDECREF(start);
    return Py_BuildValue("NNNNNNNNNNNNN", point[0], point[1], point[2], point[3], point[4],
                         point[5], signal, series[0], series[1], series[2], series[3],
                         series[4], series[5]);
fail:
    Py_XDECREF(y);
    Py_XDECREF(n);
    Py_XDECREF(start);
    for (int k = 0; k < N_POINT_OUT; k++) Py_XDECREF(point[k]);
    for (int k = 0; k < N_SERIES_OUT; k++) Py_XDECREF(series[k]);
    Py_XDECREF(signal);
    return NULL;
}

PyMethodDef sc_spc_methods[] = {
    {"spc_fit", py_spc_fit, METH_VARARGS,
     "spc_fit(y, n, start, chart, baseline, screen, outside, trend, two_of_three, four_of_five,"
     " shift[, threads]) -> (value, centre, lower, upper, lower2, upper2, signal, longest_run,"
     " longest_run_max, n_crossings, n_crossings_min, n_useful, runs_signal)"},
    {NULL, NULL, 0, NULL},
};
