/* Input scans for python/scrutiny/_validation.py. */
#include "bind.h"
#include "sc_check.h"

/* check_values(x, rules, threads=0) -> (index of the first value breaking a rule or -1, the
 * rule bit); threads <= 0: all cores */
static PyObject *py_check_values(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *obj;
    int rules, rule = 0, threads = 0;
    if (!PyArg_ParseTuple(args, "Oi|i:check_values", &obj, &rules, &threads)) return NULL;
    PyArrayObject *x = sc_py_double_array(obj, "x");
    if (x == NULL) return NULL;
    size_t n = (size_t)PyArray_SIZE(x), i;
    Py_BEGIN_ALLOW_THREADS
    i = sc_check_values(SC_DATA(x), n, rules, threads, &rule);
    Py_END_ALLOW_THREADS
    Py_DECREF(x);
    return Py_BuildValue("(ni)", i == n ? (Py_ssize_t)-1 : (Py_ssize_t)i, rule);
}

/* check_not_above(num, den, threads=0) -> index of the first num > den, or -1 */
static PyObject *py_check_not_above(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2];
    PyArrayObject *arrs[2];
    const char *names[2] = {"numerator", "denominator"};
    npy_intp n;
    int threads = 0;
    if (!PyArg_ParseTuple(args, "OO|i:check_not_above", &objs[0], &objs[1], &threads)) return NULL;
    if (sc_py_double_arrays(2, objs, names, arrs, &n) < 0) return NULL;
    size_t i;
    Py_BEGIN_ALLOW_THREADS
    i = sc_check_not_above(SC_DATA(arrs[0]), SC_DATA(arrs[1]), (size_t)n, threads);
    Py_END_ALLOW_THREADS
    sc_py_release(2, arrs);
    return PyLong_FromSsize_t(i == (size_t)n ? -1 : (Py_ssize_t)i);
}

PyMethodDef sc_check_methods[] = {
    {"check_values", py_check_values, METH_VARARGS, "check_values(x, rules, threads=0) -> (index, rule)"},
    {"check_not_above", py_check_not_above, METH_VARARGS, "check_not_above(num, den, threads=0) -> index"},
    {NULL, NULL, 0, NULL},
};
