/*
 * dwconv_q8_avx512.c — AVX-512 8-bit depthwise kernel (dwconv_q8.h): 32 channels of one output pixel per step;
 * the inputs of two taps are byte-interleaved, widened to int16 pairs and multiplied-added with vpdpwssd
 * (AVX-512 VNNI), exact in int32 (|x| <= 255, |w| <= 255). Requantization as in the GEMM. Pixels whose window
 * lies inside the input find their taps at fixed offsets from the window's corner; the others point padded taps
 * at the zero-point row. 3x3 and 5x5 windows get fully unrolled variants.
 */
#include "dwconv_q8.h"
#include "q8_x86.h"

#if SR_HAVE_X86_KERNELS

#define INL static inline __attribute__((always_inline)) SR_TARGET_AVX512_VNNI

/* One pixel's channels [c0, c0 + 32) (fewer at the end: `mask` selects the valid bytes); `np` tap pairs at
 * addresses base + taps[t]: a window corner and fixed offsets inside the input, or 0 and edge_taps' addresses (so
 * that interior pixels load their offsets from memory nobody just wrote). */
INL void block(const sr_dw_q8* p, uintptr_t base, const uintptr_t* taps, const size_t np, size_t blk, __mmask32 mask,
               uint8_t* out, const __m512i lo, const __m512i hi, const __m512i off, const int a_unsigned,
               const int ref) {
  const size_t c0 = blk * 32;
  const sr_q8_rq_lane16* q = (const sr_q8_rq_lane16*)p->rq + 2 * blk;
  __m512i acc_lo = _mm512_load_si512(q[0].bias), acc_hi = _mm512_load_si512(q[1].bias);
  const int16_t* w = p->w + blk * np * 64;
#pragma GCC unroll 13
  for (size_t t = 0; t < np; t++) {
    const __m256i x1 = _mm256_maskz_loadu_epi8(mask, (const uint8_t*)(base + taps[2 * t]) + c0);
    const __m256i x2 = _mm256_maskz_loadu_epi8(mask, (const uint8_t*)(base + taps[2 * t + 1]) + c0);
    /* Two taps' 32 channels as int16 pairs: channels 0-7,16-23 (l) and 8-15,24-31 (h). */
    const __m256i l = _mm256_unpacklo_epi8(x1, x2), h = _mm256_unpackhi_epi8(x1, x2);
    const __m512i pl = a_unsigned ? _mm512_cvtepu8_epi16(l) : _mm512_cvtepi8_epi16(l);
    const __m512i ph = a_unsigned ? _mm512_cvtepu8_epi16(h) : _mm512_cvtepi8_epi16(h);
    acc_lo = _mm512_dpwssd_epi32(acc_lo, pl, _mm512_load_si512(w + 64 * t));
    acc_hi = _mm512_dpwssd_epi32(acc_hi, ph, _mm512_load_si512(w + 64 * t + 32));
  }
  const int lsh = p->epi.has_lshift;
  sr_q8_rq16 r;
  sr_q8_rq16_load(&r, &q[0], ref, lsh);
  __m512i v_lo = sr_q8_rq16_apply(acc_lo, &r, ref, lsh);
  sr_q8_rq16_load(&r, &q[1], ref, lsh);
  __m512i v_hi = sr_q8_rq16_apply(acc_hi, &r, ref, lsh);
  v_lo = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(v_lo, lo), hi), off);
  v_hi = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(v_hi, lo), hi), off);
  /* Narrow both (values fit, so saturation never acts) and put the channels back in order: after the packs,
   * dwords 0, 4, 1, 5, 8, 12, 9, 13 hold channels 0-3, 4-7, ..., 28-31. */
  const __m512i w16 = _mm512_packs_epi32(v_lo, v_hi);
  const __m512i w8 = a_unsigned ? _mm512_packus_epi16(w16, w16) : _mm512_packs_epi16(w16, w16);
  const __m512i order = _mm512_setr_epi32(0, 4, 1, 5, 8, 12, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
  _mm256_mask_storeu_epi8(out + c0, mask, _mm512_castsi512_si256(_mm512_permutexvar_epi32(order, w8)));
}

/* ref: some channel rounds half away from zero (with dneg = 0 that code rounds half up too, so the generic
 * variants serve every node). */
INL void rows(const sr_dw_q8* p, size_t r0, size_t r1, const size_t np_fixed, const int a_unsigned, const int ref) {
  const sr_conv_geom* g = p->g;
  const size_t channels = (size_t)g->in_c, taps_n = (size_t)g->filter_h * (size_t)g->filter_w;
  const size_t np = np_fixed ? np_fixed : (taps_n + 1) / 2, blocks = (channels + 31) / 32, rest = channels % 32;
  const __mmask32 last = rest ? (((__mmask32)1 << rest) - 1) : ~(__mmask32)0;
  const __m512i lo = _mm512_set1_epi32(p->epi.lo), hi = _mm512_set1_epi32(p->epi.hi);
  const __m512i off = _mm512_set1_epi32(p->epi.out_offset);
  uintptr_t taps[SR_DW_Q8_MAX_TAPS + 1], offsets[SR_DW_Q8_MAX_TAPS + 1];
  sr_dw_q8_tap_offsets(g, offsets);
  for (size_t r = r0; r < r1; r++) {
    const size_t b = r / (size_t)g->out_h;
    const int64_t oy = (int64_t)(r % (size_t)g->out_h);
    int64_t x0, x1;
    sr_dw_q8_interior(g, oy, &x0, &x1);
    uint8_t* out = p->out + r * (size_t)g->out_w * channels;
    const uint8_t* row = p->in + (b * (size_t)g->in_h + (size_t)(oy * g->stride_h - g->pad_top)) * (size_t)g->in_w *
                                     channels; /* only used for interior pixels */
    for (int64_t ox = 0; ox < g->out_w; ox++, out += channels) {
      const int inside = ox >= x0 && ox < x1;
      const uintptr_t base = inside ? (uintptr_t)(row + (size_t)(ox * g->stride_w - g->pad_left) * channels) : 0;
      if (!inside) sr_dw_q8_edge_taps(p, b, oy, ox, taps);
      const uintptr_t* addr = inside ? offsets : taps;
      for (size_t blk = 0; blk < blocks; blk++)
        block(p, base, addr, np, blk, blk + 1 < blocks ? ~(__mmask32)0 : last, out, lo, hi, off, a_unsigned, ref);
    }
  }
}

/* Variants: 3x3 and 5x5 int8 unrolled, rounding half up (LiteRT's vector stage: every channel when out_c is a
 * multiple of 8); any window and rounding for int8, and for uint8 (older models, rarer). */
static SR_TARGET_AVX512_VNNI void rows3_s8(const sr_dw_q8* p, size_t r0, size_t r1) { rows(p, r0, r1, 5, 0, 0); }
static SR_TARGET_AVX512_VNNI void rows5_s8(const sr_dw_q8* p, size_t r0, size_t r1) { rows(p, r0, r1, 13, 0, 0); }
static SR_TARGET_AVX512_VNNI void rows_s8(const sr_dw_q8* p, size_t r0, size_t r1) { rows(p, r0, r1, 0, 0, 1); }
static SR_TARGET_AVX512_VNNI void rows_u8(const sr_dw_q8* p, size_t r0, size_t r1) { rows(p, r0, r1, 0, 1, 1); }

void sr_dw_q8_rows__avx512(const sr_dw_q8* p, size_t r0, size_t r1) {
  const int32_t kh = p->g->filter_h, kw = p->g->filter_w;
  if (p->a_unsigned) rows_u8(p, r0, r1);
  else if (p->epi.ref_rounding) rows_s8(p, r0, r1);
  else if (kh == 3 && kw == 3) rows3_s8(p, r0, r1);
  else if (kh == 5 && kw == 5) rows5_s8(p, r0, r1);
  else rows_s8(p, r0, r1);
}

#else
void sr_dw_q8_rows__avx512(const sr_dw_q8* p, size_t r0, size_t r1) { (void)p, (void)r0, (void)r1; }
#endif
