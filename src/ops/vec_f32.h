/*
 * vec_f32.h — vectorized float elementwise kernels (AVX2 / AVX-512) for the activation and binary families,
 * and the helpers that run them over a node's threads. Exact operations (clamps, HARD_SWISH, LEAKY_RELU, ADD,
 * SUB, MUL, DIV, MAXIMUM, MINIMUM) give the reference kernels' bits, NaN and signed zeros included; LOGISTIC
 * and TANH use a polynomial exponential accurate to a few ulp of the result's magnitude (absolute error below
 * 1e-7 on the (0, 1) / (-1, 1) range).
 */
#ifndef SR_OPS_VEC_F32_H
#define SR_OPS_VEC_F32_H

#include <stddef.h>
#include <stdint.h>

#include "../core/cpu.h"
#include "op.h"

typedef enum sr_vec_unary_op {
  SR_VU_CLAMP,      /* x < lo ? lo : (x > hi ? hi : x): RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1 */
  SR_VU_LEAKY,      /* x > 0 ? x : x * alpha */
  SR_VU_HARD_SWISH, /* x * clamp(x + 3, 0, 6) / 6 */
  SR_VU_LOGISTIC,
  SR_VU_TANH,
  SR_VU_GELU,      /* 0.5 x erfc(-x / sqrt 2), within 1e-7 |x| */
  SR_VU_GELU_TANH, /* 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) */
  SR_VU_SWISH,     /* clamp(x * logistic(x), lo, hi): LOGISTIC then MUL by its input, fused; the same bits as the
                      two vector kernels, in one pass over memory (for a graph-level fusion of swish) */
} sr_vec_unary_op;

typedef struct sr_vec_unary {
  sr_vec_unary_op op;
  float lo, hi, alpha;
} sr_vec_unary;

typedef void (*sr_vec_unary_fn)(const sr_vec_unary* u, const float* x, float* y, size_t n);

typedef enum sr_vec_binary_op {
  SR_VB_ADD, SR_VB_SUB, SR_VB_MUL, SR_VB_DIV, SR_VB_MAX, SR_VB_MIN,
  SR_VB_PRELU,  /* a < 0 ? a * b : a (PRELU with alpha b) */
  SR_VB_SQDIFF, /* (a - b) * (a - b), not clamped (SQUARED_DIFFERENCE has no activation) */
} sr_vec_binary_op;

/* y[i] = a[i * sa] op b[i * sb] for sa, sb in {0, 1} (0: a scalar operand), then clamped to [lo, hi] (not for
 * MAX/MIN, which compare as the reference: a > b ? a : b, a < b ? a : b, nor PRELU and SQDIFF). */
typedef void (*sr_vec_binary_fn)(sr_vec_binary_op op, const float* a, size_t sa, const float* b, size_t sb, float* y,
                                 size_t n, float lo, float hi);

#if SR_HAVE_X86_KERNELS
void sr_f32_vunary__avx2(const sr_vec_unary* u, const float* x, float* y, size_t n);
void sr_f32_vunary__avx512(const sr_vec_unary* u, const float* x, float* y, size_t n);
void sr_f32_vbinary__avx2(sr_vec_binary_op op, const float* a, size_t sa, const float* b, size_t sb, float* y, size_t n,
                          float lo, float hi);
void sr_f32_vbinary__avx512(sr_vec_binary_op op, const float* a, size_t sa, const float* b, size_t sb, float* y,
                            size_t n, float lo, float hi);
void sr_f32_softmax_rows__avx2(const float* x, float* y, size_t rows, size_t depth, float beta);
void sr_f32_softmax_rows__avx512(const float* x, float* y, size_t rows, size_t depth, float beta);
void sr_f32_softmax_scaled_rows__avx2(const float* x, float* y, size_t rows, size_t depth, float beta, float scale);
void sr_f32_softmax_scaled_rows__avx512(const float* x, float* y, size_t rows, size_t depth, float beta, float scale);
void sr_f16_f32_convert__avx2(const uint16_t* x, float* y, size_t n);
void sr_f16_f32_convert__avx512(const uint16_t* x, float* y, size_t n);
void sr_qs8_f32_dequantize__avx2(const int8_t* x, float* y, size_t n, float scale, int32_t zero_point);
void sr_qs8_f32_dequantize__avx512(const int8_t* x, float* y, size_t n, float scale, int32_t zero_point);
void sr_f32_pool_pixel__avx2(const float* in, size_t rows, size_t cols, size_t row_stride, size_t C, float* out,
                             int is_max, float lo, float hi);
void sr_f32_pool_pixel__avx512(const float* in, size_t rows, size_t cols, size_t row_stride, size_t C, float* out,
                               int is_max, float lo, float hi);
void sr_f32_vsum_rows__avx2(const float* x, size_t rows, size_t red, float* y, float divisor);
void sr_f32_vsum_rows__avx512(const float* x, size_t rows, size_t red, float* y, float divisor);
void sr_f32_vsum_outer__avx2(const float* x, size_t red, size_t inner, size_t stride, float* y, float divisor);
void sr_f32_vsum_outer__avx512(const float* x, size_t red, size_t inner, size_t stride, float* y, float divisor);
void sr_f32_layernorm_rows__avx2(const float* x, size_t rows, size_t depth, const float* gamma, const float* beta,
                                 float eps, float* stats, float* y);
void sr_f32_layernorm_rows__avx512(const float* x, size_t rows, size_t depth, const float* gamma, const float* beta,
                                   float eps, float* stats, float* y);
#endif

/* The kernels for node->isa, or NULL (reference kernels) when it has no AVX2. */
sr_vec_unary_fn sr_vec_unary_kernel(unsigned isa);
sr_vec_binary_fn sr_vec_binary_kernel(unsigned isa);
typedef void (*sr_vec_pool_fn)(const float* in, size_t rows, size_t cols, size_t row_stride, size_t C, float* out,
                               int is_max, float lo, float hi);
sr_vec_pool_fn sr_vec_pool_kernel(unsigned isa);
/* SOFTMAX rows with beta > 0 (exp arguments <= 0); in place allowed. Sums in vector order (within 1e-6). */
typedef void (*sr_vec_softmax_fn)(const float* x, float* y, size_t rows, size_t depth, float beta);
sr_vec_softmax_fn sr_vec_softmax_kernel(unsigned isa);
/* The same rows of x * scale (each product rounded as a MUL by the scalar rounds it), without writing them: the
 * bits of a MUL's output through the sr_vec_softmax_fn of the same ISA. */
typedef void (*sr_vec_softmax_scaled_fn)(const float* x, float* y, size_t rows, size_t depth, float beta, float scale);
sr_vec_softmax_scaled_fn sr_vec_softmax_scaled_kernel(unsigned isa);
typedef void (*sr_vec_f16_fn)(const uint16_t* x, float* y, size_t n);
sr_vec_f16_fn sr_vec_f16_kernel(unsigned isa);
/* The fused layer norm's rows (see vec_f32_tmpl.h): beta may be NULL; stats holds 2 rows floats. */
typedef void (*sr_vec_layernorm_fn)(const float* x, size_t rows, size_t depth, const float* gamma, const float* beta,
                                    float eps, float* stats, float* y);
sr_vec_layernorm_fn sr_vec_layernorm_kernel(unsigned isa);
/* Per-tensor int8 DEQUANTIZE: y = scale * (x - zero_point) for |zero_point| <= 2^23 - 256, bit-exact. */
typedef void (*sr_vec_dequant_s8_fn)(const int8_t* x, float* y, size_t n, float scale, int32_t zero_point);
sr_vec_dequant_s8_fn sr_vec_dequant_s8_kernel(unsigned isa);

/* Runs fn over x[0, n) -> y in chunks spread over the node's threads (in place allowed: x == y). */
void sr_vec_unary_run(const sr_node* node, sr_vec_unary_fn fn, const sr_vec_unary* u, const float* x, float* y,
                      size_t n);

struct sr_broadcast_plan;
/* One row of a two-input elementwise op: y[i] = f(a[i * sa], b[i * sb]) for i < n, sa and sb in {0, 1}. */
typedef void (*sr_vec_row_fn)(const void* ctx, const void* a, size_t sa, const void* b, size_t sb, void* y, size_t n);
/* Runs row over a two-input broadcast plan (broadcast.h) of elem_size-byte elements: y in output order, rows
 * (or chunks of long rows) spread over the node's threads. */
void sr_vec_binary_run(const sr_node* node, sr_vec_row_fn row, const void* ctx, size_t elem_size,
                       const struct sr_broadcast_plan* plan, const void* a, const void* b, void* y);

/* Context of sr_vec_f32_row: the float kernel and its operation. */
typedef struct sr_vec_f32_binary {
  sr_vec_binary_fn fn;
  sr_vec_binary_op op;
  float lo, hi;
} sr_vec_f32_binary;
void sr_vec_f32_row(const void* ctx, const void* a, size_t sa, const void* b, size_t sb, void* y, size_t n);

#endif /* SR_OPS_VEC_F32_H */
