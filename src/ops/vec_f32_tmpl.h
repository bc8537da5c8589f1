/*
 * vec_f32_tmpl.h — body of the vector elementwise kernels (vec_f32.h), included once per ISA by vec_f32_x86.c
 * after simd_avx2.h or simd_avx512.h. Each loop runs whole vectors, then one masked vector for the tail.
 */
#define SR_V_INLINE static inline __attribute__((always_inline)) SR_V_TARGET

/* e^z = s * (1 + rq) for z <= -0 (NaN passes through rq): z = n ln2 + r with |r| <= ln2 / 2 (ln2 split in two so
 * n ln2_hi is exact), s = 2^n built in the exponent field, rq = e^r - 1 by a degree-7 Taylor polynomial (error
 * below 2^-27 on that interval). z is clamped at -87 so 2^n stays normal; callers patch z < -87 themselves. */
SR_V_INLINE void SR_V_NAME(exp_parts)(V z, V* s, V* rq) {
  const V zc = V_MAX(V_SET1(-87.0f), z);
  const V n = V_ROUND(V_MUL(zc, V_SET1(1.44269504088896341f)));
  V r = V_FNMA(n, V_SET1(0.693145751953125f), zc);
  r = V_FNMA(n, V_SET1(1.42860682030941723212e-6f), r);
  V q = V_SET1(1.0f / 5040.0f);
  q = V_FMA(q, r, V_SET1(1.0f / 720.0f));
  q = V_FMA(q, r, V_SET1(1.0f / 120.0f));
  q = V_FMA(q, r, V_SET1(1.0f / 24.0f));
  q = V_FMA(q, r, V_SET1(1.0f / 6.0f));
  q = V_FMA(q, r, V_SET1(0.5f));
  q = V_FMA(q, r, V_SET1(1.0f));
  *rq = V_MUL(r, q);
  *s = V_FROM_BITS(VI_SLLI(VI_ADD(V_CVT_I(n), VI_SET1(127)), 23));
}

/* 1 / d for d in [1, 2] (or NaN). */
SR_V_INLINE V SR_V_NAME(recip)(V d) {
#ifdef V_RCP
  V r = V_RCP(d);
  for (int i = 0; i < V_RCP_STEPS; i++) r = V_FMA(r, V_FNMA(d, r, V_SET1(1.0f)), r); /* Newton: r += r (1 - d r) */
  return r;
#else
  return V_DIV(V_SET1(1.0f), d);
#endif
}

/* LOGISTIC: with e = exp(-|x|), 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, so nothing overflows and
 * the negative tail keeps its relative precision down to e^-87 (below that the result is 0, not a subnormal). */
SR_V_INLINE V SR_V_NAME(logistic)(V x) {
  const V sign = V_SET1(-0.0f);
  const V z = V_OR(x, sign);
  V s, rq;
  SR_V_NAME(exp_parts)(z, &s, &rq);
  V e = V_FMA(s, rq, s);
  e = V_SEL(V_LT(z, V_SET1(-87.0f)), e, V_ZERO());
  const V r = SR_V_NAME(recip)(V_ADD(V_SET1(1.0f), e));
  return V_SEL(V_LT(x, V_ZERO()), r, V_MUL(e, r));
}

/* TANH: with m = expm1(-2|x|) (computed as s rq + (s - 1), exact cancellation-free near 0), tanh|x| = -m / (2 + m),
 * then x's sign. */
SR_V_INLINE V SR_V_NAME(tanh)(V x) {
  const V sign = V_SET1(-0.0f);
  const V z = V_OR(V_ADD(x, x), sign);
  V s, rq;
  SR_V_NAME(exp_parts)(z, &s, &rq);
  V m = V_FMA(s, rq, V_SUB(s, V_SET1(1.0f)));
  m = V_SEL(V_LT(z, V_SET1(-87.0f)), m, V_SET1(-1.0f));
  const V t = V_MUL(V_SUB(V_ZERO(), m), SR_V_NAME(recip)(V_ADD(V_SET1(2.0f), m)));
  return V_OR(V_ANDNOT(sign, t), V_AND(sign, x));
}

/* e^z for z <= 0 (NaN passes), 0 below -87. */
SR_V_INLINE V SR_V_NAME(exp_neg)(V z) {
  V s, rq;
  SR_V_NAME(exp_parts)(z, &s, &rq);
  return V_SEL(V_LT(z, V_SET1(-87.0f)), V_FMA(s, rq, s), V_ZERO());
}

/* GELU, erf form: with a = |x| / sqrt 2, erfc(a) ~ t (a1 + t (a2 + ... + t a5)) e^(-a^2), t = 1 / (1 + p a)
 * (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7); 0.5 x erfc(-x / sqrt 2) is then
 * 0.5 x (2 - erfc(a)) for x >= 0 and 0.5 x erfc(a) for x < 0. */
SR_V_INLINE V SR_V_NAME(gelu)(V x) {
  const V a = V_ANDNOT(V_SET1(-0.0f), V_MUL(x, V_SET1(0.70710678118654752f)));
  const V t = V_DIV(V_SET1(1.0f), V_FMA(a, V_SET1(0.3275911f), V_SET1(1.0f)));
  V p = V_SET1(1.061405429f);
  p = V_FMA(p, t, V_SET1(-1.453152027f));
  p = V_FMA(p, t, V_SET1(1.421413741f));
  p = V_FMA(p, t, V_SET1(-0.284496736f));
  p = V_FMA(p, t, V_SET1(0.254829592f));
  const V erfc_a = V_MUL(V_MUL(p, t), SR_V_NAME(exp_neg)(V_SUB(V_ZERO(), V_MUL(a, a))));
  const V c = V_SEL(V_LT(x, V_ZERO()), V_SUB(V_SET1(2.0f), erfc_a), erfc_a);
  return V_MUL(V_MUL(V_SET1(0.5f), x), c);
}

/* GELU, tanh form, in the reference's operation order. */
SR_V_INLINE V SR_V_NAME(gelu_tanh)(V x) {
  const V k = V_SET1((float)(1.12837916709551257390 * 0.70710678118654752440));
  const V inner = V_MUL(k, V_ADD(x, V_MUL(V_MUL(V_MUL(V_SET1(0.044715f), x), x), x)));
  return V_MUL(V_MUL(V_SET1(0.5f), x), V_ADD(V_SET1(1.0f), SR_V_NAME(tanh)(inner)));
}

SR_V_INLINE V SR_V_NAME(unary1)(const sr_vec_unary* u, V x, const sr_vec_unary_op op) {
  switch (op) {
    case SR_VU_CLAMP: return V_MIN(V_SET1(u->hi), V_MAX(V_SET1(u->lo), x)); /* NaN and -0 pass, as in the reference */
    case SR_VU_LEAKY: return V_SEL(V_GT(x, V_ZERO()), V_MUL(x, V_SET1(u->alpha)), x);
    case SR_VU_HARD_SWISH: {
      const V r = V_MIN(V_SET1(6.0f), V_MAX(V_ZERO(), V_ADD(x, V_SET1(3.0f))));
      return V_DIV(V_MUL(x, r), V_SET1(6.0f));
    }
    case SR_VU_LOGISTIC: return SR_V_NAME(logistic)(x);
    case SR_VU_GELU: return SR_V_NAME(gelu)(x);
    case SR_VU_GELU_TANH: return SR_V_NAME(gelu_tanh)(x);
    case SR_VU_SWISH: return V_MIN(V_SET1(u->hi), V_MAX(V_SET1(u->lo), V_MUL(x, SR_V_NAME(logistic)(x))));
    default: return SR_V_NAME(tanh)(x);
  }
}

SR_V_INLINE void SR_V_NAME(unary_loop)(const sr_vec_unary* u, const float* x, float* y, size_t n,
                                      const sr_vec_unary_op op) {
  size_t i = 0;
  for (; i + VL <= n; i += VL) V_STORE(y + i, SR_V_NAME(unary1)(u, V_LOAD(x + i), op));
  if (i < n) {
    const VM m = V_MASK(n - i);
    V_STOREM(y + i, m, 0, SR_V_NAME(unary1)(u, V_LOADM(x + i, m), op));
  }
}

SR_V_TARGET void SR_V_NAME(sr_f32_vunary)(const sr_vec_unary* u, const float* x, float* y, size_t n) {
  switch (u->op) {
    case SR_VU_CLAMP: SR_V_NAME(unary_loop)(u, x, y, n, SR_VU_CLAMP); break;
    case SR_VU_LEAKY: SR_V_NAME(unary_loop)(u, x, y, n, SR_VU_LEAKY); break;
    case SR_VU_HARD_SWISH: SR_V_NAME(unary_loop)(u, x, y, n, SR_VU_HARD_SWISH); break;
    case SR_VU_LOGISTIC: SR_V_NAME(unary_loop)(u, x, y, n, SR_VU_LOGISTIC); break;
    case SR_VU_TANH: SR_V_NAME(unary_loop)(u, x, y, n, SR_VU_TANH); break;
    case SR_VU_GELU: SR_V_NAME(unary_loop)(u, x, y, n, SR_VU_GELU); break;
    case SR_VU_GELU_TANH: SR_V_NAME(unary_loop)(u, x, y, n, SR_VU_GELU_TANH); break;
    case SR_VU_SWISH: SR_V_NAME(unary_loop)(u, x, y, n, SR_VU_SWISH); break;
  }
}

/* ---- binary ---- */

SR_V_INLINE V SR_V_NAME(binary1)(V a, V b, V lo, V hi, const sr_vec_binary_op op) {
  switch (op) {
    case SR_VB_MAX: return V_SEL(V_GT(a, b), b, a);
    case SR_VB_MIN: return V_SEL(V_LT(a, b), b, a);
    case SR_VB_PRELU: return V_SEL(V_LT(a, V_ZERO()), a, V_MUL(a, b)); /* -0 and NaN keep a, as v >= 0 ? v : v b */
    case SR_VB_ADD: return V_MIN(hi, V_MAX(lo, V_ADD(a, b)));
    case SR_VB_SUB: return V_MIN(hi, V_MAX(lo, V_SUB(a, b)));
    case SR_VB_MUL: return V_MIN(hi, V_MAX(lo, V_MUL(a, b)));
    case SR_VB_SQDIFF: {
      const V d = V_SUB(a, b);
      return V_MUL(d, d);
    }
    default: return V_MIN(hi, V_MAX(lo, V_DIV(a, b)));
  }
}

/* sa / sb: operand a / b walks the row (else it is the scalar *a / *b), as run-time flags: the loops are memory
 * bound, and one copy per operation keeps the code small. */
SR_V_INLINE void SR_V_NAME(binary_op)(const float* a, size_t sa, const float* b, size_t sb, float* y, size_t n,
                                     float lo, float hi, const sr_vec_binary_op op) {
  const V vlo = V_SET1(lo), vhi = V_SET1(hi), ca = V_SET1(a[0]), cb = V_SET1(b[0]);
  size_t i = 0;
  for (; i + VL <= n; i += VL)
    V_STORE(y + i, SR_V_NAME(binary1)(sa ? V_LOAD(a + i) : ca, sb ? V_LOAD(b + i) : cb, vlo, vhi, op));
  if (i < n) {
    const VM m = V_MASK(n - i);
    V_STOREM(y + i, m, 0, SR_V_NAME(binary1)(sa ? V_LOADM(a + i, m) : ca, sb ? V_LOADM(b + i, m) : cb, vlo, vhi, op));
  }
}

SR_V_TARGET void SR_V_NAME(sr_f32_vbinary)(sr_vec_binary_op op, const float* a, size_t sa, const float* b, size_t sb,
                                           float* y, size_t n, float lo, float hi) {
  switch (op) {
    case SR_VB_ADD: SR_V_NAME(binary_op)(a, sa, b, sb, y, n, lo, hi, SR_VB_ADD); break;
    case SR_VB_SUB: SR_V_NAME(binary_op)(a, sa, b, sb, y, n, lo, hi, SR_VB_SUB); break;
    case SR_VB_MUL: SR_V_NAME(binary_op)(a, sa, b, sb, y, n, lo, hi, SR_VB_MUL); break;
    case SR_VB_DIV: SR_V_NAME(binary_op)(a, sa, b, sb, y, n, lo, hi, SR_VB_DIV); break;
    case SR_VB_MAX: SR_V_NAME(binary_op)(a, sa, b, sb, y, n, lo, hi, SR_VB_MAX); break;
    case SR_VB_MIN: SR_V_NAME(binary_op)(a, sa, b, sb, y, n, lo, hi, SR_VB_MIN); break;
    case SR_VB_PRELU: SR_V_NAME(binary_op)(a, sa, b, sb, y, n, lo, hi, SR_VB_PRELU); break;
    case SR_VB_SQDIFF: SR_V_NAME(binary_op)(a, sa, b, sb, y, n, lo, hi, SR_VB_SQDIFF); break;
  }
}

/* ---- softmax ---- */

/* Rows of depth values: the maximum as the reference takes it (starting from x[0], NaN never replaces it), e^((x -
 * max) beta) stored and summed, then scaled by 1 / sum. Whole vectors, then the tail lane by lane; a row's sum is
 * its tail's, then its vector accumulator's lanes added in lane order. Rows go in groups of VL, whose sums are
 * formed side by side (lane r of the group's sum vector is row r, the lanes of its accumulator gathered one at a
 * time in that order), so one chain of VL additions and one division serve VL rows, with each row's operations
 * unchanged. With `scaled` every x is first multiplied by `scale`, one float product per element as a MUL by a
 * scalar computes it, so the rows equal a MUL's output passed through the unscaled kernel, bit for bit. */
SR_V_INLINE void SR_V_NAME(softmax_body)(const float* x, float* y, size_t rows, size_t depth, float beta,
                                        const int scaled, float scale) {
  float lanes[16], acc_lanes[16 * 16], tail_sum[16], inv[16];
  const V vs = V_SET1(scale), vbeta = V_SET1(beta);
  const VI column = VI_MULLO(VI_LANES(), VI_SET1((int32_t)VL)); /* lane r reads acc_lanes[r * VL + k] */
#define SR_SOFTMAX_X(v) (scaled ? V_MUL((v), vs) : (v))
#define SR_SOFTMAX_XS(f) (scaled ? (f) * scale : (f))
  for (size_t r0 = 0; r0 < rows; r0 += VL) {
    const size_t group = rows - r0 < VL ? rows - r0 : VL;
    for (size_t g = 0; g < group; g++) {
      const float* xr = x + (r0 + g) * depth;
      float* yr = y + (r0 + g) * depth;
      const float x0 = SR_SOFTMAX_XS(xr[0]);
      V vm = V_SET1(x0);
      size_t i = 0;
      for (; i + VL <= depth; i += VL) {
        const V v = SR_SOFTMAX_X(V_LOAD(xr + i));
        vm = V_SEL(V_GT(v, vm), vm, v);
      }
      V_STORE(lanes, vm);
      /* Pairwise over the lanes. Every lane started at x[0] and only takes larger values, so all are NaN (x[0]
       * is) or none, and any order gives the reference's maximum (up to the sign of a zero maximum, which x - max
       * turns into the same exp of a zero). */
      for (size_t w = VL / 2; w > 0; w /= 2)
        for (size_t k = 0; k < w; k++) lanes[k] = lanes[k + w] > lanes[k] ? lanes[k + w] : lanes[k];
      float max = lanes[0] > x0 ? lanes[0] : x0;
      for (size_t k = i; k < depth; k++) {
        const float v = SR_SOFTMAX_XS(xr[k]);
        max = v > max ? v : max;
      }
      const V vmax = V_SET1(max);
      V acc = V_ZERO();
      for (i = 0; i + VL <= depth; i += VL) {
        const V e = SR_V_NAME(exp_neg)(V_MUL(V_SUB(SR_SOFTMAX_X(V_LOAD(xr + i)), vmax), vbeta));
        V_STORE(yr + i, e);
        acc = V_ADD(acc, e);
      }
      float sum = 0.0f;
      if (i < depth) {
        const VM m = V_MASK(depth - i);
        V_STOREM(yr + i, m, 0, SR_V_NAME(exp_neg)(V_MUL(V_SUB(SR_SOFTMAX_X(V_LOADM(xr + i, m)), vmax), vbeta)));
        for (size_t k = i; k < depth; k++) sum += yr[k];
      }
      tail_sum[g] = sum;
      V_STORE(acc_lanes + g * VL, acc);
    }
    const VM rows_mask = V_MASK(group);
    V s = V_LOADM(tail_sum, rows_mask);
    for (size_t k = 0; k < VL; k++) s = V_ADD(s, V_GATHERM(acc_lanes + k, column, rows_mask));
    V_STOREM(inv, rows_mask, group == VL, V_DIV(V_SET1(1.0f), s));
    for (size_t g = 0; g < group; g++) {
      float* yr = y + (r0 + g) * depth;
      const V f = V_SET1(inv[g]);
      size_t i = 0;
      for (; i + VL <= depth; i += VL) V_STORE(yr + i, V_MUL(V_LOAD(yr + i), f));
      if (i < depth) {
        const VM m = V_MASK(depth - i);
        V_STOREM(yr + i, m, 0, V_MUL(V_LOADM(yr + i, m), f));
      }
    }
  }
#undef SR_SOFTMAX_X
#undef SR_SOFTMAX_XS
}

SR_V_TARGET void SR_V_NAME(sr_f32_softmax_rows)(const float* x, float* y, size_t rows, size_t depth, float beta) {
  SR_V_NAME(softmax_body)(x, y, rows, depth, beta, 0, 1.0f);
}

SR_V_TARGET void SR_V_NAME(sr_f32_softmax_scaled_rows)(const float* x, float* y, size_t rows, size_t depth, float beta,
                                                       float scale) {
  SR_V_NAME(softmax_body)(x, y, rows, depth, beta, 1, scale);
}

/* ---- conversions ---- */

/* IEEE half to float (exact: every half is a float); the tail is staged through a buffer. */
SR_V_TARGET void SR_V_NAME(sr_f16_f32_convert)(const uint16_t* x, float* y, size_t n) {
  size_t i = 0;
  for (; i + VL <= n; i += VL) V_STORE(y + i, V_LOAD_F16(x + i));
  if (i < n) {
    uint16_t t[16] = {0};
    memcpy(t, x + i, (n - i) * sizeof *x);
    V_STOREM(y + i, V_MASK(n - i), 0, V_LOAD_F16(t));
  }
}

/* int8 to float, scale * (q - zero_point): q - zero_point is an exact int32 and float (|zero_point| <= 2^23 - 256,
 * checked by the caller), so the one float product rounds the exact value, as the reference's double product
 * rounded to float does. The tail is staged through a buffer. */
SR_V_TARGET void SR_V_NAME(sr_qs8_f32_dequantize)(const int8_t* x, float* y, size_t n, float scale,
                                                   int32_t zero_point) {
  const V s = V_SET1(scale);
  const VI zp = VI_SET1(zero_point);
  size_t i = 0;
  for (; i + VL <= n; i += VL) V_STORE(y + i, V_MUL(VI_TO_F(VI_SUB(VI_LOAD_S8(x + i), zp)), s));
  if (i < n) {
    int8_t t[16] = {0};
    memcpy(t, x + i, n - i);
    V_STOREM(y + i, V_MASK(n - i), 0, V_MUL(VI_TO_F(VI_SUB(VI_LOAD_S8(t), zp)), s));
  }
}

/* ---- pooling ---- */

/* One output pixel of a float MAX or AVERAGE pool over its in-bounds window (rows x cols pixels of C channels,
 * rows row_stride floats apart), channels as the vector axis, taps in the reference's order: the max starts from
 * -FLT_MAX and takes v only when v > max (NaN never wins), the average sums from 0 and divides by the count. */
SR_V_TARGET void SR_V_NAME(sr_f32_pool_pixel)(const float* in, size_t rows, size_t cols, size_t row_stride, size_t C,
                                              float* out, int is_max, float lo, float hi) {
  const V vlo = V_SET1(lo), vhi = V_SET1(hi), count = V_SET1((float)(rows * cols));
  for (size_t c = 0; c < C; c += VL) {
    const size_t left = C - c;
    const VM m = V_MASK(left < VL ? left : VL);
    V acc = is_max ? V_SET1(-FLT_MAX) : V_ZERO();
    for (size_t fy = 0; fy < rows; fy++)
      for (size_t fx = 0; fx < cols; fx++) {
        const float* p = in + fy * row_stride + fx * C + c;
        const V v = left >= VL ? V_LOAD(p) : V_LOADM(p, m);
        acc = is_max ? V_SEL(V_GT(v, acc), acc, v) : V_ADD(acc, v);
      }
    if (!is_max) acc = V_DIV(acc, count);
    V_STOREM(out + c, m, left >= VL, V_MIN(vhi, V_MAX(vlo, acc)));
  }
}

/* ---- reductions ---- */

/* y[i] = (x[i] + x[stride + i] + ... + x[(red - 1) stride + i]) / divisor for i < inner, summing in that order
 * (the reference's), four vectors of channels at a time. red == 0 gives 0 / divisor. */
SR_V_TARGET void SR_V_NAME(sr_f32_vsum_outer)(const float* x, size_t red, size_t inner, size_t stride, float* y,
                                              float divisor) {
  const V div = V_SET1(divisor);
  size_t i = 0;
  for (; i + 4 * VL <= inner; i += 4 * VL) {
    V a0 = V_ZERO(), a1 = V_ZERO(), a2 = V_ZERO(), a3 = V_ZERO();
    if (red) {
      const float* p = x + i;
      a0 = V_LOAD(p), a1 = V_LOAD(p + VL), a2 = V_LOAD(p + 2 * VL), a3 = V_LOAD(p + 3 * VL);
    }
    for (size_t r = 1; r < red; r++) {
      const float* p = x + r * stride + i;
      a0 = V_ADD(a0, V_LOAD(p)), a1 = V_ADD(a1, V_LOAD(p + VL));
      a2 = V_ADD(a2, V_LOAD(p + 2 * VL)), a3 = V_ADD(a3, V_LOAD(p + 3 * VL));
    }
    V_STORE(y + i, V_DIV(a0, div)), V_STORE(y + i + VL, V_DIV(a1, div));
    V_STORE(y + i + 2 * VL, V_DIV(a2, div)), V_STORE(y + i + 3 * VL, V_DIV(a3, div));
  }
  for (; i < inner; i += VL) {
    const VM m = V_MASK(inner - i < VL ? inner - i : VL);
    V a = red ? V_LOADM(x + i, m) : V_ZERO();
    for (size_t r = 1; r < red; r++) a = V_ADD(a, V_LOADM(x + r * stride + i, m));
    V_STOREM(y + i, m, 0, V_DIV(a, div));
  }
}

/* y[r] = (x[r red] + x[r red + 1] + ... + x[r red + red - 1]) / divisor for r < rows: each row summed in order
 * (as the reference), VL rows side by side through gathers. red >= 1 and (VL - 1) red < 2^31. */
SR_V_TARGET void SR_V_NAME(sr_f32_vsum_rows)(const float* x, size_t rows, size_t red, float* y, float divisor) {
  const V div = V_SET1(divisor);
  const VI idx = VI_MULLO(VI_LANES(), VI_SET1((int32_t)red));
  for (size_t r = 0; r < rows; r += VL) {
    const VM m = V_MASK(rows - r < VL ? rows - r : VL);
    const float* base = x + r * red;
    V acc = V_GATHERM(base, idx, m);
    for (size_t i = 1; i < red; i++) acc = V_ADD(acc, V_GATHERM(base + i, idx, m));
    V_STOREM(y + r, m, 0, V_DIV(acc, div));
  }
}

/* ---- layer normalization (fused_layernorm.c) ---- */

/* Rows of depth values with the unfused ops' roundings, one operation at a time: mu = MEAN(x) and var = MEAN((x -
 * mu)^2) through sr_f32_vsum_rows (MEAN's bits), rs = 1 / sqrt(var + eps) as RSQRT, then per element rg = rs gamma,
 * t1 = (-mu) rg, t2 = x rg, y = t2 + t1 (or t2 + (t1 + beta)); the clamps of the unfused MUL and ADD are the
 * identity (no activation). The squared differences are formed as the variance's row sums gather them, never
 * stored. stats holds 2 rows floats; y may not alias x. 1 <= depth and (VL - 1) depth < 2^31. */
SR_V_TARGET void SR_V_NAME(sr_f32_layernorm_rows)(const float* x, size_t rows, size_t depth, const float* gamma,
                                                  const float* beta, float eps, float* stats, float* y) {
  float *mu = stats, *var = stats + rows;
  SR_V_NAME(sr_f32_vsum_rows)(x, rows, depth, mu, (float)depth);
  /* sr_f32_vsum_rows over (x - mu)^2: the same sums in the same order */
  const V count = V_SET1((float)depth);
  const VI idx = VI_MULLO(VI_LANES(), VI_SET1((int32_t)depth));
  for (size_t r = 0; r < rows; r += VL) {
    const VM m = V_MASK(rows - r < VL ? rows - r : VL);
    const float* base = x + r * depth;
    const V mv = V_LOADM(mu + r, m);
    V d = V_SUB(V_GATHERM(base, idx, m), mv);
    V acc = V_MUL(d, d);
    for (size_t i = 1; i < depth; i++) {
      d = V_SUB(V_GATHERM(base + i, idx, m), mv);
      acc = V_ADD(acc, V_MUL(d, d));
    }
    V_STOREM(var + r, m, 0, V_DIV(acc, count));
  }
  for (size_t r = 0; r < rows; r++) {
    const float* xr = x + r * depth;
    float* yr = y + r * depth;
    const float v = var[r] + eps;
    const V rs = V_SET1(1.0f / sqrtf(v)), neg_mu = V_SET1(-mu[r]);
    for (size_t i = 0; i < depth; i += VL) {
      const int full = depth - i >= VL;
      const VM k = V_MASK(full ? VL : depth - i);
      const V rg = V_MUL(rs, full ? V_LOAD(gamma + i) : V_LOADM(gamma + i, k));
      const V t1 = V_MUL(neg_mu, rg);
      const V t2 = V_MUL(full ? V_LOAD(xr + i) : V_LOADM(xr + i, k), rg);
      const V res = beta ? V_ADD(t1, full ? V_LOAD(beta + i) : V_LOADM(beta + i, k)) : t1;
      V_STOREM(yr + i, k, full, V_ADD(t2, res));
    }
  }
}

#undef SR_V_INLINE
