/*
 * lut.h — lookup tables and fixed-point helpers shared by the unary, activation, softmax and norm families:
 * LiteRT's LUTPopulate for 8-bit (256 entries indexed by the raw byte) and 16-bit (513 entries with linear
 * interpolation) tables, the gemmlowp-style 16-bit fixed-point primitives, and LiteRT's
 * GetInvSqrtQuantizedMultiplierExp. Each function names the LiteRT routine whose arithmetic it reproduces.
 */
#ifndef SR_LUT_H
#define SR_LUT_H

#include <stddef.h>
#include <stdint.h>

/* A real function tabulated into a LUT; ctx carries extra parameters (may be NULL). */
typedef float (*sr_lut_fn)(float x, const void* ctx);
typedef double (*sr_lut_fn64)(double x);

/* LiteRT's LUTPopulate<int8/uint8>: dequantize (float), transform, round half away from zero, add the zero
 * point, clamp. The table is indexed by the byte value (an int8 input cast to uint8). */
void sr_lut8_populate(int is_signed, float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, sr_lut_fn fn,
                      const void* ctx, uint8_t table[256]);
void sr_lut8_apply(const uint8_t table[256], const uint8_t* x, uint8_t* y, size_t n);
/* The same lookup vectorized for a CPU with `isa` (lut_x86.c), or sr_lut8_apply. */
typedef void (*sr_lut8_fn)(const uint8_t table[256], const uint8_t* x, uint8_t* y, size_t n);
sr_lut8_fn sr_lut8_kernel(unsigned isa);
/* fn over x[0, n) -> y in chunks spread over the node's threads. */
struct sr_node;
void sr_lut8_run(const struct sr_node* node, sr_lut8_fn fn, const uint8_t table[256], const uint8_t* x, uint8_t* y,
                 size_t n);

/* LiteRT's LUTPopulateInt16 in float: 512 samples over the input range with a midpoint error correction,
 * plus one end entry. The output zero point only enters through the (cancelling) output range. */
void sr_lut16_populate(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, sr_lut_fn fn,
                       const void* ctx, int16_t table[513]);
/* The same in double (LiteRT's deprecated double overload, which int16 SOFTMAX still uses). */
void sr_lut16_populate_f64(double in_scale, int32_t in_zp, double out_scale, int32_t out_zp, sr_lut_fn64 fn,
                           int16_t table[513]);

/* LiteRT's LUTLookup(int16): the top 9 bits index, the low 7 interpolate. */
static inline int16_t sr_lut16_lookup(int16_t v, const int16_t* lut) {
  int index = 256 + (v >> 7);
  int offset = v & 0x7f;
  int base = lut[index];
  int16_t slope = (int16_t)(lut[index + 1] - lut[index]);
  int delta = (slope * offset + 64) >> 7;
  return (int16_t)(base + delta);
}
void sr_lut16_apply(const int16_t* lut, const int16_t* x, int16_t* y, size_t n);

/* (int32_t)f with truncation, saturating out-of-range values (C leaves them undefined; LiteRT's build
 * saturates: an EXP table entry that overflows to +inf becomes the type's maximum). NaN gives 0. */
static inline int32_t sr_f32_to_i32_sat(float f) {
  if (f != f) return 0;
  if (f <= -2147483648.0f) return INT32_MIN;
  if (f >= 2147483648.0f) return INT32_MAX;
  return (int32_t)f;
}

/* ---- gemmlowp 16-bit fixed point ---- */

/* SaturatingRoundingDoublingHighMul on int16 (rounds to nearest, ties up as in gemmlowp). */
static inline int16_t sr_srdhm16(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  int32_t ab = (int32_t)a * (int32_t)b;
  int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return (int16_t)((ab + nudge) / (1 << 15));
}

/* RoundingDivideByPOT on int16. */
static inline int16_t sr_rdivpot16(int16_t x, int exponent) {
  if (exponent <= 0) return x;
  int32_t mask = (1 << exponent) - 1;
  int32_t remainder = x & mask;
  int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (int16_t)((x >> exponent) + (remainder > threshold ? 1 : 0));
}

/* ---- LiteRT's GetInvSqrtQuantizedMultiplierExp ---- */

/* 1/sqrt(input) as a multiplier and shift (Newton-Raphson in gemmlowp Q3.28). reverse_shift -1 gives a
 * right shift as a negative exponent, as LiteRT's kReverseShift callers expect. input <= 1 gives the
 * largest multiplier. */
void sr_inv_sqrt_multiplier(int32_t input, int reverse_shift, int32_t* multiplier, int* shift);

#endif /* SR_LUT_H */
