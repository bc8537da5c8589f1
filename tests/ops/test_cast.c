/*
 * test_cast.c — CAST, DEQUANTIZE and QUANTIZE (float -> int per tensor and per channel with LiteRT's two
 * rounding rules, requantization, hostile parameters). Expected values of the out-of-range conversions were read from
 * ai_edge_litert 2.3.0 (float -> int saturates with NaN -> max, int -> narrower int wraps); the half
 * conversions are checked exhaustively (f16 -> f32 -> f16) and by a nearest-even property test.
 */
#include <float.h>
#include <stdint.h>

#include "harness.h"
#include "../src/format/schema_enums.h"
#include "../src/ops/cast.h"

extern const sr_op_kind sr_op_cast, sr_op_dequantize, sr_op_quantize;

static sigrun_status run_cast(sr_test_node* tn, sigrun_type from, sigrun_type to, int rank, const int32_t* dims,
                              const void* x) {
  sr_test_node_init(tn, "CAST");
  sr_test_input(tn, from, rank, dims, x);
  sr_test_output(tn, to);
  return sr_test_run(tn, &sr_op_cast, NULL);
}

/* Casts n values and compares the output bytes with want (n elements of the output type). */
static void check_cast(sigrun_type from, sigrun_type to, const void* x, const void* want, int n, int line) {
  sr_test_node tn;
  const int32_t dims[] = {n};
  sigrun_status st = run_cast(&tn, from, to, 1, dims, x);
  CHECK(st == SIGRUN_STATUS_OK);
  if (st == SIGRUN_STATUS_OK) {
    size_t size = sigrun_type_size(to);
    for (int i = 0; i < n; i++) {
      if (memcmp((const uint8_t*)tn.outputs[0].data + (size_t)i * size, (const uint8_t*)want + (size_t)i * size,
                 size) != 0) {
        fprintf(stderr, "  line %d: %s -> %s element %d differs\n", line, sigrun_type_name(from),
                sigrun_type_name(to), i);
        sr_test_checks_failed++;
      }
    }
  } else {
    fprintf(stderr, "  %s\n", tn.error.message);
  }
  sr_test_node_free(&tn);
}
#define CHECK_CAST(from, to, x, want) \
  check_cast(SIGRUN_TYPE_##from, SIGRUN_TYPE_##to, x, want, (int)(sizeof(want) / sizeof((want)[0])), __LINE__)

static const float xf[] = {NAN,     INFINITY, -INFINITY, -0.0f,    0.5f,       -0.5f,       1.9f,  -1.9f,
                           127.9f,  128.5f,   255.5f,    256.7f,   -129.5f,    32767.9f,    32768.5f, 65536.5f,
                           -40000,  2.1e9f,   2147483520.0f, 3e9f, -3e9f,      1e19f,       -1e19f, 1e20f};

static void test_float_to_int_saturates(void) {
  const int32_t w32[] = {INT32_MAX, INT32_MAX, INT32_MIN, 0,     0,     0,          1,          -1,
                         127,       128,       255,       256,   -129,  32767,      32768,      65536,
                         -40000,    2100000000, 2147483520, INT32_MAX, INT32_MIN, INT32_MAX, INT32_MIN, INT32_MAX};
  CHECK_CAST(FLOAT32, INT32, xf, w32);
  const int64_t w64[] = {INT64_MAX, INT64_MAX, INT64_MIN,  0,           0,     0,     1,     -1,
                         127,       128,       255,        256,         -129,  32767, 32768, 65536,
                         -40000,    2100000000, 2147483520, 3000000000LL, -3000000000LL, INT64_MAX, INT64_MIN, INT64_MAX};
  CHECK_CAST(FLOAT32, INT64, xf, w64);
  const uint8_t wu8[] = {255, 255, 0, 0, 0, 0, 1, 0, 127, 128, 255, 255, 0, 255, 255, 255, 0, 255, 255, 255, 0, 255, 0, 255};
  CHECK_CAST(FLOAT32, UINT8, xf, wu8);
  const int8_t ws8[] = {127, 127, -128, 0,   0,   0,    1,   -1,  127, 127,  127, 127,
                        -128, 127, 127, 127, -128, 127, 127, 127, -128, 127, -128, 127};
  CHECK_CAST(FLOAT32, INT8, xf, ws8);
  const int16_t ws16[] = {32767, 32767, -32768, 0,      0,     0,     1,      -1,    127,    128,   255,    256,
                          -129,  32767, 32767,  32767,  -32768, 32767, 32767, 32767, -32768, 32767, -32768, 32767};
  CHECK_CAST(FLOAT32, INT16, xf, ws16);
  const uint16_t wu16[] = {65535, 65535, 0, 0,     0, 0,     1, 0,     127,   128,   255, 256,
                           0,     32767, 32768, 65535, 0, 65535, 65535, 65535, 0, 65535, 0, 65535};
  CHECK_CAST(FLOAT32, UINT16, xf, wu16);
  const uint32_t wu32[] = {4294967295u, 4294967295u, 0,          0,          0, 0,           1, 0,
                           127,         128,         255,        256,        0, 32767,       32768, 65536,
                           0,           2100000000u, 2147483520u, 3000000000u, 0, 4294967295u, 0, 4294967295u};
  CHECK_CAST(FLOAT32, UINT32, xf, wu32);
  const uint8_t wb[] = {1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  CHECK_CAST(FLOAT32, BOOL, xf, wb);
  const double xd[] = {NAN, -1e300, 1e300, -2.9, 2.9, 4294967295.5, -0.99};
  const int32_t wd32[] = {INT32_MAX, INT32_MIN, INT32_MAX, -2, 2, INT32_MAX, 0};
  CHECK_CAST(FLOAT64, INT32, xd, wd32);
  const uint32_t wdu32[] = {4294967295u, 0, 4294967295u, 0, 2, 4294967295u, 0};
  CHECK_CAST(FLOAT64, UINT32, xd, wdu32);
}

static const int64_t xi64[] = {0,     1,     -1,    127,      128,        255,        256,
                               -129,  32767, 32768, 65535,    65536,      16777217,   INT32_MAX,
                               INT32_MIN, (1LL << 40) + 1, INT64_MIN, INT64_MAX, (1LL << 53) + 1};

static void test_int_to_int_wraps(void) {
  const int32_t w32[] = {0, 1, -1, 127, 128, 255, 256, -129, 32767, 32768, 65535, 65536, 16777217, INT32_MAX,
                         INT32_MIN, 1, 0, -1, 1};
  CHECK_CAST(INT64, INT32, xi64, w32);
  const uint8_t wu8[] = {0, 1, 255, 127, 128, 255, 0, 127, 255, 0, 255, 0, 1, 255, 0, 1, 0, 255, 1};
  CHECK_CAST(INT64, UINT8, xi64, wu8);
  const int8_t ws8[] = {0, 1, -1, 127, -128, -1, 0, 127, -1, 0, -1, 0, 1, -1, 0, 1, 0, -1, 1};
  CHECK_CAST(INT64, INT8, xi64, ws8);
  const int16_t ws16[] = {0, 1, -1, 127, 128, 255, 256, -129, 32767, -32768, -1, 0, 1, -1, 0, 1, 0, -1, 1};
  CHECK_CAST(INT64, INT16, xi64, ws16);
  const uint16_t wu16[] = {0, 1, 65535, 127, 128, 255, 256, 65407, 32767, 32768, 65535, 0, 1, 65535, 0, 1, 0, 65535, 1};
  CHECK_CAST(INT64, UINT16, xi64, wu16);
  const uint32_t wu32[] = {0,     1,     4294967295u, 127,   128,      255,         256,         4294967167u, 32767, 32768,
                           65535, 65536, 16777217,    INT32_MAX, 2147483648u, 1, 0, 4294967295u, 1};
  CHECK_CAST(INT64, UINT32, xi64, wu32);
  const uint8_t wb[] = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  CHECK_CAST(INT64, BOOL, xi64, wb);
  const int32_t xs32[] = {-1, INT32_MIN, 200};
  const uint32_t wsu32[] = {4294967295u, 2147483648u, 200};
  CHECK_CAST(INT32, UINT32, xs32, wsu32);
  const int64_t wss64[] = {-1, INT32_MIN, 200};
  CHECK_CAST(INT32, INT64, xs32, wss64);
  const uint32_t xu32[] = {4294967295u, 2147483648u, 7};
  const int32_t wus32[] = {-1, INT32_MIN, 7};
  CHECK_CAST(UINT32, INT32, xu32, wus32);
  const int64_t wus64[] = {4294967295LL, 2147483648LL, 7};
  CHECK_CAST(UINT32, INT64, xu32, wus64);
  const uint8_t xu8[] = {0, 1, 2, 255, 200, 3};
  const int8_t wu8s8[] = {0, 1, 2, -1, -56, 3};
  CHECK_CAST(UINT8, INT8, xu8, wu8s8);
  const int8_t xs8[] = {-1, -128, 5};
  const uint16_t ws8u16[] = {65535, 65408, 5};
  CHECK_CAST(INT8, UINT16, xs8, ws8u16);
}

static void test_to_float_and_bool(void) {
  const float w32[] = {0, 1, -1, 127, 128, 255, 256, -129, 32767, 32768, 65535, 65536, 16777216.0f, 2147483648.0f,
                       -2147483648.0f, 1099511627776.0f, -9223372036854775808.0f, 9223372036854775808.0f,
                       9007199254740992.0f};
  CHECK_CAST(INT64, FLOAT32, xi64, w32);
  const uint8_t xb[] = {1, 0, 1, 2};
  const float wbf[] = {1, 0, 1, 1};
  CHECK_CAST(BOOL, FLOAT32, xb, wbf);
  const int32_t wbi[] = {1, 0, 1, 1};
  CHECK_CAST(BOOL, INT32, xb, wbi);
  const uint8_t wbb[] = {1, 0, 1, 1};
  CHECK_CAST(BOOL, BOOL, xb, xb); /* same type: a plain copy, bytes kept */
  CHECK_CAST(BOOL, UINT8, xb, wbb);
  const int16_t xs16[] = {-32768, 0, 255, 3};
  const float ws16f[] = {-32768, 0, 255, 3};
  CHECK_CAST(INT16, FLOAT32, xs16, ws16f);
  const uint8_t ws16b[] = {1, 0, 1, 1};
  CHECK_CAST(INT16, BOOL, xs16, ws16b);
  const float xf2[] = {1.1f, -0.0f, 3e38f};
  const double wfd[] = {(double)1.1f, -0.0, (double)3e38f};
  CHECK_CAST(FLOAT32, FLOAT64, xf2, wfd);
  const double xd[] = {0.1, 1e300, -1e-300};
  const float wdf[] = {0.1f, INFINITY, -0.0f};
  CHECK_CAST(FLOAT64, FLOAT32, xd, wdf);
  /* same type keeps every bit, NaN payloads included */
  uint32_t snan_bits = 0x7f800001u;
  float snan;
  memcpy(&snan, &snan_bits, sizeof snan);
  const float xs[] = {snan, -0.0f};
  CHECK_CAST(FLOAT32, FLOAT32, xs, xs);
}

static void test_half(void) {
  /* f16 -> f32 on chosen bit patterns, subnormals and NaN payloads included */
  const uint16_t h[] = {0x0000, 0x0001, 0x3c00, 0x7c00, 0xfc00, 0x7e00, 0x7bff, 0x8001, 0x03ff, 0x0400, 0xc000,
                        0x7c01, 0xfe00};
  const uint32_t want_bits[] = {0x00000000u, 0x33800000u, 0x3f800000u, 0x7f800000u, 0xff800000u, 0x7fc00000u,
                                0x477fe000u, 0xb3800000u, 0x387fc000u, 0x38800000u, 0xc0000000u, 0x7f802000u,
                                0xffc00000u};
  check_cast(SIGRUN_TYPE_FLOAT16, SIGRUN_TYPE_FLOAT32, h, want_bits, 13, __LINE__); /* compared as bits */
  /* f32 -> f16 rounding: nearest even, overflow to inf, subnormals, underflow to 0 */
  const float f[] = {65520.0f, 65519.0f, 1e-8f, 6e-8f, 3e-8f, 1.0f / 3.0f, NAN, -INFINITY, 2.98e-8f, 1.00048828125f,
                     1.00146484375f, -0.0f, 1e-45f};
  const uint16_t want_h[] = {0x7c00, 0x7bff, 0x0000, 0x0001, 0x0001, 0x3555, 0x7e00, 0xfc00, 0x0000, 0x3c00,
                             0x3c02, 0x8000, 0x0000};
  CHECK_CAST(FLOAT32, FLOAT16, f, want_h);
  const int32_t xi[] = {65504, 65519, 65520, -70000, 2049};
  const uint16_t wi[] = {0x7bff, 0x7bff, 0x7c00, 0xfc00, 0x6800};
  CHECK_CAST(INT32, FLOAT16, xi, wi);
  const uint16_t hx[] = {0x3e00, 0xfc00, 0x7e00, 0x5bff};
  const int32_t whi[] = {1, INT32_MIN, INT32_MAX, 255};
  CHECK_CAST(FLOAT16, INT32, hx, whi);
  CHECK_CAST(FLOAT16, FLOAT16, h, h);
  /* exhaustive: every non-NaN half survives f16 -> f32 -> f16; NaNs stay NaN */
  int bad = 0;
  for (uint32_t b = 0; b < 65536; b++) {
    float v = sr_cast_f16_to_f32((uint16_t)b);
    uint16_t back = sr_cast_f32_to_f16(v);
    int is_nan = ((b >> 10) & 0x1f) == 0x1f && (b & 0x3ff);
    if (is_nan ? !(isnan(v) && ((back & 0x7c00) == 0x7c00) && (back & 0x3ff)) : back != b) bad++;
  }
  CHECK(bad == 0);
  /* property: f32 -> f16 picks the nearest half, ties to even */
  uint64_t s = 12345;
  bad = 0;
  for (int i = 0; i < 200000; i++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    uint32_t bits = (uint32_t)(s >> 32);
    bits = (bits & 0x80000000u) | (0x30000000u + (bits & 0x0fffffffu) % 0x17800000u); /* about 2^-31 .. 2^17 */
    float v;
    memcpy(&v, &bits, sizeof v);
    uint16_t hv = sr_cast_f32_to_f16(v);
    double got = sr_cast_f16_to_f32(hv), err = fabs(got - (double)v);
    if (isinf(got)) {
      if (fabs((double)v) < 65520.0) bad++;
      continue;
    }
    for (int step = -1; step <= 1; step += 2) {
      uint16_t nb = (uint16_t)(hv + step);
      if (((nb >> 10) & 0x1f) == 0x1f || (hv & 0x7fff) == 0 || ((hv ^ nb) & 0x8000)) continue;
      double other = fabs((double)sr_cast_f16_to_f32(nb) - (double)v);
      if (other < err || (other == err && (hv & 1))) bad++;
    }
  }
  CHECK(bad == 0);
}

static void test_cast_shapes_and_errors(void) {
  sr_test_node tn;
  const int32_t d[] = {2, 0, 3};
  CHECK(run_cast(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT8, 3, d, NULL) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].rank == 3 && tn.outputs[0].dims[1] == 0 && tn.outputs[0].dims[2] == 3);
  sr_test_node_free(&tn);
  const float x[] = {1.5f, -2.5f, 3, 4, 5, 6};
  const int32_t d23[] = {2, 3};
  CHECK(run_cast(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT32, 2, d23, x) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].rank == 2 && tn.outputs[0].dims[0] == 2 && tn.outputs[0].dims[1] == 3);
  CHECK(((int32_t*)tn.outputs[0].data)[1] == -2 && ((int32_t*)tn.outputs[0].data)[5] == 6);
  sr_test_node_free(&tn);
  /* more elements than one conversion chunk */
  static float big[1000];
  for (int i = 0; i < 1000; i++) big[i] = (float)i - 500.5f;
  const int32_t d1000[] = {1000};
  CHECK(run_cast(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT16, 1, d1000, big) == SIGRUN_STATUS_OK);
  int ok = 1;
  for (int i = 0; i < 1000; i++) ok &= ((int16_t*)tn.outputs[0].data)[i] == (int16_t)(i <= 500 ? i - 500 : i - 501); /* toward zero */
  CHECK(ok);
  sr_test_node_free(&tn);
  const int32_t d2[] = {2};
  CHECK(run_cast(&tn, SIGRUN_TYPE_STRING, SIGRUN_TYPE_INT32, 1, d2, x) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "input 0 (tensor 0) has type string; supported: float32, float64, float16");
  sr_test_node_free(&tn);
  CHECK(run_cast(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_COMPLEX64, 1, d2, x) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "output 0 (tensor 100) has type complex64");
  sr_test_node_free(&tn);
  CHECK(sr_op_cast.builtin_code == 53 && sr_op_dequantize.builtin_code == 6);
}

/* ---- DEQUANTIZE ---- */

static sigrun_status run_deq(sr_test_node* tn, sigrun_type type, int rank, const int32_t* dims, const void* x,
                             int count, const float* scales, const int64_t* zps, int axis) {
  sr_test_node_init(tn, "DEQUANTIZE");
  sr_test_input(tn, type, rank, dims, x);
  tn->defs[0].quant.count = count;
  tn->defs[0].quant.scales = scales;
  tn->defs[0].quant.zero_points = zps;
  tn->defs[0].quant.quantized_dimension = axis;
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
  return sr_test_run(tn, &sr_op_dequantize, NULL);
}

static void check_floats(const sr_tensor* t, const float* want, size_t n) {
  CHECK(sr_tensor_count(t) == n);
  for (size_t i = 0; i < n; i++) {
    if (((const float*)t->data)[i] != want[i]) {
      fprintf(stderr, "  element %zu: got %.9g want %.9g\n", i, ((const float*)t->data)[i], want[i]);
      sr_test_checks_failed++;
    }
  }
}

static void test_dequantize_per_tensor(void) {
  sr_test_node tn;
  const int8_t q8[] = {-128, -1, 0, 1, 127};
  const int32_t d5[] = {5};
  const float s05[] = {0.5f};
  const int64_t zm3[] = {-3};
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT8, 1, d5, q8, 1, s05, zm3, 0) == SIGRUN_STATUS_OK);
  const float w8[] = {-62.5f, 1, 1.5f, 2, 65};
  check_floats(&tn.outputs[0], w8, 5);
  sr_test_node_free(&tn);
  const uint8_t qu8[] = {0, 1, 128, 255};
  const int32_t d22[] = {2, 2};
  const float s025[] = {0.25f};
  const int64_t z128[] = {128};
  CHECK(run_deq(&tn, SIGRUN_TYPE_UINT8, 2, d22, qu8, 1, s025, z128, 0) == SIGRUN_STATUS_OK);
  const float wu8[] = {-32, -31.75f, 0, 31.75f};
  check_floats(&tn.outputs[0], wu8, 4);
  CHECK(tn.outputs[0].rank == 2 && tn.outputs[0].dims[1] == 2);
  sr_test_node_free(&tn);
  const int16_t q16[] = {-32768, 0, 32767};
  const int32_t d3[] = {3};
  const float s001[] = {0.001f};
  const int64_t z0[] = {0};
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT16, 1, d3, q16, 1, s001, z0, 0) == SIGRUN_STATUS_OK);
  const float w16[] = {(float)(0.001f * -32768.0), 0, (float)((double)0.001f * 32767.0)};
  check_floats(&tn.outputs[0], w16, 3);
  sr_test_node_free(&tn);
  /* zero points may be absent (all zero); zero-sized input */
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT8, 1, d5, q8, 1, s05, NULL, 0) == SIGRUN_STATUS_OK);
  CHECK(((float*)tn.outputs[0].data)[0] == -64.0f);
  sr_test_node_free(&tn);
  const int32_t d0[] = {0, 4};
  CHECK(run_deq(&tn, SIGRUN_TYPE_UINT8, 2, d0, NULL, 1, s025, z128, 0) == SIGRUN_STATUS_OK);
  CHECK(tn.outputs[0].dims[0] == 0 && tn.outputs[0].dims[1] == 4);
  sr_test_node_free(&tn);
}

static void test_dequantize_per_channel(void) {
  sr_test_node tn;
  int8_t x[12];
  for (int i = 0; i < 12; i++) x[i] = (int8_t)(i - 6);
  const int32_t d[] = {2, 3, 2};
  const float scales[] = {0.5f, 1.0f, 1.5f};
  const int64_t zps[] = {0, 1, 2};
  /* expected values read from LiteRT for the same input (shape [2,3,2], scales 0.5*(c+1), zero point c) */
  const float w0[] = {-3, -2.5f, -2, -1.5f, -1, -0.5f, -1, 0, 1, 2, 3, 4};
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT8, 3, d, x, 2, scales, zps, 0) == SIGRUN_STATUS_OK);
  check_floats(&tn.outputs[0], w0, 12);
  sr_test_node_free(&tn);
  const float w1[] = {-3, -2.5f, -5, -4, -6, -4.5f, 0, 0.5f, 1, 2, 3, 4.5f};
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT8, 3, d, x, 3, scales, zps, 1) == SIGRUN_STATUS_OK);
  check_floats(&tn.outputs[0], w1, 12);
  sr_test_node_free(&tn);
  const float w2[] = {-3, -6, -2, -4, -1, -2, 0, 0, 1, 2, 2, 4};
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT8, 3, d, x, 2, scales, zps, 2) == SIGRUN_STATUS_OK);
  check_floats(&tn.outputs[0], w2, 12);
  sr_test_node_free(&tn);
  uint8_t xu[12];
  for (int i = 0; i < 12; i++) xu[i] = (uint8_t)x[i];
  const float wu1[] = {125, 125.5f, 251, 252, 378, 379.5f, 0, 0.5f, 1, 2, 3, 4.5f};
  CHECK(run_deq(&tn, SIGRUN_TYPE_UINT8, 3, d, xu, 3, scales, zps, 1) == SIGRUN_STATUS_OK);
  check_floats(&tn.outputs[0], wu1, 12);
  sr_test_node_free(&tn);
}

static void test_dequantize_float16(void) {
  sr_test_node tn;
  const uint16_t h[] = {0x0000, 0x0001, 0x3c00, 0x7c00, 0xfc00, 0x8001, 0x03ff, 0x0400, 0xc000, 0x7bff};
  const int32_t d[] = {2, 5};
  CHECK(run_deq(&tn, SIGRUN_TYPE_FLOAT16, 2, d, h, 0, NULL, NULL, 0) == SIGRUN_STATUS_OK);
  const float want[] = {0, 5.9604644775390625e-08f, 1, INFINITY, -INFINITY, -5.9604644775390625e-08f,
                        6.0975551605224609e-05f, 6.103515625e-05f, -2, 65504};
  check_floats(&tn.outputs[0], want, 10);
  sr_test_node_free(&tn);
}

static void test_dequantize_errors(void) {
  sr_test_node tn;
  const int8_t x[12] = {0};
  const int32_t d[] = {2, 3, 2}, d3[] = {3};
  const float scales[] = {1, 2, 3, 4};
  const int64_t zps[] = {0, 0, 0, 0}, z5[] = {5}, zbig[] = {1LL << 40};
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT8, 3, d, x, 4, scales, zps, 1) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 0 (tensor 0) of shape [2,3,2] has 4 scales on quantized dimension 1");
  sr_test_node_free(&tn);
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT8, 3, d, x, 3, scales, zps, 3) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "quantized dimension 3");
  sr_test_node_free(&tn);
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT8, 3, d, x, 0, NULL, NULL, 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 0 (tensor 0) is int8 but has no quantization scale");
  sr_test_node_free(&tn);
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT8, 1, d3, x, 1, scales, zbig, 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "zero point 1099511627776 is outside int32");
  sr_test_node_free(&tn);
  const int16_t x16[12] = {0};
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT16, 1, d3, x16, 1, scales, z5, 0) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "is int16 with zero point 5; expected 0");
  sr_test_node_free(&tn);
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT16, 3, d, x16, 3, scales, zps, 1) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "per-channel dequantization supports int8, uint8");
  sr_test_node_free(&tn);
  const int32_t xi[3] = {0};
  CHECK(run_deq(&tn, SIGRUN_TYPE_INT32, 1, d3, xi, 1, scales, zps, 0) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "input type int32 (tensor 0) is not supported; supported: int8, uint8, int16, float16");
  sr_test_node_free(&tn);
  sr_test_node_init(&tn, "DEQUANTIZE");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT16, 1, d3, x);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT16);
  CHECK(sr_test_run(&tn, &sr_op_dequantize, NULL) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "output 0 (tensor 100) has type float16, expected float32");
  sr_test_node_free(&tn);
}

static void test_parse(void) {
  sr_operator op;
  memset(&op, 0, sizeof op);
  op.name = "CAST";
  sr_pool pool;
  sr_pool_init(&pool);
  sigrun_error err;
  const void* params = &op;
  sr_parse_ctx ctx = {&op, SR_OPTIONS_NONE, NULL, &pool, &err, 0, 0, NULL};
  CHECK(sr_op_cast.parse(&ctx, &params) == SIGRUN_STATUS_OK && params == NULL);
  CHECK(sr_op_dequantize.parse(&ctx, &params) == SIGRUN_STATUS_OK && params == NULL);
  /* a present options table of the wrong union type is rejected */
  const uint8_t buf[16] = {8, 0, 0, 0, 4, 0, 4, 0, 4, 0, 0, 0};
  sr_fb fb = {buf, 12};
  sr_fb_table table;
  CHECK(sr_fb_root(&fb, &table) == SR_FB_OK);
  ctx.options = &table;
  ctx.options_type = SR_OPTIONS_CAST;
  CHECK(sr_op_cast.parse(&ctx, &params) == SIGRUN_STATUS_OK);
  ctx.options_type = SR_OPTIONS_ADD;
  CHECK(sr_op_cast.parse(&ctx, &params) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "union type 11, expected 37");
  ctx.options_type = SR_OPTIONS_DEQUANTIZE;
  CHECK(sr_op_dequantize.parse(&ctx, &params) == SIGRUN_STATUS_OK);
  sr_pool_destroy(&pool);
}

/* ---- QUANTIZE ---- */

static sigrun_status run_quantize(sr_test_node* tn, sigrun_type from, sigrun_type to, int rank, const int32_t* dims,
                                  const void* x, const float* in_scale, const int64_t* in_zp, int count,
                                  const float* scales, const int64_t* zps, int axis) {
  sr_test_node_init(tn, "QUANTIZE");
  sr_tensor* t = sr_test_input(tn, from, rank, dims, x);
  if (in_scale) sr_test_set_quant(t, 1, in_scale, in_zp, 0);
  sr_tensor* y = sr_test_output(tn, to);
  if (count) sr_test_set_quant(y, count, scales, zps, axis);
  return sr_test_run(tn, &sr_op_quantize, NULL);
}

static void test_quantize_float(void) {
  sr_test_node tn;
  const int32_t d[] = {8};
  /* x * (1 / 0.5) rounded to even, + zero point 1; +inf and NaN become INT32_MIN first, hence -128 */
  const float x[8] = {0.25f, 0.75f, -0.25f, -0.75f, 100.0f, INFINITY, NAN, -INFINITY};
  const float s = 0.5f;
  const int64_t zp = 1;
  CHECK(run_quantize(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT8, 1, d, x, NULL, NULL, 1, &s, &zp, 0) == SIGRUN_STATUS_OK);
  const int8_t* o = tn.outputs[0].data;
  CHECK(o[0] == 1 && o[1] == 3 && o[2] == 1 && o[3] == -1 && o[4] == 127 && o[5] == -128 && o[6] == -128 &&
        o[7] == -128);
  sr_test_node_free(&tn);
  const int64_t uzp = 128;
  CHECK(run_quantize(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_UINT8, 1, d, x, NULL, NULL, 1, &s, &uzp, 0) ==
        SIGRUN_STATUS_OK);
  const uint8_t* u = tn.outputs[0].data;
  CHECK(u[0] == 128 && u[1] == 130 && u[3] == 126 && u[4] == 255 && u[5] == 0);
  sr_test_node_free(&tn);
  /* per channel (axis 1 of [2,2]): float division, ties away from zero */
  const int32_t d22[] = {2, 2};
  const float xc[4] = {2.5f, 2.5f, -2.5f, 1.0f}, sc[2] = {1.0f, 0.5f};
  const int64_t zc[2] = {0, -1};
  CHECK(run_quantize(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT16, 2, d22, xc, NULL, NULL, 2, sc, zc, 1) ==
        SIGRUN_STATUS_OK);
  const int16_t* h = tn.outputs[0].data;
  CHECK(h[0] == 3 && h[1] == 4 && h[2] == -3 && h[3] == 1);
  sr_test_node_free(&tn);
}

static void test_requantize(void) {
  sr_test_node tn;
  const int32_t d[] = {3};
  const int8_t x[3] = {-128, 0, 127};
  const float s = 0.5f;
  const int64_t zin = -128, zout = 0;
  CHECK(run_quantize(&tn, SIGRUN_TYPE_INT8, SIGRUN_TYPE_UINT8, 1, d, x, &s, &zin, 1, &s, &zout, 0) == SIGRUN_STATUS_OK);
  const uint8_t* u = tn.outputs[0].data;
  CHECK(u[0] == 0 && u[1] == 128 && u[2] == 255);
  sr_test_node_free(&tn);
  const int16_t h[3] = {1000, -1000, 32767};
  const float s16 = 0.001f, s8 = 0.1f;
  const int64_t z0 = 0, z5 = 5;
  CHECK(run_quantize(&tn, SIGRUN_TYPE_INT16, SIGRUN_TYPE_INT8, 1, d, h, &s16, &z0, 1, &s8, &z5, 0) == SIGRUN_STATUS_OK);
  const int8_t* o = tn.outputs[0].data;
  CHECK(o[0] == 15 && o[1] == -5 && o[2] == 127);
  sr_test_node_free(&tn);
  const int32_t w[3] = {7, -7, 100000};
  CHECK(run_quantize(&tn, SIGRUN_TYPE_INT32, SIGRUN_TYPE_INT16, 1, d, w, &s, &z0, 1, &s, &z0, 0) == SIGRUN_STATUS_OK);
  const int16_t* ho = tn.outputs[0].data;
  CHECK(ho[0] == 7 && ho[1] == -7 && ho[2] == 32767);
  sr_test_node_free(&tn);
}

static void test_quantize_errors(void) {
  sr_test_node tn;
  const int32_t d[] = {2}, d22[] = {2, 2};
  const float x[4] = {0};
  const float s = 0.5f, s3[3] = {1, 1, 1}, bad = 0.0f;
  const int64_t zp = 0, z3[3] = {0, 0, 0}, z1 = 1, zbig = 300;
  CHECK(run_quantize(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT32, 1, d, x, NULL, NULL, 1, &s, &zp, 0) ==
        SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "float32 -> int32 (tensor 100) is not supported; supported: float32 -> int8");
  sr_test_node_free(&tn);
  CHECK(run_quantize(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT8, 1, d, x, NULL, NULL, 0, NULL, NULL, 0) ==
        SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "output 0 (tensor 100) has no quantization parameters");
  sr_test_node_free(&tn);
  CHECK(run_quantize(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT8, 1, d, x, NULL, NULL, 1, &bad, &zp, 0) ==
        SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "scale 0 is 0, not a positive finite number");
  sr_test_node_free(&tn);
  CHECK(run_quantize(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_UINT8, 1, d, x, NULL, NULL, 1, &s, &zbig, 0) ==
        SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "zero point 300 is outside the uint8 range");
  sr_test_node_free(&tn);
  CHECK(run_quantize(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT8, 2, d22, x, NULL, NULL, 3, s3, z3, 1) ==
        SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has 3 scales on quantized dimension 1");
  sr_test_node_free(&tn);
  const int16_t h[2] = {0};
  CHECK(run_quantize(&tn, SIGRUN_TYPE_INT16, SIGRUN_TYPE_INT16, 1, d, h, &s, &z1, 1, &s, &zp, 0) ==
        SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "int16 -> int16 needs zero points 0; found 1 and 0");
  sr_test_node_free(&tn);
  CHECK(run_quantize(&tn, SIGRUN_TYPE_INT16, SIGRUN_TYPE_UINT8, 1, d, h, &s, &zp, 1, &s, &zp, 0) ==
        SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "int16 (tensor 0) -> uint8 (tensor 100) is not supported");
  sr_test_node_free(&tn);
  const int32_t z[] = {0};
  CHECK(run_quantize(&tn, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT8, 1, z, NULL, NULL, NULL, 1, &s, &zp, 0) ==
        SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 0);
  sr_test_node_free(&tn);
  CHECK(sr_op_quantize.builtin_code == 114);
}

int main(void) {
  RUN(test_float_to_int_saturates);
  RUN(test_int_to_int_wraps);
  RUN(test_to_float_and_bool);
  RUN(test_half);
  RUN(test_cast_shapes_and_errors);
  RUN(test_dequantize_per_tensor);
  RUN(test_dequantize_per_channel);
  RUN(test_dequantize_float16);
  RUN(test_dequantize_errors);
  RUN(test_parse);
  RUN(test_quantize_float);
  RUN(test_requantize);
  RUN(test_quantize_errors);
  return TEST_SUMMARY();
}
