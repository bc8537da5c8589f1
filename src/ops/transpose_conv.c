/*
 * transpose_conv.c — TRANSPOSE_CONV: options, shape checks (output shape from the output_shape tensor, known
 * in prepare when it is constant, else at invoke), and reference kernels for float32, int8 (per-channel),
 * uint8, int16x8 (int64 or int32 bias) and hybrid int8 weights. Kernels gather each output element's
 * contributions instead of scattering inputs, so they need no accumulator buffer; the gather visits them in
 * the order LiteRT's reference scatter adds them.
 */
#include "transpose_conv.h"

#include <float.h>

#include "../format/schema_enums.h"

/* ---- options ---- */

static sigrun_status opt_int(sr_parse_ctx* ctx, int field, int wide, const char* name, int* out) {
  *out = 0;
  if (!ctx->options) return SIGRUN_STATUS_OK;
  int rc;
  if (wide) {
    int32_t v = 0;
    rc = sr_fb_i32(ctx->options, field, 0, &v);
    *out = v;
  } else {
    int8_t v = 0;
    rc = sr_fb_i8(ctx->options, field, 0, &v);
    *out = v;
  }
  if (rc != SR_FB_OK) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "option %s: %s", name, sr_fb_strerror(rc));
  return SIGRUN_STATUS_OK;
}

/* TransposeConvOptions: padding 0, stride_w 1, stride_h 2, fused_activation_function 3 (newer models),
 * quantized_bias_type 4. */
static sigrun_status parse_tconv(sr_parse_ctx* ctx, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_TRANSPOSE_CONV, 1);
  if (st) return st;
  sr_transpose_conv_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  if ((st = opt_int(ctx, 0, 0, "padding", &p->padding)) || (st = opt_int(ctx, 1, 1, "stride_w", &p->stride_w)) ||
      (st = opt_int(ctx, 2, 1, "stride_h", &p->stride_h)) ||
      (st = opt_int(ctx, 3, 0, "fused_activation_function", &p->activation)) ||
      (st = opt_int(ctx, 4, 0, "quantized_bias_type", &p->quantized_bias_type)))
    return st;
  if (p->padding != SR_PADDING_SAME && p->padding != SR_PADDING_VALID)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "padding %d is not SAME (0) or VALID (1)", p->padding);
  if (p->stride_w <= 0 || p->stride_h <= 0)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "strides %dx%d must be > 0", p->stride_h, p->stride_w);
  if (p->activation < SR_ACT_NONE || p->activation > SR_ACT_SIGN_BIT)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL,
                         "fused activation %d is not a known ActivationFunctionType (0..5)", p->activation);
  *out_params = p;
  return SIGRUN_STATUS_OK;
}

/* ---- kernels ---- */

/* Input index along one axis reached from output o through tap k, or -1. */
static inline int64_t source(int32_t o, int32_t pad, size_t k, int32_t stride, int32_t n) {
  const int64_t t = (int64_t)o + pad - (int64_t)k;
  if (t < 0 || t % stride) return -1;
  return t / stride < n ? t / stride : -1;
}

/* Visits the contributions to output (b, oy, ox, oc) in increasing (iy, ix, ic): taps in decreasing order. */
#define TCONV_GATHER(g, oy, ox, BODY)                                                                          \
  for (size_t ky_ = (size_t)(g)->filter_h; ky_-- > 0;) {                                                       \
    const int64_t iy = source(oy, (g)->pad_top, ky_, (g)->stride_h, (g)->in_h);                                \
    if (iy < 0) continue;                                                                                      \
    for (size_t kx_ = (size_t)(g)->filter_w; kx_-- > 0;) {                                                     \
      const int64_t ix = source(ox, (g)->pad_left, kx_, (g)->stride_w, (g)->in_w);                             \
      if (ix < 0) continue;                                                                                    \
      const size_t px = ((size_t)iy * (size_t)(g)->in_w + (size_t)ix) * (size_t)(g)->in_c;                     \
      const size_t fk = (ky_ * (size_t)(g)->filter_w + kx_) * (size_t)(g)->in_c;                               \
      BODY;                                                                                                    \
    }                                                                                                          \
  }

#define TCONV_LOOP(g, BODY)                                                                                    \
  for (size_t b = 0; b < (size_t)(g)->batches; b++)                                                            \
    for (int32_t oy = 0; oy < (g)->out_h; oy++)                                                                \
      for (int32_t ox = 0; ox < (g)->out_w; ox++)                                                              \
        for (size_t oc = 0; oc < (size_t)(g)->out_c; oc++) {                                                   \
          BODY;                                                                                                \
        }

static size_t in_batch(const sr_tconv_geom* g) { return (size_t)g->in_h * (size_t)g->in_w * (size_t)g->in_c; }
static size_t f_size(const sr_tconv_geom* g) { return (size_t)g->filter_h * (size_t)g->filter_w * (size_t)g->in_c; }

void sr_f32_transpose_conv__ref(const sr_tconv_geom* g, const float* input, const float* weights,
                                const float* bias, float* output) {
  float* out = output;
  TCONV_LOOP(g, {
    const float* in_b = input + b * in_batch(g);
    const float* f_oc = weights + oc * f_size(g);
    float total = 0.0f;
    TCONV_GATHER(g, oy, ox, {
      for (size_t ic = 0; ic < (size_t)g->in_c; ic++) total += in_b[px + ic] * f_oc[fk + ic];
    });
    if (bias) total += bias[oc];
    *out++ = sr_conv_clamp_f32(total, g->act_min, g->act_max);
  })
}

#define DEFINE_TCONV_Q(NAME, TIN, TF, TOUT)                                                                    \
  void NAME(const sr_tconv_geom* g, const sr_conv_requant* r, const TIN* input, const TF* weights,             \
            const void* bias, TOUT* output) {                                                                  \
    TOUT* out = output;                                                                                        \
    TCONV_LOOP(g, {                                                                                            \
      const TIN* in_b = input + b * in_batch(g);                                                               \
      const TF* f_oc = weights + oc * f_size(g);                                                               \
      int64_t acc = 0;                                                                                         \
      TCONV_GATHER(g, oy, ox, {                                                                                \
        for (size_t ic = 0; ic < (size_t)g->in_c; ic++)                                                        \
          acc += ((int32_t)in_b[px + ic] + r->input_offset) * ((int32_t)f_oc[fk + ic] + r->filter_offset);     \
      });                                                                                                      \
      acc += sr_conv_requant_bias(r, bias, oc);                                                                \
      *out++ = (TOUT)sr_conv_requant_apply(r, acc, oc);                                                        \
    })                                                                                                         \
  }

DEFINE_TCONV_Q(sr_i8_transpose_conv__ref, int8_t, int8_t, int8_t)
DEFINE_TCONV_Q(sr_u8_transpose_conv__ref, uint8_t, uint8_t, uint8_t)
DEFINE_TCONV_Q(sr_i16_transpose_conv__ref, int16_t, int8_t, int16_t)

void sr_f32_hybrid_transpose_conv__ref(const sr_tconv_geom* g, const sr_conv_hybrid* h, const float* input,
                                       const int8_t* weights, const float* bias, float* output, void* scratch) {
  int8_t* q;
  float* scale;
  int32_t* zp;
  const size_t rows = (size_t)g->batches;
  sr_conv_hybrid_scratch_split(scratch, rows * in_batch(g), rows, &q, &scale, &zp);
  sr_conv_hybrid_quantize_rows(input, rows, in_batch(g), h->asymmetric, q, scale, zp);
  float* out = output;
  TCONV_LOOP(g, {
    const int8_t* in_b = q + b * in_batch(g);
    const int8_t* f_oc = weights + oc * f_size(g);
    int64_t acc = 0;
    TCONV_GATHER(g, oy, ox, {
      for (size_t ic = 0; ic < (size_t)g->in_c; ic++) acc += ((int32_t)in_b[px + ic] - zp[b]) * f_oc[fk + ic];
    });
    float v = (float)(int32_t)(uint32_t)(uint64_t)acc * (scale[b] * h->filter_scales[oc]);
    if (bias) v += bias[oc];
    *out++ = sr_conv_clamp_f32(v, g->act_min, g->act_max);
  })
}

/* ---- prepare / eval ---- */

typedef sr_weights_kind tconv_kind;

typedef struct tconv_node {
  sr_tconv_geom geom;
  tconv_kind kind;
  sr_conv_requant rq;
  sr_conv_hybrid hybrid;
  /* followed by out_c multipliers or filter scales */
} tconv_node;

static sigrun_status tconv_shapes(sr_node* node, const sr_tensor* shape, const sr_tensor* weights,
                                  const sr_tensor* input, const sr_tensor* bias) {
  char a[128], b[128];
  sigrun_status st = sr_node_check_type(node, shape, "output_shape", SIGRUN_TYPE_INT32);
  if (st) return st;
  if (shape->rank != 1 || shape->dims[0] != 4)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output_shape (tensor %d) has shape %s, expected [4]",
                        shape->index, sr_shape_str(shape->dims, shape->rank, a, sizeof a));
  if (weights->rank != 4 || input->rank != 4 || weights->dims[3] != input->dims[3] || weights->dims[1] == 0 ||
      weights->dims[2] == 0)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "weights (tensor %d) %s and input (tensor %d) %s: expected weights [out_c, h > 0, w > 0, in_c] "
                        "and input [n, h, w, in_c]",
                        weights->index, sr_shape_str(weights->dims, weights->rank, a, sizeof a), input->index,
                        sr_shape_str(input->dims, input->rank, b, sizeof b));
  if (bias && sr_tensor_count(bias) != (size_t)weights->dims[0])
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "bias (tensor %d) has shape %s, expected %d elements",
                        bias->index, sr_shape_str(bias->dims, bias->rank, a, sizeof a), weights->dims[0]);
  return SIGRUN_STATUS_OK;
}

/* LiteRT pads as a forward conv of the output size would: total = (o - 1) * stride + k - size. */
static int32_t tconv_pad(int padding, int32_t size, int32_t k, int32_t stride) {
  const int64_t o = padding == SR_PADDING_SAME ? ((int64_t)size + stride - 1) / stride
                                               : ((int64_t)size + stride - k) / stride;
  const int64_t total = (o - 1) * stride + k - size;
  return total > 0 ? (int32_t)(total / 2) : 0;
}

/* Output shape from output_shape's values; fixes the geometry. From prepare or (dynamic) from eval. */
static sigrun_status tconv_resize(sr_node* node, tconv_node* d, sigrun_status bad) {
  const sr_transpose_conv_params* p = node->params;
  const int32_t* s = node->inputs[0]->data;
  const sr_tensor* weights = node->inputs[1];
  const sr_tensor* input = node->inputs[2];
  if (s[0] != input->dims[0] || s[1] < 0 || s[2] < 0 || s[3] != weights->dims[0])
    return sr_node_fail(node, bad,
                        "output_shape (tensor %d) is [%d, %d, %d, %d]; expected [%d, h >= 0, w >= 0, %d]",
                        node->inputs[0]->index, s[0], s[1], s[2], s[3], input->dims[0], weights->dims[0]);
  sr_tconv_geom* g = &d->geom;
  g->batches = input->dims[0];
  g->in_h = input->dims[1];
  g->in_w = input->dims[2];
  g->in_c = input->dims[3];
  g->out_h = s[1];
  g->out_w = s[2];
  g->out_c = s[3];
  g->filter_h = weights->dims[1];
  g->filter_w = weights->dims[2];
  g->stride_h = p->stride_h;
  g->stride_w = p->stride_w;
  g->pad_top = tconv_pad(p->padding, g->out_h, g->filter_h, g->stride_h);
  g->pad_left = tconv_pad(p->padding, g->out_w, g->filter_w, g->stride_w);
  return sr_node_resize_output(node, 0, 4, s);
}

static sigrun_status tconv_quant_setup(sr_node* node, tconv_node* d, const sr_transpose_conv_params* p) {
  const sr_tensor* weights = node->inputs[1];
  const sr_tensor* input = node->inputs[2];
  const sr_tensor* bias = node->n_inputs == 4 ? node->inputs[3] : NULL;
  const int channels = weights->dims[0];
  void* tail = d + 1;
  if (d->kind == SR_WK_F32) return SIGRUN_STATUS_OK;
  if (d->kind == SR_WK_HYBRID) {
    int per_channel;
    sigrun_status st = sr_conv_hybrid_prepare(node, weights, 0, channels, tail, &per_channel);
    if (st) return st;
    d->hybrid.asymmetric = 1; /* LiteRT's hybrid TRANSPOSE_CONV always quantizes asymmetrically */
    d->hybrid.filter_scales = tail;
    sr_node_request_scratch(node, sr_conv_hybrid_scratch_bytes(sr_tensor_count(input), (size_t)input->dims[0]));
    return SIGRUN_STATUS_OK;
  }
  sigrun_status st = sr_conv_requant_prepare(node, input, weights, bias, node->outputs[0], p->activation, 0,
                                             channels, d->kind == SR_WK_U8, &d->rq, tail);
  /* LiteRT's 16x8 kernel: int32 sums when quantized_bias_type says INT32, else its int64 reference kernel. */
  if (!st && d->kind == SR_WK_I16 && p->quantized_bias_type == 2) d->rq.wide = 0;
  /* Its int8 kernel runs on the GEMM library (see sr_conv_mul_gemm). */
  d->rq.gemm_rounding = d->kind == SR_WK_I8 || d->kind == SR_WK_U8;
  d->rq.gemm_channels = SIZE_MAX;
  return st;
}

static sigrun_status tconv_prepare(sr_node* node) {
  const sr_transpose_conv_params* p = node->params;
  sr_tensor *shape, *weights, *input;
  sigrun_status st = sr_node_check_io(node, 3, 4, 1);
  if (st || (st = sr_node_input(node, 0, &shape)) || (st = sr_node_input(node, 1, &weights)) ||
      (st = sr_node_input(node, 2, &input)))
    return st;
  const sr_tensor* bias = node->n_inputs == 4 ? node->inputs[3] : NULL;
  tconv_kind kind = SR_WK_F32;
  if ((st = sr_weights_kind_of(node, input, weights, "weights", bias, node->outputs[0], &kind)) ||
      (st = tconv_shapes(node, shape, weights, input, bias)))
    return st;
  tconv_node* d = sr_node_alloc_data(node, sizeof *d + (size_t)weights->dims[0] * sizeof(sr_qmul));
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  d->kind = kind;
  (void)sr_activation_range_f32(p->activation, &d->geom.act_min, &d->geom.act_max);
  if ((st = tconv_quant_setup(node, d, p))) return st;
  if (!sr_tensor_is_const(shape)) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  return tconv_resize(node, d, SIGRUN_STATUS_BAD_MODEL);
}

static sigrun_status tconv_eval(sr_node* node) {
  tconv_node* d = node->data;
  sigrun_status st;
  if (!sr_tensor_is_const(node->inputs[0]) && (st = tconv_resize(node, d, SIGRUN_STATUS_RUNTIME))) return st;
  sr_tensor* output = node->outputs[0];
  if (sr_tensor_count(output) == 0) return SIGRUN_STATUS_OK;
  const sr_tconv_geom* g = &d->geom;
  const void* w = node->inputs[1]->data;
  const void* in = node->inputs[2]->data;
  const sr_tensor* bias = node->n_inputs == 4 ? node->inputs[3] : NULL;
  const void* b = bias ? bias->data : NULL;
  switch (d->kind) {
    case SR_WK_F32: sr_f32_transpose_conv__ref(g, in, w, b, output->data); break;
    case SR_WK_I8: sr_i8_transpose_conv__ref(g, &d->rq, in, w, b, output->data); break;
    case SR_WK_U8: sr_u8_transpose_conv__ref(g, &d->rq, in, w, b, output->data); break;
    case SR_WK_I16: sr_i16_transpose_conv__ref(g, &d->rq, in, w, b, output->data); break;
    case SR_WK_HYBRID: sr_f32_hybrid_transpose_conv__ref(g, &d->hybrid, in, w, b, output->data, node->scratch); break;
    default: break;
  }
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_transpose_conv = {"TRANSPOSE_CONV", SR_BUILTIN_TRANSPOSE_CONV, parse_tconv, tconv_prepare,
                                         tconv_eval};
