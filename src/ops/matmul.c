/*
 * matmul.c — FULLY_CONNECTED and BATCH_MATMUL: option parsing, shape rules (LiteRT's flattening of the FC
 * input, keep_num_dims, broadcasting of batch dimensions) and the float reference kernels, which sum over
 * the depth in increasing order, then add the bias, then clamp. Weights may be runtime tensors; nothing
 * here assumes they are constant. prepare picks the kernel family from the operand types (float, int8,
 * uint8, int16x8, hybrid); the integer and hybrid kernels are in matmul_quant.c.
 */
#include "matmul.h"

#include <float.h>
#include <string.h>

#include "../format/schema_enums.h"
#include "conv.h"
#include "fast.h"

/* ---- options ---- */

static sigrun_status opt_u8(sr_parse_ctx* ctx, int field, const char* name, int* out) {
  uint8_t v = 0; /* every field used here defaults to 0 / false */
  if (ctx->options) {
    int rc = sr_fb_u8(ctx->options, field, 0, &v);
    if (rc != SR_FB_OK)
      return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "option %s: %s", name, sr_fb_strerror(rc));
  }
  *out = v;
  return SIGRUN_STATUS_OK;
}

/* FullyConnectedOptions: fused_activation_function 0 (int8), weights_format 1 (int8), keep_num_dims 2,
 * asymmetric_quantize_inputs 3 (bools). Fields 4-5 (quantized_bias_type, quant_spec) concern quantized
 * kernels only. */
static sigrun_status parse_fc(sr_parse_ctx* ctx, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_FULLY_CONNECTED, 1);
  if (st) return st;
  sr_fully_connected_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  if ((st = opt_u8(ctx, 0, "fused_activation_function", &p->activation)) ||
      (st = opt_u8(ctx, 1, "weights_format", &p->weights_format)) ||
      (st = opt_u8(ctx, 2, "keep_num_dims", &p->keep_num_dims)) ||
      (st = opt_u8(ctx, 3, "asymmetric_quantize_inputs", &p->asymmetric_quantize_inputs)))
    return st;
  /* The enums are int8 in the schema; read as bytes, negative values show up as > 127 and fail too. */
  if (p->activation > SR_ACT_SIGN_BIT)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL,
                         "fused activation %d is not a known ActivationFunctionType (0..5)", (int8_t)p->activation);
  if (p->weights_format > SR_FC_WEIGHTS_SHUFFLED4x16INT8)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "weights_format %d is not DEFAULT (0) or SHUFFLED4x16INT8 (1)",
                         (int8_t)p->weights_format);
  p->keep_num_dims = p->keep_num_dims != 0;
  p->asymmetric_quantize_inputs = p->asymmetric_quantize_inputs != 0;
  *out_params = p;
  return SIGRUN_STATUS_OK;
}

/* BatchMatMulOptions: adj_x 0, adj_y 1, asymmetric_quantize_inputs 2 (hybrid only). */
static sigrun_status parse_bmm(sr_parse_ctx* ctx, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_BATCH_MAT_MUL, 1);
  if (st) return st;
  sr_batch_matmul_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  if ((st = opt_u8(ctx, 0, "adj_x", &p->adj_x)) || (st = opt_u8(ctx, 1, "adj_y", &p->adj_y)) ||
      (st = opt_u8(ctx, 2, "asymmetric_quantize_inputs", &p->asymmetric_quantize_inputs)))
    return st;
  p->asymmetric_quantize_inputs = p->asymmetric_quantize_inputs != 0;
  p->adj_x = p->adj_x != 0;
  p->adj_y = p->adj_y != 0;
  *out_params = p;
  return SIGRUN_STATUS_OK;
}

/* ---- reference kernels ---- */

void sr_f32_fully_connected__ref(const sr_fc_geom* g, const float* input, const float* weights, const float* bias,
                                 float* output) {
  const size_t depth = (size_t)g->depth, units = (size_t)g->units;
  for (size_t b = 0; b < (size_t)g->batches; b++) {
    const float* x = depth ? input + b * depth : input;
    float* y = output + b * units;
    for (size_t u = 0; u < units; u++) {
      const float* w = depth ? weights + u * depth : weights;
      float total = 0.0f;
      for (size_t k = 0; k < depth; k++) total += x[k] * w[k];
      if (bias) total += bias[u];
      y[u] = sr_conv_clamp_f32(total, g->act_min, g->act_max);
    }
  }
}

static void matmul_f32(const sr_bmm_geom* g, const float* lhs, const float* rhs, float* out) {
  const size_t rows = (size_t)g->rows, depth = (size_t)g->depth, cols = (size_t)g->cols;
  /* Element (i, k) of the logical lhs and (k, j) of the logical rhs, whatever their storage order. */
  const size_t li = g->adj_x ? 1 : depth, lk = g->adj_x ? rows : 1;
  const size_t rk = g->adj_y ? 1 : cols, rj = g->adj_y ? depth : 1;
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) {
      float total = 0.0f;
      for (size_t k = 0; k < depth; k++) total += lhs[i * li + k * lk] * rhs[k * rk + j * rj];
      out[i * cols + j] = total;
    }
}

void sr_f32_batch_matmul__ref(const sr_bmm_geom* g, const float* lhs, const float* rhs, float* output) {
  int32_t idx[SR_MAX_RANK] = {0};
  size_t batches = 1;
  for (int d = 0; d < g->batch_rank; d++) batches *= (size_t)g->batch_dims[d];
  const size_t out_matrix = (size_t)g->rows * (size_t)g->cols;
  for (size_t n = 0; n < batches; n++) {
    size_t lo = 0, ro = 0;
    for (int d = 0; d < g->batch_rank; d++) {
      lo += (size_t)idx[d] * g->lhs_stride[d];
      ro += (size_t)idx[d] * g->rhs_stride[d];
    }
    matmul_f32(g, lhs + lo, rhs + ro, output + n * out_matrix);
    for (int d = g->batch_rank - 1; d >= 0; d--) {
      if (++idx[d] < g->batch_dims[d]) break;
      idx[d] = 0;
    }
  }
}

/* ---- FULLY_CONNECTED ---- */

/* FULLY_CONNECTED uses sr_weights_kind's families; BATCH_MATMUL adds int16 x int8. */
typedef enum mm_kind {
  MM_F32 = SR_WK_F32,
  MM_I8 = SR_WK_I8,
  MM_U8 = SR_WK_U8,
  MM_I16 = SR_WK_I16,
  MM_HYBRID = SR_WK_HYBRID,
  MM_I16I8,
} mm_kind;

typedef struct fc_node {
  sr_fc_geom geom;
  mm_kind kind;
  sr_conv_requant rq;
  sr_conv_hybrid hybrid;
  sr_fast_path fast; /* optimized kernel chosen in prepare, or run == NULL */
  /* followed by `units` multipliers (integer kinds) or weight scales (hybrid) */
} fc_node;

/* Output shape by LiteRT's rule: [batches, units], or the input shape with its last axis replaced by units
 * under keep_num_dims. */
static sigrun_status fc_shape(sr_node* node, const sr_fully_connected_params* p, const sr_tensor* input,
                              const sr_tensor* weights, sr_fc_geom* g, int* rank, int32_t* dims) {
  char a[128], b[128];
  const int32_t depth = weights->dims[1];
  const size_t count = sr_tensor_count(input);
  if (p->keep_num_dims && (input->rank == 0 || input->dims[input->rank - 1] != depth))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "keep_num_dims: input (tensor %d) shape %s must end with the weights' depth %d (weights %s)",
                        input->index, sr_shape_str(input->dims, input->rank, a, sizeof a), depth,
                        sr_shape_str(weights->dims, 2, b, sizeof b));
  if (depth == 0) {
    /* LiteRT's rule for an empty depth: every leading axis is a batch axis. */
    size_t rows = 1;
    for (int i = 0; i + 1 < input->rank && rows <= INT32_MAX; i++) rows *= (size_t)input->dims[i];
    if (rows > INT32_MAX)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input (tensor %d) shape %s has too many rows",
                          input->index, sr_shape_str(input->dims, input->rank, a, sizeof a));
    g->batches = (int32_t)rows;
  } else {
    if (count % (size_t)depth != 0)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                          "input (tensor %d) shape %s has %zu elements, not a multiple of the weights' depth %d "
                          "(weights %s)",
                          input->index, sr_shape_str(input->dims, input->rank, a, sizeof a), count, depth,
                          sr_shape_str(weights->dims, 2, b, sizeof b));
    g->batches = (int32_t)(count / (size_t)depth);
  }
  g->depth = depth;
  g->units = weights->dims[0];
  if (p->keep_num_dims) {
    *rank = input->rank;
    for (int i = 0; i < input->rank; i++) dims[i] = input->dims[i];
    dims[input->rank - 1] = g->units;
  } else {
    *rank = 2;
    dims[0] = g->batches;
    dims[1] = g->units;
  }
  return SIGRUN_STATUS_OK;
}


/* Hybrid kernels apply the activation to the float sum without LiteRT's finite clamp. */
static void hybrid_range(int activation, float* lo, float* hi) {
  (void)sr_activation_range_f32(activation, lo, hi);
  if (*lo == -FLT_MAX) *lo = -INFINITY;
  if (*hi == FLT_MAX) *hi = INFINITY;
}

/* Requantization (integer kinds) or weight scales (hybrid) for `units` output channels. */
static sigrun_status fc_quant_setup(sr_node* node, fc_node* d, const sr_fully_connected_params* p) {
  const sr_tensor* input = node->inputs[0];
  const sr_tensor* weights = node->inputs[1];
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  void* tail = d + 1;
  sigrun_status st = SIGRUN_STATUS_OK;
  if (d->kind == MM_HYBRID) {
    int per_channel;
    if ((st = sr_conv_hybrid_prepare(node, weights, 0, d->geom.units, tail, &per_channel))) return st;
    d->hybrid.asymmetric = p->asymmetric_quantize_inputs;
    d->hybrid.filter_scales = tail;
    hybrid_range(p->activation, &d->geom.act_min, &d->geom.act_max);
    const size_t rows = (size_t)d->geom.batches, count = rows * (size_t)d->geom.depth;
    sr_node_request_scratch(node, sr_conv_hybrid_scratch_bytes(count, rows));
    return SIGRUN_STATUS_OK;
  }
  /* Per-tensor weights use LiteRT's GetQuantizedConvolutionMultipler (float product of the scales). */
  if ((st = sr_conv_requant_prepare(node, input, weights, bias, node->outputs[0], p->activation, 0, d->geom.units, 1,
                                    &d->rq, tail)))
    return st;
  const sr_quant* wq = &weights->def->quant;
  /* LiteRT's FC honours an int8 weight zero point on per-tensor weights. */
  if (d->kind == MM_I8 && wq->count == 1 && wq->zero_points) {
    if (wq->zero_points[0] < INT8_MIN || wq->zero_points[0] > INT8_MAX)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "weights (tensor %d): zero point %lld is outside the int8 range",
                          weights->index, (long long)wq->zero_points[0]);
    d->rq.filter_offset = (int32_t)-wq->zero_points[0];
  }
  /* LiteRT's FC runs on its GEMM library, which rounds the last shift half up (see conv.h), and for 16x8 too
   * with int32 sums and the 32-bit multiplier (not the int64 one of its reference 16x8 kernel). */
  d->rq.gemm_rounding = 1;
  d->rq.gemm_channels = SIZE_MAX;
  d->rq.wide = 0;
  return SIGRUN_STATUS_OK;
}

static sigrun_status fc_prepare(sr_node* node) {
  const sr_fully_connected_params* p = node->params;
  if (p->weights_format != SR_FC_WEIGHTS_DEFAULT)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "weights_format SHUFFLED4x16INT8 is not supported (only DEFAULT)");
  /* LiteRT's kernels accept only clamping activations. */
  if (p->activation == SR_ACT_TANH || p->activation == SR_ACT_SIGN_BIT)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "fused activation %s is not supported (supported: NONE, RELU, RELU_N1_TO_1, RELU6)",
                        p->activation == SR_ACT_TANH ? "TANH" : "SIGN_BIT");
  sr_tensor *input, *weights;
  sigrun_status st = sr_node_check_io(node, 2, 3, 1);
  if (st || (st = sr_node_input(node, 0, &input)) || (st = sr_node_input(node, 1, &weights))) return st;
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  sr_weights_kind family = SR_WK_F32;
  if ((st = sr_weights_kind_of(node, input, weights, "weights", bias, node->outputs[0], &family))) return st;
  const mm_kind kind = (mm_kind)family;
  char shape[128];
  if (weights->rank != 2)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "weights (tensor %d) have shape %s, expected rank 2 [units, depth]",
                        weights->index, sr_shape_str(weights->dims, weights->rank, shape, sizeof shape));
  if (bias && sr_tensor_count(bias) != (size_t)weights->dims[0])
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "bias (tensor %d) has shape %s, expected %d elements (units)",
                        bias->index, sr_shape_str(bias->dims, bias->rank, shape, sizeof shape), weights->dims[0]);
  /* Per-unit requantization or hybrid scales only for quantized kinds: float nodes of every runner stay small. */
  const size_t tail = kind == MM_F32 ? 0 : (size_t)weights->dims[0] * sizeof(sr_qmul);
  fc_node* d = sr_node_alloc_data(node, sizeof *d + tail);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  d->kind = kind;
  int rank = 0;
  int32_t dims[SR_MAX_RANK];
  if ((st = fc_shape(node, p, input, weights, &d->geom, &rank, dims))) return st;
  (void)sr_activation_range_f32(p->activation, &d->geom.act_min, &d->geom.act_max);
  if ((st = sr_node_resize_output(node, 0, rank, dims))) return st;
  if (kind != MM_F32 && (st = fc_quant_setup(node, d, p))) return st;
  d->fast = (sr_fast_path){NULL, &d->geom, &d->rq, &d->hybrid, NULL, 0};
  if (kind == MM_F32) return sr_fc_fast_select_f32(node, &d->geom, &d->fast);
  if (kind == MM_I16I8) return SIGRUN_STATUS_OK;
  return sr_fc_fast_select_q(node, &d->geom, &d->rq, (sr_weights_kind)kind, &d->fast);
}

static sigrun_status fc_eval(sr_node* node) {
  const fc_node* d = node->data;
  sr_tensor* output = node->outputs[0];
  if (sr_tensor_count(output) == 0) return SIGRUN_STATUS_OK;
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  const void* b = bias ? bias->data : NULL;
  /* With a zero depth, input and weights may have no memory; the kernels then never read them. */
  const void* in = node->inputs[0]->data;
  const void* w = node->inputs[1]->data;
  const sr_fc_geom* g = &d->geom;
  if (d->fast.run) {
    d->fast.run(&d->fast, node);
    return SIGRUN_STATUS_OK;
  }
  switch (d->kind) {
    case MM_F32: sr_f32_fully_connected__ref(g, in, w, b, output->data); break;
    case MM_I8: sr_i8_fully_connected__ref(g, &d->rq, in, w, b, output->data); break;
    case MM_U8: sr_u8_fully_connected__ref(g, &d->rq, in, w, b, output->data); break;
    case MM_I16: sr_i16_fully_connected__ref(g, &d->rq, in, w, b, output->data); break;
    case MM_HYBRID: sr_f32_hybrid_fully_connected__ref(g, &d->hybrid, in, w, b, output->data, node->scratch); break;
    default: break;
  }
  return SIGRUN_STATUS_OK;
}

/* ---- BATCH_MATMUL ---- */

typedef struct bmm_node {
  sr_bmm_geom geom;
  mm_kind kind;
  sr_conv_requant rq;
  sr_conv_hybrid hybrid;
  sr_qmul mult;
  sr_fast_path fast; /* optimized kernel chosen in prepare, or run == NULL */
  /* followed by `cols` rhs scales (hybrid) */
} bmm_node;

static sigrun_status bmm_kind_of(sr_node* node, const sr_tensor* lhs, const sr_tensor* rhs, const sr_tensor* out,
                                 mm_kind* kind) {
  const sigrun_type lt = lhs->type, rt = rhs->type;
  if (lt == SIGRUN_TYPE_FLOAT32 && rt == SIGRUN_TYPE_FLOAT32) *kind = MM_F32;
  else if (lt == SIGRUN_TYPE_FLOAT32 && rt == SIGRUN_TYPE_INT8) *kind = MM_HYBRID;
  else if (lt == SIGRUN_TYPE_INT8 && rt == SIGRUN_TYPE_INT8) *kind = MM_I8;
  else if (lt == SIGRUN_TYPE_INT16 && rt == SIGRUN_TYPE_INT16) *kind = MM_I16;
  else if (lt == SIGRUN_TYPE_INT16 && rt == SIGRUN_TYPE_INT8) *kind = MM_I16I8;
  else
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "lhs (tensor %d) %s with rhs (tensor %d) %s is not supported; supported lhs/rhs: "
                        "float32/float32, float32/int8 (hybrid), int8/int8, int16/int16, int16/int8",
                        lhs->index, sigrun_type_name(lt), rhs->index, sigrun_type_name(rt));
  return sr_node_check_type(node, out, "output", lt);
}

static sigrun_status bmm_check(sr_node* node, const sr_tensor* t, const char* what) {
  char shape[128];
  if (t->rank < 2)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s (tensor %d) has shape %s, expected rank 2 to %d", what,
                        t->index, sr_shape_str(t->dims, t->rank, shape, sizeof shape), SR_MAX_RANK);
  return SIGRUN_STATUS_OK;
}

/* Broadcast batch dimensions (right-aligned) and the element strides of each operand along them. */
static sigrun_status bmm_batches(sr_node* node, const sr_tensor* lhs, const sr_tensor* rhs, sr_bmm_geom* g) {
  const int out_rank = lhs->rank > rhs->rank ? lhs->rank : rhs->rank;
  g->batch_rank = out_rank - 2;
  size_t ls = (size_t)lhs->dims[lhs->rank - 1] * (size_t)lhs->dims[lhs->rank - 2];
  size_t rs = (size_t)rhs->dims[rhs->rank - 1] * (size_t)rhs->dims[rhs->rank - 2];
  for (int d = g->batch_rank - 1; d >= 0; d--) {
    const int li = d - (out_rank - lhs->rank), ri = d - (out_rank - rhs->rank);
    const int32_t l = li >= 0 ? lhs->dims[li] : 1, r = ri >= 0 ? rhs->dims[ri] : 1;
    if (l != r && l != 1 && r != 1) {
      char a[128], b[128];
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                          "batch dimensions of lhs (tensor %d) %s and rhs (tensor %d) %s do not broadcast",
                          lhs->index, sr_shape_str(lhs->dims, lhs->rank, a, sizeof a), rhs->index,
                          sr_shape_str(rhs->dims, rhs->rank, b, sizeof b));
    }
    g->batch_dims[d] = l == 1 ? r : l;
    g->lhs_stride[d] = l == 1 ? 0 : ls;
    g->rhs_stride[d] = r == 1 ? 0 : rs;
    ls *= (size_t)l;
    rs *= (size_t)r;
  }
  return SIGRUN_STATUS_OK;
}


static sigrun_status bmm_quant_setup(sr_node* node, bmm_node* d, const sr_batch_matmul_params* p) {
  const sr_tensor* lhs = node->inputs[0];
  const sr_tensor* rhs = node->inputs[1];
  sigrun_status st;
  if (d->kind == MM_HYBRID) {
    int per_channel;
    const int dim = p->adj_y ? rhs->rank - 2 : rhs->rank - 1;
    if ((st = sr_conv_hybrid_prepare(node, rhs, dim, d->geom.cols, (void*)(d + 1), &per_channel))) return st;
    d->hybrid.asymmetric = p->asymmetric_quantize_inputs;
    d->hybrid.filter_scales = (const float*)(d + 1);
    sr_node_request_scratch(node, sr_bmm_hybrid_scratch_bytes(&d->geom, sr_tensor_count(lhs)));
    return SIGRUN_STATUS_OK;
  }
  /* One multiplier from the float product of the scales; BATCH_MATMUL has no fused activation. */
  if ((st = sr_conv_requant_prepare(node, lhs, rhs, NULL, node->outputs[0], SR_ACT_NONE, rhs->rank - 1, 1, 1, &d->rq,
                                    &d->mult)))
    return st;
  const sr_quant* rq = &rhs->def->quant;
  const int64_t zp = rq->zero_points ? rq->zero_points[0] : 0;
  int32_t lo, hi;
  (void)sr_quant_type_range(rhs->type, &lo, &hi);
  if (zp < lo || zp > hi || (d->kind == MM_I16 && zp != 0))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "rhs (tensor %d): zero point %lld is not valid for %s", rhs->index,
                        (long long)zp, sigrun_type_name(rhs->type));
  d->rq.filter_offset = (int32_t)-zp;
  return SIGRUN_STATUS_OK;
}

static sigrun_status bmm_prepare(sr_node* node) {
  const sr_batch_matmul_params* p = node->params;
  sr_tensor *lhs, *rhs;
  mm_kind kind = MM_F32;
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  if (st || (st = sr_node_input(node, 0, &lhs)) || (st = sr_node_input(node, 1, &rhs))) return st;
  if ((st = bmm_kind_of(node, lhs, rhs, node->outputs[0], &kind)) || (st = bmm_check(node, lhs, "lhs")) ||
      (st = bmm_check(node, rhs, "rhs")))
    return st;
  const int32_t l0 = lhs->dims[lhs->rank - 2], l1 = lhs->dims[lhs->rank - 1];
  const int32_t r0 = rhs->dims[rhs->rank - 2], r1 = rhs->dims[rhs->rank - 1];
  const int32_t cols = p->adj_y ? r0 : r1;
  bmm_node* d = sr_node_alloc_data(node, sizeof *d + (kind == MM_F32 ? 0 : (size_t)cols * sizeof(float)));
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  d->kind = kind;
  sr_bmm_geom* g = &d->geom;
  if ((st = bmm_batches(node, lhs, rhs, g))) return st;
  g->adj_x = p->adj_x;
  g->adj_y = p->adj_y;
  g->rows = p->adj_x ? l1 : l0;
  g->depth = p->adj_x ? l0 : l1;
  g->cols = cols;
  const int32_t rhs_depth = p->adj_y ? r1 : r0;
  if (g->depth != rhs_depth) {
    char a[128], b[128];
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "lhs (tensor %d) %s%s and rhs (tensor %d) %s%s: contracted sizes %d and %d differ", lhs->index,
                        sr_shape_str(lhs->dims, lhs->rank, a, sizeof a), p->adj_x ? " (adj_x)" : "", rhs->index,
                        sr_shape_str(rhs->dims, rhs->rank, b, sizeof b), p->adj_y ? " (adj_y)" : "", g->depth,
                        rhs_depth);
  }
  int32_t dims[SR_MAX_RANK];
  for (int i = 0; i < g->batch_rank; i++) dims[i] = g->batch_dims[i];
  dims[g->batch_rank] = g->rows;
  dims[g->batch_rank + 1] = g->cols;
  if ((st = sr_node_resize_output(node, 0, g->batch_rank + 2, dims))) return st;
  if (kind != MM_F32) return bmm_quant_setup(node, d, p);
  d->fast = (sr_fast_path){NULL, &d->geom, NULL, NULL, NULL, 0};
  return sr_bmm_fast_select_f32(node, &d->geom, &d->fast);
}

static sigrun_status bmm_eval(sr_node* node) {
  const bmm_node* d = node->data;
  sr_tensor* output = node->outputs[0];
  const size_t count = sr_tensor_count(output);
  if (count == 0) return SIGRUN_STATUS_OK;
  const sr_bmm_geom* g = &d->geom;
  const void* lhs = node->inputs[0]->data;
  const void* rhs = node->inputs[1]->data;
  if (g->depth == 0) {
    /* Empty contraction: operands may have no memory; every sum is zero. */
    if (d->kind == MM_F32 || d->kind == MM_HYBRID) {
      memset(output->data, 0, count * sizeof(float));
      return SIGRUN_STATUS_OK;
    }
    static const int64_t none = 0;
    lhs = rhs = &none; /* never read */
  }
  if (d->fast.run) {
    d->fast.run(&d->fast, node);
    return SIGRUN_STATUS_OK;
  }
  switch (d->kind) {
    case MM_F32: sr_f32_batch_matmul__ref(g, lhs, rhs, output->data); break;
    case MM_I8: sr_i8_batch_matmul__ref(g, &d->rq, lhs, rhs, output->data); break;
    case MM_I16: sr_i16_batch_matmul__ref(g, &d->rq, lhs, rhs, output->data); break;
    case MM_I16I8: sr_i16i8_batch_matmul__ref(g, &d->rq, lhs, rhs, output->data); break;
    case MM_HYBRID:
      sr_f32_hybrid_batch_matmul__ref(g, &d->hybrid, lhs, sr_tensor_count(node->inputs[0]), rhs, output->data,
                                      node->scratch);
      break;
    default: break;
  }
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_fully_connected = {"FULLY_CONNECTED", 9, parse_fc, fc_prepare, fc_eval};
const sr_op_kind sr_op_batch_matmul = {"BATCH_MATMUL", 126, parse_bmm, bmm_prepare, bmm_eval};
