/*
 * test_fb_builder.c — the flatbuffer builder (src/format/fb_builder.c) read back through the runtime's
 * bounds-checked reader (src/format/flatbuf.c): scalars and defaults, strings, vectors with alignment, nested
 * tables, unions, vtable sharing, the file identifier, and its sticky errors (misuse, size limit).
 */
#include "harness.h"

#include "format/fb_builder.h"
#include "format/flatbuf.h"

static void test_scalars_strings_vectors(void) {
  sr_fbb b;
  sr_fbb_init(&b);
  sr_fbo name = sr_fbb_cstring(&b, "hello");
  int32_t iv[3] = {1, -2, 300000};
  sr_fbo ints = sr_fbb_vec_i32(&b, iv, 3);
  uint8_t bytes[5] = {9, 8, 7, 6, 5};
  sr_fbo data = sr_fbb_vec_u8(&b, bytes, 5, 16);
  int64_t lv[2] = {-5, 1ll << 40};
  sr_fbo longs = sr_fbb_vec_i64(&b, lv, 2);
  sr_fbb_table_start(&b);
  sr_fbb_add_i32(&b, 0, 42, 0);
  sr_fbb_add_i32(&b, 1, 7, 7); /* equals the default: omitted */
  sr_fbb_add_i8(&b, 2, -3, 0);
  sr_fbb_add_f32(&b, 3, 1.5f, 0.0f);
  sr_fbb_add_offset(&b, 4, name);
  sr_fbb_add_offset(&b, 5, ints);
  sr_fbb_add_offset(&b, 6, data);
  sr_fbb_add_bool(&b, 7, 1, 0);
  sr_fbb_add_offset(&b, 8, longs);
  sr_fbb_add_i64(&b, 9, -1, 0);
  sr_fbo root = sr_fbb_table_end(&b);
  sigrun_error e;
  CHECK(sr_fbb_finish(&b, root, "TEST", &e) == SIGRUN_STATUS_OK);
  size_t size;
  const uint8_t* p = sr_fbb_data(&b, &size);
  CHECK(p && size % 16 == 0 && memcmp(p + 4, "TEST", 4) == 0);
  sr_fb fb = {p, size};
  sr_fb_table t;
  CHECK(sr_fb_root(&fb, &t) == SR_FB_OK);
  int32_t i32;
  int8_t i8;
  float f;
  int64_t i64;
  CHECK(sr_fb_i32(&t, 0, 0, &i32) == SR_FB_OK && i32 == 42);
  CHECK(!sr_fb_has(&t, 1));
  CHECK(sr_fb_i32(&t, 1, 7, &i32) == SR_FB_OK && i32 == 7);
  CHECK(sr_fb_i8(&t, 2, 0, &i8) == SR_FB_OK && i8 == -3);
  CHECK(sr_fb_f32(&t, 3, 0, &f) == SR_FB_OK && f == 1.5f);
  CHECK(sr_fb_i64(&t, 9, 0, &i64) == SR_FB_OK && i64 == -1);
  const char* s;
  uint32_t len;
  CHECK(sr_fb_string(&t, 4, &s, &len) == SR_FB_OK && len == 5 && strcmp(s, "hello") == 0);
  sr_fb_vec v;
  CHECK(sr_fb_vector(&t, 5, 4, &v) == SR_FB_OK && v.len == 3);
  CHECK(sr_fb_vec_i32(&v, 0) == 1 && sr_fb_vec_i32(&v, 1) == -2 && sr_fb_vec_i32(&v, 2) == 300000);
  CHECK(sr_fb_vector(&t, 6, 1, &v) == SR_FB_OK && v.len == 5);
  CHECK(((uintptr_t)sr_fb_vec_data(&v) - (uintptr_t)p) % 16 == 0); /* tflite buffer data alignment */
  CHECK(memcmp(sr_fb_vec_data(&v), bytes, 5) == 0);
  CHECK(sr_fb_vector(&t, 8, 8, &v) == SR_FB_OK && v.len == 2 && sr_fb_vec_i64(&v, 1) == (1ll << 40));
  uint8_t u8;
  CHECK(sr_fb_u8(&t, 7, 0, &u8) == SR_FB_OK && u8 == 1);
  sr_fbb_free(&b);
}

static void test_nested_union_vtable_sharing(void) {
  sr_fbb b;
  sr_fbb_init(&b);
  sr_fbo kids[3];
  for (int i = 0; i < 3; i++) {
    sr_fbb_table_start(&b);
    sr_fbb_add_i32(&b, 0, 10 + i, 0);
    kids[i] = sr_fbb_table_end(&b);
  }
  size_t before = b.n_vtables;
  /* Identical layouts share a vtable; the inline size counts the alignment padding after the first field, as
   * flatbuffers' own builder does, so two variants of the layout appear. */
  CHECK(before == 2);
  sr_fbo vec = sr_fbb_vec_offsets(&b, kids, 3);
  sr_fbb_table_start(&b);
  sr_fbb_add_offset(&b, 0, vec);
  sr_fbb_add_union(&b, 1, 5, kids[2]);
  sr_fbb_add_union(&b, 3, 0, 0); /* NONE writes nothing */
  sr_fbo root = sr_fbb_table_end(&b);
  CHECK(sr_fbb_finish(&b, root, NULL, NULL) == SIGRUN_STATUS_OK);
  size_t size;
  const uint8_t* p = sr_fbb_data(&b, &size);
  sr_fb fb = {p, size};
  sr_fb_table t, k;
  CHECK(sr_fb_root(&fb, &t) == SR_FB_OK);
  sr_fb_vec v;
  CHECK(sr_fb_vector(&t, 0, 4, &v) == SR_FB_OK && v.len == 3);
  for (uint32_t i = 0; i < 3; i++) {
    int32_t x = 0;
    CHECK(sr_fb_vec_table(&v, i, &k) == SR_FB_OK && sr_fb_i32(&k, 0, 0, &x) == SR_FB_OK && x == (int32_t)(10 + i));
  }
  uint8_t type;
  int present;
  int32_t x = 0;
  CHECK(sr_fb_u8(&t, 1, 0, &type) == SR_FB_OK && type == 5);
  CHECK(sr_fb_table_field(&t, 2, &k, &present) == SR_FB_OK && present && sr_fb_i32(&k, 0, 0, &x) == SR_FB_OK &&
        x == 12);
  CHECK(!sr_fb_has(&t, 3) && !sr_fb_has(&t, 4));
  /* release hands the same bytes over */
  uint8_t* copy = sr_malloc(size);
  memcpy(copy, p, size);
  size_t rsize;
  uint8_t* r = sr_fbb_release(&b, &rsize);
  CHECK(r && rsize == size && memcmp(r, copy, size) == 0);
  sr_free(r);
  sr_free(copy);
  sr_fbb_free(&b);
}

static void test_errors_are_sticky(void) {
  sr_fbb b;
  sigrun_error e;
  sr_fbb_init(&b);
  sr_fbb_table_start(&b);
  CHECK(sr_fbb_cstring(&b, "x") == 0); /* a leaf inside an open table */
  CHECK(sr_fbb_status(&b) == SIGRUN_STATUS_BAD_STATE);
  sr_fbb_add_i32(&b, 0, 1, 0);
  CHECK(sr_fbb_table_end(&b) == 0);
  CHECK(sr_fbb_finish(&b, 0, NULL, &e) == SIGRUN_STATUS_BAD_STATE);
  CHECK_CONTAINS(e.message, "inside an open table");
  sr_fbb_free(&b);

  sr_fbb_init(&b);
  b.max_size = 64;
  uint8_t big[100] = {0};
  CHECK(sr_fbb_vec_u8(&b, big, sizeof big, 1) == 0);
  CHECK(sr_fbb_finish(&b, 1, NULL, &e) == SIGRUN_STATUS_LIMIT);
  sr_fbb_free(&b);

  sr_fbb_init(&b);
  sr_fbb_table_start(&b);
  sr_fbb_add_i32(&b, 3, 1, 0);
  sr_fbb_add_i32(&b, 3, 2, 0);
  CHECK(sr_fbb_status(&b) == SIGRUN_STATUS_BAD_ARGUMENT); /* a field twice */
  sr_fbb_free(&b);

  sr_fbb_init(&b);
  sr_fbb_table_start(&b);
  sr_fbb_add_offset(&b, 0, 12345); /* never built */
  CHECK(sr_fbb_status(&b) == SIGRUN_STATUS_BAD_ARGUMENT);
  sr_fbb_free(&b);

  sr_fbb_init(&b);
  sr_fbb_table_start(&b);
  sr_fbb_add_i32(&b, SR_FBB_MAX_FIELDS, 1, 0);
  CHECK(sr_fbb_status(&b) == SIGRUN_STATUS_BAD_ARGUMENT);
  sr_fbb_free(&b);
}

int main(void) {
  RUN(test_scalars_strings_vectors);
  RUN(test_nested_union_vtable_sharing);
  RUN(test_errors_are_sticky);
  return TEST_SUMMARY();
}
