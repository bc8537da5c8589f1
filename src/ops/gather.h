/*
 * gather.h — params of GATHER (GatherOptions.axis and batch_dims, both may be negative) and its kernel.
 */
#ifndef SR_OPS_GATHER_H
#define SR_OPS_GATHER_H

#include <stddef.h>
#include <stdint.h>

typedef struct sr_gather_params {
  int axis;
  int batch_dims;
} sr_gather_params;

/* For every batch b < batches, outer row o < outer and coordinate i < coords, copies the `inner`-byte block
 * at row idx[b * coords + i] of the [batches, outer, axis_size, inner] input to row i of the
 * [batches, outer, coords, inner] output. idx holds int16, int32 or int64 values (idx_size 2, 4 or 8 bytes).
 * Returns the position in idx of the first index outside [0, axis_size) — leaving the output partly
 * written — or SIZE_MAX when every index was valid. */
size_t sr_bytes_gather__ref(const uint8_t* in, const void* idx, size_t idx_size, size_t batches, size_t outer,
                            size_t axis_size, size_t coords, size_t inner, uint8_t* out);

#endif /* SR_OPS_GATHER_H */
