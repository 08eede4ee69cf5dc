/* Binding of the SPC kernels (sc_spc): spc_fit.  Arrays arrive validated and shaped (series x
 * points) by python/scrutiny/spc.py. */
#include "bind.h"

#include "sc_spc.h"
#include "sc_status.h"

/* Outputs: value, centre, lower, upper, lower2, upper2, signal (series x points), then
 * longest_run, longest_run_max, n_crossings, n_crossings_min, n_useful, runs_signal. */
enum { N_OUT = 13 };
static const char *const NAMES[N_OUT] = {
    "value", "centre", "lower", "upper", "lower2", "upper2", "signal", "longest_run",
    "longest_run_max", "n_crossings", "n_crossings_min", "n_useful", "runs_signal"};

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
    Py_ssize_t baseline, trend, shift;
    int chart, screen, outside, two_of_three, four_of_five, threads = 0;
    if (!PyArg_ParseTuple(args, "OOOinppnipn|i", &y_obj, &n_obj, &start_obj, &chart, &baseline,
                          &screen, &outside, &trend, &two_of_three, &four_of_five, &shift,
                          &threads))
        return NULL;
    if (sc_py_code(chart, SC_SPC_RUN + 1, "chart") < 0) return NULL;
    if (baseline < 0 || trend < 0 || shift < 0 || two_of_three < SC_SPC_23_OFF ||
        two_of_three > SC_SPC_23_WE) {
        PyErr_SetString(PyExc_ValueError,
                        "spc: baseline, trend and shift must be >= 0, two_of_three 0, 1 or 2");
        return NULL;
    }
    PyArrayObject *in[3] = {NULL}, *out[N_OUT] = {NULL};          /* in: y, n, start */
    if ((in[0] = sc_py_double_array(y_obj, "y")) == NULL) return NULL;
    if (PyArray_NDIM(in[0]) != 2) {
        PyErr_SetString(PyExc_ValueError, "y must be a 2-D array (series x points)");
        goto fail;
    }
    if (same_shape(n_obj, NPY_DOUBLE, "n", in[0], &in[1]) < 0 ||
        same_shape(start_obj, NPY_UINT8, "start", in[0], &in[2]) < 0)
        goto fail;
    const npy_intp rows = PyArray_DIM(in[0], 0), m = PyArray_DIM(in[0], 1);
    static const int types[N_OUT] = {NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE,
                                     NPY_DOUBLE, NPY_INT8, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE,
                                     NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE};
    const npy_intp cols[N_OUT] = {m, m, m, m, m, m, m};
    if (sc_py_outputs(N_OUT, types, cols, rows, out) < 0) goto fail;

    const sc_spc_spec spec = {
        (sc_spc_chart)chart, (size_t)baseline, screen,
        {outside, (size_t)trend, (sc_spc_two_of_three)two_of_three, four_of_five, (size_t)shift},
    };
    sc_spc_output res = {
        SC_DATA(out[0]), SC_DATA(out[1]), SC_DATA(out[2]), SC_DATA(out[3]), SC_DATA(out[4]),
        SC_DATA(out[5]), (signed char *)PyArray_DATA(out[6]), SC_DATA(out[7]), SC_DATA(out[8]),
        SC_DATA(out[9]), SC_DATA(out[10]), SC_DATA(out[11]), SC_DATA(out[12]),
    };
    size_t bad_row;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_spc_batch(SC_DATA(in[0]), in[1] ? SC_DATA(in[1]) : NULL,
                          in[2] ? (const unsigned char *)PyArray_DATA(in[2]) : NULL,
                          (size_t)rows, (size_t)m, &spec, threads, &res, &bad_row);
    Py_END_ALLOW_THREADS
    if (status == SC_EDOM) {
        PyErr_Format(PyExc_ValueError,
                     "spc: series %zd has a segment without enough observed baseline points",
                     (Py_ssize_t)bad_row);
        goto fail;
    }
    return sc_py_finish_named(status, "spc", 3, in, N_OUT, out, NAMES);
fail:
    return sc_py_fail(3, in, N_OUT, out);
}

PyMethodDef sc_spc_methods[] = {
    {"spc_fit", py_spc_fit, METH_VARARGS,
     "spc_fit(y, n, start, chart code, baseline, screen, outside, trend, two_of_three code,"
     " four_of_five, shift[, threads]) -> {value, centre, lower, upper, lower2, upper2, signal,"
     " longest_run, longest_run_max, n_crossings, n_crossings_min, n_useful, runs_signal}"},
    {NULL, NULL, 0, NULL},
};
