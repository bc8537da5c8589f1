/*
 * dwconv_q8_avx2.c — ymm 8-bit depthwise kernels (dwconv_q8.h) for CPUs without AVX-512: 16 channels of one
 * output pixel per step, two taps byte-interleaved into int16 pairs and multiplied-added with vpmaddwd (on
 * AVX-VNNI CPUs too), reading the same packed weights as the AVX-512 kernel. Requantization with the 8-lane
 * constants (sr_q8_rq_lane8, channel order). A step that would read past the input's end copies its bytes first.
 */
#include "dwconv_q8.h"
#include "q8_x86.h"

#if SR_HAVE_X86_KERNELS
#include <string.h>

#define TGT_AVX2 SR_TARGET_AVX2
#define INL static inline __attribute__((always_inline))

/* n < 16 bytes at src (a pixel's last channels, which may end its buffer), zeros after. */
INL TGT_AVX2 __m128i load_part(const uint8_t* src, size_t n) {
  uint8_t tmp[16] = {0};
  memcpy(tmp, src, n);
  return _mm_loadu_si128((const __m128i*)tmp);
}

/* Channels [c0, c0 + 16) of one pixel (c0 = 32 * blk + 16 * s); `n` valid, np tap pairs. */
INL TGT_AVX2 void step(const sr_dw_q8* p, uintptr_t base, const uintptr_t* taps, size_t np, size_t blk,
                       size_t s, size_t n, uint8_t* out, const int a_unsigned) {
  const size_t c0 = blk * 32 + s * 16;
  const sr_q8_rq_lane8* q = (const sr_q8_rq_lane8*)p->rq + c0 / 8;
  __m256i acc_a = _mm256_load_si256((const __m256i*)q[0].bias), acc_b = _mm256_load_si256((const __m256i*)q[1].bias);
  const int16_t* w = p->w + blk * np * 64 + s * 16;
  for (size_t t = 0; t < np; t++) {
    const uint8_t* a1 = (const uint8_t*)(base + taps[2 * t]) + c0;
    const uint8_t* a2 = (const uint8_t*)(base + taps[2 * t + 1]) + c0;
    const __m128i x1 = n == 16 ? _mm_loadu_si128((const __m128i*)a1) : load_part(a1, n);
    const __m128i x2 = n == 16 ? _mm_loadu_si128((const __m128i*)a2) : load_part(a2, n);
    const __m128i l = _mm_unpacklo_epi8(x1, x2), h = _mm_unpackhi_epi8(x1, x2);
    const __m256i pl = a_unsigned ? _mm256_cvtepu8_epi16(l) : _mm256_cvtepi8_epi16(l);
    const __m256i ph = a_unsigned ? _mm256_cvtepu8_epi16(h) : _mm256_cvtepi8_epi16(h);
    const __m256i wl = _mm256_load_si256((const __m256i*)(w + 64 * t));
    const __m256i wh = _mm256_load_si256((const __m256i*)(w + 64 * t + 32));
    acc_a = _mm256_add_epi32(acc_a, _mm256_madd_epi16(pl, wl));
    acc_b = _mm256_add_epi32(acc_b, _mm256_madd_epi16(ph, wh));
  }
  const int ref = 1, lsh = p->epi.has_lshift; /* dneg = 0 makes the half-away code round half up */
  const __m256i lo = _mm256_set1_epi32(p->epi.lo), hi = _mm256_set1_epi32(p->epi.hi);
  const __m256i off = _mm256_set1_epi32(p->epi.out_offset);
  sr_q8_rq8 r;
  sr_q8_rq8_load(&r, &q[0], ref, lsh);
  const __m128i ra = sr_q8_finish8(sr_q8_rq8_apply(acc_a, &r, ref, lsh), lo, hi, off);
  sr_q8_rq8_load(&r, &q[1], ref, lsh);
  const __m128i rb = sr_q8_finish8(sr_q8_rq8_apply(acc_b, &r, ref, lsh), lo, hi, off);
  const __m128i v = _mm_unpacklo_epi64(ra, rb);
  if (n == 16) {
    _mm_storeu_si128((__m128i*)(out + c0), v);
  } else {
    uint8_t tmp[16];
    _mm_storeu_si128((__m128i*)tmp, v);
    memcpy(out + c0, tmp, n);
  }
}

/* As the AVX-512 kernel: interior pixels at corner + fixed offsets, edge pixels through edge_taps. */
INL TGT_AVX2 void rows(const sr_dw_q8* p, size_t r0, size_t r1, const int a_unsigned) {
  const sr_conv_geom* g = p->g;
  const size_t channels = (size_t)g->in_c, taps_n = (size_t)g->filter_h * (size_t)g->filter_w;
  const size_t np = (taps_n + 1) / 2, steps = (channels + 15) / 16;
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
      for (size_t i = 0; i < steps; i++) {
        const size_t n = channels - i * 16 < 16 ? channels - i * 16 : 16;
        step(p, base, addr, np, i / 2, i % 2, n, out, a_unsigned);
      }
    }
  }
}

static TGT_AVX2 void rows_s8(const sr_dw_q8* p, size_t r0, size_t r1) { rows(p, r0, r1, 0); }
static TGT_AVX2 void rows_u8(const sr_dw_q8* p, size_t r0, size_t r1) { rows(p, r0, r1, 1); }

void sr_dw_q8_rows__avx2(const sr_dw_q8* p, size_t r0, size_t r1) {
  if (p->a_unsigned) rows_u8(p, r0, r1);
  else rows_s8(p, r0, r1);
}

/* AVX-VNNI's vpdpwssd would save one add per tap pair; not worth a second copy of the kernel. */
void sr_dw_q8_rows__avxvnni(const sr_dw_q8* p, size_t r0, size_t r1) { sr_dw_q8_rows__avx2(p, r0, r1); }

#else
void sr_dw_q8_rows__avx2(const sr_dw_q8* p, size_t r0, size_t r1) { (void)p, (void)r0, (void)r1; }
void sr_dw_q8_rows__avxvnni(const sr_dw_q8* p, size_t r0, size_t r1) { (void)p, (void)r0, (void)r1; }
#endif
