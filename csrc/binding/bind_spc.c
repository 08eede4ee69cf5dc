/* placeholder: replaced by the spc family's binding */
#include "bind.h"

PyMethodDef sc_spc_methods[] = {{NULL, NULL, 0, NULL}};
