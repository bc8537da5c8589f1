/*
 * test_npy.c — the tool's .npy reader and writer: round trips of every dtype and shape kind, headers as
 * numpy and hand editors write them, one malformed file per error path (asserting the message), and a
 * truncation/mutation sweep that must never crash. The tool's sources are not part of the library, so
 * the reader is compiled into this test directly.
 */
#include <time.h>

#include "harness.h"

#include "../../tools/npy.c"

static char err[SR_NPY_ERROR_SIZE];

/* A .npy image with the given version, header text (used verbatim) and data. */
static uint8_t* make_npy(int major, const char* header, const void* data, size_t data_len, size_t* out_size) {
  size_t hlen = strlen(header);
  size_t pre = major == 1 ? 10 : 12;
  uint8_t* buf = malloc(pre + hlen + data_len + 1);
  memcpy(buf, "\x93NUMPY", 6);
  buf[6] = (uint8_t)major;
  buf[7] = 0;
  buf[8] = (uint8_t)(hlen & 0xff);
  buf[9] = (uint8_t)(hlen >> 8);
  if (major != 1) {
    buf[10] = (uint8_t)(hlen >> 16);
    buf[11] = (uint8_t)(hlen >> 24);
  }
  memcpy(buf + pre, header, hlen);
  if (data_len) memcpy(buf + pre + hlen, data, data_len);
  *out_size = pre + hlen + data_len;
  return buf;
}

/* Parses an image that must fail and returns the message (static). */
static const char* parse_fail(int major, const char* header, size_t data_len) {
  static uint8_t zeros[64];
  size_t size;
  uint8_t* buf = make_npy(major, header, zeros, data_len, &size);
  sr_npy_array a;
  err[0] = '\0';
  int rc = sr_npy_parse(buf, size, &a, err, sizeof err);
  free(buf);
  CHECK(rc == -1);
  CHECK(a.data == NULL);
  return err;
}

static void test_round_trip_all_dtypes(void) {
  const sigrun_type types[] = {SIGRUN_TYPE_FLOAT16, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_FLOAT64, SIGRUN_TYPE_INT8,
                               SIGRUN_TYPE_INT16,   SIGRUN_TYPE_INT32,   SIGRUN_TYPE_INT64,   SIGRUN_TYPE_UINT8,
                               SIGRUN_TYPE_UINT16,  SIGRUN_TYPE_UINT32,  SIGRUN_TYPE_UINT64,  SIGRUN_TYPE_BOOL};
  const int64_t shapes[][3] = {{0, 0, 0}, {3, 0, 0}, {2, 3, 0}, {0, 4, 0}, {1, 2, 3}};
  const int ranks[] = {0, 1, 2, 2, 3};
  uint8_t data[6 * 8];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 37 + 1) & 1;
  for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
    for (size_t s = 0; s < sizeof ranks / sizeof ranks[0]; s++) {
      size_t count = 1;
      for (int k = 0; k < ranks[s]; k++) count *= (size_t)shapes[s][k];
      size_t bytes = count * sigrun_type_size(types[t]);
      void* img;
      size_t size;
      CHECK(sr_npy_encode(types[t], ranks[s], shapes[s], data, bytes, &img, &size, err, sizeof err) == 0);
      CHECK(size % 64 == 0 || bytes % 64 != 0);
      CHECK((size - bytes) % 64 == 0);
      sr_npy_array a;
      CHECK(sr_npy_parse(img, size, &a, err, sizeof err) == 0);
      CHECK(a.type == types[t]);
      CHECK(a.rank == ranks[s]);
      for (int k = 0; k < ranks[s]; k++) CHECK(a.dims[k] == shapes[s][k]);
      CHECK(a.count == count);
      CHECK(a.bytes == bytes);
      CHECK(bytes == 0 || memcmp(a.data, data, bytes) == 0);
      sr_npy_free(&a);
      free(img);
    }
  }
}

static void test_writer_header_text(void) {
  int64_t dims[1] = {3};
  float v[3] = {1, 2, 3};
  void* img;
  size_t size;
  CHECK(sr_npy_encode(SIGRUN_TYPE_FLOAT32, 1, dims, v, sizeof v, &img, &size, err, sizeof err) == 0);
  const char* h = (const char*)img + 10;
  CHECK(memcmp(img, "\x93NUMPY\x01\x00", 8) == 0);
  CHECK(strncmp(h, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 57) == 0);
  size_t hlen = (size_t)((const uint8_t*)img)[8] | (size_t)((const uint8_t*)img)[9] << 8;
  CHECK(hlen == 118 && size == 128 + sizeof v);
  CHECK(h[hlen - 1] == '\n' && h[hlen - 2] == ' ');
  free(img);
  CHECK(sr_npy_encode(SIGRUN_TYPE_BOOL, 0, NULL, "\x01", 1, &img, &size, err, sizeof err) == 0);
  CHECK(strstr((const char*)img + 10, "'descr': '|b1'") != NULL);
  CHECK(strstr((const char*)img + 10, "'shape': ()") != NULL);
  free(img);
}

static void test_hand_written_headers(void) {
  int32_t v[2] = {7, -8};
  const char* headers[] = {
      "{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<i4\"}",
      "{ 'descr' : '<i4' ,\n'fortran_order':False,'shape':( 2 , ) , }   \n",
      "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2,)}",
  };
  for (int major = 1; major <= 3; major++) {
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
      size_t size;
      uint8_t* buf = make_npy(major, headers[i], v, sizeof v, &size);
      sr_npy_array a;
      int rc = sr_npy_parse(buf, size, &a, err, sizeof err);
      CHECK(rc == 0);
      if (rc == 0) {
        CHECK(a.type == SIGRUN_TYPE_INT32);
        CHECK(a.count == 2);
        CHECK(memcmp(a.data, v, sizeof v) == 0);
      } else {
        fprintf(stderr, "header %zu v%d: %s\n", i, major, err);
      }
      sr_npy_free(&a);
      free(buf);
    }
  }
  /* One-byte types may carry any byte-order mark. */
  size_t size;
  uint8_t* buf = make_npy(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (8,)}", v, 8, &size);
  sr_npy_array a;
  CHECK(sr_npy_parse(buf, size, &a, err, sizeof err) == 0);
  CHECK(a.type == SIGRUN_TYPE_UINT8);
  sr_npy_free(&a);
  free(buf);
}

static void test_bad_preamble(void) {
  sr_npy_array a;
  CHECK(sr_npy_parse("", 0, &a, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "not a .npy file");
  CHECK(sr_npy_parse("\x93NUMPX\x01\x00\x00\x00", 10, &a, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "not a .npy file");
  CHECK(sr_npy_parse("\x93NUMPY\x01", 7, &a, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "inside the version field");
  CHECK(sr_npy_parse("\x93NUMPY\x04\x00\x00\x00", 10, &a, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "unsupported .npy format version 4.0");
  CHECK(sr_npy_parse("\x93NUMPY\x01\x01\x00\x00", 10, &a, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "version 1.1");
  CHECK(sr_npy_parse("\x93NUMPY\x02\x00\x05\x00\x00", 11, &a, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "inside the header length field (bytes 8-11)");
  CHECK(sr_npy_parse("\x93NUMPY\x01\x00\xff\xff{}", 12, &a, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "header length 65535 runs past the end of the file");
  CHECK(sr_npy_parse("\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14, &a, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "header length 4294967295 runs past");
}

static void test_bad_dtypes(void) {
  CHECK_CONTAINS(parse_fail(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,)}", 4),
                 "dtype '>f4': big-endian data is not supported");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", 8),
                 "unsupported dtype '<c8'");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '|f4', 'fortran_order': False, 'shape': (1,)}", 4),
                 "only valid for 1-byte types");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<U3', 'fortran_order': False, 'shape': (1,)}", 12),
                 "unsupported dtype '<U3'");
  CHECK_CONTAINS(parse_fail(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", 4),
                 "structured dtypes");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4\\n', 'fortran_order': False, 'shape': (1,)}", 4), "escape");
}

static void test_bad_fortran_order(void) {
  /* The value starts at byte 10 + 34. */
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2)}", 16),
                 "byte 44 (header): fortran_order is True");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", 4),
                 "expected True or False, found '0'");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': Falsey, 'shape': (1,)}", 4), "True or False");
}

static void test_bad_shapes(void) {
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3)}", 12), "is not a tuple");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}", 12),
                 "negative dimension");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", 0),
                 "does not fit in 64 bits");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776)}",
                            0),
                 "byte size overflows");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3.5,)}", 12),
                 "',' or ')' in the shape tuple");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': [3]}", 12), "'(' starting");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (,)}", 0), "a dimension");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3L,)}", 12),
                 "after a dimension");
  char big[512] = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (int i = 0; i < 33; i++) strcat(big, "1,");
  strcat(big, ")}");
  CHECK_CONTAINS(parse_fail(1, big, 4), "more than 32 dimensions");
}

static void test_bad_dict(void) {
  CHECK_CONTAINS(parse_fail(1, "['descr', '<f4']", 0), "expected '{' starting the header dictionary");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'shape': (1,)}", 4), "lacks the key 'fortran_order'");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False}", 4), "lacks the key 'shape'");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'foo': 1}", 4),
                 "unknown key 'foo'");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 4),
                 "key 'descr' appears twice");
  CHECK_CONTAINS(parse_fail(1, "{'descr' '<f4', 'fortran_order': False, 'shape': (1,)}", 4),
                 "byte 19 (header): expected ':' after a key, found '''");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4", 0), "byte 20 (header): string starting here is not closed");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", 4),
                 "expected ',' or '}' after a value");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x", 4),
                 "only padding after the header dictionary, found 'x'");
  CHECK_CONTAINS(parse_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", 4),
                 "found the end of the header");
  CHECK_CONTAINS(parse_fail(1, "{'descr'\x01: '<f4'}", 0), "found byte 0x01");
  CHECK_CONTAINS(parse_fail(1, "{'descr': 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'}", 0),
                 "string longer than");
}

static void test_bad_data_size(void) {
  const char* h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n";
  CHECK_CONTAINS(parse_fail(1, h, 20), "need 24 bytes, file has 20 (truncated)");
  CHECK_CONTAINS(parse_fail(1, h, 25), "need 24 bytes, file has 25 (trailing bytes)");
  CHECK_CONTAINS(parse_fail(3, h, 0), "data at byte 72");
}

/* Every prefix and every single-byte change of a valid image parses or fails cleanly. */
static void test_truncation_and_mutation_sweep(void) {
  int64_t dims[2] = {2, 2};
  int16_t v[4] = {1, 2, 3, 4};
  void* img;
  size_t size;
  CHECK(sr_npy_encode(SIGRUN_TYPE_INT16, 2, dims, v, sizeof v, &img, &size, err, sizeof err) == 0);
  uint8_t* copy = malloc(size);
  int failures = 0;
  for (size_t len = 0; len < size; len++) {
    memcpy(copy, img, len);
    sr_npy_array a;
    err[0] = '\0';
    if (sr_npy_parse(copy, len, &a, err, sizeof err) != -1 || err[0] == '\0') {
      fprintf(stderr, "prefix %zu: %s\n", len, err);
      failures++;
    }
    sr_npy_free(&a);
  }
  const uint8_t values[] = {0, 1, ' ', '\'', '(', ')', ',', '9', '{', '}', 0x7f, 0xff};
  for (size_t pos = 0; pos < size; pos++) {
    for (size_t k = 0; k < sizeof values; k++) {
      memcpy(copy, img, size);
      copy[pos] = values[k];
      sr_npy_array a;
      err[0] = '\0';
      int rc = sr_npy_parse(copy, size, &a, err, sizeof err);
      if ((rc == -1 && err[0] == '\0') || (rc == 0 && a.bytes != sizeof v)) {
        fprintf(stderr, "byte %zu = 0x%02x: rc %d: %s\n", pos, values[k], rc, err);
        failures++;
      }
      sr_npy_free(&a);
    }
  }
  CHECK(failures == 0);
  free(copy);
  free(img);
}

static void test_encode_errors(void) {
  void* img;
  size_t size;
  int64_t dims[1] = {3};
  CHECK(sr_npy_encode(SIGRUN_TYPE_STRING, 1, dims, "abc", 3, &img, &size, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "type string cannot be stored");
  CHECK(sr_npy_encode(SIGRUN_TYPE_FLOAT32, 1, dims, "abc", 3, &img, &size, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "data has 3 bytes; the shape and type need 12");
  int64_t neg[1] = {-1};
  CHECK(sr_npy_encode(SIGRUN_TYPE_FLOAT32, 1, neg, NULL, 0, &img, &size, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "dimension 0 is negative");
}

static void test_files(void) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/sigrun_test_npy_%ld.npy", (long)clock());
  int64_t dims[2] = {2, 1};
  double v[2] = {0.5, -2};
  CHECK(sr_npy_write_file(path, SIGRUN_TYPE_FLOAT64, 2, dims, v, sizeof v, err, sizeof err) == 0);
  sr_npy_array a;
  CHECK(sr_npy_read_file(path, &a, err, sizeof err) == 0);
  CHECK(a.type == SIGRUN_TYPE_FLOAT64 && a.rank == 2 && a.dims[0] == 2 && a.dims[1] == 1);
  CHECK(a.data && memcmp(a.data, v, sizeof v) == 0);
  sr_npy_free(&a);
  remove(path);
  CHECK(sr_npy_read_file(path, &a, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "cannot open");
  CHECK(sr_npy_read_file("/tmp", &a, err, sizeof err) == -1);
  CHECK_CONTAINS(err, "/tmp: not a regular file");
  CHECK(sr_npy_write_file("/nonexistent-dir/x.npy", SIGRUN_TYPE_FLOAT64, 2, dims, v, sizeof v, err, sizeof err) ==
        -1);
  CHECK_CONTAINS(err, "cannot create");
}

static const char* fmt(sigrun_type type, const void* data) {
  static char buf[64];
  buf[0] = '\0';
  CHECK(sr_npy_format_element(buf, sizeof buf, type, data, 0) == 1);
  return buf;
}

static void test_format_elements(void) {
  float f[] = {0.1f, 3.0f, 1e-5f, 100000.0f, 0.0001f, -0.0f, 1.0f / 3.0f, 16777216.0f, 1e20f};
  const char* want[] = {"0.1", "3.", "1e-05", "100000.", "0.0001", "-0.", "0.33333334", "16777216.", "1e+20"};
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) CHECK_CONTAINS(fmt(SIGRUN_TYPE_FLOAT32, &f[i]), want[i]);
  CHECK(strcmp(fmt(SIGRUN_TYPE_FLOAT32, &f[0]), "0.1") == 0);
  float special[3] = {NAN, INFINITY, -INFINITY};
  CHECK(strcmp(fmt(SIGRUN_TYPE_FLOAT32, &special[0]), "nan") == 0);
  CHECK(strcmp(fmt(SIGRUN_TYPE_FLOAT32, &special[2]), "-inf") == 0);
  double d = 0.1;
  CHECK(strcmp(fmt(SIGRUN_TYPE_FLOAT64, &d), "0.1") == 0);
  d = 1.0 / 3.0;
  CHECK(strcmp(fmt(SIGRUN_TYPE_FLOAT64, &d), "0.3333333333333333") == 0);
  uint16_t h = sr_npy_f32_to_f16(0.1f);
  CHECK(strcmp(fmt(SIGRUN_TYPE_FLOAT16, &h), "0.1") == 0);
  h = 0x7bff; /* largest half */
  CHECK(strcmp(fmt(SIGRUN_TYPE_FLOAT16, &h), "65500.") == 0);
  int8_t i8 = -128;
  CHECK(strcmp(fmt(SIGRUN_TYPE_INT8, &i8), "-128") == 0);
  uint64_t u64 = UINT64_MAX;
  CHECK(strcmp(fmt(SIGRUN_TYPE_UINT64, &u64), "18446744073709551615") == 0);
  uint8_t b = 1;
  CHECK(strcmp(fmt(SIGRUN_TYPE_BOOL, &b), "True") == 0);
  char buf[8];
  CHECK(sr_npy_format_element(buf, sizeof buf, SIGRUN_TYPE_STRING, "abc", 0) == 0);
}

static void test_parse_elements(void) {
  union { int8_t i8[2]; uint16_t u16; int32_t i32; int64_t i64; uint64_t u64; float f; uint8_t b; } v;
  CHECK(sr_npy_parse_element("-128", SIGRUN_TYPE_INT8, &v, 1) == 0 && v.i8[1] == -128);
  CHECK(sr_npy_parse_element("128", SIGRUN_TYPE_INT8, &v, 0) == -1);
  CHECK(sr_npy_parse_element("-129", SIGRUN_TYPE_INT8, &v, 0) == -1);
  CHECK(sr_npy_parse_element("65535", SIGRUN_TYPE_UINT16, &v, 0) == 0 && v.u16 == 65535);
  CHECK(sr_npy_parse_element("65536", SIGRUN_TYPE_UINT16, &v, 0) == -1);
  CHECK(sr_npy_parse_element("-1", SIGRUN_TYPE_UINT16, &v, 0) == -1);
  CHECK(sr_npy_parse_element("-9223372036854775808", SIGRUN_TYPE_INT64, &v, 0) == 0 && v.i64 == INT64_MIN);
  CHECK(sr_npy_parse_element("9223372036854775808", SIGRUN_TYPE_INT64, &v, 0) == -1);
  CHECK(sr_npy_parse_element("18446744073709551615", SIGRUN_TYPE_UINT64, &v, 0) == 0 && v.u64 == UINT64_MAX);
  CHECK(sr_npy_parse_element("1.5", SIGRUN_TYPE_INT32, &v, 0) == -1);
  CHECK(sr_npy_parse_element("", SIGRUN_TYPE_INT32, &v, 0) == -1);
  CHECK(sr_npy_parse_element("2.5e1", SIGRUN_TYPE_FLOAT32, &v, 0) == 0 && v.f == 25.0f);
  CHECK(sr_npy_parse_element("-inf", SIGRUN_TYPE_FLOAT32, &v, 0) == 0 && isinf(v.f) && v.f < 0);
  CHECK(sr_npy_parse_element("1x", SIGRUN_TYPE_FLOAT32, &v, 0) == -1);
  CHECK(sr_npy_parse_element("True", SIGRUN_TYPE_BOOL, &v, 0) == 0 && v.b == 1);
  CHECK(sr_npy_parse_element("0", SIGRUN_TYPE_BOOL, &v, 0) == 0 && v.b == 0);
  CHECK(sr_npy_parse_element("yes", SIGRUN_TYPE_BOOL, &v, 0) == -1);
  CHECK(sr_npy_parse_element("1.0", SIGRUN_TYPE_FLOAT16, &v, 0) == 0 && v.u16 == 0x3c00);
}

static void test_half_precision(void) {
  CHECK(sr_npy_f32_to_f16(1.0f) == 0x3c00);
  CHECK(sr_npy_f32_to_f16(-2.0f) == 0xc000);
  CHECK(sr_npy_f32_to_f16(65504.0f) == 0x7bff);
  CHECK(sr_npy_f32_to_f16(65520.0f) == 0x7c00); /* halfway to the next binade rounds to inf */
  CHECK(sr_npy_f32_to_f16(ldexpf(1, -24)) == 0x0001); /* smallest subnormal */
  CHECK(sr_npy_f32_to_f16(ldexpf(1, -25)) == 0x0000); /* tie rounds to even (zero) */
  CHECK(sr_npy_f32_to_f16(ldexpf(3, -25)) == 0x0002); /* 1.5 ulp rounds to 2 */
  CHECK(sr_npy_f32_to_f16(1.0f + ldexpf(1, -11)) == 0x3c00); /* tie to even */
  CHECK(sr_npy_f32_to_f16(1.0f + ldexpf(3, -11)) == 0x3c02);
  CHECK((sr_npy_f32_to_f16(NAN) & 0x7c00) == 0x7c00 && (sr_npy_f32_to_f16(NAN) & 0x3ff) != 0);
  CHECK(sr_npy_f16_to_f32(0x0001) == ldexpf(1, -24));
  CHECK(isinf(sr_npy_f16_to_f32(0xfc00)) && sr_npy_f16_to_f32(0xfc00) < 0);
  int bad = 0;
  for (uint32_t h = 0; h < 0x10000; h++) {
    if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) continue; /* NaN payloads need not survive */
    bad += sr_npy_f32_to_f16(sr_npy_f16_to_f32((uint16_t)h)) != h;
  }
  CHECK(bad == 0);
}

int main(void) {
  RUN(test_round_trip_all_dtypes);
  RUN(test_writer_header_text);
  RUN(test_hand_written_headers);
  RUN(test_bad_preamble);
  RUN(test_bad_dtypes);
  RUN(test_bad_fortran_order);
  RUN(test_bad_shapes);
  RUN(test_bad_dict);
  RUN(test_bad_data_size);
  RUN(test_truncation_and_mutation_sweep);
  RUN(test_encode_errors);
  RUN(test_files);
  RUN(test_format_elements);
  RUN(test_parse_elements);
  RUN(test_half_precision);
  return TEST_SUMMARY();
}
