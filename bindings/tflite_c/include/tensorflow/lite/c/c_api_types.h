/* tensorflow/lite/c/c_api_types.h — the public path of the C API's types (sigrun compatibility layer). */
#ifndef TENSORFLOW_LITE_C_C_API_TYPES_H_
#define TENSORFLOW_LITE_C_C_API_TYPES_H_
#include "tensorflow/lite/core/c/c_api_types.h"
#endif
