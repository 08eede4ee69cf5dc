#include "bind.h"
#include "sc_status.h"

#include <string.h>

PyObject *sc_NumericalError = NULL;
PyObject *sc_ConvergenceError = NULL;

PyArrayObject *sc_py_double_array(PyObject *obj, const char *name)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FROM_OTF(
        obj, NPY_DOUBLE, NPY_ARRAY_IN_ARRAY | NPY_ARRAY_FORCECAST);
    if (a == NULL) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s must be numeric (got %.100s)", name,
                     Py_TYPE(obj)->tp_name);
    }
    return a;
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

PyArrayObject *sc_py_empty(int nd, const npy_intp *dims)
{
    return (PyArrayObject *)PyArray_EMPTY(nd, dims, NPY_DOUBLE, 0);
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

int sc_py_lookup(const char *value, const char *const *names, const char *arg)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(value, names[i]) == 0) return i;
    PyErr_Format(PyExc_ValueError, "%s: unknown value '%s'", arg, value);
    return -1;
}
