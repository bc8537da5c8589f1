/*
 * conv.c — CONV_2D and DEPTHWISE_CONV_2D (NHWC): option parsing, shape checks, the padding rules shared
 * with the pools, and the float reference kernels. The reference kernels accumulate in LiteRT's order
 * (filter row, filter column, input channel, then bias, then the activation clamp), so they are the
 * specification that faster paths are tested against. prepare picks the kernel family from the input and
 * filter types (float, int8, uint8, int16x8, hybrid); the integer and hybrid kernels live in conv_quant.c.
 */
#include "conv.h"
#include "fast.h"

#include <float.h>

#include "../format/schema_enums.h"

/* ---- options ---- */

/* Reads an int8/int32 option field; absent options or fields give the schema default. */
static sigrun_status opt_i8(sr_parse_ctx* ctx, int field, int8_t def, const char* name, int* out) {
  int8_t v = def;
  if (ctx->options) {
    int rc = sr_fb_i8(ctx->options, field, def, &v);
    if (rc != SR_FB_OK)
      return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "option %s: %s", name, sr_fb_strerror(rc));
  }
  *out = v;
  return SIGRUN_STATUS_OK;
}

static sigrun_status opt_i32(sr_parse_ctx* ctx, int field, int32_t def, const char* name, int* out) {
  int32_t v = def;
  if (ctx->options) {
    int rc = sr_fb_i32(ctx->options, field, def, &v);
    if (rc != SR_FB_OK)
      return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "option %s: %s", name, sr_fb_strerror(rc));
  }
  *out = v;
  return SIGRUN_STATUS_OK;
}

static sigrun_status check_padding(sr_parse_ctx* ctx, int padding) {
  if (padding == SR_PADDING_SAME || padding == SR_PADDING_VALID) return SIGRUN_STATUS_OK;
  return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "padding %d is not SAME (0) or VALID (1)", padding);
}

static sigrun_status check_activation(sr_parse_ctx* ctx, int activation) {
  if (activation >= SR_ACT_NONE && activation <= SR_ACT_SIGN_BIT) return SIGRUN_STATUS_OK;
  return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "fused activation %d is not a known ActivationFunctionType (0..5)",
                       activation);
}

static sigrun_status check_positive(sr_parse_ctx* ctx, const char* name, int v) {
  if (v > 0) return SIGRUN_STATUS_OK;
  return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "%s is %d, expected > 0", name, v);
}

/* The options CONV_2D and DEPTHWISE_CONV_2D share: a known padding and activation, positive strides and
 * dilations. */
static sigrun_status check_window(sr_parse_ctx* ctx, int padding, int activation, int stride_w, int stride_h,
                                  int dilation_w, int dilation_h) {
  sigrun_status st;
  if ((st = check_padding(ctx, padding)) || (st = check_activation(ctx, activation)) ||
      (st = check_positive(ctx, "stride_w", stride_w)) || (st = check_positive(ctx, "stride_h", stride_h)) ||
      (st = check_positive(ctx, "dilation_w_factor", dilation_w)) ||
      (st = check_positive(ctx, "dilation_h_factor", dilation_h)))
    return st;
  return SIGRUN_STATUS_OK;
}

/* Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused_activation_function 3, dilation_w_factor 4,
 * dilation_h_factor 5 (quantized_bias_type 6 matters only for int16). */
static sigrun_status parse_conv2d(sr_parse_ctx* ctx, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_CONV2D, 1);
  if (st) return st;
  sr_conv2d_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  if ((st = opt_i8(ctx, 0, 0, "padding", &p->padding)) || (st = opt_i32(ctx, 1, 0, "stride_w", &p->stride_w)) ||
      (st = opt_i32(ctx, 2, 0, "stride_h", &p->stride_h)) ||
      (st = opt_i8(ctx, 3, 0, "fused_activation_function", &p->activation)) ||
      (st = opt_i32(ctx, 4, 1, "dilation_w_factor", &p->dilation_w)) ||
      (st = opt_i32(ctx, 5, 1, "dilation_h_factor", &p->dilation_h)))
    return st;
  if ((st = check_window(ctx, p->padding, p->activation, p->stride_w, p->stride_h, p->dilation_w, p->dilation_h)))
    return st;
  *out_params = p;
  return SIGRUN_STATUS_OK;
}

/* DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3, fused_activation_function 4,
 * dilation_w_factor 5, dilation_h_factor 6. depth_multiplier is not validated: LiteRT ignores it and derives
 * the multiplier from the shapes (older converters wrote inconsistent values). */
static sigrun_status parse_depthwise(sr_parse_ctx* ctx, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_DEPTHWISE_CONV2D, 1);
  if (st) return st;
  sr_depthwise_conv2d_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  if ((st = opt_i8(ctx, 0, 0, "padding", &p->padding)) || (st = opt_i32(ctx, 1, 0, "stride_w", &p->stride_w)) ||
      (st = opt_i32(ctx, 2, 0, "stride_h", &p->stride_h)) ||
      (st = opt_i32(ctx, 3, 0, "depth_multiplier", &p->depth_multiplier)) ||
      (st = opt_i8(ctx, 4, 0, "fused_activation_function", &p->activation)) ||
      (st = opt_i32(ctx, 5, 1, "dilation_w_factor", &p->dilation_w)) ||
      (st = opt_i32(ctx, 6, 1, "dilation_h_factor", &p->dilation_h)))
    return st;
  if ((st = check_window(ctx, p->padding, p->activation, p->stride_w, p->stride_h, p->dilation_w, p->dilation_h)))
    return st;
  *out_params = p;
  return SIGRUN_STATUS_OK;
}

/* ---- shared geometry ---- */

int sr_conv_window(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation, int32_t* out,
                   int32_t* pad) {
  if (stride <= 0 || dilation <= 0 || filter <= 0 || in < 0) return 0;
  int64_t effective = ((int64_t)filter - 1) * dilation + 1;
  /* C division truncates toward zero, as LiteRT's does: a VALID window slightly larger than the input
   * yields an empty output rather than an error. */
  int64_t o = padding == SR_PADDING_SAME ? ((int64_t)in + stride - 1) / stride
                                         : ((int64_t)in + stride - effective) / stride;
  if (o < 0 || o > INT32_MAX) return 0;
  int64_t total = (o - 1) * stride + effective - in;
  int64_t p = total > 0 ? total / 2 : 0;
  if (p > INT32_MAX) return 0;
  *out = (int32_t)o;
  *pad = (int32_t)p;
  return 1;
}

/* ---- reference kernels ---- */

/* Input position along an axis of window tap k for output o; negative when the tap lies in the padding. */
static inline int64_t tap(int32_t o, int32_t stride, int32_t pad, size_t k, int32_t dilation, int32_t n) {
  const int64_t i = (int64_t)o * stride - pad + (int64_t)k * dilation;
  return i < n ? i : -1;
}

void sr_f32_conv2d__ref(const sr_conv_geom* g, const float* input, const float* filter, const float* bias,
                        float* output) {
  const size_t in_w = (size_t)g->in_w, in_c = (size_t)g->in_c, out_c = (size_t)g->out_c;
  const size_t kh = (size_t)g->filter_h, kw = (size_t)g->filter_w, fc = (size_t)g->filter_c;
  const size_t per_group = out_c / (size_t)g->groups;
  float* out = output;
  for (int32_t b = 0; b < g->batches; b++) {
    const float* in_b = input + (size_t)b * (size_t)g->in_h * in_w * in_c;
    for (int32_t oy = 0; oy < g->out_h; oy++) {
      for (int32_t ox = 0; ox < g->out_w; ox++) {
        for (size_t oc = 0; oc < out_c; oc++) {
          const float* in_group = in_b + (oc / per_group) * fc;
          const float* f_oc = filter + oc * kh * kw * fc;
          float total = 0.0f;
          for (size_t ky = 0; ky < kh; ky++) {
            const int64_t iy = tap(oy, g->stride_h, g->pad_top, ky, g->dilation_h, g->in_h);
            if (iy < 0) continue;
            for (size_t kx = 0; kx < kw; kx++) {
              const int64_t ix = tap(ox, g->stride_w, g->pad_left, kx, g->dilation_w, g->in_w);
              if (ix < 0) continue;
              const float* px = in_group + ((size_t)iy * in_w + (size_t)ix) * in_c;
              const float* fk = f_oc + (ky * kw + kx) * fc;
              for (size_t ic = 0; ic < fc; ic++) total += px[ic] * fk[ic];
            }
          }
          if (bias) total += bias[oc];
          *out++ = sr_conv_clamp_f32(total, g->act_min, g->act_max);
        }
      }
    }
  }
}

void sr_f32_depthwise_conv2d__ref(const sr_conv_geom* g, const float* input, const float* filter,
                                  const float* bias, float* output) {
  const size_t in_w = (size_t)g->in_w, in_c = (size_t)g->in_c, out_c = (size_t)g->out_c;
  const size_t kh = (size_t)g->filter_h, kw = (size_t)g->filter_w, dm = (size_t)g->depth_multiplier;
  float* out = output;
  for (int32_t b = 0; b < g->batches; b++) {
    const float* in_b = input + (size_t)b * (size_t)g->in_h * in_w * in_c;
    for (int32_t oy = 0; oy < g->out_h; oy++) {
      for (int32_t ox = 0; ox < g->out_w; ox++) {
        for (size_t ic = 0; ic < in_c; ic++) {
          for (size_t m = 0; m < dm; m++) {
            const size_t oc = ic * dm + m;
            float total = 0.0f;
            for (size_t ky = 0; ky < kh; ky++) {
              const int64_t iy = tap(oy, g->stride_h, g->pad_top, ky, g->dilation_h, g->in_h);
              if (iy < 0) continue;
              for (size_t kx = 0; kx < kw; kx++) {
                const int64_t ix = tap(ox, g->stride_w, g->pad_left, kx, g->dilation_w, g->in_w);
                if (ix < 0) continue;
                const float v = in_b[((size_t)iy * in_w + (size_t)ix) * in_c + ic];
                total += v * filter[(ky * kw + kx) * out_c + oc];
              }
            }
            if (bias) total += bias[oc];
            *out++ = sr_conv_clamp_f32(total, g->act_min, g->act_max);
          }
        }
      }
    }
  }
}

/* ---- prepare / eval ---- */

/* Which kernel family a node runs, from its input and filter types. */
typedef sr_weights_kind conv_kind;

typedef struct conv_node {
  sr_conv_geom geom;
  conv_kind kind;
  int depthwise;
  sr_conv_requant rq;
  sr_conv_hybrid hybrid;
  sr_fast_path fast; /* optimized kernel chosen in prepare, or run == NULL */
  /* followed by out_c multipliers (integer kinds) or filter scales (hybrid) */
} conv_node;

/* Input, filter, optional bias and output, with the checks both ops share. */
static sigrun_status conv_io(sr_node* node, sr_tensor** input, sr_tensor** filter, sr_tensor** bias,
                             sr_tensor** output, conv_kind* kind) {
  sigrun_status st = sr_node_check_io(node, 2, 3, 1);
  if (st || (st = sr_node_input(node, 0, input)) || (st = sr_node_input(node, 1, filter))) return st;
  *bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  *output = node->outputs[0];
  if ((st = sr_weights_kind_of(node, *input, *filter, "filter", *bias, *output, kind))) return st;
  char shape[128];
  if ((*input)->rank != 4)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input (tensor %d) has shape %s, expected rank 4 (NHWC)",
                        (*input)->index, sr_shape_str((*input)->dims, (*input)->rank, shape, sizeof shape));
  if ((*filter)->rank != 4)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "filter (tensor %d) has shape %s, expected rank 4",
                        (*filter)->index, sr_shape_str((*filter)->dims, (*filter)->rank, shape, sizeof shape));
  return SIGRUN_STATUS_OK;
}

static conv_node* conv_alloc(sr_node* node, conv_kind kind, int depthwise, int32_t out_c) {
  /* Per-channel requantization or hybrid scales only for quantized kinds: float nodes of every runner stay small. */
  const size_t extra = kind != SR_WK_F32 && out_c > 0 ? (size_t)out_c * sizeof(sr_qmul) : 0;
  conv_node* d = sr_node_alloc_data(node, sizeof(conv_node) + extra);
  if (d) {
    d->kind = kind;
    d->depthwise = depthwise;
  }
  return d;
}

/* Requantization or hybrid scales, once the geometry (and so the output shape) is known. The filter's
 * channel axis is 0 for CONV_2D and 3 for DEPTHWISE_CONV_2D. */
static sigrun_status conv_quant_params(sr_node* node, conv_node* d, int activation) {
  const sr_tensor* input = node->inputs[0];
  const sr_tensor* filter = node->inputs[1];
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  const int dim = d->depthwise ? 3 : 0, channels = d->geom.out_c;
  void* tail = d + 1;
  if (d->kind == SR_WK_F32) return SIGRUN_STATUS_OK;
  if (d->kind == SR_WK_HYBRID) {
    int per_channel = 0;
    sigrun_status st = sr_conv_hybrid_prepare(node, filter, dim, channels, tail, &per_channel);
    if (st) return st;
    /* LiteRT quantizes the input asymmetrically on its per-channel path, symmetrically otherwise; its
     * depthwise hybrid kernel is per-channel only. */
    d->hybrid.asymmetric = per_channel || d->depthwise;
    d->hybrid.filter_scales = tail;
    const size_t count = sr_tensor_count(input);
    sr_node_request_scratch(node, sr_conv_hybrid_scratch_bytes(count, (size_t)d->geom.batches));
    return SIGRUN_STATUS_OK;
  }
  /* uint8 conv uses LiteRT's per-tensor multiplier (float product of scales). */
  sigrun_status st = sr_conv_requant_prepare(node, input, filter, bias, node->outputs[0], activation, dim, channels,
                                        d->kind == SR_WK_U8, &d->rq, tail);
  /* LiteRT's optimized 8-bit CONV_2D (GEMM library) rounds the final shift upward. Its int8 depthwise kernel
   * quantizes its accumulators 8 channels at a time with vector instructions that round upward too, and the
   * leftover out_c % 8 channels with the scalar MultiplyByQuantizedMultiplier (away from zero), on x86 where
   * it has no 3x3 special case: channel 6 of NASNetMobile's 11-channel 5x5 depthwise and okay_nabu's ring
   * buffers showed it. uint8 depthwise rounds away from zero everywhere. */
  d->rq.gemm_rounding = d->depthwise ? d->kind == SR_WK_I8 : d->kind == SR_WK_I8 || d->kind == SR_WK_U8;
  d->rq.gemm_channels = d->depthwise ? (size_t)d->geom.out_c / 8 * 8 : SIZE_MAX;
  return st;
}

/* Requantization or hybrid scales, once the geometry (and so the output shape) is known; then the fast path. */
static sigrun_status conv_quant_setup(sr_node* node, conv_node* d, int activation) {
  sigrun_status st = conv_quant_params(node, d, activation);
  if (st) return st;
  d->fast.geom = &d->geom;
  d->fast.rq = &d->rq;
  d->fast.hybrid = &d->hybrid;
  if (d->kind == SR_WK_F32) return sr_conv_fast_select_f32(node, &d->geom, d->depthwise, &d->fast);
  return sr_conv_fast_select_q(node, &d->geom, &d->rq, d->kind, d->depthwise, &d->fast);
}

/* Spatial geometry and activation range, then the output shape. */
static sigrun_status conv_finish(sr_node* node, sr_conv_geom* g, int padding, int activation) {
  const sr_tensor* input = node->inputs[0];
  const sr_tensor* filter = node->inputs[1];
  g->batches = input->dims[0];
  g->in_h = input->dims[1];
  g->in_w = input->dims[2];
  g->in_c = input->dims[3];
  g->filter_h = filter->dims[1];
  g->filter_w = filter->dims[2];
  char shape[128];
  if (g->filter_h == 0 || g->filter_w == 0)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "filter (tensor %d) has shape %s, an empty window",
                        filter->index, sr_shape_str(filter->dims, filter->rank, shape, sizeof shape));
  if (!sr_conv_window(padding, g->in_h, g->filter_h, g->stride_h, g->dilation_h, &g->out_h, &g->pad_top) ||
      !sr_conv_window(padding, g->in_w, g->filter_w, g->stride_w, g->dilation_w, &g->out_w, &g->pad_left))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "input %dx%d with filter %dx%d, stride %dx%d, dilation %dx%d and %s padding gives no valid "
                        "output size",
                        g->in_h, g->in_w, g->filter_h, g->filter_w, g->stride_h, g->stride_w, g->dilation_h,
                        g->dilation_w, padding == SR_PADDING_SAME ? "SAME" : "VALID");
  (void)sr_activation_range_f32(activation, &g->act_min, &g->act_max);
  const int32_t dims[4] = {g->batches, g->out_h, g->out_w, g->out_c};
  return sr_node_resize_output(node, 0, 4, dims);
}

static sigrun_status check_bias(sr_node* node, const sr_tensor* bias, int32_t out_c, int need_rank1) {
  if (!bias) return SIGRUN_STATUS_OK;
  char shape[128];
  if ((need_rank1 && (bias->rank != 1 || bias->dims[0] != out_c)) || sr_tensor_count(bias) != (size_t)out_c)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "bias (tensor %d) has shape %s, expected %s%d elements",
                        bias->index, sr_shape_str(bias->dims, bias->rank, shape, sizeof shape),
                        need_rank1 ? "rank 1 with " : "", out_c);
  return SIGRUN_STATUS_OK;
}


static void copy_window_params(sr_conv_geom* g, int stride_h, int stride_w, int dilation_h, int dilation_w) {
  g->stride_h = stride_h;
  g->stride_w = stride_w;
  g->dilation_h = dilation_h;
  g->dilation_w = dilation_w;
}

static sigrun_status conv2d_prepare(sr_node* node) {
  const sr_conv2d_params* p = node->params;
  sr_tensor *input, *filter, *bias, *output;
  conv_kind kind = SR_WK_F32;
  sigrun_status st = conv_io(node, &input, &filter, &bias, &output, &kind);
  if (st) return st;
  conv_node* d = conv_alloc(node, kind, 0, filter->dims[0]);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  sr_conv_geom* g = &d->geom;
  g->out_c = filter->dims[0];
  g->filter_c = filter->dims[3];
  const int32_t in_c = input->dims[3];
  char a[128], b[128];
  /* Grouped convolution: the filter covers in_c / groups channels; each group feeds out_c / groups
   * filters. LiteRT does not check the output side; a remainder there would read past the input. */
  if (g->filter_c <= 0 || in_c == 0 || in_c % g->filter_c != 0 || g->out_c % (in_c / g->filter_c) != 0)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "input (tensor %d) shape %s and filter (tensor %d) shape %s: input channels must be a "
                        "positive multiple (groups) of the filter depth, and output channels a multiple of groups",
                        input->index, sr_shape_str(input->dims, 4, a, sizeof a), filter->index,
                        sr_shape_str(filter->dims, 4, b, sizeof b));
  g->groups = in_c / g->filter_c;
  g->depth_multiplier = 1;
  if ((st = check_bias(node, bias, g->out_c, 0))) return st;
  copy_window_params(g, p->stride_h, p->stride_w, p->dilation_h, p->dilation_w);
  if ((st = conv_finish(node, g, p->padding, p->activation))) return st;
  return conv_quant_setup(node, d, p->activation);
}

static sigrun_status depthwise_prepare(sr_node* node) {
  const sr_depthwise_conv2d_params* p = node->params;
  sr_tensor *input, *filter, *bias, *output;
  conv_kind kind = SR_WK_F32;
  sigrun_status st = conv_io(node, &input, &filter, &bias, &output, &kind);
  if (st) return st;
  conv_node* d = conv_alloc(node, kind, 1, filter->dims[3]);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  sr_conv_geom* g = &d->geom;
  const int32_t in_c = input->dims[3];
  g->out_c = filter->dims[3];
  g->filter_c = g->out_c;
  char a[128], b[128];
  if (filter->dims[0] != 1 || in_c == 0 || g->out_c % in_c != 0)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "input (tensor %d) shape %s and filter (tensor %d) shape %s: expected filter [1, h, w, "
                        "in_channels * depth_multiplier] with in_channels > 0",
                        input->index, sr_shape_str(input->dims, 4, a, sizeof a), filter->index,
                        sr_shape_str(filter->dims, 4, b, sizeof b));
  g->groups = in_c;
  g->depth_multiplier = g->out_c / in_c;
  if ((st = check_bias(node, bias, g->out_c, 1))) return st;
  copy_window_params(g, p->stride_h, p->stride_w, p->dilation_h, p->dilation_w);
  if ((st = conv_finish(node, g, p->padding, p->activation))) return st;
  return conv_quant_setup(node, d, p->activation);
}

static void conv_run_int(const conv_node* d, const void* in, const void* f, const void* bias, void* out) {
  const sr_conv_geom* g = &d->geom;
  const sr_conv_requant* r = &d->rq;
  switch (d->kind) {
    case SR_WK_I8:
      if (d->depthwise) sr_i8_depthwise_conv2d__ref(g, r, in, f, bias, out);
      else sr_i8_conv2d__ref(g, r, in, f, bias, out);
      break;
    case SR_WK_U8:
      if (d->depthwise) sr_u8_depthwise_conv2d__ref(g, r, in, f, bias, out);
      else sr_u8_conv2d__ref(g, r, in, f, bias, out);
      break;
    case SR_WK_I16:
      if (d->depthwise) sr_i16_depthwise_conv2d__ref(g, r, in, f, bias, out);
      else sr_i16_conv2d__ref(g, r, in, f, bias, out);
      break;
    default: break;
  }
}

static sigrun_status conv_eval(sr_node* node) {
  const conv_node* d = node->data;
  sr_tensor* output = node->outputs[0];
  if (sr_tensor_count(output) == 0) return SIGRUN_STATUS_OK;
  if (d->fast.run) {
    d->fast.run(&d->fast, node);
    return SIGRUN_STATUS_OK;
  }
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  const void* in = node->inputs[0]->data;
  const void* f = node->inputs[1]->data;
  const void* b = bias ? bias->data : NULL;
  switch (d->kind) {
    case SR_WK_F32:
      if (d->depthwise) sr_f32_depthwise_conv2d__ref(&d->geom, in, f, b, output->data);
      else sr_f32_conv2d__ref(&d->geom, in, f, b, output->data);
      break;
    case SR_WK_HYBRID:
      if (d->depthwise) sr_f32_hybrid_depthwise_conv2d__ref(&d->geom, &d->hybrid, in, f, b, output->data, node->scratch);
      else sr_f32_hybrid_conv2d__ref(&d->geom, &d->hybrid, in, f, b, output->data, node->scratch);
      break;
    default: conv_run_int(d, in, f, b, output->data); break;
  }
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_conv_2d = {"CONV_2D", 3, parse_conv2d, conv2d_prepare, conv_eval};
const sr_op_kind sr_op_depthwise_conv_2d = {"DEPTHWISE_CONV_2D", 4, parse_depthwise, depthwise_prepare, conv_eval};
