/*
 * conv_quant.c — the integer side of the weighted ops: requantization parameters (LiteRT's
 * PopulateConvolutionQuantizationParams and GetQuantizedConvolutionMultipler), the run-time input
 * quantization of hybrid kernels (LiteRT's Symmetric/AsymmetricQuantizeFloats), and the quantized and
 * hybrid reference kernels of CONV_2D and DEPTHWISE_CONV_2D. Accumulators are 64-bit here and wrapped or
 * limited where LiteRT's are narrower, so hostile data cannot overflow a signed integer.
 */
#include <float.h>
#include <string.h>

#include "conv.h"

/* ---- requantization ---- */

static sigrun_status filter_scales_ok(sr_node* node, const sr_tensor* filter, int dim, int channels) {
  const sr_quant* q = &filter->def->quant;
  if (q->count == 0 || !q->scales)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "filter (tensor %d, %s) has no quantization parameters",
                        filter->index, sigrun_type_name(filter->type));
  if (q->count != 1 && (q->count != channels || q->quantized_dimension != dim))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "filter (tensor %d): %d scales along dimension %d, expected 1 or %d along dimension %d",
                        filter->index, q->count, q->quantized_dimension, channels, dim);
  for (int i = 0; i < q->count; i++)
    if (!(q->scales[i] > 0.0f) || !isfinite(q->scales[i]))
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                          "filter (tensor %d): scale %d is %g, not a positive finite number", filter->index, i,
                          (double)q->scales[i]);
  return SIGRUN_STATUS_OK;
}

static sigrun_status check_bias_type(sr_node* node, const sr_tensor* bias, int wide, sr_conv_requant* r) {
  r->bias64 = 0;
  if (!bias) return SIGRUN_STATUS_OK;
  if (bias->type == SIGRUN_TYPE_INT32) return SIGRUN_STATUS_OK;
  if (wide && bias->type == SIGRUN_TYPE_INT64) {
    r->bias64 = 1;
    return SIGRUN_STATUS_OK;
  }
  return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "bias (tensor %d) has type %s; supported: %s", bias->index,
                      sigrun_type_name(bias->type), wide ? "int64, int32" : "int32");
}

sigrun_status sr_conv_requant_prepare(sr_node* node, const sr_tensor* input, const sr_tensor* filter,
                                 const sr_tensor* bias, const sr_tensor* output, int activation, int filter_dim,
                                 int channels, int per_tensor_float_product, sr_conv_requant* r, sr_qmul* mult) {
  float in_s, out_s;
  int32_t in_zp, out_zp;
  sigrun_status st;
  if ((st = sr_quant_params(node, input, "input", &in_s, &in_zp)) ||
      (st = sr_quant_params(node, output, "output", &out_s, &out_zp)) ||
      (st = filter_scales_ok(node, filter, filter_dim, channels)))
    return st;
  r->wide = input->type == SIGRUN_TYPE_INT16;
  if ((st = check_bias_type(node, bias, r->wide, r))) return st;
  if (r->wide && (in_zp != 0 || out_zp != 0))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "int16 input (tensor %d) and output (tensor %d) need zero points 0, found %d and %d",
                        input->index, output->index, in_zp, out_zp);
  const sr_quant* fq = &filter->def->quant;
  int64_t f_zp = fq->zero_points ? fq->zero_points[0] : 0;
  if (filter->type == SIGRUN_TYPE_UINT8 && (f_zp < 0 || f_zp > 255))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "filter (tensor %d): zero point %lld is outside the uint8 range",
                        filter->index, (long long)f_zp);
  r->input_offset = -in_zp;
  r->output_offset = out_zp;
  /* Only uint8 filters are asymmetric in LiteRT's conv kernels; int8 ones are taken as symmetric. */
  r->filter_offset = filter->type == SIGRUN_TYPE_UINT8 ? (int32_t)-f_zp : 0;
  if ((st = sr_quant_activation_range(node, activation, output, &r->act_min, &r->act_max))) return st;
  for (int c = 0; c < channels; c++) {
    const float fs = fq->scales[fq->count == 1 ? 0 : c];
    double real;
    if (fq->count == 1 && per_tensor_float_product)
      real = (double)(in_s * fs) / (double)out_s;
    else
      real = (double)in_s * (double)fs / (double)out_s;
    mult[c] = sr_quant_multiplier(real);
    /* LiteRT's int64 multiplier shifts right by 15 - shift; larger ratios have no defined result there. */
    if (r->wide && mult[c].shift > 14)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                          "channel %d: input scale %g x filter scale %g / output scale %g is too large for 16-bit "
                          "requantization",
                          c, (double)in_s, (double)fs, (double)out_s);
  }
  r->mult = mult;
  return SIGRUN_STATUS_OK;
}

/* ---- hybrid input quantization ---- */

/* float -> int32 as x86's cvttss2si does for what C leaves undefined: NaN and out-of-range give INT32_MIN. */
static int32_t to_i32(float v) {
  if (!(v > -2147483648.0f && v < 2147483648.0f)) return INT32_MIN;
  return (int32_t)v;
}

static void quantize_symmetric(const float* v, size_t n, int8_t* q, float* scale) {
  float lo = v[0], hi = v[0];
  for (size_t i = 1; i < n; i++) {
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  const float range = fabsf(lo) > fabsf(hi) ? fabsf(lo) : fabsf(hi);
  if (range == 0.0f) {
    memset(q, 0, n);
    *scale = 1.0f;
    return;
  }
  *scale = range / 127.0f;
  const float inv = 127.0f / range;
  for (size_t i = 0; i < n; i++) q[i] = (int8_t)sr_clamp_i32(to_i32(roundf(v[i] * inv)), -127, 127);
}

/* The zero point is nudged from whichever range end gives the smaller error, as LiteRT does. */
static void quantize_asymmetric(const float* v, size_t n, int8_t* q, float* scale, int32_t* zero_point) {
  float lo = v[0], hi = v[0];
  for (size_t i = 1; i < n; i++) {
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  const double rmin = fmin(0.0, (double)lo), rmax = fmax(0.0, (double)hi);
  if (rmin == rmax) {
    memset(q, 0, n);
    *scale = 1.0f;
    *zero_point = 0;
    return;
  }
  const double s = (rmax - rmin) / 255.0;
  const double from_min = -128.0 - rmin / s, from_max = 127.0 - rmax / s;
  const double err_min = 128.0 + fabs(rmin / s), err_max = 127.0 + fabs(rmax / s);
  const double zp = err_min < err_max ? from_min : from_max;
  const int32_t nudged = zp <= -128.0 ? -128 : zp >= 127.0 ? 127 : (int32_t)round(zp);
  *scale = (float)s;
  *zero_point = nudged;
  const float inv = (float)(1.0 / (double)*scale);
  /* LiteRT rounds the scaled value, then adds the zero point: 2.5 / scale 1 with zero point -128 gives
   * 3 - 128 = -125, where rounding -125.5 would give -126 (measured on CONV_2D, both kernel variants). */
  for (size_t i = 0; i < n; i++)
    q[i] = (int8_t)sr_clamp_i32(sr_clamp_i32(to_i32(roundf(v[i] * inv)), -256, 256) + nudged, -128, 127);
}

void sr_conv_hybrid_quantize_rows(const float* in, size_t rows, size_t depth, int asymmetric, int8_t* q, float* scale,
                             int32_t* zero_point) {
  for (size_t r = 0; r < rows; r++) {
    zero_point[r] = 0;
    if (depth == 0) {
      scale[r] = 1.0f;
      continue;
    }
    if (asymmetric)
      quantize_asymmetric(in + r * depth, depth, q + r * depth, &scale[r], &zero_point[r]);
    else
      quantize_symmetric(in + r * depth, depth, q + r * depth, &scale[r]);
  }
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

size_t sr_conv_hybrid_scratch_bytes(size_t count, size_t rows) {
  return align8(count) + align8(rows * sizeof(float)) + align8(rows * sizeof(int32_t));
}

void sr_conv_hybrid_scratch_split(void* scratch, size_t count, size_t rows, int8_t** q, float** scale, int32_t** zp) {
  uint8_t* p = scratch;
  *q = (int8_t*)p;
  *scale = (float*)(p + align8(count));
  *zp = (int32_t*)(p + align8(count) + align8(rows * sizeof(float)));
}

sigrun_status sr_conv_hybrid_prepare(sr_node* node, const sr_tensor* filter, int filter_dim, int channels, float* out,
                                int* per_channel) {
  sigrun_status st = sr_quant_channel_scales(node, filter, "filter", filter_dim, channels, out);
  if (st) return st;
  *per_channel = 0;
  for (int c = 1; c < channels; c++)
    if (out[c] != out[0]) *per_channel = 1;
  return SIGRUN_STATUS_OK;
}

/* ---- window sums ---- */

static inline int64_t tap(int32_t o, int32_t stride, int32_t pad, size_t k, int32_t dilation, int32_t n) {
  const int64_t i = (int64_t)o * stride - pad + (int64_t)k * dilation;
  return i < n ? i : -1;
}

/* Sum over the window of output (oy, ox) for filter f_oc of (input + in_off) * (filter + f_off); padded
 * taps contribute nothing, as in LiteRT's reference kernels. in_group points at the group's first channel. */
#define DEFINE_CONV_SUM(NAME, TIN, TF)                                                                        \
  static int64_t NAME(const sr_conv_geom* g, const TIN* in_group, const TF* f_oc, int32_t oy, int32_t ox,      \
                      int32_t in_off, int32_t f_off) {                                                        \
    const size_t in_w = (size_t)g->in_w, in_c = (size_t)g->in_c, kw = (size_t)g->filter_w;                   \
    const size_t fc = (size_t)g->filter_c;                                                                    \
    int64_t total = 0;                                                                                        \
    for (size_t ky = 0; ky < (size_t)g->filter_h; ky++) {                                                     \
      const int64_t iy = tap(oy, g->stride_h, g->pad_top, ky, g->dilation_h, g->in_h);                        \
      if (iy < 0) continue;                                                                                   \
      for (size_t kx = 0; kx < kw; kx++) {                                                                    \
        const int64_t ix = tap(ox, g->stride_w, g->pad_left, kx, g->dilation_w, g->in_w);                     \
        if (ix < 0) continue;                                                                                 \
        const TIN* px = in_group + ((size_t)iy * in_w + (size_t)ix) * in_c;                                   \
        const TF* fk = f_oc + (ky * kw + kx) * fc;                                                            \
        for (size_t ic = 0; ic < fc; ic++)                                                                    \
          total += ((int32_t)px[ic] + in_off) * ((int32_t)fk[ic] + f_off); /* |term| < 2^23 */                \
      }                                                                                                       \
    }                                                                                                         \
    return total;                                                                                             \
  }

/* Same for one depthwise output channel oc reading input channel ic. */
#define DEFINE_DW_SUM(NAME, TIN, TF)                                                                          \
  static int64_t NAME(const sr_conv_geom* g, const TIN* in_b, const TF* filter, size_t ic, size_t oc,         \
                      int32_t oy, int32_t ox, int32_t in_off, int32_t f_off) {                                \
    const size_t in_w = (size_t)g->in_w, in_c = (size_t)g->in_c, kw = (size_t)g->filter_w;                   \
    const size_t out_c = (size_t)g->out_c;                                                                    \
    int64_t total = 0;                                                                                        \
    for (size_t ky = 0; ky < (size_t)g->filter_h; ky++) {                                                     \
      const int64_t iy = tap(oy, g->stride_h, g->pad_top, ky, g->dilation_h, g->in_h);                        \
      if (iy < 0) continue;                                                                                   \
      for (size_t kx = 0; kx < kw; kx++) {                                                                    \
        const int64_t ix = tap(ox, g->stride_w, g->pad_left, kx, g->dilation_w, g->in_w);                     \
        if (ix < 0) continue;                                                                                 \
        const int32_t v = (int32_t)in_b[((size_t)iy * in_w + (size_t)ix) * in_c + ic] + in_off;               \
        total += (int64_t)v * ((int32_t)filter[(ky * kw + kx) * out_c + oc] + f_off);                         \
      }                                                                                                       \
    }                                                                                                         \
    return total;                                                                                             \
  }

DEFINE_CONV_SUM(conv_sum_i8, int8_t, int8_t)
DEFINE_CONV_SUM(conv_sum_u8, uint8_t, uint8_t)
DEFINE_CONV_SUM(conv_sum_i16, int16_t, int8_t)
DEFINE_DW_SUM(dw_sum_i8, int8_t, int8_t)
DEFINE_DW_SUM(dw_sum_u8, uint8_t, uint8_t)
DEFINE_DW_SUM(dw_sum_i16, int16_t, int8_t)

/* ---- quantized kernels ---- */

#define DEFINE_CONV_Q(NAME, SUM, TIN, TF, TOUT)                                                               \
  void NAME(const sr_conv_geom* g, const sr_conv_requant* r, const TIN* input, const TF* filter, const void* bias, \
            TOUT* output) {                                                                                   \
    const size_t out_c = (size_t)g->out_c, per_group = out_c / (size_t)g->groups;                            \
    const size_t f_size = (size_t)g->filter_h * (size_t)g->filter_w * (size_t)g->filter_c;                   \
    const size_t in_batch = (size_t)g->in_h * (size_t)g->in_w * (size_t)g->in_c;                             \
    TOUT* out = output;                                                                                       \
    for (int32_t b = 0; b < g->batches; b++)                                                                  \
      for (int32_t oy = 0; oy < g->out_h; oy++)                                                               \
        for (int32_t ox = 0; ox < g->out_w; ox++)                                                             \
          for (size_t oc = 0; oc < out_c; oc++) {                                                             \
            const TIN* in_group = input + (size_t)b * in_batch + (oc / per_group) * (size_t)g->filter_c;      \
            int64_t acc = SUM(g, in_group, filter + oc * f_size, oy, ox, r->input_offset, r->filter_offset);  \
            acc += sr_conv_requant_bias(r, bias, oc);                                                              \
            *out++ = (TOUT)sr_conv_requant_apply(r, acc, oc);                                                      \
          }                                                                                                   \
  }

#define DEFINE_DW_Q(NAME, SUM, TIN, TF, TOUT)                                                                 \
  void NAME(const sr_conv_geom* g, const sr_conv_requant* r, const TIN* input, const TF* filter, const void* bias, \
            TOUT* output) {                                                                                   \
    const size_t in_c = (size_t)g->in_c, dm = (size_t)g->depth_multiplier;                                   \
    const size_t in_batch = (size_t)g->in_h * (size_t)g->in_w * in_c;                                        \
    TOUT* out = output;                                                                                       \
    for (int32_t b = 0; b < g->batches; b++)                                                                  \
      for (int32_t oy = 0; oy < g->out_h; oy++)                                                               \
        for (int32_t ox = 0; ox < g->out_w; ox++)                                                             \
          for (size_t ic = 0; ic < in_c; ic++)                                                                \
            for (size_t m = 0; m < dm; m++) {                                                                 \
              const size_t oc = ic * dm + m;                                                                  \
              int64_t acc = SUM(g, input + (size_t)b * in_batch, filter, ic, oc, oy, ox, r->input_offset,     \
                                r->filter_offset);                                                            \
              acc += sr_conv_requant_bias(r, bias, oc);                                                            \
              *out++ = (TOUT)sr_conv_requant_apply(r, acc, oc);                                                    \
            }                                                                                                 \
  }

DEFINE_CONV_Q(sr_i8_conv2d__ref, conv_sum_i8, int8_t, int8_t, int8_t)
DEFINE_CONV_Q(sr_u8_conv2d__ref, conv_sum_u8, uint8_t, uint8_t, uint8_t)
DEFINE_CONV_Q(sr_i16_conv2d__ref, conv_sum_i16, int16_t, int8_t, int16_t)
DEFINE_DW_Q(sr_i8_depthwise_conv2d__ref, dw_sum_i8, int8_t, int8_t, int8_t)
DEFINE_DW_Q(sr_u8_depthwise_conv2d__ref, dw_sum_u8, uint8_t, uint8_t, uint8_t)
DEFINE_DW_Q(sr_i16_depthwise_conv2d__ref, dw_sum_i16, int16_t, int8_t, int16_t)

/* ---- hybrid kernels ---- */

/* LiteRT scales the int32 sum by (filter scale x row scale), adds the bias, then clamps. */
static inline float hybrid_out(const sr_conv_geom* g, int64_t acc, float filter_scale, float row_scale,
                               const float* bias, size_t oc) {
  float v = (float)(int32_t)(uint32_t)(uint64_t)acc * (filter_scale * row_scale);
  if (bias) v += bias[oc];
  return sr_conv_clamp_f32(v, g->act_min, g->act_max);
}

void sr_f32_hybrid_conv2d__ref(const sr_conv_geom* g, const sr_conv_hybrid* h, const float* input,
                               const int8_t* filter, const float* bias, float* output, void* scratch) {
  const size_t in_batch = (size_t)g->in_h * (size_t)g->in_w * (size_t)g->in_c;
  const size_t out_c = (size_t)g->out_c, per_group = out_c / (size_t)g->groups;
  const size_t f_size = (size_t)g->filter_h * (size_t)g->filter_w * (size_t)g->filter_c;
  int8_t* q;
  float* scale;
  int32_t* zp;
  sr_conv_hybrid_scratch_split(scratch, in_batch * (size_t)g->batches, (size_t)g->batches, &q, &scale, &zp);
  sr_conv_hybrid_quantize_rows(input, (size_t)g->batches, in_batch, h->asymmetric, q, scale, zp);
  float* out = output;
  for (int32_t b = 0; b < g->batches; b++)
    for (int32_t oy = 0; oy < g->out_h; oy++)
      for (int32_t ox = 0; ox < g->out_w; ox++)
        for (size_t oc = 0; oc < out_c; oc++) {
          const int8_t* in_group = q + (size_t)b * in_batch + (oc / per_group) * (size_t)g->filter_c;
          const int64_t acc = conv_sum_i8(g, in_group, filter + oc * f_size, oy, ox, -zp[b], 0);
          *out++ = hybrid_out(g, acc, h->filter_scales[oc], scale[b], bias, oc);
        }
}

void sr_f32_hybrid_depthwise_conv2d__ref(const sr_conv_geom* g, const sr_conv_hybrid* h, const float* input,
                                         const int8_t* filter, const float* bias, float* output, void* scratch) {
  const size_t in_c = (size_t)g->in_c, dm = (size_t)g->depth_multiplier;
  const size_t in_batch = (size_t)g->in_h * (size_t)g->in_w * in_c;
  int8_t* q;
  float* scale;
  int32_t* zp;
  sr_conv_hybrid_scratch_split(scratch, in_batch * (size_t)g->batches, (size_t)g->batches, &q, &scale, &zp);
  sr_conv_hybrid_quantize_rows(input, (size_t)g->batches, in_batch, h->asymmetric, q, scale, zp);
  float* out = output;
  for (int32_t b = 0; b < g->batches; b++)
    for (int32_t oy = 0; oy < g->out_h; oy++)
      for (int32_t ox = 0; ox < g->out_w; ox++)
        for (size_t ic = 0; ic < in_c; ic++)
          for (size_t m = 0; m < dm; m++) {
            const size_t oc = ic * dm + m;
            const int64_t acc = dw_sum_i8(g, q + (size_t)b * in_batch, filter, ic, oc, oy, ox, -zp[b], 0);
            *out++ = hybrid_out(g, acc, h->filter_scales[oc], scale[b], bias, oc);
          }
}

sigrun_status sr_weights_kind_of(sr_node* node, const sr_tensor* input, const sr_tensor* weights,
                                 const char* weights_name, const sr_tensor* bias, const sr_tensor* output,
                                 sr_weights_kind* kind) {
  const sigrun_type it = input->type, wt = weights->type;
  sigrun_type bias_t = SIGRUN_TYPE_INT32;
  if (it == SIGRUN_TYPE_FLOAT32 && wt == SIGRUN_TYPE_FLOAT32) *kind = SR_WK_F32, bias_t = SIGRUN_TYPE_FLOAT32;
  else if (it == SIGRUN_TYPE_FLOAT32 && wt == SIGRUN_TYPE_INT8) *kind = SR_WK_HYBRID, bias_t = SIGRUN_TYPE_FLOAT32;
  else if (it == SIGRUN_TYPE_INT8 && wt == SIGRUN_TYPE_INT8) *kind = SR_WK_I8;
  else if (it == SIGRUN_TYPE_UINT8 && wt == SIGRUN_TYPE_UINT8) *kind = SR_WK_U8;
  else if (it == SIGRUN_TYPE_INT16 && wt == SIGRUN_TYPE_INT8) *kind = SR_WK_I16;
  else
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "input (tensor %d) %s with %s (tensor %d) %s is not supported; supported input/%s: "
                        "float32/float32, float32/int8 (hybrid), int8/int8, uint8/uint8, int16/int8",
                        input->index, sigrun_type_name(it), weights_name, weights->index, sigrun_type_name(wt),
                        weights_name);
  sigrun_status st = sr_node_check_type(node, output, "output", it);
  if (!st && bias && *kind != SR_WK_I16) st = sr_node_check_type(node, bias, "bias", bias_t);
  return st;
}
