/*
 * test_elementwise.c — ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM and the broadcast helper: hand-computed cases
 * (LiteRT's clamping, wrapping, NaN and division rules), error messages, option parsing, and a randomised
 * differential test of every op and type against a naive index-by-index broadcasting reference.
 */
#include <float.h>
#include <stdint.h>

#include "harness.h"
#include "../src/format/schema_enums.h"
#include "../src/ops/broadcast.h"
#include "../src/ops/elementwise.h"

extern const sr_op_kind sr_op_add, sr_op_sub, sr_op_mul, sr_op_div, sr_op_maximum, sr_op_minimum;

/* Runs one binary node; the output stays in tn for the caller (free with sr_test_node_free). */
static sigrun_status run2(sr_test_node* tn, const sr_op_kind* kind, int activation, sigrun_type type, int ra,
                          const int32_t* da, const void* a, int rb, const int32_t* db, const void* b) {
  static sr_binary_params params;
  params.activation = activation;
  sr_test_node_init(tn, kind->name);
  sr_test_input(tn, type, ra, da, a);
  sr_test_input(tn, type, rb, db, b);
  sr_test_output(tn, type);
  return sr_test_run(tn, kind, &params);
}

static int same_f32(float x, float y) { return (isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof x) == 0; }

static void check_f32(const sr_tensor* t, const float* want, size_t n) {
  CHECK(sr_tensor_count(t) == n);
  const float* got = t->data;
  for (size_t i = 0; i < n; i++) {
    if (!same_f32(got[i], want[i])) {
      fprintf(stderr, "  element %zu: got %.9g want %.9g\n", i, got[i], want[i]);
      CHECK(same_f32(got[i], want[i]));
    }
  }
}

static void check_shape(const sr_tensor* t, int rank, const int32_t* dims) {
  CHECK(t->rank == rank);
  for (int i = 0; i < rank && i < t->rank; i++) CHECK(t->dims[i] == dims[i]);
}

/* ---- broadcast.h ---- */

static void test_broadcast_shape(void) {
  int32_t out[SR_MAX_RANK];
  int rank = -1, bad = -1;
  const int32_t a[] = {2, 1, 4}, b[] = {3, 1};
  CHECK(sr_broadcast_shape(a, 3, b, 2, out, &rank, &bad));
  CHECK(rank == 3 && out[0] == 2 && out[1] == 3 && out[2] == 4);
  const int32_t z[] = {0, 1}, c[] = {5};
  CHECK(sr_broadcast_shape(z, 2, c, 1, out, &rank, &bad) && rank == 2 && out[0] == 0 && out[1] == 5);
  const int32_t one[] = {1};
  CHECK(sr_broadcast_shape(z, 1, one, 1, out, &rank, &bad) && rank == 1 && out[0] == 0);
  CHECK(sr_broadcast_shape(NULL, 0, NULL, 0, out, &rank, &bad) && rank == 0);
  const int32_t x[] = {2, 3}, y[] = {4};
  CHECK(!sr_broadcast_shape(x, 2, y, 1, out, &rank, &bad) && bad == 1);
  const int32_t zero[] = {0}, two[] = {2};
  CHECK(!sr_broadcast_shape(zero, 1, two, 1, out, &rank, &bad) && bad == 0);
}

static void plan_for(sr_broadcast_plan* p, int ra, const int32_t* a, int rb, const int32_t* b) {
  int32_t out[SR_MAX_RANK];
  int rank, bad;
  CHECK(sr_broadcast_shape(a, ra, b, rb, out, &rank, &bad));
  const int32_t* dims[2] = {a, b};
  const int ranks[2] = {ra, rb};
  CHECK(sr_broadcast_plan_init(p, 2, dims, ranks, out, rank));
}

static void test_broadcast_plan_merges(void) {
  sr_broadcast_plan p;
  const int32_t s[] = {2, 3, 4};
  plan_for(&p, 3, s, 3, s); /* same shape: one flat row */
  CHECK(p.rank == 1 && p.dims[0] == 24 && p.outer == 1 && p.strides[0][0] == 1 && p.strides[1][0] == 1);
  const int32_t v[] = {4};
  plan_for(&p, 3, s, 1, v); /* trailing vector */
  CHECK(p.rank == 2 && p.dims[0] == 6 && p.dims[1] == 4 && p.outer == 6);
  CHECK(p.strides[0][0] == 4 && p.strides[0][1] == 1 && p.strides[1][0] == 0 && p.strides[1][1] == 1);
  plan_for(&p, 3, s, 0, NULL); /* scalar */
  CHECK(p.rank == 1 && p.dims[0] == 24 && p.strides[1][0] == 0);
  const int32_t a[] = {2, 1, 4}, b[] = {3, 1};
  plan_for(&p, 3, a, 2, b); /* out [2,3,4]: three alternating runs */
  CHECK(p.rank == 3 && p.dims[0] == 2 && p.dims[1] == 3 && p.dims[2] == 4 && p.outer == 6);
  CHECK(p.strides[0][0] == 4 && p.strides[0][1] == 0 && p.strides[0][2] == 1);
  CHECK(p.strides[1][0] == 0 && p.strides[1][1] == 1 && p.strides[1][2] == 0);
  const int32_t ones[] = {1, 1, 1};
  plan_for(&p, 3, ones, 0, NULL); /* all-ones output */
  CHECK(p.rank == 1 && p.dims[0] == 1 && p.outer == 1);
  const int32_t c[] = {3, 1, 5, 1}, d[] = {3, 1, 5, 1};
  plan_for(&p, 4, c, 4, d); /* size-1 dims dropped before merging */
  CHECK(p.rank == 1 && p.dims[0] == 15);
}

/* ---- hand-computed cases ---- */

static void test_add_same_shape_and_batch(void) {
  sr_test_node tn;
  const int32_t s[] = {2, 3};
  const float a[] = {1, 2, 3, 4, 5, 6}, b[] = {0.5f, -1, 10, -4, 0, 0.25f};
  CHECK(run2(&tn, &sr_op_add, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 2, s, a, 2, s, b) == SIGRUN_STATUS_OK);
  const float want[] = {1.5f, 1, 13, 0, 5, 6.25f};
  check_shape(&tn.outputs[0], 2, s);
  check_f32(&tn.outputs[0], want, 6);
  sr_test_node_free(&tn);
}

static void test_broadcast_column_row(void) {
  sr_test_node tn;
  const int32_t da[] = {2, 1}, db[] = {3}, dout[] = {2, 3};
  const float a[] = {1, 2}, b[] = {10, 20, 30};
  CHECK(run2(&tn, &sr_op_sub, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 2, da, a, 1, db, b) == SIGRUN_STATUS_OK);
  const float want[] = {-9, -19, -29, -8, -18, -28};
  check_shape(&tn.outputs[0], 2, dout);
  check_f32(&tn.outputs[0], want, 6);
  sr_test_node_free(&tn);
  /* scalar (rank 0) on the left, odd sizes */
  const int32_t dv[] = {1, 5, 1};
  const float s = 3, v[] = {1, 2, 3, 4, 5};
  CHECK(run2(&tn, &sr_op_mul, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 0, NULL, &s, 3, dv, v) == SIGRUN_STATUS_OK);
  const float want2[] = {3, 6, 9, 12, 15};
  check_shape(&tn.outputs[0], 3, dv);
  check_f32(&tn.outputs[0], want2, 5);
  sr_test_node_free(&tn);
}

static void test_broadcast_rank8(void) {
  sr_test_node tn;
  const int32_t da[] = {2, 1, 1, 1, 1, 1, 1, 2}, db[] = {1, 1, 1, 1, 1, 1, 3, 1};
  const float a[] = {1, 2, 3, 4}, b[] = {10, 20, 30};
  CHECK(run2(&tn, &sr_op_add, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 8, da, a, 8, db, b) == SIGRUN_STATUS_OK);
  const int32_t dout[] = {2, 1, 1, 1, 1, 1, 3, 2};
  const float want[] = {11, 12, 21, 22, 31, 32, 13, 14, 23, 24, 33, 34};
  check_shape(&tn.outputs[0], 8, dout);
  check_f32(&tn.outputs[0], want, 12);
  sr_test_node_free(&tn);
}

static void test_fused_activations(void) {
  const int32_t s[] = {6};
  const float a[] = {-3, -0.5f, 0.5f, 3, 10, -0.0f}, zero[6] = {0};
  struct {
    int act;
    float want[6];
  } cases[] = {
      {SR_ACT_NONE, {-3, -0.5f, 0.5f, 3, 10, 0.0f}},
      {SR_ACT_RELU, {0, 0, 0.5f, 3, 10, 0.0f}},
      {SR_ACT_RELU_N1_TO_1, {-1, -0.5f, 0.5f, 1, 1, 0.0f}},
      {SR_ACT_RELU6, {0, 0, 0.5f, 3, 6, 0.0f}},
      {SR_ACT_TANH, {-3, -0.5f, 0.5f, 3, 10, 0.0f}},     /* LiteRT: not a clamp, ignored */
      {SR_ACT_SIGN_BIT, {-3, -0.5f, 0.5f, 3, 10, 0.0f}}, /* likewise */
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    sr_test_node tn;
    CHECK(run2(&tn, &sr_op_add, cases[c].act, SIGRUN_TYPE_FLOAT32, 1, s, a, 1, s, zero) == SIGRUN_STATUS_OK);
    check_f32(&tn.outputs[0], cases[c].want, 6);
    sr_test_node_free(&tn);
  }
  /* the activation applies to DIV and MUL too; MAXIMUM ignores it */
  sr_test_node tn;
  const float two[6] = {2, 2, 2, 2, 2, 2};
  CHECK(run2(&tn, &sr_op_div, SR_ACT_RELU6, SIGRUN_TYPE_FLOAT32, 1, s, a, 1, s, two) == SIGRUN_STATUS_OK);
  const float want_div[] = {0, 0, 0.25f, 1.5f, 5, -0.0f}; /* -0 passes a clamp at 0 */
  check_f32(&tn.outputs[0], want_div, 6);
  sr_test_node_free(&tn);
  CHECK(run2(&tn, &sr_op_maximum, SR_ACT_RELU6, SIGRUN_TYPE_FLOAT32, 1, s, a, 1, s, two) == SIGRUN_STATUS_OK);
  const float want_max[] = {2, 2, 2, 3, 10, 2};
  check_f32(&tn.outputs[0], want_max, 6);
  sr_test_node_free(&tn);
}

/* LiteRT clamps to [-FLT_MAX, FLT_MAX] even without an activation; NaN passes through. */
static void test_float_clamp_inf_nan(void) {
  sr_test_node tn;
  const int32_t s[] = {5};
  const float a[] = {INFINITY, -INFINITY, NAN, 3e38f, 1}, b[] = {0, 0, 0, 3e38f, 0};
  CHECK(run2(&tn, &sr_op_add, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 1, s, a, 1, s, b) == SIGRUN_STATUS_OK);
  const float want_add[] = {FLT_MAX, -FLT_MAX, NAN, FLT_MAX, 1};
  check_f32(&tn.outputs[0], want_add, 5);
  sr_test_node_free(&tn);
  CHECK(run2(&tn, &sr_op_div, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 1, s, a, 1, s, b) == SIGRUN_STATUS_OK);
  const float want_div[] = {FLT_MAX, -FLT_MAX, NAN, 1, FLT_MAX};
  check_f32(&tn.outputs[0], want_div, 5);
  sr_test_node_free(&tn);
  CHECK(run2(&tn, &sr_op_mul, SR_ACT_RELU, SIGRUN_TYPE_FLOAT32, 1, s, a, 1, s, b) == SIGRUN_STATUS_OK);
  const float want_mul[] = {NAN, NAN, NAN, FLT_MAX, 0};
  check_f32(&tn.outputs[0], want_mul, 5);
  sr_test_node_free(&tn);
}

static void test_maximum_minimum_nan_and_signed_zero(void) {
  sr_test_node tn;
  const int32_t s[] = {5};
  const float a[] = {NAN, 1, NAN, -0.0f, 0.0f}, b[] = {1, NAN, NAN, 0.0f, -0.0f};
  CHECK(run2(&tn, &sr_op_maximum, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 1, s, a, 1, s, b) == SIGRUN_STATUS_OK);
  const float want[] = {1, NAN, NAN, 0.0f, -0.0f}; /* a > b ? a : b, as LiteRT */
  check_f32(&tn.outputs[0], want, 5);
  sr_test_node_free(&tn);
  CHECK(run2(&tn, &sr_op_minimum, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 1, s, a, 1, s, b) == SIGRUN_STATUS_OK);
  check_f32(&tn.outputs[0], want, 5); /* a < b ? a : b gives the same picks here */
  sr_test_node_free(&tn);
  const float c[] = {-2, 5, 7}, d[] = {4};
  const int32_t s3[] = {3}, s1[] = {1};
  CHECK(run2(&tn, &sr_op_minimum, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 1, s3, c, 1, s1, d) == SIGRUN_STATUS_OK);
  const float want_min[] = {-2, 4, 4};
  check_f32(&tn.outputs[0], want_min, 3);
  sr_test_node_free(&tn);
}

static void test_int32_wrap_and_activation(void) {
  sr_test_node tn;
  const int32_t s[] = {4};
  const int32_t a[] = {INT32_MAX, INT32_MIN, 65536, -7}, b[] = {1, -1, 65536, 3};
  CHECK(run2(&tn, &sr_op_add, SR_ACT_NONE, SIGRUN_TYPE_INT32, 1, s, a, 1, s, b) == SIGRUN_STATUS_OK);
  const int32_t* y = tn.outputs[0].data;
  CHECK(y[0] == INT32_MIN && y[1] == INT32_MAX && y[2] == 131072 && y[3] == -4);
  sr_test_node_free(&tn);
  CHECK(run2(&tn, &sr_op_mul, SR_ACT_NONE, SIGRUN_TYPE_INT32, 1, s, a, 1, s, b) == SIGRUN_STATUS_OK);
  y = tn.outputs[0].data;
  CHECK(y[0] == INT32_MAX && y[1] == INT32_MIN && y[2] == 0 && y[3] == -21);
  sr_test_node_free(&tn);
  CHECK(run2(&tn, &sr_op_sub, SR_ACT_RELU6, SIGRUN_TYPE_INT32, 1, s, a, 1, s, b) == SIGRUN_STATUS_OK);
  y = tn.outputs[0].data;
  CHECK(y[0] == 6 && y[1] == 0 && y[2] == 0 && y[3] == 0);
  sr_test_node_free(&tn);
  CHECK(run2(&tn, &sr_op_add, SR_ACT_RELU_N1_TO_1, SIGRUN_TYPE_INT32, 1, s, a, 1, s, b) == SIGRUN_STATUS_OK);
  y = tn.outputs[0].data;
  CHECK(y[0] == -1 && y[1] == 1 && y[2] == 1 && y[3] == -1);
  sr_test_node_free(&tn);
}

static void test_int64_ops(void) {
  sr_test_node tn;
  const int32_t da[] = {2, 2}, db[] = {2};
  const int64_t a[] = {INT64_MAX, -5, 3000000000LL, 7}, b[] = {1, -10};
  CHECK(run2(&tn, &sr_op_add, SR_ACT_NONE, SIGRUN_TYPE_INT64, 2, da, a, 1, db, b) == SIGRUN_STATUS_OK);
  const int64_t* y = tn.outputs[0].data;
  CHECK(y[0] == INT64_MIN && y[1] == -15 && y[2] == 3000000001LL && y[3] == -3);
  sr_test_node_free(&tn);
  CHECK(run2(&tn, &sr_op_mul, SR_ACT_RELU, SIGRUN_TYPE_INT64, 2, da, a, 1, db, b) == SIGRUN_STATUS_OK);
  y = tn.outputs[0].data;
  CHECK(y[0] == INT64_MAX && y[1] == 50 && y[2] == 3000000000LL && y[3] == 0);
  sr_test_node_free(&tn);
  CHECK(run2(&tn, &sr_op_maximum, SR_ACT_NONE, SIGRUN_TYPE_INT64, 2, da, a, 1, db, b) == SIGRUN_STATUS_OK);
  y = tn.outputs[0].data;
  CHECK(y[0] == INT64_MAX && y[1] == -5 && y[2] == 3000000000LL && y[3] == 7);
  sr_test_node_free(&tn);
}

static void test_int32_div(void) {
  sr_test_node tn;
  const int32_t s[] = {6};
  const int32_t a[] = {-7, 7, -7, -123, INT32_MIN, INT32_MAX}, b[] = {2, -2, -2, 67, -1, -1};
  CHECK(run2(&tn, &sr_op_div, SR_ACT_NONE, SIGRUN_TYPE_INT32, 1, s, a, 1, s, b) == SIGRUN_STATUS_OK);
  const int32_t* y = tn.outputs[0].data;
  /* truncation toward zero; INT32_MIN / -1 clamps to INT32_MAX as in LiteRT */
  CHECK(y[0] == -3 && y[1] == -3 && y[2] == 3 && y[3] == -1 && y[4] == INT32_MAX && y[5] == -INT32_MAX);
  sr_test_node_free(&tn);
  const int32_t z[] = {1, 2, 0, 4, 5, 6};
  CHECK(run2(&tn, &sr_op_div, SR_ACT_NONE, SIGRUN_TYPE_INT32, 1, s, a, 1, s, z) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "integer division by zero");
  CHECK_CONTAINS(tn.error.message, "element 2 is 0");
  CHECK_CONTAINS(tn.error.message, "operator 0 (DIV)");
  sr_test_node_free(&tn);
  /* the divisor is checked even when the output is empty */
  const int32_t d0[] = {0}, d1[] = {1};
  const int32_t zero = 0;
  CHECK(run2(&tn, &sr_op_div, SR_ACT_NONE, SIGRUN_TYPE_INT32, 1, d0, a, 1, d1, &zero) == SIGRUN_STATUS_RUNTIME);
  sr_test_node_free(&tn);
  /* float division by zero is not an error */
  const float fa[] = {1}, fb[] = {0};
  CHECK(run2(&tn, &sr_op_div, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 1, d1, fa, 1, d1, fb) == SIGRUN_STATUS_OK);
  sr_test_node_free(&tn);
}

static void test_zero_sized(void) {
  sr_test_node tn;
  const int32_t da[] = {0, 1}, db[] = {3}, dout[] = {0, 3};
  const float b[] = {1, 2, 3};
  CHECK(run2(&tn, &sr_op_add, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 2, da, NULL, 1, db, b) == SIGRUN_STATUS_OK);
  check_shape(&tn.outputs[0], 2, dout);
  CHECK(sr_tensor_count(&tn.outputs[0]) == 0);
  sr_test_node_free(&tn);
  const int32_t dc[] = {2, 0}, dd[] = {1};
  const int64_t one = 1;
  CHECK(run2(&tn, &sr_op_mul, SR_ACT_NONE, SIGRUN_TYPE_INT64, 2, dc, NULL, 1, dd, &one) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].rank == 2 && tn.outputs[0].dims[1] == 0);
  sr_test_node_free(&tn);
}

static void test_errors(void) {
  sr_test_node tn;
  const int32_t s[] = {2}, s4[] = {4}, s23[] = {2, 3};
  const float f[6] = {0};
  const int32_t i[4] = {1, 1, 1, 1};
  /* mixed input types */
  sr_test_node_init(&tn, "ADD");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, s, f);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, s, i);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_add, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 0 (tensor 0) has type float32 but input 1 (tensor 1) has type int32");
  sr_test_node_free(&tn);
  /* unsupported type */
  const uint16_t h[2] = {0};
  CHECK(run2(&tn, &sr_op_add, SR_ACT_NONE, SIGRUN_TYPE_FLOAT16, 1, s, h, 1, s, h) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "input type float16 (tensor 0) is not supported; supported: float32, int32, int64");
  sr_test_node_free(&tn);
  CHECK(run2(&tn, &sr_op_sub, SR_ACT_NONE, SIGRUN_TYPE_INT16, 1, s, h, 1, s, h) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "input type unquantized int16 (tensor 0) is not supported");
  sr_test_node_free(&tn);
  const int64_t l[2] = {1, 1};
  CHECK(run2(&tn, &sr_op_div, SR_ACT_NONE, SIGRUN_TYPE_INT64, 1, s, l, 1, s, l) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "supported: float32, int32");
  sr_test_node_free(&tn);
  /* shapes that do not broadcast */
  CHECK(run2(&tn, &sr_op_maximum, SR_ACT_NONE, SIGRUN_TYPE_FLOAT32, 2, s23, f, 1, s4, f) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input shapes [2,3] (tensor 0) and [4] (tensor 1) do not broadcast");
  CHECK_CONTAINS(tn.error.message, "output axis 1");
  sr_test_node_free(&tn);
  /* output type differs from the inputs */
  sr_test_node_init(&tn, "SUB");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, s, f);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, s, f);
  sr_test_output(&tn, SIGRUN_TYPE_INT32);
  CHECK(sr_test_run(&tn, &sr_op_sub, NULL) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "output 0 (tensor 100) has type int32, expected float32");
  sr_test_node_free(&tn);
  /* wrong input count */
  sr_test_node_init(&tn, "MUL");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, s, f);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_mul, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has 1 inputs, expected 2");
  sr_test_node_free(&tn);
  /* absent optional input where a tensor is required */
  sr_test_node_init(&tn, "MUL");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, s, f);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, -1, NULL, NULL);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_mul, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "required input 1 is absent");
  sr_test_node_free(&tn);
}

/* ---- option parsing, on hand-built flatbuffer tables ---- */

/* A buffer whose root table holds one int8 field 0 = value (or no field when present == 0). */
static size_t make_i8_table(uint8_t* buf, int present, int8_t value) {
  memset(buf, 0, 32);
  buf[0] = 12;                 /* root offset -> table at 12 */
  buf[4] = present ? 6 : 4;    /* vtable at 4: size */
  buf[6] = 8;                  /* table inline size */
  buf[8] = present ? 4 : 0;    /* field 0 at table + 4 */
  buf[12] = 8;                 /* table -> vtable: 12 - 4 */
  buf[16] = (uint8_t)value;
  return 20;
}

static sigrun_status parse_with(const sr_op_kind* kind, int options_type, const uint8_t* buf, size_t size,
                                const void** params, sigrun_error* err) {
  sr_fb fb = {buf, size};
  sr_fb_table table;
  if (buf) CHECK(sr_fb_root(&fb, &table) == SR_FB_OK);
  sr_operator op;
  memset(&op, 0, sizeof op);
  op.name = kind->name;
  static sr_pool pool;
  sr_pool_init(&pool);
  sr_parse_ctx ctx = {&op, options_type, buf ? &table : NULL, &pool, err, 0, 0, NULL};
  sigrun_status st = kind->parse(&ctx, params);
  static sr_binary_params copy;
  if (st == SIGRUN_STATUS_OK && *params) {
    copy = *(const sr_binary_params*)*params;
    *params = &copy;
  }
  sr_pool_destroy(&pool);
  return st;
}

static void test_parse_options(void) {
  uint8_t buf[32];
  const void* params = NULL;
  sigrun_error err;
  size_t n = make_i8_table(buf, 1, SR_ACT_RELU6);
  CHECK(parse_with(&sr_op_add, SR_OPTIONS_ADD, buf, n, &params, &err) == SIGRUN_STATUS_OK);
  CHECK(params && ((const sr_binary_params*)params)->activation == SR_ACT_RELU6);
  n = make_i8_table(buf, 0, 0);
  CHECK(parse_with(&sr_op_div, SR_OPTIONS_DIV, buf, n, &params, &err) == SIGRUN_STATUS_OK);
  CHECK(params && ((const sr_binary_params*)params)->activation == SR_ACT_NONE);
  CHECK(parse_with(&sr_op_sub, SR_OPTIONS_NONE, NULL, 0, &params, &err) == SIGRUN_STATUS_OK);
  CHECK(params && ((const sr_binary_params*)params)->activation == SR_ACT_NONE);
  n = make_i8_table(buf, 1, 9);
  CHECK(parse_with(&sr_op_mul, SR_OPTIONS_MUL, buf, n, &params, &err) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "fused activation 9 is not a known ActivationFunctionType");
  n = make_i8_table(buf, 1, 0);
  CHECK(parse_with(&sr_op_add, SR_OPTIONS_MUL, buf, n, &params, &err) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "union type 21, expected 11");
  CHECK(parse_with(&sr_op_maximum, SR_OPTIONS_MAXIMUM_MINIMUM, buf, n, &params, &err) == SIGRUN_STATUS_OK);
  CHECK(params == NULL);
  CHECK(parse_with(&sr_op_minimum, SR_OPTIONS_ADD, buf, n, &params, &err) == SIGRUN_STATUS_BAD_MODEL);
  CHECK(sr_op_add.builtin_code == 0 && sr_op_sub.builtin_code == 41 && sr_op_mul.builtin_code == 18 &&
        sr_op_div.builtin_code == 42 && sr_op_maximum.builtin_code == 55 && sr_op_minimum.builtin_code == 57);
}

/* ---- randomised differential test against a naive reference ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MAX, OP_MIN };

static void act_range(int act, double* lo, double* hi) {
  *lo = -FLT_MAX, *hi = FLT_MAX;
  if (act == SR_ACT_RELU) *lo = 0;
  if (act == SR_ACT_RELU6) *lo = 0, *hi = 6;
  if (act == SR_ACT_RELU_N1_TO_1) *lo = -1, *hi = 1;
}

static float ref_f32(int op, int act, float a, float b) {
  float r;
  switch (op) {
    case OP_ADD: r = a + b; break;
    case OP_SUB: r = a - b; break;
    case OP_MUL: r = a * b; break;
    case OP_DIV: r = a / b; break;
    case OP_MAX: return a > b ? a : b;
    default: return a < b ? a : b;
  }
  double lo, hi;
  act_range(act, &lo, &hi);
  if (r < lo) r = (float)lo;
  if (r > hi) r = (float)hi;
  return r;
}

/* Wrapped integer arithmetic; DIV is exact in int64 and then clamped like every result. */
static int64_t ref_int(int op, int act, int64_t a, int64_t b, int bits) {
  uint64_t ua = (uint64_t)a, ub = (uint64_t)b, r;
  switch (op) {
    case OP_ADD: r = ua + ub; break;
    case OP_SUB: r = ua - ub; break;
    case OP_MUL: r = ua * ub; break;
    case OP_DIV: r = (uint64_t)(a / b); break;
    case OP_MAX: return a > b ? a : b;
    default: return a < b ? a : b;
  }
  int64_t v = (bits == 32 && op != OP_DIV) ? (int64_t)(int32_t)(uint32_t)r : (int64_t)r;
  int64_t lo = bits == 32 ? INT32_MIN : INT64_MIN, hi = bits == 32 ? INT32_MAX : INT64_MAX;
  if (act == SR_ACT_RELU) lo = 0;
  if (act == SR_ACT_RELU6) lo = 0, hi = 6;
  if (act == SR_ACT_RELU_N1_TO_1) lo = -1, hi = 1;
  return v < lo ? lo : (v > hi ? hi : v);
}

/* Offset of output multi-index idx in an input of shape (dims, rank) aligned right. */
static size_t naive_offset(const int32_t* idx, int out_rank, const int32_t* dims, int rank) {
  size_t off = 0;
  for (int i = 0; i < rank; i++) {
    int oi = i + out_rank - rank;
    off = off * (size_t)dims[i] + (dims[i] == 1 ? 0 : (size_t)idx[oi]);
  }
  return off;
}

static void random_shape_pair(int32_t* out, int* rout, int32_t* a, int* ra, int32_t* b, int* rb) {
  int r = (int)(rng() % (SR_MAX_RANK + 1));
  *rout = r;
  for (int i = 0; i < r; i++) out[i] = (int32_t)(1 + rng() % 3);
  if (rng() % 16 == 0 && r > 0) out[rng() % (uint64_t)r] = 0;
  *ra = r - (int)(rng() % (uint64_t)(r + 1)) * (rng() % 2 == 0);
  *rb = r - (int)(rng() % (uint64_t)(r + 1)) * (rng() % 2 == 0);
  for (int i = 0; i < *ra; i++) a[i] = rng() % 3 == 0 ? 1 : out[i + r - *ra];
  for (int i = 0; i < *rb; i++) b[i] = rng() % 3 == 0 ? 1 : out[i + r - *rb];
  for (int i = 0; i < r; i++) { /* the true result: an axis where both inputs have 1 is 1 */
    int ia = i - (r - *ra), ib = i - (r - *rb);
    int32_t x = ia >= 0 ? a[ia] : 1, y = ib >= 0 ? b[ib] : 1;
    out[i] = x == 1 ? y : x;
  }
}

static void fill(sigrun_type type, void* data, size_t n, int nonzero) {
  for (size_t i = 0; i < n; i++) {
    if (type == SIGRUN_TYPE_FLOAT32) {
      float v = (float)((double)(rng() % 20001) / 1000.0 - 10.0);
      if (rng() % 50 == 0) v = (rng() % 2) ? INFINITY : NAN;
      if (nonzero && v == 0.0f) v = 1.0f;
      ((float*)data)[i] = v;
    } else if (type == SIGRUN_TYPE_INT32) {
      int32_t v = (rng() % 4 == 0) ? (int32_t)(uint32_t)rng() : (int32_t)(rng() % 201) - 100;
      if (nonzero && v == 0) v = -1;
      ((int32_t*)data)[i] = v;
    } else {
      int64_t v = (rng() % 4 == 0) ? (int64_t)(rng() >> 1) - (int64_t)(rng() >> 2) : (int64_t)(rng() % 201) - 100;
      ((int64_t*)data)[i] = v;
    }
  }
}

static void test_random_against_naive(void) {
  const sr_op_kind* kinds[] = {&sr_op_add, &sr_op_sub, &sr_op_mul, &sr_op_div, &sr_op_maximum, &sr_op_minimum};
  const sigrun_type types[] = {SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT32, SIGRUN_TYPE_INT64};
  static uint8_t abuf[6561 * 8], bbuf[6561 * 8];
  int mismatches = 0, runs = 0;
  for (int trial = 0; trial < 600; trial++) {
    int op = trial % 6, ti = (trial / 6) % 3;
    if (op == OP_DIV && ti == 2) continue;
    int act = (op == OP_MAX || op == OP_MIN) ? SR_ACT_NONE : (int)(rng() % 6);
    int32_t out[SR_MAX_RANK], da[SR_MAX_RANK], db[SR_MAX_RANK];
    int rout, ra, rb;
    random_shape_pair(out, &rout, da, &ra, db, &rb);
    size_t na = 1, nb = 1, no = 1;
    for (int i = 0; i < ra; i++) na *= (size_t)da[i];
    for (int i = 0; i < rb; i++) nb *= (size_t)db[i];
    for (int i = 0; i < rout; i++) no *= (size_t)out[i];
    sigrun_type type = types[ti];
    fill(type, abuf, na, 0);
    fill(type, bbuf, nb, op == OP_DIV);
    sr_test_node tn;
    sigrun_status st = run2(&tn, kinds[op], act, type, ra, da, abuf, rb, db, bbuf);
    CHECK(st == SIGRUN_STATUS_OK);
    if (st != SIGRUN_STATUS_OK) {
      fprintf(stderr, "  %s\n", tn.error.message);
      sr_test_node_free(&tn);
      continue;
    }
    runs++;
    const sr_tensor* y = &tn.outputs[0];
    CHECK(sr_tensor_count(y) == no);
    int32_t idx[SR_MAX_RANK] = {0};
    for (size_t e = 0; e < no; e++) {
      size_t rem = e;
      for (int i = rout - 1; i >= 0; i--) idx[i] = (int32_t)(rem % (size_t)out[i]), rem /= (size_t)out[i];
      size_t oa = naive_offset(idx, rout, da, ra), ob = naive_offset(idx, rout, db, rb);
      int ok;
      if (type == SIGRUN_TYPE_FLOAT32) {
        ok = same_f32(((float*)y->data)[e], ref_f32(op, act, ((float*)abuf)[oa], ((float*)bbuf)[ob]));
      } else if (type == SIGRUN_TYPE_INT32) {
        ok = ((int32_t*)y->data)[e] == ref_int(op, act, ((int32_t*)abuf)[oa], ((int32_t*)bbuf)[ob], 32);
      } else {
        ok = ((int64_t*)y->data)[e] == ref_int(op, act, ((int64_t*)abuf)[oa], ((int64_t*)bbuf)[ob], 64);
      }
      if (!ok && mismatches++ < 5)
        fprintf(stderr, "  mismatch: op %d type %d act %d trial %d element %zu\n", op, (int)type, act, trial, e);
    }
    sr_test_node_free(&tn);
  }
  CHECK(mismatches == 0);
  CHECK(runs > 400);
}

int main(void) {
  RUN(test_broadcast_shape);
  RUN(test_broadcast_plan_merges);
  RUN(test_add_same_shape_and_batch);
  RUN(test_broadcast_column_row);
  RUN(test_broadcast_rank8);
  RUN(test_fused_activations);
  RUN(test_float_clamp_inf_nan);
  RUN(test_maximum_minimum_nan_and_signed_zero);
  RUN(test_int32_wrap_and_activation);
  RUN(test_int64_ops);
  RUN(test_int32_div);
  RUN(test_zero_sized);
  RUN(test_errors);
  RUN(test_parse_options);
  RUN(test_random_against_naive);
  return TEST_SUMMARY();
}
