/*
 * elementwise.c — ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM with NumPy broadcasting (broadcast.h) on float32,
 * int32, int64, plain int16 (ADD, MUL, MAXIMUM, MINIMUM) and quantized int8, uint8 and int16. Numerics are
 * LiteRT's, checked against it:
 *  - every float ADD/SUB/MUL/DIV result is clamped to the fused activation's range, and with no activation
 *    that range is [-FLT_MAX, FLT_MAX]: an infinite result becomes +-FLT_MAX, NaN stays NaN. TANH and
 *    SIGN_BIT do not clamp (LiteRT ignores them here);
 *  - integer ADD/SUB/MUL wrap; int32 DIV truncates toward zero, clamps (INT32_MIN / -1 = INT32_MAX) and
 *    fails when any element of the divisor is 0, whether or not the output uses it;
 *  - MAXIMUM is a > b ? a : b and MINIMUM a < b ? a : b (a NaN in input 1 propagates, one in input 0 does
 *    not), never clamped; on quantized types they compare raw values (the converter gives inputs and
 *    output one quantization);
 *  - quantized ADD/SUB rescale both inputs to twice the larger input scale after a left shift of 20 (8-bit)
 *    or 15 (int16), add in int32, and requantize to the output; MUL requantizes the product of the
 *    zero-point-corrected inputs; int16 ADD/SUB whose scales are all powers of two (with the
 *    pot_scale_int16 option, on by default) use LiteRT's shift-only path instead; int8/uint8 DIV divides
 *    with gemmlowp's fixed-point reciprocal, including LiteRT's x86 behaviour where its final shift leaves
 *    [0, 31], and fails on a divisor at its zero point.
 * Not reproduced: LiteRT's vectorised int8 MUL narrows the requantized product to int16 and wraps when it
 * lies beyond +-32767 output steps (absurd output scales); sigrun saturates it.
 */
#include <float.h>

#include "broadcast.h"
#include "elementwise.h"
#include "elementwise_q8.h"
#include "quant.h"
#include "vec_f32.h"
#include "../format/schema_enums.h"

typedef enum binary_op { BIN_ADD, BIN_SUB, BIN_MUL, BIN_DIV, BIN_MAX, BIN_MIN, BIN_COUNT } binary_op;
/* Kernel slots: plain types, then quantized ones (QS16P = int16 with power-of-two scales). */
enum { TYPE_F32, TYPE_S32, TYPE_S64, TYPE_S16, TYPE_QS8, TYPE_QU8, TYPE_QS16, TYPE_QS16P, TYPE_COUNT };

/* Constants of one node's element operation, copied to the stack by each kernel. */
typedef struct elem_params {
  float f_lo, f_hi;         /* activation clamp of float kernels */
  int64_t i_lo, i_hi;       /* activation clamp of integer and quantized kernels, inside the type's range */
  int32_t off1, off2, out_off; /* -input zero points, output zero point */
  int left_shift;
  sr_qmul m1, m2, mout;
  int rshift1, rshift2;     /* power-of-two int16 path: right shift of each input */
} elem_params;

typedef struct binary_data binary_data;
typedef void (*binary_kernel)(const binary_data* d, const void* a, const void* b, void* out);

struct binary_data {
  sr_broadcast_plan plan;
  binary_kernel kernel;
  elem_params e;
  sr_vec_row_fn vec_row; /* vector kernel for this CPU (row function and its context), or NULL */
  const void* vec_ctx;
  sr_vec_f32_binary vec_f32;
  sr_q8_binary vec_q8;
};

/* ---- element operations ---- */

/* Two's-complement wrap without relying on implementation-defined unsigned-to-signed conversion. */
static inline int32_t wrap_s32(uint32_t u) { return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1; }
static inline int64_t wrap_s64(uint64_t u) { return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1; }
static inline int16_t wrap_s16(uint32_t u) {
  u &= 0xffffu;
  return u <= INT16_MAX ? (int16_t)u : (int16_t)((int32_t)u - 65536);
}

/* lo/hi are never NaN, so a NaN x passes through, as with LiteRT's min(max(x, lo), hi). */
static inline float clamp_f32(float x, float lo, float hi) { return x < lo ? lo : (x > hi ? hi : x); }
static inline int64_t clamp_s64(int64_t x, int64_t lo, int64_t hi) { return x < lo ? lo : (x > hi ? hi : x); }

#define E const elem_params* e
static inline float f32_add(float a, float b, E) { return clamp_f32(a + b, e->f_lo, e->f_hi); }
static inline float f32_sub(float a, float b, E) { return clamp_f32(a - b, e->f_lo, e->f_hi); }
static inline float f32_mul(float a, float b, E) { return clamp_f32(a * b, e->f_lo, e->f_hi); }
static inline float f32_div(float a, float b, E) { return clamp_f32(a / b, e->f_lo, e->f_hi); }

static inline int32_t s32_add(int32_t a, int32_t b, E) {
  return (int32_t)clamp_s64(wrap_s32((uint32_t)a + (uint32_t)b), e->i_lo, e->i_hi);
}
static inline int32_t s32_sub(int32_t a, int32_t b, E) {
  return (int32_t)clamp_s64(wrap_s32((uint32_t)a - (uint32_t)b), e->i_lo, e->i_hi);
}
static inline int32_t s32_mul(int32_t a, int32_t b, E) {
  return (int32_t)clamp_s64(wrap_s32((uint32_t)a * (uint32_t)b), e->i_lo, e->i_hi);
}
/* b != 0 (eval checks the whole divisor first). The 64-bit quotient makes INT32_MIN / -1 well defined. */
static inline int32_t s32_div(int32_t a, int32_t b, E) { return (int32_t)clamp_s64((int64_t)a / b, e->i_lo, e->i_hi); }

static inline int64_t s64_add(int64_t a, int64_t b, E) {
  return clamp_s64(wrap_s64((uint64_t)a + (uint64_t)b), e->i_lo, e->i_hi);
}
static inline int64_t s64_sub(int64_t a, int64_t b, E) {
  return clamp_s64(wrap_s64((uint64_t)a - (uint64_t)b), e->i_lo, e->i_hi);
}
static inline int64_t s64_mul(int64_t a, int64_t b, E) {
  return clamp_s64(wrap_s64((uint64_t)a * (uint64_t)b), e->i_lo, e->i_hi);
}

/* Unquantized int16 (LiteRT: the int result is narrowed to int16, then clamped). */
static inline int16_t s16_add(int16_t a, int16_t b, E) {
  return (int16_t)clamp_s64(wrap_s16((uint32_t)(a + b)), e->i_lo, e->i_hi);
}
static inline int16_t s16_mul(int16_t a, int16_t b, E) {
  return (int16_t)clamp_s64(wrap_s16((uint32_t)((int32_t)a * b)), e->i_lo, e->i_hi);
}

#define MAX_OP(a, b, e) ((a) > (b) ? (a) : (b))
#define MIN_OP(a, b, e) ((a) < (b) ? (a) : (b))

/* Quantized: an input rescaled to the common scale (values fit: |v + off| < 2^16 and the shift is <= 20
 * for 8-bit, 15 for 16-bit). */
static inline int32_t q_rescale(int32_t v, int32_t off, sr_qmul m, int left_shift) {
  return sr_quant_mul((v + off) * (1 << left_shift), m);
}
static inline int32_t q_add(int32_t a, int32_t b, E) {
  int32_t s = q_rescale(a, e->off1, e->m1, e->left_shift) + q_rescale(b, e->off2, e->m2, e->left_shift);
  return (int32_t)clamp_s64((int64_t)sr_quant_mul(s, e->mout) + e->out_off, e->i_lo, e->i_hi);
}
static inline int32_t q_sub(int32_t a, int32_t b, E) {
  int32_t s = q_rescale(a, e->off1, e->m1, e->left_shift) - q_rescale(b, e->off2, e->m2, e->left_shift);
  return (int32_t)clamp_s64((int64_t)sr_quant_mul(s, e->mout) + e->out_off, e->i_lo, e->i_hi);
}
static inline int32_t q_mul(int32_t a, int32_t b, E) {
  int32_t prod = (a + e->off1) * (b + e->off2); /* |prod| <= 2^30 for int16 (zero points 0), 2^16 for 8-bit */
  return (int32_t)clamp_s64((int64_t)sr_quant_mul(prod, e->mout) + e->out_off, e->i_lo, e->i_hi);
}
/* Power-of-two int16: LiteRT's ADD saturates the int16 sum before the activation clamp; SUB only clamps. */
static inline int32_t q_pot_add(int32_t a, int32_t b, E) {
  int32_t s = sr_rdivpot(a, e->rshift1) + sr_rdivpot(b, e->rshift2);
  s = s < INT16_MIN ? INT16_MIN : s > INT16_MAX ? INT16_MAX : s;
  return (int32_t)clamp_s64(s, e->i_lo, e->i_hi);
}
static inline int32_t q_pot_sub(int32_t a, int32_t b, E) {
  return (int32_t)clamp_s64((int64_t)sr_rdivpot(a, e->rshift1) - sr_rdivpot(b, e->rshift2), e->i_lo, e->i_hi);
}

/* ---- quantized DIV: LiteRT divides with a fixed-point reciprocal (gemmlowp's Newton-Raphson
 * one_over_one_plus_x_for_x_in_0_1), not a float division; each step below is one of its primitives. */
static inline int clz32(uint32_t x) {
  int n = 0;
  if (!x) return 32;
  while (!(x & 0x80000000u)) x <<= 1, n++;
  return n;
}
/* Leading redundant sign bits (LiteRT's CountLeadingSignBits). */
static inline int sign_bits(int32_t x) {
  if (x >= 0) return clz32((uint32_t)x) - 1;
  if (x == INT32_MIN) return 0;
  return clz32(2u * (uint32_t)(-x) - 1u);
}
/* gemmlowp's RoundingDivideByPOT as LiteRT's x86 build evaluates it for any exponent: DIV's exponent can
 * leave [0, 31] for small output multipliers, where the C++ shifts are undefined and the hardware masks the
 * shift counts (64-bit mask computation, 32-bit arithmetic shift). */
static inline int32_t rdivpot_any(int32_t x, int exponent) {
  if (exponent >= 0 && exponent <= 31) return sr_rdivpot(x, exponent);
  const uint32_t mask = (uint32_t)((1ull << (exponent & 63)) - 1u);
  const int32_t smask = wrap_s32(mask);
  const int32_t threshold = (smask < 0 ? -(int32_t)((~(uint32_t)smask) >> 1) - 1 : smask >> 1) + (x < 0);
  const int32_t remainder = wrap_s32((uint32_t)x & mask);
  const int sh = exponent & 31;
  const int32_t shifted = x < 0 ? -(int32_t)((~(uint32_t)x) >> sh) - 1 : x >> sh;
  return shifted + (remainder > threshold ? 1 : 0);
}
/* gemmlowp SaturatingRoundingMultiplyByPOT for a positive exponent. */
static inline int32_t sat_shl(int32_t x, int exponent) {
  const int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1u);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (int32_t)((uint32_t)x << exponent);
}
/* 1 / (1 + a) for a in [0, 1) as Q0.31, a given in Q0.31: Newton-Raphson in Q2.29 from 48/17 - 32/17 d. */
static int32_t one_over_one_plus_x(int32_t a) {
  const int64_t sum = (int64_t)a + INT32_MAX;
  const int32_t half_den = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2); /* RoundingHalfSum(a, 1) */
  const int32_t one_q2 = 1 << 29;
  int32_t x = wrap_s32((uint32_t)1515870810 + (uint32_t)sr_srdhm(half_den, -1010580540));
  for (int i = 0; i < 3; i++) {
    int32_t hx = sr_srdhm(half_den, x);                     /* Q2 */
    int32_t one_minus = wrap_s32((uint32_t)one_q2 - (uint32_t)hx);
    int32_t corr = sat_shl(sr_srdhm(x, one_minus), 2);      /* Q4 -> Q2 */
    x = wrap_s32((uint32_t)x + (uint32_t)corr);
  }
  return sat_shl(x, 1); /* x / 2 in Q1, rescaled to Q0 */
}
/* LiteRT's GetReciprocal(x, 31): a Q0.31 reciprocal of x > 0 and how many bits it sits above 1. */
static int32_t reciprocal(int32_t x, int* bits_over_unit) {
  const int headroom_plus_one = clz32((uint32_t)x);
  *bits_over_unit = 31 - headroom_plus_one;
  const int32_t shifted_minus_one = wrap_s32(((uint32_t)x << headroom_plus_one) - (1u << 31));
  return one_over_one_plus_x(shifted_minus_one);
}
static inline int32_t q_div(int32_t a, int32_t b, E) {
  int32_t num = a + e->off1, den = b + e->off2; /* den != 0: eval checks the divisor first */
  if (den < 0) num = -num, den = -den;
  int32_t unscaled = 0;
  int recip_shift = 0, headroom = 0;
  const int32_t inv = reciprocal(den, &recip_shift);
  if (num != 0) {
    headroom = sign_bits(num);
    unscaled = sr_srdhm((int32_t)((uint32_t)num << headroom), inv);
  } else {
    headroom = 31; /* LiteRT counts 31 sign bits in 0; only the final shift sees it */
  }
  const int total_shift = e->mout.shift - recip_shift - headroom;
  const int32_t q = rdivpot_any(sr_srdhm(unscaled, e->mout.mult), -total_shift);
  return (int32_t)clamp_s64((int64_t)q + e->out_off, e->i_lo, e->i_hi);
}
#undef E

/* ---- kernels: one broadcast walk per op and type ---- */
#define SR_BINARY_KERNEL(NAME, T, OP)                                            \
  static void NAME(const binary_data* d, const void* a, const void* b, void* y) { \
    const elem_params e = d->e;                                                  \
    (void)e; /* MAXIMUM/MINIMUM need no constants */                             \
    SR_BROADCAST_APPLY2(&d->plan, T, a, T, b, T, y, OP, &e);                     \
  }

SR_BINARY_KERNEL(sr_f32_add__ref, float, f32_add)
SR_BINARY_KERNEL(sr_f32_sub__ref, float, f32_sub)
SR_BINARY_KERNEL(sr_f32_mul__ref, float, f32_mul)
SR_BINARY_KERNEL(sr_f32_div__ref, float, f32_div)
SR_BINARY_KERNEL(sr_f32_maximum__ref, float, MAX_OP)
SR_BINARY_KERNEL(sr_f32_minimum__ref, float, MIN_OP)
SR_BINARY_KERNEL(sr_s32_add__ref, int32_t, s32_add)
SR_BINARY_KERNEL(sr_s32_sub__ref, int32_t, s32_sub)
SR_BINARY_KERNEL(sr_s32_mul__ref, int32_t, s32_mul)
SR_BINARY_KERNEL(sr_s32_div__ref, int32_t, s32_div)
SR_BINARY_KERNEL(sr_s32_maximum__ref, int32_t, MAX_OP)
SR_BINARY_KERNEL(sr_s32_minimum__ref, int32_t, MIN_OP)
SR_BINARY_KERNEL(sr_s64_add__ref, int64_t, s64_add)
SR_BINARY_KERNEL(sr_s64_sub__ref, int64_t, s64_sub)
SR_BINARY_KERNEL(sr_s64_mul__ref, int64_t, s64_mul)
SR_BINARY_KERNEL(sr_s64_maximum__ref, int64_t, MAX_OP)
SR_BINARY_KERNEL(sr_s64_minimum__ref, int64_t, MIN_OP)
SR_BINARY_KERNEL(sr_s16_add__ref, int16_t, s16_add)
SR_BINARY_KERNEL(sr_s16_mul__ref, int16_t, s16_mul)
SR_BINARY_KERNEL(sr_s16_maximum__ref, int16_t, MAX_OP)
SR_BINARY_KERNEL(sr_s16_minimum__ref, int16_t, MIN_OP)
SR_BINARY_KERNEL(sr_s8_maximum__ref, int8_t, MAX_OP)
SR_BINARY_KERNEL(sr_s8_minimum__ref, int8_t, MIN_OP)
SR_BINARY_KERNEL(sr_u8_maximum__ref, uint8_t, MAX_OP)
SR_BINARY_KERNEL(sr_u8_minimum__ref, uint8_t, MIN_OP)
SR_BINARY_KERNEL(sr_qs8_add__ref, int8_t, q_add)
SR_BINARY_KERNEL(sr_qs8_sub__ref, int8_t, q_sub)
SR_BINARY_KERNEL(sr_qs8_mul__ref, int8_t, q_mul)
SR_BINARY_KERNEL(sr_qu8_add__ref, uint8_t, q_add)
SR_BINARY_KERNEL(sr_qu8_sub__ref, uint8_t, q_sub)
SR_BINARY_KERNEL(sr_qu8_mul__ref, uint8_t, q_mul)
SR_BINARY_KERNEL(sr_qs8_div__ref, int8_t, q_div)
SR_BINARY_KERNEL(sr_qu8_div__ref, uint8_t, q_div)
SR_BINARY_KERNEL(sr_qs16_add__ref, int16_t, q_add)
SR_BINARY_KERNEL(sr_qs16_sub__ref, int16_t, q_sub)
SR_BINARY_KERNEL(sr_qs16_mul__ref, int16_t, q_mul)
SR_BINARY_KERNEL(sr_qs16_add_pot__ref, int16_t, q_pot_add)
SR_BINARY_KERNEL(sr_qs16_sub_pot__ref, int16_t, q_pot_sub)

/* NULL = the type is not supported by that op (as in LiteRT: no int64 DIV, no unquantized int16 SUB/DIV). */
static const binary_kernel kernels[BIN_COUNT][TYPE_COUNT] = {
    [BIN_ADD] = {sr_f32_add__ref, sr_s32_add__ref, sr_s64_add__ref, sr_s16_add__ref, sr_qs8_add__ref,
                 sr_qu8_add__ref, sr_qs16_add__ref, sr_qs16_add_pot__ref},
    [BIN_SUB] = {sr_f32_sub__ref, sr_s32_sub__ref, sr_s64_sub__ref, NULL, sr_qs8_sub__ref, sr_qu8_sub__ref,
                 sr_qs16_sub__ref, sr_qs16_sub_pot__ref},
    [BIN_MUL] = {sr_f32_mul__ref, sr_s32_mul__ref, sr_s64_mul__ref, sr_s16_mul__ref, sr_qs8_mul__ref,
                 sr_qu8_mul__ref, sr_qs16_mul__ref, NULL},
    [BIN_DIV] = {sr_f32_div__ref, sr_s32_div__ref, NULL, NULL, sr_qs8_div__ref, sr_qu8_div__ref},
    [BIN_MAX] = {sr_f32_maximum__ref, sr_s32_maximum__ref, sr_s64_maximum__ref, sr_s16_maximum__ref,
                 sr_s8_maximum__ref, sr_u8_maximum__ref, sr_s16_maximum__ref, sr_s16_maximum__ref},
    [BIN_MIN] = {sr_f32_minimum__ref, sr_s32_minimum__ref, sr_s64_minimum__ref, sr_s16_minimum__ref,
                 sr_s8_minimum__ref, sr_u8_minimum__ref, sr_s16_minimum__ref, sr_s16_minimum__ref},
};

static const char* const supported[BIN_COUNT] = {
    [BIN_ADD] = "float32, int32, int64, int16, and quantized int8, uint8, int16",
    [BIN_SUB] = "float32, int32, int64, and quantized int8, uint8, int16",
    [BIN_MUL] = "float32, int32, int64, int16, and quantized int8, uint8, int16",
    [BIN_DIV] = "float32, int32, and quantized int8, uint8",
    [BIN_MAX] = "float32, int32, int64, int16, int8, uint8",
    [BIN_MIN] = "float32, int32, int64, int16, int8, uint8",
};

/* ---- parse ---- */

/* Add/Sub/Mul/DivOptions keep fused_activation_function in field 0 (int8, default NONE); Add/SubOptions
 * add pot_scale_int16 in field 1 (bool, default true). */
static sigrun_status parse_activation(sr_parse_ctx* ctx, int options_type, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, options_type, 1);
  if (st) return st;
  sr_binary_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  int8_t act = SR_ACT_NONE;
  uint8_t pot = 1;
  if (ctx->options) {
    int rc = sr_fb_i8(ctx->options, 0, SR_ACT_NONE, &act);
    if (rc != SR_FB_OK)
      return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "option fused_activation_function: %s", sr_fb_strerror(rc));
    if (options_type == SR_OPTIONS_ADD || options_type == SR_OPTIONS_SUB) {
      rc = sr_fb_u8(ctx->options, 1, 1, &pot);
      if (rc != SR_FB_OK)
        return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "option pot_scale_int16: %s", sr_fb_strerror(rc));
    }
  }
  if (act < SR_ACT_NONE || act > SR_ACT_SIGN_BIT)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL,
                         "fused activation %d is not a known ActivationFunctionType (0..5)", act);
  p->activation = act;
  p->pot_scale_int16 = pot != 0;
  *out_params = p;
  return SIGRUN_STATUS_OK;
}

static sigrun_status parse_add(sr_parse_ctx* ctx, const void** out) { return parse_activation(ctx, SR_OPTIONS_ADD, out); }
static sigrun_status parse_sub(sr_parse_ctx* ctx, const void** out) { return parse_activation(ctx, SR_OPTIONS_SUB, out); }
static sigrun_status parse_mul(sr_parse_ctx* ctx, const void** out) { return parse_activation(ctx, SR_OPTIONS_MUL, out); }
static sigrun_status parse_div(sr_parse_ctx* ctx, const void** out) { return parse_activation(ctx, SR_OPTIONS_DIV, out); }

/* MaximumMinimumOptions is an empty table; only its union type is checked. */
static sigrun_status parse_max_min(sr_parse_ctx* ctx, const void** out_params) {
  *out_params = NULL;
  return sr_parse_expect_options(ctx, SR_OPTIONS_MAXIMUM_MINIMUM, 1);
}

/* ---- prepare / eval ---- */

/* LiteRT's activation ranges; NONE (and TANH/SIGN_BIT, which these ops ignore) is the type's full range. */
static void activation_range(int activation, int64_t type_min, int64_t type_max, elem_params* e) {
  e->f_lo = -FLT_MAX;
  e->f_hi = FLT_MAX;
  e->i_lo = type_min;
  e->i_hi = type_max;
  if (activation == SR_ACT_RELU) {
    e->f_lo = 0.0f;
    e->i_lo = 0;
  } else if (activation == SR_ACT_RELU6) {
    e->f_lo = 0.0f, e->f_hi = 6.0f;
    e->i_lo = 0, e->i_hi = 6;
  } else if (activation == SR_ACT_RELU_N1_TO_1) {
    e->f_lo = -1.0f, e->f_hi = 1.0f;
    e->i_lo = -1, e->i_hi = 1;
  }
}

static int is_quantized(const sr_tensor* t) { return t->def->quant.count > 0; }

/* LiteRT's CheckedLog2: the scale is a power of two when log2 is within 1e-3 of an integer (in float). */
static int checked_log2(float x, int* log2_out) {
  const float l = logf(x) * (1.0f / logf(2.0f));
  const float r = roundf(l);
  *log2_out = (int)r;
  return fabsf(l - r) < 1e-3f;
}

static int type_slot(binary_op op, const sr_tensor* a, const sr_binary_params* params) {
  switch (a->type) {
    case SIGRUN_TYPE_FLOAT32: return TYPE_F32;
    case SIGRUN_TYPE_INT32: return TYPE_S32;
    case SIGRUN_TYPE_INT64: return TYPE_S64;
    case SIGRUN_TYPE_INT8: return TYPE_QS8;
    case SIGRUN_TYPE_UINT8: return TYPE_QU8;
    case SIGRUN_TYPE_INT16:
      if (!is_quantized(a)) return TYPE_S16;
      if ((op == BIN_ADD || op == BIN_SUB) && (!params || params->pot_scale_int16)) {
        const sr_quant* q = &a->def->quant;
        int l;
        if (q->count == 1 && q->scales && checked_log2(q->scales[0], &l)) return TYPE_QS16P;
      }
      return TYPE_QS16;
    default: return -1;
  }
}

/* The power-of-two int16 path (LiteRT's LSTM-style ADD/SUB): zero points 0, every scale a power of two,
 * and only one input may be shifted (right) onto the output's scale. */
static sigrun_status prepare_pot16(sr_node* node, const float* s, const int32_t* zp, elem_params* e, int* general) {
  int l[3];
  *general = 0;
  for (int i = 0; i < 3; i++)
    if (!checked_log2(s[i], &l[i])) *general = 1;
  if (*general) return SIGRUN_STATUS_OK;
  if (zp[0] || zp[1] || zp[2])
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "int16 with power-of-two scales needs zero points 0; found %d, %d and output %d", zp[0],
                        zp[1], zp[2]);
  int sh1 = l[0] - l[2], sh2 = l[1] - l[2];
  if ((sh1 != 0 && sh2 != 0) || sh1 > 0 || sh2 > 0 || sh1 < -31 || sh2 < -31)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "int16 with power-of-two scales: input scales 2^%d and 2^%d against output 2^%d; LiteRT "
                        "needs one input on the output's scale and the other no larger",
                        l[0], l[1], l[2]);
  e->rshift1 = -sh1;
  e->rshift2 = -sh2;
  return SIGRUN_STATUS_OK;
}

/* Requantization constants of a quantized ADD/SUB/MUL (LiteRT's Prepare arithmetic, in its precision). */
static sigrun_status prepare_quantized(sr_node* node, binary_op op, int* slot, int activation, elem_params* e) {
  const char* what[3] = {"input 0", "input 1", "output 0"};
  const sr_tensor* t[3] = {node->inputs[0], node->inputs[1], node->outputs[0]};
  float s[3];
  int32_t zp[3];
  for (int i = 0; i < 3; i++) {
    sigrun_status st = sr_quant_params(node, t[i], what[i], &s[i], &zp[i]);
    if (st) return st;
  }
  int32_t lo, hi;
  sigrun_status st = sr_quant_activation_range(node, activation, t[2], &lo, &hi);
  if (st) return st;
  e->i_lo = lo, e->i_hi = hi;
  const int is16 = t[2]->type == SIGRUN_TYPE_INT16;
  if (is16 && (op == BIN_MUL || op == BIN_ADD) && (zp[0] || zp[1] || zp[2]))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "int16 %s needs zero points 0 (symmetric quantization); found %d, %d and output %d",
                        op == BIN_ADD ? "ADD" : "MUL", zp[0], zp[1], zp[2]);
  e->off1 = -zp[0], e->off2 = -zp[1], e->out_off = zp[2];
  if (*slot == TYPE_QS16P) {
    int general;
    if ((st = prepare_pot16(node, s, zp, e, &general))) return st;
    if (!general) return SIGRUN_STATUS_OK;
    *slot = TYPE_QS16;
  }
  if (op == BIN_MUL || op == BIN_DIV) { /* LiteRT computes both real multipliers in float */
    e->mout = sr_quant_multiplier(op == BIN_MUL ? (double)(s[0] * s[1] / s[2]) : (double)(s[0] / (s[1] * s[2])));
    return SIGRUN_STATUS_OK;
  }
  e->left_shift = is16 ? 15 : 20;
  const double twice_max = 2.0 * (double)(s[0] > s[1] ? s[0] : s[1]);
  e->m1 = sr_quant_multiplier((double)s[0] / twice_max);
  e->m2 = sr_quant_multiplier((double)s[1] / twice_max);
  e->mout = sr_quant_multiplier(twice_max / ((double)(1 << e->left_shift) * (double)s[2]));
  return SIGRUN_STATUS_OK;
}

/* Quantized 8-bit ADD/SUB/MUL: the vector kernel for this CPU, with the node's constants. */
static void pick_vector_q8(const sr_node* node, binary_data* d, binary_op op, int slot) {
  if ((slot != TYPE_QS8 && slot != TYPE_QU8) || (op != BIN_ADD && op != BIN_SUB && op != BIN_MUL)) return;
  sr_q8_binary* q = &d->vec_q8;
  q->fn = sr_q8_binary_kernel(node->isa);
  if (!q->fn) return;
  q->op = op == BIN_ADD ? SR_Q8_ADD : op == BIN_SUB ? SR_Q8_SUB : SR_Q8_MUL;
  q->is_unsigned = slot == TYPE_QU8;
  q->off1 = d->e.off1, q->off2 = d->e.off2, q->out_off = d->e.out_off;
  q->lo = (int32_t)d->e.i_lo, q->hi = (int32_t)d->e.i_hi;
  q->left_shift = d->e.left_shift;
  q->m1 = d->e.m1, q->m2 = d->e.m2, q->mout = d->e.mout;
  d->vec_row = sr_q8_row;
  d->vec_ctx = q;
}

static sigrun_status prepare_binary(sr_node* node, binary_op op) {
  sr_tensor *a, *b;
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  if (st || (st = sr_node_input(node, 0, &a)) || (st = sr_node_input(node, 1, &b))) return st;
  sr_tensor* y = node->outputs[0];
  if (a->type != b->type)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "input 0 (tensor %d) has type %s but input 1 (tensor %d) has type %s; expected equal types",
                        a->index, sigrun_type_name(a->type), b->index, sigrun_type_name(b->type));
  const sr_binary_params* params = node->params;
  int slot = type_slot(op, a, params);
  binary_kernel kernel = slot >= 0 ? kernels[op][slot] : NULL;
  if (!kernel)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input type %s%s (tensor %d) is not supported; supported: %s",
                        slot == TYPE_S16 ? "unquantized " : "", sigrun_type_name(a->type), a->index, supported[op]);
  if ((st = sr_node_check_type(node, y, "output 0", a->type))) return st;

  int32_t dims[SR_MAX_RANK];
  int rank = 0;
  if ((st = sr_broadcast_output_shape(node, a, b, dims, &rank)) || (st = sr_node_resize_output(node, 0, rank, dims)))
    return st;

  binary_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  const int32_t* in_dims[2] = {a->dims, b->dims};
  const int in_ranks[2] = {a->rank, b->rank};
  sr_broadcast_plan_init(&d->plan, 2, in_dims, in_ranks, dims, rank);
  int activation = (params && op != BIN_MAX && op != BIN_MIN) ? params->activation : SR_ACT_NONE;
  if (slot >= TYPE_QS8 && op != BIN_MAX && op != BIN_MIN) {
    if ((st = prepare_quantized(node, op, &slot, activation, &d->e))) return st; /* off2 = -zero point */
    d->kernel = kernels[op][slot];
    pick_vector_q8(node, d, op, slot);
    return SIGRUN_STATUS_OK;
  }
  d->kernel = kernel;
  if (slot == TYPE_F32) {
    static const sr_vec_binary_op vec_ops[BIN_COUNT] = {
        [BIN_ADD] = SR_VB_ADD, [BIN_SUB] = SR_VB_SUB, [BIN_MUL] = SR_VB_MUL,
        [BIN_DIV] = SR_VB_DIV, [BIN_MAX] = SR_VB_MAX, [BIN_MIN] = SR_VB_MIN};
    d->vec_f32.fn = sr_vec_binary_kernel(node->isa);
    d->vec_f32.op = vec_ops[op];
    d->vec_row = d->vec_f32.fn ? sr_vec_f32_row : NULL;
    d->vec_ctx = &d->vec_f32;
  }
  int64_t lo = slot == TYPE_S64 ? INT64_MIN : slot == TYPE_S16 ? INT16_MIN : INT32_MIN;
  int64_t hi = slot == TYPE_S64 ? INT64_MAX : slot == TYPE_S16 ? INT16_MAX : INT32_MAX;
  activation_range(activation, lo, hi, &d->e);
  d->vec_f32.lo = d->e.f_lo, d->vec_f32.hi = d->e.f_hi;
  return SIGRUN_STATUS_OK;
}

/* LiteRT rejects a zero anywhere in an integer divisor (for quantized types: a value at the zero point)
 * before computing anything. */
static sigrun_status check_divisor(sr_node* node, const sr_tensor* b, int32_t zero) {
  size_t n = sr_tensor_count(b);
  for (size_t i = 0; i < n; i++) {
    int32_t v = b->type == SIGRUN_TYPE_INT8 ? ((const int8_t*)b->data)[i]
                : b->type == SIGRUN_TYPE_UINT8 ? ((const uint8_t*)b->data)[i] : ((const int32_t*)b->data)[i];
    if (v == zero)
      return sr_node_fail(node, SIGRUN_STATUS_RUNTIME,
                          "integer division by zero: input 1 (tensor %d) element %zu is %d%s", b->index, i, v,
                          b->type == SIGRUN_TYPE_INT32 ? "" : ", its zero point");
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status eval_binary(sr_node* node) {
  const binary_data* d = node->data;
  const sr_tensor* a = node->inputs[0];
  const sr_tensor* b = node->inputs[1];
  sr_tensor* y = node->outputs[0];
  if (d->kernel == sr_s32_div__ref || d->kernel == sr_qs8_div__ref || d->kernel == sr_qu8_div__ref) {
    sigrun_status st = check_divisor(node, b, -d->e.off2);
    if (st) return st;
  }
  if (sr_tensor_count(y) == 0) return SIGRUN_STATUS_OK;
  if (d->vec_row)
    sr_vec_binary_run(node, d->vec_row, d->vec_ctx, sigrun_type_size(y->type), &d->plan, a->data, b->data, y->data);
  else
    d->kernel(d, a->data, b->data, y->data);
  return SIGRUN_STATUS_OK;
}

static sigrun_status prepare_add(sr_node* node) { return prepare_binary(node, BIN_ADD); }
static sigrun_status prepare_sub(sr_node* node) { return prepare_binary(node, BIN_SUB); }
static sigrun_status prepare_mul(sr_node* node) { return prepare_binary(node, BIN_MUL); }
static sigrun_status prepare_div(sr_node* node) { return prepare_binary(node, BIN_DIV); }
static sigrun_status prepare_max(sr_node* node) { return prepare_binary(node, BIN_MAX); }
static sigrun_status prepare_min(sr_node* node) { return prepare_binary(node, BIN_MIN); }

const sr_op_kind sr_op_add = {"ADD", SR_BUILTIN_ADD, parse_add, prepare_add, eval_binary};
const sr_op_kind sr_op_sub = {"SUB", SR_BUILTIN_SUB, parse_sub, prepare_sub, eval_binary};
const sr_op_kind sr_op_mul = {"MUL", SR_BUILTIN_MUL, parse_mul, prepare_mul, eval_binary};
const sr_op_kind sr_op_div = {"DIV", SR_BUILTIN_DIV, parse_div, prepare_div, eval_binary};
const sr_op_kind sr_op_maximum = {"MAXIMUM", SR_BUILTIN_MAXIMUM, parse_max_min, prepare_max, eval_binary};
const sr_op_kind sr_op_minimum = {"MINIMUM", SR_BUILTIN_MINIMUM, parse_max_min, prepare_min, eval_binary};
