/*
 * tf_decode.c — the generic decoding machinery (field loops, names, stable sorting, protobuf map rules) and the
 * value messages: TensorShapeProto, TensorProto, AttrValue with ListValue and NameAttrList. Invariant on
 * return: shapes have dims >= -1 and no dims when unknown_rank; tensors passed the checks listed in tf_types.h.
 */
#include "convert/tf_decode.h"

#include <stdio.h>

/* ---- generic ---- */

sigrun_status sr_tfd_message(sr_pb_reader* r, sr_pool* pool, void* out, sr_tfd_field_fn fn) {
  for (;;) {
    sr_pb_field f;
    int rc = sr_pb_next(r, &f);
    if (rc == 0) return SIGRUN_STATUS_OK;
    if (rc < 0) return SIGRUN_STATUS_BAD_MODEL;
    sigrun_status st = fn(r, &f, pool, out);
    if (st != SIGRUN_STATUS_OK) return st;
  }
}

sigrun_status sr_tfd_sub(const sr_pb_reader* parent, const sr_pb_field* f, const char* msg, sr_pool* pool, void* out,
                         sr_tfd_field_fn fn) {
  sr_pb_reader sub;
  sigrun_status st = sr_pb_sub(parent, f, msg, &sub);
  if (st != SIGRUN_STATUS_OK) return st;
  return sr_tfd_message(&sub, pool, out, fn);
}

sigrun_status sr_tfd_fail_at(const sr_pb_reader* r, size_t offset, sigrun_status status, const char* fmt, ...) {
  char what[SIGRUN_ERROR_MESSAGE_SIZE];
  va_list args;
  va_start(args, fmt);
  vsnprintf(what, sizeof what, fmt, args);
  va_end(args);
  return sr_fail(r->error, status, "%s: %s at offset %zu: %s", r->file, r->msg, offset, what);
}

sigrun_status sr_tfd_name(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, const char** out) {
  size_t size;
  sigrun_status st = sr_pb_string(r, f, pool, out, &size);
  if (st != SIGRUN_STATUS_OK) return st;
  if (strlen(*out) != size) return sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "name contains a NUL byte");
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_tfd_push_name(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, const char*** items,
                               size_t* count) {
  const char** slot = sr_pb_push(pool, items, count, sizeof **items);
  if (!slot) return sr_pb_oom(r);
  return sr_tfd_name(r, f, pool, slot);
}

/* Merges the sorted runs src[lo, mid) and src[mid, hi) into dst; ties take the left run first (stability). */
static void merge_runs(const uint8_t* src, uint8_t* dst, size_t lo, size_t mid, size_t hi, size_t size,
                       int (*cmp)(const void*, const void*)) {
  size_t i = lo, j = mid, k = lo;
  while (i < mid && j < hi) {
    if (cmp(src + j * size, src + i * size) < 0) memcpy(dst + k++ * size, src + j++ * size, size);
    else memcpy(dst + k++ * size, src + i++ * size, size);
  }
  memcpy(dst + k * size, src + i * size, (mid - i) * size);
  k += mid - i;
  memcpy(dst + k * size, src + j * size, (hi - j) * size);
}

/* Bottom-up merge sort, alternating between items and a scratch copy. */
sigrun_status sr_tfd_sort(void* items, size_t count, size_t elem_size, int (*cmp)(const void*, const void*)) {
  if (count < 2) return SIGRUN_STATUS_OK;
  size_t bytes;
  if (!sr_mul_size(count, elem_size, &bytes)) return SIGRUN_STATUS_NO_MEMORY;
  uint8_t* scratch = sr_malloc(bytes);
  if (!scratch) return SIGRUN_STATUS_NO_MEMORY;
  uint8_t* src = items;
  uint8_t* dst = scratch;
  /* count * elem_size fits in memory, so width and lo (both < 2 * count) cannot overflow. */
  for (size_t width = 1; width < count; width *= 2) {
    for (size_t lo = 0; lo < count; lo += 2 * width) {
      size_t mid = count - lo > width ? lo + width : count;
      size_t hi = count - mid > width ? mid + width : count;
      merge_runs(src, dst, lo, mid, hi, elem_size, cmp);
    }
    uint8_t* t = src;
    src = dst;
    dst = t;
  }
  if (src != (uint8_t*)items) memcpy(items, src, bytes);
  sr_free(scratch);
  return SIGRUN_STATUS_OK;
}

static const char* key_of(const void* item) {
  const char* key;
  memcpy(&key, item, sizeof key);
  return key ? key : "";
}

int sr_tfd_cmp_key(const void* a, const void* b) { return strcmp(key_of(a), key_of(b)); }

sigrun_status sr_tfd_map_finish(const sr_pb_reader* r, void* items, size_t* count, size_t elem_size) {
  if (sr_tfd_sort(items, *count, elem_size, sr_tfd_cmp_key) != SIGRUN_STATUS_OK) return sr_pb_oom(r);
  uint8_t* base = items;
  size_t kept = 0;
  for (size_t i = 0; i < *count; i++) {
    /* Within a run of equal keys the stable sort kept wire order: the last one wins. */
    if (i + 1 < *count && sr_tfd_cmp_key(base + i * elem_size, base + (i + 1) * elem_size) == 0) continue;
    if (kept != i) memcpy(base + kept * elem_size, base + i * elem_size, elem_size);
    kept++;
  }
  *count = kept;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_tfd_sort_unique(void* items, size_t count, size_t elem_size, size_t* duplicate) {
  sigrun_status st = sr_tfd_sort(items, count, elem_size, sr_tfd_cmp_key);
  if (st != SIGRUN_STATUS_OK) return st;
  const uint8_t* base = items;
  *duplicate = count;
  for (size_t i = 1; i < count; i++) {
    if (sr_tfd_cmp_key(base + (i - 1) * elem_size, base + i * elem_size) == 0) {
      *duplicate = i;
      break;
    }
  }
  return SIGRUN_STATUS_OK;
}

/* ---- TensorShapeProto ---- */

static sigrun_status dim_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  if (f->number == 1) return sr_pb_i64(r, f, out);
  return SIGRUN_STATUS_OK; /* 2 name: not needed */
}

sigrun_status sr_tfd_shape_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_shape* shape = out;
  switch (f->number) {
    case 2: {
      int64_t* dim = SR_PB_PUSH(pool, shape->dims, shape->rank);
      if (!dim) return sr_pb_oom(r);
      return sr_tfd_sub(r, f, "TensorShapeProto.Dim", pool, dim, dim_field);
    }
    case 3:
      return sr_pb_bool(r, f, &shape->unknown_rank);
    default:
      return SIGRUN_STATUS_OK;
  }
}

sigrun_status sr_tfd_shape_check(const sr_pb_reader* r, size_t offset, const sr_tf_shape* shape) {
  if (shape->unknown_rank && shape->rank) {
    return sr_tfd_fail_at(r, offset, SIGRUN_STATUS_BAD_MODEL, "unknown_rank is set but %zu dims are listed",
                          shape->rank);
  }
  for (size_t i = 0; i < shape->rank; i++) {
    if (shape->dims[i] < -1) {
      return sr_tfd_fail_at(r, offset, SIGRUN_STATUS_BAD_MODEL,
                            "dim %zu is %lld (sizes are >= 0, or -1 for unknown)", i, (long long)shape->dims[i]);
    }
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_tfd_shape(sr_pb_reader* r, sr_pool* pool, sr_tf_shape* out) {
  size_t start = r->pos;
  sigrun_status st = sr_tfd_message(r, pool, out, sr_tfd_shape_field);
  if (st != SIGRUN_STATUS_OK) return st;
  return sr_tfd_shape_check(r, start, out);
}

/* ---- TensorProto ---- */

sigrun_status sr_tfd_tensor_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_tensor* t = out;
  switch (f->number) {
    case 1:
      return sr_pb_i32(r, f, &t->dtype);
    case 2:
      return sr_tfd_sub(r, f, "TensorShapeProto", pool, &t->shape, sr_tfd_shape_field);
    case 4:
      return sr_pb_bytes(r, f, &t->content, &t->content_size);
    case 5:
      return sr_pb_repeated(r, f, SR_PB_K_FLOAT, pool, &t->float_val, &t->n_float_val);
    case 6:
      return sr_pb_repeated(r, f, SR_PB_K_DOUBLE, pool, &t->double_val, &t->n_double_val);
    case 7:
      return sr_pb_repeated(r, f, SR_PB_K_INT32, pool, &t->int_val, &t->n_int_val);
    case 8: {
      sr_tf_bytes* s = SR_PB_PUSH(pool, t->string_val, t->n_string_val);
      if (!s) return sr_pb_oom(r);
      return sr_pb_string(r, f, pool, &s->data, &s->size);
    }
    case 9:
      return sr_pb_repeated(r, f, SR_PB_K_FLOAT, pool, &t->scomplex_val, &t->n_scomplex_val);
    case 10:
      return sr_pb_repeated(r, f, SR_PB_K_INT64, pool, &t->int64_val, &t->n_int64_val);
    case 11:
      return sr_pb_repeated(r, f, SR_PB_K_BOOL, pool, &t->bool_val, &t->n_bool_val);
    case 12:
      return sr_pb_repeated(r, f, SR_PB_K_DOUBLE, pool, &t->dcomplex_val, &t->n_dcomplex_val);
    case 13:
      return sr_pb_repeated(r, f, SR_PB_K_INT32, pool, &t->half_val, &t->n_half_val);
    case 16:
      return sr_pb_repeated(r, f, SR_PB_K_UINT32, pool, &t->uint32_val, &t->n_uint32_val);
    case 17:
      return sr_pb_repeated(r, f, SR_PB_K_UINT64, pool, &t->uint64_val, &t->n_uint64_val);
    default: /* 3 version_number, 14 resource handles, 15 variants */
      return SIGRUN_STATUS_OK;
  }
}

sigrun_status sr_tfd_tensor_finish(const sr_pb_reader* r, size_t offset, sr_tf_tensor* out) {
  sigrun_status st = sr_tfd_shape_check(r, offset, &out->shape);
  if (st != SIGRUN_STATUS_OK) return st;
  if (out->shape.unknown_rank) {
    return sr_tfd_fail_at(r, offset, SIGRUN_STATUS_BAD_MODEL, "a tensor value cannot have an unknown rank");
  }
  size_t count = 1;
  for (size_t i = 0; i < out->shape.rank; i++) {
    int64_t d = out->shape.dims[i];
    if (d < 0) {
      return sr_tfd_fail_at(r, offset, SIGRUN_STATUS_BAD_MODEL, "a tensor value cannot have unknown dim %zu", i);
    }
    if ((uint64_t)d > SIZE_MAX || !sr_mul_size(count, (size_t)d, &count)) {
      return sr_tfd_fail_at(r, offset, SIGRUN_STATUS_BAD_MODEL, "element count of the shape overflows");
    }
  }
  out->num_elements = count;
  size_t width = sr_tf_dtype_size(out->dtype);
  size_t nbytes;
  if (!sr_mul_size(count, width ? width : 1, &nbytes)) {
    return sr_tfd_fail_at(r, offset, SIGRUN_STATUS_BAD_MODEL, "%zu elements of %s overflow size_t", count,
                          sr_tf_dtype_name(out->dtype));
  }
  if (width && out->content_size && out->content_size != nbytes) {
    return sr_tfd_fail_at(r, offset, SIGRUN_STATUS_BAD_MODEL,
                          "tensor_content has %zu bytes but %zu %s elements need %zu", out->content_size, count,
                          sr_tf_dtype_name(out->dtype), nbytes);
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_tfd_tensor(sr_pb_reader* r, sr_pool* pool, sr_tf_tensor* out) {
  size_t start = r->pos;
  sigrun_status st = sr_tfd_message(r, pool, out, sr_tfd_tensor_field);
  if (st != SIGRUN_STATUS_OK) return st;
  return sr_tfd_tensor_finish(r, start, out);
}

/* ---- AttrValue ---- */

/* Repeated elements (list members) are decoded and finished at once: each is read exactly once. */
static sigrun_status tensor_element(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, sr_tf_tensor* t) {
  sigrun_status st;
  SR_TFD_DECODE(st, r, f, "TensorProto", sr_tfd_tensor, pool, t);
  return st;
}

static sigrun_status shape_element(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, sr_tf_shape* s) {
  sigrun_status st;
  SR_TFD_DECODE(st, r, f, "TensorShapeProto", sr_tfd_shape, pool, s);
  return st;
}

static sigrun_status func_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_func* fn = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &fn->name);
  if (f->number == 2) return sr_tfd_attr_map_entry(r, f, "NameAttrList.AttrEntry", pool, &fn->attr);
  return SIGRUN_STATUS_OK;
}

static sigrun_status func_finish(const sr_pb_reader* r, sr_tf_func* fn) {
  if (!fn->name) fn->name = "";
  return sr_tfd_attr_map_finish(r, &fn->attr);
}

static sigrun_status func_element(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, sr_tf_func* fn) {
  sigrun_status st = sr_tfd_sub(r, f, "NameAttrList", pool, fn, func_field);
  if (st == SIGRUN_STATUS_OK) st = func_finish(r, fn);
  return st;
}

static sigrun_status list_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_attr_list* l = out;
  switch (f->number) {
    case 2: {
      sr_tf_bytes* s = SR_PB_PUSH(pool, l->s, l->n_s);
      if (!s) return sr_pb_oom(r);
      return sr_pb_string(r, f, pool, &s->data, &s->size);
    }
    case 3:
      return sr_pb_repeated(r, f, SR_PB_K_INT64, pool, &l->i, &l->n_i);
    case 4:
      return sr_pb_repeated(r, f, SR_PB_K_FLOAT, pool, &l->f, &l->n_f);
    case 5:
      return sr_pb_repeated(r, f, SR_PB_K_BOOL, pool, &l->b, &l->n_b);
    case 6:
      return sr_pb_repeated(r, f, SR_PB_K_INT32, pool, &l->type, &l->n_type);
    case 7: {
      sr_tf_shape* s = SR_PB_PUSH(pool, l->shape, l->n_shape);
      if (!s) return sr_pb_oom(r);
      return shape_element(r, f, pool, s);
    }
    case 8: {
      sr_tf_tensor* t = SR_PB_PUSH(pool, l->tensor, l->n_tensor);
      if (!t) return sr_pb_oom(r);
      return tensor_element(r, f, pool, t);
    }
    case 9: {
      sr_tf_func* fn = SR_PB_PUSH(pool, l->func, l->n_func);
      if (!fn) return sr_pb_oom(r);
      return func_element(r, f, pool, fn);
    }
    default:
      return SIGRUN_STATUS_OK;
  }
}

/* Points a->member at a fresh zeroed message unless the oneof already holds that member, in which case the new
 * bytes merge into it (protobuf's rule). Evaluates to the member or NULL (no memory). */
#define ATTR_MEMBER(a, k, member, pool)                                                       \
  ((a)->kind == (k) && (a)->member ? (a)->member                                              \
                                   : ((a)->member = sr_pool_alloc((pool), sizeof *(a)->member)))

/* Singular sub-messages (shape, tensor, func) are only merged here; sr_tfd_attr_finish checks them once. */
sigrun_status sr_tfd_attr_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_attr* a = out;
  sigrun_status st;
  switch (f->number) {
    case 1: {
      sr_tf_attr_list* l = ATTR_MEMBER(a, SR_TF_ATTR_LIST, list, pool);
      if (!l) return sr_pb_oom(r);
      a->kind = SR_TF_ATTR_LIST;
      return sr_tfd_sub(r, f, "AttrValue.ListValue", pool, l, list_field);
    }
    case 2:
      st = sr_pb_string(r, f, pool, &a->s.data, &a->s.size);
      break;
    case 3:
      st = sr_pb_i64(r, f, &a->i);
      break;
    case 4:
      st = sr_pb_float(r, f, &a->f);
      break;
    case 5:
      st = sr_pb_bool(r, f, &a->b);
      break;
    case 6:
      st = sr_pb_i32(r, f, &a->type);
      break;
    case 7: {
      sr_tf_shape* s = ATTR_MEMBER(a, SR_TF_ATTR_SHAPE, shape, pool);
      if (!s) return sr_pb_oom(r);
      a->kind = SR_TF_ATTR_SHAPE;
      return sr_tfd_sub(r, f, "TensorShapeProto", pool, s, sr_tfd_shape_field);
    }
    case 8: {
      sr_tf_tensor* t = ATTR_MEMBER(a, SR_TF_ATTR_TENSOR, tensor, pool);
      if (!t) return sr_pb_oom(r);
      a->kind = SR_TF_ATTR_TENSOR;
      return sr_tfd_sub(r, f, "TensorProto", pool, t, sr_tfd_tensor_field);
    }
    case 9:
      st = sr_tfd_name(r, f, pool, &a->placeholder);
      break;
    case 10: {
      sr_tf_func* fn = ATTR_MEMBER(a, SR_TF_ATTR_FUNC, func, pool);
      if (!fn) return sr_pb_oom(r);
      a->kind = SR_TF_ATTR_FUNC;
      return sr_tfd_sub(r, f, "NameAttrList", pool, fn, func_field);
    }
    default:
      return SIGRUN_STATUS_OK;
  }
  if (st == SIGRUN_STATUS_OK) a->kind = (sr_tf_attr_kind)f->number;
  return st;
}

sigrun_status sr_tfd_attr_finish(const sr_pb_reader* r, size_t offset, sr_tf_attr* a) {
  switch (a->kind) {
    case SR_TF_ATTR_SHAPE:
      return sr_tfd_shape_check(r, offset, a->shape);
    case SR_TF_ATTR_TENSOR:
      return sr_tfd_tensor_finish(r, offset, a->tensor);
    case SR_TF_ATTR_FUNC:
      return func_finish(r, a->func);
    default: /* list members were finished as they were read */
      return SIGRUN_STATUS_OK;
  }
}

sigrun_status sr_tfd_attr(sr_pb_reader* r, sr_pool* pool, sr_tf_attr* out) {
  size_t start = r->pos;
  sigrun_status st = sr_tfd_message(r, pool, out, sr_tfd_attr_field);
  if (st != SIGRUN_STATUS_OK) return st;
  return sr_tfd_attr_finish(r, start, out);
}

/* ---- maps ---- */

static sigrun_status attr_entry_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_attr_entry* e = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &e->key);
  if (f->number == 2) return sr_tfd_sub(r, f, "AttrValue", pool, &e->value, sr_tfd_attr_field);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_tfd_attr_map_entry(const sr_pb_reader* r, const sr_pb_field* f, const char* entry_msg, sr_pool* pool,
                                    sr_tf_attr_map* map) {
  sr_tf_attr_entry* e = SR_PB_PUSH(pool, map->items, map->count);
  if (!e) return sr_pb_oom(r);
  sigrun_status st = sr_tfd_sub(r, f, entry_msg, pool, e, attr_entry_field);
  if (!e->key) e->key = "";
  if (st == SIGRUN_STATUS_OK) st = sr_tfd_attr_finish(r, f->data_offset, &e->value);
  return st;
}

sigrun_status sr_tfd_attr_map_finish(const sr_pb_reader* r, sr_tf_attr_map* map) {
  return sr_tfd_map_finish(r, map->items, &map->count, sizeof *map->items);
}

static sigrun_status str_entry_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_str_pair* e = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &e->key);
  if (f->number == 2) return sr_tfd_name(r, f, pool, &e->value);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_tfd_str_map_entry(const sr_pb_reader* r, const sr_pb_field* f, const char* entry_msg, sr_pool* pool,
                                   sr_tf_str_pair** items, size_t* count) {
  sr_tf_str_pair* e = sr_pb_push(pool, items, count, sizeof **items);
  if (!e) return sr_pb_oom(r);
  sigrun_status st = sr_tfd_sub(r, f, entry_msg, pool, e, str_entry_field);
  if (!e->key) e->key = "";
  if (!e->value) e->value = "";
  return st;
}
