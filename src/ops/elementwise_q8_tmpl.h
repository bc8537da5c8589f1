/*
 * elementwise_q8_tmpl.h — body of the quantized 8-bit ADD/SUB/MUL kernels, included once per ISA by
 * elementwise_q8_x86.c after simd_avx2.h or simd_avx512.h. VL int8 values widen to int32 lanes; the tail is
 * staged through a small buffer so no access strays past the row.
 */
#define SR_V_INLINE static inline __attribute__((always_inline)) SR_V_TARGET

/* gemmlowp's SaturatingRoundingDoublingHighMul for a positive multiplier: (x m + 2^30) >> 31 (floor), which
 * equals its round-half-up-toward-zero nudge for both signs; the saturating case needs m = INT32_MIN. 64-bit
 * products of even and odd lanes, bits 31..62 of each put back in place. */
SR_V_INLINE VI SR_V_NAME(srdhm)(VI x, VI m) {
  const VI nudge = VI_SET1_64((int64_t)1 << 30);
  const VI even = VI_SRLI64(VI_ADD64(VI_MUL_EVEN(x, m), nudge), 31);
  const VI odd = VI_SLLI64(VI_ADD64(VI_MUL_EVEN(VI_SRLI64(x, 32), m), nudge), 1);
  return VI_BLEND_ODD(even, odd);
}

/* sr_quant_mul: left shift, doubling high multiply, rounding (half away from zero) right shift. */
SR_V_INLINE VI SR_V_NAME(quant_mul)(VI x, sr_qmul m) {
  const int left = m.shift > 0 ? m.shift : 0, right = m.shift > 0 ? 0 : -m.shift;
  VI v = SR_V_NAME(srdhm)(VI_SLL(x, left), VI_SET1(m.mult));
  if (right) {
    const VI mask = VI_SET1((int32_t)((1ll << right) - 1));
    const VI threshold = VI_ADD(VI_SRA(mask, 1), VI_SRLI(v, 31)); /* + 1 for negative v */
    v = VI_ADD(VI_SRA(v, right), VI_GT_ONE(VI_AND(v, mask), threshold));
  }
  return v;
}

SR_V_INLINE VI SR_V_NAME(q8_load)(const uint8_t* p, int is_unsigned) {
  return is_unsigned ? VI_LOAD_U8(p) : VI_LOAD_S8(p);
}

/* One operand's VL values: loaded (vec) or the row's broadcast value c. */
SR_V_INLINE VI SR_V_NAME(q8_operand)(const uint8_t* p, int vec, VI c, int is_unsigned) {
  return vec ? SR_V_NAME(q8_load)(p, is_unsigned) : c;
}

/* ADD (sub = 0) or SUB (sub = 1): each input offset, shifted left and rescaled to the common scale; the sum (or
 * difference) requantized to the output. */
SR_V_INLINE VI SR_V_NAME(q8_addsub)(const sr_q8_binary* q, VI a, VI b, int sub) {
  const VI ra = SR_V_NAME(quant_mul)(VI_SLL(VI_ADD(a, VI_SET1(q->off1)), q->left_shift), q->m1);
  const VI rb = SR_V_NAME(quant_mul)(VI_SLL(VI_ADD(b, VI_SET1(q->off2)), q->left_shift), q->m2);
  const VI o = VI_ADD(SR_V_NAME(quant_mul)(sub ? VI_SUB(ra, rb) : VI_ADD(ra, rb), q->mout), VI_SET1(q->out_off));
  return VI_MIN(VI_SET1(q->hi), VI_MAX(VI_SET1(q->lo), o));
}

/* MUL: the product of the offset inputs requantized to the output. */
SR_V_INLINE VI SR_V_NAME(q8_mul)(const sr_q8_binary* q, VI a, VI b) {
  const VI p = VI_MULLO(VI_ADD(a, VI_SET1(q->off1)), VI_ADD(b, VI_SET1(q->off2)));
  const VI o = VI_ADD(SR_V_NAME(quant_mul)(p, q->mout), VI_SET1(q->out_off));
  return VI_MIN(VI_SET1(q->hi), VI_MAX(VI_SET1(q->lo), o));
}

/* Whole vectors, then the tail staged through small buffers so no access strays past the row. Which operands
 * walk the row and the signedness are run-time flags (well predicted branches), which keeps the code small. */
SR_V_TARGET void SR_V_NAME(sr_q8_vbinary)(const sr_q8_binary* q, const void* a_, size_t sa, const void* b_, size_t sb,
                                          void* y_, size_t n) {
  const uint8_t *a = a_, *b = b_;
  uint8_t* y = y_;
  const int u = q->is_unsigned, mul = q->op == SR_Q8_MUL, sub = q->op == SR_Q8_SUB;
  const VI ca = VI_SET1(u ? (int32_t)a[0] : (int32_t)(int8_t)a[0]);
  const VI cb = VI_SET1(u ? (int32_t)b[0] : (int32_t)(int8_t)b[0]);
  size_t i = 0;
  for (; i + VL <= n; i += VL) {
    const VI x = SR_V_NAME(q8_operand)(a + i, sa != 0, ca, u), z = SR_V_NAME(q8_operand)(b + i, sb != 0, cb, u);
    VI_STORE_8(y + i, mul ? SR_V_NAME(q8_mul)(q, x, z) : SR_V_NAME(q8_addsub)(q, x, z, sub));
  }
  if (i < n) {
    uint8_t ta[16] = {0}, tb[16] = {0}, ty[16];
    if (sa) memcpy(ta, a + i, n - i);
    if (sb) memcpy(tb, b + i, n - i);
    const VI x = SR_V_NAME(q8_operand)(ta, sa != 0, ca, u), z = SR_V_NAME(q8_operand)(tb, sb != 0, cb, u);
    VI_STORE_8(ty, mul ? SR_V_NAME(q8_mul)(q, x, z) : SR_V_NAME(q8_addsub)(q, x, z, sub));
    memcpy(y + i, ty, n - i);
  }
}

#undef SR_V_INLINE
