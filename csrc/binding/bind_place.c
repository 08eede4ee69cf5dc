/* Binding of the place kernels (sc_place): place_wdd and place_etest.  The Python layer
 * (scrutiny/place.py) validates, broadcasts and groups the inputs; alternatives and statistics
 * arrive as the integer codes of sc_rates.h / sc_place.h. */
#include "bind.h"

#include "sc_place.h"
#include "sc_status.h"

enum { N_WDD_OUT = 10 };

/* A (SC_PLACE_PARTS, len) float64 array from obj, or NULL with an exception naming `name`. */
static PyArrayObject *parts_array(PyObject *obj, const char *name)
{
    PyArrayObject *a = sc_py_double_array(obj, name);
    if (a != NULL && (PyArray_NDIM(a) != 2 || PyArray_DIM(a, 0) != SC_PLACE_PARTS)) {
        PyErr_Format(PyExc_ValueError, "%s must have shape (%d, units)", name, SC_PLACE_PARTS);
        Py_CLEAR(a);
    }
    return a;
}

static PyObject *py_place_wdd(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *counts_obj, *scale_obj;
    Py_ssize_t members;
    int alternative, threads;
    double conf;
    if (!PyArg_ParseTuple(args, "OOnidi:place_wdd", &counts_obj, &scale_obj, &members,
                          &alternative, &conf, &threads))
        return NULL;
    PyArrayObject *counts = parts_array(counts_obj, "counts"), *scale = NULL, *totals = NULL;
    PyArrayObject *out[N_WDD_OUT] = {NULL};
    if (counts == NULL) return NULL;
    if ((scale = parts_array(scale_obj, "scale")) == NULL) goto fail;
    const npy_intp len = PyArray_DIM(counts, 1);
    if (PyArray_DIM(scale, 1) != len || members < 1 || len % members != 0) {
        PyErr_SetString(PyExc_ValueError,
                        "wdd: scale must match counts, whose units must split into groups");
        goto fail;
    }
    npy_intp groups = len / members, dims[2] = {groups, SC_PLACE_PARTS};
    if ((totals = sc_py_empty(2, dims)) == NULL) goto fail;
    for (int k = 0; k < N_WDD_OUT; k++)
        if ((out[k] = sc_py_empty(1, &groups)) == NULL) goto fail;
    const sc_place_wdd_result res = {
        SC_DATA(totals), SC_DATA(out[0]), SC_DATA(out[1]), SC_DATA(out[2]), SC_DATA(out[3]),
        SC_DATA(out[4]), SC_DATA(out[5]), SC_DATA(out[6]), SC_DATA(out[7]), SC_DATA(out[8]),
        SC_DATA(out[9]),
    };
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_place_wdd(SC_DATA(counts), SC_DATA(scale), (size_t)groups, (size_t)members,
                          (sc_alternative)alternative, conf, threads, &res);
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "wdd");
        goto fail;
    }
    Py_DECREF(counts);
    Py_DECREF(scale);
    return Py_BuildValue("NNNNNNNNNNN", totals, out[0], out[1], out[2], out[3], out[4], out[5],
                         out[6], out[7], out[8], out[9]);
fail:
    Py_XDECREF(counts);
    Py_XDECREF(scale);
    Py_XDECREF(totals);
    for (int k = 0; k < N_WDD_OUT; k++) Py_XDECREF(out[k]);
    return NULL;
}

static PyObject *py_place_etest(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[5];
    int stat, alternative, threads;
    if (!PyArg_ParseTuple(args, "OOOOOiii:place_etest", &objs[0], &objs[1], &objs[2], &objs[3],
                          &objs[4], &stat, &alternative, &threads))
        return NULL;
    static const char *names[] = {"count_after", "exposure_after", "count_before",
                                  "exposure_before", "ratio"};
    PyArrayObject *in[5], *statistic = NULL, *pvalue = NULL;
    npy_intp n;
    if (sc_py_double_arrays(5, objs, names, in, &n) < 0) return NULL;
    if ((statistic = sc_py_empty(1, &n)) == NULL || (pvalue = sc_py_empty(1, &n)) == NULL) {
        sc_py_release(5, in);
        Py_XDECREF(statistic);
        return NULL;
    }
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_place_etest(SC_DATA(in[0]), SC_DATA(in[1]), SC_DATA(in[2]), SC_DATA(in[3]),
                            SC_DATA(in[4]), (size_t)n, (sc_etest_statistic)stat,
                            (sc_alternative)alternative, threads, SC_DATA(statistic),
                            SC_DATA(pvalue));
    Py_END_ALLOW_THREADS
    sc_py_release(5, in);
    if (status != SC_SUCCESS) {
        Py_DECREF(statistic);
        Py_DECREF(pvalue);
        return sc_py_raise(status, "poisson_etest");
    }
    return Py_BuildValue("NN", statistic, pvalue);
}

PyMethodDef sc_place_methods[] = {
    {"place_wdd", py_place_wdd, METH_VARARGS,
     "place_wdd(counts, scale, members, alternative, conf, threads) -> (totals, local, local_se,"
     " displacement, displacement_se, estimate, se, statistic, pvalue, lower, upper)"},
    {"place_etest", py_place_etest, METH_VARARGS,
     "place_etest(count_after, exposure_after, count_before, exposure_before, ratio, statistic,"
     " alternative, threads) -> (statistic, pvalue)"},
    {NULL, NULL, 0, NULL},
};
