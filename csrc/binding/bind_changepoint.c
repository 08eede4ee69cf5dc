/* placeholder: replaced by the changepoint family's binding */
#include "bind.h"

PyMethodDef sc_changepoint_methods[] = {{NULL, NULL, 0, NULL}};
