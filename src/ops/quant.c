/*
 * quant.c — the non-inline parts of quant.h: multiplier decomposition, activation ranges and checked
 * access to quantization parameters.
 */
#include "quant.h"

#include <float.h>
#include <math.h>

sr_qmul sr_quant_multiplier(double real) {
  sr_qmul m = {0, 0};
  if (real == 0.0 || !isfinite(real)) return m;
  int shift;
  double q = frexp(real, &shift);
  int64_t fixed = (int64_t)llround(q * (double)(1ll << 31));
  if (fixed == (1ll << 31)) { /* rounding reached 2^31: renormalise */
    fixed /= 2;
    shift++;
  }
  if (shift < -31) { /* too small to represent: LiteRT flushes to zero */
    shift = 0;
    fixed = 0;
  }
  if (shift > 30) { /* only absurd scale ratios get here (LiteRT's shift would be UB): saturate */
    shift = 30;
    fixed = (1ll << 31) - 1;
  }
  m.mult = (int32_t)fixed;
  m.shift = shift;
  return m;
}

int sr_quant_type_range(sigrun_type type, int32_t* lo, int32_t* hi) {
  switch (type) {
    case SIGRUN_TYPE_INT8: *lo = INT8_MIN; *hi = INT8_MAX; return 1;
    case SIGRUN_TYPE_UINT8: *lo = 0; *hi = UINT8_MAX; return 1;
    case SIGRUN_TYPE_INT16: *lo = INT16_MIN; *hi = INT16_MAX; return 1;
    case SIGRUN_TYPE_INT32: *lo = INT32_MIN; *hi = INT32_MAX; return 1;
    default: return 0;
  }
}

/* LiteRT's Quantize() of an activation bound: round(v / scale) in float must fit int32, or the node is refused
 * (kernel_util.cc's no_integer_overflow_from_quantization; a tiny output scale next to RELU6 does it). */
static sigrun_status quantize_bound(sr_node* node, float v, float scale, int32_t zp, int32_t* out) {
  const float q = roundf(v / scale);
  if (!(q >= (float)INT32_MIN && q <= (float)INT32_MAX))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "the fused activation bound %g quantizes to %g with the output scale %g, outside int32 "
                        "(LiteRT refuses this node too)",
                        (double)v, (double)q, (double)scale);
  const int64_t shifted = (int64_t)(double)q + zp;
  *out = shifted > INT32_MAX ? INT32_MAX : shifted < INT32_MIN ? INT32_MIN : (int32_t)shifted;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_quant_activation_range(sr_node* node, int activation, const sr_tensor* out, int32_t* lo,
                                        int32_t* hi) {
  float scale = 0.0f;
  int32_t zp = 0, qlo, qhi;
  sigrun_status st = sr_quant_params(node, out, "output", &scale, &zp);
  if (st) return st;
  if (!sr_quant_type_range(out->type, &qlo, &qhi))
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "output type %s is not a quantized type",
                        sigrun_type_name(out->type));
  switch (activation) {
    case SR_ACT_NONE: break;
    case SR_ACT_RELU: qlo = qlo > zp ? qlo : zp; break;
    case SR_ACT_RELU6: {
      int32_t top = 0;
      if ((st = quantize_bound(node, 6.0f, scale, zp, &top))) return st;
      qlo = qlo > zp ? qlo : zp;
      qhi = qhi < top ? qhi : top;
      break;
    }
    case SR_ACT_RELU_N1_TO_1: {
      int32_t bottom = 0, top = 0;
      if ((st = quantize_bound(node, -1.0f, scale, zp, &bottom)) || (st = quantize_bound(node, 1.0f, scale, zp, &top)))
        return st;
      qlo = qlo > bottom ? qlo : bottom;
      qhi = qhi < top ? qhi : top;
      break;
    }
    default:
      return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                          "fused activation %d is not supported on quantized outputs (LiteRT supports NONE, RELU, "
                          "RELU_N1_TO_1, RELU6)",
                          activation);
  }
  *lo = qlo;
  *hi = qhi;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_quant_params(sr_node* node, const sr_tensor* t, const char* what, float* scale,
                              int32_t* zero_point) {
  const sr_quant* q = &t->def->quant;
  if (q->count == 0 || !q->scales)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s (tensor %d, %s) has no quantization parameters", what,
                        t->index, sigrun_type_name(t->type));
  if (q->count != 1)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "%s (tensor %d) has %d scales; this operator needs per-tensor quantization", what, t->index,
                        q->count);
  float s = q->scales[0];
  if (!(s > 0.0f) || !isfinite(s))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s (tensor %d): scale %g is not a positive finite number",
                        what, t->index, (double)s);
  int64_t zp = q->zero_points ? q->zero_points[0] : 0;
  int32_t lo, hi;
  if (sr_quant_type_range(t->type, &lo, &hi) && (zp < lo || zp > hi))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s (tensor %d): zero point %lld is outside the %s range",
                        what, t->index, (long long)zp, sigrun_type_name(t->type));
  *scale = s;
  *zero_point = (int32_t)zp;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_quant_channel_scales(sr_node* node, const sr_tensor* t, const char* what, int dim, int channels,
                                      float* out) {
  const sr_quant* q = &t->def->quant;
  if (q->count == 0 || !q->scales)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s (tensor %d) has no quantization parameters", what,
                        t->index);
  if (q->count != 1 && (q->count != channels || q->quantized_dimension != dim))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "%s (tensor %d): %d scales along dimension %d, expected 1 or %d along dimension %d", what,
                        t->index, q->count, q->quantized_dimension, channels, dim);
  for (int c = 0; c < channels; c++) {
    int i = q->count == 1 ? 0 : c;
    float s = q->scales[i];
    if (!(s > 0.0f) || !isfinite(s))
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s (tensor %d): scale %d is %g, not a positive finite number",
                          what, t->index, i, (double)s);
    out[c] = s;
  }
  return SIGRUN_STATUS_OK;
}
