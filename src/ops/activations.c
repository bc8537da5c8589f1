/*
 * activations.c — the piecewise-linear activations: RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1, LEAKY_RELU,
 * PRELU (alpha broadcast against the input) and HARD_SWISH, on float32 and LiteRT's quantized types.
 * Float RELU and RELU6 keep NaN and -0.0 (max(x, 0) with x first). Quantized clamps requantize with one
 * fixed-point multiplier and clamp to the activation's range rounded into the output's quantized domain
 * (LiteRT's ReluX); LEAKY_RELU and PRELU pick a second multiplier for negative inputs; HARD_SWISH int8/uint8
 * is LiteRT's 16-bit fixed-point formula. The smooth activations (LOGISTIC, TANH, ELU, GELU) are in
 * activations_lut.c.
 */
#include <math.h>

#include "activations.h"
#include "broadcast.h"
#include "lut.h"
#include "op.h"
#include "quant.h"
#include "vec_f32.h"
#include "../format/schema_enums.h"

typedef enum act_op { A_RELU, A_RELU6, A_RELU_N1_TO_1, A_RELU_0_TO_1, A_LEAKY, A_PRELU, A_HARD_SWISH } act_op;

typedef struct hard_swish_params {
  int16_t out_mult, reluish_mult; /* 16-bit fixed-point multipliers */
  int out_exp, reluish_exp;
} hard_swish_params;

typedef struct act_data {
  act_op op;
  sigrun_type type;
  float lo, hi, alpha;         /* float clamp; LEAKY_RELU slope */
  int32_t in_zp, out_zp, alpha_zp, qmin, qmax;
  sr_qmul mul, mul_alpha;      /* identity branch; negative branch */
  hard_swish_params hs;
  sr_vec_unary_fn vec; /* float clamps, LEAKY_RELU, HARD_SWISH: vector kernel for this CPU, or NULL */
  sr_vec_unary vec_op;
  sr_vec_f32_binary prelu;  /* float PRELU: vector kernel (fn NULL when none) over `plan` */
  sr_broadcast_plan* plan;  /* float PRELU only: in trailing memory */
  /* PRELU: alpha's element stride along each output axis (0 where alpha broadcasts) */
  int rank;
  int32_t dims[SR_MAX_RANK];
  size_t alpha_strides[SR_MAX_RANK];
} act_data;

/* ---- float kernels ---- */

static void sr_f32_clamp__ref(const act_data* d, const float* x, float* y, size_t n) {
  const float lo = d->lo, hi = d->hi;
  for (size_t i = 0; i < n; i++) y[i] = x[i] < lo ? lo : (x[i] > hi ? hi : x[i]);
}

/* RELU keeps -0.0 and NaN: only values below zero are replaced. */
static void sr_f32_relu__ref(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

/* LiteRT's float LEAKY_RELU is x > 0 ? x : alpha * x (not max(x, alpha * x), which differs for alpha > 1). */
static void sr_f32_leaky_relu__ref(float alpha, const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : x[i] * alpha;
}

static void sr_f32_hard_swish__ref(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    float r = x[i] + 3.0f;
    r = r < 0.0f ? 0.0f : (r > 6.0f ? 6.0f : r);
    y[i] = x[i] * r / 6.0f;
  }
}

/* ---- quantized kernels ---- */

static int32_t load_q(const void* x, sigrun_type type, size_t i) {
  switch (type) {
    case SIGRUN_TYPE_INT8: return ((const int8_t*)x)[i];
    case SIGRUN_TYPE_UINT8: return ((const uint8_t*)x)[i];
    default: return ((const int16_t*)x)[i];
  }
}

static void store_q(void* y, sigrun_type type, size_t i, int32_t v) {
  switch (type) {
    case SIGRUN_TYPE_INT8: ((int8_t*)y)[i] = (int8_t)v; break;
    case SIGRUN_TYPE_UINT8: ((uint8_t*)y)[i] = (uint8_t)v; break;
    default: ((int16_t*)y)[i] = (int16_t)v; break;
  }
}

static int32_t clamp64(int64_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : (int32_t)v; }

/* LiteRT's ReluX: requantize, then clamp to the activation range. */
static void sr_q_relux__ref(const act_data* d, const void* x, void* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int64_t v = (int64_t)d->out_zp + sr_quant_mul(load_q(x, d->type, i) - d->in_zp, d->mul);
    store_q(y, d->type, i, clamp64(v, d->qmin, d->qmax));
  }
}

static void sr_q_leaky_relu__ref(const act_data* d, const void* x, void* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int32_t v = load_q(x, d->type, i) - d->in_zp;
    int64_t out = (int64_t)d->out_zp + sr_quant_mul(v, v >= 0 ? d->mul : d->mul_alpha);
    store_q(y, d->type, i, clamp64(out, d->qmin, d->qmax));
  }
}

/* Walks the output in order, keeping alpha's offset in step with the output's multi-index. */
static void sr_prelu__ref(const act_data* d, const void* x, const void* alpha, void* y, size_t n) {
  size_t idx[SR_MAX_RANK] = {0}, a_off = 0;
  for (size_t i = 0; i < n; i++) {
    if (d->type == SIGRUN_TYPE_FLOAT32) {
      float v = ((const float*)x)[i];
      ((float*)y)[i] = v >= 0.0f ? v : v * ((const float*)alpha)[a_off];
    } else {
      int32_t v = load_q(x, d->type, i) - d->in_zp, out;
      if (v >= 0) {
        out = sr_quant_mul(v, d->mul);
      } else {
        int32_t a = load_q(alpha, d->type, a_off) - d->alpha_zp;
        out = sr_quant_mul(v * a, d->mul_alpha);
      }
      store_q(y, d->type, i, clamp64((int64_t)out + d->out_zp, d->qmin, d->qmax));
    }
    for (int ax = d->rank - 1; ax >= 0; ax--) {
      a_off += d->alpha_strides[ax];
      if (++idx[ax] < (size_t)d->dims[ax]) break;
      a_off -= d->alpha_strides[ax] * (size_t)d->dims[ax];
      idx[ax] = 0;
    }
  }
}

static int16_t sat_left_shift16(int16_t v, int amount) {
  int64_t r = (int64_t)v * ((int64_t)1 << amount);
  return (int16_t)(r > INT16_MAX ? INT16_MAX : r < INT16_MIN ? INT16_MIN : r);
}

/* gemmlowp's RoundingDivideByPOT in int32 arithmetic, so exponents past 15 stay defined. */
static int16_t rdivpot16_wide(int16_t x, int exponent) {
  if (exponent <= 0) return x;
  if (exponent > 31) exponent = 31;
  return (int16_t)sr_rdivpot(x, exponent);
}

/* SaturatingDoublingHighMul: like the rounding one but truncating toward zero. */
static int16_t sdhm16(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  return (int16_t)(((int32_t)a * (int32_t)b) / (1 << 15));
}

/* LiteRT's quantized HardSwish: x on a 2^7-finer scale, a "reluish" factor in [0, 1] from x rescaled so
 * that 3.0 maps to 2^15, and their product shifted to the output scale. */
static void sr_q_hard_swish__ref(const act_data* d, const void* x, void* y, size_t n) {
  const hard_swish_params* p = &d->hs;
  for (size_t i = 0; i < n; i++) {
    const int16_t in = (int16_t)(load_q(x, d->type, i) - d->in_zp);
    const int16_t hires = (int16_t)(in * 128);
    const int16_t preshift = sr_srdhm16(hires, p->out_mult);
    int16_t reluish = hires;
    if (p->reluish_exp > 0) reluish = sat_left_shift16(reluish, p->reluish_exp - 1);
    reluish = sr_srdhm16(reluish, p->reluish_mult);
    if (p->reluish_exp > 0) reluish = sat_left_shift16(reluish, 1);
    if (p->reluish_exp < 0) reluish = rdivpot16_wide(reluish, -p->reluish_exp);
    reluish = (int16_t)((reluish + (1 << 15)) >> 1);
    const int16_t pre_out = sdhm16(reluish, preshift);
    int16_t out = rdivpot16_wide(pre_out, -p->out_exp);
    out = (int16_t)(out + d->out_zp);
    store_q(y, d->type, i, out < d->qmin ? d->qmin : out > d->qmax ? d->qmax : out);
  }
}

/* ---- parse ---- */

/* LeakyReluOptions: alpha is field 0 (float, default 0). */
static sigrun_status parse_leaky_relu(sr_parse_ctx* ctx, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_LEAKY_RELU, 1);
  if (st) return st;
  sr_leaky_relu_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  p->alpha = 0.0f;
  if (ctx->options) {
    int rc = sr_fb_f32(ctx->options, 0, 0.0f, &p->alpha);
    if (rc != SR_FB_OK) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "option alpha: %s", sr_fb_strerror(rc));
  }
  *out_params = p;
  return SIGRUN_STATUS_OK;
}

/* ---- prepare ---- */

static const unsigned kTypes[] = {
    /* bit per sigrun_type */
    [A_RELU] = (1u << SIGRUN_TYPE_FLOAT32) | (1u << SIGRUN_TYPE_INT8) | (1u << SIGRUN_TYPE_UINT8) | (1u << SIGRUN_TYPE_INT16),
    [A_RELU6] = (1u << SIGRUN_TYPE_FLOAT32) | (1u << SIGRUN_TYPE_INT8) | (1u << SIGRUN_TYPE_UINT8) | (1u << SIGRUN_TYPE_INT16),
    [A_RELU_N1_TO_1] = (1u << SIGRUN_TYPE_FLOAT32) | (1u << SIGRUN_TYPE_INT8) | (1u << SIGRUN_TYPE_UINT8),
    [A_RELU_0_TO_1] = (1u << SIGRUN_TYPE_FLOAT32) | (1u << SIGRUN_TYPE_INT8) | (1u << SIGRUN_TYPE_UINT8),
    [A_LEAKY] = (1u << SIGRUN_TYPE_FLOAT32) | (1u << SIGRUN_TYPE_INT8) | (1u << SIGRUN_TYPE_UINT8) | (1u << SIGRUN_TYPE_INT16),
    [A_PRELU] = (1u << SIGRUN_TYPE_FLOAT32) | (1u << SIGRUN_TYPE_INT8) | (1u << SIGRUN_TYPE_UINT8),
    [A_HARD_SWISH] = (1u << SIGRUN_TYPE_FLOAT32) | (1u << SIGRUN_TYPE_INT8) | (1u << SIGRUN_TYPE_UINT8),
};
static const char* const kTypeNames[] = {
    [A_RELU] = "float32, int8, uint8, int16", [A_RELU6] = "float32, int8, uint8, int16",
    [A_RELU_N1_TO_1] = "float32, int8, uint8", [A_RELU_0_TO_1] = "float32, int8, uint8",
    [A_LEAKY] = "float32, int8, uint8, int16", [A_PRELU] = "float32, int8, uint8",
    [A_HARD_SWISH] = "float32, int8, uint8",
};

/* Common checks: input type supported, output of the same type; reads quantization when quantized. */
static sigrun_status prepare_common(sr_node* node, act_op op, int n_inputs, float* in_scale, float* out_scale,
                                    act_data** out) {
  sr_tensor* x;
  sigrun_status st = sr_node_check_io(node, n_inputs, n_inputs, 1);
  if (st || (st = sr_node_input(node, 0, &x))) return st;
  if ((unsigned)x->type >= 32 || !(kTypes[op] & (1u << x->type)))
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input type %s (tensor %d) is not supported; supported: %s",
                        sigrun_type_name(x->type), x->index, kTypeNames[op]);
  sr_tensor* y = node->outputs[0];
  if ((st = sr_node_check_type(node, y, "output 0", x->type))) return st;
  const int plan = op == A_PRELU && x->type == SIGRUN_TYPE_FLOAT32;
  act_data* d = sr_node_alloc_data(node, sizeof *d + (plan ? sizeof(sr_broadcast_plan) : 0));
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  d->plan = plan ? (sr_broadcast_plan*)(void*)(d + 1) : NULL;
  d->op = op;
  d->type = x->type;
  if (x->type != SIGRUN_TYPE_FLOAT32) {
    if ((st = sr_quant_params(node, x, "input 0", in_scale, &d->in_zp))) return st;
    if ((st = sr_quant_params(node, y, "output 0", out_scale, &d->out_zp))) return st;
    sr_quant_type_range(x->type, &d->qmin, &d->qmax);
    if (x->type == SIGRUN_TYPE_INT16 && (d->in_zp != 0 || d->out_zp != 0))
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "int16 zero points must be 0 (input %d, output %d)",
                          (int)d->in_zp, (int)d->out_zp);
  }
  *out = d;
  return SIGRUN_STATUS_OK;
}

/* The vector kernel of a float node (none for PRELU, whose alpha broadcasts). */
static void pick_vector(sr_node* node, act_data* d) {
  static const sr_vec_unary_op ops[] = {[A_RELU] = SR_VU_CLAMP, [A_RELU6] = SR_VU_CLAMP, [A_RELU_N1_TO_1] = SR_VU_CLAMP,
                                        [A_RELU_0_TO_1] = SR_VU_CLAMP, [A_LEAKY] = SR_VU_LEAKY,
                                        [A_HARD_SWISH] = SR_VU_HARD_SWISH};
  if (d->type != SIGRUN_TYPE_FLOAT32 || d->op == A_PRELU) return;
  d->vec = sr_vec_unary_kernel(node->isa);
  d->vec_op.op = ops[d->op];
  d->vec_op.lo = d->lo, d->vec_op.hi = d->hi, d->vec_op.alpha = d->alpha;
}

/* LiteRT's QuantizedReluX range: the float bounds rounded (roundf) into the output's domain. */
static void relux_range(act_data* d, float lo, float hi, float out_scale) {
  int32_t qlo = d->out_zp + (int32_t)roundf(lo / out_scale);
  d->qmin = qlo > d->qmin ? qlo : d->qmin;
  if (!isinf(hi)) {
    int32_t qhi = d->out_zp + (int32_t)roundf(hi / out_scale);
    d->qmax = qhi < d->qmax ? qhi : d->qmax;
  }
}

static sigrun_status prepare_clamp(sr_node* node, act_op op, float lo, float hi) {
  act_data* d = NULL;
  float in_scale = 0, out_scale = 0;
  sigrun_status st = prepare_common(node, op, 1, &in_scale, &out_scale, &d);
  if (st) return st;
  d->lo = lo;
  d->hi = hi;
  if (d->type != SIGRUN_TYPE_FLOAT32) {
    d->mul = sr_quant_multiplier((double)(in_scale / out_scale)); /* a float ratio, as in LiteRT */
    relux_range(d, lo, hi, out_scale);
  }
  pick_vector(node, d);
  const sr_tensor* x = node->inputs[0];
  return sr_node_resize_output(node, 0, x->rank, x->dims);
}

static sigrun_status prepare_relu(sr_node* node) { return prepare_clamp(node, A_RELU, 0.0f, INFINITY); }
static sigrun_status prepare_relu6(sr_node* node) { return prepare_clamp(node, A_RELU6, 0.0f, 6.0f); }
static sigrun_status prepare_relu_n1_to_1(sr_node* node) { return prepare_clamp(node, A_RELU_N1_TO_1, -1.0f, 1.0f); }
static sigrun_status prepare_relu_0_to_1(sr_node* node) { return prepare_clamp(node, A_RELU_0_TO_1, 0.0f, 1.0f); }

static sigrun_status prepare_leaky_relu(sr_node* node) {
  act_data* d = NULL;
  float in_scale = 0, out_scale = 0;
  sigrun_status st = prepare_common(node, A_LEAKY, 1, &in_scale, &out_scale, &d);
  if (st) return st;
  const sr_leaky_relu_params* p = node->params;
  d->alpha = p ? p->alpha : 0.0f;
  if (d->type != SIGRUN_TYPE_FLOAT32) {
    d->mul_alpha = sr_quant_multiplier((double)(in_scale * d->alpha / out_scale));
    d->mul = sr_quant_multiplier((double)(in_scale / out_scale));
  }
  pick_vector(node, d);
  const sr_tensor* x = node->inputs[0];
  return sr_node_resize_output(node, 0, x->rank, x->dims);
}

/* PRELU: alpha must broadcast to the input's shape (the output is the input's shape). */
static sigrun_status prelu_alpha_strides(sr_node* node, act_data* d, const sr_tensor* x, const sr_tensor* a) {
  char xs[64], as[64];
  if (a->rank > x->rank)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "alpha shape %s (tensor %d) has more dims than input %s",
                        sr_shape_str(a->dims, a->rank, as, sizeof as), a->index, sr_shape_str(x->dims, x->rank, xs, sizeof xs));
  d->rank = x->rank;
  size_t stride = 1;
  for (int i = x->rank - 1; i >= 0; i--) {
    int ia = i - (x->rank - a->rank);
    int32_t da = ia >= 0 ? a->dims[ia] : 1;
    d->dims[i] = x->dims[i];
    if (da != x->dims[i] && da != 1)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                          "alpha shape %s (tensor %d) does not broadcast to input shape %s (axis %d)",
                          sr_shape_str(a->dims, a->rank, as, sizeof as), a->index,
                          sr_shape_str(x->dims, x->rank, xs, sizeof xs), i);
    d->alpha_strides[i] = (da == 1) ? 0 : stride;
    stride *= (size_t)da;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status prepare_prelu(sr_node* node) {
  act_data* d = NULL;
  float in_scale = 0, out_scale = 0, alpha_scale = 0;
  sigrun_status st = prepare_common(node, A_PRELU, 2, &in_scale, &out_scale, &d);
  if (st) return st;
  sr_tensor *x = node->inputs[0], *a;
  if ((st = sr_node_input(node, 1, &a))) return st;
  if ((st = sr_node_check_type(node, a, "input 1 (alpha)", x->type))) return st;
  if ((st = prelu_alpha_strides(node, d, x, a))) return st;
  if (d->plan) { /* float: the vector kernel walks input and alpha as a two-input broadcast */
    const int32_t* dims[2] = {x->dims, a->dims};
    const int ranks[2] = {x->rank, a->rank};
    sr_broadcast_plan_init(d->plan, 2, dims, ranks, x->dims, x->rank);
    d->prelu.fn = sr_vec_binary_kernel(node->isa);
    d->prelu.op = SR_VB_PRELU;
  }
  if (d->type != SIGRUN_TYPE_FLOAT32) {
    if ((st = sr_quant_params(node, a, "input 1 (alpha)", &alpha_scale, &d->alpha_zp))) return st;
    d->mul = sr_quant_multiplier((double)(in_scale / out_scale));
    d->mul_alpha = sr_quant_multiplier((double)(in_scale * alpha_scale / out_scale));
  }
  return sr_node_resize_output(node, 0, x->rank, x->dims);
}

/* LiteRT's DownScaleInt32ToInt16Multiplier: round the 31-bit multiplier to 15 bits. */
static int16_t downscale_multiplier(int32_t m) {
  if (m >= INT32_MAX - (1 << 15)) return INT16_MAX;
  return (int16_t)((m + (1 << 15)) >> 16);
}

static sigrun_status prepare_hard_swish(sr_node* node) {
  act_data* d = NULL;
  float in_scale = 0, out_scale = 0;
  sigrun_status st = prepare_common(node, A_HARD_SWISH, 1, &in_scale, &out_scale, &d);
  if (st) return st;
  if (d->type != SIGRUN_TYPE_FLOAT32) {
    /* float arithmetic throughout, as LiteRT's prepare */
    const float hires_scale = (1.0f / 128.0f) * in_scale;
    const float reluish_scale = 3.0f / 32768.0f;
    sr_qmul out_m = sr_quant_multiplier((double)(hires_scale / out_scale));
    sr_qmul rel_m = sr_quant_multiplier((double)(hires_scale / reluish_scale));
    if (out_m.shift > 0)
      return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                          "input scale %g over output scale %g is too large for LiteRT's HARD_SWISH (needs <= 128)",
                          (double)in_scale, (double)out_scale);
    d->hs.out_mult = downscale_multiplier(out_m.mult);
    d->hs.out_exp = out_m.shift;
    d->hs.reluish_mult = downscale_multiplier(rel_m.mult);
    d->hs.reluish_exp = rel_m.shift;
  }
  pick_vector(node, d);
  const sr_tensor* x = node->inputs[0];
  return sr_node_resize_output(node, 0, x->rank, x->dims);
}

/* ---- eval ---- */

static sigrun_status eval_act(sr_node* node) {
  const act_data* d = node->data;
  const void* x = node->inputs[0]->data;
  void* y = node->outputs[0]->data;
  size_t n = sr_tensor_count(node->outputs[0]);
  if (n == 0) return SIGRUN_STATUS_OK;
  const int f32 = d->type == SIGRUN_TYPE_FLOAT32;
  if (d->vec) {
    sr_vec_unary_run(node, d->vec, &d->vec_op, x, y, n);
    return SIGRUN_STATUS_OK;
  }
  switch (d->op) {
    case A_RELU:
      if (f32) sr_f32_relu__ref(x, y, n);
      else sr_q_relux__ref(d, x, y, n);
      break;
    case A_RELU6:
    case A_RELU_N1_TO_1:
    case A_RELU_0_TO_1:
      if (f32) sr_f32_clamp__ref(d, x, y, n);
      else sr_q_relux__ref(d, x, y, n);
      break;
    case A_LEAKY:
      if (f32) sr_f32_leaky_relu__ref(d->alpha, x, y, n);
      else sr_q_leaky_relu__ref(d, x, y, n);
      break;
    case A_PRELU:
      if (d->prelu.fn)
        sr_vec_binary_run(node, sr_vec_f32_row, &d->prelu, sizeof(float), d->plan, x, node->inputs[1]->data, y);
      else
        sr_prelu__ref(d, x, node->inputs[1]->data, y, n);
      break;
    case A_HARD_SWISH:
      if (f32) sr_f32_hard_swish__ref(x, y, n);
      else sr_q_hard_swish__ref(d, x, y, n);
      break;
  }
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_relu = {"RELU", SR_BUILTIN_RELU, NULL, prepare_relu, eval_act};
const sr_op_kind sr_op_relu6 = {"RELU6", SR_BUILTIN_RELU6, NULL, prepare_relu6, eval_act};
const sr_op_kind sr_op_relu_n1_to_1 = {"RELU_N1_TO_1", SR_BUILTIN_RELU_N1_TO_1, NULL, prepare_relu_n1_to_1, eval_act};
const sr_op_kind sr_op_relu_0_to_1 = {"RELU_0_TO_1", SR_BUILTIN_RELU_0_TO_1, NULL, prepare_relu_0_to_1, eval_act};
const sr_op_kind sr_op_leaky_relu = {"LEAKY_RELU", SR_BUILTIN_LEAKY_RELU, parse_leaky_relu, prepare_leaky_relu, eval_act};
const sr_op_kind sr_op_prelu = {"PRELU", SR_BUILTIN_PRELU, NULL, prepare_prelu, eval_act};
const sr_op_kind sr_op_hard_swish = {"HARD_SWISH", SR_BUILTIN_HARD_SWISH, NULL, prepare_hard_swish, eval_act};
