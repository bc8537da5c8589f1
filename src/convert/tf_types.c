/*
 * tf_types.c — the helpers over the decoded TF views of tf_types.h: dtype facts, dense reads of TensorProtos
 * (TF's "a shorter list repeats its last value" rule), sorted-map and node lookups, stripped attribute
 * defaults, OpDef argument lengths and types, and tensor-reference parsing. Nothing here allocates; the views
 * were checked when decoded, and these functions re-check what they rely on anyway.
 */
#include "convert/tf_types.h"

#include <string.h>

/* ---- dtypes ---- */

#define SR_TF_DTYPE_LIST(X) \
  X(FLOAT, 4, "float32")     \
  X(DOUBLE, 8, "float64")    \
  X(INT32, 4, "int32")       \
  X(UINT8, 1, "uint8")       \
  X(INT16, 2, "int16")       \
  X(INT8, 1, "int8")         \
  X(STRING, 0, "string")     \
  X(COMPLEX64, 8, "complex64") \
  X(INT64, 8, "int64")       \
  X(BOOL, 1, "bool")         \
  X(QINT8, 1, "qint8")       \
  X(QUINT8, 1, "quint8")     \
  X(QINT32, 4, "qint32")     \
  X(BFLOAT16, 2, "bfloat16") \
  X(QINT16, 2, "qint16")     \
  X(QUINT16, 2, "quint16")   \
  X(UINT16, 2, "uint16")     \
  X(COMPLEX128, 16, "complex128") \
  X(HALF, 2, "float16")      \
  X(RESOURCE, 0, "resource") \
  X(VARIANT, 0, "variant")   \
  X(UINT32, 4, "uint32")     \
  X(UINT64, 8, "uint64")

#define SR_TF_DTYPE_MAX SR_TF_UINT64
/* TF1 reference types are the base value + 100. */
#define SR_TF_REF_OFFSET 100

static const uint8_t dtype_sizes[SR_TF_DTYPE_MAX + 1] = {
#define X(name, size, str) [SR_TF_##name] = size,
    SR_TF_DTYPE_LIST(X)
#undef X
};

static const char* const dtype_names[SR_TF_DTYPE_MAX + 1] = {
#define X(name, size, str) [SR_TF_##name] = str,
    SR_TF_DTYPE_LIST(X)
#undef X
};

static const char* const dtype_ref_names[SR_TF_DTYPE_MAX + 1] = {
#define X(name, size, str) [SR_TF_##name] = str "_ref",
    SR_TF_DTYPE_LIST(X)
#undef X
};

size_t sr_tf_dtype_size(int32_t dtype) {
  if (dtype <= SR_TF_INVALID || dtype > SR_TF_DTYPE_MAX) return 0;
  return dtype_sizes[dtype];
}

const char* sr_tf_dtype_name(int32_t dtype) {
  if (dtype > SR_TF_INVALID && dtype <= SR_TF_DTYPE_MAX) return dtype_names[dtype];
  if (dtype > SR_TF_REF_OFFSET && dtype <= SR_TF_REF_OFFSET + SR_TF_DTYPE_MAX)
    return dtype_ref_names[dtype - SR_TF_REF_OFFSET];
  return "invalid";
}

/* ---- dense tensor reads ---- */

sigrun_status sr_tf_tensor_nbytes(const sr_tf_tensor* t, size_t* nbytes, sigrun_error* error) {
  size_t size = sr_tf_dtype_size(t->dtype);
  if (size == 0) {
    return sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "tensor of dtype %s (%d) has no dense byte form",
                   sr_tf_dtype_name(t->dtype), (int)t->dtype);
  }
  if (!sr_mul_size(t->num_elements, size, nbytes)) {
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "tensor of %zu %s elements overflows size_t", t->num_elements,
                   sr_tf_dtype_name(t->dtype));
  }
  return SIGRUN_STATUS_OK;
}

/* Element i of a typed list of n values of width bytes, with the last value repeating and zeros when empty. */
static void fill_from_list(uint8_t* dst, size_t count, size_t width, const void* values, size_t n, size_t stride,
                           void (*convert)(const uint8_t* src, uint8_t* out)) {
  if (n == 0) {
    memset(dst, 0, count * width);
    return;
  }
  const uint8_t* src = values;
  for (size_t i = 0; i < count; i++) {
    size_t j = i < n ? i : n - 1;
    convert(src + j * stride, dst + i * width);
  }
}

static void copy1(const uint8_t* s, uint8_t* d) { d[0] = s[0]; }
static void copy4(const uint8_t* s, uint8_t* d) { memcpy(d, s, 4); }
static void copy8(const uint8_t* s, uint8_t* d) { memcpy(d, s, 8); }
static void copy16(const uint8_t* s, uint8_t* d) { memcpy(d, s, 16); }
/* int_val / half_val hold 32-bit values; narrow types keep the low bytes (little-endian), as TF's cast does. */
static void low1(const uint8_t* s, uint8_t* d) {
  int32_t v;
  memcpy(&v, s, 4);
  d[0] = (uint8_t)(uint32_t)v;
}
static void low2(const uint8_t* s, uint8_t* d) {
  int32_t v;
  memcpy(&v, s, 4);
  uint32_t u = (uint32_t)v;
  d[0] = (uint8_t)u;
  d[1] = (uint8_t)(u >> 8);
}

sigrun_status sr_tf_tensor_read(const sr_tf_tensor* t, void* dst, size_t dst_size, sigrun_error* error) {
  size_t nbytes;
  sigrun_status st = sr_tf_tensor_nbytes(t, &nbytes, error);
  if (st != SIGRUN_STATUS_OK) return st;
  if (dst_size != nbytes) {
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "tensor of %zu %s elements needs %zu bytes, got %zu",
                   t->num_elements, sr_tf_dtype_name(t->dtype), nbytes, dst_size);
  }
  uint8_t* out = dst;
  size_t count = t->num_elements;
  if (t->content_size) {
    if (t->content_size != nbytes) {
      return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "tensor_content has %zu bytes, %zu expected", t->content_size,
                     nbytes);
    }
    memcpy(out, t->content, nbytes);
    return SIGRUN_STATUS_OK;
  }
  switch (t->dtype) {
    case SR_TF_FLOAT:
      fill_from_list(out, count, 4, t->float_val, t->n_float_val, 4, copy4);
      break;
    case SR_TF_DOUBLE:
      fill_from_list(out, count, 8, t->double_val, t->n_double_val, 8, copy8);
      break;
    case SR_TF_INT32:
    case SR_TF_QINT32:
      fill_from_list(out, count, 4, t->int_val, t->n_int_val, 4, copy4);
      break;
    case SR_TF_UINT8:
    case SR_TF_INT8:
    case SR_TF_QINT8:
    case SR_TF_QUINT8:
      fill_from_list(out, count, 1, t->int_val, t->n_int_val, 4, low1);
      break;
    case SR_TF_INT16:
    case SR_TF_UINT16:
    case SR_TF_QINT16:
    case SR_TF_QUINT16:
      fill_from_list(out, count, 2, t->int_val, t->n_int_val, 4, low2);
      break;
    case SR_TF_INT64:
      fill_from_list(out, count, 8, t->int64_val, t->n_int64_val, 8, copy8);
      break;
    case SR_TF_BOOL:
      fill_from_list(out, count, 1, t->bool_val, t->n_bool_val, 1, copy1);
      break;
    case SR_TF_HALF:
    case SR_TF_BFLOAT16:
      fill_from_list(out, count, 2, t->half_val, t->n_half_val, 4, low2);
      break;
    case SR_TF_UINT32:
      fill_from_list(out, count, 4, t->uint32_val, t->n_uint32_val, 4, copy4);
      break;
    case SR_TF_UINT64:
      fill_from_list(out, count, 8, t->uint64_val, t->n_uint64_val, 8, copy8);
      break;
    case SR_TF_COMPLEX64: /* (re, im) pairs: an odd trailing value is ignored, as TF counts size / 2 pairs */
      fill_from_list(out, count, 8, t->scomplex_val, t->n_scomplex_val / 2, 8, copy8);
      break;
    case SR_TF_COMPLEX128:
      fill_from_list(out, count, 16, t->dcomplex_val, t->n_dcomplex_val / 2, 16, copy16);
      break;
    default:
      return sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "cannot read a %s tensor from its typed values",
                     sr_tf_dtype_name(t->dtype));
  }
  return SIGRUN_STATUS_OK;
}

/* ---- sorted lookups ---- */

/* strcmp order of the NUL-free name with the len bytes at key. */
static int cmp_n(const char* name, const char* key, size_t len) {
  size_t n = strlen(name);
  int c = memcmp(name, key, n < len ? n : len);
  if (c) return c;
  return n < len ? -1 : n > len ? 1 : 0;
}

const sr_tf_attr* sr_tf_attr_find(const sr_tf_attr_map* map, const char* key) {
  size_t lo = 0, hi = map ? map->count : 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(map->items[mid].key, key);
    if (c == 0) return &map->items[mid].value;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

const char* sr_tf_str_map_find(const sr_tf_str_pair* items, size_t count, const char* key) {
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(items[mid].key, key);
    if (c == 0) return items[mid].value;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

const sr_tf_node* sr_tf_nodes_find_n(const sr_tf_node_list* nodes, const char* name, size_t len) {
  size_t lo = 0, hi = nodes->by_name ? nodes->count : 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const sr_tf_node* node = &nodes->items[nodes->by_name[mid]];
    int c = cmp_n(node->name, name, len);
    if (c == 0) return node;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

const sr_tf_node* sr_tf_nodes_find(const sr_tf_node_list* nodes, const char* name) {
  return sr_tf_nodes_find_n(nodes, name, strlen(name));
}

const sr_tf_attr_map* sr_tf_function_arg_attrs(const sr_tf_function* f, uint32_t index) {
  size_t lo = 0, hi = f->n_arg_attr;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    uint32_t at = f->arg_attr[mid].index;
    if (at == index) return &f->arg_attr[mid].attr;
    if (at < index) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

const sr_tf_attr_def* sr_tf_op_def_attr(const sr_tf_op_def* op, const char* name) {
  /* OpDefs list a handful of attrs: a linear scan is the simplest correct lookup. */
  for (size_t i = 0; op && i < op->n_attr; i++) {
    if (strcmp(op->attr[i].name, name) == 0) return &op->attr[i];
  }
  return NULL;
}

const sr_tf_attr* sr_tf_node_attr(const sr_tf_node* node, const char* name) {
  const sr_tf_attr* a = sr_tf_attr_find(&node->attr, name);
  if (a) return a;
  const sr_tf_attr_def* def = sr_tf_op_def_attr(node->op_def, name);
  return def && def->has_default ? &def->default_value : NULL;
}

/* ---- OpDef arguments ---- */

sigrun_status sr_tf_arg_length(const sr_tf_node* node, const sr_tf_arg_def* arg, size_t* length, sigrun_error* error) {
  if (arg->number_attr[0]) {
    const sr_tf_attr* a = sr_tf_node_attr(node, arg->number_attr);
    if (!a || a->kind != SR_TF_ATTR_I || a->i < 0) {
      return sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                     "node '%s' (%s): argument '%s' needs a non-negative int attr '%s'%s", node->name, node->op,
                     arg->name, arg->number_attr, a ? " (found another kind or a negative value)" : "");
    }
    *length = (size_t)a->i;
    return SIGRUN_STATUS_OK;
  }
  if (arg->type_list_attr[0]) {
    const sr_tf_attr* a = sr_tf_node_attr(node, arg->type_list_attr);
    if (!a || a->kind != SR_TF_ATTR_LIST) {
      return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "node '%s' (%s): argument '%s' needs a list(type) attr '%s'",
                     node->name, node->op, arg->name, arg->type_list_attr);
    }
    *length = a->list->n_type;
    return SIGRUN_STATUS_OK;
  }
  *length = 1;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_tf_arg_dtype(const sr_tf_node* node, const sr_tf_arg_def* arg, size_t k, int32_t* dtype,
                              sigrun_error* error) {
  if (arg->type != SR_TF_INVALID) {
    *dtype = arg->type;
    return SIGRUN_STATUS_OK;
  }
  if (arg->type_attr[0]) {
    const sr_tf_attr* a = sr_tf_node_attr(node, arg->type_attr);
    if (!a || a->kind != SR_TF_ATTR_TYPE) {
      return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "node '%s' (%s): argument '%s' needs a type attr '%s'",
                     node->name, node->op, arg->name, arg->type_attr);
    }
    *dtype = a->type;
    return SIGRUN_STATUS_OK;
  }
  if (arg->type_list_attr[0]) {
    const sr_tf_attr* a = sr_tf_node_attr(node, arg->type_list_attr);
    if (!a || a->kind != SR_TF_ATTR_LIST || k >= a->list->n_type) {
      return sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                     "node '%s' (%s): argument '%s' element %zu has no type in list(type) attr '%s'", node->name,
                     node->op, arg->name, k, arg->type_list_attr);
    }
    *dtype = a->list->type[k];
    return SIGRUN_STATUS_OK;
  }
  return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "node '%s' (%s): argument '%s' has no type in its OpDef",
                 node->name, node->op, arg->name);
}

sigrun_status sr_tf_node_output_count(const sr_tf_node* node, size_t* count, sigrun_error* error) {
  const sr_tf_op_def* op = node->op_def;
  if (!op) {
    return sr_fail(error, SIGRUN_STATUS_NOT_FOUND, "node '%s': op '%s' is neither in the op list nor a function",
                   node->name, node->op);
  }
  size_t total = 0;
  for (size_t i = 0; i < op->n_output_arg; i++) {
    size_t len;
    sigrun_status st = sr_tf_arg_length(node, &op->output_arg[i], &len, error);
    if (st != SIGRUN_STATUS_OK) return st;
    if (!sr_add_size(total, len, &total)) {
      return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "node '%s' (%s): output count overflows", node->name, node->op);
    }
  }
  *count = total;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_tf_node_output_index(const sr_tf_node* node, const char* arg, size_t arg_len, int64_t k,
                                      size_t* flat, sigrun_error* error) {
  const sr_tf_op_def* op = node->op_def;
  if (k < 0) {
    return sr_fail(error, SIGRUN_STATUS_NOT_FOUND, "node '%s' (%s): negative output index %lld", node->name,
                   node->op, (long long)k);
  }
  if (arg_len == 0) {
    if (op) {
      size_t count;
      sigrun_status st = sr_tf_node_output_count(node, &count, error);
      if (st != SIGRUN_STATUS_OK) return st;
      if ((uint64_t)k >= count) {
        return sr_fail(error, SIGRUN_STATUS_NOT_FOUND, "node '%s' (%s) has %zu outputs, output %lld asked for",
                       node->name, node->op, count, (long long)k);
      }
    }
    *flat = (size_t)k;
    return SIGRUN_STATUS_OK;
  }
  if (!op) {
    return sr_fail(error, SIGRUN_STATUS_NOT_FOUND,
                   "node '%s': output '%.*s' cannot be resolved: op '%s' is neither in the op list nor a function",
                   node->name, (int)arg_len, arg, node->op);
  }
  size_t before = 0;
  for (size_t i = 0; i < op->n_output_arg; i++) {
    const sr_tf_arg_def* out = &op->output_arg[i];
    size_t len;
    sigrun_status st = sr_tf_arg_length(node, out, &len, error);
    if (st != SIGRUN_STATUS_OK) return st;
    if (cmp_n(out->name, arg, arg_len) == 0) {
      if ((uint64_t)k >= len) {
        return sr_fail(error, SIGRUN_STATUS_NOT_FOUND,
                       "node '%s' (%s): output '%s' has %zu tensors, index %lld asked for", node->name, node->op,
                       out->name, len, (long long)k);
      }
      *flat = before + (size_t)k;
      return SIGRUN_STATUS_OK;
    }
    if (!sr_add_size(before, len, &before)) {
      return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "node '%s' (%s): output count overflows", node->name, node->op);
    }
  }
  return sr_fail(error, SIGRUN_STATUS_NOT_FOUND, "node '%s' (%s): op has no output argument '%.*s'", node->name,
                 node->op, (int)arg_len, arg);
}

/* ---- tensor references ---- */

static int parse_index(const char* s, size_t len, int64_t* out) {
  if (len == 0 || len > 10) return 0;
  int64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  if (v > INT32_MAX) return 0;
  *out = v;
  return 1;
}

int sr_tf_parse_tensor_ref(const char* text, sr_tf_tensor_ref* out) {
  memset(out, 0, sizeof *out);
  if (text[0] == '^') {
    out->is_control = 1;
    text++;
    if (!text[0] || strchr(text, ':')) return 0;
    out->name = text;
    out->name_len = strlen(text);
    return 1;
  }
  const char* c1 = strchr(text, ':');
  out->name = text;
  if (!c1) {
    out->name_len = strlen(text);
    return out->name_len > 0;
  }
  out->name_len = (size_t)(c1 - text);
  if (out->name_len == 0) return 0;
  const char* rest = c1 + 1;
  const char* c2 = strchr(rest, ':');
  if (!c2) return parse_index(rest, strlen(rest), &out->index);
  if (strchr(c2 + 1, ':') || c2 == rest) return 0;
  out->arg = rest;
  out->arg_len = (size_t)(c2 - rest);
  return parse_index(c2 + 1, strlen(c2 + 1), &out->index);
}
