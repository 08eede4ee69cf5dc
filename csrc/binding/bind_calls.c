/* Binding of the call-handling kernels (sc_calls): calls_evaluate and calls_size.  The
 * Python layer (scrutiny/calls.py) validates and broadcasts, and passes equal-length 1-D
 * arrays; patience None means callers never hang up (Erlang C). */
#include "bind.h"

#include "sc_calls.h"
#include "sc_status.h"

enum { N_OUT = 9, MAX_IN = 10 };

/* Convert k inputs (objs[k - 1] may be None: left NULL) and make N_OUT outputs of their
 * length.  Returns 0, or -1 with an exception set and nothing held. */
static int prepare(int k, PyObject **objs, const char **names, PyArrayObject **in,
                   PyArrayObject **out, npy_intp *n)
{
    for (int j = 0; j < N_OUT; j++) out[j] = NULL;
    int last_none = objs[k - 1] == Py_None;
    if (sc_py_double_arrays(last_none ? k - 1 : k, objs, names, in, n) < 0) return -1;
    if (last_none) in[k - 1] = NULL;
    for (int j = 0; j < N_OUT; j++) {
        if ((out[j] = sc_py_empty(1, n)) == NULL) {
            sc_py_release(k, in);
            sc_py_release(N_OUT, out);
            return -1;
        }
    }
    return 0;
}

static sc_calls_output outputs(PyArrayObject **out)
{
    sc_calls_output o = {SC_DATA(out[0]), SC_DATA(out[1]), SC_DATA(out[2]), SC_DATA(out[3]),
                         SC_DATA(out[4]), SC_DATA(out[5]), SC_DATA(out[6]), SC_DATA(out[7]),
                         SC_DATA(out[8])};
    return o;
}

static PyObject *finish(int status, const char *func, int k, PyArrayObject **in,
                        PyArrayObject **out)
{
    sc_py_release(k, in);
    if (status != SC_SUCCESS) {
        sc_py_release(N_OUT, out);
        return sc_py_raise(status, func);
    }
    return Py_BuildValue("NNNNNNNNN", out[0], out[1], out[2], out[3], out[4], out[5], out[6],
                         out[7], out[8]);
}

static const double *data(PyArrayObject *a) { return a ? SC_DATA(a) : NULL; }

static PyObject *py_calls_evaluate(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[6];
    int threads;
    if (!PyArg_ParseTuple(args, "OOOOOOi:calls_evaluate", &objs[0], &objs[1], &objs[2],
                          &objs[3], &objs[4], &objs[5], &threads))
        return NULL;
    static const char *names[] = {"calls", "interval", "handle_time", "agents", "target_time",
                                  "patience"};
    PyArrayObject *in[MAX_IN] = {NULL}, *out[N_OUT];
    npy_intp n;
    if (prepare(6, objs, names, in, out, &n) < 0) return NULL;
    sc_calls_input input = {data(in[0]), data(in[1]), data(in[2]), data(in[3]), data(in[4]),
                            data(in[5]), NULL, NULL, NULL, NULL};
    sc_calls_output o = outputs(out);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_calls_evaluate(&input, (size_t)n, threads, &o);
    Py_END_ALLOW_THREADS
    return finish(status, "calls", 6, in, out);
}

static PyObject *py_calls_size(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[9];
    int threads;
    if (!PyArg_ParseTuple(args, "OOOOOOOOOi:calls_size", &objs[0], &objs[1], &objs[2],
                          &objs[3], &objs[4], &objs[5], &objs[6], &objs[7], &objs[8], &threads))
        return NULL;
    /* patience (possibly None) goes last */
    static const char *names[] = {"calls", "interval", "handle_time", "target_time",
                                  "service_level", "max_occupancy", "max_abandonment",
                                  "min_agents", "patience"};
    PyObject *ordered[9] = {objs[0], objs[1], objs[2], objs[3], objs[4], objs[5], objs[6],
                            objs[8], objs[7]};
    PyArrayObject *in[MAX_IN] = {NULL}, *out[N_OUT];
    npy_intp n;
    if (prepare(9, ordered, names, in, out, &n) < 0) return NULL;
    sc_calls_input input = {data(in[0]), data(in[1]), data(in[2]), NULL, data(in[3]),
                            data(in[8]), data(in[4]), data(in[5]), data(in[6]), data(in[7])};
    sc_calls_output o = outputs(out);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_calls_size(&input, (size_t)n, threads, &o);
    Py_END_ALLOW_THREADS
    return finish(status, "agents_needed", 9, in, out);
}

PyMethodDef sc_calls_methods[] = {
    {"calls_evaluate", py_calls_evaluate, METH_VARARGS,
     "calls_evaluate(calls, interval, handle_time, agents, target_time, patience or None, "
     "threads) -> (traffic, agents, p_wait, service_level, service_level_answered, abandonment, "
     "asa, mean_wait, occupancy)"},
    {"calls_size", py_calls_size, METH_VARARGS,
     "calls_size(calls, interval, handle_time, target_time, service_level, max_occupancy, "
     "max_abandonment, patience or None, min_agents, threads) -> (traffic, agents, p_wait, "
     "service_level, service_level_answered, abandonment, asa, mean_wait, occupancy)"},
    {NULL, NULL, 0, NULL},
};
