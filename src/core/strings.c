/*
 * strings.c — LiteRT's packed string tensors (layout in strings.h): the checker that every untrusted buffer
 * goes through, the reader, the writer that kernels use for string outputs, and the whole-tensor copy.
 * Header words are read with memcpy because constant buffers need not be 4-byte aligned in the file.
 */
#include "strings.h"

#include <stdio.h>

static int32_t word_at(const uint8_t* base, size_t i) {
  int32_t v;
  memcpy(&v, base + 4 * i, 4);
  return v;
}

static void put_word(uint8_t* base, size_t i, int32_t v) { memcpy(base + 4 * i, &v, 4); }

/* Header bytes for n strings: the count and n + 1 offsets; 0 on overflow. */
static size_t header_bytes(size_t n) {
  size_t words, bytes;
  if (!sr_add_size(n, 2, &words) || !sr_mul_size(words, 4, &bytes)) return 0;
  return bytes;
}

static int fail(char* msg, size_t size, const char* fmt, ...) SR_PRINTF(3, 4);
static int fail(char* msg, size_t size, const char* fmt, ...) {
  if (msg && size) {
    va_list args;
    va_start(args, fmt);
    vsnprintf(msg, size, fmt, args);
    va_end(args);
  }
  return 0;
}

/* The offsets: first one right after the header, never decreasing, never past the end, last one at it. */
static int check_offsets(const uint8_t* base, size_t bytes, size_t n, size_t header, char* msg, size_t msg_size) {
  int32_t first = word_at(base, 1);
  if (first < 0 || (size_t)first != header)
    return fail(msg, msg_size, "string buffer: first offset is %d, expected %zu (just past the header of %zu "
                "strings)", first, header, n);
  int32_t prev = first;
  for (size_t i = 1; i <= n; i++) {
    int32_t off = word_at(base, i + 1);
    if (off < prev)
      return fail(msg, msg_size, "string buffer: offset %zu is %d, before offset %zu (%d)", i, off, i - 1, prev);
    if ((size_t)off > bytes)
      return fail(msg, msg_size, "string buffer: offset %zu is %d, past the end of the %zu-byte buffer", i, off,
                  bytes);
    prev = off;
  }
  if ((size_t)prev != bytes)
    return fail(msg, msg_size, "string buffer: last offset is %d but the buffer holds %zu bytes", prev, bytes);
  return 1;
}

int sr_strings_check(const void* data, size_t bytes, size_t count, char* msg, size_t msg_size) {
  const uint8_t* base = data;
  if (bytes == 0 && count == 0) return 1; /* an unset tensor with no elements holds no strings */
  if (!base || bytes < 4)
    return fail(msg, msg_size, "string buffer of %zu bytes is too short for its count (4 bytes) and %zu strings",
                bytes, count);
  int32_t n = word_at(base, 0);
  if (n < 0 || (size_t)n != count)
    return fail(msg, msg_size, "string buffer holds %d strings, expected %zu (the tensor's element count)", n,
                count);
  size_t header = header_bytes(count);
  if (header == 0 || header > (size_t)INT32_MAX || bytes < header)
    return fail(msg, msg_size, "string buffer of %zu bytes is truncated: the header of %zu strings needs %zu bytes",
                bytes, count, header);
  if (bytes > (size_t)INT32_MAX)
    return fail(msg, msg_size, "string buffer of %zu bytes is larger than int32 offsets can address", bytes);
  return check_offsets(base, bytes, count, header, msg, msg_size);
}

size_t sr_strings_count(const sr_tensor* t) {
  if (!t->data || t->bytes < 4) return 0;
  int32_t n = word_at(t->data, 0);
  return n > 0 ? (size_t)n : 0;
}

void sr_strings_get(const sr_tensor* t, size_t i, const char** data, size_t* len) {
  const uint8_t* base = t->data;
  if (i >= sr_strings_count(t)) {
    *data = "";
    *len = 0;
    return;
  }
  int32_t start = word_at(base, i + 1), end = word_at(base, i + 2);
  *data = (const char*)base + start;
  *len = end > start ? (size_t)(end - start) : 0;
}

/* Makes t hold exactly `bytes` bytes of heap memory, keeping its buffer when it is large enough. */
static sigrun_status reserve(sr_node* node, sr_tensor* t, size_t bytes) {
  sigrun_status st = sr_tensor_reserve(t, bytes);
  if (st) return sr_node_reserve_fail(node, t, bytes, st);
  t->bytes = bytes;
  return SIGRUN_STATUS_OK;
}

static sigrun_status check_dynamic(sr_node* node, const sr_tensor* t, const char* what) {
  if (t->type != SIGRUN_TYPE_STRING)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s (tensor %d) has type %s, expected string", what, t->index,
                        sigrun_type_name(t->type));
  if (t->alloc != SR_ALLOC_DYNAMIC)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_STATE, "%s (tensor %d) is a string tensor without dynamic memory",
                        what, t->index);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_strings_begin(sr_node* node, int index, int rank, const int32_t* dims, size_t payload,
                               sr_strings_writer* w) {
  char shape[128];
  if (index < 0 || index >= node->n_outputs || !node->outputs[index])
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output %d does not exist", index);
  sr_tensor* t = node->outputs[index];
  sigrun_status st = check_dynamic(node, t, "output");
  if (st) return st;
  size_t count, header, total;
  if (rank < 0 || rank > SR_MAX_RANK || !sr_shape_count(dims, rank, &count))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output %d: shape %s is invalid", index,
                        sr_shape_str(dims, rank < 0 ? 0 : rank > SR_MAX_RANK ? SR_MAX_RANK : rank, shape,
                                     sizeof shape));
  header = header_bytes(count);
  if (header == 0 || !sr_add_size(header, payload, &total) || total > (size_t)INT32_MAX)
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "output %d: %zu strings of %zu bytes in total exceed the 2 GB "
                        "that a string tensor's int32 offsets can address", index, count, payload);
  if ((st = reserve(node, t, total))) return st;
  t->rank = rank;
  if (rank) memcpy(t->dims, dims, sizeof(int32_t) * (size_t)rank);
  w->base = t->data;
  w->count = count;
  w->next = 0;
  w->offset = header;
  w->end = total;
  put_word(w->base, 0, (int32_t)count);
  put_word(w->base, 1, (int32_t)header);
  /* Valid offsets (non-decreasing, the last at the end) even before every put has run. */
  for (size_t i = 1; i <= count; i++) put_word(w->base, i + 1, (int32_t)(i == count ? total : header));
  return SIGRUN_STATUS_OK;
}

void sr_strings_put(sr_strings_writer* w, const char* data, size_t len) {
  if (w->next >= w->count) return;
  if (len > w->end - w->offset) len = w->end - w->offset; /* a caller that undercounted: truncate, never overrun */
  if (len) memcpy(w->base + w->offset, data, len);
  w->offset += len;
  w->next++;
  /* The last offset stays at the buffer's end, which is where an exact payload leaves it. */
  if (w->next < w->count) put_word(w->base, w->next + 1, (int32_t)w->offset);
}

sigrun_status sr_strings_copy(sr_node* node, sr_tensor* dst, const sr_tensor* src) {
  char why[160];
  sigrun_status st = check_dynamic(node, dst, "destination");
  if (st) return st;
  const size_t count = sr_tensor_count(src);
  if (src->type != SIGRUN_TYPE_STRING || !sr_strings_check(src->data, src->bytes, count, why, sizeof why))
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "tensor %d is not a valid string tensor: %s", src->index,
                        src->type != SIGRUN_TYPE_STRING ? "its type is not string" : why);
  const size_t bytes = src->bytes ? src->bytes : header_bytes(0);
  if ((st = reserve(node, dst, bytes))) return st;
  if (src->bytes) {
    memmove(dst->data, src->data, bytes);
  } else {
    put_word(dst->data, 0, 0);
    put_word(dst->data, 1, (int32_t)bytes);
  }
  dst->rank = src->rank;
  if (src->rank) memcpy(dst->dims, src->dims, sizeof(int32_t) * (size_t)src->rank);
  return SIGRUN_STATUS_OK;
}
