/*
 * layout.h — the data-movement family's shared pieces: the params of CONCATENATION and MIRROR_PAD, the
 * strided-copy kernels that TRANSPOSE, REVERSE_V2, SLICE and STRIDED_SLICE all reduce to, and small helpers
 * the reduce, reshape, slice, gather and split files share (which element types may be moved, reading
 * integer index tensors). Data movement is type-agnostic: kernels are chosen by element size (x8..x64 =
 * any 1..8-byte element type).
 */
#ifndef SR_OPS_LAYOUT_H
#define SR_OPS_LAYOUT_H

#include <stdint.h>

#include "op.h"

typedef struct sr_concatenation_params {
  int axis;       /* may be negative: counts from the end */
  int activation; /* sr_activation; only float32 accepts anything but NONE */
} sr_concatenation_params;

typedef enum sr_mirror_pad_mode { SR_MIRROR_REFLECT = 0, SR_MIRROR_SYMMETRIC = 1 } sr_mirror_pad_mode;

typedef struct sr_mirror_pad_params {
  int mode; /* sr_mirror_pad_mode */
} sr_mirror_pad_params;

/* out[i] = in[base + sum_d k_d * steps[d]] for every index (k_0..k_{n-1}) < counts, in row-major order.
 * Offsets are in elements and must stay inside the input (callers derive them from checked shapes). */
typedef void (*sr_strided_copy_fn)(const void* in, void* out, int64_t base, int n, const int32_t* counts,
                                   const int64_t* steps);
void sr_x8_strided_copy__ref(const void* in, void* out, int64_t base, int n, const int32_t* counts,
                             const int64_t* steps);
void sr_x16_strided_copy__ref(const void* in, void* out, int64_t base, int n, const int32_t* counts,
                              const int64_t* steps);
void sr_x32_strided_copy__ref(const void* in, void* out, int64_t base, int n, const int32_t* counts,
                              const int64_t* steps);
void sr_x64_strided_copy__ref(const void* in, void* out, int64_t base, int n, const int32_t* counts,
                              const int64_t* steps);
/* The 4-byte copy with 8 x 8 register transposes for the blocks of a transpose (layout_fast.c); needs AVX2. */
void sr_x32_strided_copy__avx2(const void* in, void* out, int64_t base, int n, const int32_t* counts,
                               const int64_t* steps);
/* The kernel for an element size of 1, 2, 4 or 8 bytes; NULL otherwise. */
sr_strided_copy_fn sr_strided_copy_for_size(size_t element_size);

/* PAD for any element size esz: fills out (shape out_dims) with the esz-byte value, then copies in (shape
 * in_dims) to offset left[d] in every dimension. out_dims[d] = in_dims[d] + left[d] + right[d]. */
void sr_bytes_pad__ref(size_t esz, const void* in, const int32_t* in_dims, int rank, const int32_t* left,
                       const int32_t* out_dims, const void* value, void* out);

/* MIRROR_PAD for any element size esz: out (shape out_dims) is in (shape in_dims) padded by left[d] in front
 * of every dimension, mirrored; offset is 1 for REFLECT (the edge is not repeated) and 0 for SYMMETRIC.
 * Pads must satisfy left[d], out_dims[d] - in_dims[d] - left[d] <= in_dims[d] - offset. */
void sr_bytes_mirror_pad__ref(size_t esz, const void* in, const int32_t* in_dims, int rank, const int32_t* left,
                              const int32_t* out_dims, int offset, void* out);

/* Row-major strides (in elements) of a shape; strides[rank-1] = 1. */
void sr_layout_strides(const int32_t* dims, int rank, int64_t* strides);

/* The element types the data-movement ops accept: float32, int32, int64, bool, int8, uint8, int16. */
static inline int sr_layout_type_ok(sigrun_type type) {
  switch (type) {
    case SIGRUN_TYPE_FLOAT32: case SIGRUN_TYPE_INT32: case SIGRUN_TYPE_INT64: case SIGRUN_TYPE_BOOL:
    case SIGRUN_TYPE_INT8: case SIGRUN_TYPE_UINT8: case SIGRUN_TYPE_INT16:
      return 1;
    default:
      return 0;
  }
}
#define SR_LAYOUT_TYPES "float32, int32, int64, bool, int8, uint8, int16"

/* Fails with UNSUPPORTED unless tensor `t` (input/output `what`) has a data-movement type. */
sigrun_status sr_layout_check_type(sr_node* node, const sr_tensor* t, const char* what);

/* Element-type sets as bit masks over sigrun_type values. SR_TYPES_DATA is what LiteRT's GATHER, PAD,
 * CONCATENATION, PACK, SPLIT... move; SR_TYPES_ANY adds the types LiteRT moves only in the ops it
 * dispatches purely by element size (RESHAPE, SLICE, TRANSPOSE, TILE, MIRROR_PAD...). */
#define SR_TYPE_BIT(t) (1u << (unsigned)(t))
#define SR_TYPES_DATA                                                                                          \
  (SR_TYPE_BIT(SIGRUN_TYPE_FLOAT32) | SR_TYPE_BIT(SIGRUN_TYPE_FLOAT16) | SR_TYPE_BIT(SIGRUN_TYPE_BFLOAT16) |   \
   SR_TYPE_BIT(SIGRUN_TYPE_INT8) | SR_TYPE_BIT(SIGRUN_TYPE_INT16) | SR_TYPE_BIT(SIGRUN_TYPE_INT32) |           \
   SR_TYPE_BIT(SIGRUN_TYPE_INT64) | SR_TYPE_BIT(SIGRUN_TYPE_UINT8) | SR_TYPE_BIT(SIGRUN_TYPE_UINT32) |         \
   SR_TYPE_BIT(SIGRUN_TYPE_BOOL))
#define SR_TYPES_ANY                                                                                           \
  (SR_TYPES_DATA | SR_TYPE_BIT(SIGRUN_TYPE_FLOAT64) | SR_TYPE_BIT(SIGRUN_TYPE_COMPLEX64) |                     \
   SR_TYPE_BIT(SIGRUN_TYPE_UINT16) | SR_TYPE_BIT(SIGRUN_TYPE_UINT64))
/* Fails with UNSUPPORTED (naming the supported types) unless t's type is in the set `allowed`. */
sigrun_status sr_layout_check_types(sr_node* node, const sr_tensor* t, const char* what, uint32_t allowed);
/* Checks input 0 against `allowed` and every output against input 0's type. */
sigrun_status sr_layout_check_io_types(sr_node* node, uint32_t allowed);
/* 1 if a and b have the same per-tensor quantization as LiteRT compares it (first scale and zero point, 0
 * when absent). */
int sr_layout_same_quant(const sr_tensor* a, const sr_tensor* b);

/* Fails unless the index tensor has one of the int types whose bit is set: 1 = int16, 2 = int32, 4 = int64. */
enum { SR_IDX_I16 = 1, SR_IDX_I32 = 2, SR_IDX_I64 = 4 };
sigrun_status sr_layout_check_index_type(sr_node* node, const sr_tensor* t, const char* what, int allowed);

/* Element i of an int16/int32/int64 tensor (the type was checked in prepare). */
static inline int64_t sr_layout_index(const sr_tensor* t, size_t i) {
  switch (t->type) {
    case SIGRUN_TYPE_INT16: return ((const int16_t*)t->data)[i];
    case SIGRUN_TYPE_INT32: return ((const int32_t*)t->data)[i];
    default: return ((const int64_t*)t->data)[i];
  }
}

/* Clamps an int64 into int32 range, for index values whose exact size beyond that cannot matter. */
static inline int32_t sr_layout_clamp_i32(int64_t v) {
  return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : (int32_t)v);
}

#endif /* SR_OPS_LAYOUT_H */
