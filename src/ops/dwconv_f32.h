/*
 * dwconv_f32.h — the row kernels of the float DEPTHWISE_CONV_2D fast path (depth multiplier 1). A row kernel
 * computes one output row (every column and channel) of one image; the driver in dwconv_fast_f32.c spreads rows
 * over threads. Each output value accumulates its in-bounds taps in the reference order (filter row, then
 * column), then adds the bias and clamps as sr_f32_depthwise_conv2d__ref does, except that each multiply-add
 * is fused (one rounding instead of two).
 */
#ifndef SR_OPS_DWCONV_F32_H
#define SR_OPS_DWCONV_F32_H

#include "../core/cpu.h"
#include "conv.h"

/* in: the image's first pixel; out: the output row's first pixel; bias may be NULL. */
typedef void (*sr_dw_row_fn)(const sr_conv_geom* g, const float* in, const float* filter, const float* bias,
                             float* out, int32_t oy);

#if SR_HAVE_X86_KERNELS
void sr_f32_dwconv_row__avx2(const sr_conv_geom* g, const float* in, const float* filter, const float* bias,
                             float* out, int32_t oy);
void sr_f32_dwconv3x3_row__avx2(const sr_conv_geom* g, const float* in, const float* filter, const float* bias,
                                float* out, int32_t oy);
void sr_f32_dwconv5x5_row__avx2(const sr_conv_geom* g, const float* in, const float* filter, const float* bias,
                                float* out, int32_t oy);
void sr_f32_dwconv_row__avx512(const sr_conv_geom* g, const float* in, const float* filter, const float* bias,
                               float* out, int32_t oy);
void sr_f32_dwconv3x3_row__avx512(const sr_conv_geom* g, const float* in, const float* filter, const float* bias,
                                  float* out, int32_t oy);
void sr_f32_dwconv5x5_row__avx512(const sr_conv_geom* g, const float* in, const float* filter, const float* bias,
                                  float* out, int32_t oy);
#endif

/* Output columns [*lo, *hi) whose kw taps all fall inside the input row; the others are border columns. */
static inline void sr_dw_interior(const sr_conv_geom* g, int32_t* lo, int32_t* hi) {
  const int64_t sw = g->stride_w, pad = g->pad_left, span = ((int64_t)g->filter_w - 1) * g->dilation_w;
  int64_t l = (pad + sw - 1) / sw;               /* first ox with ox * sw - pad >= 0 */
  int64_t h = ((int64_t)g->in_w - 1 - span + pad); /* last ox: ox * sw - pad + span <= in_w - 1 */
  h = h < 0 ? 0 : h / sw + 1;
  if (l > g->out_w) l = g->out_w;
  if (h > g->out_w) h = g->out_w;
  if (h < l) h = l;
  *lo = (int32_t)l;
  *hi = (int32_t)h;
}

#endif /* SR_OPS_DWCONV_F32_H */
