/*
 * dwconv_f32_tmpl.h — body of the vector row kernels of float DEPTHWISE_CONV_2D, included once per ISA by
 * dwconv_f32_x86.c after simd_avx2.h or simd_avx512.h. Channels are
 * the vector axis: for one block of VL channels the kh*kw filter vectors stay in registers while the row is swept,
 * NB output columns at a time so NB independent multiply-add chains hide the FMA latency. Taps in the padding are
 * skipped, never multiplied by zero, so infinite weights behave as in the reference.
 */

/* Border column ox of one channel block: some taps fall outside the row and are skipped. */
static inline __attribute__((always_inline)) SR_V_TARGET void SR_V_NAME(border)(
    const sr_conv_geom* g, const float* const* rows, const V* w, V b, V lo, V hi, float* out, size_t c, VM m,
    const int full, const int kh, const int kw, int32_t ox) {
  const size_t C = (size_t)g->in_c;
  const int64_t ix0 = (int64_t)ox * g->stride_w - g->pad_left;
  V acc = V_ZERO();
  for (int ky = 0; ky < kh; ky++) {
    if (!rows[ky]) continue;
    for (int kx = 0; kx < kw; kx++) {
      const int64_t ix = ix0 + (int64_t)kx * g->dilation_w;
      if (ix < 0 || ix >= g->in_w) continue;
      const float* p = rows[ky] + (size_t)ix * C + c;
      acc = V_FMA(full ? V_LOAD(p) : V_LOADM(p, m), w[ky * kw + kx], acc);
    }
  }
  V_STOREM(out + (size_t)ox * C + c, m, full, V_MIN(hi, V_MAX(lo, V_ADD(acc, b))));
}

/* Interior columns [ox, ox + nb) of one channel block (nb is SR_DW_NB or 1, a constant after inlining): every
 * column tap lies inside the row, so nb independent accumulation chains run side by side. */
static inline __attribute__((always_inline)) SR_V_TARGET void SR_V_NAME(interior)(
    const sr_conv_geom* g, const float* const* rows, const V* w, V b, V lo, V hi, float* out, size_t c, VM m,
    const int full, const int kh, const int kw, int32_t ox, const int nb) {
  const size_t C = (size_t)g->in_c, step = (size_t)g->stride_w * C, dil = (size_t)g->dilation_w * C;
  const size_t base = (size_t)((int64_t)ox * g->stride_w - g->pad_left) * C + c;
  V acc[SR_DW_NB];
  for (int n = 0; n < nb; n++) acc[n] = V_ZERO();
  for (int ky = 0; ky < kh; ky++) {
    if (!rows[ky]) continue;
    const float* row = rows[ky] + base;
    for (int kx = 0; kx < kw; kx++)
      for (int n = 0; n < nb; n++) {
        const float* p = row + (size_t)n * step + (size_t)kx * dil;
        acc[n] = V_FMA(full ? V_LOAD(p) : V_LOADM(p, m), w[ky * kw + kx], acc[n]);
      }
  }
  for (int n = 0; n < nb; n++)
    V_STOREM(out + (size_t)(ox + n) * C + c, m, full, V_MIN(hi, V_MAX(lo, V_ADD(acc[n], b))));
}

/* The same for a stride S known at compile time and dilation 1: each input column is loaded once per filter row
 * and feeds every (column, tap) pair that reads it, (NB - 1) S + kw loads for NB kw multiply-adds. A column's taps
 * still accumulate in (row, column) order. */
static inline __attribute__((always_inline)) SR_V_TARGET void SR_V_NAME(interior_s)(const sr_conv_geom* g, const float* const* rows, const V* w, V b, V lo, V hi,
                                      float* out, size_t c, VM m, const int full, const int kh, const int kw,
                                      int32_t ox, const int S, const int nb) {
  const size_t C = (size_t)g->in_c;
  const size_t base = (size_t)((int64_t)ox * S - g->pad_left) * C + c;
  V acc[SR_DW_NB];
  for (int n = 0; n < nb; n++) acc[n] = V_ZERO();
  for (int ky = 0; ky < kh; ky++) {
    if (!rows[ky]) continue;
    const float* p = rows[ky] + base;
#pragma GCC unroll 32
    for (int j = 0; j < (nb - 1) * S + kw; j++, p += C) {
      const V x = full ? V_LOAD(p) : V_LOADM(p, m);
#pragma GCC unroll 8
      for (int kx = 0; kx < kw; kx++) {
        const int t = j - kx;
        if (t >= 0 && t % S == 0 && t / S < nb) acc[t / S] = V_FMA(x, w[ky * kw + kx], acc[t / S]);
      }
    }
  }
  for (int n = 0; n < nb; n++)
    V_STOREM(out + (size_t)(ox + n) * C + c, m, full, V_MIN(hi, V_MAX(lo, V_ADD(acc[n], b))));
}

/* One block of channels [c, c + VL) (masked by m when `full` is 0) of an output row, for a kh x kw filter given
 * at compile time, any stride and dilation. */
static inline __attribute__((always_inline)) SR_V_TARGET void SR_V_NAME(block)(
    const sr_conv_geom* g, const float* const* rows, const float* filter, const float* bias, float* out, size_t c,
    VM m, const int full, const int kh, const int kw) {
  const size_t C = (size_t)g->in_c;
  V w[SR_DW_MAX_TAPS];
  for (int k = 0; k < kh * kw; k++)
    w[k] = full ? V_LOAD(filter + (size_t)k * C + c) : V_LOADM(filter + (size_t)k * C + c, m);
  const V b = bias ? (full ? V_LOAD(bias + c) : V_LOADM(bias + c, m)) : V_ZERO();
  const V lo = V_SET1(g->act_min), hi = V_SET1(g->act_max);
  int32_t ox_lo, ox_hi, ox = 0;
  sr_dw_interior(g, &ox_lo, &ox_hi);
  for (; ox < ox_lo; ox++) SR_V_NAME(border)(g, rows, w, b, lo, hi, out, c, m, full, kh, kw, ox);
  if (g->dilation_w == 1 && g->stride_w == 1) {
    for (; ox + SR_DW_NB <= ox_hi; ox += SR_DW_NB)
      SR_V_NAME(interior_s)(g, rows, w, b, lo, hi, out, c, m, full, kh, kw, ox, 1, SR_DW_NB);
    for (; ox + 4 <= ox_hi; ox += 4) SR_V_NAME(interior_s)(g, rows, w, b, lo, hi, out, c, m, full, kh, kw, ox, 1, 4);
  } else if (g->dilation_w == 1 && g->stride_w == 2) {
    for (; ox + SR_DW_NB <= ox_hi; ox += SR_DW_NB)
      SR_V_NAME(interior_s)(g, rows, w, b, lo, hi, out, c, m, full, kh, kw, ox, 2, SR_DW_NB);
  }
  /* other strides and dilations, and the remaining columns: one at a time */
  for (; ox < ox_hi; ox++) SR_V_NAME(interior)(g, rows, w, b, lo, hi, out, c, m, full, kh, kw, ox, 1);
  for (; ox < g->out_w; ox++) SR_V_NAME(border)(g, rows, w, b, lo, hi, out, c, m, full, kh, kw, ox);
}

/* The input row of each filter row (NULL when it lies in the padding). */
static inline __attribute__((always_inline)) void SR_V_NAME(rows)(const sr_conv_geom* g, const float* in,
                                                                 int32_t oy, const float** rows, int kh) {
  const size_t row_len = (size_t)g->in_w * (size_t)g->in_c;
  for (int ky = 0; ky < kh; ky++) {
    const int64_t iy = (int64_t)oy * g->stride_h - g->pad_top + (int64_t)ky * g->dilation_h;
    rows[ky] = iy >= 0 && iy < g->in_h ? in + (size_t)iy * row_len : NULL;
  }
}

/* A whole output row for a filter size known at compile time. */
static inline __attribute__((always_inline)) SR_V_TARGET void SR_V_NAME(row_fixed)(
    const sr_conv_geom* g, const float* in, const float* filter, const float* bias, float* out, int32_t oy,
    const int kh, const int kw) {
  const float* rows[SR_DW_MAX_KH];
  SR_V_NAME(rows)(g, in, oy, rows, kh);
  const size_t C = (size_t)g->in_c;
  /* Every block masked, on AVX2 too: one copy of the unrolled code per filter size keeps the library small. */
  for (size_t c = 0; c < C; c += VL)
    SR_V_NAME(block)(g, rows, filter, bias, out, c, V_MASK(C - c < VL ? C - c : VL), 0, kh, kw);
}

SR_V_TARGET void SR_V_NAME(sr_f32_dwconv3x3_row)(const sr_conv_geom* g, const float* in, const float* filter,
                                                   const float* bias, float* out, int32_t oy) {
  SR_V_NAME(row_fixed)(g, in, filter, bias, out, oy, 3, 3);
}

SR_V_TARGET void SR_V_NAME(sr_f32_dwconv5x5_row)(const sr_conv_geom* g, const float* in, const float* filter,
                                                   const float* bias, float* out, int32_t oy) {
  SR_V_NAME(row_fixed)(g, in, filter, bias, out, oy, 5, 5);
}

/* Any filter size: filter vectors are reloaded per tap (from L1), one output column at a time. */
SR_V_TARGET void SR_V_NAME(sr_f32_dwconv_row)(const sr_conv_geom* g, const float* in, const float* filter,
                                                const float* bias, float* out, int32_t oy) {
  const size_t C = (size_t)g->in_c, kh = (size_t)g->filter_h, kw = (size_t)g->filter_w;
  const int64_t sw = g->stride_w, dil = g->dilation_w, pad = g->pad_left, in_w = g->in_w;
  const size_t row_len = (size_t)g->in_w * C;
  const V lo = V_SET1(g->act_min), hi = V_SET1(g->act_max);
  for (size_t c = 0; c < C; c += VL) {
    const VM m = V_MASK(C - c < VL ? C - c : VL);
    const V b = bias ? V_LOADM(bias + c, m) : V_ZERO();
    for (int32_t ox = 0; ox < g->out_w; ox++) {
      const int64_t ix0 = (int64_t)ox * sw - pad;
      V acc = V_ZERO();
      for (size_t ky = 0; ky < kh; ky++) {
        const int64_t iy = (int64_t)oy * g->stride_h - g->pad_top + (int64_t)ky * g->dilation_h;
        if (iy < 0 || iy >= g->in_h) continue;
        const float* row = in + (size_t)iy * row_len + c;
        for (size_t kx = 0; kx < kw; kx++) {
          const int64_t ix = ix0 + (int64_t)kx * dil;
          if (ix < 0 || ix >= in_w) continue;
          acc = V_FMA(V_LOADM(row + (size_t)ix * C, m), V_LOADM(filter + (ky * kw + kx) * C + c, m), acc);
        }
      }
      V_STOREM(out + (size_t)ox * C + c, m, 0, V_MIN(hi, V_MAX(lo, V_ADD(acc, b))));
    }
  }
}
