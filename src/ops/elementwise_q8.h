/*
 * elementwise_q8.h — vector kernels of quantized int8/uint8 ADD, SUB and MUL (AVX2 / AVX-512), bit-exact with
 * the reference kernels in elementwise.c: the same LiteRT integer arithmetic (offsets, 20-bit left shift,
 * rounding doubling high multiply, rounding right shift, clamp) evaluated on int32 lanes.
 */
#ifndef SR_OPS_ELEMENTWISE_Q8_H
#define SR_OPS_ELEMENTWISE_Q8_H

#include <stddef.h>

#include "../core/cpu.h"
#include "quant.h"

typedef enum sr_q8_op { SR_Q8_ADD, SR_Q8_SUB, SR_Q8_MUL } sr_q8_op;

typedef struct sr_q8_binary sr_q8_binary;
typedef void (*sr_q8_binary_fn)(const sr_q8_binary* q, const void* a, size_t sa, const void* b, size_t sb, void* y,
                                size_t n);

/* One node's constants, as elementwise.c's elem_params holds them. */
struct sr_q8_binary {
  sr_q8_binary_fn fn;
  sr_q8_op op;
  int is_unsigned;
  int32_t off1, off2, out_off; /* -input zero points, output zero point */
  int32_t lo, hi;              /* activation clamp in the output's domain */
  int left_shift;              /* ADD/SUB */
  sr_qmul m1, m2, mout;
};

#if SR_HAVE_X86_KERNELS
void sr_q8_vbinary__avx2(const sr_q8_binary* q, const void* a, size_t sa, const void* b, size_t sb, void* y, size_t n);
void sr_q8_vbinary__avx512(const sr_q8_binary* q, const void* a, size_t sa, const void* b, size_t sb, void* y,
                           size_t n);
#endif

/* The kernel for node->isa, or NULL. */
sr_q8_binary_fn sr_q8_binary_kernel(unsigned isa);
/* sr_vec_row_fn over an sr_q8_binary context. */
void sr_q8_row(const void* ctx, const void* a, size_t sa, const void* b, size_t sb, void* y, size_t n);

#endif /* SR_OPS_ELEMENTWISE_Q8_H */
