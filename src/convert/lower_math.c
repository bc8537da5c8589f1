/*
 * lower_math.c — elementwise TF ops: arithmetic and comparisons with broadcasting, unary math, activations,
 * Cast, Select, AddN, ClipByValue. One builtin each, folded when the inputs are constants. Erf and Erfc have no
 * builtin: they become pseudo-operators that the GELU fusion (fuse.c) absorbs; any left over is reported as an
 * unsupported op after the passes.
 */
#include <string.h>

#include "convert/fold.h"
#include "convert/lower.h"

typedef struct tf_to_builtin {
  const char* op;
  int code;
} tf_to_builtin;

static const tf_to_builtin k_binary[] = {
    {"Add", SR_BUILTIN_ADD},
    {"AddV2", SR_BUILTIN_ADD},
    {"Sub", SR_BUILTIN_SUB},
    {"Mul", SR_BUILTIN_MUL},
    {"RealDiv", SR_BUILTIN_DIV},
    {"Div", SR_BUILTIN_DIV},
    {"FloorDiv", SR_BUILTIN_FLOOR_DIV},
    {"FloorMod", SR_BUILTIN_FLOOR_MOD},
    {"Maximum", SR_BUILTIN_MAXIMUM},
    {"Minimum", SR_BUILTIN_MINIMUM},
    {"Pow", SR_BUILTIN_POW},
    {"SquaredDifference", SR_BUILTIN_SQUARED_DIFFERENCE},
    {"Less", SR_BUILTIN_LESS},
    {"LessEqual", SR_BUILTIN_LESS_EQUAL},
    {"Greater", SR_BUILTIN_GREATER},
    {"GreaterEqual", SR_BUILTIN_GREATER_EQUAL},
    {"Equal", SR_BUILTIN_EQUAL},
    {"NotEqual", SR_BUILTIN_NOT_EQUAL},
    {"LogicalAnd", SR_BUILTIN_LOGICAL_AND},
    {"LogicalOr", SR_BUILTIN_LOGICAL_OR},
    {NULL, 0},
};

static const tf_to_builtin k_unary[] = {
    {"Neg", SR_BUILTIN_NEG},
    {"Rsqrt", SR_BUILTIN_RSQRT},
    {"Sqrt", SR_BUILTIN_SQRT},
    {"Exp", SR_BUILTIN_EXP},
    {"Log", SR_BUILTIN_LOG},
    {"Abs", SR_BUILTIN_ABS},
    {"Square", SR_BUILTIN_SQUARE},
    {"Sigmoid", SR_BUILTIN_LOGISTIC},
    {"Tanh", SR_BUILTIN_TANH},
    {"Relu", SR_BUILTIN_RELU},
    {"Relu6", SR_BUILTIN_RELU6},
    {"Elu", SR_BUILTIN_ELU},
    {"Floor", SR_BUILTIN_FLOOR},
    {"Ceil", SR_BUILTIN_CEIL},
    {"Round", SR_BUILTIN_ROUND},
    {"Sin", SR_BUILTIN_SIN},
    {"Cos", SR_BUILTIN_COS},
    {"LogicalNot", SR_BUILTIN_LOGICAL_NOT},
    {"Sign", SR_BUILTIN_SIGN},
    {"Erf", SR_CV_PSEUDO_ERF},
    {"Erfc", SR_CV_PSEUDO_ERFC},
    {NULL, 0},
};

static int lookup(const tf_to_builtin* table, const char* op) {
  for (const tf_to_builtin* e = table; e->op; e++)
    if (strcmp(e->op, op) == 0) return e->code;
  return -1;
}

static sigrun_status lower_binary(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                  sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (st) return st;
  int code = lookup(k_binary, node->op);
  sr_cv_tensor* a = sr_cv_tv(c, in[0]);
  if (a->type == SIGRUN_TYPE_STRING) return sr_cv_unsupported(c, node, "string operands");
  if (code == SR_BUILTIN_DIV && sr_cv_is_int(a->type) && strcmp(node->op, "Div") == 0 && !sr_cv_is_const(c, in[0]))
    return sr_cv_unsupported(c, node, "integer division (LiteRT's DIV rounds differently)");
  return sr_cv_binary(c, node, code, in[0], in[1], &out[0]);
}

static sigrun_status lower_unary(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                 sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  if (st) return st;
  return sr_cv_unary(c, node, lookup(k_unary, node->op), in[0], NULL, &out[0]);
}

/* BiasAdd: an ADD broadcasting the bias over the last (channel) dim. */
static sigrun_status lower_bias_add(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                    sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (st) return st;
  const sr_tf_attr* fmt = sr_tf_node_attr(node, "data_format");
  if (fmt && fmt->kind == SR_TF_ATTR_S && fmt->s.data && strcmp(fmt->s.data, "NHWC") != 0)
    return sr_cv_unsupported(c, node, "data_format %s (only NHWC)", fmt->s.data);
  sr_cv_tensor* b = sr_cv_tv(c, in[1]);
  if (b->rank != 1) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "the bias has rank %d, not 1", b->rank);
  return sr_cv_binary(c, node, SR_BUILTIN_ADD, in[0], in[1], &out[0]);
}

static sigrun_status lower_leaky_relu(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                      sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  if (!st) st = sr_cv_attr_float(c, node, "alpha", &o.alpha);
  if (st) return st;
  return sr_cv_unary(c, node, SR_BUILTIN_LEAKY_RELU, in[0], &o, &out[0]);
}

static sigrun_status lower_softmax(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                   sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  if (st) return st;
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.beta = 1.0f;
  int code = strcmp(node->op, "LogSoftmax") == 0 ? SR_BUILTIN_LOG_SOFTMAX : SR_BUILTIN_SOFTMAX;
  return sr_cv_unary(c, node, code, in[0], code == SR_BUILTIN_SOFTMAX ? &o : NULL, &out[0]);
}

/* Reciprocal: 1 / x, as LiteRT's converter writes it (a DIV by a constant numerator). */
static sigrun_status lower_reciprocal(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                      sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  if (st) return st;
  sr_cv_tensor* x = sr_cv_tv(c, in[0]);
  if (x->type != SIGRUN_TYPE_FLOAT32) return sr_cv_unsupported(c, node, "type %s", sigrun_type_name(x->type));
  float one = 1.0f;
  int t = sr_cv_const_f32(c->m, sr_cv_g(c), "one", &one, 1, 1, c->error);
  if (t < 0) return c->error->status;
  return sr_cv_binary(c, node, SR_BUILTIN_DIV, sr_cv_tensor_val(t), in[0], &out[0]);
}

static sigrun_status lower_cast(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                sr_cv_val* out, int n_out) {
  int32_t dst;
  int ok;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  if (!st) st = sr_cv_attr_type(c, node, "DstT", &dst);
  if (st) return st;
  sigrun_type type = sr_cv_type_from_tf(dst, &ok);
  if (!ok || type == SIGRUN_TYPE_STRING) return sr_cv_unsupported(c, node, "cast to %s", sr_tf_dtype_name(dst));
  return sr_cv_cast(c, node, in[0], type, &out[0]);
}

/* Select / SelectV2: SELECT_V2 (which broadcasts); TF1 Select's rank-1 condition over rows is not handled. */
static sigrun_status lower_select(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                  sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 3);
  if (st) return st;
  sr_cv_tensor tc = *sr_cv_tv(c, in[0]), tx = *sr_cv_tv(c, in[1]), ty = *sr_cv_tv(c, in[2]);
  if (strcmp(node->op, "Select") == 0 && tc.rank != tx.rank && tc.rank >= 0)
    return sr_cv_unsupported(c, node, "TF1 Select with a lower-rank condition");
  int r1, r;
  int64_t d1[SR_MAX_RANK], d[SR_MAX_RANK];
  if ((st = sr_cv_broadcast(c, node, &tx, &ty, &r1, d1))) return st;
  sr_cv_tensor tmp = tx;
  tmp.rank = r1;
  memcpy(tmp.dims, d1, sizeof d1);
  if ((st = sr_cv_broadcast(c, node, &tc, &tmp, &r, d))) return st;
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, r, d);
  int ins[3] = {in[0].id, in[1].id, in[2].id};
  if (t < 0 || sr_cv_emit(c, SR_BUILTIN_SELECT_V2, ins, 3, &t, 1, NULL) < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* AddN: a chain of ADDs (folds when constant). */
static sigrun_status lower_add_n(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                 sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  if (st) return st;
  sr_cv_val acc = in[0];
  for (int i = 1; i < n_in; i++)
    if ((st = sr_cv_binary(c, node, SR_BUILTIN_ADD, acc, in[i], &acc))) return st;
  out[0] = acc;
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_clip(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 3);
  sr_cv_val lo;
  if (!st) st = sr_cv_binary(c, node, SR_BUILTIN_MAXIMUM, in[0], in[1], &lo);
  if (!st) st = sr_cv_binary(c, node, SR_BUILTIN_MINIMUM, lo, in[2], &out[0]);
  return st;
}

/* Selu = scale * (x > 0 ? x : alpha * (exp(x) - 1)) = scale * x for x > 0, scale * alpha * elu(x) otherwise:
 * written as scale * elu(x) + (scale * alpha - scale) * min(elu(x), 0). */
static sigrun_status lower_selu(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  if (st) return st;
  if (sr_cv_tv(c, in[0])->type != SIGRUN_TYPE_FLOAT32) return sr_cv_unsupported(c, node, "non-float Selu");
  const float alpha = 1.6732632423543772f, scale = 1.0507009873554805f;
  float k[3] = {scale, scale * alpha - scale, 0.0f};
  int ks = sr_cv_const_f32(c->m, sr_cv_g(c), "scale", &k[0], 1, 1, c->error);
  int kn = sr_cv_const_f32(c->m, sr_cv_g(c), "neg_scale", &k[1], 1, 1, c->error);
  int kz = sr_cv_const_f32(c->m, sr_cv_g(c), "zero", &k[2], 1, 1, c->error);
  if (ks < 0 || kn < 0 || kz < 0) return c->error->status;
  sr_cv_val elu, neg, a, b;
  if ((st = sr_cv_unary(c, node, SR_BUILTIN_ELU, in[0], NULL, &elu)) ||
      (st = sr_cv_binary(c, node, SR_BUILTIN_MINIMUM, elu, sr_cv_tensor_val(kz), &neg)) ||
      (st = sr_cv_binary(c, node, SR_BUILTIN_MUL, elu, sr_cv_tensor_val(ks), &a)) ||
      (st = sr_cv_binary(c, node, SR_BUILTIN_MUL, neg, sr_cv_tensor_val(kn), &b)))
    return st;
  return sr_cv_binary(c, node, SR_BUILTIN_ADD, a, b, &out[0]);
}

const sr_cv_lowering sr_cv_math_lowerings[] = {
    {"Abs", lower_unary},
    {"Add", lower_binary},
    {"AddN", lower_add_n},
    {"AddV2", lower_binary},
    {"BiasAdd", lower_bias_add},
    {"Cast", lower_cast},
    {"Ceil", lower_unary},
    {"ClipByValue", lower_clip},
    {"Cos", lower_unary},
    {"Div", lower_binary},
    {"Elu", lower_unary},
    {"Equal", lower_binary},
    {"Erf", lower_unary},
    {"Erfc", lower_unary},
    {"Exp", lower_unary},
    {"Floor", lower_unary},
    {"FloorDiv", lower_binary},
    {"FloorMod", lower_binary},
    {"Greater", lower_binary},
    {"GreaterEqual", lower_binary},
    {"Inv", lower_reciprocal},
    {"LeakyRelu", lower_leaky_relu},
    {"Less", lower_binary},
    {"LessEqual", lower_binary},
    {"Log", lower_unary},
    {"LogSoftmax", lower_softmax},
    {"LogicalAnd", lower_binary},
    {"LogicalNot", lower_unary},
    {"LogicalOr", lower_binary},
    {"Maximum", lower_binary},
    {"Minimum", lower_binary},
    {"Mul", lower_binary},
    {"Neg", lower_unary},
    {"NotEqual", lower_binary},
    {"Pow", lower_binary},
    {"RealDiv", lower_binary},
    {"Reciprocal", lower_reciprocal},
    {"Relu", lower_unary},
    {"Relu6", lower_unary},
    {"Round", lower_unary},
    {"Rsqrt", lower_unary},
    {"Select", lower_select},
    {"SelectV2", lower_select},
    {"Selu", lower_selu},
    {"Sigmoid", lower_unary},
    {"Sign", lower_unary},
    {"Sin", lower_unary},
    {"Softmax", lower_softmax},
    {"Sqrt", lower_unary},
    {"Square", lower_unary},
    {"SquaredDifference", lower_binary},
    {"Sub", lower_binary},
    {"Tanh", lower_unary},
    {NULL, NULL},
};
