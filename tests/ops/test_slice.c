/* test_slice.c — STRIDED_SLICE (masks, negative strides, clamping, ellipsis, new axes, shrink, offset,
 * LiteRT's quirks, dynamic indices) and SLICE. Expected values were checked against ai_edge_litert. */
#include "harness.h"
#include "ops/slice.h"

extern const sr_op_kind sr_op_strided_slice, sr_op_slice;

static float iota[64];

/* STRIDED_SLICE of an iota input of `shape` with n int32 begin/end/strides. */
static sigrun_status ss(sr_test_node* tn, int rank, const int32_t* shape, int n, const int32_t* b, const int32_t* e,
                        const int32_t* s, sr_strided_slice_params p) {
  static sr_strided_slice_params params;
  params = p;
  const int32_t nd[] = {n};
  sr_test_node_init(tn, "STRIDED_SLICE");
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, rank, shape, iota);
  sr_test_input(tn, SIGRUN_TYPE_INT32, 1, nd, b);
  sr_test_input(tn, SIGRUN_TYPE_INT32, 1, nd, e);
  sr_test_input(tn, SIGRUN_TYPE_INT32, 1, nd, s);
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
  return sr_test_run(tn, &sr_op_strided_slice, &params);
}

#define I32(...) ((const int32_t[]){__VA_ARGS__})
static const sr_strided_slice_params none = {0, 0, 0, 0, 0, 0};

static void test_ss_basic_and_negative_strides(void) {
  sr_test_node tn;
  const int32_t d34[] = {3, 4};
  CHECK(ss(&tn, 2, d34, 2, I32(1, 0), I32(3, 4), I32(1, 2), none) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 2);
  CHECK_VALUES(&tn.outputs[0], 4, 6, 8, 10);
  sr_test_node_free(&tn);
  CHECK(ss(&tn, 2, d34, 2, I32(-1, 3), I32(-4, 0), I32(-1, -1), none) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 3);
  CHECK_VALUES(&tn.outputs[0], 11, 10, 9, 7, 6, 5, 3, 2, 1);
  sr_test_node_free(&tn);
  sr_strided_slice_params end_mask = {0, 3, 0, 0, 0, 0};
  CHECK(ss(&tn, 2, d34, 2, I32(-1, 3), I32(0, 0), I32(-1, -2), end_mask) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 2);
  CHECK_VALUES(&tn.outputs[0], 11, 9, 7, 5, 3, 1);
  sr_test_node_free(&tn);
  sr_strided_slice_params begin_mask = {1, 0, 0, 0, 0, 0};
  CHECK(ss(&tn, 2, d34, 2, I32(2, 1), I32(2, 3), I32(1, 1), begin_mask) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 2);
  CHECK_VALUES(&tn.outputs[0], 1, 2, 5, 6);
  sr_test_node_free(&tn);
}

static void test_ss_clamping(void) {
  sr_test_node tn;
  const int32_t d34[] = {3, 4};
  CHECK(ss(&tn, 2, d34, 2, I32(2, 0), I32(1, 4), I32(1, 1), none) == SIGRUN_STATUS_OK); /* begin > end */
  CHECK_SHAPE(&tn.outputs[0], 0, 4);
  sr_test_node_free(&tn);
  CHECK(ss(&tn, 2, d34, 2, I32(0, 0), I32(-10, 4), I32(1, 1), none) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 0, 4);
  sr_test_node_free(&tn);
  CHECK(ss(&tn, 2, d34, 2, I32(-100, 2), I32(100, 100), I32(1, 1), none) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 2);
  CHECK_VALUES(&tn.outputs[0], 2, 3, 6, 7, 10, 11);
  sr_test_node_free(&tn);
  CHECK(ss(&tn, 2, d34, 2, I32(0, 0), I32(3, 4), I32(INT32_MAX, 5), none) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 1);
  CHECK_VALUES(&tn.outputs[0], 0);
  sr_test_node_free(&tn);
}

static void test_ss_shrink(void) {
  sr_test_node tn;
  const int32_t d34[] = {3, 4};
  sr_strided_slice_params shrink0 = {0, 0, 0, 0, 1, 0};
  CHECK(ss(&tn, 2, d34, 2, I32(-1, 0), I32(0, 4), I32(1, 1), shrink0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 4);
  CHECK_VALUES(&tn.outputs[0], 8, 9, 10, 11);
  sr_test_node_free(&tn);
  /* LiteRT clamps a too-negative shrink index to 0. */
  CHECK(ss(&tn, 2, d34, 2, I32(-5, 0), I32(6, 4), I32(1, 1), shrink0) == SIGRUN_STATUS_OK);
  CHECK_VALUES(&tn.outputs[0], 0, 1, 2, 3);
  sr_test_node_free(&tn);
  /* A negative stride on a shrunk axis still selects begin (LiteRT writes nothing here). */
  CHECK(ss(&tn, 2, d34, 2, I32(1, 0), I32(0, 4), I32(-1, 1), shrink0) == SIGRUN_STATUS_OK);
  CHECK_VALUES(&tn.outputs[0], 4, 5, 6, 7);
  sr_test_node_free(&tn);
  sr_strided_slice_params shrink_both = {0, 0, 0, 0, 3, 0};
  CHECK(ss(&tn, 2, d34, 2, I32(2, -1), I32(3, 4), I32(1, 1), shrink_both) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].rank == 0);
  CHECK_VALUES(&tn.outputs[0], 11);
  sr_test_node_free(&tn);
  CHECK(ss(&tn, 2, d34, 2, I32(5, 0), I32(6, 4), I32(1, 1), shrink0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "begin[0] = 5 is out of range for a shrunk dimension of size 3");
  sr_test_node_free(&tn);
}

static void test_ss_ellipsis_new_axis(void) {
  sr_test_node tn;
  const int32_t d234[] = {2, 3, 4}, d34[] = {3, 4};
  sr_strided_slice_params ell = {0, 0, 1, 0, 0, 0};
  CHECK(ss(&tn, 3, d234, 2, I32(0, 1), I32(0, 3), I32(1, 1), ell) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 3, 2);
  CHECK_VALUES(&tn.outputs[0], 1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22);
  sr_test_node_free(&tn);
  sr_strided_slice_params na = {0, 0, 0, 1, 0, 0};
  CHECK(ss(&tn, 2, d34, 3, I32(0, 0, 1), I32(0, 0, 3), I32(1, 1, 1), na) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 0, 2);
  sr_test_node_free(&tn);
  sr_strided_slice_params ell_na = {0, 0, 1, 2, 0, 0};
  CHECK(ss(&tn, 3, d234, 3, I32(0, 0, 1), I32(0, 0, 3), I32(1, 1, 1), ell_na) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 3, 1, 2);
  CHECK_VALUES(&tn.outputs[0], 1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22);
  sr_test_node_free(&tn);
  sr_strided_slice_params na_end = {0, 0, 0, 2, 0, 0};
  CHECK(ss(&tn, 2, d34, 2, I32(0, 0), I32(1, 1), I32(1, 1), na_end) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 1, 4);
  CHECK_VALUES(&tn.outputs[0], 0, 1, 2, 3);
  sr_test_node_free(&tn);
  /* Two ellipses leave input dimension 3 uncovered: LiteRT reads garbage, sigrun refuses. */
  const int32_t d2142[] = {2, 1, 4, 2};
  sr_strided_slice_params two_ell = {0, 0, 3, 3, 1, 0};
  CHECK(ss(&tn, 4, d2142, 2, I32(-3, 5), I32(-6, 3), I32(2, -2), two_ell) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "ellipsis/new-axis masks (3/3) do not fit an input of rank 4");
  sr_test_node_free(&tn);
  /* LiteRT's ellipsis always covers one dimension, even when the other indices fill the rank. */
  CHECK(ss(&tn, 2, d34, 3, I32(0, 1, 2), I32(0, 2, 3), I32(1, 1, 1), ell) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 1);
  CHECK_VALUES(&tn.outputs[0], 1, 5, 9);
  sr_test_node_free(&tn);
}

static void test_ss_index_counts(void) {
  sr_test_node tn;
  const int32_t d234[] = {2, 3, 4}, d3[] = {3};
  CHECK(ss(&tn, 3, d234, 1, I32(1), I32(2), I32(1), none) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 3, 4);
  CHECK_VALUES(&tn.outputs[0], 12, 13, 14, 15);
  sr_test_node_free(&tn);
  CHECK(ss(&tn, 1, d3, 2, I32(0, 0), I32(2, 1), I32(1, 1), none) == SIGRUN_STATUS_OK); /* extras ignored */
  CHECK_SHAPE(&tn.outputs[0], 2);
  CHECK_VALUES(&tn.outputs[0], 0, 1);
  sr_test_node_free(&tn);
  iota[0] = 7;
  CHECK(ss(&tn, 0, NULL, 0, NULL, NULL, NULL, none) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].rank == 0);
  CHECK_VALUES(&tn.outputs[0], 7);
  iota[0] = 0;
  sr_test_node_free(&tn);
}

static void test_ss_offset(void) {
  sr_test_node tn;
  const int32_t d34[] = {3, 4};
  sr_strided_slice_params off = {0, 0, 0, 0, 0, 1};
  CHECK(ss(&tn, 2, d34, 2, I32(1, 1), I32(2, 2), I32(1, 1), off) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 2);
  CHECK_VALUES(&tn.outputs[0], 5, 6, 9, 10);
  sr_test_node_free(&tn);
  CHECK(ss(&tn, 2, d34, 2, I32(2, 3), I32(-2, -2), I32(-1, -1), off) == SIGRUN_STATUS_OK);
  CHECK_VALUES(&tn.outputs[0], 11, 10, 7, 6);
  sr_test_node_free(&tn);
  CHECK(ss(&tn, 2, d34, 2, I32(2, 3), I32(2, 2), I32(1, 1), off) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "offset slice of dimension 0");
  sr_test_node_free(&tn);
}

static void test_ss_types_and_dynamic(void) {
  const int32_t d34[] = {3, 4}, n2[] = {2};
  const sigrun_type types[] = {SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT16, SIGRUN_TYPE_INT64, SIGRUN_TYPE_BOOL};
  int64_t data64[12];
  uint8_t bytes[12 * 8];
  for (int k = 0; k < 4; k++) {
    size_t esz = sigrun_type_size(types[k]);
    for (int i = 0; i < 12; i++) {
      data64[i] = types[k] == SIGRUN_TYPE_BOOL ? (i & 1) : i - 6;
      memcpy(bytes + i * esz, &data64[i], esz); /* little-endian truncation */
    }
    sr_test_node tn;
    sr_test_node_init(&tn, "STRIDED_SLICE");
    sr_test_input(&tn, types[k], 2, d34, bytes);
    const int64_t b[] = {2, 3}, e[] = {0, 0}, s[] = {-2, -3};
    sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, n2, b);
    sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, n2, e);
    sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, n2, s);
    sr_tensor* out = sr_test_output(&tn, types[k]);
    sr_strided_slice_params end_mask = {0, 3, 0, 0, 0, 0};
    CHECK(sr_test_run(&tn, &sr_op_strided_slice, &end_mask) == SIGRUN_STATUS_OK);
    CHECK_SHAPE(out, 2, 2);
    const int picks[] = {11, 8, 3, 0};
    for (int i = 0; i < 4; i++) CHECK(memcmp((uint8_t*)out->data + i * esz, bytes + picks[i] * esz, esz) == 0);
    sr_test_node_free(&tn);
  }
  sr_test_node tn;
  int32_t begin[] = {1, 2};
  sr_test_node_init(&tn, "STRIDED_SLICE");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d34, iota);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n2, begin)->alloc = SR_ALLOC_ARENA;
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n2, I32(3, 4));
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n2, I32(1, 1));
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_strided_slice, &none) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 2);
  CHECK_VALUES(&tn.outputs[0], 6, 7, 10, 11);
  begin[0] = 0;
  begin[1] = -1;
  CHECK(sr_test_run(&tn, &sr_op_strided_slice, &none) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 1);
  CHECK_VALUES(&tn.outputs[0], 3, 7, 11);
  sr_test_node_free(&tn);
}

static void test_ss_errors(void) {
  sr_test_node tn;
  const int32_t d34[] = {3, 4};
  CHECK(ss(&tn, 2, d34, 2, I32(0, 0), I32(2, 1), I32(0, 1), none) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "strides[0] is 0");
  sr_test_node_free(&tn);
  CHECK(ss(&tn, 2, d34, 2, I32(0, 0), I32(2, 1), I32(INT32_MIN, 1), none) == SIGRUN_STATUS_BAD_MODEL);
  sr_test_node_free(&tn);
  const int32_t n2[] = {2}, n3[] = {3};
  sr_test_node_init(&tn, "STRIDED_SLICE");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d34, iota);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n2, I32(0, 0));
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n3, I32(0, 0, 0));
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n2, I32(1, 1));
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_strided_slice, &none) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 2 (end) (tensor 2) has shape [3], expected [2] like begin");
  sr_test_node_free(&tn);
  sr_test_node_init(&tn, "STRIDED_SLICE");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d34, iota);
  sr_test_input(&tn, SIGRUN_TYPE_INT16, 1, n2, I32(0, 0));
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n2, I32(0, 0));
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n2, I32(1, 1));
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_strided_slice, &none) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "has type int16; supported: int32 int64");
  sr_test_node_free(&tn);
}

/* SLICE of an iota input with int32 or int64 begin/size. */
static sigrun_status slice(sr_test_node* tn, int rank, const int32_t* shape, sigrun_type type, const void* b,
                           const void* s, int runtime) {
  const int32_t nd[] = {rank};
  sr_test_node_init(tn, "SLICE");
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, rank, shape, iota);
  sr_tensor* tb = sr_test_input(tn, type, 1, nd, b);
  sr_tensor* ts = sr_test_input(tn, type, 1, nd, s);
  if (runtime) tb->alloc = ts->alloc = SR_ALLOC_ARENA;
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
  return sr_test_run(tn, &sr_op_slice, NULL);
}

static void test_slice(void) {
  sr_test_node tn;
  const int32_t d34[] = {3, 4};
  CHECK(slice(&tn, 2, d34, SIGRUN_TYPE_INT32, I32(1, 1), I32(2, -1), 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 3);
  CHECK_VALUES(&tn.outputs[0], 5, 6, 7, 9, 10, 11);
  sr_test_node_free(&tn);
  const int64_t b64[] = {0, 2}, s64[] = {-1, 1};
  CHECK(slice(&tn, 2, d34, SIGRUN_TYPE_INT64, b64, s64, 1) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 1);
  CHECK_VALUES(&tn.outputs[0], 2, 6, 10);
  sr_test_node_free(&tn);
  CHECK(slice(&tn, 2, d34, SIGRUN_TYPE_INT32, I32(3, 1), I32(-1, 1), 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 0, 1);
  sr_test_node_free(&tn);
  const int32_t d6[] = {1, 1, 1, 1, 2, 3};
  CHECK(slice(&tn, 6, d6, SIGRUN_TYPE_INT32, I32(0, 0, 0, 0, 1, 1), I32(1, 1, 1, 1, 1, 2), 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 1, 1, 1, 1, 2);
  CHECK_VALUES(&tn.outputs[0], 4, 5);
  sr_test_node_free(&tn);
  const int32_t d8[] = {2, 1, 2, 1, 2, 1, 2, 2};
  CHECK(slice(&tn, 8, d8, SIGRUN_TYPE_INT32, I32(1, 0, 1, 0, 0, 0, 1, 0), I32(-1, 1, 1, 1, 2, 1, 1, 1), 0) ==
        SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 1, 1, 1, 2, 1, 1, 1);
  CHECK_VALUES(&tn.outputs[0], 26, 30);
  sr_test_node_free(&tn);
}

static void test_slice_errors(void) {
  sr_test_node tn;
  const int32_t d34[] = {3, 4};
  CHECK(slice(&tn, 2, d34, SIGRUN_TYPE_INT32, I32(1, 1), I32(3, 1), 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "size[0] = 3 with begin 1 exceeds dimension 0 of size 3");
  sr_test_node_free(&tn);
  CHECK(slice(&tn, 2, d34, SIGRUN_TYPE_INT32, I32(-1, 1), I32(1, 1), 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "begin[0] = -1 is outside [0, 3]");
  sr_test_node_free(&tn);
  CHECK(slice(&tn, 2, d34, SIGRUN_TYPE_INT32, I32(0, 1), I32(-2, 1), 1) == SIGRUN_STATUS_RUNTIME);
  sr_test_node_free(&tn);
  const int32_t n2[] = {2}, n1[] = {1};
  sr_test_node_init(&tn, "SLICE");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d34, iota);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n2, I32(0, 0));
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, n2, I32(1, 1, 1, 1));
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_slice, NULL) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "input 2 (size) (tensor 2) has type int64, expected int32");
  sr_test_node_free(&tn);
  sr_test_node_init(&tn, "SLICE");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d34, iota);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n1, I32(0));
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, n1, I32(1));
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_slice, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 1 (tensor 1) has shape [1], expected [2] (the rank of input 0)");
  sr_test_node_free(&tn);
}

int main(void) {
  for (int i = 0; i < 64; i++) iota[i] = (float)i;
  RUN(test_ss_basic_and_negative_strides);
  RUN(test_ss_clamping);
  RUN(test_ss_shrink);
  RUN(test_ss_ellipsis_new_axis);
  RUN(test_ss_index_counts);
  RUN(test_ss_offset);
  RUN(test_ss_types_and_dynamic);
  RUN(test_ss_errors);
  RUN(test_slice);
  RUN(test_slice_errors);
  return TEST_SUMMARY();
}
