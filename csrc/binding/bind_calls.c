/* Binding of the calls kernels (placeholder table, filled in by the family's work). */
#include "bind.h"

PyMethodDef sc_calls_methods[] = {
    {NULL, NULL, 0, NULL},
};
