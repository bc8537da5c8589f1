/*
 * lut.c — table construction for lut.h and the inverse square root multiplier. The table builders follow
 * LiteRT's float arithmetic step by step (float products, roundf, truncating casts), because a table
 * entry that differs by one rounding would change every output that hits it.
 */
#include "lut.h"

#include <math.h>

#include "quant.h"
#include "../core/parallel.h"

void sr_lut8_populate(int is_signed, float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, sr_lut_fn fn,
                      const void* ctx, uint8_t table[256]) {
  const float inverse_scale = 1.0f / out_scale;
  const int32_t lo = is_signed ? -128 : 0, hi = is_signed ? 127 : 255;
  for (int32_t v = lo; v <= hi; v++) {
    const float dequantized = in_scale * (float)(v - in_zp);
    const float transformed = fn(dequantized, ctx);
    const float rescaled = roundf(transformed * inverse_scale);
    int32_t q = sr_f32_to_i32_sat(rescaled + (float)out_zp);
    q = q < lo ? lo : q > hi ? hi : q;
    table[(uint8_t)v] = (uint8_t)q;
  }
}

void sr_lut8_apply(const uint8_t table[256], const uint8_t* x, uint8_t* y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = table[x[i]];
}

/* NaN compares false both ways, so the clamp lets it through; LiteRT's cast then yields 0 in int16. */
static int16_t clamp_to_i16(float v) {
  if (isnan(v)) return 0;
  return (int16_t)(v < -32768.0f ? -32768.0f : v > 32767.0f ? 32767.0f : v);
}

void sr_lut16_populate(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, sr_lut_fn fn,
                       const void* ctx, int16_t table[513]) {
  const float input_min = in_scale * (float)(INT16_MIN - in_zp);
  const float input_max = in_scale * (float)(INT16_MAX - in_zp);
  const float output_min = out_scale * (float)(INT16_MIN - out_zp);
  const float output_max = out_scale * (float)(INT16_MAX - out_zp);
  const int steps = 512;
  const float step = (input_max - input_min) / (float)steps;
  const float half_step = step / 2.0f;
  const float scaling_inv = 65536.0f / (output_max - output_min);
  for (int i = 0; i < steps; i++) {
    const float val = fn(input_min + (float)i * step, ctx);
    const float val_mid = fn(input_min + (float)i * step + half_step, ctx);
    const float val_next = fn(input_min + (float)(i + 1) * step, ctx);
    const float sample = roundf(val * scaling_inv);
    const float mid_interp = roundf((val_next * scaling_inv + roundf(val * scaling_inv)) / 2.0f);
    const float mid_val = roundf(val_mid * scaling_inv);
    const float bias = roundf((mid_interp - mid_val) / 2.0f);
    table[i] = clamp_to_i16(sample - bias);
  }
  table[steps] = clamp_to_i16(roundf(fn(input_max, ctx) * scaling_inv));
}

static int16_t clamp_to_i16_f64(double v) {
  if (isnan(v)) return 0;
  return (int16_t)(v < -32768.0 ? -32768.0 : v > 32767.0 ? 32767.0 : v);
}

void sr_lut16_populate_f64(double in_scale, int32_t in_zp, double out_scale, int32_t out_zp, sr_lut_fn64 fn,
                           int16_t table[513]) {
  const double input_min = in_scale * (double)(INT16_MIN - in_zp);
  const double input_max = in_scale * (double)(INT16_MAX - in_zp);
  const double output_min = out_scale * (double)(INT16_MIN - out_zp);
  const double output_max = out_scale * (double)(INT16_MAX - out_zp);
  const int steps = 512;
  const double step = (input_max - input_min) / steps;
  const double half_step = step / 2;
  const double scaling_inv = 65536.0 / (output_max - output_min);
  for (int i = 0; i < steps; i++) {
    const double val = fn(input_min + i * step);
    const double val_mid = fn(input_min + i * step + half_step);
    const double val_next = fn(input_min + (i + 1) * step);
    const double sample = round(val * scaling_inv);
    const double mid_interp = round((val_next * scaling_inv + round(val * scaling_inv)) / 2);
    const double mid_val = round(val_mid * scaling_inv);
    const double bias = round((mid_interp - mid_val) / 2);
    table[i] = clamp_to_i16_f64(sample - bias);
  }
  table[steps] = clamp_to_i16_f64(round(fn(input_max) * scaling_inv));
}

void sr_lut16_apply(const int16_t* lut, const int16_t* x, int16_t* y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = sr_lut16_lookup(x[i], lut);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT with a positive exponent: a left shift that saturates. */
static int32_t sat_shift_left(int32_t x, int exponent) {
  const int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (int32_t)((uint32_t)x << exponent);
}

void sr_inv_sqrt_multiplier(int32_t input, int reverse_shift, int32_t* multiplier, int* shift) {
  if (input <= 1) { /* LiteRT treats 0 as 1: avoids dividing by zero */
    *multiplier = INT32_MAX;
    *shift = 0;
    return;
  }
  int s = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    s++;
  }
  const int max_left_shift_bits = __builtin_clz((uint32_t)input) - 1;
  const int left_pairs = max_left_shift_bits / 2 - 1;
  s -= left_pairs;
  input <<= 2 * left_pairs;
  /* Q3.28 Newton-Raphson for 1/sqrt, from x = 1; products of Q3 values are Q6, rescaled with saturation. */
  const int32_t in_q3 = input >> 1;
  const int32_t half_in = sr_rdivpot(in_q3, 1);
  const int32_t three_halves = (1 << 28) + (1 << 27);
  int32_t x = 1 << 28;
  for (int i = 0; i < 5; i++) {
    const int32_t x3 = sat_shift_left(sr_srdhm(sr_srdhm(x, x), x), 6);
    const int32_t diff = (int32_t)((uint32_t)sr_srdhm(three_halves, x) - (uint32_t)sr_srdhm(half_in, x3));
    x = sat_shift_left(diff, 3);
  }
  x = sr_srdhm(x, 1518500250); /* * sqrt(2)/2 in Q0.31 */
  if (s < 0) {
    x = (int32_t)((uint32_t)x << -s);
    s = 0;
  }
  *multiplier = x;
  *shift = s * reverse_shift;
}

typedef struct lut8_job {
  sr_lut8_fn fn;
  const uint8_t* table;
  const uint8_t* x;
  uint8_t* y;
} lut8_job;

static void lut8_range(void* ctx, size_t begin, size_t end) {
  const lut8_job* job = ctx;
  job->fn(job->table, job->x + begin, job->y + begin, end - begin);
}

void sr_lut8_run(const sr_node* node, sr_lut8_fn fn, const uint8_t table[256], const uint8_t* x, uint8_t* y,
                 size_t n) {
  lut8_job job = {fn, table, x, y};
  /* Chunks of 16 KiB: a lookup costs well under a nanosecond a byte, so smaller ones would not pay. */
  sr_parallel_for(node, n, (size_t)16 << 10, lut8_range, &job);
}
