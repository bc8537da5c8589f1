/*
 * elementwise_q8_x86.c — the AVX2 and AVX-512 instances of the quantized 8-bit ADD/SUB/MUL kernels
 * (elementwise_q8_tmpl.h), their selection and the row adapter used by elementwise.c.
 */
#include "elementwise_q8.h"

#include <string.h>

#if SR_HAVE_X86_KERNELS
#include "simd_avx2.h"
#include "elementwise_q8_tmpl.h"
#include "simd_undef.h"

#include "simd_avx512.h"
#include "elementwise_q8_tmpl.h"
#include "simd_undef.h"
#endif

sr_q8_binary_fn sr_q8_binary_kernel(unsigned isa) {
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512) return sr_q8_vbinary__avx512;
  if (isa & SR_ISA_AVX2_FMA) return sr_q8_vbinary__avx2;
#endif
  (void)isa;
  return NULL;
}

void sr_q8_row(const void* ctx, const void* a, size_t sa, const void* b, size_t sb, void* y, size_t n) {
  const sr_q8_binary* q = ctx;
  q->fn(q, a, sa, b, sb, y, n);
}
