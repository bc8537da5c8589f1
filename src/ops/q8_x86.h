/*
 * q8_x86.h — vector pieces shared by the x86 8-bit kernels (gemm_q8_*.c, dwconv_q8_*.c): LiteRT's
 * requantization of one vector of int32 sums with the per-lane constants of gemm_q8.h. Functions are static
 * inline with target attributes, so they compile only into functions of the same ISA.
 */
#ifndef SR_OPS_Q8_X86_H
#define SR_OPS_Q8_X86_H

#include "../core/cpu.h"
#include "gemm_q8.h"

#if SR_HAVE_X86_KERNELS
#include <immintrin.h>

/* LiteRT's requantization of 16 sums (see sr_q8_rq_lane16), offset and clamp, narrowed to bytes. */
static inline __attribute__((always_inline)) SR_TARGET_AVX512 __m128i sr_q8_requant16(__m512i x, const sr_q8_rq_lane16* q, const sr_q8_epilogue* e) {
  if (e->has_lshift) x = _mm512_sllv_epi32(x, _mm512_load_si512(q->lshift));
  const __m512i mult = _mm512_load_si512(q->mult);
  __m512i pe = _mm512_mul_epi32(x, mult);
  __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(mult, 32));
  if (e->ref_rounding) {
    const __m512i lim = _mm512_set1_epi64(-((int64_t)1 << 30));
    const __mmask8 ne = _mm512_cmplt_epi64_mask(pe, lim), no = _mm512_cmplt_epi64_mask(po, lim);
    pe = _mm512_mask_sub_epi64(pe, ne, pe, _mm512_load_si512(q->dneg_e));
    po = _mm512_mask_sub_epi64(po, no, po, _mm512_load_si512(q->dneg_o));
  }
  pe = _mm512_srav_epi64(_mm512_add_epi64(pe, _mm512_load_si512(q->round_e)), _mm512_load_si512(q->count_e));
  po = _mm512_srav_epi64(_mm512_add_epi64(po, _mm512_load_si512(q->round_o)), _mm512_load_si512(q->count_o));
  __m512i v = _mm512_mask_shuffle_epi32(pe, 0xAAAA, po, _MM_PERM_CDAB); /* odd lanes from po's low halves */
  v = _mm512_min_epi32(_mm512_max_epi32(v, _mm512_set1_epi32(e->lo)), _mm512_set1_epi32(e->hi));
  return _mm512_cvtepi32_epi8(_mm512_add_epi32(v, _mm512_set1_epi32(e->out_offset)));
}

#endif /* SR_HAVE_X86_KERNELS */

#endif /* SR_OPS_Q8_X86_H */
