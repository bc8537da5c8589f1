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

SR_V_INLINE VI SR_V_NAME(q8_load)(const void* p, const int is_unsigned) {
  return is_unsigned ? VI_LOAD_U8(p) : VI_LOAD_S8(p);
}

/* VL outputs from VL (or broadcast) inputs. */
SR_V_INLINE VI SR_V_NAME(q8_op)(const sr_q8_binary* q, VI a, VI b, const sr_q8_op op) {
  VI s;
  if (op == SR_Q8_MUL) {
    s = VI_MULLO(VI_ADD(a, VI_SET1(q->off1)), VI_ADD(b, VI_SET1(q->off2)));
  } else {
    const VI ra = SR_V_NAME(quant_mul)(VI_SLL(VI_ADD(a, VI_SET1(q->off1)), q->left_shift), q->m1);
    const VI rb = SR_V_NAME(quant_mul)(VI_SLL(VI_ADD(b, VI_SET1(q->off2)), q->left_shift), q->m2);
    s = op == SR_Q8_ADD ? VI_ADD(ra, rb) : VI_SUB(ra, rb);
  }
  const VI o = VI_ADD(SR_V_NAME(quant_mul)(s, q->mout), VI_SET1(q->out_off));
  return VI_MIN(VI_SET1(q->hi), VI_MAX(VI_SET1(q->lo), o));
}

SR_V_INLINE void SR_V_NAME(q8_loop)(const sr_q8_binary* q, const uint8_t* a, const uint8_t* b, uint8_t* y, size_t n,
                                   const sr_q8_op op, const int is_unsigned, const int va, const int vb) {
  const VI ca = VI_SET1(is_unsigned ? (int32_t)a[0] : (int32_t)(int8_t)a[0]);
  const VI cb = VI_SET1(is_unsigned ? (int32_t)b[0] : (int32_t)(int8_t)b[0]);
  size_t i = 0;
  for (; i + VL <= n; i += VL) {
    const VI x = va ? SR_V_NAME(q8_load)(a + i, is_unsigned) : ca;
    const VI z = vb ? SR_V_NAME(q8_load)(b + i, is_unsigned) : cb;
    VI_STORE_8(y + i, SR_V_NAME(q8_op)(q, x, z, op));
  }
  if (i < n) {
    uint8_t ta[16] = {0}, tb[16] = {0}, ty[16];
    memcpy(ta, a + (va ? i : 0), va ? n - i : 1);
    memcpy(tb, b + (vb ? i : 0), vb ? n - i : 1);
    const VI x = va ? SR_V_NAME(q8_load)(ta, is_unsigned) : ca;
    const VI z = vb ? SR_V_NAME(q8_load)(tb, is_unsigned) : cb;
    VI_STORE_8(ty, SR_V_NAME(q8_op)(q, x, z, op));
    memcpy(y + i, ty, n - i);
  }
}

SR_V_INLINE void SR_V_NAME(q8_shapes)(const sr_q8_binary* q, const uint8_t* a, size_t sa, const uint8_t* b, size_t sb,
                                     uint8_t* y, size_t n, const sr_q8_op op, const int is_unsigned) {
  if (sa && sb) SR_V_NAME(q8_loop)(q, a, b, y, n, op, is_unsigned, 1, 1);
  else if (sa) SR_V_NAME(q8_loop)(q, a, b, y, n, op, is_unsigned, 1, 0);
  else if (sb) SR_V_NAME(q8_loop)(q, a, b, y, n, op, is_unsigned, 0, 1);
  else SR_V_NAME(q8_loop)(q, a, b, y, n, op, is_unsigned, 0, 0);
}

SR_V_TARGET void SR_V_NAME(sr_q8_vbinary)(const sr_q8_binary* q, const void* a, size_t sa, const void* b, size_t sb,
                                          void* y, size_t n) {
  const int u = q->is_unsigned;
  switch (q->op) {
    case SR_Q8_ADD:
      if (u) SR_V_NAME(q8_shapes)(q, a, sa, b, sb, y, n, SR_Q8_ADD, 1);
      else SR_V_NAME(q8_shapes)(q, a, sa, b, sb, y, n, SR_Q8_ADD, 0);
      break;
    case SR_Q8_SUB:
      if (u) SR_V_NAME(q8_shapes)(q, a, sa, b, sb, y, n, SR_Q8_SUB, 1);
      else SR_V_NAME(q8_shapes)(q, a, sa, b, sb, y, n, SR_Q8_SUB, 0);
      break;
    case SR_Q8_MUL:
      if (u) SR_V_NAME(q8_shapes)(q, a, sa, b, sb, y, n, SR_Q8_MUL, 1);
      else SR_V_NAME(q8_shapes)(q, a, sa, b, sb, y, n, SR_Q8_MUL, 0);
      break;
  }
}

#undef SR_V_INLINE
