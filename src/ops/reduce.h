/*
 * reduce.h — params of MEAN and SUM (ReducerOptions.keep_dims) and their reference kernels.
 * A reduction is described by the input shape and a bit mask of reduced dimensions; each output element
 * accumulates its inputs in row-major order, as LiteRT's reference kernels do.
 */
#ifndef SR_OPS_REDUCE_H
#define SR_OPS_REDUCE_H

#include <stdint.h>

typedef struct sr_reducer_params {
  int keep_dims;
} sr_reducer_params;

/* MEAN sums in the element type's accumulator (float for float32, int64 for int32/int64) and divides by
 * the number of reduced elements; an empty reduction yields NaN for float32 and 0 for integers. */
void sr_f32_mean__ref(const float* in, const int32_t* dims, int rank, uint32_t mask, float* out);
void sr_i32_mean__ref(const int32_t* in, const int32_t* dims, int rank, uint32_t mask, int32_t* out);
void sr_i64_mean__ref(const int64_t* in, const int32_t* dims, int rank, uint32_t mask, int64_t* out);
/* SUM accumulates in the element type; integers wrap around on overflow like LiteRT's. */
void sr_f32_sum__ref(const float* in, const int32_t* dims, int rank, uint32_t mask, float* out);
void sr_i32_sum__ref(const int32_t* in, const int32_t* dims, int rank, uint32_t mask, int32_t* out);
void sr_i64_sum__ref(const int64_t* in, const int32_t* dims, int rank, uint32_t mask, int64_t* out);

#endif /* SR_OPS_REDUCE_H */
