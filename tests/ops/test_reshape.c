/* test_reshape.c — RESHAPE (shape tensor vs options, -1 inference with zero sizes, LiteRT's scalar rules,
 * dynamic shapes), SQUEEZE and EXPAND_DIMS, every fixed-size element type, with the error cases. */
#include "harness.h"
#include "ops/reshape.h"

extern const sr_op_kind sr_op_reshape, sr_op_squeeze, sr_op_expand_dims;

static const float x6[] = {0, 1, 2, 3, 4, 5};
static const int32_t d23[] = {2, 3};

/* Runs RESHAPE of a [2,3] float input with an optional shape tensor; returns the status. */
static sigrun_status reshape(sr_test_node* tn, const sr_reshape_params* p, sigrun_type shape_type, int shape_rank,
                             const int32_t* shape_dims, const void* shape, int runtime_shape) {
  sr_test_node_init(tn, "RESHAPE");
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 2, d23, x6);
  if (shape_rank >= 0) {
    sr_tensor* s = sr_test_input(tn, shape_type, shape_rank, shape_dims, shape);
    if (runtime_shape) s->alloc = SR_ALLOC_ARENA;
  }
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
  return sr_test_run(tn, &sr_op_reshape, p);
}

static void test_reshape_options_and_tensor(void) {
  sr_test_node tn;
  sr_reshape_params p = {2, {3, 2}};
  CHECK(reshape(&tn, &p, SIGRUN_TYPE_INT32, -1, NULL, NULL, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 2);
  for (int i = 0; i < 6; i++) CHECK(((float*)tn.outputs[0].data)[i] == x6[i]);
  sr_test_node_free(&tn);

  /* A 1-D int32 shape tensor wins over the options; -1 is inferred. */
  const int32_t sd[] = {3}, s[] = {1, -1, 2};
  CHECK(reshape(&tn, &p, SIGRUN_TYPE_INT32, 1, sd, s, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 3, 2);
  sr_test_node_free(&tn);

  /* LiteRT ignores an int64 shape tensor and uses the options. */
  const int64_t s64[] = {6, 1, 1};
  CHECK(reshape(&tn, &p, SIGRUN_TYPE_INT64, 1, sd, s64, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 2);
  sr_test_node_free(&tn);

  /* ...and so does a scalar shape tensor. */
  const int32_t six[] = {6};
  p.rank = 1;
  p.dims[0] = 6;
  CHECK(reshape(&tn, &p, SIGRUN_TYPE_INT32, 0, NULL, six, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 6);
  sr_test_node_free(&tn);
}

static void test_reshape_scalars(void) {
  const int32_t d11[] = {1, 1};
  const float one[] = {7};
  sr_reshape_params p = {1, {0}}; /* legacy [0] = scalar */
  for (int k = 0; k < 3; k++) {
    sr_test_node tn;
    sr_test_node_init(&tn, "RESHAPE");
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d11, one);
    const int32_t zero[] = {0};
    if (k == 1) sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, zero, NULL); /* empty shape tensor */
    sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
    CHECK(sr_test_run(&tn, &sr_op_reshape, k == 2 ? NULL : &p) == SIGRUN_STATUS_OK); /* k 2: no options */
    CHECK(out->rank == 0 && ((float*)out->data)[0] == 7);
    sr_test_node_free(&tn);
  }
}

static void test_reshape_zero_sized(void) {
  const int32_t d03[] = {0, 3};
  const int32_t sd[] = {2}, s[] = {-1, 3};
  sr_test_node tn;
  sr_test_node_init(&tn, "RESHAPE");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d03, NULL);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, sd, s);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_reshape, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 0, 3);
  sr_test_node_free(&tn);

  /* LiteRT infers -1 from the non-zero sizes: [0,3] -> [3,-1,0] gives [3,1,0]. */
  const int32_t sd3[] = {3}, s3[] = {3, -1, 0};
  sr_test_node_init(&tn, "RESHAPE");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d03, NULL);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, sd3, s3);
  out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_reshape, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 3, 1, 0);
  sr_test_node_free(&tn);
}

static void test_reshape_types(void) {
  const sigrun_type types[] = {SIGRUN_TYPE_INT8, SIGRUN_TYPE_BOOL, SIGRUN_TYPE_INT64, SIGRUN_TYPE_INT16};
  const int64_t data[6] = {1, -2, 3, -4, 5, -6};
  for (int k = 0; k < 4; k++) {
    sr_test_node tn;
    sr_test_node_init(&tn, "RESHAPE");
    sr_test_input(&tn, types[k], 2, d23, data);
    sr_tensor* out = sr_test_output(&tn, types[k]);
    sr_reshape_params p = {1, {-1}};
    CHECK(sr_test_run(&tn, &sr_op_reshape, &p) == SIGRUN_STATUS_OK);
    CHECK_SHAPE(out, 6);
    CHECK(memcmp(out->data, data, 6 * sigrun_type_size(types[k])) == 0);
    sr_test_node_free(&tn);
  }
}

static void test_reshape_dynamic(void) {
  sr_test_node tn;
  const int32_t sd[] = {2};
  int32_t s[] = {3, -1};
  CHECK(reshape(&tn, NULL, SIGRUN_TYPE_INT32, 1, sd, s, 1) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 2);
  s[0] = 6;
  CHECK(sr_test_run(&tn, &sr_op_reshape, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 6, 1);
  CHECK(((float*)tn.outputs[0].data)[5] == 5);
  s[0] = 4;
  CHECK(sr_test_run(&tn, &sr_op_reshape, NULL) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "input 0 has shape [2,3] (6 elements) but the new shape is [4,1]");
  sr_test_node_free(&tn);
}

static void test_reshape_errors(void) {
  sr_test_node tn;
  const int32_t sd[] = {2}, two[] = {-1, -1}, neg[] = {-2, -3}, bad[] = {4, 2};
  CHECK(reshape(&tn, NULL, SIGRUN_TYPE_INT32, 1, sd, two, 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "new shape [-1,-1] has more than one -1");
  sr_test_node_free(&tn);
  CHECK(reshape(&tn, NULL, SIGRUN_TYPE_INT32, 1, sd, neg, 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "negative dimension");
  sr_test_node_free(&tn);
  CHECK(reshape(&tn, NULL, SIGRUN_TYPE_INT32, 1, sd, bad, 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "(6 elements) but the new shape is [4,2]");
  sr_test_node_free(&tn);
  /* Without options or a usable shape tensor the target is a scalar. */
  CHECK(reshape(&tn, NULL, SIGRUN_TYPE_INT32, -1, NULL, NULL, 0) == SIGRUN_STATUS_BAD_MODEL);
  sr_test_node_free(&tn);
  const int32_t sd9[] = {9}, nine[] = {1, 1, 1, 1, 1, 1, 1, 2, 3};
  CHECK(reshape(&tn, NULL, SIGRUN_TYPE_INT32, 1, sd9, nine, 0) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "asks for rank 9");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "RESHAPE");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, d23, x6);
  sr_test_output(&tn, SIGRUN_TYPE_INT32);
  CHECK(sr_test_run(&tn, &sr_op_reshape, NULL) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "output 0 (tensor 100) has type int32, expected float32");
  sr_test_node_free(&tn);
}

static sigrun_status squeeze(sr_test_node* tn, int rank, const int32_t* dims, const sr_squeeze_params* p) {
  sr_test_node_init(tn, "SQUEEZE");
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, rank, dims, x6);
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
  return sr_test_run(tn, &sr_op_squeeze, p);
}

static void test_squeeze(void) {
  sr_test_node tn;
  const int32_t d[] = {1, 2, 1, 3, 1};
  sr_squeeze_params all = {0, {0}};
  CHECK(squeeze(&tn, 5, d, &all) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 3);
  CHECK(((float*)tn.outputs[0].data)[4] == 4);
  sr_test_node_free(&tn);
  CHECK(squeeze(&tn, 5, d, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 3);
  sr_test_node_free(&tn);
  sr_squeeze_params some = {3, {-3, 2, 0}};
  CHECK(squeeze(&tn, 5, d, &some) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 3, 1);
  sr_test_node_free(&tn);
  const int32_t d1[] = {1, 1};
  CHECK(squeeze(&tn, 2, d1, &all) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].rank == 0);
  sr_test_node_free(&tn);
  sr_squeeze_params bad = {1, {1}};
  CHECK(squeeze(&tn, 5, d, &bad) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "squeeze_dims[0] = 1 does not name a dimension of size 1 in input 0 of shape "
                 "[1,2,1,3,1]");
  sr_test_node_free(&tn);
  sr_squeeze_params out_of_range = {1, {-6}};
  CHECK(squeeze(&tn, 5, d, &out_of_range) == SIGRUN_STATUS_BAD_MODEL);
  sr_test_node_free(&tn);
}

static sigrun_status expand(sr_test_node* tn, sigrun_type axis_type, int axis_rank, const void* axis, int runtime) {
  const int32_t one[] = {1}, two[] = {2};
  sr_test_node_init(tn, "EXPAND_DIMS");
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 2, d23, x6);
  sr_tensor* a = sr_test_input(tn, axis_type, axis_rank > 1 ? 1 : axis_rank, axis_rank > 1 ? two : one, axis);
  if (runtime) a->alloc = SR_ALLOC_ARENA;
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
  return sr_test_run(tn, &sr_op_expand_dims, NULL);
}

static void test_expand_dims(void) {
  sr_test_node tn;
  const int32_t m1[] = {-1}, z[] = {0, 1}, three[] = {3}, m4[] = {-4};
  const int64_t one64[] = {1};
  CHECK(expand(&tn, SIGRUN_TYPE_INT32, 1, m1, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 3, 1);
  CHECK(((float*)tn.outputs[0].data)[5] == 5);
  sr_test_node_free(&tn);
  CHECK(expand(&tn, SIGRUN_TYPE_INT64, 0, one64, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 1, 3);
  sr_test_node_free(&tn);
  CHECK(expand(&tn, SIGRUN_TYPE_INT32, 1, z, 1) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 2, 3);
  sr_test_node_free(&tn);
  CHECK(expand(&tn, SIGRUN_TYPE_INT32, 1, three, 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "axis 3 is out of range [-3, 2] for rank 2");
  sr_test_node_free(&tn);
  CHECK(expand(&tn, SIGRUN_TYPE_INT32, 1, m4, 1) == SIGRUN_STATUS_RUNTIME);
  sr_test_node_free(&tn);
  CHECK(expand(&tn, SIGRUN_TYPE_INT32, 2, z, 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has shape [2], expected one element");
  sr_test_node_free(&tn);
  CHECK(expand(&tn, SIGRUN_TYPE_FLOAT32, 1, x6, 0) == SIGRUN_STATUS_UNSUPPORTED);
  sr_test_node_free(&tn);
}

/* LiteRT moves every fixed-size element type through RESHAPE/SQUEEZE/EXPAND_DIMS (it dispatches by size). */
static void test_any_element_type(void) {
  const sigrun_type types[] = {SIGRUN_TYPE_FLOAT16, SIGRUN_TYPE_FLOAT64, SIGRUN_TYPE_COMPLEX64, SIGRUN_TYPE_UINT16,
                               SIGRUN_TYPE_UINT32, SIGRUN_TYPE_UINT64, SIGRUN_TYPE_BFLOAT16};
  const uint8_t bytes[48] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
                             25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46};
  const int32_t sd[] = {1}, s[] = {-1};
  for (int k = 0; k < 7; k++) {
    sr_test_node tn;
    sr_test_node_init(&tn, "RESHAPE");
    sr_test_input(&tn, types[k], 2, d23, bytes);
    sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, sd, s);
    sr_tensor* out = sr_test_output(&tn, types[k]);
    CHECK(sr_test_run(&tn, &sr_op_reshape, NULL) == SIGRUN_STATUS_OK);
    CHECK_SHAPE(out, 6);
    CHECK(memcmp(out->data, bytes, 6 * sigrun_type_size(types[k])) == 0);
    sr_test_node_free(&tn);
  }
  sr_test_node tn;
  sr_test_node_init(&tn, "SQUEEZE");
  sr_test_input(&tn, SIGRUN_TYPE_COMPLEX128, 2, d23, bytes);
  sr_test_output(&tn, SIGRUN_TYPE_COMPLEX128);
  CHECK(sr_test_run(&tn, &sr_op_squeeze, NULL) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "has type complex128; supported: float32, float16, int32, uint8, int64, string, bool");
  sr_test_node_free(&tn);
}

int main(void) {
  RUN(test_reshape_options_and_tensor);
  RUN(test_reshape_scalars);
  RUN(test_reshape_zero_sized);
  RUN(test_reshape_types);
  RUN(test_reshape_dynamic);
  RUN(test_reshape_errors);
  RUN(test_squeeze);
  RUN(test_expand_dims);
  RUN(test_any_element_type);
  return TEST_SUMMARY();
}
