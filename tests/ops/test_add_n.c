/*
 * test_add_n.c — ADD_N: sums of 2, 3 and 17 inputs (17 crosses the 16-input batch), int32 wrap-around, an
 * empty tensor, and the refusals: one input, mixed types, mismatched shapes, unsupported types.
 */
#include "../harness.h"

extern const sr_op_kind sr_op_add_n;

static void test_sums(void) {
  const int32_t d23[] = {2, 3};
  const float a[] = {1, 2, 3, 4, 5, 6}, b[] = {0.5f, -2, 0, 1e-3f, 7, -6}, c[] = {1, 1, 1, 1, 1, 1};
  sr_test_node tn;
  sr_test_node_init(&tn, "ADD_N");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d23, a);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d23, b);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d23, c);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_add_n, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2, 3);
  CHECK_VALUES(out, 2.5f, 1, 4, 5.001f, 13, 1);
  sr_test_node_free(&tn);

  const int32_t d1[] = {1};
  const int32_t big[] = {INT32_MAX}, one[] = {1};
  sr_test_node_init(&tn, "ADD_N");
  for (int i = 0; i < 17; i++) sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, d1, i == 0 ? big : one);
  out = sr_test_output(&tn, SIGRUN_TYPE_INT32);
  CHECK(sr_test_run(&tn, &sr_op_add_n, NULL) == SIGRUN_STATUS_OK);
  int32_t got = out->data ? ((const int32_t*)out->data)[0] : 0;
  CHECK(got == INT32_MIN + 15); /* INT32_MAX + 16 wraps */
  sr_test_node_free(&tn);

  const int32_t d0[] = {0, 3};
  sr_test_node_init(&tn, "ADD_N");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d0, NULL);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d0, NULL);
  out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_add_n, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 0, 3);
  sr_test_node_free(&tn);
}

static void test_refusals(void) {
  const int32_t d2[] = {2}, d3[] = {3};
  const float f[] = {1, 2, 3};
  const int32_t i[] = {1, 2, 3};
  const int8_t q[] = {1, 2};
  sr_test_node tn;
  sr_test_node_init(&tn, "ADD_N");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, d2, f);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_add_n, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has 1 inputs, expected 2 or more");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "ADD_N");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, d2, f);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, d2, i);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_add_n, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 1 (tensor 1) has type int32, input 0 has float32");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "ADD_N");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, d2, f);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, d3, f);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_add_n, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 1 (tensor 1) has shape [3], input 0 has [2] (ADD_N does not broadcast)");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "ADD_N");
  sr_test_input(&tn, SIGRUN_TYPE_INT8, 1, d2, q);
  sr_test_input(&tn, SIGRUN_TYPE_INT8, 1, d2, q);
  sr_test_output(&tn, SIGRUN_TYPE_INT8);
  CHECK(sr_test_run(&tn, &sr_op_add_n, NULL) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "has type int8; supported: float32, int32");
  sr_test_node_free(&tn);
}

int main(void) {
  RUN(test_sums);
  RUN(test_refusals);
  return TEST_SUMMARY();
}
