#include "bind.h"
#include "sc_status.h"

#include <string.h>

PyObject *sc_NumericalError = NULL;
PyObject *sc_ConvergenceError = NULL;

PyArrayObject *sc_py_typed_array(PyObject *obj, int type, const char *name)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FROM_OTF(
        obj, type, NPY_ARRAY_IN_ARRAY | NPY_ARRAY_FORCECAST);
    if (a == NULL) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s must be numeric (got %.100s)", name,
                     Py_TYPE(obj)->tp_name);
    }
    return a;
}

PyArrayObject *sc_py_double_array(PyObject *obj, const char *name)
{
    return sc_py_typed_array(obj, NPY_DOUBLE, name);
}

void sc_py_release(int k, PyArrayObject **arrs)
{
    for (int i = 0; i < k; i++) {
        Py_XDECREF(arrs[i]);
        arrs[i] = NULL;
    }
}

int sc_py_double_arrays(int k, PyObject **objs, const char **names, PyArrayObject **arrs,
                        npy_intp *n)
{
    for (int i = 0; i < k; i++) arrs[i] = NULL;
    for (int i = 0; i < k; i++) {
        arrs[i] = sc_py_double_array(objs[i], names[i]);
        if (arrs[i] == NULL) goto fail;
        npy_intp size = PyArray_SIZE(arrs[i]);
        if (i == 0) {
            *n = size;
        } else if (size != *n) {
            PyErr_Format(PyExc_ValueError, "%s has %zd values but %s has %zd", names[i],
                         (Py_ssize_t)size, names[0], (Py_ssize_t)*n);
            goto fail;
        }
    }
    return 0;
fail:
    sc_py_release(k, arrs);
    return -1;
}

int sc_py_double_arrays_opt(int k, PyObject **objs, const char **names, PyArrayObject **arrs,
                            npy_intp *n)
{
    if (objs[k - 1] != Py_None) return sc_py_double_arrays(k, objs, names, arrs, n);
    arrs[k - 1] = NULL;
    return sc_py_double_arrays(k - 1, objs, names, arrs, n);
}

PyArrayObject *sc_py_empty(int nd, const npy_intp *dims)
{
    return (PyArrayObject *)PyArray_EMPTY(nd, dims, NPY_DOUBLE, 0);
}

int sc_py_outputs(int k, const int *types, const npy_intp *cols, npy_intp len,
                  PyArrayObject **out)
{
    for (int i = 0; i < k; i++) out[i] = NULL;
    for (int i = 0; i < k; i++) {
        const npy_intp dims[2] = {len, cols ? cols[i] : 0};
        out[i] = (PyArrayObject *)PyArray_EMPTY(dims[1] > 0 ? 2 : 1, dims,
                                                types ? types[i] : NPY_DOUBLE, 0);
        if (out[i] == NULL) {
            sc_py_release(i, out);
            return -1;
        }
    }
    return 0;
}

int sc_py_prepare(int k, PyObject **objs, const char **names, PyArrayObject **in, npy_intp *n,
                  int nout, npy_intp ncol, PyArrayObject **out)
{
    for (int j = 0; j < nout; j++) out[j] = NULL;
    if (sc_py_double_arrays(k, objs, names, in, n) < 0) return -1;
    const npy_intp dims[2] = {*n, ncol};
    for (int j = 0; j < nout; j++) {
        if ((out[j] = sc_py_empty(ncol > 0 ? 2 : 1, dims)) == NULL) {
            sc_py_fail(k, in, nout, out);
            return -1;
        }
    }
    return 0;
}

int sc_py_done(int status, const char *func, int k, PyArrayObject **in, int nout,
               PyArrayObject **out)
{
    sc_py_release(k, in);
    if (status == SC_SUCCESS) return 0;
    sc_py_release(nout, out);
    sc_py_raise(status, func);
    return -1;
}

PyObject *sc_py_finish(int status, const char *func, int k, PyArrayObject **in, int nout,
                       PyArrayObject **out)
{
    if (sc_py_done(status, func, k, in, nout, out) < 0) return NULL;
    PyObject *t = PyTuple_New(nout);
    if (t == NULL) {
        sc_py_release(nout, out);
        return NULL;
    }
    for (int j = 0; j < nout; j++) {
        PyTuple_SET_ITEM(t, j, sc_py_or_none(out[j]));
        out[j] = NULL;
    }
    return t;
}

PyObject *sc_py_or_none(PyArrayObject *a)
{
    if (a != NULL) return (PyObject *)a;
    Py_INCREF(Py_None);
    return Py_None;
}

PyObject *sc_py_fail(int k, PyArrayObject **in, int nout, PyArrayObject **out)
{
    sc_py_release(k, in);
    sc_py_release(nout, out);
    return NULL;
}

PyObject *sc_py_raise(int status, const char *func)
{
    PyObject *type;
    switch (status) {
    case SC_EINVAL:
    case SC_EDOM:
    case SC_EEMPTY:    type = PyExc_ValueError; break;
    case SC_ENOMEM:    return PyErr_NoMemory();
    case SC_EMAXITER:
    case SC_ENOCONV:   type = sc_ConvergenceError; break;
    default:           type = sc_NumericalError; break;
    }
    if (type == NULL) type = PyExc_ArithmeticError;
    PyErr_Format(type, "%s: %s", func, sc_strerror(status));
    return NULL;
}

int sc_py_code(int code, int count, const char *arg)
{
    if (code >= 0 && code < count) return code;
    PyErr_Format(PyExc_ValueError, "%s: unknown value %d", arg, code);
    return -1;
}

PyObject *sc_py_named(int k, const char *const *names, PyObject **values)
{
    /* A NULL value with an exception set (a failed PyFloat_FromDouble) fails the whole. */
    PyObject *d = PyErr_Occurred() ? NULL : PyDict_New();
    for (int i = 0; i < k; i++) {
        PyObject *v = values[i] ? values[i] : Py_None;
        if (d != NULL && PyDict_SetItemString(d, names[i], v) < 0) Py_CLEAR(d);
        Py_XDECREF(values[i]);
        values[i] = NULL;
    }
    return d;
}

PyObject *sc_py_finish_named(int status, const char *func, int k, PyArrayObject **in, int nout,
                             PyArrayObject **out, const char *const *names)
{
    if (sc_py_done(status, func, k, in, nout, out) < 0) return NULL;
    return sc_py_named(nout, names, (PyObject **)out);
}
