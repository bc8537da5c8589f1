/* tensorflow/lite/c/common.h — the public path (sigrun compatibility layer). */
#ifndef TENSORFLOW_LITE_C_COMMON_H_
#define TENSORFLOW_LITE_C_COMMON_H_
#include "tensorflow/lite/core/c/common.h"
#endif
