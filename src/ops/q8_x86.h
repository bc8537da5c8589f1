/*
 * q8_x86.h — vector pieces shared by the x86 8-bit kernels (gemm_q8_*.c, dwconv_q8_*.c): LiteRT's
 * requantization of 16 int32 sums with the per-lane constants of gemm_q8.h (sr_q8_rq_lane16), split into a
 * load of the constants (once per column group) and their application (once per row). Functions are static
 * inline with target attributes, so they compile only into functions of the same ISA.
 */
#ifndef SR_OPS_Q8_X86_H
#define SR_OPS_Q8_X86_H

#include "../core/cpu.h"
#include "gemm_q8.h"

#if SR_HAVE_X86_KERNELS
#include <immintrin.h>

#define SR_Q8_INL512 static inline __attribute__((always_inline)) SR_TARGET_AVX512

/* The constants of 16 columns in registers; `ref` (half away from zero) and `lsh` (some left shift) are
 * compile-time flags of the caller's variant. */
typedef struct sr_q8_rq16 {
  __m512i mult, mult_o, round_e, round_o, count_e, count_o, dneg_e, dneg_o, lshift;
} sr_q8_rq16;

SR_Q8_INL512 void sr_q8_rq16_load(sr_q8_rq16* r, const sr_q8_rq_lane16* q, const int ref, const int lsh) {
  r->mult = _mm512_load_si512(q->mult);
  r->mult_o = _mm512_srli_epi64(r->mult, 32);
  r->round_e = _mm512_load_si512(q->round_e);
  r->round_o = _mm512_load_si512(q->round_o);
  r->count_e = _mm512_load_si512(q->count_e);
  r->count_o = _mm512_load_si512(q->count_o);
  if (ref) r->dneg_e = _mm512_load_si512(q->dneg_e), r->dneg_o = _mm512_load_si512(q->dneg_o);
  if (lsh) r->lshift = _mm512_load_si512(q->lshift);
}

/* LiteRT's multiplier applied to 16 sums: one 64-bit rounding per lane (see sr_q8_rq_lane16). */
SR_Q8_INL512 __m512i sr_q8_rq16_apply(__m512i x, const sr_q8_rq16* r, const int ref, const int lsh) {
  if (lsh) x = _mm512_sllv_epi32(x, r->lshift);
  __m512i pe = _mm512_mul_epi32(x, r->mult);
  __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(x, 32), r->mult_o);
  if (ref) {
    const __m512i lim = _mm512_set1_epi64(-((int64_t)1 << 30));
    const __mmask8 ne = _mm512_cmplt_epi64_mask(pe, lim), no = _mm512_cmplt_epi64_mask(po, lim);
    pe = _mm512_mask_sub_epi64(pe, ne, pe, r->dneg_e);
    po = _mm512_mask_sub_epi64(po, no, po, r->dneg_o);
  }
  pe = _mm512_srav_epi64(_mm512_add_epi64(pe, r->round_e), r->count_e);
  po = _mm512_srav_epi64(_mm512_add_epi64(po, r->round_o), r->count_o);
  return _mm512_mask_shuffle_epi32(pe, 0xAAAA, po, _MM_PERM_CDAB); /* odd lanes from po's low halves */
}

/* Clamp to [lo, hi] (bounds already minus the output offset), add the offset, narrow to bytes (values fit). */
SR_Q8_INL512 __m128i sr_q8_finish16(__m512i v, __m512i lo, __m512i hi, __m512i offset) {
  v = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
  return _mm512_cvtepi32_epi8(_mm512_add_epi32(v, offset));
}

#endif /* SR_HAVE_X86_KERNELS */

#endif /* SR_OPS_Q8_X86_H */
