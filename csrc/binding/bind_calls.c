/* Binding of the call-handling kernels (sc_calls): calls_evaluate and calls_size.  The
 * Python layer (scrutiny/calls.py) validates and broadcasts, and passes equal-length 1-D
 * arrays; patience None means callers never hang up (Erlang C). */
#include "bind.h"

#include "sc_calls.h"
#include "sc_status.h"

enum { N_OUT = 9 };
static const char *const NAMES[N_OUT] = {"traffic", "agents", "p_wait", "service_level",
                                         "service_level_answered", "abandonment", "asa",
                                         "mean_wait", "occupancy"};

typedef int (*calls_kernel)(const sc_calls_input *, size_t, int, sc_calls_output *);

static const double *data(PyArrayObject *a) { return a ? SC_DATA(a) : NULL; }

/* Run the kernel over the n scenarios of input (which points into the k arrays in) and end the
 * call: {traffic, agents, p_wait, service_level, service_level_answered, abandonment, asa,
 * mean_wait, occupancy}, or NULL with an exception. */
static PyObject *run(calls_kernel kernel, const char *func, const sc_calls_input *input,
                     npy_intp n, int threads, int k, PyArrayObject **in)
{
    PyArrayObject *out[N_OUT];
    if (sc_py_outputs(N_OUT, NULL, NULL, n, out) < 0) return sc_py_fail(k, in, 0, NULL);
    sc_calls_output o = {SC_DATA(out[0]), SC_DATA(out[1]), SC_DATA(out[2]), SC_DATA(out[3]),
                         SC_DATA(out[4]), SC_DATA(out[5]), SC_DATA(out[6]), SC_DATA(out[7]),
                         SC_DATA(out[8])};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = kernel(input, (size_t)n, threads, &o);
    Py_END_ALLOW_THREADS
    return sc_py_finish_named(status, func, k, in, N_OUT, out, NAMES);
}

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
    PyArrayObject *in[6];
    npy_intp n;
    if (sc_py_double_arrays_opt(6, objs, names, in, &n) < 0) return NULL;
    const sc_calls_input input = {data(in[0]), data(in[1]), data(in[2]), data(in[3]),
                                  data(in[4]), data(in[5]), NULL, NULL, NULL, NULL};
    return run(sc_calls_evaluate, "calls", &input, n, threads, 6, in);
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
    PyArrayObject *in[9];
    npy_intp n;
    if (sc_py_double_arrays_opt(9, ordered, names, in, &n) < 0) return NULL;
    const sc_calls_input input = {data(in[0]), data(in[1]), data(in[2]), NULL, data(in[3]),
                                  data(in[8]), data(in[4]), data(in[5]), data(in[6]),
                                  data(in[7])};
    return run(sc_calls_size, "agents_needed", &input, n, threads, 9, in);
}

PyMethodDef sc_calls_methods[] = {
    {"calls_evaluate", py_calls_evaluate, METH_VARARGS,
     "calls_evaluate(calls, interval, handle_time, agents, target_time, patience or None, "
     "threads) -> {traffic, agents, p_wait, service_level, service_level_answered, abandonment, "
     "asa, mean_wait, occupancy}"},
    {"calls_size", py_calls_size, METH_VARARGS,
     "calls_size(calls, interval, handle_time, target_time, service_level, max_occupancy, "
     "max_abandonment, patience or None, min_agents, threads) -> {traffic, agents, p_wait, "
     "service_level, service_level_answered, abandonment, asa, mean_wait, occupancy}"},
    {NULL, NULL, 0, NULL},
};
