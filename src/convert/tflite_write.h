/*
 * tflite_write.h — serializes the converter's IR (graph.h) as a .tflite flatbuffer laid out as LiteRT's
 * converter lays it out: schema version 3, description "MLIR Converted.", one SignatureDef per signature in
 * model order with TensorMaps sorted by name, constant buffers deduplicated by content (so weights shared by
 * several signatures are stored once), buffer 0 the empty sentinel, and a "min_runtime_version" metadata entry.
 * Tensors no live operator or subgraph input/output refers to are left out, so passes never need to compact.
 */
#ifndef SR_CONVERT_TFLITE_WRITE_H
#define SR_CONVERT_TFLITE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "convert/graph.h"

/* On success *out (from sr_malloc, free with sr_free) holds *size bytes. */
sigrun_status sr_cv_write_tflite(const sr_cv_model* m, uint8_t** out, size_t* size, sigrun_error* error);

#endif /* SR_CONVERT_TFLITE_WRITE_H */
