/*
 * model_load.c — parses and verifies a .tflite flatbuffer into the immutable sr_* model structs.
 * Every field sigrun will ever use is read here, once, through the checked reader; every index is checked
 * against what it indexes and every constant buffer against its tensor's type and shape. After this, the
 * rest of sigrun trusts the model. Messages name the place: "subgraph 0, tensor 17: ...". Checks that need
 * the whole graph (producers, constants, signature I/O) are in graph_check.c, the call graph in call_graph.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../core/model.h"
#include "../core/strings.h"
#include "../ops/op.h"
#include "call_graph.h"
#include "flatbuf.h"
#include "graph_check.h"
#include "sparsity.h"
#include "schema_enums.h"

/* Field ids (declaration order in LiteRT's schema.fbs). */
enum { MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_DESCRIPTION = 3, MODEL_BUFFERS = 4,
       MODEL_SIGNATURES = 7 };
enum { OPCODE_DEPRECATED_BUILTIN = 0, OPCODE_CUSTOM = 1, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3 };
enum { SUBGRAPH_TENSORS = 0, SUBGRAPH_INPUTS = 1, SUBGRAPH_OUTPUTS = 2, SUBGRAPH_OPERATORS = 3, SUBGRAPH_NAME = 4 };
enum { TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_NAME = 3, TENSOR_QUANT = 4,
       TENSOR_IS_VARIABLE = 5, TENSOR_SPARSITY = 6, TENSOR_SHAPE_SIGNATURE = 7, TENSOR_HAS_RANK = 8 };
enum { BUFFER_DATA = 0, BUFFER_OFFSET = 1, BUFFER_SIZE = 2 };
enum { OP_OPCODE_INDEX = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3, OP_OPTIONS = 4,
       OP_CUSTOM_OPTIONS = 5, OP_INTERMEDIATES = 8, OP_LARGE_CUSTOM_OFFSET = 9, OP_LARGE_CUSTOM_SIZE = 10,
       OP_OPTIONS2_TYPE = 11, OP_OPTIONS2 = 12 };
enum { QUANT_SCALE = 2, QUANT_ZERO_POINT = 3, QUANT_DIMENSION = 6 };
enum { SIG_INPUTS = 0, SIG_OUTPUTS = 1, SIG_KEY = 2, SIG_SUBGRAPH = 4 };
enum { TENSORMAP_NAME = 0, TENSORMAP_INDEX = 1 };

#define SR_SCHEMA_VERSION 3
#define SR_MAX_TYPE_CODE 22 /* FLOAT8_E5M2, the highest TensorType LiteRT knows */

typedef struct buffer_info {
  const uint8_t* data;
  size_t size;
} buffer_info;

typedef struct opcode_info {
  int builtin_code;
  int version;
  const char* custom_code;
} opcode_info;

typedef struct loader {
  sigrun_model* model;
  sr_fb fb;
  sigrun_error* error;
  int n_buffers;
  buffer_info* buffers;
  int n_opcodes;
  opcode_info* opcodes;
} loader;

static sigrun_status oom(loader* L) { return sr_fail(L->error, SIGRUN_STATUS_NO_MEMORY, "out of memory while loading the model"); }

static sigrun_status fb_fail(loader* L, int rc, const char* where) {
  return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: %s", where, sr_fb_strerror(rc));
}

/* Reads a vector of int32 tensor indices into pool memory. */
static sigrun_status read_index_vector(loader* L, const sr_fb_table* t, int field, const char* where,
                                       int32_t** out, int* count) {
  sr_fb_vec v;
  int rc = sr_fb_vector(t, field, 4, &v);
  if (rc) return fb_fail(L, rc, where);
  if (v.len > (uint32_t)INT32_MAX / 4) return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: %u entries is too many", where, v.len);
  int32_t* a = sr_pool_array(&L->model->pool, v.len ? v.len : 1, sizeof(int32_t));
  if (!a) return oom(L);
  for (uint32_t i = 0; i < v.len; i++) a[i] = sr_fb_vec_i32(&v, i);
  *out = a;
  *count = (int)v.len;
  return SIGRUN_STATUS_OK;
}

static sigrun_status check_indices(loader* L, const int32_t* idx, int n, int limit, int allow_optional,
                                   const char* where, const char* what) {
  for (int i = 0; i < n; i++) {
    if (idx[i] == -1 && allow_optional) continue;
    if (idx[i] < 0 || idx[i] >= limit)
      return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: %s %d is tensor %d, but the subgraph has %d tensors",
                     where, what, i, idx[i], limit);
  }
  return SIGRUN_STATUS_OK;
}

/* ---- buffers and operator codes ---- */

static sigrun_status load_buffers(loader* L, const sr_fb_table* root) {
  sr_fb_vec v;
  int rc = sr_fb_vector(root, MODEL_BUFFERS, 4, &v);
  if (rc) return fb_fail(L, rc, "model buffers");
  L->n_buffers = (int)(v.len > INT32_MAX ? INT32_MAX : v.len);
  L->buffers = sr_pool_array(&L->model->pool, (size_t)L->n_buffers + 1, sizeof(buffer_info));
  if (!L->buffers) return oom(L);
  for (int i = 0; i < L->n_buffers; i++) {
    char where[64];
    snprintf(where, sizeof where, "buffer %d", i);
    sr_fb_table b;
    rc = sr_fb_vec_table(&v, (uint32_t)i, &b);
    if (rc) return fb_fail(L, rc, where);
    sr_fb_vec data;
    rc = sr_fb_vector(&b, BUFFER_DATA, 1, &data);
    if (rc) return fb_fail(L, rc, where);
    uint64_t offset, size;
    if ((rc = sr_fb_u64(&b, BUFFER_OFFSET, 0, &offset)) || (rc = sr_fb_u64(&b, BUFFER_SIZE, 0, &size)))
      return fb_fail(L, rc, where);
    if (data.present && data.len > 0) {
      L->buffers[i].data = sr_fb_vec_data(&data);
      L->buffers[i].size = data.len;
    } else if (offset > 1) {
      /* Stored after the flatbuffer (models > 2 GB): the offset is absolute in the file. */
      if (offset > L->fb.size || size > L->fb.size - offset)
        return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL,
                       "buffer %d: offset %llu + size %llu lies outside the %zu-byte file", i,
                       (unsigned long long)offset, (unsigned long long)size, L->fb.size);
      L->buffers[i].data = L->fb.data + offset;
      L->buffers[i].size = (size_t)size;
    }
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status load_opcodes(loader* L, const sr_fb_table* root) {
  sr_fb_vec v;
  int rc = sr_fb_vector(root, MODEL_OPCODES, 4, &v);
  if (rc) return fb_fail(L, rc, "model operator_codes");
  L->n_opcodes = (int)(v.len > INT32_MAX ? INT32_MAX : v.len);
  L->opcodes = sr_pool_array(&L->model->pool, (size_t)L->n_opcodes + 1, sizeof(opcode_info));
  if (!L->opcodes) return oom(L);
  for (int i = 0; i < L->n_opcodes; i++) {
    char where[64];
    snprintf(where, sizeof where, "operator code %d", i);
    sr_fb_table t;
    int8_t deprecated;
    int32_t builtin, version;
    const char* custom;
    if ((rc = sr_fb_vec_table(&v, (uint32_t)i, &t)) || (rc = sr_fb_i8(&t, OPCODE_DEPRECATED_BUILTIN, 0, &deprecated)) ||
        (rc = sr_fb_i32(&t, OPCODE_BUILTIN, 0, &builtin)) || (rc = sr_fb_i32(&t, OPCODE_VERSION, 1, &version)) ||
        (rc = sr_fb_string(&t, OPCODE_CUSTOM, &custom, NULL)))
      return fb_fail(L, rc, where);
    /* Old files only set the byte field; newer ones put 127 there for codes above 126. */
    int code = builtin > deprecated ? builtin : deprecated;
    if (code < 0) return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: negative builtin code %d", where, code);
    if (code == SR_BUILTIN_CUSTOM && (!custom || !custom[0]))
      return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: custom operator without a custom_code", where);
    L->opcodes[i].builtin_code = code;
    L->opcodes[i].version = version;
    L->opcodes[i].custom_code = code == SR_BUILTIN_CUSTOM ? custom : NULL;
  }
  return SIGRUN_STATUS_OK;
}

/* ---- tensors ---- */

static sigrun_status read_shape(loader* L, const sr_fb_table* t, int field, const char* where, const char* what,
                                int32_t* dims, int* rank, int* present) {
  sr_fb_vec v;
  int rc = sr_fb_vector(t, field, 4, &v);
  if (rc) return fb_fail(L, rc, where);
  *present = v.present;
  if (v.len > SR_MAX_RANK)
    return sr_fail(L->error, SIGRUN_STATUS_UNSUPPORTED, "%s: %s has rank %u; sigrun supports ranks up to %d", where,
                   what, v.len, SR_MAX_RANK);
  *rank = (int)v.len;
  for (uint32_t i = 0; i < v.len; i++) dims[i] = sr_fb_vec_i32(&v, i);
  return SIGRUN_STATUS_OK;
}

static sigrun_status load_quant(loader* L, const sr_fb_table* t, sr_tensor_def* d, const char* where) {
  sr_fb_table q;
  int present;
  int rc = sr_fb_table_field(t, TENSOR_QUANT, &q, &present);
  if (rc) return fb_fail(L, rc, where);
  if (!present) return SIGRUN_STATUS_OK;
  sr_fb_vec scale, zp;
  int32_t qdim;
  if ((rc = sr_fb_vector(&q, QUANT_SCALE, 4, &scale)) || (rc = sr_fb_vector(&q, QUANT_ZERO_POINT, 8, &zp)) ||
      (rc = sr_fb_i32(&q, QUANT_DIMENSION, 0, &qdim)))
    return fb_fail(L, rc, where);
  if (scale.len == 0) return SIGRUN_STATUS_OK; /* min/max only: not quantized for the runtime */
  if (zp.len != 0 && zp.len != scale.len)
    return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: quantization has %u scales but %u zero points", where,
                   scale.len, zp.len);
  /* Older TFLM models (person_detect) carry a depthwise filter's quantized_dimension 3 on its rank-1 bias,
   * one scale per element: read along the only axis. LiteRT refuses such files; kernels never read a bias's
   * scales, so accepting them is harmless. */
  if (scale.len > 1 && d->rank == 1 && qdim >= 1 && (int64_t)scale.len == d->dims[0]) qdim = 0;
  if (scale.len > 1) {
    if (qdim < 0 || qdim >= d->rank)
      return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: quantized_dimension %d is outside rank %d", where, qdim,
                     d->rank);
    if ((int64_t)scale.len != d->dims[qdim])
      return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL,
                     "%s: %u per-channel scales, but dimension %d has size %d", where, scale.len, qdim, d->dims[qdim]);
  }
  float* scales = sr_pool_array(&L->model->pool, scale.len, sizeof(float));
  int64_t* zps = sr_pool_array(&L->model->pool, scale.len, sizeof(int64_t));
  if (!scales || !zps) return oom(L);
  for (uint32_t i = 0; i < scale.len; i++) {
    scales[i] = sr_fb_vec_f32(&scale, i);
    zps[i] = zp.len ? sr_fb_vec_i64(&zp, i) : 0;
  }
  d->quant.count = (int)scale.len;
  d->quant.scales = scales;
  d->quant.zero_points = zps;
  d->quant.quantized_dimension = qdim;
  return SIGRUN_STATUS_OK;
}

/* Binds constant data to a tensor after checking its size; copies it only if misaligned for the type. */
static sigrun_status bind_buffer(loader* L, sr_tensor_def* d, uint32_t buffer, int sparse, const char* where) {
  if (buffer >= (uint32_t)L->n_buffers && !(buffer == 0 && L->n_buffers == 0))
    return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: buffer %u is out of range (the model has %d buffers)",
                   where, buffer, L->n_buffers);
  d->buffer = (int)buffer;
  if (L->n_buffers == 0 || L->buffers[buffer].size == 0) return SIGRUN_STATUS_OK;
  const buffer_info* b = &L->buffers[buffer];
  size_t elem = sigrun_type_size(d->type), count, need;
  if (!sr_shape_count(d->dims, d->rank, &count) || !sr_mul_size(count, elem, &need))
    return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: shape is too large", where);
  if (elem != 0 && !sparse && b->size != need) {
    char shape[128];
    return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: buffer %u holds %zu bytes, shape %s %s needs %zu", where,
                   buffer, b->size, sr_shape_str(d->dims, d->rank, shape, sizeof shape), sigrun_type_name(d->type),
                   need);
  }
  if (d->type == SIGRUN_TYPE_STRING && !sparse) {
    char why[160];
    if (!sr_strings_check(b->data, b->size, count, why, sizeof why))
      return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: buffer %u: %s", where, buffer, why);
  }
  const uint8_t* data = b->data;
  size_t align = elem > 8 ? 8 : (elem ? elem : 1);
  if (((uintptr_t)data % align) != 0) {
    /* Converter output is 16-byte aligned; a hand-made file may not be. Kernels need aligned loads. */
    uint8_t* copy = sr_pool_alloc(&L->model->pool, b->size);
    if (!copy) return oom(L);
    memcpy(copy, data, b->size);
    data = copy;
  }
  d->data = data;
  d->data_bytes = b->size;
  return SIGRUN_STATUS_OK;
}

static sigrun_status load_tensor(loader* L, const sr_fb_table* t, sr_tensor_def* d, const char* where) {
  int8_t type;
  uint32_t buffer;
  uint8_t is_variable, has_rank;
  const char* name;
  int rc;
  if ((rc = sr_fb_i8(t, TENSOR_TYPE, 0, &type)) || (rc = sr_fb_u32(t, TENSOR_BUFFER, 0, &buffer)) ||
      (rc = sr_fb_u8(t, TENSOR_IS_VARIABLE, 0, &is_variable)) || (rc = sr_fb_u8(t, TENSOR_HAS_RANK, 0, &has_rank)) ||
      (rc = sr_fb_string(t, TENSOR_NAME, &name, NULL)))
    return fb_fail(L, rc, where);
  if (type < 0 || type > SR_MAX_TYPE_CODE)
    return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: unknown tensor type %d", where, type);
  d->type = (sigrun_type)type;
  d->name = name ? name : "";
  d->is_variable = is_variable != 0;
  d->has_rank = has_rank != 0;
  int present;
  sigrun_status st = read_shape(L, t, TENSOR_SHAPE, where, "shape", d->dims, &d->rank, &present);
  if (st) return st;
  for (int i = 0; i < d->rank; i++)
    if (d->dims[i] < 0)
      return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: shape dimension %d is negative (%d)", where, i, d->dims[i]);
  size_t count;
  if (!sr_shape_count(d->dims, d->rank, &count))
    return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: shape element count overflows", where);
  int sig_rank;
  st = read_shape(L, t, TENSOR_SHAPE_SIGNATURE, where, "shape_signature", d->signature, &sig_rank, &present);
  if (st) return st;
  d->has_signature = present && sig_rank > 0;
  if (!d->has_signature) {
    memcpy(d->signature, d->dims, sizeof d->dims);
  } else {
    if (sig_rank != d->rank)
      return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: shape_signature has rank %d but shape has rank %d", where,
                     sig_rank, d->rank);
    for (int i = 0; i < sig_rank; i++)
      if (d->signature[i] < -1)
        return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: shape_signature dimension %d is %d", where, i,
                       d->signature[i]);
  }
  sr_fb_table sparsity;
  int sparse;
  if ((rc = sr_fb_table_field(t, TENSOR_SPARSITY, &sparsity, &sparse))) return fb_fail(L, rc, where);
  if ((st = load_quant(L, t, d, where)) || (st = bind_buffer(L, d, buffer, sparse, where))) return st;
  if (sparse && !d->data)
    return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: sparse tensor without constant data", where);
  if (sparse) return sr_sparsity_load(&sparsity, d, d->data_bytes, &L->model->pool, &d->sparsity, where, L->error);
  return SIGRUN_STATUS_OK;
}

/* ---- operators ---- */

static sigrun_status parse_options(loader* L, const sr_fb_table* t, sr_operator* op, int subgraph, const char* where) {
  uint8_t options_type, options2_type;
  sr_fb_table options, options2;
  int present, present2, rc;
  if ((rc = sr_fb_u8(t, OP_OPTIONS_TYPE, 0, &options_type)) || (rc = sr_fb_table_field(t, OP_OPTIONS, &options, &present)) ||
      (rc = sr_fb_u8(t, OP_OPTIONS2_TYPE, 0, &options2_type)) ||
      (rc = sr_fb_table_field(t, OP_OPTIONS2, &options2, &present2)))
    return fb_fail(L, rc, where);
  if (!op->kind || !op->kind->parse) return SIGRUN_STATUS_OK;
  sr_parse_ctx ctx = {op, options_type, present ? &options : NULL, &L->model->pool, L->error, subgraph,
                      options2_type, present2 ? &options2 : NULL};
  return op->kind->parse(&ctx, &op->params);
}

static sigrun_status load_custom_options(loader* L, const sr_fb_table* t, sr_operator* op, const char* where) {
  sr_fb_vec v;
  int rc = sr_fb_vector(t, OP_CUSTOM_OPTIONS, 1, &v);
  if (rc) return fb_fail(L, rc, where);
  if (v.present) {
    op->custom_options = sr_fb_vec_data(&v);
    op->custom_options_size = v.len;
    return SIGRUN_STATUS_OK;
  }
  uint64_t offset, size;
  if ((rc = sr_fb_u64(t, OP_LARGE_CUSTOM_OFFSET, 0, &offset)) || (rc = sr_fb_u64(t, OP_LARGE_CUSTOM_SIZE, 0, &size)))
    return fb_fail(L, rc, where);
  if (offset > 1) {
    if (offset > L->fb.size || size > L->fb.size - offset)
      return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: custom options at offset %llu + %llu lie outside the file",
                     where, (unsigned long long)offset, (unsigned long long)size);
    op->custom_options = L->fb.data + offset;
    op->custom_options_size = (size_t)size;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status load_operator(loader* L, const sr_fb_table* t, sr_operator* op, int subgraph, int n_tensors,
                                   const char* where) {
  uint32_t opcode;
  int rc = sr_fb_u32(t, OP_OPCODE_INDEX, 0, &opcode);
  if (rc) return fb_fail(L, rc, where);
  if (opcode >= (uint32_t)L->n_opcodes)
    return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: opcode_index %u is out of range (%d operator codes)", where,
                   opcode, L->n_opcodes);
  const opcode_info* info = &L->opcodes[opcode];
  op->builtin_code = info->builtin_code;
  op->version = info->version;
  op->custom_code = info->custom_code;
  op->name = info->custom_code ? info->custom_code : sr_builtin_name(info->builtin_code);
  if (!op->name) {
    char* unknown = sr_pool_alloc(&L->model->pool, 32);
    if (!unknown) return oom(L);
    snprintf(unknown, 32, "BUILTIN_%d", info->builtin_code);
    op->name = unknown;
  }
  op->kind = info->custom_code ? sr_ops_find_custom(info->custom_code) : sr_ops_find_builtin(info->builtin_code);
  int32_t *inputs, *outputs, *intermediates;
  sigrun_status st;
  if ((st = read_index_vector(L, t, OP_INPUTS, where, &inputs, &op->n_inputs)) ||
      (st = read_index_vector(L, t, OP_OUTPUTS, where, &outputs, &op->n_outputs)) ||
      (st = read_index_vector(L, t, OP_INTERMEDIATES, where, &intermediates, &op->n_intermediates)))
    return st;
  if ((st = check_indices(L, inputs, op->n_inputs, n_tensors, 1, where, "input")) ||
      (st = check_indices(L, outputs, op->n_outputs, n_tensors, 0, where, "output")) ||
      (st = check_indices(L, intermediates, op->n_intermediates, n_tensors, 0, where, "intermediate")))
    return st;
  op->inputs = inputs;
  op->outputs = outputs;
  op->intermediates = intermediates;
  if ((st = load_custom_options(L, t, op, where))) return st;
  return parse_options(L, t, op, subgraph, where);
}

static sigrun_status load_subgraph(loader* L, const sr_fb_table* t, sr_subgraph* sg, int index) {
  char where[96];
  snprintf(where, sizeof where, "subgraph %d", index);
  const char* name;
  int rc = sr_fb_string(t, SUBGRAPH_NAME, &name, NULL);
  if (rc) return fb_fail(L, rc, where);
  sg->name = name ? name : "";
  sr_fb_vec tensors, operators;
  if ((rc = sr_fb_vector(t, SUBGRAPH_TENSORS, 4, &tensors)) || (rc = sr_fb_vector(t, SUBGRAPH_OPERATORS, 4, &operators)))
    return fb_fail(L, rc, where);
  if (tensors.len > INT32_MAX / 2 || operators.len > INT32_MAX / 2)
    return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: too many tensors or operators", where);
  sg->n_tensors = (int)tensors.len;
  sg->n_operators = (int)operators.len;
  sg->tensors = sr_pool_array(&L->model->pool, tensors.len + 1, sizeof(sr_tensor_def));
  sg->operators = sr_pool_array(&L->model->pool, operators.len + 1, sizeof(sr_operator));
  if (!sg->tensors || !sg->operators) return oom(L);
  sigrun_status st;
  for (int i = 0; i < sg->n_tensors; i++) {
    char tw[96];
    snprintf(tw, sizeof tw, "subgraph %d, tensor %d", index, i);
    sr_fb_table tt;
    if ((rc = sr_fb_vec_table(&tensors, (uint32_t)i, &tt))) return fb_fail(L, rc, tw);
    if ((st = load_tensor(L, &tt, &sg->tensors[i], tw))) return st;
  }
  int32_t *inputs, *outputs;
  if ((st = read_index_vector(L, t, SUBGRAPH_INPUTS, where, &inputs, &sg->n_inputs)) ||
      (st = read_index_vector(L, t, SUBGRAPH_OUTPUTS, where, &outputs, &sg->n_outputs)))
    return st;
  if ((st = check_indices(L, inputs, sg->n_inputs, sg->n_tensors, 0, where, "input")) ||
      (st = check_indices(L, outputs, sg->n_outputs, sg->n_tensors, 0, where, "output")))
    return st;
  sg->inputs = inputs;
  sg->outputs = outputs;
  for (int i = 0; i < sg->n_operators; i++) {
    char ow[96];
    snprintf(ow, sizeof ow, "subgraph %d, operator %d", index, i);
    sr_fb_table ot;
    if ((rc = sr_fb_vec_table(&operators, (uint32_t)i, &ot))) return fb_fail(L, rc, ow);
    sg->operators[i].index = i;
    if ((st = load_operator(L, &ot, &sg->operators[i], index, sg->n_tensors, ow))) return st;
  }
  return sr_graph_check_subgraph(sg, index, L->error);
}

/* ---- signatures ---- */

static int compare_io(const void* a, const void* b) {
  return strcmp(((const sr_io_name*)a)->name, ((const sr_io_name*)b)->name);
}

static sigrun_status load_tensor_map(loader* L, const sr_fb_table* sig, int field, const sr_subgraph* sg,
                                     const char* where, const char* what, sr_io_name** out, int* count) {
  sr_fb_vec v;
  int rc = sr_fb_vector(sig, field, 4, &v);
  if (rc) return fb_fail(L, rc, where);
  sr_io_name* names = sr_pool_array(&L->model->pool, v.len + 1, sizeof(sr_io_name));
  if (!names) return oom(L);
  int n = 0;
  for (uint32_t i = 0; i < v.len; i++) {
    sr_fb_table m;
    const char* name;
    uint32_t tensor;
    if ((rc = sr_fb_vec_table(&v, i, &m)) || (rc = sr_fb_string(&m, TENSORMAP_NAME, &name, NULL)) ||
        (rc = sr_fb_u32(&m, TENSORMAP_INDEX, 0, &tensor)))
      return fb_fail(L, rc, where);
    if (!name) continue; /* LiteRT skips unnamed entries */
    if (tensor >= (uint32_t)sg->n_tensors)
      return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: %s '%s' is tensor %u, but subgraph has %d tensors", where,
                     what, name, tensor, sg->n_tensors);
    names[n].name = name;
    names[n].tensor = (int)tensor;
    n++;
  }
  qsort(names, (size_t)n, sizeof *names, compare_io);
  for (int i = 1; i < n; i++)
    if (strcmp(names[i - 1].name, names[i].name) == 0)
      return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: %s name '%s' appears twice", where, what, names[i].name);
  sigrun_status st = sr_graph_check_signature_io(sg, names, n, field == SIG_INPUTS, where, L->error);
  if (st) return st;
  *out = names;
  *count = n;
  return SIGRUN_STATUS_OK;
}

static sigrun_status load_signatures(loader* L, const sr_fb_table* root) {
  sigrun_model* m = L->model;
  sr_fb_vec v;
  int rc = sr_fb_vector(root, MODEL_SIGNATURES, 4, &v);
  if (rc) return fb_fail(L, rc, "model signature_defs");
  if (v.len > INT32_MAX / 2) return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "too many signatures");
  m->signatures = sr_pool_array(&m->pool, v.len + 1, sizeof(sr_signature));
  if (!m->signatures) return oom(L);
  m->n_signatures = (int)v.len;
  for (int i = 0; i < m->n_signatures; i++) {
    char where[96];
    snprintf(where, sizeof where, "signature %d", i);
    sr_fb_table s;
    const char* key;
    uint32_t subgraph;
    if ((rc = sr_fb_vec_table(&v, (uint32_t)i, &s)) || (rc = sr_fb_string(&s, SIG_KEY, &key, NULL)) ||
        (rc = sr_fb_u32(&s, SIG_SUBGRAPH, 0, &subgraph)))
      return fb_fail(L, rc, where);
    if (!key) return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: missing signature_key", where);
    snprintf(where, sizeof where, "signature %d ('%s')", i, key);
    if (subgraph >= (uint32_t)m->n_subgraphs)
      return sr_fail(L->error, SIGRUN_STATUS_BAD_MODEL, "%s: subgraph_index %u is out of range (%d subgraphs)", where,
                     subgraph, m->n_subgraphs);
    sr_signature* sig = &m->signatures[i];
    sig->key = key;
    sig->subgraph = (int)subgraph;
    const sr_subgraph* sg = &m->subgraphs[subgraph];
    sigrun_status st;
    if ((st = load_tensor_map(L, &s, SIG_INPUTS, sg, where, "input", &sig->inputs, &sig->n_inputs)) ||
        (st = load_tensor_map(L, &s, SIG_OUTPUTS, sg, where, "output", &sig->outputs, &sig->n_outputs)))
      return st;
  }
  return sr_graph_check_unique_keys(m, L->error);
}

sigrun_status sr_model_parse(sigrun_model* m, sigrun_error* error) {
  loader L = {0};
  L.model = m;
  L.fb.data = m->bytes;
  L.fb.size = m->size;
  L.error = error;
  if (m->size < 8)
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "the model is %zu bytes, too short to be a .tflite flatbuffer", m->size);
  if (memcmp(m->bytes + 4, "TFL3", 4) != 0) {
    char id[5];
    for (int i = 0; i < 4; i++) id[i] = (m->bytes[4 + i] >= 32 && m->bytes[4 + i] < 127) ? (char)m->bytes[4 + i] : '?';
    id[4] = '\0';
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "model identifier is '%s', expected 'TFL3' (not a .tflite model?)", id);
  }
  sr_fb_table root;
  int rc = sr_fb_root(&L.fb, &root);
  if (rc) return fb_fail(&L, rc, "model root table");
  uint32_t version;
  if ((rc = sr_fb_u32(&root, MODEL_VERSION, 0, &version))) return fb_fail(&L, rc, "model version");
  if (version != SR_SCHEMA_VERSION)
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "model schema version is %u, sigrun supports version %d", version,
                   SR_SCHEMA_VERSION);
  const char* description;
  if ((rc = sr_fb_string(&root, MODEL_DESCRIPTION, &description, NULL))) return fb_fail(&L, rc, "model description");
  m->description = description ? description : "";
  sigrun_status st;
  if ((st = load_buffers(&L, &root)) || (st = load_opcodes(&L, &root))) return st;
  sr_fb_vec subgraphs;
  if ((rc = sr_fb_vector(&root, MODEL_SUBGRAPHS, 4, &subgraphs))) return fb_fail(&L, rc, "model subgraphs");
  if (subgraphs.len == 0) return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "the model has no subgraphs");
  if (subgraphs.len > INT32_MAX / 2) return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "too many subgraphs");
  m->n_subgraphs = (int)subgraphs.len;
  m->subgraphs = sr_pool_array(&m->pool, subgraphs.len, sizeof(sr_subgraph));
  if (!m->subgraphs) return oom(&L);
  for (int i = 0; i < m->n_subgraphs; i++) {
    sr_fb_table sg;
    char where[64];
    snprintf(where, sizeof where, "subgraph %d", i);
    if ((rc = sr_fb_vec_table(&subgraphs, (uint32_t)i, &sg))) return fb_fail(&L, rc, where);
    if ((st = load_subgraph(&L, &sg, &m->subgraphs[i], i))) return st;
  }
  if ((st = load_signatures(&L, &root)) || (st = sr_check_call_graph(m, error)) ||
      (st = sr_graph_check_inputs_have_data(m, error)))
    return st;
  return sr_ok(error);
}
