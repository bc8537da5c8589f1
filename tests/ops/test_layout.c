/* test_layout.c — CONCATENATION (axes, fused activations, scalars, quantization, errors), PAD (int32/int64
 * paddings, zero-sized inputs, zero points, constant values, dynamic paddings, errors) and TRANSPOSE (ranks
 * 0..8, negative and dynamic perms, invalid perms), plus the strided-copy kernel they share. */
#include "harness.h"
#include "ops/layout.h"

extern const sr_op_kind sr_op_concatenation, sr_op_pad, sr_op_transpose;

#define I32(...) ((const int32_t[]){__VA_ARGS__})
static float iota[256];
static float neg_iota[256]; /* i - 3 */

/* ---- CONCATENATION ---- */

static void test_concat_axes(void) {
  sr_test_node tn;
  sr_concatenation_params p = {-1, SR_ACT_NONE};
  sr_test_node_init(&tn, "CONCATENATION");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), iota);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 1), neg_iota);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_concatenation, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2, 4);
  CHECK_VALUES(out, 0, 1, 2, -3, 3, 4, 5, -2);
  sr_test_node_free(&tn);

  p.axis = 0;
  sr_test_node_init(&tn, "CONCATENATION");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(1, 2), iota);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(0, 2), NULL);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 2), neg_iota);
  out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_concatenation, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 3, 2);
  CHECK_VALUES(out, 0, 1, -3, -2, -1, 0);
  sr_test_node_free(&tn);

  /* Batch 2, 4-D, axis 1. */
  p.axis = 1;
  sr_test_node_init(&tn, "CONCATENATION");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 4, I32(2, 1, 2, 1), iota);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 4, I32(2, 2, 2, 1), neg_iota);
  out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_concatenation, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2, 3, 2, 1);
  CHECK_VALUES(out, 0, 1, -3, -2, -1, 0, 2, 3, 1, 2, 3, 4);
  sr_test_node_free(&tn);

  /* One input: a copy. */
  sr_test_node_init(&tn, "CONCATENATION");
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, I32(3), iota);
  out = sr_test_output(&tn, SIGRUN_TYPE_INT64);
  CHECK(sr_test_run(&tn, &sr_op_concatenation, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 3);
  CHECK(memcmp(out->data, iota, 24) == 0);
  sr_test_node_free(&tn);
}

static void test_concat_activations(void) {
  const int acts[] = {SR_ACT_RELU, SR_ACT_RELU6, SR_ACT_RELU_N1_TO_1, SR_ACT_TANH, SR_ACT_SIGN_BIT};
  for (int k = 0; k < 5; k++) {
    sr_test_node tn;
    sr_concatenation_params p = {0, acts[k]};
    sr_test_node_init(&tn, "CONCATENATION");
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, I32(4), neg_iota); /* -3..0 */
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, I32(5), iota + 3); /* 3..7 */
    sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
    CHECK(sr_test_run(&tn, &sr_op_concatenation, &p) == SIGRUN_STATUS_OK);
    const float in[] = {-3, -2, -1, 0, 3, 4, 5, 6, 7};
    for (int i = 0; i < 9; i++) CHECK_NEAR(((float*)out->data)[i], sr_activation_apply_f32(acts[k], in[i]), 0);
    sr_test_node_free(&tn);
  }
  sr_test_node tn;
  sr_concatenation_params relu6 = {0, SR_ACT_RELU6};
  sr_test_node_init(&tn, "CONCATENATION");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, I32(3), iota + 5);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_concatenation, &relu6) == SIGRUN_STATUS_OK);
  CHECK_VALUES(out, 5, 6, 6);
  sr_test_node_free(&tn);
  sr_test_node_init(&tn, "CONCATENATION");
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, I32(3), iota);
  sr_test_output(&tn, SIGRUN_TYPE_INT32);
  CHECK(sr_test_run(&tn, &sr_op_concatenation, &relu6) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "fused activation 3 on type int32");
  sr_test_node_free(&tn);
}

static void test_concat_scalars_and_quant(void) {
  sr_test_node tn;
  sr_concatenation_params p = {0, SR_ACT_NONE};
  sr_test_node_init(&tn, "CONCATENATION");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 0, NULL, iota + 4);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 0, NULL, neg_iota);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_concatenation, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2);
  CHECK_VALUES(out, 4, -3);
  tn.inputs[1].alloc = SR_ALLOC_ARENA;
  CHECK(sr_test_run(&tn, &sr_op_concatenation, &p) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "input 1 (tensor 1) is a non-constant scalar");
  sr_test_node_free(&tn);

  float s1 = 0.5f, s2 = 0.25f;
  int64_t zp = 3;
  for (int k = 0; k < 2; k++) {
    sr_test_node_init(&tn, "CONCATENATION");
    sr_test_input(&tn, SIGRUN_TYPE_INT8, 1, I32(2), iota);
    sr_test_input(&tn, SIGRUN_TYPE_INT8, 1, I32(2), iota);
    out = sr_test_output(&tn, SIGRUN_TYPE_INT8);
    sr_quant q = {1, &s1, &zp, 0}, q2 = {1, k ? &s2 : &s1, &zp, 0};
    tn.defs[0].quant = q;
    tn.defs[1].quant = q2;
    tn.defs[SR_TEST_MAX_IO].quant = q;
    sigrun_status st = sr_test_run(&tn, &sr_op_concatenation, &p);
    CHECK(st == (k ? SIGRUN_STATUS_UNSUPPORTED : SIGRUN_STATUS_OK));
    if (k) CHECK_CONTAINS(tn.error.message, "input 1 (tensor 1): concatenating int8 tensors with different");
    sr_test_node_free(&tn);
  }
}

static void test_concat_errors(void) {
  sr_test_node tn;
  sr_concatenation_params p = {1, SR_ACT_NONE};
  sr_test_node_init(&tn, "CONCATENATION");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), iota);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 2, I32(2, 1), iota);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_concatenation, &p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 1 (tensor 1) has type int32, expected float32 like input 0");
  sr_test_node_free(&tn);
  sr_test_node_init(&tn, "CONCATENATION");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), iota);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(3, 1), iota);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_concatenation, &p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 1 (tensor 1) has shape [3,1], incompatible with input 0's [2,3] outside "
                 "axis 1");
  sr_test_node_free(&tn);
  p.axis = -3;
  sr_test_node_init(&tn, "CONCATENATION");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), iota);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_concatenation, &p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "axis -3 is out of range for rank 2");
  sr_test_node_free(&tn);
}

/* ---- PAD ---- */

static sigrun_status pad(sr_test_node* tn, sigrun_type type, int rank, const int32_t* dims, const void* data,
                         sigrun_type ptype, const void* paddings, int runtime) {
  sr_test_node_init(tn, "PAD");
  sr_test_input(tn, type, rank, dims, data);
  sr_tensor* p = sr_test_input(tn, ptype, 2, I32(rank, 2), paddings);
  if (runtime) p->alloc = SR_ALLOC_ARENA;
  sr_test_output(tn, type);
  return sr_test_run(tn, &sr_op_pad, NULL);
}

static void test_pad(void) {
  sr_test_node tn;
  CHECK(pad(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), iota, SIGRUN_TYPE_INT32, I32(1, 0, 0, 2), 0) ==
        SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 5);
  CHECK_VALUES(&tn.outputs[0], 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 5, 0, 0);
  sr_test_node_free(&tn);
  const int64_t p64[] = {0, 0, 1, 1, 1, 1, 0, 0};
  CHECK(pad(&tn, SIGRUN_TYPE_FLOAT32, 4, I32(1, 2, 2, 1), iota + 1, SIGRUN_TYPE_INT64, p64, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 4, 4, 1);
  CHECK_VALUES(&tn.outputs[0], 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0);
  sr_test_node_free(&tn);
  CHECK(pad(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(0, 2), NULL, SIGRUN_TYPE_INT32, I32(1, 1, 0, 0), 0) ==
        SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 2);
  CHECK_VALUES(&tn.outputs[0], 0, 0, 0, 0);
  sr_test_node_free(&tn);
  CHECK(pad(&tn, SIGRUN_TYPE_FLOAT32, 0, NULL, iota + 9, SIGRUN_TYPE_INT32, NULL, 0) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].rank == 0);
  CHECK_VALUES(&tn.outputs[0], 9);
  sr_test_node_free(&tn);
  /* Eight dimensions (LiteRT stops at five). */
  CHECK(pad(&tn, SIGRUN_TYPE_INT16, 8, I32(1, 1, 1, 1, 1, 1, 1, 2), iota, SIGRUN_TYPE_INT32,
            I32(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1), 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 1, 1, 1, 1, 1, 2, 3);
  const int16_t* o16 = tn.outputs[0].data;
  const int16_t* i16 = (const int16_t*)iota;
  CHECK(o16[0] == 0 && o16[1] == 0 && o16[2] == 0 && o16[3] == i16[0] && o16[4] == i16[1] && o16[5] == 0);
  sr_test_node_free(&tn);
}

static void test_pad_values(void) {
  sr_test_node tn;
  /* Quantized uint8 pads with the output zero point. */
  const uint8_t u8[] = {1, 2};
  float scale = 0.1f;
  int64_t zp = 128;
  sr_test_node_init(&tn, "PAD");
  sr_test_input(&tn, SIGRUN_TYPE_UINT8, 1, I32(2), u8);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 2, I32(1, 2), I32(1, 2));
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_UINT8);
  sr_quant q = {1, &scale, &zp, 0};
  tn.defs[SR_TEST_MAX_IO].quant = q;
  CHECK(sr_test_run(&tn, &sr_op_pad, NULL) == SIGRUN_STATUS_OK);
  const uint8_t* o = out->data;
  CHECK(o[0] == 128 && o[1] == 1 && o[2] == 2 && o[3] == 128 && o[4] == 128);
  sr_test_node_free(&tn);
  /* A third input gives the value (LiteRT's PAD shares PADV2's kernel). */
  const float v[] = {-1.5f};
  sr_test_node_init(&tn, "PAD");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, I32(2), iota + 1);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 2, I32(1, 2), I32(0, 1));
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 0, NULL, v);
  out = sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_pad, NULL) == SIGRUN_STATUS_OK);
  CHECK_VALUES(out, 1, 2, -1.5f);
  sr_test_node_free(&tn);
}

static void test_pad_dynamic_and_errors(void) {
  sr_test_node tn;
  int32_t p[] = {1, 0, 0, 1};
  CHECK(pad(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), iota, SIGRUN_TYPE_INT32, p, 1) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 4);
  CHECK_VALUES(&tn.outputs[0], 0, 0, 0, 0, 0, 1, 2, 0, 3, 4, 5, 0);
  p[0] = 0;
  p[2] = 2;
  CHECK(sr_test_run(&tn, &sr_op_pad, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 6);
  CHECK_VALUES(&tn.outputs[0], 0, 0, 0, 1, 2, 0, 0, 0, 3, 4, 5, 0);
  p[3] = -1;
  CHECK(sr_test_run(&tn, &sr_op_pad, NULL) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "paddings of dimension 1 are [2, -1]; they must be >= 0");
  sr_test_node_free(&tn);
  CHECK(pad(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), iota, SIGRUN_TYPE_INT32, I32(0, 0, -1, 0), 0) ==
        SIGRUN_STATUS_BAD_MODEL);
  sr_test_node_free(&tn);
  const int64_t huge[] = {0, 0, INT64_C(3000000000), 0};
  CHECK(pad(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), iota, SIGRUN_TYPE_INT64, huge, 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "overflows int32");
  sr_test_node_free(&tn);
  sr_test_node_init(&tn, "PAD");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), iota);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 2, I32(3, 2), I32(0, 0, 0, 0, 0, 0));
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_pad, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 1 (tensor 1) has shape [3,2], expected [2,2] for input 0 of shape [2,3]");
  sr_test_node_free(&tn);
  CHECK(pad(&tn, SIGRUN_TYPE_FLOAT32, 1, I32(2), iota, SIGRUN_TYPE_FLOAT32, iota, 0) == SIGRUN_STATUS_UNSUPPORTED);
  sr_test_node_free(&tn);
}

/* ---- TRANSPOSE ---- */

static sigrun_status transpose(sr_test_node* tn, sigrun_type type, int rank, const int32_t* dims,
                               sigrun_type ptype, const void* perm, int runtime) {
  sr_test_node_init(tn, "TRANSPOSE");
  sr_test_input(tn, type, rank, dims, iota);
  sr_tensor* p = sr_test_input(tn, ptype, 1, I32(rank), perm);
  if (runtime) p->alloc = SR_ALLOC_ARENA;
  sr_test_output(tn, type);
  return sr_test_run(tn, &sr_op_transpose, NULL);
}

static void test_transpose(void) {
  sr_test_node tn;
  CHECK(transpose(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), SIGRUN_TYPE_INT32, I32(1, 0), 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 2);
  CHECK_VALUES(&tn.outputs[0], 0, 3, 1, 4, 2, 5);
  sr_test_node_free(&tn);
  CHECK(transpose(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), SIGRUN_TYPE_INT32, I32(-1, 0), 0) == SIGRUN_STATUS_OK);
  CHECK_VALUES(&tn.outputs[0], 0, 3, 1, 4, 2, 5);
  sr_test_node_free(&tn);
  const int64_t p3[] = {2, 0, 1};
  CHECK(transpose(&tn, SIGRUN_TYPE_FLOAT32, 3, I32(2, 3, 4), SIGRUN_TYPE_INT64, p3, 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 4, 2, 3);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 2; j++)
      for (int k = 0; k < 3; k++) CHECK(((float*)tn.outputs[0].data)[i * 6 + j * 3 + k] == j * 12 + k * 4 + i);
  sr_test_node_free(&tn);
  CHECK(transpose(&tn, SIGRUN_TYPE_FLOAT32, 0, NULL, SIGRUN_TYPE_INT32, NULL, 0) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].rank == 0);
  CHECK_VALUES(&tn.outputs[0], 0);
  sr_test_node_free(&tn);
  /* Rank 8 reversed, on a 2-byte type. */
  CHECK(transpose(&tn, SIGRUN_TYPE_INT16, 8, I32(1, 2, 1, 2, 1, 2, 1, 2), SIGRUN_TYPE_INT32,
                  I32(7, 6, 5, 4, 3, 2, 1, 0), 0) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 1, 2, 1, 2, 1, 2, 1);
  const int16_t* in16 = (const int16_t*)iota;
  for (int o = 0; o < 16; o++) {
    /* output index bits (a,b,c,d) over dims of size 2 map to input bits (d,c,b,a) */
    int a = (o >> 3) & 1, b = (o >> 2) & 1, c = (o >> 1) & 1, d = o & 1;
    CHECK(((int16_t*)tn.outputs[0].data)[o] == in16[d * 8 + c * 4 + b * 2 + a]);
  }
  sr_test_node_free(&tn);
}

static void test_transpose_dynamic_and_errors(void) {
  sr_test_node tn;
  int32_t perm[] = {0, 1};
  CHECK(transpose(&tn, SIGRUN_TYPE_BOOL, 2, I32(2, 3), SIGRUN_TYPE_INT32, perm, 1) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 2, 3);
  perm[0] = 1;
  perm[1] = 0;
  CHECK(sr_test_run(&tn, &sr_op_transpose, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 3, 2);
  const uint8_t* in8 = (const uint8_t*)iota;
  const uint8_t* o8 = tn.outputs[0].data;
  CHECK(o8[0] == in8[0] && o8[1] == in8[3] && o8[2] == in8[1] && o8[5] == in8[5]);
  perm[1] = 1;
  CHECK(sr_test_run(&tn, &sr_op_transpose, NULL) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "perm[1] = 1 repeats a dimension");
  sr_test_node_free(&tn);
  CHECK(transpose(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), SIGRUN_TYPE_INT32, I32(0, 2), 0) ==
        SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "perm[1] = 2 is out of range [-2, 2)");
  sr_test_node_free(&tn);
  sr_test_node_init(&tn, "TRANSPOSE");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, I32(2, 3), iota);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, I32(3), I32(0, 1, 2));
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_transpose, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 1 (tensor 1) has shape [3], expected [2] (the rank of input 0)");
  sr_test_node_free(&tn);
}

/* The shared kernel directly: base offset, negative steps, and an innermost contiguous run. */
static void test_strided_copy(void) {
  float out[6];
  const int32_t counts[] = {2, 3};
  const int64_t steps[] = {-4, 1};
  sr_x32_strided_copy__ref(iota, out, 5, 2, counts, steps);
  const float want[] = {5, 6, 7, 1, 2, 3};
  for (int i = 0; i < 6; i++) CHECK(out[i] == want[i]);
  const int64_t steps2[] = {1, -2};
  sr_x32_strided_copy__ref(iota, out, 4, 2, counts, steps2);
  const float want2[] = {4, 2, 0, 5, 3, 1};
  for (int i = 0; i < 6; i++) CHECK(out[i] == want2[i]);
  CHECK(sr_strided_copy_for_size(3) == NULL);
}

int main(void) {
  for (int i = 0; i < 256; i++) {
    iota[i] = (float)i;
    neg_iota[i] = (float)i - 3;
  }
  RUN(test_concat_axes);
  RUN(test_concat_activations);
  RUN(test_concat_scalars_and_quant);
  RUN(test_concat_errors);
  RUN(test_pad);
  RUN(test_pad_values);
  RUN(test_pad_dynamic_and_errors);
  RUN(test_transpose);
  RUN(test_transpose_dynamic_and_errors);
  RUN(test_strided_copy);
  return TEST_SUMMARY();
}
