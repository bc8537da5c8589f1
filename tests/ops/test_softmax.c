/*
 * test_softmax.c — SOFTMAX and LOG_SOFTMAX: float rows over the last axis with beta (including 0, LiteRT's
 * value when options are absent, and negative), special values, quantized int8/uint8 (the float exp table),
 * int8 -> int16 and int16 -> int16 (fixed-point tables) on hand-computed rows, zero-sized shapes, option
 * parsing, output-parameter checks and error messages.
 */
#include <float.h>
#include <stdint.h>

#include "harness.h"
#include "../src/format/schema_enums.h"
#include "../src/ops/softmax.h"

extern const sr_op_kind sr_op_softmax, sr_op_log_softmax;

static sigrun_status run1(sr_test_node* tn, const sr_op_kind* kind, const void* params, sigrun_type type, int rank,
                          const int32_t* dims, const void* x) {
  sr_test_node_init(tn, kind->name);
  sr_test_input(tn, type, rank, dims, x);
  sr_test_output(tn, type);
  return sr_test_run(tn, kind, params);
}

static int same_f32(float x, float y) { return (isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof x) == 0; }

static void check_exact(const sr_tensor* t, const float* want, size_t n) {
  CHECK(sr_tensor_count(t) == n);
  for (size_t i = 0; i < n; i++) {
    float got = ((const float*)t->data)[i];
    if (!same_f32(got, want[i])) {
      fprintf(stderr, "  element %zu: got %.9g want %.9g\n", i, got, want[i]);
      CHECK(same_f32(got, want[i]));
    }
  }
}

static void check_rel(const sr_tensor* t, const double* want, size_t n, double rel) {
  CHECK(sr_tensor_count(t) >= n);
  for (size_t i = 0; i < n; i++) {
    double got = ((const float*)t->data)[i];
    if (isnan(want[i])) {
      CHECK(isnan(got));
    } else {
      CHECK_NEAR(got, want[i], rel * fabs(want[i]) + 1e-30);
    }
  }
}

static void softmax_ref(const float* x, double* want, size_t rows, size_t depth, double beta) {
  for (size_t r = 0; r < rows; r++) {
    double max = x[r * depth], sum = 0;
    for (size_t i = 0; i < depth; i++) max = x[r * depth + i] > max ? x[r * depth + i] : max;
    for (size_t i = 0; i < depth; i++) sum += exp(((double)x[r * depth + i] - max) * beta);
    for (size_t i = 0; i < depth; i++) want[r * depth + i] = exp(((double)x[r * depth + i] - max) * beta) / sum;
  }
}

static void test_softmax_rows_and_beta(void) {
  sr_test_node tn;
  const float x[] = {1, 2, 3, 4, 1, 1, 1, 1, -5, 0, 1000, 1001, 0.5f, -0.5f, 7, 3, 2, 1, 0, -1, 1e-3f, 2e-3f, 0, 9};
  const int32_t d[] = {2, 3, 4}; /* batch 2, six rows of four */
  const float betas[] = {1.0f, 0.5f, 0.1f, 2.0f};
  for (int b = 0; b < 4; b++) {
    sr_softmax_params p = {betas[b]};
    CHECK(run1(&tn, &sr_op_softmax, &p, SIGRUN_TYPE_FLOAT32, 3, d, x) == SIGRUN_STATUS_OK);
    double want[24];
    softmax_ref(x, want, 6, 4, betas[b]);
    check_rel(&tn.outputs[0], want, 24, 1e-6);
    CHECK(tn.outputs[0].rank == 3 && tn.outputs[0].dims[2] == 4);
    sr_test_node_free(&tn);
  }
  /* a negative beta on moderate values */
  sr_softmax_params neg = {-0.5f};
  const int32_t d34[] = {3, 4};
  CHECK(run1(&tn, &sr_op_softmax, &neg, SIGRUN_TYPE_FLOAT32, 2, d34, x + 12) == SIGRUN_STATUS_OK);
  double want_neg[12];
  softmax_ref(x + 12, want_neg, 3, 4, -0.5);
  check_rel(&tn.outputs[0], want_neg, 12, 1e-6);
  sr_test_node_free(&tn);
  /* beta 0 (LiteRT's value when SoftmaxOptions are absent): uniform rows */
  sr_softmax_params zero = {0.0f};
  CHECK(run1(&tn, &sr_op_softmax, &zero, SIGRUN_TYPE_FLOAT32, 3, d, x) == SIGRUN_STATUS_OK);
  for (int i = 0; i < 24; i++) CHECK(((float*)tn.outputs[0].data)[i] == 0.25f);
  sr_test_node_free(&tn);
  CHECK(run1(&tn, &sr_op_softmax, NULL, SIGRUN_TYPE_FLOAT32, 3, d, x) == SIGRUN_STATUS_OK);
  CHECK(((float*)tn.outputs[0].data)[5] == 0.25f);
  sr_test_node_free(&tn);
}

static void test_softmax_special(void) {
  sr_test_node tn;
  sr_softmax_params one = {1.0f};
  /* depth 1: every output is 1; rank 1 */
  const float col[] = {-3, 0, 1e30f};
  const int32_t d31[] = {3, 1};
  CHECK(run1(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_FLOAT32, 2, d31, col) == SIGRUN_STATUS_OK);
  const float ones[] = {1, 1, 1};
  check_exact(&tn.outputs[0], ones, 3);
  sr_test_node_free(&tn);
  /* -inf gives 0, huge equal values split evenly, NaN or +inf spoil the row (as in LiteRT) */
  const float x[] = {-INFINITY, 0, 1e30f, 1e30f, 1, NAN, INFINITY, 1};
  const int32_t d[] = {4, 2};
  CHECK(run1(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_FLOAT32, 2, d, x) == SIGRUN_STATUS_OK);
  const float* y = tn.outputs[0].data;
  CHECK(y[0] == 0.0f && y[1] == 1.0f && y[2] == 0.5f && y[3] == 0.5f);
  CHECK(isnan(y[4]) && isnan(y[5]) && isnan(y[6]) && isnan(y[7]));
  sr_test_node_free(&tn);
  /* zero-sized rows and zero-length rows */
  const int32_t z1[] = {0, 3}, z2[] = {2, 0};
  CHECK(run1(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_FLOAT32, 2, z1, NULL) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].dims[0] == 0 && tn.outputs[0].dims[1] == 3);
  sr_test_node_free(&tn);
  CHECK(run1(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_FLOAT32, 2, z2, NULL) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].dims[0] == 2 && tn.outputs[0].dims[1] == 0);
  sr_test_node_free(&tn);
  CHECK(run1(&tn, &sr_op_log_softmax, NULL, SIGRUN_TYPE_FLOAT32, 2, z2, NULL) == SIGRUN_STATUS_OK);
  sr_test_node_free(&tn);
}


/* A buffer whose root table holds float field 0 = beta (or nothing when present == 0). */
static size_t make_f32_table(uint8_t* buf, int present, float beta) {
  memset(buf, 0, 32);
  buf[0] = 12;
  buf[4] = present ? 6 : 4;
  buf[6] = 8;
  buf[8] = present ? 4 : 0;
  buf[12] = 8;
  memcpy(buf + 16, &beta, sizeof beta);
  return 20;
}

static sigrun_status parse_softmax(const uint8_t* buf, size_t size, int type, float* beta, sigrun_error* err) {
  sr_fb fb = {buf, size};
  sr_fb_table table;
  if (buf) CHECK(sr_fb_root(&fb, &table) == SR_FB_OK);
  sr_operator op;
  memset(&op, 0, sizeof op);
  op.name = "SOFTMAX";
  sr_pool pool;
  sr_pool_init(&pool);
  sr_parse_ctx ctx = {&op, type, buf ? &table : NULL, &pool, err, 0, 0, NULL};
  const void* params = NULL;
  sigrun_status st = sr_op_softmax.parse(&ctx, &params);
  if (st == SIGRUN_STATUS_OK) *beta = ((const sr_softmax_params*)params)->beta;
  sr_pool_destroy(&pool);
  return st;
}

static void test_parse_softmax(void) {
  uint8_t buf[32];
  sigrun_error err;
  float beta = -1;
  size_t n = make_f32_table(buf, 1, 2.5f);
  CHECK(parse_softmax(buf, n, SR_OPTIONS_SOFTMAX, &beta, &err) == SIGRUN_STATUS_OK && beta == 2.5f);
  n = make_f32_table(buf, 0, 0);
  CHECK(parse_softmax(buf, n, SR_OPTIONS_SOFTMAX, &beta, &err) == SIGRUN_STATUS_OK && beta == 0.0f);
  beta = -1;
  CHECK(parse_softmax(NULL, 0, SR_OPTIONS_NONE, &beta, &err) == SIGRUN_STATUS_OK && beta == 0.0f);
  CHECK(parse_softmax(buf, n, SR_OPTIONS_ADD, &beta, &err) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "union type 11, expected 9");
  CHECK(sr_op_softmax.builtin_code == 25 && sr_op_log_softmax.builtin_code == 50 && sr_op_log_softmax.parse == NULL);
}


static void test_log_softmax_float(void) {
  sr_test_node tn;
  const float x[] = {1, 2, 3, 4, 0, 0, 0, 0, -100, 0, 50, 50.5f};
  const int32_t d[] = {3, 4};
  CHECK(run1(&tn, &sr_op_log_softmax, NULL, SIGRUN_TYPE_FLOAT32, 2, d, x) == SIGRUN_STATUS_OK);
  double want[12];
  for (int r = 0; r < 3; r++) {
    double max = -INFINITY, sum = 0;
    for (int i = 0; i < 4; i++) max = x[4 * r + i] > max ? x[4 * r + i] : max;
    for (int i = 0; i < 4; i++) sum += exp(x[4 * r + i] - max);
    for (int i = 0; i < 4; i++) want[4 * r + i] = x[4 * r + i] - max - log(sum);
  }
  const float* y = tn.outputs[0].data;
  for (int i = 0; i < 12; i++) CHECK_NEAR(y[i], want[i], 2e-6 * (1 + fabs(want[i])));
  CHECK(y[4] == y[5] && fabsf(y[4] + logf(4)) < 1e-6f);
  sr_test_node_free(&tn);
}

/* A quantized run with per-tensor parameters on input and output. */
static sigrun_status run_q(sr_test_node* tn, const sr_op_kind* kind, const void* params, sigrun_type in_t,
                           sigrun_type out_t, int rank, const int32_t* dims, const void* x, const float* in_s,
                           const int64_t* in_zp, const float* out_s, const int64_t* out_zp) {
  sr_test_node_init(tn, kind->name);
  sr_test_set_quant(sr_test_input(tn, in_t, rank, dims, x), 1, in_s, in_zp, 0);
  sr_test_set_quant(sr_test_output(tn, out_t), 1, out_s, out_zp, 0);
  return sr_test_run(tn, kind, params);
}

static void test_softmax_int8(void) {
  sr_test_node tn;
  sr_softmax_params one = {1.0f};
  /* scale ln(2): adjacent values differ by a factor 2; row {0,1,2,3} -> {1,2,4,8}/15 */
  const float in_s = 0.69314718f, out_s = 1.0f / 256;
  const int64_t in_zp = 0, out_zp = -128;
  const int8_t x[] = {0, 1, 2, 3, 5, 5, 5, 5, -128, -128, 127, 127};
  const int32_t d[] = {3, 4};
  CHECK(run_q(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, 2, d, x, &in_s, &in_zp, &out_s,
              &out_zp) == SIGRUN_STATUS_OK);
  const int8_t* y = tn.outputs[0].data;
  /* 256/15 = 17.07, 34.1, 68.3, 136.5 -> 17, 34, 68, 137 (-128); 1/4 -> 64; 1/2 -> 128 */
  const int8_t want[] = {17 - 128, 34 - 128, 68 - 128, 137 - 128, -64, -64, -64, -64, -128, -128, 0, 0};
  CHECK(memcmp(y, want, 12) == 0);
  sr_test_node_free(&tn);
  /* uint8 -> uint8 truncates p + 0.5 and ignores the zero point; uint8 -> int16 rounds and adds it */
  const uint8_t xu[] = {10, 11, 12, 13};
  const int32_t d4[] = {4};
  const int64_t zero = 0, zp16 = -5;
  CHECK(run_q(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_UINT8, SIGRUN_TYPE_UINT8, 1, d4, xu, &in_s, &zero, &out_s,
              &zero) == SIGRUN_STATUS_OK);
  const uint8_t want_u[] = {17, 34, 68, 137};
  CHECK(memcmp(tn.outputs[0].data, want_u, 4) == 0);
  sr_test_node_free(&tn);
  const float s16 = 1.0f / 32768;
  CHECK(run_q(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_UINT8, SIGRUN_TYPE_INT16, 1, d4, xu, &in_s, &zero, &s16,
              &zp16) == SIGRUN_STATUS_OK);
  const int16_t* y16 = tn.outputs[0].data;
  CHECK(y16[0] == 2185 - 5 && y16[1] == 4369 - 5 && y16[2] == 8738 - 5 && y16[3] == 17476 - 5);
  sr_test_node_free(&tn);
}

static void test_softmax_int16(void) {
  sr_test_node tn;
  sr_softmax_params one = {1.0f};
  const float in_s = 1.0f / 1024, out_s = 1.0f / 32768;
  const int64_t zero = 0;
  const int16_t x[] = {0, 0, 0, 0, 1024, 0, -32768, 709};
  const int32_t d[] = {2, 4};
  CHECK(run_q(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_INT16, SIGRUN_TYPE_INT16, 2, d, x, &in_s, &zero, &out_s,
              &zero) == SIGRUN_STATUS_OK);
  const int16_t* y = tn.outputs[0].data;
  for (int i = 0; i < 4; i++) CHECK(abs(y[i] - 8192) <= 8); /* 1/4 */
  /* {1, 0, -32, 0.6924} -> 0.4755, 0.1749, ~0, 0.3496 (x 32768: 15581, 5732, 0, 11455); the exp table stops at
   * -10, so the far value gets exp(-10) = 1 quantum */
  CHECK(abs(y[4] - 15581) <= 2 && abs(y[5] - 5732) <= 2 && y[6] == 1 && abs(y[7] - 11455) <= 2);
  sr_test_node_free(&tn);
}

static void test_log_softmax_quantized(void) {
  sr_test_node tn;
  const float in_s = 0.5f, out_s = 16.0f / 256;
  const int64_t in_zp = 0, out_zp = 127;
  const int8_t x[] = {0, 0, -128, 2};
  const int32_t d[] = {4};
  CHECK(run_q(&tn, &sr_op_log_softmax, NULL, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, 1, d, x, &in_s, &in_zp, &out_s,
              &out_zp) == SIGRUN_STATUS_OK);
  /* x = {0, 0, -64, 1}: log p = x - 1 - log(2 e^-1 + 1 + e^-65) = {-1.5515, -1.5515, -65.6, -0.5515};
   * times 16 -> -24.8, -24.8, clamped, -8.8 -> rint -25, -25, -9 (+127) */
  const int8_t* y = tn.outputs[0].data;
  CHECK(y[0] == 102 && y[1] == 102 && y[2] == -128 && y[3] == 118);
  sr_test_node_free(&tn);
  const int64_t bad_zp = 0;
  CHECK(run_q(&tn, &sr_op_log_softmax, NULL, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, 1, d, x, &in_s, &in_zp, &out_s,
              &bad_zp) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "LOG_SOFTMAX output must have scale 1/16 and zero point 127, has 0.0625 and 0");
  sr_test_node_free(&tn);
}

static void test_quantized_errors(void) {
  sr_test_node tn;
  sr_softmax_params one = {1.0f};
  const int8_t x[] = {1, 2};
  const int32_t d[] = {2};
  const float in_s = 0.1f, bad_s = 1.0f / 200;
  const int64_t zp = -128, zero = 0;
  CHECK(run_q(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, 1, d, x, &in_s, &zero, &bad_s, &zp) ==
        SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "int8 SOFTMAX output must have scale 1/256 and zero point -128");
  sr_test_node_free(&tn);
  CHECK(run_q(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_INT8, SIGRUN_TYPE_UINT8, 1, d, x, &in_s, &zero, &bad_s, &zero) ==
        SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "output 0 (tensor 100) has type uint8, which is not supported for a int8 input");
  sr_test_node_free(&tn);
  const int16_t x16[] = {1, 2};
  CHECK(run1(&tn, &sr_op_log_softmax, NULL, SIGRUN_TYPE_INT16, 1, d, x16) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "input type int16 (tensor 0) is not supported; supported: float32, int8, uint8");
  sr_test_node_free(&tn);
  CHECK(run1(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_INT8, 1, d, x) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has no quantization parameters");
  sr_test_node_free(&tn);
  const float nan_s = NAN;
  CHECK(run_q(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, 1, d, x, &nan_s, &zero, &bad_s, &zp) ==
        SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "not a positive finite number");
  sr_test_node_free(&tn);
  const int32_t xi[] = {1, 2};
  CHECK(run1(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_INT32, 1, d, xi) == SIGRUN_STATUS_UNSUPPORTED);
  sr_test_node_free(&tn);
  const float f[] = {1, 2};
  CHECK(run1(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_FLOAT32, 0, NULL, f) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 0 (tensor 0) has rank 0; expected rank >= 1");
  sr_test_node_free(&tn);
}

int main(void) {
  RUN(test_softmax_rows_and_beta);
  RUN(test_softmax_special);
  RUN(test_log_softmax_float);
  RUN(test_softmax_int8);
  RUN(test_softmax_int16);
  RUN(test_log_softmax_quantized);
  RUN(test_quantized_errors);
  RUN(test_parse_softmax);
  return TEST_SUMMARY();
}
