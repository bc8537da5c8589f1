/* test_gather.c — GATHER: axes (negative), batch_dims, index types, scalar and empty indices, element types,
 * and the prepare-time and runtime (index out of range) errors. */
#include "harness.h"
#include "ops/gather.h"

extern const sr_op_kind sr_op_gather;

static float iota[64];

static sigrun_status gather(sr_test_node* tn, int rank, const int32_t* shape, sigrun_type idx_type, int idx_rank,
                            const int32_t* idx_dims, const void* idx, int axis, int batch_dims) {
  static sr_gather_params p;
  p.axis = axis;
  p.batch_dims = batch_dims;
  sr_test_node_init(tn, "GATHER");
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, rank, shape, iota);
  sr_test_input(tn, idx_type, idx_rank, idx_dims, idx)->alloc = SR_ALLOC_ARENA; /* indices are usually data */
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
  return sr_test_run(tn, &sr_op_gather, &p);
}

static void test_axes(void) {
  sr_test_node tn;
  const int32_t d32[] = {3, 2}, d23[] = {2, 3}, n3[] = {3}, d21[] = {2, 1};
  const int32_t idx[] = {2, 0, 2};
  CHECK(gather(&tn, 2, d32, SIGRUN_TYPE_INT32, 1, n3, idx, 0, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 2);
  CHECK_VALUES(&tn.outputs[0], 4, 5, 0, 1, 4, 5);
  sr_test_node_free(&tn);
  const int64_t idx64[] = {2, 0};
  CHECK(gather(&tn, 2, d23, SIGRUN_TYPE_INT64, 2, d21, idx64, 1, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 2, 1);
  CHECK_VALUES(&tn.outputs[0], 2, 0, 5, 3);
  sr_test_node_free(&tn);
  CHECK(gather(&tn, 2, d23, SIGRUN_TYPE_INT64, 2, d21, idx64, -1, 0) == SIGRUN_STATUS_OK);
  CHECK_VALUES(&tn.outputs[0], 2, 0, 5, 3);
  sr_test_node_free(&tn);
  /* Outer and inner blocks both larger than one: [2,3,2] along axis 1. */
  const int32_t d322[] = {2, 3, 2}, n4[] = {4}, idx4[] = {1, 1, 0, 2};
  CHECK(gather(&tn, 3, d322, SIGRUN_TYPE_INT32, 1, n4, idx4, 1, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 4, 2);
  CHECK_VALUES(&tn.outputs[0], 2, 3, 2, 3, 0, 1, 4, 5, 8, 9, 8, 9, 6, 7, 10, 11);
  sr_test_node_free(&tn);
  const int16_t one[] = {1};
  CHECK(gather(&tn, 2, d32, SIGRUN_TYPE_INT16, 0, NULL, one, 0, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2);
  CHECK_VALUES(&tn.outputs[0], 2, 3);
  sr_test_node_free(&tn);
}

static void test_batch_dims(void) {
  sr_test_node tn;
  const int32_t d23[] = {2, 3}, d22[] = {2, 2};
  const int32_t idx[] = {0, 2, 1, 1};
  CHECK(gather(&tn, 2, d23, SIGRUN_TYPE_INT32, 2, d22, idx, 1, 1) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 2);
  CHECK_VALUES(&tn.outputs[0], 0, 2, 4, 4);
  sr_test_node_free(&tn);
  CHECK(gather(&tn, 2, d23, SIGRUN_TYPE_INT32, 2, d22, idx, -1, -1) == SIGRUN_STATUS_OK);
  CHECK_VALUES(&tn.outputs[0], 0, 2, 4, 4);
  sr_test_node_free(&tn);
  /* [2,2,3] with batch_dims 1 along axis 2, indices [2,1]: output [2,2,1]. */
  const int32_t d223[] = {2, 2, 3}, d21[] = {2, 1}, idx2[] = {2, 0};
  CHECK(gather(&tn, 3, d223, SIGRUN_TYPE_INT32, 2, d21, idx2, 2, 1) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 2, 1);
  CHECK_VALUES(&tn.outputs[0], 2, 5, 6, 9);
  sr_test_node_free(&tn);
}

static void test_empty_and_types(void) {
  sr_test_node tn;
  const int32_t d03[] = {0, 3}, n0[] = {0}, n1[] = {1}, d32[] = {3, 2};
  CHECK(gather(&tn, 2, d03, SIGRUN_TYPE_INT32, 1, n0, NULL, 0, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 0, 3);
  sr_test_node_free(&tn);
  CHECK(gather(&tn, 2, d32, SIGRUN_TYPE_INT32, 1, n0, NULL, 1, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 0);
  sr_test_node_free(&tn);
  const int32_t zero[] = {0};
  CHECK(gather(&tn, 2, d03, SIGRUN_TYPE_INT32, 1, n1, zero, 0, 0) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "index 0 at position 0 is out of range [0, 0)");
  sr_test_node_free(&tn);

  const sigrun_type types[] = {SIGRUN_TYPE_BOOL, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT64, SIGRUN_TYPE_INT16};
  const int64_t data[4] = {INT64_C(0x0102030405060708), INT64_C(-1), INT64_C(42), INT64_C(0x7f)};
  for (int k = 0; k < 4; k++) {
    const int32_t n4[] = {4}, idx[] = {3, 3, 0};
    const int32_t n3[] = {3};
    sr_test_node_init(&tn, "GATHER");
    size_t esz = sigrun_type_size(types[k]);
    uint8_t in[32];
    for (int i = 0; i < 4; i++) memcpy(in + i * esz, &data[i], esz);
    sr_test_input(&tn, types[k], 1, n4, in);
    sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n3, idx);
    sr_tensor* out = sr_test_output(&tn, types[k]);
    sr_gather_params p = {0, 0};
    CHECK(sr_test_run(&tn, &sr_op_gather, &p) == SIGRUN_STATUS_OK);
    CHECK(memcmp(out->data, in + 3 * esz, esz) == 0);
    CHECK(memcmp((uint8_t*)out->data + 2 * esz, in, esz) == 0);
    sr_test_node_free(&tn);
  }
}

static void test_errors(void) {
  sr_test_node tn;
  const int32_t d23[] = {2, 3}, n2[] = {2}, d22[] = {2, 2}, d32[] = {3, 2};
  const int32_t oob[] = {0, 3}, neg[] = {-1, 0}, ok[] = {0, 1, 0, 1};
  CHECK(gather(&tn, 2, d23, SIGRUN_TYPE_INT32, 1, n2, oob, 1, 0) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "input 1 (tensor 1): index 3 at position 1 is out of range [0, 3)");
  sr_test_node_free(&tn);
  CHECK(gather(&tn, 2, d23, SIGRUN_TYPE_INT32, 1, n2, neg, 0, 0) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "index -1 at position 0");
  sr_test_node_free(&tn);
  CHECK(gather(&tn, 2, d23, SIGRUN_TYPE_INT32, 1, n2, ok, 2, 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "axis 2 is out of range for input 0 of rank 2");
  sr_test_node_free(&tn);
  CHECK(gather(&tn, 2, d23, SIGRUN_TYPE_INT32, 2, d22, ok, 1, 2) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "batch_dims 2 is invalid");
  sr_test_node_free(&tn);
  CHECK(gather(&tn, 2, d32, SIGRUN_TYPE_INT32, 2, d22, ok, 1, 1) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 0 shape [3,2] and indices shape [2,2] differ in batch dimension 0");
  sr_test_node_free(&tn);
  CHECK(gather(&tn, 2, d23, SIGRUN_TYPE_FLOAT32, 1, n2, iota, 0, 0) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "input 1 (indices) (tensor 1) has type float32");
  sr_test_node_free(&tn);
  CHECK(gather(&tn, 0, NULL, SIGRUN_TYPE_INT32, 0, NULL, ok, 0, 0) == SIGRUN_STATUS_BAD_MODEL);
  sr_test_node_free(&tn);
}

int main(void) {
  for (int i = 0; i < 64; i++) iota[i] = (float)i;
  RUN(test_axes);
  RUN(test_batch_dims);
  RUN(test_empty_and_types);
  RUN(test_errors);
  return TEST_SUMMARY();
}
