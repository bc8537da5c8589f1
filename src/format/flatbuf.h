/*
 * flatbuf.h — bounds-checked reading of a flatbuffer held in untrusted memory.
 * Every accessor checks that what it reads lies inside the buffer before touching it, and reads through
 * memcpy so hostile alignment is harmless. Accessors return SR_FB_OK or an error code that
 * sr_fb_strerror describes; callers add the schema context ("subgraph 0, tensor 3, shape").
 * This is the only code in sigrun that interprets raw flatbuffer bytes.
 */
#ifndef SR_FLATBUF_H
#define SR_FLATBUF_H

#include <stddef.h>
#include <stdint.h>

enum {
  SR_FB_OK = 0,
  SR_FB_OUT_OF_BOUNDS,     /* an offset points outside the buffer */
  SR_FB_BAD_VTABLE,        /* vtable size odd, too small, or outside the buffer */
  SR_FB_FIELD_OUT_OF_TABLE,/* a field's bytes extend past its table's inline size */
  SR_FB_VECTOR_TOO_LONG,   /* a vector's elements extend past the end of the buffer */
  SR_FB_STRING_UNTERMINATED,/* a string has no NUL terminator inside the buffer */
  SR_FB_MISALIGNED,        /* a table or vector offset is not 4-byte aligned relative to the buffer */
};

const char* sr_fb_strerror(int code);

typedef struct sr_fb {
  const uint8_t* data;
  size_t size;
} sr_fb;

typedef struct sr_fb_table {
  const sr_fb* fb;
  size_t pos;         /* table start */
  size_t vtable;      /* vtable start */
  uint16_t vt_size;   /* vtable size in bytes */
  uint16_t inline_size; /* table inline size in bytes */
} sr_fb_table;

typedef struct sr_fb_vec {
  const sr_fb* fb;
  size_t pos;   /* first element */
  uint32_t len; /* element count; 0 when absent */
  int present;
} sr_fb_vec;

/* The root table. */
int sr_fb_root(const sr_fb* fb, sr_fb_table* out);
/* Opens the table at absolute position pos. */
int sr_fb_table_at(const sr_fb* fb, size_t pos, sr_fb_table* out);

/* 1 if the field is present in the table's vtable. */
int sr_fb_has(const sr_fb_table* t, int field);

/* Scalars: absent fields yield def. */
int sr_fb_u8(const sr_fb_table* t, int field, uint8_t def, uint8_t* out);
int sr_fb_i8(const sr_fb_table* t, int field, int8_t def, int8_t* out);
int sr_fb_u16(const sr_fb_table* t, int field, uint16_t def, uint16_t* out);
int sr_fb_i32(const sr_fb_table* t, int field, int32_t def, int32_t* out);
int sr_fb_u32(const sr_fb_table* t, int field, uint32_t def, uint32_t* out);
int sr_fb_i64(const sr_fb_table* t, int field, int64_t def, int64_t* out);
int sr_fb_u64(const sr_fb_table* t, int field, uint64_t def, uint64_t* out);
int sr_fb_f32(const sr_fb_table* t, int field, float def, float* out);

/* A sub-table; *present = 0 (and SR_FB_OK) when absent. */
int sr_fb_table_field(const sr_fb_table* t, int field, sr_fb_table* out, int* present);
/* A vector of elem_size-byte scalars (or 4-byte offsets for vectors of tables/strings). */
int sr_fb_vector(const sr_fb_table* t, int field, size_t elem_size, sr_fb_vec* out);
/* A string; *out = NULL when absent. The returned pointer is NUL-terminated inside the buffer. */
int sr_fb_string(const sr_fb_table* t, int field, const char** out, uint32_t* len);

/* Elements of a scalar vector (index must be < len; the vector's bounds were checked). */
uint8_t sr_fb_vec_u8(const sr_fb_vec* v, uint32_t i);
int32_t sr_fb_vec_i32(const sr_fb_vec* v, uint32_t i);
int64_t sr_fb_vec_i64(const sr_fb_vec* v, uint32_t i);
float sr_fb_vec_f32(const sr_fb_vec* v, uint32_t i);
/* Pointer to the first element of a vector (data only; may be unaligned for the element type). */
const uint8_t* sr_fb_vec_data(const sr_fb_vec* v);
/* Element i of a vector of tables / strings. */
int sr_fb_vec_table(const sr_fb_vec* v, uint32_t i, sr_fb_table* out);
int sr_fb_vec_string(const sr_fb_vec* v, uint32_t i, const char** out, uint32_t* len);

#endif /* SR_FLATBUF_H */
