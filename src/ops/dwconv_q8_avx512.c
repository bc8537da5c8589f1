/*
 * dwconv_q8_avx512.c — AVX-512 8-bit depthwise kernel (dwconv_q8.h): 32 channels of one output pixel per step;
 * the inputs of two taps are byte-interleaved, widened to int16 pairs and multiplied-added with vpdpwssd
 * (AVX-512 VNNI) or vpmaddwd, exact in int32 (|x| <= 255, |w| <= 255). Requantization as in the GEMM.
 */
#include "dwconv_q8.h"
#include "q8_x86.h"

#if SR_HAVE_X86_KERNELS

#define INL static inline __attribute__((always_inline)) SR_TARGET_AVX512_VNNI

/* Tap pointers of output pixel (b, oy, ox): the input pixel, or the zero-point row in the padding. */
INL void tap_pointers(const sr_dw_q8* p, size_t b, int64_t oy, int64_t ox, const uint8_t** taps) {
  const sr_conv_geom* g = p->g;
  const size_t c = (size_t)g->in_c;
  size_t t = 0;
  for (int32_t ky = 0; ky < g->filter_h; ky++) {
    const int64_t iy = oy * g->stride_h - g->pad_top + (int64_t)ky * g->dilation_h;
    const int row_ok = iy >= 0 && iy < g->in_h;
    const uint8_t* row = p->in + (b * (size_t)g->in_h + (size_t)(row_ok ? iy : 0)) * (size_t)g->in_w * c;
    for (int32_t kx = 0; kx < g->filter_w; kx++) {
      const int64_t ix = ox * g->stride_w - g->pad_left + (int64_t)kx * g->dilation_w;
      taps[t++] = row_ok && ix >= 0 && ix < g->in_w ? row + (size_t)ix * c : p->pad;
    }
  }
  if (t % 2) taps[t] = taps[t - 1]; /* the odd tap's partner has weight 0 */
}

/* Two taps' 32 channels as int16 pairs: channels 0-7,16-23 (lo) and 8-15,24-31 (hi). */
INL void pairs(__m256i x1, __m256i x2, int a_unsigned, __m512i* lo, __m512i* hi) {
  const __m256i l = _mm256_unpacklo_epi8(x1, x2), h = _mm256_unpackhi_epi8(x1, x2);
  *lo = a_unsigned ? _mm512_cvtepu8_epi16(l) : _mm512_cvtepi8_epi16(l);
  *hi = a_unsigned ? _mm512_cvtepu8_epi16(h) : _mm512_cvtepi8_epi16(h);
}

/* One pixel's channels [c0, c0 + 32) (fewer at the end: `mask` selects the valid bytes). */
INL void block(const sr_dw_q8* p, const uint8_t* const* taps, size_t pairs_n, size_t blk, __mmask32 mask,
               uint8_t* out, const int a_unsigned, const int ref) {
  const size_t c0 = blk * 32;
  const sr_q8_rq_lane16* q = p->rq + 2 * blk;
  __m512i acc_lo = _mm512_load_si512(q[0].bias), acc_hi = _mm512_load_si512(q[1].bias);
  const int16_t* w = p->w + blk * pairs_n * 64;
  for (size_t t = 0; t < pairs_n; t++, w += 64) {
    const __m256i x1 = _mm256_maskz_loadu_epi8(mask, taps[2 * t] + c0);
    const __m256i x2 = _mm256_maskz_loadu_epi8(mask, taps[2 * t + 1] + c0);
    __m512i lo, hi;
    pairs(x1, x2, a_unsigned, &lo, &hi);
    acc_lo = _mm512_dpwssd_epi32(acc_lo, lo, _mm512_load_si512(w));
    acc_hi = _mm512_dpwssd_epi32(acc_hi, hi, _mm512_load_si512(w + 32));
  }
  const int lsh = p->epi.has_lshift;
  const __m512i lo = _mm512_set1_epi32(p->epi.lo), hi = _mm512_set1_epi32(p->epi.hi);
  const __m512i off = _mm512_set1_epi32(p->epi.out_offset);
  sr_q8_rq16 r;
  sr_q8_rq16_load(&r, &q[0], ref, lsh);
  const __m128i r_lo = sr_q8_finish16(sr_q8_rq16_apply(acc_lo, &r, ref, lsh), lo, hi, off);
  sr_q8_rq16_load(&r, &q[1], ref, lsh);
  const __m128i r_hi = sr_q8_finish16(sr_q8_rq16_apply(acc_hi, &r, ref, lsh), lo, hi, off);
  const __m256i v = _mm256_set_m128i(_mm_unpackhi_epi64(r_lo, r_hi), _mm_unpacklo_epi64(r_lo, r_hi));
  _mm256_mask_storeu_epi8(out + c0, mask, v);
}

INL void rows(const sr_dw_q8* p, size_t r0, size_t r1, const int a_unsigned, const int ref) {
  const sr_conv_geom* g = p->g;
  const size_t channels = (size_t)g->in_c, taps_n = (size_t)g->filter_h * (size_t)g->filter_w;
  const size_t pairs_n = (taps_n + 1) / 2, full = channels / 32, rest = channels % 32;
  const __mmask32 all = ~(__mmask32)0, last = rest ? (((__mmask32)1 << rest) - 1) : 0;
  const uint8_t* taps[SR_DW_Q8_MAX_TAPS + 1];
  for (size_t r = r0; r < r1; r++) {
    const size_t b = r / (size_t)g->out_h;
    const int64_t oy = (int64_t)(r % (size_t)g->out_h);
    uint8_t* out = p->out + r * (size_t)g->out_w * channels;
    for (int64_t ox = 0; ox < g->out_w; ox++, out += channels) {
      tap_pointers(p, b, oy, ox, taps);
      for (size_t blk = 0; blk < full; blk++) block(p, taps, pairs_n, blk, all, out, a_unsigned, ref);
      if (rest) block(p, taps, pairs_n, full, last, out, a_unsigned, ref);
    }
  }
}

#define DEFINE_ROWS(NAME, U, REF)                                                                              \
  static SR_TARGET_AVX512_VNNI void NAME(const sr_dw_q8* p, size_t r0, size_t r1) { rows(p, r0, r1, U, REF); }
DEFINE_ROWS(rows_s8, 0, 0)
DEFINE_ROWS(rows_s8_ref, 0, 1)
DEFINE_ROWS(rows_u8, 1, 0)
DEFINE_ROWS(rows_u8_ref, 1, 1)

void sr_dw_q8_rows__avx512(const sr_dw_q8* p, size_t r0, size_t r1) {
  static const sr_dw_q8_rows_fn fns[2][2] = {{rows_s8, rows_s8_ref}, {rows_u8, rows_u8_ref}};
  fns[p->a_unsigned != 0][p->epi.ref_rounding != 0](p, r0, r1);
}

#else
void sr_dw_q8_rows__avx512(const sr_dw_q8* p, size_t r0, size_t r1) { (void)p, (void)r0, (void)r1; }
#endif
