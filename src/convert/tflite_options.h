/*
 * tflite_options.h — per-operator facts the writer needs: the BuiltinOptions table of each builtin code the
 * converter emits (field ids from LiteRT's schema.fbs) and LiteRT's minimum runtime version per op version.
 */
#ifndef SR_CONVERT_TFLITE_OPTIONS_H
#define SR_CONVERT_TFLITE_OPTIONS_H

#include <stdint.h>

#include "convert/graph.h"
#include "format/fb_builder.h"

/* Builds op's options table; *type receives the BuiltinOptions union type (0 = none, return 0). */
sr_fbo sr_cv_write_options(sr_fbb* b, const sr_cv_op* op, uint8_t* type);
/* LiteRT's minimum runtime version for version `version` of builtin `code` ("1.5.0"), or NULL if not listed. */
const char* sr_cv_min_runtime(int code, int version);

#endif /* SR_CONVERT_TFLITE_OPTIONS_H */
