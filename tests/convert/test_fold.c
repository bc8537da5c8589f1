/*
 * test_fold.c — the converter's constant-folding kernels (src/convert/fold.c) against values worked out by hand
 * (and TensorFlow's semantics where they differ from C's): float16 rounding at every boundary, broadcasting,
 * floor division and modulo of negative numbers, integer wrap-around and division by zero without traps,
 * float-to-int saturation, transposition.
 */
#include <math.h>

#include "convert/fold.h"
#include "harness.h"

static void test_float16(void) {
  struct {
    float f;
    uint16_t h;
  } cases[] = {
      {0.0f, 0x0000},        {-0.0f, 0x8000},     {1.0f, 0x3c00},        {-2.0f, 0xc000},
      {65504.0f, 0x7bff},    {65520.0f, 0x7c00},  /* halfway to the next: rounds to even = inf */
      {1e6f, 0x7c00},        {5.9604645e-8f, 0x0001}, /* smallest subnormal */
      {2.9802322e-8f, 0x0000}, /* half of it: ties to even, 0 */
      {6.1035156e-5f, 0x0400}, /* smallest normal */
      {1.00048828125f, 0x3c00}, /* 1 + 2^-11: a tie, rounds to even (1.0) */
      {1.00146484375f, 0x3c02}, /* 1 + 3 * 2^-11: a tie, rounds to even (up) */
      {0.1f, 0x2e66},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint16_t h = sr_cv_f32_to_f16(cases[i].f);
    if (h != cases[i].h) fprintf(stderr, "f16(%g) = 0x%04x, want 0x%04x\n", cases[i].f, h, cases[i].h);
    CHECK(h == cases[i].h);
  }
  CHECK(sr_cv_f16_to_f32(0x3c00) == 1.0f);
  CHECK(sr_cv_f16_to_f32(0x0001) == 5.9604645e-8f);
  CHECK(sr_cv_f16_to_f32(0x7bff) == 65504.0f);
  CHECK(isinf(sr_cv_f16_to_f32(0xfc00)) && sr_cv_f16_to_f32(0xfc00) < 0);
  CHECK(isnan(sr_cv_f16_to_f32(sr_cv_f32_to_f16(NAN))));
  /* Every half value survives the round trip. */
  for (uint32_t h = 0; h < 0x10000; h++) {
    if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) continue; /* NaN payloads */
    CHECK(sr_cv_f32_to_f16(sr_cv_f16_to_f32((uint16_t)h)) == h);
  }
}

static sr_cv_tensor tensor(sigrun_type type, int rank, const int64_t* dims, const void* data) {
  sr_cv_tensor t;
  memset(&t, 0, sizeof t);
  t.type = type;
  t.rank = rank;
  for (int i = 0; i < rank; i++) t.dims[i] = dims[i];
  t.data = data;
  return t;
}

static void test_binary_broadcast_and_floor_semantics(void) {
  const int64_t da[2] = {2, 3}, db[1] = {3};
  const float a[6] = {-7, 7, -7.5f, 1, 2, 3}, b[3] = {2, -2, 2};
  sr_cv_tensor ta = tensor(SIGRUN_TYPE_FLOAT32, 2, da, a), tb = tensor(SIGRUN_TYPE_FLOAT32, 1, db, b);
  float out[6];
  sr_cv_fold_binary(SR_BUILTIN_FLOOR_DIV, &ta, &tb, SIGRUN_TYPE_FLOAT32, 2, da, out);
  CHECK(out[0] == -4 && out[1] == -4 && out[2] == -4 && out[3] == 0 && out[4] == -1 && out[5] == 1);
  sr_cv_fold_binary(SR_BUILTIN_FLOOR_MOD, &ta, &tb, SIGRUN_TYPE_FLOAT32, 2, da, out);
  CHECK(out[0] == 1 && out[1] == -1 && out[2] == 0.5f && out[3] == 1 && out[4] == 0 && out[5] == 1);
  const int32_t ia[4] = {-7, 7, INT32_MIN, 5}, ib[4] = {2, -2, -1, 0};
  const int64_t d4[1] = {4};
  sr_cv_tensor tia = tensor(SIGRUN_TYPE_INT32, 1, d4, ia), tib = tensor(SIGRUN_TYPE_INT32, 1, d4, ib);
  int32_t io[4];
  sr_cv_fold_binary(SR_BUILTIN_FLOOR_DIV, &tia, &tib, SIGRUN_TYPE_INT32, 1, d4, io);
  CHECK(io[0] == -4 && io[1] == -4 && io[2] == INT32_MIN && io[3] == 0); /* wraps like TF; /0 gives 0 here */
  sr_cv_fold_binary(SR_BUILTIN_FLOOR_MOD, &tia, &tib, SIGRUN_TYPE_INT32, 1, d4, io);
  CHECK(io[0] == 1 && io[1] == -1 && io[2] == 0 && io[3] == 0);
  sr_cv_fold_binary(SR_BUILTIN_DIV, &tia, &tib, SIGRUN_TYPE_INT32, 1, d4, io);
  CHECK(io[0] == -3 && io[1] == -3); /* TF's integer Div truncates */
  sr_cv_fold_binary(SR_BUILTIN_MUL, &tia, &tia, SIGRUN_TYPE_INT32, 1, d4, io);
  CHECK(io[0] == 49 && io[2] == 0); /* INT32_MIN^2 wraps to 0 in 32 bits */
  uint8_t bo[4];
  sr_cv_fold_binary(SR_BUILTIN_LESS, &tia, &tib, SIGRUN_TYPE_BOOL, 1, d4, bo);
  CHECK(bo[0] == 1 && bo[1] == 0 && bo[2] == 1 && bo[3] == 0);
  /* Both operands broadcast: [2,1] x [1,3] -> [2,3]. */
  const int64_t dc[2] = {2, 1}, dd[2] = {1, 3}, dout[2] = {2, 3};
  const float c[2] = {10, 20}, d[3] = {1, 2, 3};
  sr_cv_tensor tc = tensor(SIGRUN_TYPE_FLOAT32, 2, dc, c), td = tensor(SIGRUN_TYPE_FLOAT32, 2, dd, d);
  sr_cv_fold_binary(SR_BUILTIN_SUB, &tc, &td, SIGRUN_TYPE_FLOAT32, 2, dout, out);
  CHECK(out[0] == 9 && out[2] == 7 && out[3] == 19 && out[5] == 17);
}

static void test_unary_and_conversions(void) {
  const float x[4] = {-1.5f, 2.5f, 0.5f, 8};
  const int64_t d[1] = {4};
  sr_cv_tensor t = tensor(SIGRUN_TYPE_FLOAT32, 1, d, x);
  float out[4];
  sr_cv_fold_unary(SR_BUILTIN_ROUND, NULL, &t, SIGRUN_TYPE_FLOAT32, out);
  CHECK(out[0] == -2 && out[1] == 2 && out[2] == 0 && out[3] == 8); /* half to even */
  sr_cv_fold_unary(SR_BUILTIN_RELU6, NULL, &t, SIGRUN_TYPE_FLOAT32, out);
  CHECK(out[0] == 0 && out[1] == 2.5f && out[3] == 6);
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.alpha = 0.25f;
  sr_cv_fold_unary(SR_BUILTIN_LEAKY_RELU, &o, &t, SIGRUN_TYPE_FLOAT32, out);
  CHECK(out[0] == -0.375f && out[1] == 2.5f);
  const float big[3] = {3e10f, -3e10f, NAN};
  CHECK(sr_cv_elem_i(big, SIGRUN_TYPE_FLOAT32, 0) == 30000001024ll);
  int32_t w;
  sr_cv_set_f(&w, SIGRUN_TYPE_INT32, 0, 1e30);
  CHECK(w == -1); /* saturated to INT64_MAX, then truncated to 32 bits: defined, where TF's own cast of an
                     out-of-range float is not */
  sr_cv_set_f(&w, SIGRUN_TYPE_INT32, 0, NAN);
  CHECK(w == 0);
  const int32_t neg[1] = {INT32_MIN};
  const int64_t d1[1] = {1};
  sr_cv_tensor tn = tensor(SIGRUN_TYPE_INT32, 1, d1, neg);
  int32_t r;
  sr_cv_fold_unary(SR_BUILTIN_NEG, NULL, &tn, SIGRUN_TYPE_INT32, &r);
  CHECK(r == INT32_MIN); /* wraps, no trap */
}

static void test_transpose(void) {
  int32_t in[24], out[24];
  for (int i = 0; i < 24; i++) in[i] = i;
  const int64_t d[3] = {2, 3, 4};
  const int perm[3] = {2, 0, 1};
  sr_cv_fold_transpose(in, 4, 3, d, perm, out); /* out[k][i][j] = in[i][j][k], shape [4, 2, 3] */
  for (int k = 0; k < 4; k++)
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 3; j++) CHECK(out[(k * 2 + i) * 3 + j] == in[(i * 3 + j) * 4 + k]);
}

int main(void) {
  RUN(test_float16);
  RUN(test_binary_broadcast_and_floor_semantics);
  RUN(test_unary_and_conversions);
  RUN(test_transpose);
  return TEST_SUMMARY();
}
