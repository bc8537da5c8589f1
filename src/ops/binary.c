/*
 * binary.c — POW, SQUARED_DIFFERENCE, FLOOR_DIV, FLOOR_MOD and ATAN2 with NumPy broadcasting. LiteRT's
 * semantics, checked against it:
 *  - POW: float32 is powf; int32 goes through double pow and fails on a negative exponent;
 *  - SQUARED_DIFFERENCE: float32 and wrapping int32 (a - b)^2; int8 rescales both inputs like quantized
 *    SUB (left shift 7), squares the difference and requantizes by (2 max scale)^2 / (2^14 output scale);
 *  - FLOOR_DIV: floor(double(a) / double(b)) on float32, int32, int16, int8 (raw values, no quantization);
 *    any zero in the divisor fails, float included. A quotient beyond the integer type wraps
 *    (INT32_MIN / -1 = INT32_MIN), as LiteRT's conversion does on x86;
 *  - FLOOR_MOD: the remainder with the divisor's sign (C's truncated % or fmodf, then + b when the signs
 *    differ); integer zero divisors fail, a float one gives NaN; INT_MIN mod -1 is 0;
 *  - ATAN2: atan2f / atan2 on float32 / float64.
 */
#include <math.h>

#include "broadcast.h"
#include "quant.h"
#include "vec_f32.h"
#include "../format/schema_enums.h"

typedef enum bin_fn { FN_POW, FN_SQDIFF, FN_FLOOR_DIV, FN_FLOOR_MOD, FN_ATAN2, FN_COUNT } bin_fn;
enum { BT_F32, BT_F64, BT_S32, BT_S64, BT_S16, BT_S8, BT_QS8, BT_COUNT };

typedef struct sqdiff_params {
  int32_t off1, off2, out_off;
  sr_qmul m1, m2, mout;
} sqdiff_params;

typedef struct bin_data bin_data;
typedef void (*bin_kernel)(const bin_data* d, const void* a, const void* b, void* out);

struct bin_data {
  sr_broadcast_plan plan;
  bin_kernel kernel;
  sqdiff_params q;
  int divisor_check; /* 1: every divisor element must be nonzero */
  int exponent_check; /* 1: int32 POW exponents must be >= 0 */
  sr_vec_f32_binary vec; /* float SQUARED_DIFFERENCE on a vector kernel (vec.fn NULL: the reference) */
};

/* ---- element operations (the third argument is the kernel's constants, unused by most) ---- */

static inline int32_t wrap32(int64_t v) {
  uint32_t u = (uint32_t)(uint64_t)v;
  return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}
static inline int16_t wrap16(int64_t v) {
  int32_t w = (int32_t)((uint64_t)v & 0xffffu);
  return (int16_t)(w > INT16_MAX ? w - 65536 : w);
}
static inline int8_t wrap8(int64_t v) {
  int32_t w = (int32_t)((uint64_t)v & 0xffu);
  return (int8_t)(w > INT8_MAX ? w - 256 : w);
}

/* double -> int64 the way x86's conversion treats the int32 results LiteRT narrows (NaN/huge: minimum). */
static inline int64_t floor_to_i64(double q) {
  double f = floor(q);
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return INT64_MIN;
  return (int64_t)f;
}

#define P const sqdiff_params* q
static inline float f32_pow(float a, float b, P) { (void)q; return powf(a, b); }
static inline int32_t s32_pow(int32_t a, int32_t b, P) {
  (void)q;
  double r = pow((double)a, (double)b);
  return (r >= -2147483648.0 && r < 2147483648.0) ? (int32_t)r : INT32_MIN;
}
static inline float f32_sqdiff(float a, float b, P) { (void)q; float d = a - b; return d * d; }
static inline int32_t s32_sqdiff(int32_t a, int32_t b, P) {
  (void)q;
  int32_t d = wrap32((int64_t)a - b);
  return wrap32((int64_t)d * d);
}
static inline int32_t q_sqdiff(int32_t a, int32_t b, P) {
  int32_t sa = sr_quant_mul((a + q->off1) * (1 << 7), q->m1), sb = sr_quant_mul((b + q->off2) * (1 << 7), q->m2);
  int32_t d = sa - sb; /* |d| < 2^15: the square fits */
  int32_t r = sr_quant_mul(d * d, q->mout) + q->out_off;
  return r < INT8_MIN ? INT8_MIN : r > INT8_MAX ? INT8_MAX : r;
}
static inline float f32_floor_div(float a, float b, P) { (void)q; return (float)floor((double)a / (double)b); }
static inline int32_t s32_floor_div(int32_t a, int32_t b, P) { (void)q; return wrap32(floor_to_i64((double)a / b)); }
static inline int16_t s16_floor_div(int16_t a, int16_t b, P) { (void)q; return wrap16(floor_to_i64((double)a / b)); }
static inline int8_t s8_floor_div(int8_t a, int8_t b, P) { (void)q; return wrap8(floor_to_i64((double)a / b)); }
/* Integer b != 0 (checked before the walk). */
#define INT_FLOOR_MOD(NAME, T)                                      \
  static inline T NAME(T a, T b, P) {                               \
    (void)q;                                                        \
    if (b == -1) return 0; /* also avoids INT_MIN % -1 */           \
    T r = (T)(a % b);                                               \
    return (r != 0 && ((b < 0) != (r < 0))) ? (T)(r + b) : r;       \
  }
INT_FLOOR_MOD(s32_floor_mod, int32_t)
INT_FLOOR_MOD(s64_floor_mod, int64_t)
INT_FLOOR_MOD(s16_floor_mod, int16_t)
INT_FLOOR_MOD(s8_floor_mod, int8_t)
static inline float f32_floor_mod(float a, float b, P) {
  (void)q;
  float r = fmodf(a, b);
  return (r != 0 && ((b < 0) != (r < 0))) ? r + b : r;
}
static inline float f32_atan2(float a, float b, P) { (void)q; return atan2f(a, b); }
static inline double f64_atan2(double a, double b, P) { (void)q; return atan2(a, b); }
#undef P

#define SR_BIN_KERNEL(NAME, T, OP)                                                 \
  static void NAME(const bin_data* d, const void* a, const void* b, void* y) {     \
    const sqdiff_params q = d->q;                                                  \
    SR_BROADCAST_APPLY2(&d->plan, T, a, T, b, T, y, OP, &q);                       \
  }
SR_BIN_KERNEL(sr_f32_pow__ref, float, f32_pow)
SR_BIN_KERNEL(sr_s32_pow__ref, int32_t, s32_pow)
SR_BIN_KERNEL(sr_f32_squared_difference__ref, float, f32_sqdiff)
SR_BIN_KERNEL(sr_s32_squared_difference__ref, int32_t, s32_sqdiff)
SR_BIN_KERNEL(sr_qs8_squared_difference__ref, int8_t, q_sqdiff)
SR_BIN_KERNEL(sr_f32_floor_div__ref, float, f32_floor_div)
SR_BIN_KERNEL(sr_s32_floor_div__ref, int32_t, s32_floor_div)
SR_BIN_KERNEL(sr_s16_floor_div__ref, int16_t, s16_floor_div)
SR_BIN_KERNEL(sr_s8_floor_div__ref, int8_t, s8_floor_div)
SR_BIN_KERNEL(sr_f32_floor_mod__ref, float, f32_floor_mod)
SR_BIN_KERNEL(sr_s32_floor_mod__ref, int32_t, s32_floor_mod)
SR_BIN_KERNEL(sr_s64_floor_mod__ref, int64_t, s64_floor_mod)
SR_BIN_KERNEL(sr_s16_floor_mod__ref, int16_t, s16_floor_mod)
SR_BIN_KERNEL(sr_s8_floor_mod__ref, int8_t, s8_floor_mod)
SR_BIN_KERNEL(sr_f32_atan2__ref, float, f32_atan2)
SR_BIN_KERNEL(sr_f64_atan2__ref, double, f64_atan2)

/* NULL = not supported (LiteRT's type lists). int8 is quantized only for SQUARED_DIFFERENCE. */
static const bin_kernel kernels[FN_COUNT][BT_COUNT] = {
    [FN_POW] = {[BT_F32] = sr_f32_pow__ref, [BT_S32] = sr_s32_pow__ref},
    [FN_SQDIFF] = {[BT_F32] = sr_f32_squared_difference__ref, [BT_S32] = sr_s32_squared_difference__ref,
                   [BT_QS8] = sr_qs8_squared_difference__ref},
    [FN_FLOOR_DIV] = {[BT_F32] = sr_f32_floor_div__ref, [BT_S32] = sr_s32_floor_div__ref,
                      [BT_S16] = sr_s16_floor_div__ref, [BT_S8] = sr_s8_floor_div__ref},
    [FN_FLOOR_MOD] = {[BT_F32] = sr_f32_floor_mod__ref, [BT_S32] = sr_s32_floor_mod__ref,
                      [BT_S64] = sr_s64_floor_mod__ref, [BT_S16] = sr_s16_floor_mod__ref,
                      [BT_S8] = sr_s8_floor_mod__ref},
    [FN_ATAN2] = {[BT_F32] = sr_f32_atan2__ref, [BT_F64] = sr_f64_atan2__ref},
};
static const char* const supported[FN_COUNT] = {
    "float32, int32", "float32, int32, quantized int8", "float32, int32, int16, int8",
    "float32, int32, int64, int16, int8", "float32, float64",
};

static int type_slot(bin_fn fn, sigrun_type type) {
  switch (type) {
    case SIGRUN_TYPE_FLOAT32: return BT_F32;
    case SIGRUN_TYPE_FLOAT64: return BT_F64;
    case SIGRUN_TYPE_INT32: return BT_S32;
    case SIGRUN_TYPE_INT64: return BT_S64;
    case SIGRUN_TYPE_INT16: return BT_S16;
    case SIGRUN_TYPE_INT8: return fn == FN_SQDIFF ? BT_QS8 : BT_S8;
    default: return -1;
  }
}

/* LiteRT's SQUARED_DIFFERENCE int8 constants: inputs to twice the larger scale after << 7, the squared
 * difference back by (twice max)^2 / (2^14 output scale). */
static sigrun_status prepare_sqdiff_q(sr_node* node, const sr_tensor* a, const sr_tensor* b, const sr_tensor* y,
                                      sqdiff_params* q) {
  float sa, sb, sy;
  int32_t za, zb, zy;
  sigrun_status st = sr_quant_params(node, a, "input 0", &sa, &za);
  if (st || (st = sr_quant_params(node, b, "input 1", &sb, &zb)) || (st = sr_quant_params(node, y, "output 0", &sy, &zy)))
    return st;
  q->off1 = -za, q->off2 = -zb, q->out_off = zy;
  const double twice_max = 2.0 * (double)(sa > sb ? sa : sb);
  q->m1 = sr_quant_multiplier((double)sa / twice_max);
  q->m2 = sr_quant_multiplier((double)sb / twice_max);
  q->mout = sr_quant_multiplier(twice_max * twice_max / ((double)(1 << 14) * (double)sy));
  return SIGRUN_STATUS_OK;
}

static sigrun_status prepare_bin(sr_node* node, bin_fn fn) {
  sr_tensor *a, *b;
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  if (st || (st = sr_node_input(node, 0, &a)) || (st = sr_node_input(node, 1, &b))) return st;
  sr_tensor* y = node->outputs[0];
  if (a->type != b->type)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "input 0 (tensor %d) has type %s but input 1 (tensor %d) has type %s; expected equal types",
                        a->index, sigrun_type_name(a->type), b->index, sigrun_type_name(b->type));
  int slot = type_slot(fn, a->type);
  bin_kernel kernel = slot >= 0 ? kernels[fn][slot] : NULL;
  if (!kernel)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input type %s (tensor %d) is not supported; supported: %s",
                        sigrun_type_name(a->type), a->index, supported[fn]);
  if ((st = sr_node_check_type(node, y, "output 0", a->type))) return st;
  int32_t dims[SR_MAX_RANK];
  int rank = 0;
  if ((st = sr_broadcast_output_shape(node, a, b, dims, &rank)) || (st = sr_node_resize_output(node, 0, rank, dims)))
    return st;
  bin_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  const int32_t* in_dims[2] = {a->dims, b->dims};
  const int in_ranks[2] = {a->rank, b->rank};
  sr_broadcast_plan_init(&d->plan, 2, in_dims, in_ranks, dims, rank);
  d->kernel = kernel;
  d->divisor_check = fn == FN_FLOOR_DIV || (fn == FN_FLOOR_MOD && slot != BT_F32);
  d->exponent_check = fn == FN_POW && slot == BT_S32;
  if (slot == BT_QS8) return prepare_sqdiff_q(node, a, b, y, &d->q);
  if (fn == FN_SQDIFF && slot == BT_F32) { /* the same two float operations per element, bit for bit */
    d->vec.fn = sr_vec_binary_kernel(node->isa);
    d->vec.op = SR_VB_SQDIFF;
    d->vec.lo = -INFINITY, d->vec.hi = INFINITY;
  }
  return SIGRUN_STATUS_OK;
}

/* The first element of b that is zero (divisor_check) or negative (exponent_check), or -1. */
static int64_t find_bad(const sr_tensor* b, int negative) {
  const size_t n = sr_tensor_count(b);
  for (size_t i = 0; i < n; i++) {
    double v;
    switch (b->type) {
      case SIGRUN_TYPE_FLOAT32: v = ((const float*)b->data)[i]; break;
      case SIGRUN_TYPE_INT64: v = (double)((const int64_t*)b->data)[i]; break;
      case SIGRUN_TYPE_INT16: v = ((const int16_t*)b->data)[i]; break;
      case SIGRUN_TYPE_INT8: v = ((const int8_t*)b->data)[i]; break;
      default: v = ((const int32_t*)b->data)[i]; break;
    }
    if (negative ? v < 0 : v == 0) return (int64_t)i;
  }
  return -1;
}

static sigrun_status eval_bin(sr_node* node) {
  const bin_data* d = node->data;
  const sr_tensor* b = node->inputs[1];
  sr_tensor* y = node->outputs[0];
  int64_t bad;
  if (d->divisor_check && (bad = find_bad(b, 0)) >= 0)
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "division by zero: input 1 (tensor %d) element %lld is 0",
                        b->index, (long long)bad);
  if (d->exponent_check && (bad = find_bad(b, 1)) >= 0)
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME,
                        "int32 POW needs exponents >= 0: input 1 (tensor %d) element %lld is negative", b->index,
                        (long long)bad);
  if (sr_tensor_count(y) == 0) return SIGRUN_STATUS_OK;
  if (d->vec.fn)
    sr_vec_binary_run(node, sr_vec_f32_row, &d->vec, sizeof(float), &d->plan, node->inputs[0]->data, b->data, y->data);
  else d->kernel(d, node->inputs[0]->data, b->data, y->data);
  return SIGRUN_STATUS_OK;
}

/* Every one of these options tables is empty; only the union type is checked. */
#define SR_BIN_OP(FN, ENUM, NAME, OPTIONS)                                                                 \
  static sigrun_status parse_##FN(sr_parse_ctx* ctx, const void** out_params) {                           \
    *out_params = NULL;                                                                                    \
    return sr_parse_expect_options(ctx, OPTIONS, 1);                                                       \
  }                                                                                                        \
  static sigrun_status prepare_##FN(sr_node* node) { return prepare_bin(node, ENUM); }                    \
  const sr_op_kind sr_op_##FN = {#NAME, SR_BUILTIN_##NAME, parse_##FN, prepare_##FN, eval_bin};
SR_BIN_OP(pow, FN_POW, POW, SR_OPTIONS_POW)
SR_BIN_OP(squared_difference, FN_SQDIFF, SQUARED_DIFFERENCE, SR_OPTIONS_SQUARED_DIFFERENCE)
SR_BIN_OP(floor_div, FN_FLOOR_DIV, FLOOR_DIV, SR_OPTIONS_FLOOR_DIV)
SR_BIN_OP(floor_mod, FN_FLOOR_MOD, FLOOR_MOD, SR_OPTIONS_FLOOR_MOD)
SR_BIN_OP(atan2, FN_ATAN2, ATAN2, SR_OPTIONS_ATAN2)
#undef SR_BIN_OP
