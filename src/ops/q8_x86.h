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

/* ---- the same on 8 lanes with AVX2 only (sr_q8_rq_lane8): no 64-bit arithmetic shift, so the rounding
 * constant carries + 2^63 and the logical shift is corrected by sign = 2^63 >> count ---- */

#define SR_Q8_INL256 static inline __attribute__((always_inline)) SR_TARGET_AVX2

typedef struct sr_q8_rq8 {
  __m256i mult, mult_o, round_e, round_o, count_e, count_o, dneg_e, dneg_o, sign_e, sign_o, lshift;
} sr_q8_rq8;

SR_Q8_INL256 void sr_q8_rq8_load(sr_q8_rq8* r, const sr_q8_rq_lane8* q, const int ref, const int lsh) {
  r->mult = _mm256_load_si256((const __m256i*)q->mult);
  r->mult_o = _mm256_srli_epi64(r->mult, 32);
  r->round_e = _mm256_load_si256((const __m256i*)q->round_e);
  r->round_o = _mm256_load_si256((const __m256i*)q->round_o);
  r->count_e = _mm256_load_si256((const __m256i*)q->count_e);
  r->count_o = _mm256_load_si256((const __m256i*)q->count_o);
  r->sign_e = _mm256_load_si256((const __m256i*)q->sign_e);
  r->sign_o = _mm256_load_si256((const __m256i*)q->sign_o);
  if (ref) {
    r->dneg_e = _mm256_load_si256((const __m256i*)q->dneg_e);
    r->dneg_o = _mm256_load_si256((const __m256i*)q->dneg_o);
  }
  if (lsh) r->lshift = _mm256_load_si256((const __m256i*)q->lshift);
}

SR_Q8_INL256 __m256i sr_q8_rq8_apply(__m256i x, const sr_q8_rq8* r, const int ref, const int lsh) {
  if (lsh) x = _mm256_sllv_epi32(x, r->lshift);
  __m256i pe = _mm256_mul_epi32(x, r->mult);
  __m256i po = _mm256_mul_epi32(_mm256_srli_epi64(x, 32), r->mult_o);
  if (ref) {
    const __m256i lim = _mm256_set1_epi64x(-((int64_t)1 << 30));
    pe = _mm256_sub_epi64(pe, _mm256_and_si256(_mm256_cmpgt_epi64(lim, pe), r->dneg_e));
    po = _mm256_sub_epi64(po, _mm256_and_si256(_mm256_cmpgt_epi64(lim, po), r->dneg_o));
  }
  pe = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(pe, r->round_e), r->count_e), r->sign_e);
  po = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(po, r->round_o), r->count_o), r->sign_o);
  return _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
}

/* Clamp, offset, and the 8 results as the low bytes of an xmm (truncating narrowing: values fit). */
SR_Q8_INL256 __m128i sr_q8_finish8(__m256i v, __m256i lo, __m256i hi, __m256i offset) {
  v = _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(v, lo), hi), offset);
  const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  return _mm_shuffle_epi8(w, _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1));
}

#endif /* SR_HAVE_X86_KERNELS */

#endif /* SR_OPS_Q8_X86_H */
