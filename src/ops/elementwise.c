/*
 * elementwise.c — ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM with NumPy broadcasting (broadcast.h) on float32,
 * int32 and int64 (DIV: float32 and int32). Numerics follow LiteRT's kernels, checked against them:
 *  - every ADD/SUB/MUL/DIV result is clamped to the fused activation's range, and with no activation that
 *    range is [-FLT_MAX, FLT_MAX]: an infinite result becomes +-FLT_MAX, NaN stays NaN. TANH and SIGN_BIT
 *    do not clamp (LiteRT ignores them here);
 *  - integer ADD/SUB/MUL wrap; int32 DIV truncates toward zero, clamps (INT32_MIN / -1 = INT32_MAX) and
 *    fails when any element of the divisor is 0, whether or not the output uses it;
 *  - MAXIMUM is a > b ? a : b and MINIMUM a < b ? a : b (a NaN in input 1 propagates, one in input 0 does
 *    not), never clamped.
 * Quantized types come later: prepare dispatches on the input type.
 */
#include <float.h>

#include "broadcast.h"
#include "elementwise.h"
#include "op.h"
#include "../format/schema_enums.h"

typedef enum binary_op { BIN_ADD, BIN_SUB, BIN_MUL, BIN_DIV, BIN_MAX, BIN_MIN, BIN_COUNT } binary_op;
enum { TYPE_F32, TYPE_S32, TYPE_S64, TYPE_COUNT };

typedef struct binary_data binary_data;
typedef void (*binary_kernel)(const binary_data* d, const void* a, const void* b, void* out);

/* Per-node state chosen in prepare. */
struct binary_data {
  sr_broadcast_plan plan;
  binary_kernel kernel;
  float f_lo, f_hi;   /* activation clamp of float kernels */
  int64_t i_lo, i_hi; /* activation clamp of integer kernels, inside the type's range */
};

/* ---- element operations ---- */

/* Two's-complement wrap without relying on implementation-defined unsigned-to-signed conversion. */
static inline int32_t wrap_s32(uint32_t u) { return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1; }
static inline int64_t wrap_s64(uint64_t u) { return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1; }

/* lo/hi are never NaN, so a NaN x passes through, as with LiteRT's min(max(x, lo), hi). */
static inline float clamp_f32(float x, float lo, float hi) { return x < lo ? lo : (x > hi ? hi : x); }
static inline int32_t clamp_s32(int32_t x, int32_t lo, int32_t hi) { return x < lo ? lo : (x > hi ? hi : x); }
static inline int64_t clamp_s64(int64_t x, int64_t lo, int64_t hi) { return x < lo ? lo : (x > hi ? hi : x); }

static inline float f32_add(float a, float b, float lo, float hi) { return clamp_f32(a + b, lo, hi); }
static inline float f32_sub(float a, float b, float lo, float hi) { return clamp_f32(a - b, lo, hi); }
static inline float f32_mul(float a, float b, float lo, float hi) { return clamp_f32(a * b, lo, hi); }
static inline float f32_div(float a, float b, float lo, float hi) { return clamp_f32(a / b, lo, hi); }
static inline float f32_max(float a, float b, float lo, float hi) { return a > b ? a : b; }
static inline float f32_min(float a, float b, float lo, float hi) { return a < b ? a : b; }

static inline int32_t s32_add(int32_t a, int32_t b, int32_t lo, int32_t hi) {
  return clamp_s32(wrap_s32((uint32_t)a + (uint32_t)b), lo, hi);
}
static inline int32_t s32_sub(int32_t a, int32_t b, int32_t lo, int32_t hi) {
  return clamp_s32(wrap_s32((uint32_t)a - (uint32_t)b), lo, hi);
}
static inline int32_t s32_mul(int32_t a, int32_t b, int32_t lo, int32_t hi) {
  return clamp_s32(wrap_s32((uint32_t)a * (uint32_t)b), lo, hi);
}
/* b != 0 (eval checks the whole divisor first). The 64-bit quotient makes INT32_MIN / -1 well defined. */
static inline int32_t s32_div(int32_t a, int32_t b, int32_t lo, int32_t hi) {
  return (int32_t)clamp_s64((int64_t)a / b, lo, hi);
}
static inline int32_t s32_max(int32_t a, int32_t b, int32_t lo, int32_t hi) { return a > b ? a : b; }
static inline int32_t s32_min(int32_t a, int32_t b, int32_t lo, int32_t hi) { return a < b ? a : b; }

static inline int64_t s64_add(int64_t a, int64_t b, int64_t lo, int64_t hi) {
  return clamp_s64(wrap_s64((uint64_t)a + (uint64_t)b), lo, hi);
}
static inline int64_t s64_sub(int64_t a, int64_t b, int64_t lo, int64_t hi) {
  return clamp_s64(wrap_s64((uint64_t)a - (uint64_t)b), lo, hi);
}
static inline int64_t s64_mul(int64_t a, int64_t b, int64_t lo, int64_t hi) {
  return clamp_s64(wrap_s64((uint64_t)a * (uint64_t)b), lo, hi);
}
static inline int64_t s64_max(int64_t a, int64_t b, int64_t lo, int64_t hi) { return a > b ? a : b; }
static inline int64_t s64_min(int64_t a, int64_t b, int64_t lo, int64_t hi) { return a < b ? a : b; }

/* ---- kernels ----
 * One walk for every op and type: rows of the broadcast plan, with the inner loop specialised on the
 * inputs' inner strides (1 = contiguous, 0 = broadcast) so that same-shape and scalar operands run as
 * flat, vectorisable loops. */
#define SR_BINARY_KERNEL(NAME, T, OP, LO, HI)                                     \
  static void NAME(const binary_data* d, const void* a_, const void* b_, void* out) { \
    const sr_broadcast_plan* p = &d->plan;                                        \
    const T* a = a_;                                                              \
    const T* b = b_;                                                              \
    T* y = out;                                                                   \
    const T lo = (T)(LO), hi = (T)(HI);                                           \
    const size_t n = sr_broadcast_inner(p);                                       \
    const size_t sa = sr_broadcast_inner_stride(p, 0);                            \
    const size_t sb = sr_broadcast_inner_stride(p, 1);                            \
    size_t idx[SR_MAX_RANK] = {0}, off[SR_BROADCAST_MAX_INPUTS] = {0};            \
    for (size_t row = 0; row < p->outer; row++, y += n) {                         \
      const T* ra = a + off[0];                                                   \
      const T* rb = b + off[1];                                                   \
      if (sa && sb) {                                                             \
        for (size_t i = 0; i < n; i++) y[i] = OP(ra[i], rb[i], lo, hi);           \
      } else if (sa) {                                                            \
        const T vb = rb[0];                                                       \
        for (size_t i = 0; i < n; i++) y[i] = OP(ra[i], vb, lo, hi);              \
      } else if (sb) {                                                            \
        const T va = ra[0];                                                       \
        for (size_t i = 0; i < n; i++) y[i] = OP(va, rb[i], lo, hi);              \
      } else {                                                                    \
        const T v = OP(ra[0], rb[0], lo, hi);                                     \
        for (size_t i = 0; i < n; i++) y[i] = v;                                  \
      }                                                                           \
      sr_broadcast_next(p, idx, off);                                             \
    }                                                                             \
  }

SR_BINARY_KERNEL(sr_f32_add__ref, float, f32_add, d->f_lo, d->f_hi)
SR_BINARY_KERNEL(sr_f32_sub__ref, float, f32_sub, d->f_lo, d->f_hi)
SR_BINARY_KERNEL(sr_f32_mul__ref, float, f32_mul, d->f_lo, d->f_hi)
SR_BINARY_KERNEL(sr_f32_div__ref, float, f32_div, d->f_lo, d->f_hi)
SR_BINARY_KERNEL(sr_f32_maximum__ref, float, f32_max, d->f_lo, d->f_hi)
SR_BINARY_KERNEL(sr_f32_minimum__ref, float, f32_min, d->f_lo, d->f_hi)
SR_BINARY_KERNEL(sr_s32_add__ref, int32_t, s32_add, d->i_lo, d->i_hi)
SR_BINARY_KERNEL(sr_s32_sub__ref, int32_t, s32_sub, d->i_lo, d->i_hi)
SR_BINARY_KERNEL(sr_s32_mul__ref, int32_t, s32_mul, d->i_lo, d->i_hi)
SR_BINARY_KERNEL(sr_s32_div__ref, int32_t, s32_div, d->i_lo, d->i_hi)
SR_BINARY_KERNEL(sr_s32_maximum__ref, int32_t, s32_max, d->i_lo, d->i_hi)
SR_BINARY_KERNEL(sr_s32_minimum__ref, int32_t, s32_min, d->i_lo, d->i_hi)
SR_BINARY_KERNEL(sr_s64_add__ref, int64_t, s64_add, d->i_lo, d->i_hi)
SR_BINARY_KERNEL(sr_s64_sub__ref, int64_t, s64_sub, d->i_lo, d->i_hi)
SR_BINARY_KERNEL(sr_s64_mul__ref, int64_t, s64_mul, d->i_lo, d->i_hi)
SR_BINARY_KERNEL(sr_s64_maximum__ref, int64_t, s64_max, d->i_lo, d->i_hi)
SR_BINARY_KERNEL(sr_s64_minimum__ref, int64_t, s64_min, d->i_lo, d->i_hi)

/* NULL = the type is not supported by that op (LiteRT has no int64 DIV). */
static const binary_kernel kernels[BIN_COUNT][TYPE_COUNT] = {
    [BIN_ADD] = {sr_f32_add__ref, sr_s32_add__ref, sr_s64_add__ref},
    [BIN_SUB] = {sr_f32_sub__ref, sr_s32_sub__ref, sr_s64_sub__ref},
    [BIN_MUL] = {sr_f32_mul__ref, sr_s32_mul__ref, sr_s64_mul__ref},
    [BIN_DIV] = {sr_f32_div__ref, sr_s32_div__ref, NULL},
    [BIN_MAX] = {sr_f32_maximum__ref, sr_s32_maximum__ref, sr_s64_maximum__ref},
    [BIN_MIN] = {sr_f32_minimum__ref, sr_s32_minimum__ref, sr_s64_minimum__ref},
};

/* ---- parse ---- */

/* Add/Sub/Mul/DivOptions all keep fused_activation_function in field 0 (int8, default NONE). */
static sigrun_status parse_activation(sr_parse_ctx* ctx, int options_type, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, options_type, 1);
  if (st) return st;
  sr_binary_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  int8_t act = SR_ACT_NONE;
  if (ctx->options) {
    int rc = sr_fb_i8(ctx->options, 0, SR_ACT_NONE, &act);
    if (rc != SR_FB_OK)
      return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "option fused_activation_function: %s", sr_fb_strerror(rc));
  }
  if (act < SR_ACT_NONE || act > SR_ACT_SIGN_BIT)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL,
                         "fused activation %d is not a known ActivationFunctionType (0..5)", act);
  p->activation = act;
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
static void activation_range(int activation, int64_t type_min, int64_t type_max, binary_data* d) {
  d->f_lo = -FLT_MAX;
  d->f_hi = FLT_MAX;
  d->i_lo = type_min;
  d->i_hi = type_max;
  if (activation == SR_ACT_RELU) {
    d->f_lo = 0.0f;
    d->i_lo = 0;
  } else if (activation == SR_ACT_RELU6) {
    d->f_lo = 0.0f, d->f_hi = 6.0f;
    d->i_lo = 0, d->i_hi = 6;
  } else if (activation == SR_ACT_RELU_N1_TO_1) {
    d->f_lo = -1.0f, d->f_hi = 1.0f;
    d->i_lo = -1, d->i_hi = 1;
  }
}

static int type_slot(sigrun_type type) {
  switch (type) {
    case SIGRUN_TYPE_FLOAT32: return TYPE_F32;
    case SIGRUN_TYPE_INT32: return TYPE_S32;
    case SIGRUN_TYPE_INT64: return TYPE_S64;
    default: return -1;
  }
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
  int slot = type_slot(a->type);
  binary_kernel kernel = slot >= 0 ? kernels[op][slot] : NULL;
  if (!kernel)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input type %s (tensor %d) is not supported; supported: %s",
                        sigrun_type_name(a->type), a->index,
                        op == BIN_DIV ? "float32, int32" : "float32, int32, int64");
  if ((st = sr_node_check_type(node, y, "output 0", a->type))) return st;

  int32_t dims[SR_MAX_RANK];
  int rank = 0, bad = 0;
  if (!sr_broadcast_shape(a->dims, a->rank, b->dims, b->rank, dims, &rank, &bad)) {
    char sa[128], sb[128];
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "input shapes %s (tensor %d) and %s (tensor %d) do not broadcast: at output axis %d "
                        "the dims differ and neither is 1",
                        sr_shape_str(a->dims, a->rank, sa, sizeof sa), a->index,
                        sr_shape_str(b->dims, b->rank, sb, sizeof sb), b->index, bad);
  }
  if ((st = sr_node_resize_output(node, 0, rank, dims))) return st;

  binary_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  const int32_t* in_dims[2] = {a->dims, b->dims};
  const int in_ranks[2] = {a->rank, b->rank};
  sr_broadcast_plan_init(&d->plan, 2, in_dims, in_ranks, dims, rank);
  d->kernel = kernel;
  const sr_binary_params* params = node->params;
  int activation = (params && op != BIN_MAX && op != BIN_MIN) ? params->activation : SR_ACT_NONE;
  activation_range(activation, slot == TYPE_S64 ? INT64_MIN : INT32_MIN, slot == TYPE_S64 ? INT64_MAX : INT32_MAX,
                   d);
  return SIGRUN_STATUS_OK;
}

/* LiteRT rejects a zero anywhere in an integer divisor before computing anything. */
static sigrun_status check_divisor(sr_node* node, const sr_tensor* b) {
  const int32_t* v = b->data;
  size_t n = sr_tensor_count(b);
  for (size_t i = 0; i < n; i++)
    if (v[i] == 0)
      return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "integer division by zero: input 1 (tensor %d) element %zu is 0",
                          b->index, i);
  return SIGRUN_STATUS_OK;
}

static sigrun_status eval_binary(sr_node* node) {
  const binary_data* d = node->data;
  const sr_tensor* a = node->inputs[0];
  const sr_tensor* b = node->inputs[1];
  sr_tensor* y = node->outputs[0];
  if (d->kernel == sr_s32_div__ref) {
    sigrun_status st = check_divisor(node, b);
    if (st) return st;
  }
  if (sr_tensor_count(y) == 0) return SIGRUN_STATUS_OK;
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
