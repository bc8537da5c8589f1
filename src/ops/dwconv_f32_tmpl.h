/*
 * dwconv_f32_tmpl.h — body of the vector row kernels of float DEPTHWISE_CONV_2D, included once per ISA by
 * dwconv_f32_x86.c after simd_avx2.h or simd_avx512.h. Channels are the vector axis (every block masked, so the
 * channel tail needs no second copy): for one block the kh*kw filter vectors stay in registers while the row is
 * swept. Interior columns of stride-1 and stride-2 rows go SR_DW_NB at a time, each input column loaded once per
 * filter row and shared by the taps that read it, NB independent multiply-add chains hiding the FMA latency;
 * border columns and other strides or dilations go one at a time. Taps in the padding are skipped, never
 * multiplied by zero, so infinite weights behave as in the reference.
 */

/* Column ox of one channel block, checking each tap (border columns, and any stride or dilation). */
static inline __attribute__((always_inline)) SR_V_TARGET void SR_V_NAME(column)(
    const sr_conv_geom* g, const float* const* rows, const V* w, V b, V lo, V hi, float* out, size_t c, VM m,
    const int kh, const int kw, int32_t ox) {
  const size_t C = (size_t)g->in_c;
  const int64_t ix0 = (int64_t)ox * g->stride_w - g->pad_left;
  V acc = V_ZERO();
  for (int ky = 0; ky < kh; ky++) {
    if (!rows[ky]) continue;
    for (int kx = 0; kx < kw; kx++) {
      const int64_t ix = ix0 + (int64_t)kx * g->dilation_w;
      if (ix < 0 || ix >= g->in_w) continue;
      acc = V_FMA(V_LOADM(rows[ky] + (size_t)ix * C + c, m), w[ky * kw + kx], acc);
    }
  }
  V_STOREM(out + (size_t)ox * C + c, m, 0, V_MIN(hi, V_MAX(lo, V_ADD(acc, b))));
}

/* Interior columns [ox, ox + nb) of one channel block (every tap inside the row) for a stride S known at compile
 * time and dilation 1: each input column is loaded once per filter row and feeds every (column, tap) pair that
 * reads it, (nb - 1) S + kw loads for nb kw multiply-adds. A column's taps still accumulate in (row, column) order. */
static inline __attribute__((always_inline)) SR_V_TARGET void SR_V_NAME(interior)(
    const sr_conv_geom* g, const float* const* rows, const V* w, V b, V lo, V hi, float* out, size_t c, VM m,
    const int kh, const int kw, int32_t ox, const int S, const int nb) {
  const size_t C = (size_t)g->in_c;
  const size_t base = (size_t)((int64_t)ox * S - g->pad_left) * C + c;
  V acc[SR_DW_NB];
  for (int n = 0; n < nb; n++) acc[n] = V_ZERO();
  for (int ky = 0; ky < kh; ky++) {
    if (!rows[ky]) continue;
    const float* p = rows[ky] + base;
#pragma GCC unroll 32
    for (int j = 0; j < (nb - 1) * S + kw; j++, p += C) {
      const V x = V_LOADM(p, m);
#pragma GCC unroll 8
      for (int kx = 0; kx < kw; kx++) {
        const int t = j - kx;
        if (t >= 0 && t % S == 0 && t / S < nb) acc[t / S] = V_FMA(x, w[ky * kw + kx], acc[t / S]);
      }
    }
  }
  for (int n = 0; n < nb; n++)
    V_STOREM(out + (size_t)(ox + n) * C + c, m, 0, V_MIN(hi, V_MAX(lo, V_ADD(acc[n], b))));
}

/* One block of channels [c, c + VL) (lanes beyond C masked off by m) of an output row, for a kh x kw filter
 * given at compile time. */
static inline __attribute__((always_inline)) SR_V_TARGET void SR_V_NAME(block)(
    const sr_conv_geom* g, const float* const* rows, const float* filter, const float* bias, float* out, size_t c,
    VM m, const int kh, const int kw) {
  const size_t C = (size_t)g->in_c;
  V w[SR_DW_MAX_TAPS];
  for (int k = 0; k < kh * kw; k++) w[k] = V_LOADM(filter + (size_t)k * C + c, m);
  const V b = bias ? V_LOADM(bias + c, m) : V_ZERO();
  const V lo = V_SET1(g->act_min), hi = V_SET1(g->act_max);
  int32_t ox_lo, ox_hi, ox = 0;
  sr_dw_interior(g, &ox_lo, &ox_hi);
  for (; ox < ox_lo; ox++) SR_V_NAME(column)(g, rows, w, b, lo, hi, out, c, m, kh, kw, ox);
  if (g->dilation_w == 1 && g->stride_w == 1) {
    for (; ox + SR_DW_NB <= ox_hi; ox += SR_DW_NB)
      SR_V_NAME(interior)(g, rows, w, b, lo, hi, out, c, m, kh, kw, ox, 1, SR_DW_NB);
    for (; ox + 4 <= ox_hi; ox += 4) SR_V_NAME(interior)(g, rows, w, b, lo, hi, out, c, m, kh, kw, ox, 1, 4);
  } else if (g->dilation_w == 1 && g->stride_w == 2) {
    for (; ox + SR_DW_NB <= ox_hi; ox += SR_DW_NB)
      SR_V_NAME(interior)(g, rows, w, b, lo, hi, out, c, m, kh, kw, ox, 2, SR_DW_NB);
  }
  for (; ox < g->out_w; ox++) SR_V_NAME(column)(g, rows, w, b, lo, hi, out, c, m, kh, kw, ox);
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
  for (size_t c = 0; c < C; c += VL)
    SR_V_NAME(block)(g, rows, filter, bias, out, c, V_MASK(C - c < VL ? C - c : VL), kh, kw);
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
