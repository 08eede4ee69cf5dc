/* placeholder: replaced by the glm family's binding */
#include "bind.h"

PyMethodDef sc_glm_methods[] = {{NULL, NULL, 0, NULL}};
