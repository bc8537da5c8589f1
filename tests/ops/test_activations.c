/*
 * test_activations.c — RELU, RELU6, LOGISTIC, TANH, SOFTMAX: special values (NaN, -0, inf) as LiteRT
 * returns them, the logistic cut-offs, softmax over the last axis with beta, zero-sized shapes, option
 * parsing and error messages.
 */
#include <float.h>
#include <stdint.h>

#include "harness.h"
#include "../src/format/schema_enums.h"
#include "../src/ops/activations.h"

extern const sr_op_kind sr_op_relu, sr_op_relu6, sr_op_logistic, sr_op_tanh, sr_op_softmax;

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

static const float special[] = {NAN, -INFINITY, INFINITY, -0.0f, 0.0f, -1, 0.5f, 5.9f, 6.1f, 1e30f};
#define N_SPECIAL (sizeof special / sizeof special[0])

static void test_relu_relu6(void) {
  sr_test_node tn;
  const int32_t d[] = {2, 5};
  CHECK(run1(&tn, &sr_op_relu, NULL, SIGRUN_TYPE_FLOAT32, 2, d, special) == SIGRUN_STATUS_OK);
  const float want_relu[] = {NAN, 0, INFINITY, -0.0f, 0.0f, 0, 0.5f, 5.9f, 6.1f, 1e30f};
  check_exact(&tn.outputs[0], want_relu, N_SPECIAL);
  CHECK(tn.outputs[0].rank == 2 && tn.outputs[0].dims[0] == 2 && tn.outputs[0].dims[1] == 5);
  sr_test_node_free(&tn);
  CHECK(run1(&tn, &sr_op_relu6, NULL, SIGRUN_TYPE_FLOAT32, 2, d, special) == SIGRUN_STATUS_OK);
  const float want_relu6[] = {NAN, 0, 6, -0.0f, 0.0f, 0, 0.5f, 5.9f, 6, 6};
  check_exact(&tn.outputs[0], want_relu6, N_SPECIAL);
  sr_test_node_free(&tn);
  const float s = -2.5f; /* rank 0 */
  CHECK(run1(&tn, &sr_op_relu, NULL, SIGRUN_TYPE_FLOAT32, 0, NULL, &s) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].rank == 0 && ((float*)tn.outputs[0].data)[0] == 0.0f);
  sr_test_node_free(&tn);
}

static void test_logistic(void) {
  sr_test_node tn;
  const float x[] = {NAN, -INFINITY, INFINITY, 0, -0.0f, -1, 0.5f, 2, -8.9f, -9.5f, -20, -27, 16.6f, 17, 30,
                     -87, -88, -89, -104};
  const int32_t d[] = {19};
  CHECK(run1(&tn, &sr_op_logistic, NULL, SIGRUN_TYPE_FLOAT32, 1, d, x) == SIGRUN_STATUS_OK);
  CHECK(sr_tensor_count(&tn.outputs[0]) == 19);
  double want[19];
  for (int i = 0; i < 19; i++) want[i] = 1.0 / (1.0 + exp(-(double)x[i]));
  want[0] = NAN;
  check_rel(&tn.outputs[0], want, 15, 3e-7); /* normal results: a few ulp */
  const float* y = tn.outputs[0].data;
  CHECK(y[1] == 0.0f && y[2] == 1.0f && y[3] == 0.5f && y[4] == 0.5f && y[14] == 1.0f);
  for (int i = 15; i < 19; i++) CHECK_NEAR(y[i], want[i], 1e-44); /* subnormal tail */
  CHECK(y[17] > 0.0f);
  sr_test_node_free(&tn);
}

static void test_tanh(void) {
  sr_test_node tn;
  const int32_t d[] = {1, 10};
  CHECK(run1(&tn, &sr_op_tanh, NULL, SIGRUN_TYPE_FLOAT32, 2, d, special) == SIGRUN_STATUS_OK);
  double want[N_SPECIAL];
  for (size_t i = 0; i < N_SPECIAL; i++) want[i] = tanh((double)special[i]);
  check_rel(&tn.outputs[0], want, N_SPECIAL, 2e-7);
  const float* y = tn.outputs[0].data;
  CHECK(y[1] == -1.0f && y[2] == 1.0f && signbit(y[3]));
  sr_test_node_free(&tn);
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
  CHECK(run1(&tn, &sr_op_tanh, NULL, SIGRUN_TYPE_FLOAT32, 2, z2, NULL) == SIGRUN_STATUS_OK);
  sr_test_node_free(&tn);
}

static void test_errors(void) {
  sr_test_node tn;
  const int32_t d[] = {2};
  const int32_t xi[] = {1, -1};
  const sr_op_kind* kinds[] = {&sr_op_relu, &sr_op_relu6, &sr_op_logistic, &sr_op_tanh, &sr_op_softmax};
  for (int k = 0; k < 5; k++) {
    CHECK(run1(&tn, kinds[k], NULL, SIGRUN_TYPE_INT32, 1, d, xi) == SIGRUN_STATUS_UNSUPPORTED);
    CHECK_CONTAINS(tn.error.message, "input type int32 (tensor 0) is not supported; supported: float32");
    CHECK_CONTAINS(tn.error.message, kinds[k]->name);
    sr_test_node_free(&tn);
  }
  const float x[] = {1, 2};
  sr_test_node_init(&tn, "RELU");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, d, x);
  sr_test_output(&tn, SIGRUN_TYPE_INT32);
  CHECK(sr_test_run(&tn, &sr_op_relu, NULL) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "output 0 (tensor 100) has type int32, expected float32");
  sr_test_node_free(&tn);
  sr_test_node_init(&tn, "TANH");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, d, x);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_tanh, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has 2 inputs, expected 1");
  sr_test_node_free(&tn);
  sr_softmax_params one = {1.0f};
  CHECK(run1(&tn, &sr_op_softmax, &one, SIGRUN_TYPE_FLOAT32, 0, NULL, x) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 0 (tensor 0) has rank 0; expected rank >= 1");
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
  sr_parse_ctx ctx = {&op, type, buf ? &table : NULL, &pool, err, 0};
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
  CHECK(sr_op_relu.builtin_code == 19 && sr_op_relu6.builtin_code == 21 && sr_op_logistic.builtin_code == 14 &&
        sr_op_tanh.builtin_code == 28 && sr_op_softmax.builtin_code == 25);
}

int main(void) {
  RUN(test_relu_relu6);
  RUN(test_logistic);
  RUN(test_tanh);
  RUN(test_softmax_rows_and_beta);
  RUN(test_softmax_special);
  RUN(test_errors);
  RUN(test_parse_softmax);
  return TEST_SUMMARY();
}
