/* placeholder: replaced by the trend family's binding */
#include "bind.h"

PyMethodDef sc_trend_methods[] = {{NULL, NULL, 0, NULL}};
