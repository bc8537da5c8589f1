/*
 * flatbuf.c — bounds-checked flatbuffer access. Invariant: no byte outside [data, data+size) is ever read,
 * whatever the buffer holds. Offsets are computed in 64 bits so no sum can wrap.
 */
#include "flatbuf.h"

#include <string.h>

const char* sr_fb_strerror(int code) {
  switch (code) {
    case SR_FB_OK: return "ok";
    case SR_FB_OUT_OF_BOUNDS: return "offset points outside the file";
    case SR_FB_BAD_VTABLE: return "malformed vtable";
    case SR_FB_FIELD_OUT_OF_TABLE: return "field extends past its table";
    case SR_FB_VECTOR_TOO_LONG: return "vector extends past the end of the file";
    case SR_FB_STRING_UNTERMINATED: return "string is not NUL-terminated inside the file";
    case SR_FB_MISALIGNED: return "misaligned offset";
    default: return "unknown flatbuffer error";
  }
}

static int in_bounds(const sr_fb* fb, uint64_t pos, uint64_t len) {
  return pos <= fb->size && len <= fb->size - pos;
}

static uint32_t rd_u32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static uint16_t rd_u16(const uint8_t* p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}

int sr_fb_table_at(const sr_fb* fb, size_t pos, sr_fb_table* out) {
  if (!in_bounds(fb, pos, 4)) return SR_FB_OUT_OF_BOUNDS;
  int32_t soff;
  uint32_t raw = rd_u32(fb->data + pos);
  memcpy(&soff, &raw, 4);
  int64_t vt = (int64_t)pos - (int64_t)soff;
  if (vt < 0 || !in_bounds(fb, (uint64_t)vt, 4)) return SR_FB_BAD_VTABLE;
  uint16_t vt_size = rd_u16(fb->data + vt);
  uint16_t inline_size = rd_u16(fb->data + vt + 2);
  if (vt_size < 4 || (vt_size & 1) || !in_bounds(fb, (uint64_t)vt, vt_size)) return SR_FB_BAD_VTABLE;
  if (inline_size < 4 || !in_bounds(fb, pos, inline_size)) return SR_FB_BAD_VTABLE;
  out->fb = fb;
  out->pos = pos;
  out->vtable = (size_t)vt;
  out->vt_size = vt_size;
  out->inline_size = inline_size;
  return SR_FB_OK;
}

int sr_fb_root(const sr_fb* fb, sr_fb_table* out) {
  if (!in_bounds(fb, 0, 8)) return SR_FB_OUT_OF_BOUNDS;
  return sr_fb_table_at(fb, rd_u32(fb->data), out);
}

/* Offset of the field inside the table (0 = absent). */
static uint16_t field_offset(const sr_fb_table* t, int field) {
  size_t entry = 4 + 2 * (size_t)field;
  if (field < 0 || entry + 2 > t->vt_size) return 0;
  return rd_u16(t->fb->data + t->vtable + entry);
}

int sr_fb_has(const sr_fb_table* t, int field) { return field_offset(t, field) != 0; }

/* Locates a field of `size` inline bytes; *p = NULL when absent. */
static int field_ptr(const sr_fb_table* t, int field, size_t size, const uint8_t** p) {
  uint16_t off = field_offset(t, field);
  *p = NULL;
  if (off == 0) return SR_FB_OK;
  if ((size_t)off + size > t->inline_size) return SR_FB_FIELD_OUT_OF_TABLE;
  *p = t->fb->data + t->pos + off;
  return SR_FB_OK;
}

#define SR_FB_SCALAR(fn, T)                                         \
  int fn(const sr_fb_table* t, int field, T def, T* out) {          \
    const uint8_t* p;                                               \
    int rc = field_ptr(t, field, sizeof(T), &p);                    \
    if (rc) return rc;                                              \
    if (p)                                                          \
      memcpy(out, p, sizeof(T));                                    \
    else                                                            \
      *out = def;                                                   \
    return SR_FB_OK;                                                \
  }
SR_FB_SCALAR(sr_fb_u8, uint8_t)
SR_FB_SCALAR(sr_fb_i8, int8_t)
SR_FB_SCALAR(sr_fb_u16, uint16_t)
SR_FB_SCALAR(sr_fb_i32, int32_t)
SR_FB_SCALAR(sr_fb_u32, uint32_t)
SR_FB_SCALAR(sr_fb_i64, int64_t)
SR_FB_SCALAR(sr_fb_u64, uint64_t)
SR_FB_SCALAR(sr_fb_f32, float)
#undef SR_FB_SCALAR

/* Follows the uoffset stored at absolute position `at`. */
static int follow(const sr_fb* fb, size_t at, size_t* target) {
  if (!in_bounds(fb, at, 4)) return SR_FB_OUT_OF_BOUNDS;
  uint64_t t = (uint64_t)at + rd_u32(fb->data + at);
  if (!in_bounds(fb, t, 4)) return SR_FB_OUT_OF_BOUNDS;
  *target = (size_t)t;
  return SR_FB_OK;
}

int sr_fb_table_field(const sr_fb_table* t, int field, sr_fb_table* out, int* present) {
  const uint8_t* p;
  int rc = field_ptr(t, field, 4, &p);
  *present = 0;
  if (rc || !p) return rc;
  size_t target;
  rc = follow(t->fb, (size_t)(p - t->fb->data), &target);
  if (rc) return rc;
  *present = 1;
  return sr_fb_table_at(t->fb, target, out);
}

static int vector_at(const sr_fb* fb, size_t pos, size_t elem_size, sr_fb_vec* out) {
  if (!in_bounds(fb, pos, 4)) return SR_FB_OUT_OF_BOUNDS;
  uint32_t len = rd_u32(fb->data + pos);
  if (!in_bounds(fb, (uint64_t)pos + 4, (uint64_t)len * elem_size)) return SR_FB_VECTOR_TOO_LONG;
  out->fb = fb;
  out->pos = pos + 4;
  out->len = len;
  out->present = 1;
  return SR_FB_OK;
}

int sr_fb_vector(const sr_fb_table* t, int field, size_t elem_size, sr_fb_vec* out) {
  const uint8_t* p;
  out->fb = t->fb;
  out->pos = 0;
  out->len = 0;
  out->present = 0;
  int rc = field_ptr(t, field, 4, &p);
  if (rc || !p) return rc;
  size_t target;
  rc = follow(t->fb, (size_t)(p - t->fb->data), &target);
  if (rc) return rc;
  return vector_at(t->fb, target, elem_size, out);
}

static int string_at(const sr_fb* fb, size_t pos, const char** out, uint32_t* len) {
  sr_fb_vec v;
  int rc = vector_at(fb, pos, 1, &v);
  if (rc) return rc;
  if (!in_bounds(fb, v.pos + v.len, 1) || fb->data[v.pos + v.len] != 0) return SR_FB_STRING_UNTERMINATED;
  *out = (const char*)fb->data + v.pos;
  if (len) *len = v.len;
  return SR_FB_OK;
}

int sr_fb_string(const sr_fb_table* t, int field, const char** out, uint32_t* len) {
  const uint8_t* p;
  *out = NULL;
  if (len) *len = 0;
  int rc = field_ptr(t, field, 4, &p);
  if (rc || !p) return rc;
  size_t target;
  rc = follow(t->fb, (size_t)(p - t->fb->data), &target);
  if (rc) return rc;
  return string_at(t->fb, target, out, len);
}

uint8_t sr_fb_vec_u8(const sr_fb_vec* v, uint32_t i) { return v->fb->data[v->pos + i]; }
int32_t sr_fb_vec_i32(const sr_fb_vec* v, uint32_t i) {
  int32_t x;
  memcpy(&x, v->fb->data + v->pos + 4 * (size_t)i, 4);
  return x;
}
int64_t sr_fb_vec_i64(const sr_fb_vec* v, uint32_t i) {
  int64_t x;
  memcpy(&x, v->fb->data + v->pos + 8 * (size_t)i, 8);
  return x;
}
float sr_fb_vec_f32(const sr_fb_vec* v, uint32_t i) {
  float x;
  memcpy(&x, v->fb->data + v->pos + 4 * (size_t)i, 4);
  return x;
}
const uint8_t* sr_fb_vec_data(const sr_fb_vec* v) { return v->fb->data + v->pos; }

int sr_fb_vec_table(const sr_fb_vec* v, uint32_t i, sr_fb_table* out) {
  if (i >= v->len) return SR_FB_OUT_OF_BOUNDS;
  size_t target;
  int rc = follow(v->fb, v->pos + 4 * (size_t)i, &target);
  if (rc) return rc;
  return sr_fb_table_at(v->fb, target, out);
}

int sr_fb_vec_string(const sr_fb_vec* v, uint32_t i, const char** out, uint32_t* len) {
  if (i >= v->len) return SR_FB_OUT_OF_BOUNDS;
  size_t target;
  int rc = follow(v->fb, v->pos + 4 * (size_t)i, &target);
  if (rc) return rc;
  return string_at(v->fb, target, out, len);
}
