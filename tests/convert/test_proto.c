/*
 * test_proto.c — the protobuf wire reader (src/convert/proto.c): varints (10-byte negatives, overlong and
 * truncated ones), zigzag, every wire type and typed accessor, unknown fields and groups skipped, packed and
 * unpacked repeated scalars, lengths bounded by their parent, the nesting limit, error messages naming file,
 * message, field and offset, and the pool arrays.
 */
#include "convert/proto.h"
#include "harness.h"
#include "pb_writer.h"

static sigrun_error err;

static void reader(sr_pb_reader* r, const pbw* w, const char* msg) {
  sr_pb_init(r, w->buf, w->n, "test.pb", msg, &err);
}

static void test_varint_decoding(void) {
  uint64_t v = 0;
  static const uint8_t one[] = {0x01};
  CHECK(sr_pb_varint(one, 1, &v) == 1 && v == 1);
  static const uint8_t v300[] = {0xac, 0x02};
  CHECK(sr_pb_varint(v300, 2, &v) == 2 && v == 300);
  /* -1 as int64/int32: sign-extended to 64 bits, always 10 bytes. */
  static const uint8_t minus1[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  CHECK(sr_pb_varint(minus1, 10, &v) == 10 && v == UINT64_MAX && (int64_t)v == -1 && (int32_t)(uint32_t)v == -1);
  /* INT64_MIN: only bit 63 set. */
  static const uint8_t min64[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  CHECK(sr_pb_varint(min64, 10, &v) == 10 && (int64_t)v == INT64_MIN);
  /* -2^31 as an int32 field. */
  pbw w = {.n = 0};
  pbw_varint(&w, (uint64_t)(int64_t)INT32_MIN);
  CHECK(w.n == 10 && sr_pb_varint(w.buf, w.n, &v) == 10 && (int32_t)(uint32_t)v == INT32_MIN);
  /* Non-canonical but valid: zero padded to 3 bytes. */
  static const uint8_t padded[] = {0x80, 0x80, 0x00};
  CHECK(sr_pb_varint(padded, 3, &v) == 3 && v == 0);
  /* Truncated: the continuation bit on the last available byte. */
  CHECK(sr_pb_varint(v300, 1, &v) == 0);
  CHECK(sr_pb_varint(minus1, 9, &v) == 0);
  CHECK(sr_pb_varint(one, 0, &v) == 0);
  /* Eleven bytes, and a tenth byte with bits above bit 63. */
  static const uint8_t eleven[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x01};
  CHECK(sr_pb_varint(eleven, 11, &v) == -1);
  static const uint8_t overflow[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  CHECK(sr_pb_varint(overflow, 10, &v) == -1);
}

static void test_zigzag(void) {
  CHECK(sr_pb_zigzag64(0) == 0);
  CHECK(sr_pb_zigzag64(1) == -1);
  CHECK(sr_pb_zigzag64(2) == 1);
  CHECK(sr_pb_zigzag64(3) == -2);
  CHECK(sr_pb_zigzag64(UINT64_MAX) == INT64_MIN);
  CHECK(sr_pb_zigzag64(UINT64_MAX - 1) == INT64_MAX);
  pbw w = {.n = 0};
  pbw_uint(&w, 12, 3); /* sint64 -2 */
  sr_pb_reader r;
  sr_pb_field f;
  reader(&r, &w, "StructuredValue");
  int64_t s = 0;
  CHECK(sr_pb_next(&r, &f) == 1 && sr_pb_sint64(&r, &f, &s) == SIGRUN_STATUS_OK && s == -2);
}

static void test_every_wire_type(void) {
  pbw w = {.n = 0};
  pbw_int(&w, 1, -5);
  pbw_fixed64(&w, 2, 0x0102030405060708ull);
  pbw_str(&w, 3, "abc");
  pbw_fixed32(&w, 4, 0xdeadbeef);
  pbw_float(&w, 5, 1.5f);
  pbw_double(&w, 6, -2.25);
  pbw_uint(&w, 536870911, 7); /* the largest field number */
  sr_pb_reader r;
  sr_pb_field f;
  reader(&r, &w, "Every");
  int64_t i64;
  int32_t i32;
  uint64_t u64;
  uint32_t u32;
  float fl;
  double d;
  CHECK(sr_pb_next(&r, &f) == 1 && f.number == 1 && f.wire == SR_PB_VARINT && f.offset == 0);
  CHECK(sr_pb_i64(&r, &f, &i64) == SIGRUN_STATUS_OK && i64 == -5);
  CHECK(sr_pb_i32(&r, &f, &i32) == SIGRUN_STATUS_OK && i32 == -5);
  CHECK(sr_pb_next(&r, &f) == 1 && f.number == 2 && f.wire == SR_PB_I64);
  CHECK(sr_pb_fixed64(&r, &f, &u64) == SIGRUN_STATUS_OK && u64 == 0x0102030405060708ull);
  CHECK(sr_pb_next(&r, &f) == 1 && f.number == 3 && f.wire == SR_PB_LEN && f.size == 3);
  CHECK(memcmp(f.data, "abc", 3) == 0 && f.data_offset == f.offset + 2);
  sr_pool pool;
  sr_pool_init(&pool);
  const char* s;
  size_t len;
  CHECK(sr_pb_string(&r, &f, &pool, &s, &len) == SIGRUN_STATUS_OK && strcmp(s, "abc") == 0 && len == 3);
  CHECK(sr_pb_next(&r, &f) == 1 && sr_pb_fixed32(&r, &f, &u32) == SIGRUN_STATUS_OK && u32 == 0xdeadbeef);
  CHECK(sr_pb_next(&r, &f) == 1 && sr_pb_float(&r, &f, &fl) == SIGRUN_STATUS_OK && fl == 1.5f);
  CHECK(sr_pb_next(&r, &f) == 1 && sr_pb_double(&r, &f, &d) == SIGRUN_STATUS_OK && d == -2.25);
  CHECK(sr_pb_next(&r, &f) == 1 && f.number == 536870911 && sr_pb_u64(&r, &f, &u64) == SIGRUN_STATUS_OK && u64 == 7);
  CHECK(sr_pb_next(&r, &f) == 0);
  CHECK(sr_pb_next(&r, &f) == 0); /* stays at the end */
  /* A wire type that does not fit the accessor is an error naming the field. */
  reader(&r, &w, "Every");
  CHECK(sr_pb_next(&r, &f) == 1);
  CHECK(sr_pb_float(&r, &f, &fl) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "test.pb: Every field 1 at offset 0: wire type varint, expected 32-bit");
  CHECK(sr_pb_string(&r, &f, &pool, &s, &len) == SIGRUN_STATUS_BAD_MODEL);
  sr_pool_destroy(&pool);
}

static void test_strings_with_nul(void) {
  pbw w = {.n = 0};
  pbw_len(&w, 1, "a\0b", 3);
  sr_pb_reader r;
  sr_pb_field f;
  reader(&r, &w, "Bytes");
  sr_pool pool;
  sr_pool_init(&pool);
  const char* s = NULL;
  size_t len = 0;
  CHECK(sr_pb_next(&r, &f) == 1 && sr_pb_string(&r, &f, &pool, &s, &len) == SIGRUN_STATUS_OK);
  CHECK(len == 3 && s[0] == 'a' && s[1] == 0 && s[2] == 'b' && s[3] == 0);
  sr_pool_destroy(&pool);
}

/* Every repeated scalar kind, written packed and unpacked, decodes to the same array, and both forms append. */
static void test_packed_and_unpacked(void) {
  static const int64_t ints[] = {0, 1, -1, 300, INT32_MIN, INT32_MAX, INT64_MIN, INT64_MAX};
  const size_t n = sizeof ints / sizeof ints[0];
  static const sr_pb_kind varint_kinds[] = {SR_PB_K_INT32, SR_PB_K_INT64, SR_PB_K_UINT32, SR_PB_K_UINT64,
                                            SR_PB_K_BOOL, SR_PB_K_SINT64};
  for (size_t k = 0; k < sizeof varint_kinds / sizeof varint_kinds[0]; k++) {
    sr_pb_kind kind = varint_kinds[k];
    static pbw packed, unpacked, payload;
    packed.n = unpacked.n = payload.n = 0;
    for (size_t i = 0; i < n; i++) {
      uint64_t wire = kind == SR_PB_K_SINT64 ? ((uint64_t)ints[i] << 1) ^ (uint64_t)(ints[i] >> 63) : (uint64_t)ints[i];
      pbw_varint(&payload, wire);
      pbw_uint(&unpacked, 7, wire);
    }
    pbw_msg(&packed, 7, &payload);
    for (int form = 0; form < 3; form++) {
      sr_pool pool;
      sr_pool_init(&pool);
      int64_t* out64 = NULL;
      size_t count = 0;
      sr_pb_reader r;
      sr_pb_field f;
      /* form 2: the packed list then the unpacked one, appended. */
      const pbw* src[2] = {form == 1 ? &unpacked : &packed, form == 2 ? &unpacked : NULL};
      for (int part = 0; part < 2 && src[part]; part++) {
        reader(&r, src[part], "Repeated");
        while (sr_pb_next(&r, &f) == 1) CHECK(sr_pb_repeated(&r, &f, kind, &pool, &out64, &count) == SIGRUN_STATUS_OK);
      }
      CHECK(count == (form == 2 ? 2 * n : n));
      for (size_t i = 0; i < count; i++) {
        int64_t want = ints[i % n];
        size_t width = kind == SR_PB_K_BOOL ? 1 : (kind == SR_PB_K_INT32 || kind == SR_PB_K_UINT32) ? 4 : 8;
        const void* slot = (const uint8_t*)out64 + i * width;
        if (kind == SR_PB_K_INT32) {
          int32_t v;
          memcpy(&v, slot, 4);
          CHECK(v == (int32_t)(uint32_t)(uint64_t)want);
        } else if (kind == SR_PB_K_UINT32) {
          uint32_t v;
          memcpy(&v, slot, 4);
          CHECK(v == (uint32_t)(uint64_t)want);
        } else if (kind == SR_PB_K_BOOL) {
          CHECK(*(const uint8_t*)slot == (want != 0));
        } else {
          int64_t v;
          memcpy(&v, slot, 8);
          CHECK(v == want);
        }
      }
      sr_pool_destroy(&pool);
    }
  }
  /* Fixed-width kinds. */
  static const float floats[] = {0.0f, -1.5f, 3.25e10f};
  static const double doubles[] = {1e-300, -2.0};
  for (int form = 0; form < 2; form++) {
    pbw w = {.n = 0}, payload = {.n = 0};
    if (form == 0) {
      for (int i = 0; i < 3; i++) pbw_bytes(&payload, &floats[i], 4);
      pbw_msg(&w, 1, &payload);
      payload.n = 0;
      for (int i = 0; i < 2; i++) pbw_bytes(&payload, &doubles[i], 8);
      pbw_msg(&w, 2, &payload);
    } else {
      for (int i = 0; i < 3; i++) pbw_float(&w, 1, floats[i]);
      for (int i = 0; i < 2; i++) pbw_double(&w, 2, doubles[i]);
    }
    sr_pool pool;
    sr_pool_init(&pool);
    float* fs = NULL;
    double* ds = NULL;
    size_t nf = 0, nd = 0;
    sr_pb_reader r;
    sr_pb_field f;
    reader(&r, &w, "Fixed");
    while (sr_pb_next(&r, &f) == 1) {
      if (f.number == 1) CHECK(sr_pb_repeated(&r, &f, SR_PB_K_FLOAT, &pool, &fs, &nf) == SIGRUN_STATUS_OK);
      if (f.number == 2) CHECK(sr_pb_repeated(&r, &f, SR_PB_K_DOUBLE, &pool, &ds, &nd) == SIGRUN_STATUS_OK);
    }
    CHECK(nf == 3 && nd == 2 && fs[0] == 0.0f && fs[1] == -1.5f && fs[2] == 3.25e10f);
    CHECK(ds[0] == 1e-300 && ds[1] == -2.0);
    sr_pool_destroy(&pool);
  }
}

static void test_packed_errors(void) {
  sr_pool pool;
  sr_pool_init(&pool);
  float* fs = NULL;
  int64_t* is = NULL;
  size_t n = 0;
  sr_pb_reader r;
  sr_pb_field f;
  pbw w = {.n = 0};
  pbw_len(&w, 5, "\x00\x00\x80\x3f\x00", 5); /* 5 bytes of packed floats */
  reader(&r, &w, "TensorProto");
  CHECK(sr_pb_next(&r, &f) == 1);
  CHECK(sr_pb_repeated(&r, &f, SR_PB_K_FLOAT, &pool, &fs, &n) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "TensorProto field 5 at offset 0");
  CHECK_CONTAINS(err.message, "not a multiple of 4");
  w.n = 0;
  pbw_len(&w, 10, "\x01\x80", 2); /* a packed varint truncated inside its LEN */
  reader(&r, &w, "TensorProto");
  CHECK(sr_pb_next(&r, &f) == 1);
  CHECK(sr_pb_repeated(&r, &f, SR_PB_K_INT64, &pool, &is, &n) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "truncated");
  /* An unpacked element of the wrong wire type. */
  w.n = 0;
  pbw_fixed64(&w, 10, 1);
  reader(&r, &w, "TensorProto");
  CHECK(sr_pb_next(&r, &f) == 1);
  CHECK(sr_pb_repeated(&r, &f, SR_PB_K_INT64, &pool, &is, &n) == SIGRUN_STATUS_BAD_MODEL);
  sr_pool_destroy(&pool);
}

static void test_groups_skipped(void) {
  pbw w = {.n = 0};
  pbw_uint(&w, 1, 11);
  pbw_tag(&w, 5, 3); /* group 5 { 1: 7, group 6 { 2: "x" }, 3: fixed32 } */
  pbw_uint(&w, 1, 7);
  pbw_tag(&w, 6, 3);
  pbw_str(&w, 2, "x");
  pbw_tag(&w, 6, 4);
  pbw_fixed32(&w, 3, 9);
  pbw_tag(&w, 5, 4);
  pbw_uint(&w, 2, 22);
  sr_pb_reader r;
  sr_pb_field f;
  reader(&r, &w, "Grouped");
  CHECK(sr_pb_next(&r, &f) == 1 && f.number == 1 && f.u64 == 11);
  CHECK(sr_pb_next(&r, &f) == 1 && f.number == 5 && f.wire == SR_PB_SGROUP && f.size > 0);
  CHECK(sr_pb_next(&r, &f) == 1 && f.number == 2 && f.u64 == 22);
  CHECK(sr_pb_next(&r, &f) == 0);
  /* Mismatched, unclosed and stray end tags. */
  w.n = 0;
  pbw_tag(&w, 5, 3);
  pbw_tag(&w, 6, 4);
  reader(&r, &w, "Grouped");
  CHECK(sr_pb_next(&r, &f) == -1);
  CHECK_CONTAINS(err.message, "does not match");
  w.n = 0;
  pbw_tag(&w, 5, 3);
  pbw_uint(&w, 1, 1);
  reader(&r, &w, "Grouped");
  CHECK(sr_pb_next(&r, &f) == -1);
  CHECK_CONTAINS(err.message, "not closed");
  w.n = 0;
  pbw_tag(&w, 5, 4);
  reader(&r, &w, "Grouped");
  CHECK(sr_pb_next(&r, &f) == -1);
  CHECK_CONTAINS(err.message, "end-group");
  /* Groups nested past the limit. */
  w.n = 0;
  for (int i = 0; i < SR_PB_MAX_DEPTH + 5; i++) pbw_tag(&w, 1, 3);
  for (int i = 0; i < SR_PB_MAX_DEPTH + 5; i++) pbw_tag(&w, 1, 4);
  reader(&r, &w, "Grouped");
  CHECK(sr_pb_next(&r, &f) == -1);
  CHECK_CONTAINS(err.message, "deeper");
}

static void test_malformed_tags_and_lengths(void) {
  sr_pb_reader r;
  sr_pb_field f;
  pbw w = {.n = 0};
  pbw_varint(&w, 0 << 3 | 0); /* field number 0 */
  pbw_byte(&w, 1);
  reader(&r, &w, "Bad");
  CHECK(sr_pb_next(&r, &f) == -1);
  CHECK_CONTAINS(err.message, "invalid tag");
  w.n = 0;
  pbw_varint(&w, (uint64_t)1 << 35); /* beyond 32 bits */
  reader(&r, &w, "Bad");
  CHECK(sr_pb_next(&r, &f) == -1);
  for (int wire = 6; wire <= 7; wire++) {
    w.n = 0;
    pbw_tag(&w, 3, wire);
    reader(&r, &w, "Bad");
    CHECK(sr_pb_next(&r, &f) == -1);
    CHECK_CONTAINS(err.message, "invalid wire type");
  }
  /* A length running past the end of the message. */
  w.n = 0;
  pbw_uint(&w, 1, 1);
  pbw_tag(&w, 2, 2);
  pbw_varint(&w, 100);
  pbw_bytes(&w, "abc", 3);
  reader(&r, &w, "NodeDef");
  CHECK(sr_pb_next(&r, &f) == 1);
  CHECK(sr_pb_next(&r, &f) == -1);
  CHECK_CONTAINS(err.message, "test.pb: NodeDef field 2 at offset 2: length 100 runs past the end of NodeDef");
  /* A huge length (2^63) does not wrap. */
  w.n = 0;
  pbw_tag(&w, 2, 2);
  pbw_varint(&w, (uint64_t)1 << 63);
  reader(&r, &w, "NodeDef");
  CHECK(sr_pb_next(&r, &f) == -1);
  /* Truncated fixed-width values and varints. */
  static const uint8_t fixed[] = {0x0d, 0x01, 0x02};
  sr_pb_init(&r, fixed, sizeof fixed, "test.pb", "Fixed", &err);
  CHECK(sr_pb_next(&r, &f) == -1);
  CHECK_CONTAINS(err.message, "truncated 4-byte value");
  static const uint8_t varint[] = {0x08, 0xff};
  sr_pb_init(&r, varint, sizeof varint, "test.pb", "Varint", &err);
  CHECK(sr_pb_next(&r, &f) == -1);
  CHECK_CONTAINS(err.message, "truncated value varint");
  /* Every truncation of a valid message either ends cleanly (at a field boundary) or fails with a message. */
  w.n = 0;
  pbw_int(&w, 1, -1);
  pbw_str(&w, 2, "hello");
  pbw_double(&w, 3, 1.0);
  pbw_float(&w, 4, 1.0f);
  for (size_t cut = 0; cut <= w.n; cut++) {
    sr_pb_init(&r, w.buf, cut, "test.pb", "Cut", &err);
    int rc;
    err.message[0] = 0;
    while ((rc = sr_pb_next(&r, &f)) == 1) {
    }
    CHECK(rc == 0 || (rc == -1 && err.message[0] != 0));
    CHECK(r.pos <= cut);
  }
}

/* A sub-message reader is bounded by its field; nesting deeper than the limit fails. */
static void test_nesting(void) {
  static pbw a, b;
  a.n = b.n = 0;
  pbw_uint(&a, 1, 5);
  pbw_msg(&b, 2, &a);
  pbw_uint(&b, 3, 6);
  sr_pb_reader r, sub;
  sr_pb_field f;
  reader(&r, &b, "Outer");
  CHECK(sr_pb_next(&r, &f) == 1 && sr_pb_sub(&r, &f, "Inner", &sub) == SIGRUN_STATUS_OK);
  CHECK(sub.depth == 1 && sub.end == f.data_offset + f.size);
  sr_pb_field g;
  CHECK(sr_pb_next(&sub, &g) == 1 && g.u64 == 5 && sr_pb_next(&sub, &g) == 0);
  CHECK(sr_pb_next(&r, &f) == 1 && f.number == 3);
  /* A varint field cannot be entered as a message. */
  CHECK(sr_pb_sub(&r, &f, "Inner", &sub) == SIGRUN_STATUS_BAD_MODEL);
  /* Build SR_PB_MAX_DEPTH + 2 levels and descend until the reader refuses. */
  static pbw levels[2];
  int cur = 0;
  levels[0].n = 0;
  pbw_uint(&levels[0], 1, 1);
  for (int i = 0; i < SR_PB_MAX_DEPTH + 2; i++) {
    levels[1 - cur].n = 0;
    pbw_msg(&levels[1 - cur], 1, &levels[cur]);
    cur = 1 - cur;
  }
  reader(&r, &levels[cur], "Deep");
  int depth = 0;
  sigrun_status st = SIGRUN_STATUS_OK;
  while (st == SIGRUN_STATUS_OK && sr_pb_next(&r, &f) == 1 && f.wire == SR_PB_LEN) {
    st = sr_pb_sub(&r, &f, "Deep", &sub);
    if (st == SIGRUN_STATUS_OK) {
      r = sub;
      depth++;
    }
  }
  CHECK(st == SIGRUN_STATUS_BAD_MODEL && depth == SR_PB_MAX_DEPTH - 1);
  CHECK_CONTAINS(err.message, "nested deeper than 100");
}

static void test_pool_arrays(void) {
  sr_pool pool;
  sr_pool_init(&pool);
  uint32_t* items = NULL;
  size_t count = 0;
  for (uint32_t i = 0; i < 1000; i++) {
    uint32_t* slot = SR_PB_PUSH(&pool, items, count);
    CHECK(slot != NULL && *slot == 0);
    if (slot) *slot = i * 3;
  }
  CHECK(count == 1000);
  int ok = 1;
  for (uint32_t i = 0; i < 1000; i++) ok &= items[i] == i * 3;
  CHECK(ok);
  sr_pool_destroy(&pool);
}

int main(void) {
  RUN(test_varint_decoding);
  RUN(test_zigzag);
  RUN(test_every_wire_type);
  RUN(test_strings_with_nul);
  RUN(test_packed_and_unpacked);
  RUN(test_packed_errors);
  RUN(test_groups_skipped);
  RUN(test_malformed_tags_and_lengths);
  RUN(test_nesting);
  RUN(test_pool_arrays);
  return TEST_SUMMARY();
}
