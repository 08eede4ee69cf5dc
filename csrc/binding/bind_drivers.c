/* placeholder: replaced by the drivers family's binding */
#include "bind.h"

PyMethodDef sc_drivers_methods[] = {{NULL, NULL, 0, NULL}};
