/* test_reduce.c — MEAN and SUM: axes (negative, repeated, empty, int64, dynamic), keep_dims, int types,
 * empty inputs, scalars and the error cases. Expected values are computed by hand. */
#include "harness.h"
#include "ops/reduce.h"

extern const sr_op_kind sr_op_mean, sr_op_sum;

static const float* f32(const sr_tensor* t) { return (const float*)t->data; }

/* [2,3] -> mean over axis 1. */
static void test_mean_axis1(void) {
  sr_test_node tn;
  sr_test_node_init(&tn, "MEAN");
  const int32_t d[] = {2, 3}, ad[] = {1};
  const float x[] = {1, 2, 6, -1, -2, 0};
  const int32_t ax[] = {1};
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, ax);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  sr_reducer_params p = {0};
  CHECK(sr_test_run(&tn, &sr_op_mean, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2);
  CHECK_NEAR(f32(out)[0], 3.0, 1e-6);
  CHECK_NEAR(f32(out)[1], -1.0, 1e-6);
  sr_test_node_free(&tn);
}

/* [2,3,4], axes {-1, 0, 2} (2 repeated as -1), keep_dims -> [1,3,1]. */
static void test_mean_keep_dims_negative_duplicate(void) {
  sr_test_node tn;
  sr_test_node_init(&tn, "MEAN");
  const int32_t d[] = {2, 3, 4}, ad[] = {3};
  float x[24];
  for (int i = 0; i < 24; i++) x[i] = (float)i;
  const int64_t ax[] = {-1, 0, 2};
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, ad, ax);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  sr_reducer_params p = {1};
  CHECK(sr_test_run(&tn, &sr_op_mean, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 1, 3, 1);
  /* row j: mean of {4j..4j+3} and {12+4j..12+4j+3} = 4j + 7.5 */
  for (int j = 0; j < 3; j++) CHECK_NEAR(f32(out)[j], 4 * j + 7.5, 1e-5);
  sr_test_node_free(&tn);
}

/* Global average pool shape: [2,3,5,3] over {1,2}, odd sizes, batch 2. */
static void test_mean_spatial_batch(void) {
  sr_test_node tn;
  sr_test_node_init(&tn, "MEAN");
  const int32_t d[] = {2, 3, 5, 3}, ad[] = {2};
  float x[90];
  for (int i = 0; i < 90; i++) x[i] = (float)(i % 7) - 2.5f;
  const int32_t ax[] = {2, 1};
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 4, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, ax);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  sr_reducer_params p = {1};
  CHECK(sr_test_run(&tn, &sr_op_mean, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2, 1, 1, 3);
  for (int b = 0; b < 2; b++)
    for (int c = 0; c < 3; c++) {
      double s = 0;
      for (int i = 0; i < 15; i++) s += x[b * 45 + i * 3 + c];
      CHECK_NEAR(f32(out)[b * 3 + c], s / 15, 1e-5);
    }
  sr_test_node_free(&tn);
}

static void test_mean_int_truncates(void) {
  sr_test_node tn;
  sr_test_node_init(&tn, "MEAN");
  const int32_t d[] = {2, 3}, ad[] = {1};
  const int32_t x[] = {-1, -1, -2, 1, 1, 2};
  const int32_t ax[] = {-1};
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 2, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, ax);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_INT32);
  sr_reducer_params p = {0};
  CHECK(sr_test_run(&tn, &sr_op_mean, &p) == SIGRUN_STATUS_OK);
  CHECK(((int32_t*)out->data)[0] == -1 && ((int32_t*)out->data)[1] == 1);
  sr_test_node_free(&tn);
}

static void test_mean_int64_large(void) {
  sr_test_node tn;
  sr_test_node_init(&tn, "MEAN");
  const int32_t d[] = {3}, ad[] = {1};
  const int64_t x[] = {INT64_C(4000000000000), INT64_C(2000000000000), INT64_C(-1)};
  const int32_t ax[] = {0};
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, ax);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_INT64);
  sr_reducer_params p = {0};
  CHECK(sr_test_run(&tn, &sr_op_mean, &p) == SIGRUN_STATUS_OK);
  CHECK(out->rank == 0);
  CHECK(((int64_t*)out->data)[0] == INT64_C(1999999999999));
  sr_test_node_free(&tn);
}

static void test_sum_int_wraps(void) {
  sr_test_node tn;
  sr_test_node_init(&tn, "SUM");
  const int32_t d[] = {2, 3}, ad[] = {1};
  const int32_t x[] = {INT32_MAX, 1, 0, 1, 1, 2};
  const int32_t ax[] = {1};
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 2, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, ax);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_INT32);
  sr_reducer_params p = {0};
  CHECK(sr_test_run(&tn, &sr_op_sum, &p) == SIGRUN_STATUS_OK);
  CHECK(((int32_t*)out->data)[0] == INT32_MIN && ((int32_t*)out->data)[1] == 4);
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "SUM");
  const int64_t y[] = {INT64_MAX, 2, 5, 7, 1, 1};
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 2, d, y);
  const int32_t ax0[] = {0};
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, ax0);
  out = sr_test_output(&tn, SIGRUN_TYPE_INT64);
  p.keep_dims = 1;
  CHECK(sr_test_run(&tn, &sr_op_sum, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 1, 3);
  CHECK(((int64_t*)out->data)[0] == INT64_MIN + 6);
  CHECK(((int64_t*)out->data)[1] == 3 && ((int64_t*)out->data)[2] == 6);
  sr_test_node_free(&tn);
}

static void test_sum_f32_all_axes(void) {
  sr_test_node tn;
  sr_test_node_init(&tn, "SUM");
  const int32_t d[] = {1, 2, 3}, ad[] = {3};
  const float x[] = {0.5f, 1, 2, 3, 4, -10};
  const int32_t ax[] = {0, 1, 2};
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, ax);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  sr_reducer_params p = {0};
  CHECK(sr_test_run(&tn, &sr_op_sum, &p) == SIGRUN_STATUS_OK);
  CHECK(out->rank == 0);
  CHECK_NEAR(f32(out)[0], 0.5, 1e-6);
  sr_test_node_free(&tn);
}

/* An empty axis list reduces nothing: the output is the input. A scalar axis tensor is one axis. */
static void test_empty_and_scalar_axis(void) {
  sr_test_node tn;
  sr_test_node_init(&tn, "MEAN");
  const int32_t d[] = {2, 2}, ad[] = {0};
  const float x[] = {1, 2, 3, 4};
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, NULL);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  sr_reducer_params p = {0};
  CHECK(sr_test_run(&tn, &sr_op_mean, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2, 2);
  for (int i = 0; i < 4; i++) CHECK(f32(out)[i] == x[i]);
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "MEAN");
  const int32_t ax[] = {0};
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 0, NULL, ax);
  out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_mean, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2);
  CHECK(f32(out)[0] == 2 && f32(out)[1] == 3);
  sr_test_node_free(&tn);
}

/* LiteRT: an empty reduction gives NaN for a float mean, 0 for an int mean and for sums. */
static void test_empty_input(void) {
  const int32_t d[] = {0, 3}, ad[] = {1};
  const int32_t ax[] = {0};
  sr_reducer_params p = {0};
  for (int k = 0; k < 3; k++) {
    sr_test_node tn;
    sr_test_node_init(&tn, "MEAN");
    sigrun_type type = k == 1 ? SIGRUN_TYPE_INT32 : SIGRUN_TYPE_FLOAT32;
    sr_test_input(&tn, type, 2, d, NULL);
    sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, ax);
    sr_tensor* out = sr_test_output(&tn, type);
    CHECK(sr_test_run(&tn, k == 2 ? &sr_op_sum : &sr_op_mean, &p) == SIGRUN_STATUS_OK);
    CHECK_SHAPE(out, 3);
    for (int i = 0; i < 3; i++) {
      if (k == 0) CHECK(isnan(f32(out)[i]));
      if (k == 1) CHECK(((int32_t*)out->data)[i] == 0);
      if (k == 2) CHECK(f32(out)[i] == 0.0f);
    }
    sr_test_node_free(&tn);
  }
  /* Reducing a kept zero-sized dimension away leaves an empty output. */
  sr_test_node tn;
  sr_test_node_init(&tn, "SUM");
  const int32_t ax1[] = {1};
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d, NULL);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, ax1);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_sum, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 0);
  sr_test_node_free(&tn);
}

/* A scalar input ignores the axes, even out-of-range ones (as LiteRT does). */
static void test_scalar_input(void) {
  sr_test_node tn;
  sr_test_node_init(&tn, "MEAN");
  const int32_t ad[] = {1};
  const float x[] = {3.5f};
  const int32_t ax[] = {5};
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 0, NULL, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, ax);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  sr_reducer_params p = {1};
  CHECK(sr_test_run(&tn, &sr_op_mean, &p) == SIGRUN_STATUS_OK);
  CHECK(out->rank == 0 && f32(out)[0] == 3.5f);
  sr_test_node_free(&tn);
}

/* A runtime axis tensor: the output shape is computed in eval; a bad value is a RUNTIME error. */
static void test_dynamic_axis(void) {
  sr_test_node tn;
  sr_test_node_init(&tn, "SUM");
  const int32_t d[] = {2, 3}, ad[] = {1};
  const float x[] = {1, 2, 3, 4, 5, 6};
  int32_t ax[] = {0};
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, ax)->alloc = SR_ALLOC_ARENA;
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  sr_reducer_params p = {0};
  CHECK(sr_test_run(&tn, &sr_op_sum, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 3);
  CHECK(f32(out)[0] == 5 && f32(out)[1] == 7 && f32(out)[2] == 9);
  ax[0] = -1;
  CHECK(sr_test_run(&tn, &sr_op_sum, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2);
  CHECK(f32(out)[0] == 6 && f32(out)[1] == 15);
  ax[0] = 2;
  CHECK(sr_test_run(&tn, &sr_op_sum, &p) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "axis[0] = 2 is out of range [-2, 2)");
  sr_test_node_free(&tn);
}

static void test_errors(void) {
  const int32_t d[] = {2, 3}, ad[] = {1};
  const float x[6] = {0};
  const int32_t bad[] = {-3};
  sr_reducer_params p = {0};
  sr_test_node tn;

  sr_test_node_init(&tn, "MEAN");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, bad);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_mean, &p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "axis[0] = -3 is out of range [-2, 2)");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "MEAN");
  sr_test_input(&tn, SIGRUN_TYPE_UINT8, 2, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, bad);
  sr_test_output(&tn, SIGRUN_TYPE_UINT8);
  CHECK(sr_test_run(&tn, &sr_op_mean, &p) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "has type uint8; supported: float32, int32, int64");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "SUM");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, ad, x);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_sum, &p) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "input 1 (axis)");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "SUM");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d, x);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, ad, bad);
  sr_test_output(&tn, SIGRUN_TYPE_INT32);
  CHECK(sr_test_run(&tn, &sr_op_sum, &p) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "output 0");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "SUM");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d, x);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_sum, &p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has 1 inputs, expected 2");
  sr_test_node_free(&tn);
}

int main(void) {
  RUN(test_mean_axis1);
  RUN(test_mean_keep_dims_negative_duplicate);
  RUN(test_mean_spatial_batch);
  RUN(test_mean_int_truncates);
  RUN(test_mean_int64_large);
  RUN(test_sum_int_wraps);
  RUN(test_sum_f32_all_axes);
  RUN(test_empty_and_scalar_axis);
  RUN(test_empty_input);
  RUN(test_scalar_input);
  RUN(test_dynamic_axis);
  RUN(test_errors);
  return TEST_SUMMARY();
}
