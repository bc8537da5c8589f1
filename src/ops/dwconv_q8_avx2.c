/*
 * dwconv_q8_avx2.c — ymm 8-bit depthwise kernels (dwconv_q8.h) for CPUs without AVX-512: 16 channels of one
 * output pixel per step, two taps byte-interleaved into int16 pairs and multiplied-added with vpmaddwd (AVX2) or
 * vpdpwssd (AVX-VNNI), reading the same packed weights as the AVX-512 kernel. Requantization with the 8-lane
 * constants (sr_q8_rq_lane8, channel order). A step that would read past the input's end copies its bytes first.
 */
#include "dwconv_q8.h"
#include "q8_x86.h"

#if SR_HAVE_X86_KERNELS
#include <string.h>

#define TGT_AVX2 SR_TARGET_AVX2
#define TGT_VNNI __attribute__((target("avxvnni,avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

/* Tap addresses of an edge pixel: the input pixel, or the zero-point row. */
static TGT_AVX2 void edge_taps(const sr_dw_q8* p, size_t b, int64_t oy, int64_t ox, uintptr_t* taps) {
  const sr_conv_geom* g = p->g;
  const size_t c = (size_t)g->in_c;
  size_t t = 0;
  for (int32_t ky = 0; ky < g->filter_h; ky++) {
    const int64_t iy = oy * g->stride_h - g->pad_top + (int64_t)ky * g->dilation_h;
    const int row_ok = iy >= 0 && iy < g->in_h;
    const uint8_t* row = p->in + (b * (size_t)g->in_h + (size_t)(row_ok ? iy : 0)) * (size_t)g->in_w * c;
    for (int32_t kx = 0; kx < g->filter_w; kx++) {
      const int64_t ix = ox * g->stride_w - g->pad_left + (int64_t)kx * g->dilation_w;
      taps[t++] = (uintptr_t)(row_ok && ix >= 0 && ix < g->in_w ? row + (size_t)ix * c : p->pad);
    }
  }
  if (t % 2) taps[t] = taps[t - 1];
}

/* n < 16 bytes at src (a pixel's last channels, which may end its buffer), zeros after. */
INL TGT_AVX2 __m128i load_part(const uint8_t* src, size_t n) {
  uint8_t tmp[16] = {0};
  memcpy(tmp, src, n);
  return _mm_loadu_si128((const __m128i*)tmp);
}

#define DW_TGT TGT_AVX2
#define DW_FN(name) name##_avx2
#define DW_VNNI 0
#include "dwconv_q8_ymm.h"
#undef DW_TGT
#undef DW_FN
#undef DW_VNNI

#define DW_TGT TGT_VNNI
#define DW_FN(name) name##_vnni
#define DW_VNNI 1
#include "dwconv_q8_ymm.h"
#undef DW_TGT
#undef DW_FN
#undef DW_VNNI

void sr_dw_q8_rows__avx2(const sr_dw_q8* p, size_t r0, size_t r1) {
  if (p->a_unsigned) rows_u8_avx2(p, r0, r1);
  else rows_s8_avx2(p, r0, r1);
}

void sr_dw_q8_rows__avxvnni(const sr_dw_q8* p, size_t r0, size_t r1) {
  if (p->a_unsigned) rows_u8_vnni(p, r0, r1);
  else rows_s8_vnni(p, r0, r1);
}

#else
void sr_dw_q8_rows__avx2(const sr_dw_q8* p, size_t r0, size_t r1) { (void)p, (void)r0, (void)r1; }
void sr_dw_q8_rows__avxvnni(const sr_dw_q8* p, size_t r0, size_t r1) { (void)p, (void)r0, (void)r1; }
#endif
