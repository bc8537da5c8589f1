/*
 * activations_lut.c — the smooth activations LOGISTIC, TANH, ELU and GELU. Float kernels call the C
 * library (LOGISTIC is accurate to a few ulp over the whole range, subnormal tail included). 8-bit inputs use
 * LiteRT's generic-optimized method: a 256-entry table filled in prepare by dequantize -> f -> quantize. int16
 * LOGISTIC/TANH use LiteRT's sigmoid table with 9 (LOGISTIC) or 8 (TANH) bits of linear interpolation after
 * rescaling the input to 3/4 of a 2^-12 step; int16 GELU uses an interpolated 513-entry table.
 */
#include <math.h>

#include "activations.h"
#include "lut.h"
#include "op.h"
#include "quant.h"
#include "vec_f32.h"
#include "../format/schema_enums.h"

typedef enum smooth_op { S_LOGISTIC, S_TANH, S_ELU, S_GELU } smooth_op;

typedef struct smooth_data {
  smooth_op op;
  sigrun_type type;
  int approximate;         /* GELU */
  int32_t in_mult, in_shift; /* int16 LOGISTIC/TANH input rescale */
  sr_vec_unary_fn vec;       /* float LOGISTIC/TANH/GELU: vector kernel for this CPU, or NULL */
  sr_lut8_fn lut8_apply;     /* 8-bit: table lookup for this CPU */
  sr_vec_unary vec_op;
  /* Quantized nodes only, in trailing memory, so float nodes of every runner stay small. */
  int16_t* lut16; /* 513 entries */
  uint8_t* lut8;  /* 256 entries */
} smooth_data;

enum { SMOOTH_LUT_BYTES = 513 * sizeof(int16_t) + 256 };

/* sigmoid(i / 24) in Q0.16 for i = 0..255: LiteRT's table (tanh(x) = 2 sigmoid(2x) - 1 shares it). The
 * entries are LiteRT's data, not a rounding of the formula (they differ by 1 in places), so they are listed. */
static const uint16_t kSigmoidTable[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
    43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
    51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
    61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
    63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
    64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
    65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
    65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
    65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
    65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
};

/* ---- scalar functions (float, as LiteRT's table builders and float kernels) ---- */

static float f_logistic(float v, const void* ctx) {
  (void)ctx;
  return 1.0f / (1.0f + expf(-v));
}
static float f_tanh(float v, const void* ctx) {
  (void)ctx;
  return tanhf(v);
}
static float f_elu(float v, const void* ctx) {
  (void)ctx;
  return v < 0.0f ? expm1f(v) : v;
}
/* 0.5 x erfc(-x / sqrt 2): the erf form rewritten to avoid cancellation for large negative x. */
static float f_gelu(float v, const void* ctx) {
  (void)ctx;
  return 0.5f * v * erfcf(v * -(float)0.70710678118654752440);
}
static float f_gelu_tanh(float v, const void* ctx) {
  (void)ctx;
  const float k = (float)(1.12837916709551257390 * 0.70710678118654752440); /* sqrt(2 / pi) */
  return 0.5f * v * (1.0f + tanhf(k * (v + 0.044715f * v * v * v)));
}

/* ---- float kernels ---- */

/* For x < 0, e/(1+e) with e = exp(x) never overflows and keeps the tail down to subnormals (LiteRT's
 * kernel is within 5e-7 of the exact value everywhere). NaN goes to the second branch and stays NaN. */
static void sr_f32_logistic__ref(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    float v = x[i];
    if (v < 0.0f) {
      float e = expf(v);
      y[i] = e / (1.0f + e);
    } else {
      y[i] = 1.0f / (1.0f + expf(-v));
    }
  }
}

static void sr_f32_map__ref(sr_lut_fn fn, const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = fn(x[i], NULL);
}

/* ---- int16 kernels (LiteRT's reference_integer_ops Logistic/Tanh) ---- */

static int32_t rescale16(const smooth_data* d, int16_t x) {
  const int32_t round = d->in_shift > 0 ? 1 << (d->in_shift - 1) : 0;
  return (int32_t)(((int64_t)x * d->in_mult + round) >> d->in_shift);
}

static void sr_i16_logistic__ref(const smooth_data* d, const int16_t* x, int16_t* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const int32_t v = rescale16(d, x[i]);
    const uint32_t a = (uint32_t)(v < 0 ? -(int64_t)v : v);
    const uint32_t hi = a >> 9;
    uint32_t r;
    if (hi >= 255) {
      r = 0x7FFFu << 10;
    } else {
      const uint32_t ua = kSigmoidTable[hi], ub = kSigmoidTable[hi + 1];
      r = (ua << 9) + (a & 0x1ff) * (ub - ua);
    }
    r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1;
    y[i] = (int16_t)(r >> 10);
  }
}

static void sr_i16_tanh__ref(const smooth_data* d, const int16_t* x, int16_t* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const int32_t v = rescale16(d, x[i]);
    const uint32_t a = (uint32_t)(v < 0 ? -(int64_t)v : v);
    const uint32_t hi = a >> 8;
    int32_t r;
    if (hi >= 255) {
      r = 0xFFFF << 8;
    } else {
      const uint32_t ua = kSigmoidTable[hi], ub = kSigmoidTable[hi + 1];
      r = (int32_t)((ua << 8) + (a & 0xff) * (ub - ua));
    }
    r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    y[i] = (int16_t)(r >> 8);
  }
}

/* ---- prepare ---- */

/* LiteRT's CheckedLog2: log2 rounded, and whether the scale is (within 1e-3 in log2) a power of two. */
static int checked_log2(float x, int* log2_rounded) {
  const float l = logf(x) * (1.0f / logf(2.0f));
  const float r = roundf(l);
  *log2_rounded = (int)r;
  return fabsf(l - r) < 1e-3f;
}

/* int16 LOGISTIC/TANH: the input is rescaled so that 2^17 represents 10.7 (3 * 4096 per unit). LiteRT
 * runs power-of-two input scales through a different (gemmlowp) kernel, which sigrun does not have. */
static sigrun_status prepare_int16(sr_node* node, smooth_data* d, float in_scale, float out_scale) {
  int in_log2 = 0, out_log2 = 0;
  int pot = checked_log2(in_scale, &in_log2);
  const int shift = 12 + in_log2;
  pot = pot && (shift == 0 || (d->op == S_TANH && shift == 1));
  if (pot)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "int16 %s with a power-of-two input scale (%g) uses LiteRT's gemmlowp kernel, which sigrun "
                        "does not implement",
                        d->op == S_TANH ? "TANH" : "LOGISTIC", (double)in_scale);
  if (!checked_log2(out_scale, &out_log2) || out_log2 != -15)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "int16 output scale %g must be 2^-15", (double)out_scale);
  double mult = (double)in_scale * 4096.0 * 3.0;
  int s = 0;
  while (mult <= 32767.0 / 2.0 && s <= 30) {
    s++;
    mult *= 2.0;
  }
  if (!(mult < 2147483647.0))
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "int16 input scale %g is too large", (double)in_scale);
  d->in_mult = (int32_t)mult;
  d->in_shift = s;
  return SIGRUN_STATUS_OK;
}

static const char* const kTypeNames[] = {"float32, int8, uint8, int16", "float32, int8, uint8, int16",
                                         "float32, int8", "float32, int8, uint8, int16"};

static int type_supported(smooth_op op, sigrun_type t) {
  if (t == SIGRUN_TYPE_FLOAT32 || t == SIGRUN_TYPE_INT8) return 1;
  return op != S_ELU && (t == SIGRUN_TYPE_UINT8 || t == SIGRUN_TYPE_INT16);
}

static sr_lut_fn table_fn(const smooth_data* d) {
  switch (d->op) {
    case S_LOGISTIC: return f_logistic;
    case S_TANH: return f_tanh;
    case S_ELU: return f_elu;
    default: return d->approximate ? f_gelu_tanh : f_gelu;
  }
}

static sigrun_status prepare_quantized(sr_node* node, smooth_data* d, const sr_tensor* x, const sr_tensor* y) {
  float in_scale, out_scale;
  int32_t in_zp, out_zp;
  sigrun_status st = sr_quant_params(node, x, "input 0", &in_scale, &in_zp);
  if (st || (st = sr_quant_params(node, y, "output 0", &out_scale, &out_zp))) return st;
  if (d->op == S_LOGISTIC && d->type != SIGRUN_TYPE_INT16 && (double)out_scale != 1.0 / 256)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "LOGISTIC output scale %g must be 1/256", (double)out_scale);
  if (d->type != SIGRUN_TYPE_INT16) {
    d->lut8_apply = sr_lut8_kernel(node->isa);
    sr_lut8_populate(d->type == SIGRUN_TYPE_INT8, in_scale, in_zp, out_scale, out_zp, table_fn(d), NULL, d->lut8);
    return SIGRUN_STATUS_OK;
  }
  if (d->op == S_GELU) {
    sr_lut16_populate(in_scale, in_zp, out_scale, out_zp, table_fn(d), NULL, d->lut16);
    return SIGRUN_STATUS_OK;
  }
  if (in_zp != 0 || out_zp != 0)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "int16 zero points must be 0 (input %d, output %d)", (int)in_zp,
                        (int)out_zp);
  if (d->op == S_LOGISTIC && (double)out_scale != 1.0 / 32768)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "LOGISTIC int16 output scale %g must be 1/32768",
                        (double)out_scale);
  return prepare_int16(node, d, in_scale, out_scale);
}

static sigrun_status prepare_smooth(sr_node* node, smooth_op op) {
  sr_tensor* x;
  sigrun_status st = sr_node_check_io(node, 1, 1, 1);
  if (st || (st = sr_node_input(node, 0, &x))) return st;
  if (!type_supported(op, x->type))
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input type %s (tensor %d) is not supported; supported: %s",
                        sigrun_type_name(x->type), x->index, kTypeNames[op]);
  sr_tensor* y = node->outputs[0];
  if ((st = sr_node_check_type(node, y, "output 0", x->type))) return st;
  if ((st = sr_node_resize_output(node, 0, x->rank, x->dims))) return st;
  const int quantized = x->type != SIGRUN_TYPE_FLOAT32;
  smooth_data* d = sr_node_alloc_data(node, sizeof *d + (quantized ? SMOOTH_LUT_BYTES : 0));
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  d->op = op;
  d->type = x->type;
  const sr_gelu_params* gp = op == S_GELU ? node->params : NULL;
  d->approximate = gp ? gp->approximate : 0;
  if (!quantized) {
    if (op != S_ELU) d->vec = sr_vec_unary_kernel(node->isa);
    d->vec_op.op = op == S_LOGISTIC ? SR_VU_LOGISTIC
                   : op == S_TANH   ? SR_VU_TANH
                   : d->approximate ? SR_VU_GELU_TANH
                                    : SR_VU_GELU;
    return SIGRUN_STATUS_OK;
  }
  d->lut16 = (int16_t*)(d + 1);
  d->lut8 = (uint8_t*)(d->lut16 + 513);
  return prepare_quantized(node, d, x, y);
}

static sigrun_status prepare_logistic(sr_node* node) { return prepare_smooth(node, S_LOGISTIC); }
static sigrun_status prepare_tanh(sr_node* node) { return prepare_smooth(node, S_TANH); }
static sigrun_status prepare_elu(sr_node* node) { return prepare_smooth(node, S_ELU); }
static sigrun_status prepare_gelu(sr_node* node) { return prepare_smooth(node, S_GELU); }

/* GeluOptions: approximate is field 0 (bool, default false). */
static sigrun_status parse_gelu(sr_parse_ctx* ctx, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_GELU, 1);
  if (st) return st;
  sr_gelu_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  uint8_t approximate = 0;
  if (ctx->options) {
    int rc = sr_fb_u8(ctx->options, 0, 0, &approximate);
    if (rc != SR_FB_OK) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "option approximate: %s", sr_fb_strerror(rc));
  }
  p->approximate = approximate != 0;
  *out_params = p;
  return SIGRUN_STATUS_OK;
}

/* ---- eval ---- */

static sigrun_status eval_smooth(sr_node* node) {
  const smooth_data* d = node->data;
  const void* x = node->inputs[0]->data;
  void* y = node->outputs[0]->data;
  size_t n = sr_tensor_count(node->outputs[0]);
  if (n == 0) return SIGRUN_STATUS_OK;
  switch (d->type) {
    case SIGRUN_TYPE_FLOAT32:
      if (d->vec)
        sr_vec_unary_run(node, d->vec, &d->vec_op, x, y, n);
      else if (d->op == S_LOGISTIC)
        sr_f32_logistic__ref(x, y, n);
      else
        sr_f32_map__ref(table_fn(d), x, y, n);
      break;
    case SIGRUN_TYPE_INT16:
      if (d->op == S_LOGISTIC)
        sr_i16_logistic__ref(d, x, y, n);
      else if (d->op == S_TANH)
        sr_i16_tanh__ref(d, x, y, n);
      else
        sr_lut16_apply(d->lut16, x, y, n);
      break;
    default: sr_lut8_run(node, d->lut8_apply, d->lut8, x, y, n); break;
  }
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_logistic = {"LOGISTIC", SR_BUILTIN_LOGISTIC, NULL, prepare_logistic, eval_smooth};
const sr_op_kind sr_op_tanh = {"TANH", SR_BUILTIN_TANH, NULL, prepare_tanh, eval_smooth};
const sr_op_kind sr_op_elu = {"ELU", SR_BUILTIN_ELU, NULL, prepare_elu, eval_smooth};
const sr_op_kind sr_op_gelu = {"GELU", SR_BUILTIN_GELU, parse_gelu, prepare_gelu, eval_smooth};
