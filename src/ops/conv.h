/*
 * conv.h — parameters and geometry shared by the windowed ops (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV,
 * the 2-D pools), the float fused-activation clamp shared with the matmul family, and the integer
 * machinery every weighted op shares: requantization (sr_conv_requant) and LiteRT's run-time input quantization
 * for hybrid kernels (sr_hybrid_*). Window geometry (output size and leading padding) follows LiteRT's
 * padding rules exactly, computed in 64-bit so hostile strides and dilations cannot overflow.
 */
#ifndef SR_OPS_CONV_H
#define SR_OPS_CONV_H

#include <stdint.h>

#include "op.h"
#include "quant.h"

extern const sr_op_kind sr_op_conv_2d;
extern const sr_op_kind sr_op_depthwise_conv_2d;

/* LiteRT's Padding enum. */
enum { SR_PADDING_SAME = 0, SR_PADDING_VALID = 1 };

typedef struct sr_conv2d_params {
  int padding;
  int stride_w, stride_h;
  int dilation_w, dilation_h;
  int activation;
} sr_conv2d_params;

typedef struct sr_depthwise_conv2d_params {
  int padding;
  int stride_w, stride_h;
  int depth_multiplier; /* as stored in the file; LiteRT derives the effective one from the shapes */
  int dilation_w, dilation_h;
  int activation;
} sr_depthwise_conv2d_params;

/* Geometry of one NHWC window op, resolved in prepare. For CONV_2D, filter_c is the filter's input depth
 * (in_c / groups); for DEPTHWISE_CONV_2D, depth_multiplier = out_c / in_c. */
typedef struct sr_conv_geom {
  int32_t batches, in_h, in_w, in_c;
  int32_t out_h, out_w, out_c;
  int32_t filter_h, filter_w, filter_c;
  int32_t groups, depth_multiplier;
  int32_t stride_h, stride_w, dilation_h, dilation_w;
  int32_t pad_top, pad_left; /* leading padding; the odd extra padding of SAME goes to the bottom/right */
  float act_min, act_max;
} sr_conv_geom;

/* Output size and leading padding of one spatial axis, as LiteRT computes them:
 *   SAME:  out = ceil(in / stride)
 *   VALID: out = floor((in - effective_filter) / stride) + 1, effective_filter = (filter - 1) * dilation + 1
 *   pad   = max((out - 1) * stride + effective_filter - in, 0) / 2
 * Returns 0 (leaving *out and *pad untouched) when the output size would be negative — VALID padding with
 * a window larger than the input plus one stride — or a size does not fit in int32. */
int sr_conv_window(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation, int32_t* out,
                   int32_t* pad);

/* NaN passes through, as with LiteRT's min(max(x, lo), hi). */
static inline float sr_conv_clamp_f32(float x, float lo, float hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

/* Reference kernels. bias may be NULL. Shapes: input [batches, in_h, in_w, in_c]; conv filter
 * [out_c, filter_h, filter_w, filter_c]; depthwise filter [1, filter_h, filter_w, out_c]; output
 * [batches, out_h, out_w, out_c]. */
void sr_f32_conv2d__ref(const sr_conv_geom* g, const float* input, const float* filter, const float* bias,
                        float* output);
void sr_f32_depthwise_conv2d__ref(const sr_conv_geom* g, const float* input, const float* filter,
                                  const float* bias, float* output);

/* ---- integer kernels ---- */

/* Requantization of an integer conv/matmul node, precomputed in prepare. The accumulator of output channel
 * c is sum((input + input_offset) * (filter + filter_offset)) + bias[c]; it is scaled by mult[c], shifted by
 * output_offset and clamped to [act_min, act_max]. */
typedef struct sr_conv_requant {
  int32_t input_offset, filter_offset, output_offset;
  int32_t act_min, act_max;
  int wide;            /* 16-bit activations: 64-bit accumulator, LiteRT's int64 multiplier */
  int gemm_rounding;   /* round the final shift as LiteRT's GEMM-based kernels do (sr_conv_mul_gemm) ... */
  size_t gemm_channels; /* ... for output channels [0, gemm_channels) only; the rest as sr_quant_mul */
  int bias64;          /* bias is int64 (16x8 kernels), else int32 */
  const sr_qmul* mult; /* one per output channel */
} sr_conv_requant;

/* LiteRT's int8/uint8 GEMM-based kernels (ruy on x86) apply the multiplier as gemmlowp does up to the final
 * shift, which rounds half up instead of half away from zero: -77.5 becomes -77, not -78. Measured against
 * ai_edge_litert's CONV_2D; the other kernels use sr_quant_mul. */
static inline int32_t sr_conv_mul_gemm(int32_t x, sr_qmul m) {
  const int left = m.shift > 0 ? m.shift : 0, right = m.shift > 0 ? 0 : -m.shift;
  const int32_t v = sr_srdhm((int32_t)((uint32_t)x << left), m.mult);
  return right ? (int32_t)(((int64_t)v + ((int64_t)1 << (right - 1))) >> right) : v;
}

/* Bias of channel c (NULL = none), in the requant's bias type. */
static inline int64_t sr_conv_requant_bias(const sr_conv_requant* r, const void* bias, size_t c) {
  if (!bias) return 0;
  return r->bias64 ? ((const int64_t*)bias)[c] : ((const int32_t*)bias)[c];
}

/* Scales, offsets and clamps one accumulator (already including the bias). 8-bit kernels wrap the sum to
 * int32 as LiteRT's int32 accumulators do; 16-bit kernels keep 64 bits, limited to the multiplier's domain. */
static inline int32_t sr_conv_requant_apply(const sr_conv_requant* r, int64_t acc, size_t c) {
  int64_t v;
  if (r->wide) {
    const int64_t lim = ((int64_t)1 << 47) - 1;
    v = sr_quant_mul64(acc > lim ? lim : acc < -lim ? -lim : acc, r->mult[c]);
  } else {
    const int32_t a = (int32_t)(uint32_t)(uint64_t)acc;
    v = r->gemm_rounding && c < r->gemm_channels ? sr_conv_mul_gemm(a, r->mult[c]) : sr_quant_mul(a, r->mult[c]);
  }
  v += r->output_offset;
  return (int32_t)(v < r->act_min ? r->act_min : v > r->act_max ? r->act_max : v);
}

/* Kernel family of an operator with weights, chosen from its (input, weights) types as LiteRT dispatches
 * CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV. */
typedef enum sr_weights_kind { SR_WK_F32, SR_WK_I8, SR_WK_U8, SR_WK_I16, SR_WK_HYBRID } sr_weights_kind;

/* Picks the kind and checks that the output has the input's type and the bias float32 (float and hybrid
 * kinds) or int32 (8-bit kinds); 16-bit kernels take an int64 or int32 bias, which
 * sr_conv_requant_prepare checks. weights_name ("filter", "weights") appears in messages. */
sigrun_status sr_weights_kind_of(sr_node* node, const sr_tensor* input, const sr_tensor* weights,
                                 const char* weights_name, const sr_tensor* bias, const sr_tensor* output,
                                 sr_weights_kind* kind);

/* Fills r for an integer node: offsets from the input/filter/output zero points, the activation clamp, and
 * mult[channels] from input_scale * filter_scale[c] / output_scale. Per-channel filters (int8, symmetric)
 * follow LiteRT's PopulateConvolutionQuantizationParams (double products); a per-tensor filter the older
 * GetQuantizedConvolutionMultipler (float product), when per_tensor_float_product is set. filter_dim is the
 * filter axis that holds the channels. Also checks the bias type (int32, or int64/int32 for 16-bit). */
sigrun_status sr_conv_requant_prepare(sr_node* node, const sr_tensor* input, const sr_tensor* filter,
                                 const sr_tensor* bias, const sr_tensor* output, int activation, int filter_dim,
                                 int channels, int per_tensor_float_product, sr_conv_requant* r, sr_qmul* mult);

/* Hybrid kernels: float activations quantized to int8 at run time, one scale (and zero point, when
 * asymmetric) per row of `depth` values, then int32 sums scaled back by row_scale * filter_scale[c]. */
typedef struct sr_conv_hybrid {
  int asymmetric;
  const float* filter_scales; /* one per output channel */
} sr_conv_hybrid;

/* LiteRT's SymmetricQuantizeFloats / AsymmetricQuantizeFloats for `rows` rows of `depth` values. */
void sr_conv_hybrid_quantize_rows(const float* in, size_t rows, size_t depth, int asymmetric, int8_t* q, float* scale,
                             int32_t* zero_point);
/* Scratch bytes for quantizing `count` values in `rows` rows, and the three arrays inside it. */
size_t sr_conv_hybrid_scratch_bytes(size_t count, size_t rows);
void sr_conv_hybrid_scratch_split(void* scratch, size_t count, size_t rows, int8_t** q, float** scale, int32_t** zp);
/* Filter scales of a hybrid node (per-channel along filter_dim, or one broadcast) into out[channels];
 * *per_channel is 1 when the scales differ, which is when LiteRT's conv kernels take their per-channel path
 * (asymmetric input quantization); equal scales count as per-tensor, as in LiteRT. */
sigrun_status sr_conv_hybrid_prepare(sr_node* node, const sr_tensor* filter, int filter_dim, int channels, float* out,
                                int* per_channel);

/* Quantized reference kernels. bias is int32 (int64 for int16 with r->bias64) or NULL. */
void sr_i8_conv2d__ref(const sr_conv_geom* g, const sr_conv_requant* r, const int8_t* input, const int8_t* filter,
                       const void* bias, int8_t* output);
void sr_u8_conv2d__ref(const sr_conv_geom* g, const sr_conv_requant* r, const uint8_t* input, const uint8_t* filter,
                       const void* bias, uint8_t* output);
void sr_i16_conv2d__ref(const sr_conv_geom* g, const sr_conv_requant* r, const int16_t* input, const int8_t* filter,
                        const void* bias, int16_t* output);
void sr_i8_depthwise_conv2d__ref(const sr_conv_geom* g, const sr_conv_requant* r, const int8_t* input,
                                 const int8_t* filter, const void* bias, int8_t* output);
void sr_u8_depthwise_conv2d__ref(const sr_conv_geom* g, const sr_conv_requant* r, const uint8_t* input,
                                 const uint8_t* filter, const void* bias, uint8_t* output);
void sr_i16_depthwise_conv2d__ref(const sr_conv_geom* g, const sr_conv_requant* r, const int16_t* input,
                                  const int8_t* filter, const void* bias, int16_t* output);
/* Hybrid: scratch holds sr_conv_hybrid_scratch_bytes(input count, batches). */
void sr_f32_hybrid_conv2d__ref(const sr_conv_geom* g, const sr_conv_hybrid* h, const float* input,
                               const int8_t* filter, const float* bias, float* output, void* scratch);
void sr_f32_hybrid_depthwise_conv2d__ref(const sr_conv_geom* g, const sr_conv_hybrid* h, const float* input,
                                         const int8_t* filter, const float* bias, float* output, void* scratch);

#endif /* SR_OPS_CONV_H */
