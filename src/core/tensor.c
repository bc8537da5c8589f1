/*
 * tensor.c — the public, read-mostly view of a runner's tensors.
 */
#include "../ops/op.h"
#include "strings.h"

sigrun_status sr_mem_charge(sr_mem_account* account, size_t old_bytes, size_t new_bytes) {
  if (!account) return SIGRUN_STATUS_OK;
  size_t rest = account->used >= old_bytes ? account->used - old_bytes : 0;
  if (account->limit && (new_bytes > account->limit || rest > account->limit - new_bytes)) return SIGRUN_STATUS_LIMIT;
  account->used = rest + new_bytes;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_tensor_reserve(sr_tensor* t, size_t bytes) {
  if (t->data && t->capacity >= bytes) return SIGRUN_STATUS_OK;
  sigrun_status st = sr_mem_charge(t->account, t->data ? t->capacity : 0, bytes);
  if (st) return st;
  void* fresh = sr_aligned_alloc(bytes ? bytes : 1);
  if (!fresh) {
    sr_mem_charge(t->account, bytes, t->data ? t->capacity : 0);
    return SIGRUN_STATUS_NO_MEMORY;
  }
  sr_aligned_free(t->data);
  t->data = fresh;
  t->capacity = bytes;
  return SIGRUN_STATUS_OK;
}

void sr_tensor_release(sr_tensor* t) {
  if (t->data) sr_mem_charge(t->account, t->capacity, 0);
  sr_aligned_free(t->data);
  t->data = NULL;
  t->capacity = 0;
}

const char* sigrun_tensor_name(const sigrun_tensor* t) { return t ? t->def->name : ""; }
int sigrun_tensor_index(const sigrun_tensor* t) { return t ? t->index : -1; }
/* NULL gives -1, no type at all (sigrun_type_name says "unknown"), rather than a plausible float32. */
sigrun_type sigrun_tensor_type(const sigrun_tensor* t) { return t ? t->type : (sigrun_type)-1; }
int sigrun_tensor_rank(const sigrun_tensor* t) { return t ? t->rank : 0; }
const int32_t* sigrun_tensor_dims(const sigrun_tensor* t) { return t ? t->dims : NULL; }
/* As LiteRT's TensorSizeSignature: the file's shape_signature when it has a non-empty one, else the current
 * shape (which a resize or a dynamic output may have changed). */
int sigrun_tensor_signature_rank(const sigrun_tensor* t) {
  return t ? (t->def->has_signature ? t->def->rank : t->rank) : 0;
}
const int32_t* sigrun_tensor_signature_dims(const sigrun_tensor* t) {
  return t ? (t->def->has_signature ? t->def->signature : t->dims) : NULL;
}
size_t sigrun_tensor_element_count(const sigrun_tensor* t) { return t ? sr_tensor_count(t) : 0; }
size_t sigrun_tensor_byte_size(const sigrun_tensor* t) { return t ? t->bytes : 0; }
/* Constant tensors are views of the read-only model: writers get NULL rather than a pointer into the mapping. */
void* sigrun_tensor_data(sigrun_tensor* t) { return t && !sr_tensor_is_const(t) ? t->data : NULL; }
const void* sigrun_tensor_data_const(const sigrun_tensor* t) { return t ? t->data : NULL; }

sigrun_quantization sigrun_tensor_quantization(const sigrun_tensor* t) {
  sigrun_quantization q = {0, NULL, NULL, 0};
  if (!t) return q;
  q.count = t->def->quant.count;
  q.scales = t->def->quant.scales;
  q.zero_points = t->def->quant.zero_points;
  q.quantized_dimension = t->def->quant.quantized_dimension;
  return q;
}

/* ---- strings ---- */

sigrun_status sigrun_strings_pack(const char* const* strings, const size_t* lengths, size_t count, void* buffer,
                                  size_t capacity, size_t* size, sigrun_error* error) {
  if (!size) return sr_null_argument(error, "sigrun_strings_pack", "size");
  if (count && !strings)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_strings_pack: strings is NULL with count %zu", count);
  if (count && !lengths)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_strings_pack: lengths is NULL with count %zu", count);
  size_t total;
  if (!sr_add_size(count, 2, &total) || !sr_mul_size(total, 4, &total))
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_strings_pack: %zu strings are too many", count);
  for (size_t i = 0; i < count; i++)
    if ((!strings[i] && lengths[i]) || !sr_add_size(total, lengths[i], &total))
      return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_strings_pack: string %zu is NULL or too long", i);
  if (total > (size_t)INT32_MAX)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT,
                   "sigrun_strings_pack: %zu bytes exceed what a string tensor's int32 offsets address", total);
  *size = total;
  if (!buffer || capacity < total)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_strings_pack: the buffer holds %zu bytes, %zu needed",
                   buffer ? capacity : 0, total);
  uint8_t* out = buffer;
  int32_t word = (int32_t)count, offset = (int32_t)(4 * (count + 2));
  memcpy(out, &word, 4);
  for (size_t i = 0; i <= count; i++) {
    memcpy(out + 4 * (i + 1), &offset, 4);
    if (i < count) {
      if (lengths[i]) memcpy(out + offset, strings[i], lengths[i]);
      offset += (int32_t)lengths[i];
    }
  }
  return sr_ok(error);
}

/* The public readers do not trust the buffer: a string input's memory may have been changed in place since
 * set_input checked it. A count whose header does not fit reads as no strings; each string read checks its
 * two offsets (O(1), so reading every string stays linear). */
static size_t checked_string_count(const sr_tensor* t) {
  size_t count = sr_strings_count(t), header;
  if (!sr_add_size(count, 2, &header) || !sr_mul_size(header, 4, &header) || header > t->bytes) return 0;
  return count;
}

size_t sigrun_tensor_string_count(const sigrun_tensor* t) {
  if (!t || t->type != SIGRUN_TYPE_STRING) return 0;
  return checked_string_count(t);
}

sigrun_status sigrun_tensor_string(const sigrun_tensor* t, size_t index, const char** data, size_t* length,
                                   sigrun_error* error) {
  if (!t) return sr_null_argument(error, "sigrun_tensor_string", "tensor");
  if (!data) return sr_null_argument(error, "sigrun_tensor_string", "data");
  if (!length) return sr_null_argument(error, "sigrun_tensor_string", "length");
  if (t->type != SIGRUN_TYPE_STRING)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "tensor %d ('%s') is %s, not string", t->index, t->def->name,
                   sigrun_type_name(t->type));
  size_t count = checked_string_count(t);
  if (index >= count)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "tensor %d ('%s'): string %zu requested, it holds %zu",
                   t->index, t->def->name, index, count);
  int32_t start, end;
  memcpy(&start, (const uint8_t*)t->data + 4 * (index + 1), 4);
  memcpy(&end, (const uint8_t*)t->data + 4 * (index + 2), 4);
  if (start < 0 || end < start || (size_t)end > t->bytes || (size_t)start < 4 * (count + 2))
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT,
                   "tensor %d ('%s'): string %zu has offsets %d..%d outside its %zu-byte buffer (changed in place?)",
                   t->index, t->def->name, index, (int)start, (int)end, t->bytes);
  sr_strings_get(t, index, data, length);
  return sr_ok(error);
}
