/*
 * conv.h — parameters and geometry shared by the windowed ops (CONV_2D, DEPTHWISE_CONV_2D, the 2-D pools)
 * and the float fused-activation clamp shared with the matmul family. Window geometry (output size and
 * leading padding) follows LiteRT's padding rules exactly, computed in 64-bit so hostile strides and
 * dilations cannot overflow.
 */
#ifndef SR_OPS_CONV_H
#define SR_OPS_CONV_H

#include <stdint.h>

#include "op.h"

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

#endif /* SR_OPS_CONV_H */
