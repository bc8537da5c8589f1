/*
 * pb_writer.h — a tiny protobuf writer for the converter tests: builds wire bytes field by field into a
 * fixed buffer, so tests can craft exactly the encodings they need (packed or not, overlong, groups, garbage).
 */
#ifndef SR_TEST_PB_WRITER_H
#define SR_TEST_PB_WRITER_H

#include <stdint.h>
#include <string.h>

typedef struct pbw {
  uint8_t buf[1 << 16];
  size_t n;
} pbw;

static inline void pbw_byte(pbw* w, uint8_t b) { w->buf[w->n++] = b; }
static inline void pbw_bytes(pbw* w, const void* p, size_t n) {
  memcpy(w->buf + w->n, p, n);
  w->n += n;
}
static inline void pbw_varint(pbw* w, uint64_t v) {
  while (v >= 0x80) {
    pbw_byte(w, (uint8_t)(v | 0x80));
    v >>= 7;
  }
  pbw_byte(w, (uint8_t)v);
}
static inline void pbw_tag(pbw* w, uint32_t field, int wire) { pbw_varint(w, (uint64_t)field << 3 | (uint64_t)wire); }
static inline void pbw_uint(pbw* w, uint32_t field, uint64_t v) {
  pbw_tag(w, field, 0);
  pbw_varint(w, v);
}
static inline void pbw_int(pbw* w, uint32_t field, int64_t v) { pbw_uint(w, field, (uint64_t)v); }
static inline void pbw_fixed32(pbw* w, uint32_t field, uint32_t v) {
  pbw_tag(w, field, 5);
  for (int i = 0; i < 4; i++) pbw_byte(w, (uint8_t)(v >> (8 * i)));
}
static inline void pbw_fixed64(pbw* w, uint32_t field, uint64_t v) {
  pbw_tag(w, field, 1);
  for (int i = 0; i < 8; i++) pbw_byte(w, (uint8_t)(v >> (8 * i)));
}
static inline void pbw_float(pbw* w, uint32_t field, float f) {
  uint32_t bits;
  memcpy(&bits, &f, 4);
  pbw_fixed32(w, field, bits);
}
static inline void pbw_double(pbw* w, uint32_t field, double d) {
  uint64_t bits;
  memcpy(&bits, &d, 8);
  pbw_fixed64(w, field, bits);
}
static inline void pbw_len(pbw* w, uint32_t field, const void* p, size_t n) {
  pbw_tag(w, field, 2);
  pbw_varint(w, n);
  pbw_bytes(w, p, n);
}
static inline void pbw_str(pbw* w, uint32_t field, const char* s) { pbw_len(w, field, s, strlen(s)); }
/* Appends another writer's bytes as a length-delimited sub-message. */
static inline void pbw_msg(pbw* w, uint32_t field, const pbw* sub) { pbw_len(w, field, sub->buf, sub->n); }

#endif /* SR_TEST_PB_WRITER_H */
