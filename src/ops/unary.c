/*
 * unary.c — one-input elementwise math: ABS, NEG, EXP, LOG, SQRT, RSQRT, SQUARE, SIN, COS, FLOOR, CEIL,
 * ROUND, SIGN, LOGICAL_NOT, in the types LiteRT's kernels accept. Float ops call the C library function
 * LiteRT calls (sinf, expf, ...); ROUND is LiteRT's round-half-to-even. Quantized forms follow LiteRT:
 * ABS rescales with a fixed-point multiplier, EXP/LOG use 256-entry (int8) or interpolated 513-entry (int16)
 * tables built in prepare, SQRT dequantizes and truncates, RSQRT int8 uses the fixed-point inverse square
 * root and RSQRT int16 a table. Negative inputs to quantized SQRT/RSQRT fail at eval, as in LiteRT.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lut.h"
#include "op.h"
#include "quant.h"
#include "../format/schema_enums.h"

typedef enum unary_op {
  U_ABS, U_NEG, U_EXP, U_LOG, U_SQRT, U_RSQRT, U_SQUARE, U_SIN, U_COS, U_FLOOR, U_CEIL, U_ROUND, U_SIGN, U_NOT,
} unary_op;

/* Types each op accepts (bit per sigrun_type). */
#define T(x) (1u << SIGRUN_TYPE_##x)
static const unsigned supported[] = {
    [U_ABS] = T(FLOAT32) | T(INT8) | T(INT16) | T(INT32),
    [U_NEG] = T(FLOAT32) | T(INT8) | T(INT16) | T(INT32) | T(INT64),
    [U_EXP] = T(FLOAT32) | T(INT8) | T(INT16),
    [U_LOG] = T(FLOAT32) | T(INT8) | T(INT16),
    [U_SQRT] = T(FLOAT32) | T(INT8) | T(INT16),
    [U_RSQRT] = T(FLOAT32) | T(INT8) | T(INT16),
    [U_SQUARE] = T(FLOAT32),
    [U_SIN] = T(FLOAT32),
    [U_COS] = T(FLOAT32),
    [U_FLOOR] = T(FLOAT32),
    [U_CEIL] = T(FLOAT32),
    [U_ROUND] = T(FLOAT32),
    [U_SIGN] = T(FLOAT32) | T(FLOAT64) | T(INT32),
    [U_NOT] = T(BOOL),
};
#undef T

typedef struct unary_data {
  unary_op op;
  sigrun_type type;
  int quantized; /* int8, or int16 with quantization parameters */
  float in_scale, out_scale;
  int32_t in_zp, out_zp, qmin, qmax;
  int rescale;   /* ABS: scales differ */
  sr_qmul mul;   /* ABS: in/out; RSQRT int8: 1/(sqrt(in) * out) */
  /* Quantized nodes only, in trailing memory, so float nodes of every runner stay small. */
  int16_t* lut16; /* 513 entries */
  uint8_t* lut8;  /* 256 entries */
} unary_data;

enum { UNARY_LUT_BYTES = 513 * sizeof(int16_t) + 256 };

/* ---- float kernels ---- */

/* LiteRT's RoundToNearest: floor, then ties to the even neighbour (so -0.3 gives +0, not -0). */
static float round_half_even(float v) {
  float f = floorf(v);
  float diff = v - f;
  if (diff < 0.5f) return f;
  /* diff == 0.5 only happens for |v| < 2^23, so the int conversion is in range */
  if (diff == 0.5f && ((int32_t)f % 2) == 0) return f;
  return f + 1.0f;
}

static float sign_f32(float v) { return isnan(v) ? v : v > 0.0f ? 1.0f : v < 0.0f ? -1.0f : 0.0f; }

static void sr_f32_unary__ref(unary_op op, const float* x, float* y, size_t n) {
  switch (op) {
    case U_ABS: for (size_t i = 0; i < n; i++) y[i] = fabsf(x[i]); break;
    case U_NEG: for (size_t i = 0; i < n; i++) y[i] = -x[i]; break;
    case U_EXP: for (size_t i = 0; i < n; i++) y[i] = expf(x[i]); break;
    case U_LOG: for (size_t i = 0; i < n; i++) y[i] = logf(x[i]); break;
    case U_SQRT: for (size_t i = 0; i < n; i++) y[i] = sqrtf(x[i]); break;
    case U_RSQRT: for (size_t i = 0; i < n; i++) y[i] = 1.0f / sqrtf(x[i]); break;
    case U_SQUARE: for (size_t i = 0; i < n; i++) y[i] = x[i] * x[i]; break;
    case U_SIN: for (size_t i = 0; i < n; i++) y[i] = sinf(x[i]); break;
    case U_COS: for (size_t i = 0; i < n; i++) y[i] = cosf(x[i]); break;
    case U_FLOOR: for (size_t i = 0; i < n; i++) y[i] = floorf(x[i]); break;
    case U_CEIL: for (size_t i = 0; i < n; i++) y[i] = ceilf(x[i]); break;
    case U_ROUND: for (size_t i = 0; i < n; i++) y[i] = round_half_even(x[i]); break;
    case U_SIGN: for (size_t i = 0; i < n; i++) y[i] = sign_f32(x[i]); break;
    case U_NOT: break;
  }
}

static void sr_f64_sign__ref(const double* x, double* y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = isnan(x[i]) ? x[i] : x[i] > 0 ? 1.0 : x[i] < 0 ? -1.0 : 0.0;
}

/* ---- integer kernels (no quantization) ---- */

/* Negation and ABS wrap at the type's minimum, as LiteRT's two's-complement arithmetic does. */
static void sr_i32_unary__ref(unary_op op, const int32_t* x, int32_t* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint32_t u = (uint32_t)x[i];
    if (op == U_NEG || (op == U_ABS && x[i] < 0)) u = 0u - u;
    if (op == U_SIGN) u = (uint32_t)(x[i] > 0 ? 1 : x[i] < 0 ? -1 : 0);
    y[i] = (int32_t)u;
  }
}

static void sr_i64_neg__ref(const int64_t* x, int64_t* y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = (int64_t)(0u - (uint64_t)x[i]);
}

static void sr_i8_neg__ref(const int8_t* x, int8_t* y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = (int8_t)(uint8_t)(0u - (uint8_t)x[i]);
}

static void sr_i16_unary__ref(unary_op op, const int16_t* x, int16_t* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int32_t v = x[i];
    y[i] = (int16_t)(uint16_t)(uint32_t)(op == U_NEG ? -v : v < 0 ? -v : v);
  }
}

static void sr_bool_not__ref(const uint8_t* x, uint8_t* y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = x[i] ? 0 : 1;
}

/* ---- quantized kernels ---- */

/* MultiplyByQuantizedMultiplier that tolerates right shifts past 31 (the exact result is then 0). */
static int32_t mul_shift(int32_t x, sr_qmul m) {
  if (m.shift < -31) return 0;
  return sr_quant_mul(x, m);
}

static int32_t clamp_q(const unary_data* d, int64_t v) {
  return v < d->qmin ? d->qmin : v > d->qmax ? d->qmax : (int32_t)v;
}

static int32_t load_q(const void* x, sigrun_type type, size_t i) {
  return type == SIGRUN_TYPE_INT8 ? ((const int8_t*)x)[i] : ((const int16_t*)x)[i];
}

static void store_q(void* y, sigrun_type type, size_t i, int32_t v) {
  if (type == SIGRUN_TYPE_INT8)
    ((int8_t*)y)[i] = (int8_t)v;
  else
    ((int16_t*)y)[i] = (int16_t)v;
}

static void sr_q_abs__ref(const unary_data* d, const void* x, void* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int32_t v = load_q(x, d->type, i) - d->in_zp;
    v = v < 0 ? -v : v;
    int64_t out = (int64_t)(d->rescale ? mul_shift(v, d->mul) : v) + d->out_zp;
    store_q(y, d->type, i, clamp_q(d, out));
  }
}

/* Fails at the first negative input, as LiteRT does; writes nothing in that case is not required. */
static sigrun_status sr_q_sqrt__ref(sr_node* node, const unary_data* d, const void* x, void* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float deq = d->in_scale * (float)(load_q(x, d->type, i) - d->in_zp);
    if (!(deq >= 0.0f))
      return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "SQRT of a negative value (element %zu, %g)", i, (double)deq);
    int64_t q = (int64_t)sr_f32_to_i32_sat(sqrtf(deq) / d->out_scale) + d->out_zp;
    store_q(y, d->type, i, clamp_q(d, q));
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status check_non_negative(sr_node* node, const unary_data* d, const void* x, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (load_q(x, d->type, i) < d->in_zp)
      return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "RSQRT of a negative value (element %zu, quantized %d)", i,
                          (int)load_q(x, d->type, i));
  return SIGRUN_STATUS_OK;
}

/* RSQRT int8: 1/sqrt of the integer value in fixed point (scaled up by 2^20 to stay an integer), then the
 * multiplier 1/(sqrt(in_scale) * out_scale). A zero input gives the largest output. */
static void sr_i8_rsqrt__ref(const unary_data* d, const int8_t* x, int8_t* y, size_t n) {
  const int k_shift = 20;
  for (size_t i = 0; i < n; i++) {
    const int32_t v = x[i] - d->in_zp;
    if (v == 0) {
      y[i] = INT8_MAX;
      continue;
    }
    sr_qmul inv;
    sr_inv_sqrt_multiplier(v, -1, &inv.mult, &inv.shift);
    inv.shift += k_shift;
    const int32_t scaled = mul_shift(1, inv);
    const sr_qmul out = {d->mul.mult, d->mul.shift - k_shift};
    y[i] = (int8_t)clamp_q(d, (int64_t)mul_shift(scaled, out) + d->out_zp);
  }
}

/* ---- prepare ---- */

static float lut_exp(float x, const void* ctx) {
  (void)ctx;
  return expf(x);
}

/* log of non-positive values maps to the bottom of the output range (LiteRT's choice). */
static float lut_log(float x, const void* ctx) { return x <= 0.0f ? *(const float*)ctx : logf(x); }

/* 1/sqrt of non-positive values maps to the top of the int16 range. */
static float lut_rsqrt(float x, const void* ctx) { return x <= 0.0f ? 32767.0f * *(const float*)ctx : 1.0f / sqrtf(x); }

static void type_list(unsigned mask, char* buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (int t = 0; t < 32 && len + 1 < size; t++)
    if (mask & (1u << t)) len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", sigrun_type_name((sigrun_type)t));
}

static sigrun_status prepare_quantized(sr_node* node, unary_data* d, const sr_tensor* x, const sr_tensor* y) {
  sigrun_status st = sr_quant_params(node, x, "input 0", &d->in_scale, &d->in_zp);
  if (st || (st = sr_quant_params(node, y, "output 0", &d->out_scale, &d->out_zp))) return st;
  sr_quant_type_range(d->type, &d->qmin, &d->qmax);
  if (d->type == SIGRUN_TYPE_INT16 && d->op != U_EXP && (d->in_zp != 0 || d->out_zp != 0))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "int16 zero points must be 0 (input %d, output %d)", (int)d->in_zp,
                        (int)d->out_zp);
  const int is8 = d->type == SIGRUN_TYPE_INT8;
  switch (d->op) {
    case U_ABS:
      d->rescale = d->in_scale != d->out_scale;
      d->mul = sr_quant_multiplier((double)(d->in_scale / d->out_scale)); /* a float ratio, as in LiteRT */
      break;
    case U_EXP:
      if (is8)
        sr_lut8_populate(1, d->in_scale, d->in_zp, d->out_scale, d->out_zp, lut_exp, NULL, d->lut8);
      else
        sr_lut16_populate(d->in_scale, d->in_zp, d->out_scale, d->out_zp, lut_exp, NULL, d->lut16);
      break;
    case U_LOG: {
      const float out_min = (float)(d->qmin - d->out_zp) * d->out_scale;
      if (is8)
        sr_lut8_populate(1, d->in_scale, d->in_zp, d->out_scale, d->out_zp, lut_log, &out_min, d->lut8);
      else
        sr_lut16_populate(d->in_scale, d->in_zp, d->out_scale, d->out_zp, lut_log, &out_min, d->lut16);
      break;
    }
    case U_RSQRT:
      if (is8)
        d->mul = sr_quant_multiplier(1.0 / (double)(sqrtf(d->in_scale) * d->out_scale));
      else
        sr_lut16_populate(d->in_scale, d->in_zp, d->out_scale, d->out_zp, lut_rsqrt, &d->out_scale, d->lut16);
      break;
    default: break;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status prepare_unary(sr_node* node, unary_op op) {
  sr_tensor* x;
  sigrun_status st = sr_node_check_io(node, 1, 1, 1);
  if (st || (st = sr_node_input(node, 0, &x))) return st;
  if ((unsigned)x->type >= 32 || !(supported[op] & (1u << x->type))) {
    char list[96];
    type_list(supported[op], list, sizeof list);
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input type %s (tensor %d) is not supported; supported: %s",
                        sigrun_type_name(x->type), x->index, list);
  }
  sr_tensor* y = node->outputs[0];
  if ((st = sr_node_check_type(node, y, "output 0", x->type))) return st;
  if ((st = sr_node_resize_output(node, 0, x->rank, x->dims))) return st;
  /* int16 ABS without quantization is a plain integer ABS in LiteRT; NEG never rescales */
  const int quantized = op != U_NEG && (x->type == SIGRUN_TYPE_INT8 || (x->type == SIGRUN_TYPE_INT16 &&
                                                                          (op != U_ABS || x->def->quant.count > 0)));
  unary_data* d = sr_node_alloc_data(node, sizeof *d + (quantized ? UNARY_LUT_BYTES : 0));
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  d->op = op;
  d->type = x->type;
  d->quantized = quantized;
  if (!quantized) return SIGRUN_STATUS_OK;
  d->lut16 = (int16_t*)(d + 1);
  d->lut8 = (uint8_t*)(d->lut16 + 513);
  return prepare_quantized(node, d, x, y);
}

/* ---- eval ---- */

static sigrun_status eval_quantized(sr_node* node, const unary_data* d, const void* x, void* y, size_t n) {
  switch (d->op) {
    case U_ABS: sr_q_abs__ref(d, x, y, n); return SIGRUN_STATUS_OK;
    case U_SQRT: return sr_q_sqrt__ref(node, d, x, y, n);
    case U_RSQRT: {
      sigrun_status st = check_non_negative(node, d, x, n);
      if (st) return st;
      if (d->type == SIGRUN_TYPE_INT8)
        sr_i8_rsqrt__ref(d, x, y, n);
      else
        sr_lut16_apply(d->lut16, x, y, n);
      return SIGRUN_STATUS_OK;
    }
    default: /* EXP, LOG */
      if (d->type == SIGRUN_TYPE_INT8)
        sr_lut8_apply(d->lut8, x, y, n);
      else
        sr_lut16_apply(d->lut16, x, y, n);
      return SIGRUN_STATUS_OK;
  }
}

static sigrun_status eval_unary(sr_node* node) {
  const unary_data* d = node->data;
  const void* x = node->inputs[0]->data;
  void* y = node->outputs[0]->data;
  size_t n = sr_tensor_count(node->outputs[0]);
  if (n == 0) return SIGRUN_STATUS_OK;
  if (d->quantized) return eval_quantized(node, d, x, y, n);
  switch (d->type) {
    case SIGRUN_TYPE_FLOAT32: sr_f32_unary__ref(d->op, x, y, n); break;
    case SIGRUN_TYPE_FLOAT64: sr_f64_sign__ref(x, y, n); break;
    case SIGRUN_TYPE_INT32: sr_i32_unary__ref(d->op, x, y, n); break;
    case SIGRUN_TYPE_INT64: sr_i64_neg__ref(x, y, n); break;
    case SIGRUN_TYPE_INT8: sr_i8_neg__ref(x, y, n); break;
    case SIGRUN_TYPE_INT16: sr_i16_unary__ref(d->op, x, y, n); break;
    case SIGRUN_TYPE_BOOL: sr_bool_not__ref(x, y, n); break;
    default: break;
  }
  return SIGRUN_STATUS_OK;
}

#define UNARY_KIND(sym, NAME, OP)                                          \
  static sigrun_status prepare_##sym(sr_node* node) { return prepare_unary(node, OP); } \
  const sr_op_kind sr_op_##sym = {#NAME, SR_BUILTIN_##NAME, NULL, prepare_##sym, eval_unary}

UNARY_KIND(abs, ABS, U_ABS);
UNARY_KIND(neg, NEG, U_NEG);
UNARY_KIND(exp, EXP, U_EXP);
UNARY_KIND(log, LOG, U_LOG);
UNARY_KIND(sqrt, SQRT, U_SQRT);
UNARY_KIND(rsqrt, RSQRT, U_RSQRT);
UNARY_KIND(square, SQUARE, U_SQUARE);
UNARY_KIND(sin, SIN, U_SIN);
UNARY_KIND(cos, COS, U_COS);
UNARY_KIND(floor, FLOOR, U_FLOOR);
UNARY_KIND(ceil, CEIL, U_CEIL);
UNARY_KIND(round, ROUND, U_ROUND);
UNARY_KIND(sign, SIGN, U_SIGN);
UNARY_KIND(logical_not, LOGICAL_NOT, U_NOT);
