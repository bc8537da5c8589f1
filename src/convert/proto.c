/*
 * proto.c — the protobuf wire-format reader: tags, varints, fixed-width values, length-delimited spans
 * bounded by their parent, groups skipped with matching end tags, and repeated scalars in both the packed
 * and the unpacked encoding. Nothing here knows a message schema.
 */
#include "convert/proto.h"

#include <stdio.h>

static const char* const wire_names[8] = {"varint", "64-bit", "length-delimited", "start-group",
                                          "end-group", "32-bit", "invalid(6)", "invalid(7)"};

void sr_pb_init(sr_pb_reader* r, const uint8_t* base, size_t size, const char* file, const char* msg,
                sigrun_error* error) {
  r->base = base;
  r->pos = 0;
  r->end = size;
  r->file = file;
  r->msg = msg;
  r->depth = 0;
  r->error = error;
}

sigrun_status sr_pb_fail(const sr_pb_reader* r, const sr_pb_field* f, sigrun_status status, const char* fmt, ...) {
  char what[SIGRUN_ERROR_MESSAGE_SIZE];
  va_list args;
  va_start(args, fmt);
  vsnprintf(what, sizeof what, fmt, args);
  va_end(args);
  if (f) {
    return sr_fail(r->error, status, "%s: %s field %u at offset %zu: %s", r->file, r->msg, (unsigned)f->number,
                   f->offset, what);
  }
  return sr_fail(r->error, status, "%s: %s at offset %zu: %s", r->file, r->msg, r->pos, what);
}

sigrun_status sr_pb_oom(const sr_pb_reader* r) {
  return sr_pb_fail(r, NULL, SIGRUN_STATUS_NO_MEMORY, "out of memory");
}

int sr_pb_varint(const uint8_t* p, size_t n, uint64_t* out) {
  uint64_t v = 0;
  for (int i = 0; i < 10; i++) {
    if ((size_t)i >= n) return 0;
    uint8_t b = p[i];
    /* The tenth byte holds bit 63 only; anything above would be lost. */
    if (i == 9 && (b & 0x7e)) return -1;
    v |= (uint64_t)(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      *out = v;
      return i + 1;
    }
  }
  return -1;
}

static int read_varint(sr_pb_reader* r, uint64_t* out, const char* what) {
  int used = sr_pb_varint(r->base + r->pos, r->end - r->pos, out);
  if (used == 0) {
    sr_pb_fail(r, NULL, SIGRUN_STATUS_BAD_MODEL, "truncated %s varint (%zu bytes left)", what, r->end - r->pos);
    return 0;
  }
  if (used < 0) {
    sr_pb_fail(r, NULL, SIGRUN_STATUS_BAD_MODEL, "%s varint longer than 10 bytes or beyond 64 bits", what);
    return 0;
  }
  r->pos += (size_t)used;
  return 1;
}

static uint64_t load_le(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static int read_tag(sr_pb_reader* r, sr_pb_field* f) {
  uint64_t tag;
  f->offset = r->pos;
  if (!read_varint(r, &tag, "tag")) return 0;
  f->number = (uint32_t)(tag >> 3);
  f->wire = (sr_pb_wire)(tag & 7);
  if (tag > UINT32_MAX || f->number == 0) {
    r->pos = f->offset;
    sr_pb_fail(r, NULL, SIGRUN_STATUS_BAD_MODEL, "invalid tag %llu (field number %llu)", (unsigned long long)tag,
               (unsigned long long)(tag >> 3));
    return 0;
  }
  return 1;
}

static int read_value(sr_pb_reader* r, sr_pb_field* f);

/* Skips a group's fields up to the end-group tag with the same number (nested groups included). */
static int skip_group(sr_pb_reader* r, sr_pb_field* f) {
  if (r->depth >= SR_PB_MAX_DEPTH) {
    sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "groups nested deeper than %d", SR_PB_MAX_DEPTH);
    return 0;
  }
  sr_pb_reader in = *r;
  in.depth++;
  size_t start = r->pos;
  for (;;) {
    sr_pb_field g;
    if (in.pos >= in.end) {
      sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "group is not closed before the end of its message");
      return 0;
    }
    if (!read_tag(&in, &g)) return 0;
    if (g.wire == SR_PB_EGROUP) {
      if (g.number != f->number) {
        sr_pb_fail(&in, &g, SIGRUN_STATUS_BAD_MODEL, "end-group tag does not match start-group field %u",
                   (unsigned)f->number);
        return 0;
      }
      f->data = r->base + start;
      f->size = g.offset - start;
      f->data_offset = start;
      r->pos = in.pos;
      return 1;
    }
    if (!read_value(&in, &g)) return 0;
  }
}

static int read_value(sr_pb_reader* r, sr_pb_field* f) {
  size_t left = r->end - r->pos;
  f->u64 = 0;
  f->data = NULL;
  f->size = 0;
  f->data_offset = r->pos;
  switch (f->wire) {
    case SR_PB_VARINT:
      return read_varint(r, &f->u64, "value");
    case SR_PB_I64:
    case SR_PB_I32: {
      int n = f->wire == SR_PB_I64 ? 8 : 4;
      if (left < (size_t)n) {
        sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "truncated %d-byte value (%zu bytes left)", n, left);
        return 0;
      }
      f->u64 = load_le(r->base + r->pos, n);
      r->pos += (size_t)n;
      return 1;
    }
    case SR_PB_LEN: {
      uint64_t len;
      if (!read_varint(r, &len, "length")) return 0;
      left = r->end - r->pos;
      if (len > left) {
        sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "length %llu runs past the end of %s (%zu bytes left)",
                   (unsigned long long)len, r->msg, left);
        return 0;
      }
      f->data = r->base + r->pos;
      f->size = (size_t)len;
      f->data_offset = r->pos;
      r->pos += (size_t)len;
      return 1;
    }
    case SR_PB_SGROUP:
      return skip_group(r, f);
    case SR_PB_EGROUP:
      sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "end-group tag without a matching start-group");
      return 0;
    default:
      sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "invalid wire type %d", (int)f->wire);
      return 0;
  }
}

int sr_pb_next(sr_pb_reader* r, sr_pb_field* f) {
  if (r->pos >= r->end) return 0;
  if (!read_tag(r, f)) return -1;
  return read_value(r, f) ? 1 : -1;
}

sigrun_status sr_pb_sub(const sr_pb_reader* parent, const sr_pb_field* f, const char* msg, sr_pb_reader* sub) {
  if (f->wire != SR_PB_LEN) {
    return sr_pb_fail(parent, f, SIGRUN_STATUS_BAD_MODEL, "wire type %s, expected length-delimited %s",
                      wire_names[f->wire & 7], msg);
  }
  if (parent->depth + 1 >= SR_PB_MAX_DEPTH) {
    return sr_pb_fail(parent, f, SIGRUN_STATUS_BAD_MODEL, "messages nested deeper than %d", SR_PB_MAX_DEPTH);
  }
  *sub = *parent;
  sub->pos = f->data_offset;
  sub->end = f->data_offset + f->size;
  sub->msg = msg;
  sub->depth = parent->depth + 1;
  return SIGRUN_STATUS_OK;
}

static sigrun_status want_wire(const sr_pb_reader* r, const sr_pb_field* f, sr_pb_wire wire) {
  if (f->wire == wire) return SIGRUN_STATUS_OK;
  return sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "wire type %s, expected %s", wire_names[f->wire & 7],
                    wire_names[wire]);
}

sigrun_status sr_pb_u64(const sr_pb_reader* r, const sr_pb_field* f, uint64_t* out) {
  sigrun_status st = want_wire(r, f, SR_PB_VARINT);
  if (st == SIGRUN_STATUS_OK) *out = f->u64;
  return st;
}

sigrun_status sr_pb_i64(const sr_pb_reader* r, const sr_pb_field* f, int64_t* out) {
  sigrun_status st = want_wire(r, f, SR_PB_VARINT);
  if (st == SIGRUN_STATUS_OK) *out = (int64_t)f->u64;
  return st;
}

sigrun_status sr_pb_i32(const sr_pb_reader* r, const sr_pb_field* f, int32_t* out) {
  sigrun_status st = want_wire(r, f, SR_PB_VARINT);
  if (st == SIGRUN_STATUS_OK) *out = (int32_t)(uint32_t)f->u64;
  return st;
}

sigrun_status sr_pb_u32(const sr_pb_reader* r, const sr_pb_field* f, uint32_t* out) {
  sigrun_status st = want_wire(r, f, SR_PB_VARINT);
  if (st == SIGRUN_STATUS_OK) *out = (uint32_t)f->u64;
  return st;
}

sigrun_status sr_pb_bool(const sr_pb_reader* r, const sr_pb_field* f, int* out) {
  sigrun_status st = want_wire(r, f, SR_PB_VARINT);
  if (st == SIGRUN_STATUS_OK) *out = f->u64 != 0;
  return st;
}

sigrun_status sr_pb_sint64(const sr_pb_reader* r, const sr_pb_field* f, int64_t* out) {
  sigrun_status st = want_wire(r, f, SR_PB_VARINT);
  if (st == SIGRUN_STATUS_OK) *out = sr_pb_zigzag64(f->u64);
  return st;
}

sigrun_status sr_pb_fixed32(const sr_pb_reader* r, const sr_pb_field* f, uint32_t* out) {
  sigrun_status st = want_wire(r, f, SR_PB_I32);
  if (st == SIGRUN_STATUS_OK) *out = (uint32_t)f->u64;
  return st;
}

sigrun_status sr_pb_fixed64(const sr_pb_reader* r, const sr_pb_field* f, uint64_t* out) {
  sigrun_status st = want_wire(r, f, SR_PB_I64);
  if (st == SIGRUN_STATUS_OK) *out = f->u64;
  return st;
}

sigrun_status sr_pb_float(const sr_pb_reader* r, const sr_pb_field* f, float* out) {
  sigrun_status st = want_wire(r, f, SR_PB_I32);
  if (st == SIGRUN_STATUS_OK) {
    uint32_t bits = (uint32_t)f->u64;
    memcpy(out, &bits, 4);
  }
  return st;
}

sigrun_status sr_pb_double(const sr_pb_reader* r, const sr_pb_field* f, double* out) {
  sigrun_status st = want_wire(r, f, SR_PB_I64);
  if (st == SIGRUN_STATUS_OK) memcpy(out, &f->u64, 8);
  return st;
}

sigrun_status sr_pb_bytes(const sr_pb_reader* r, const sr_pb_field* f, const uint8_t** data, size_t* size) {
  sigrun_status st = want_wire(r, f, SR_PB_LEN);
  if (st == SIGRUN_STATUS_OK) {
    *data = f->data;
    *size = f->size;
  }
  return st;
}

sigrun_status sr_pb_string(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, const char** out,
                           size_t* size) {
  sigrun_status st = want_wire(r, f, SR_PB_LEN);
  if (st != SIGRUN_STATUS_OK) return st;
  char* copy = sr_pool_alloc(pool, f->size + 1);
  if (!copy) return sr_pb_oom(r);
  if (f->size) memcpy(copy, f->data, f->size);
  copy[f->size] = '\0';
  *out = copy;
  if (size) *size = f->size;
  return SIGRUN_STATUS_OK;
}

void* sr_pb_push(sr_pool* pool, void* array_ptr, size_t* count, size_t elem_size) {
  uint8_t* items;
  memcpy(&items, array_ptr, sizeof items);
  size_t n = *count;
  /* Full when n is 0 or a power of two of at least 4 (the implied capacity). */
  if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
    size_t cap = n ? 2 * n : 4;
    uint8_t* grown = sr_pool_array(pool, cap, elem_size);
    if (!grown || cap < n) return NULL;
    if (n) memcpy(grown, items, n * elem_size);
    items = grown;
    memcpy(array_ptr, &items, sizeof items);
  }
  *count = n + 1;
  return items + n * elem_size; /* zeroed by the pool */
}

static const struct {
  uint8_t size;
  sr_pb_wire wire;
} kind_info[] = {
    [SR_PB_K_INT32] = {4, SR_PB_VARINT},  [SR_PB_K_INT64] = {8, SR_PB_VARINT},  [SR_PB_K_UINT32] = {4, SR_PB_VARINT},
    [SR_PB_K_UINT64] = {8, SR_PB_VARINT}, [SR_PB_K_BOOL] = {1, SR_PB_VARINT},   [SR_PB_K_SINT64] = {8, SR_PB_VARINT},
    [SR_PB_K_FLOAT] = {4, SR_PB_I32},     [SR_PB_K_DOUBLE] = {8, SR_PB_I64},    [SR_PB_K_FIXED32] = {4, SR_PB_I32},
};

static void store_scalar(sr_pb_kind kind, uint64_t v, void* dst) {
  switch (kind) {
    case SR_PB_K_INT32:
    case SR_PB_K_UINT32:
    case SR_PB_K_FLOAT:
    case SR_PB_K_FIXED32: {
      uint32_t w = (uint32_t)v;
      memcpy(dst, &w, 4);
      break;
    }
    case SR_PB_K_BOOL:
      *(uint8_t*)dst = v != 0;
      break;
    case SR_PB_K_SINT64: {
      int64_t s = sr_pb_zigzag64(v);
      memcpy(dst, &s, 8);
      break;
    }
    default:
      memcpy(dst, &v, 8);
      break;
  }
}

static sigrun_status append_packed(const sr_pb_reader* r, const sr_pb_field* f, sr_pb_kind kind, sr_pool* pool,
                                   void* array_ptr, size_t* count) {
  sr_pb_reader in = *r;
  in.pos = f->data_offset;
  in.end = f->data_offset + f->size;
  size_t width = kind_info[kind].wire == SR_PB_I64 ? 8 : 4;
  if (kind_info[kind].wire != SR_PB_VARINT && f->size % width) {
    return sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "packed field of %zu bytes is not a multiple of %zu", f->size,
                      width);
  }
  while (in.pos < in.end) {
    uint64_t v;
    if (kind_info[kind].wire == SR_PB_VARINT) {
      if (!read_varint(&in, &v, "packed element")) return in.error ? in.error->status : SIGRUN_STATUS_BAD_MODEL;
    } else {
      v = load_le(in.base + in.pos, (int)width);
      in.pos += width;
    }
    void* slot = sr_pb_push(pool, array_ptr, count, kind_info[kind].size);
    if (!slot) return sr_pb_oom(r);
    store_scalar(kind, v, slot);
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_pb_repeated(const sr_pb_reader* r, const sr_pb_field* f, sr_pb_kind kind, sr_pool* pool,
                             void* array_ptr, size_t* count) {
  if (f->wire == SR_PB_LEN) return append_packed(r, f, kind, pool, array_ptr, count);
  sigrun_status st = want_wire(r, f, kind_info[kind].wire);
  if (st != SIGRUN_STATUS_OK) return st;
  void* slot = sr_pb_push(pool, array_ptr, count, kind_info[kind].size);
  if (!slot) return sr_pb_oom(r);
  store_scalar(kind, f->u64, slot);
  return SIGRUN_STATUS_OK;
}
