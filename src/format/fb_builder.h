/*
 * fb_builder.h — writing flatbuffers: the counterpart of flatbuf.h, used by the model writer.
 * Objects are built back to front into one growable buffer, children before parents, as the format wants.
 * An object is named by an sr_fbo, its distance from the end of the buffer; 0 means "absent". Errors are
 * sticky: after the first failure (out of memory, size limit, misuse) every call is a no-op returning 0 and
 * sr_fbb_finish reports that first failure, so callers can build a whole tree and check once.
 * Scalars are written little-endian whatever the host.
 */
#ifndef SR_FB_BUILDER_H
#define SR_FB_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "sigrun.h"

typedef uint32_t sr_fbo;

/* Flatbuffer offsets are 32-bit and signed in places: no buffer may reach 2 GiB. */
#define SR_FBB_MAX_SIZE ((size_t)0x7fffffff)
/* Highest field id a table may use (vtable entries are 16-bit; tflite tables use < 20). */
#define SR_FBB_MAX_FIELDS 64

typedef struct sr_fbb_field {
  uint16_t id;
  uint32_t at; /* the value's sr_fbo-style position */
} sr_fbb_field;

typedef struct sr_fbb {
  uint8_t* buf;   /* the built bytes are the last `size` bytes of buf[0, cap) */
  size_t cap, size;
  size_t max_size; /* sr_fbb_init: SR_FBB_MAX_SIZE; tests may lower it */
  size_t minalign; /* the largest alignment used: finish pads the whole buffer to it */
  /* the table being built */
  int in_table;
  size_t table_start;
  int n_fields;
  sr_fbb_field fields[SR_FBB_MAX_FIELDS];
  /* positions of the vtables written so far, for deduplication */
  uint32_t* vtables;
  size_t n_vtables, cap_vtables;
  int finished;
  sigrun_error error; /* first failure; status OK while none */
} sr_fbb;

void sr_fbb_init(sr_fbb* b);
void sr_fbb_free(sr_fbb* b);
/* SIGRUN_STATUS_OK, or the sticky failure (message in b->error.message). */
sigrun_status sr_fbb_status(const sr_fbb* b);

/* ---- leaves (not while a table is open) ---- */
/* A string of len bytes plus the NUL the format requires. */
sr_fbo sr_fbb_string(sr_fbb* b, const char* s, size_t len);
sr_fbo sr_fbb_cstring(sr_fbb* b, const char* s);
/* A vector of count elements of elem_size bytes copied as they are (bytes, or structs already laid out
 * little-endian), its first element aligned to `align` (a power of two >= 1; 16 for tflite buffer data). */
sr_fbo sr_fbb_vec_raw(sr_fbb* b, const void* elems, size_t count, size_t elem_size, size_t align);
sr_fbo sr_fbb_vec_u8(sr_fbb* b, const uint8_t* v, size_t count, size_t align);
sr_fbo sr_fbb_vec_i32(sr_fbb* b, const int32_t* v, size_t count);
sr_fbo sr_fbb_vec_i64(sr_fbb* b, const int64_t* v, size_t count);
sr_fbo sr_fbb_vec_f32(sr_fbb* b, const float* v, size_t count);
/* A vector of tables or strings built earlier (every entry must be non-zero). */
sr_fbo sr_fbb_vec_offsets(sr_fbb* b, const sr_fbo* v, size_t count);

/* ---- tables ---- */
/* Fields equal to their default are omitted (readers substitute the default). */
void sr_fbb_table_start(sr_fbb* b);
void sr_fbb_add_bool(sr_fbb* b, int id, int v, int def);
void sr_fbb_add_u8(sr_fbb* b, int id, uint8_t v, uint8_t def);
void sr_fbb_add_i8(sr_fbb* b, int id, int8_t v, int8_t def);
void sr_fbb_add_i16(sr_fbb* b, int id, int16_t v, int16_t def);
void sr_fbb_add_u16(sr_fbb* b, int id, uint16_t v, uint16_t def);
void sr_fbb_add_i32(sr_fbb* b, int id, int32_t v, int32_t def);
void sr_fbb_add_u32(sr_fbb* b, int id, uint32_t v, uint32_t def);
void sr_fbb_add_i64(sr_fbb* b, int id, int64_t v, int64_t def);
void sr_fbb_add_u64(sr_fbb* b, int id, uint64_t v, uint64_t def);
/* Floats compare bitwise with the default, so -0.0 and NaN payloads are kept. */
void sr_fbb_add_f32(sr_fbb* b, int id, float v, float def);
void sr_fbb_add_f64(sr_fbb* b, int id, double v, double def);
/* A string, vector or table built earlier; off 0 = absent (omitted). */
void sr_fbb_add_offset(sr_fbb* b, int id, sr_fbo off);
/* A union: the ubyte type in field type_id and the value table in field type_id + 1 (type 0 = NONE writes
 * neither). */
void sr_fbb_add_union(sr_fbb* b, int type_id, uint8_t type, sr_fbo value);
/* Closes the table, writing its vtable or reusing an identical one. */
sr_fbo sr_fbb_table_end(sr_fbb* b);

/* ---- finishing ---- */
/* Writes the root offset and the 4-character file identifier (NULL = none) and pads the whole buffer to its
 * largest alignment. Returns the status (the sticky error if any) with the message copied into *error. */
sigrun_status sr_fbb_finish(sr_fbb* b, sr_fbo root, const char* identifier, sigrun_error* error);
/* After a successful finish: the bytes, owned by the builder. */
const uint8_t* sr_fbb_data(const sr_fbb* b, size_t* size);
/* After a successful finish: hands the bytes over in memory from sr_malloc (16-byte aligned, free with
 * sr_free); the builder is left empty. NULL on failure. */
uint8_t* sr_fbb_release(sr_fbb* b, size_t* size);

#endif /* SR_FB_BUILDER_H */
