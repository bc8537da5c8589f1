/*
 * tensorflow/lite/core/c/common.h — as much of LiteRT's common.h as its stable C API needs (sigrun compatibility
 * layer): TfLiteTensor is opaque here, reached only through the TfLiteTensor* functions of c_api.h; the kernel
 * and delegate structs of LiteRT's common.h are not provided.
 */
#ifndef TENSORFLOW_LITE_CORE_C_COMMON_H_
#define TENSORFLOW_LITE_CORE_C_COMMON_H_

#include "tensorflow/lite/core/c/c_api_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct TfLiteTensor TfLiteTensor;

/* "FLOAT32", "INT8", ... ; "Unknown type" for values outside TfLiteType. */
TFL_CAPI_EXPORT extern const char* TfLiteTypeGetName(TfLiteType type);

#ifdef __cplusplus
}
#endif
#endif /* TENSORFLOW_LITE_CORE_C_COMMON_H_ */
