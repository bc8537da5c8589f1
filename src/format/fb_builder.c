/*
 * fb_builder.c — the flatbuffer builder. Invariant: every position is the distance from the end of the
 * finished buffer, so the bytes never move relative to each other and an alignment taken from the end is
 * an absolute alignment once finish pads the total to the largest alignment used. Every size is checked
 * against max_size before anything is written, so no sum can wrap.
 */
#include "fb_builder.h"

#include <stdio.h>
#include <string.h>

#include "../core/common.h"

static int failed(const sr_fbb* b) { return b->error.status != SIGRUN_STATUS_OK; }

static void fail(sr_fbb* b, sigrun_status status, const char* what) {
  if (failed(b)) return;
  sr_fail(&b->error, status, "flatbuffer builder: %s", what);
}

void sr_fbb_init(sr_fbb* b) {
  memset(b, 0, sizeof *b);
  b->max_size = SR_FBB_MAX_SIZE;
  b->minalign = 4;
  sr_ok(&b->error);
}

void sr_fbb_free(sr_fbb* b) {
  sr_free(b->buf);
  sr_free(b->vtables);
  b->buf = NULL;
  b->vtables = NULL;
  b->cap = b->size = b->n_vtables = b->cap_vtables = 0;
}

sigrun_status sr_fbb_status(const sr_fbb* b) { return b->error.status; }

/* Makes room for n more bytes in front of the data. */
static int reserve(sr_fbb* b, size_t n) {
  if (failed(b)) return 0;
  if (n > b->max_size || b->size > b->max_size - n) {
    char msg[128];
    snprintf(msg, sizeof msg, "the buffer would exceed %zu bytes (%zu written, %zu more)", b->max_size, b->size, n);
    fail(b, SIGRUN_STATUS_LIMIT, msg);
    return 0;
  }
  if (b->cap - b->size >= n) return 1;
  size_t want = b->size + n, cap = b->cap ? b->cap : 256;
  while (cap < want) cap = cap > SIZE_MAX / 2 ? want : cap * 2;
  uint8_t* nb = sr_malloc(cap);
  if (!nb) {
    fail(b, SIGRUN_STATUS_NO_MEMORY, "out of memory");
    return 0;
  }
  if (b->size) memcpy(nb + cap - b->size, b->buf + b->cap - b->size, b->size);
  sr_free(b->buf);
  b->buf = nb;
  b->cap = cap;
  return 1;
}

/* Pointer to the byte at position pos (pos bytes from the end). */
static uint8_t* at(sr_fbb* b, size_t pos) { return b->buf + b->cap - pos; }

static int push(sr_fbb* b, const void* data, size_t n) {
  if (!reserve(b, n)) return 0;
  b->size += n;
  if (n) {
    if (data)
      memcpy(at(b, b->size), data, n);
    else
      memset(at(b, b->size), 0, n);
  }
  return 1;
}

static void store_le(uint8_t* p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static int push_le(sr_fbb* b, uint64_t v, size_t n) {
  if (!reserve(b, n)) return 0;
  b->size += n;
  store_le(at(b, b->size), v, n);
  return 1;
}

/* Pads so that after `len` more bytes the position is a multiple of align (a power of two). */
static int prealign(sr_fbb* b, size_t len, size_t align) {
  if (align > b->minalign) b->minalign = align;
  size_t pad = (size_t)(0 - (b->size + len)) & (align - 1);
  return push(b, NULL, pad);
}

static int leaf_ok(sr_fbb* b) {
  if (failed(b)) return 0;
  if (b->in_table || b->finished) {
    fail(b, SIGRUN_STATUS_BAD_STATE, b->finished ? "object added after finish" : "object built inside an open table");
    return 0;
  }
  return 1;
}

/* ---- leaves ---- */

sr_fbo sr_fbb_string(sr_fbb* b, const char* s, size_t len) {
  if (!leaf_ok(b)) return 0;
  if (len > UINT32_MAX - 1) {
    fail(b, SIGRUN_STATUS_LIMIT, "string too long");
    return 0;
  }
  if (!prealign(b, len + 1, 4) || !push(b, NULL, 1) || !push(b, s, len) || !push_le(b, len, 4)) return 0;
  return (sr_fbo)b->size;
}

sr_fbo sr_fbb_cstring(sr_fbb* b, const char* s) { return sr_fbb_string(b, s ? s : "", s ? strlen(s) : 0); }

/* Aligns for a vector of `bytes` bytes whose data must be aligned to align; returns 0 on failure. */
static int vec_start(sr_fbb* b, size_t count, size_t elem_size, size_t align, size_t* bytes) {
  if (!leaf_ok(b)) return 0;
  if (align == 0 || (align & (align - 1)) || align > 256) {
    fail(b, SIGRUN_STATUS_BAD_ARGUMENT, "vector alignment must be a power of two up to 256");
    return 0;
  }
  if (count > UINT32_MAX || !sr_mul_size(count, elem_size, bytes)) {
    fail(b, SIGRUN_STATUS_LIMIT, "vector too long");
    return 0;
  }
  return prealign(b, *bytes, align < 4 ? 4 : align);
}

static sr_fbo vec_end(sr_fbb* b, size_t count) { return push_le(b, count, 4) ? (sr_fbo)b->size : 0; }

sr_fbo sr_fbb_vec_raw(sr_fbb* b, const void* elems, size_t count, size_t elem_size, size_t align) {
  size_t bytes;
  if (!vec_start(b, count, elem_size, align, &bytes) || !push(b, elems, bytes)) return 0;
  return vec_end(b, count);
}

sr_fbo sr_fbb_vec_u8(sr_fbb* b, const uint8_t* v, size_t count, size_t align) {
  return sr_fbb_vec_raw(b, v, count, 1, align);
}

/* Scalars converted one by one to little-endian; `get` reads element i as 64 bits. */
static sr_fbo vec_scalars(sr_fbb* b, size_t count, size_t elem_size, uint64_t (*get)(const void*, size_t),
                          const void* v) {
  size_t bytes;
  if (!vec_start(b, count, elem_size, elem_size, &bytes) || !reserve(b, bytes)) return 0;
  b->size += bytes;
  uint8_t* p = at(b, b->size);
  for (size_t i = 0; i < count; i++) store_le(p + i * elem_size, get(v, i), elem_size);
  return vec_end(b, count);
}

static uint64_t get_i32(const void* v, size_t i) { return (uint32_t)((const int32_t*)v)[i]; }
static uint64_t get_i64(const void* v, size_t i) { return (uint64_t)((const int64_t*)v)[i]; }
static uint64_t get_f32(const void* v, size_t i) {
  uint32_t u;
  memcpy(&u, (const float*)v + i, 4);
  return u;
}

sr_fbo sr_fbb_vec_i32(sr_fbb* b, const int32_t* v, size_t count) { return vec_scalars(b, count, 4, get_i32, v); }
sr_fbo sr_fbb_vec_i64(sr_fbb* b, const int64_t* v, size_t count) { return vec_scalars(b, count, 8, get_i64, v); }
sr_fbo sr_fbb_vec_f32(sr_fbb* b, const float* v, size_t count) { return vec_scalars(b, count, 4, get_f32, v); }

/* A stored reference is the forward distance from where it lies to its target, so the target must already be
 * written. */
static int refer_ok(sr_fbb* b, sr_fbo target) {
  if (target == 0 || target > b->size) {
    fail(b, SIGRUN_STATUS_BAD_ARGUMENT, "reference to an object that was not built");
    return 0;
  }
  return 1;
}

sr_fbo sr_fbb_vec_offsets(sr_fbb* b, const sr_fbo* v, size_t count) {
  size_t bytes;
  if (!vec_start(b, count, 4, 4, &bytes)) return 0;
  for (size_t i = count; i-- > 0;) {
    if (!refer_ok(b, v[i]) || !push_le(b, (b->size + 4) - v[i], 4)) return 0;
  }
  return vec_end(b, count);
}

/* ---- tables ---- */

void sr_fbb_table_start(sr_fbb* b) {
  if (!leaf_ok(b)) return;
  b->in_table = 1;
  b->n_fields = 0;
  b->table_start = b->size;
}

static int field_ok(sr_fbb* b, int id) {
  if (failed(b)) return 0;
  if (!b->in_table) {
    fail(b, SIGRUN_STATUS_BAD_STATE, "field added outside a table");
    return 0;
  }
  if (id < 0 || id >= SR_FBB_MAX_FIELDS) {
    fail(b, SIGRUN_STATUS_BAD_ARGUMENT, "field id out of range");
    return 0;
  }
  for (int i = 0; i < b->n_fields; i++)
    if (b->fields[i].id == id) {
      fail(b, SIGRUN_STATUS_BAD_ARGUMENT, "field added twice to one table");
      return 0;
    }
  return 1;
}

static void record(sr_fbb* b, int id) {
  b->fields[b->n_fields].id = (uint16_t)id;
  b->fields[b->n_fields].at = (uint32_t)b->size;
  b->n_fields++;
}

static void add_scalar(sr_fbb* b, int id, uint64_t bits, size_t n) {
  if (!field_ok(b, id) || !prealign(b, n, n) || !push_le(b, bits, n)) return;
  record(b, id);
}

void sr_fbb_add_bool(sr_fbb* b, int id, int v, int def) {
  if ((v != 0) != (def != 0)) add_scalar(b, id, v != 0, 1);
}
void sr_fbb_add_u8(sr_fbb* b, int id, uint8_t v, uint8_t def) {
  if (v != def) add_scalar(b, id, v, 1);
}
void sr_fbb_add_i8(sr_fbb* b, int id, int8_t v, int8_t def) {
  if (v != def) add_scalar(b, id, (uint8_t)v, 1);
}
void sr_fbb_add_i16(sr_fbb* b, int id, int16_t v, int16_t def) {
  if (v != def) add_scalar(b, id, (uint16_t)v, 2);
}
void sr_fbb_add_u16(sr_fbb* b, int id, uint16_t v, uint16_t def) {
  if (v != def) add_scalar(b, id, v, 2);
}
void sr_fbb_add_i32(sr_fbb* b, int id, int32_t v, int32_t def) {
  if (v != def) add_scalar(b, id, (uint32_t)v, 4);
}
void sr_fbb_add_u32(sr_fbb* b, int id, uint32_t v, uint32_t def) {
  if (v != def) add_scalar(b, id, v, 4);
}
void sr_fbb_add_i64(sr_fbb* b, int id, int64_t v, int64_t def) {
  if (v != def) add_scalar(b, id, (uint64_t)v, 8);
}
void sr_fbb_add_u64(sr_fbb* b, int id, uint64_t v, uint64_t def) {
  if (v != def) add_scalar(b, id, v, 8);
}
void sr_fbb_add_f32(sr_fbb* b, int id, float v, float def) {
  uint32_t bv, bd;
  memcpy(&bv, &v, 4);
  memcpy(&bd, &def, 4);
  if (bv != bd) add_scalar(b, id, bv, 4);
}
void sr_fbb_add_f64(sr_fbb* b, int id, double v, double def) {
  uint64_t bv, bd;
  memcpy(&bv, &v, 8);
  memcpy(&bd, &def, 8);
  if (bv != bd) add_scalar(b, id, bv, 8);
}

void sr_fbb_add_offset(sr_fbb* b, int id, sr_fbo off) {
  if (off == 0 || !field_ok(b, id) || !prealign(b, 4, 4) || !refer_ok(b, off)) return;
  if (!push_le(b, (b->size + 4) - off, 4)) return;
  record(b, id);
}

void sr_fbb_add_union(sr_fbb* b, int type_id, uint8_t type, sr_fbo value) {
  if (type == 0) return;
  if (value == 0) {
    fail(b, SIGRUN_STATUS_BAD_ARGUMENT, "union with a type but no value");
    return;
  }
  sr_fbb_add_u8(b, type_id, type, 0);
  sr_fbb_add_offset(b, type_id + 1, value);
}

/* Finds a vtable identical to vt[0..len) among those written; 0 if none. */
static size_t find_vtable(sr_fbb* b, const uint8_t* vt, size_t len) {
  for (size_t i = 0; i < b->n_vtables; i++) {
    const uint8_t* p = at(b, b->vtables[i]);
    /* Lengths first: a shorter vtable may sit too close to the end for a len-byte compare. */
    if (p[0] == vt[0] && p[1] == vt[1] && memcmp(p, vt, len) == 0) return b->vtables[i];
  }
  return 0;
}

static int remember_vtable(sr_fbb* b, size_t pos) {
  if (b->n_vtables == b->cap_vtables) {
    size_t cap = b->cap_vtables ? b->cap_vtables * 2 : 16;
    uint32_t* nv = sr_realloc(b->vtables, cap * sizeof *nv);
    if (!nv) {
      fail(b, SIGRUN_STATUS_NO_MEMORY, "out of memory");
      return 0;
    }
    b->vtables = nv;
    b->cap_vtables = cap;
  }
  b->vtables[b->n_vtables++] = (uint32_t)pos;
  return 1;
}

sr_fbo sr_fbb_table_end(sr_fbb* b) {
  if (failed(b)) return 0;
  if (!b->in_table) {
    fail(b, SIGRUN_STATUS_BAD_STATE, "table_end without table_start");
    return 0;
  }
  b->in_table = 0;
  if (!prealign(b, 4, 4) || !push(b, NULL, 4)) return 0;
  size_t object = b->size, inline_size = object - b->table_start;
  int max_id = -1;
  for (int i = 0; i < b->n_fields; i++)
    if (b->fields[i].id > max_id) max_id = b->fields[i].id;
  if (inline_size > 0xffff) {
    fail(b, SIGRUN_STATUS_LIMIT, "table larger than 64 KiB");
    return 0;
  }
  uint8_t vt[4 + 2 * SR_FBB_MAX_FIELDS];
  size_t len = 4 + 2 * (size_t)(max_id + 1);
  memset(vt, 0, len);
  store_le(vt, len, 2);
  store_le(vt + 2, inline_size, 2);
  for (int i = 0; i < b->n_fields; i++) store_le(vt + 4 + 2 * b->fields[i].id, object - b->fields[i].at, 2);
  size_t vpos = find_vtable(b, vt, len);
  if (vpos == 0) {
    if (!push(b, vt, len) || !remember_vtable(b, b->size)) return 0;
    vpos = b->size;
  }
  /* The table's first word is the signed distance from the table back to its vtable. */
  store_le(at(b, object), (uint32_t)(int32_t)((int64_t)vpos - (int64_t)object), 4);
  return (sr_fbo)object;
}

/* ---- finishing ---- */

sigrun_status sr_fbb_finish(sr_fbb* b, sr_fbo root, const char* identifier, sigrun_error* error) {
  if (!failed(b) && (b->in_table || b->finished))
    fail(b, SIGRUN_STATUS_BAD_STATE, b->in_table ? "finish with an open table" : "finished twice");
  if (!failed(b) && refer_ok(b, root) && prealign(b, 4 + (identifier ? 4 : 0), b->minalign) &&
      (!identifier || push(b, identifier, 4)))
    push_le(b, (b->size + 4) - root, 4);
  if (failed(b)) {
    if (error) *error = b->error;
    return b->error.status;
  }
  b->finished = 1;
  return sr_ok(error);
}

const uint8_t* sr_fbb_data(const sr_fbb* b, size_t* size) {
  *size = b->finished ? b->size : 0;
  return b->finished ? b->buf + b->cap - b->size : NULL;
}

uint8_t* sr_fbb_release(sr_fbb* b, size_t* size) {
  *size = 0;
  if (!b->finished) return NULL;
  uint8_t* out = b->buf;
  memmove(out, out + b->cap - b->size, b->size);
  *size = b->size;
  b->buf = NULL;
  sr_fbb_free(b);
  b->finished = 0;
  return out;
}
