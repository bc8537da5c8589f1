/* tensorflow/lite/c/c_api.h — the public path of LiteRT's stable C API (sigrun compatibility layer). */
#ifndef TENSORFLOW_LITE_C_C_API_H_
#define TENSORFLOW_LITE_C_C_API_H_
#include "tensorflow/lite/core/c/c_api.h"
#endif
