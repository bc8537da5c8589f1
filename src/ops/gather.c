/*
 * gather.c — the indexed data ops: GATHER (slices along `axis`, with LiteRT's batch_dims), GATHER_ND
 * (slices addressed by index tuples), SCATTER_ND (sums updates into a zero tensor at index tuples) and
 * EMBEDDING_LOOKUP (rows of a table, dequantized by LiteRT's hybrid rule when 8-bit weights meet a float
 * output). Indices are data: one outside its dimension fails at eval with a RUNTIME error, as LiteRT
 * fails the invoke. SCATTER_ND's output shape comes from a tensor and is dynamic when that is not constant.
 * GATHER also moves strings, from 1-D tensors as LiteRT does, through the strings writer.
 */
#include "gather.h"

#include <math.h>

#include "../core/strings.h"
#include "../format/schema_enums.h"
#include "layout.h"
#include "quant.h"

static const sr_gather_params gather_defaults = {0, 0};

static sigrun_status gather_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_GATHER, 1);
  if (st) return st;
  sr_gather_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  *p = gather_defaults;
  if (ctx->options) {
    int32_t axis = 0, batch_dims = 0;
    int rc = sr_fb_i32(ctx->options, 0, 0, &axis);
    if (!rc) rc = sr_fb_i32(ctx->options, 1, 0, &batch_dims);
    if (rc) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "GatherOptions: %s", sr_fb_strerror(rc));
    p->axis = axis;
    p->batch_dims = batch_dims;
  }
  *out = p;
  return SIGRUN_STATUS_OK;
}

typedef struct gather_data {
  size_t batches, outer, axis_size, coords, inner_bytes;
} gather_data;

static int64_t index_at(const void* idx, size_t idx_size, size_t i) {
  switch (idx_size) {
    case 2: return ((const int16_t*)idx)[i];
    case 4: return ((const int32_t*)idx)[i];
    default: return ((const int64_t*)idx)[i];
  }
}

size_t sr_bytes_gather__ref(const uint8_t* in, const void* idx, size_t idx_size, size_t batches, size_t outer,
                            size_t axis_size, size_t coords, size_t inner, uint8_t* out) {
  for (size_t i = 0; i < batches * coords; i++) {
    int64_t v = index_at(idx, idx_size, i);
    if (v < 0 || (uint64_t)v >= axis_size) return i;
  }
  if (inner == 0) return SIZE_MAX;
  for (size_t b = 0; b < batches; b++) {
    for (size_t o = 0; o < outer; o++) {
      const uint8_t* rows = in + (b * outer + o) * axis_size * inner;
      for (size_t i = 0; i < coords; i++) {
        size_t row = (size_t)index_at(idx, idx_size, b * coords + i);
        memcpy(out, rows + row * inner, inner);
        out += inner;
      }
    }
  }
  return SIZE_MAX;
}

static size_t product(const int32_t* dims, int from, int to) {
  size_t n = 1;
  for (int i = from; i < to; i++) n *= (size_t)dims[i];
  return n;
}

/* LiteRT's axis and batch_dims rules; writes the resolved values. */
static sigrun_status gather_axes(sr_node* node, const sr_tensor* in, const sr_tensor* pos, int* axis,
                                 int* batch_dims) {
  const sr_gather_params* p = node->params ? node->params : &gather_defaults;
  char a[128], b[128];
  *axis = p->axis < 0 ? p->axis + in->rank : p->axis;
  if (*axis < 0 || *axis >= in->rank)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "axis %d is out of range for input 0 of rank %d", p->axis,
                        in->rank);
  *batch_dims = p->batch_dims < 0 ? p->batch_dims + pos->rank : p->batch_dims;
  if (*batch_dims < 0 || *batch_dims > *axis || *batch_dims > pos->rank)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "batch_dims %d is invalid: it must lie in [0, min(axis %d, "
                        "rank of indices %d)]", p->batch_dims, *axis, pos->rank);
  for (int i = 0; i < *batch_dims; i++)
    if (in->dims[i] != pos->dims[i])
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 shape %s and indices shape %s differ in batch "
                          "dimension %d", sr_shape_str(in->dims, in->rank, a, sizeof a),
                          sr_shape_str(pos->dims, pos->rank, b, sizeof b), i);
  return SIGRUN_STATUS_OK;
}

/* Strings: LiteRT gathers them from 1-D inputs only (so along axis 0); the output is sized in eval. */
static sigrun_status gather_strings_prepare(sr_node* node, const sr_tensor* in, const sr_tensor* pos) {
  int axis = 0, batch_dims = 0;
  sigrun_status st;
  if ((st = sr_node_check_type(node, node->outputs[0], "output 0", SIGRUN_TYPE_STRING)) ||
      (st = sr_layout_check_index_type(node, pos, "input 1 (indices)", SR_IDX_I16 | SR_IDX_I32 | SR_IDX_I64)))
    return st;
  if (in->rank != 1)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input 0 is a string tensor of rank %d; LiteRT gathers "
                        "strings from 1-D tensors only", in->rank);
  if ((st = gather_axes(node, in, pos, &axis, &batch_dims))) return st;
  sr_node_set_output_dynamic(node, 0);
  return SIGRUN_STATUS_OK;
}

static sigrun_status gather_strings_eval(sr_node* node) {
  char why[160];
  const sr_tensor *in = node->inputs[0], *pos = node->inputs[1];
  const size_t n = sr_tensor_count(in), count = sr_tensor_count(pos);
  if (!sr_strings_check(in->data, in->bytes, n, why, sizeof why))
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "input 0 (tensor %d): %s", in->index, why);
  size_t payload = 0;
  for (size_t i = 0; i < count; i++) {
    int64_t v = sr_layout_index(pos, i);
    const char* s;
    size_t len;
    if (v < 0 || (uint64_t)v >= n)
      return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "input 1 (tensor %d): index %lld at position %zu is out of "
                          "range [0, %zu) for axis of input 0 (tensor %d)", pos->index, (long long)v, i, n, in->index);
    sr_strings_get(in, (size_t)v, &s, &len);
    if (!sr_add_size(payload, len, &payload))
      return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "the %zu gathered strings are too large", count);
  }
  sr_strings_writer w;
  sigrun_status st = sr_strings_begin(node, 0, pos->rank, pos->dims, payload, &w);
  for (size_t i = 0; !st && i < count; i++) {
    const char* s;
    size_t len;
    sr_strings_get(in, (size_t)sr_layout_index(pos, i), &s, &len);
    sr_strings_put(&w, s, len);
  }
  return st;
}

static sigrun_status gather_prepare(sr_node* node) {
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  sr_tensor *in, *pos;
  if (st || (st = sr_node_input(node, 0, &in)) || (st = sr_node_input(node, 1, &pos))) return st;
  if (in->type == SIGRUN_TYPE_STRING) return gather_strings_prepare(node, in, pos);
  if ((st = sr_layout_check_io_types(node, SR_TYPES_DATA)) ||
      (st = sr_layout_check_index_type(node, pos, "input 1 (indices)", SR_IDX_I16 | SR_IDX_I32 | SR_IDX_I64)))
    return st;
  int axis = 0, batch_dims = 0;
  if ((st = gather_axes(node, in, pos, &axis, &batch_dims))) return st;
  int32_t dims[2 * SR_MAX_RANK];
  int rank = 0;
  for (int i = 0; i < axis; i++) dims[rank++] = in->dims[i];
  for (int i = batch_dims; i < pos->rank; i++) dims[rank++] = pos->dims[i];
  for (int i = axis + 1; i < in->rank; i++) dims[rank++] = in->dims[i];
  gather_data* data = sr_node_alloc_data(node, sizeof *data);
  if (!data) return SIGRUN_STATUS_NO_MEMORY;
  data->batches = product(in->dims, 0, batch_dims);
  data->outer = product(in->dims, batch_dims, axis);
  data->axis_size = (size_t)in->dims[axis];
  data->coords = product(pos->dims, batch_dims, pos->rank);
  data->inner_bytes = product(in->dims, axis + 1, in->rank) * sigrun_type_size(in->type);
  return sr_node_resize_output(node, 0, rank, dims);
}

static sigrun_status gather_eval(sr_node* node) {
  const gather_data* d = node->data;
  const sr_tensor *in = node->inputs[0], *pos = node->inputs[1];
  if (in->type == SIGRUN_TYPE_STRING) return gather_strings_eval(node);
  size_t bad = sr_bytes_gather__ref(in->data, pos->data, sigrun_type_size(pos->type), d->batches, d->outer,
                                    d->axis_size, d->coords, d->inner_bytes, node->outputs[0]->data);
  if (bad == SIZE_MAX) return SIGRUN_STATUS_OK;
  return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "input 1 (tensor %d): index %lld at position %zu is out of "
                      "range [0, %zu) for axis of input 0 (tensor %d)", pos->index,
                      (long long)sr_layout_index(pos, bad), bad, d->axis_size, in->index);
}

const sr_op_kind sr_op_gather = {"GATHER", 36, gather_parse, gather_prepare, gather_eval};

/* ---- GATHER_ND ---- */

static sigrun_status no_options(sr_parse_ctx* ctx, int type, const void** out) {
  *out = NULL;
  return sr_parse_expect_options(ctx, type, 1);
}

static sigrun_status gather_nd_parse(sr_parse_ctx* ctx, const void** out) {
  return no_options(ctx, SR_OPTIONS_GATHER_ND, out);
}

static const char* shape_of(const sr_tensor* t, char* buf, size_t size) {
  return sr_shape_str(t->dims, t->rank, buf, size);
}

static sigrun_status gather_nd_prepare(sr_node* node) {
  char a[128], b[128];
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  sr_tensor *in, *idx;
  if (st || (st = sr_node_input(node, 0, &in)) || (st = sr_node_input(node, 1, &idx))) return st;
  if ((st = sr_layout_check_io_types(node, SR_TYPES_DATA)) ||
      (st = sr_layout_check_index_type(node, idx, "input 1 (indices)", SR_IDX_I16 | SR_IDX_I32 | SR_IDX_I64)))
    return st;
  if (in->rank < 1 || idx->rank < 1 || idx->dims[idx->rank - 1] > in->rank)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 has shape %s and input 1 (indices) %s; both need "
                        "rank >= 1 and the indices' last dimension at most input 0's rank",
                        shape_of(in, a, sizeof a), shape_of(idx, b, sizeof b));
  const int nd = idx->dims[idx->rank - 1];
  int32_t dims[2 * SR_MAX_RANK];
  int rank = 0;
  for (int i = 0; i < idx->rank - 1; i++) dims[rank++] = idx->dims[i];
  for (int i = nd; i < in->rank; i++) dims[rank++] = in->dims[i];
  return sr_node_resize_output(node, 0, rank, dims);
}

/* Element offset in `shape` of the index tuple idx[pos*nd .. pos*nd+nd), or -1 if a coordinate is outside. */
static int64_t tuple_offset(const sr_tensor* idx, size_t pos, int nd, const int32_t* shape, const int64_t* strides) {
  int64_t off = 0;
  for (int j = 0; j < nd; j++) {
    int64_t v = sr_layout_index(idx, pos * (size_t)nd + (size_t)j);
    if (v < 0 || v >= shape[j]) return -1;
    off += v * strides[j];
  }
  return off;
}

static sigrun_status index_fail(sr_node* node, int input, size_t pos, int nd, const int32_t* dims, int rank) {
  char a[128];
  return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "input %d (tensor %d): index tuple %zu (from element %zu) is out "
                      "of range for shape %s", input, node->inputs[input]->index, pos, pos * (size_t)nd,
                      sr_shape_str(dims, rank, a, sizeof a));
}

static sigrun_status gather_nd_eval(sr_node* node) {
  const sr_tensor *in = node->inputs[0], *idx = node->inputs[1];
  sr_tensor* out = node->outputs[0];
  const int nd = idx->dims[idx->rank - 1];
  const size_t esz = sigrun_type_size(in->type);
  size_t n = 1, slice = esz;
  for (int i = 0; i < idx->rank - 1; i++) n *= (size_t)idx->dims[i];
  for (int i = nd; i < in->rank; i++) slice *= (size_t)in->dims[i];
  int64_t strides[SR_MAX_RANK];
  sr_layout_strides(in->dims, in->rank, strides);
  for (size_t i = 0; i < n; i++) {
    int64_t off = tuple_offset(idx, i, nd, in->dims, strides);
    if (off < 0) return index_fail(node, 1, i, nd, in->dims, in->rank);
    if (slice) memcpy((uint8_t*)out->data + i * slice, (const uint8_t*)in->data + (size_t)off * esz, slice);
  }
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_gather_nd = {"GATHER_ND", 107, gather_nd_parse, gather_nd_prepare, gather_nd_eval};

/* ---- SCATTER_ND ---- */

static sigrun_status scatter_nd_parse(sr_parse_ctx* ctx, const void** out) {
  return no_options(ctx, SR_OPTIONS_SCATTER_ND, out);
}

#define SR_TYPES_SCATTER                                                                                   \
  (SR_TYPE_BIT(SIGRUN_TYPE_FLOAT32) | SR_TYPE_BIT(SIGRUN_TYPE_INT8) | SR_TYPE_BIT(SIGRUN_TYPE_UINT8) |     \
   SR_TYPE_BIT(SIGRUN_TYPE_INT32) | SR_TYPE_BIT(SIGRUN_TYPE_INT64) | SR_TYPE_BIT(SIGRUN_TYPE_BOOL))

typedef struct scatter_data {
  int dynamic;
} scatter_data;

/* The output shape from input 2, checked against the indices and updates as LiteRT's CheckShapes does:
 * updates = indices.shape[:-1] + shape[indices.shape[-1]:]. */
static sigrun_status scatter_resolve(sr_node* node, sigrun_status fail) {
  char a[128], b[128], c[128];
  const sr_tensor *idx = node->inputs[0], *upd = node->inputs[1], *shape = node->inputs[2];
  int32_t dims[SR_MAX_RANK];
  const int rank = shape->dims[0], outer = idx->rank - 1, ix = idx->dims[outer];
  for (int i = 0; i < rank; i++) {
    int64_t v = sr_layout_index(shape, (size_t)i);
    if (v < 0 || v > INT32_MAX)
      return sr_node_fail(node, fail, "input 2 (tensor %d): shape[%d] = %lld is not a valid dimension", shape->index,
                          i, (long long)v);
    dims[i] = (int32_t)v;
  }
  int ok = upd->rank >= outer && ix <= rank && upd->rank - outer == rank - ix;
  for (int i = 0; ok && i < outer; i++) ok = idx->dims[i] == upd->dims[i];
  for (int i = 0; ok && i + outer < upd->rank; i++) ok = upd->dims[i + outer] == dims[ix + i];
  if (!ok)
    return sr_node_fail(node, fail, "indices %s, updates %s and output shape %s do not fit: updates must have shape "
                        "indices.shape[:-1] + shape[indices.shape[-1]:]", shape_of(idx, a, sizeof a),
                        shape_of(upd, b, sizeof b), sr_shape_str(dims, rank, c, sizeof c));
  return sr_node_resize_output(node, 0, rank, dims);
}

static sigrun_status scatter_nd_prepare(sr_node* node) {
  char a[128];
  sigrun_status st = sr_node_check_io(node, 3, 3, 1);
  sr_tensor *idx, *upd, *shape;
  if (st || (st = sr_node_input(node, 0, &idx)) || (st = sr_node_input(node, 1, &upd)) ||
      (st = sr_node_input(node, 2, &shape)))
    return st;
  if ((st = sr_layout_check_types(node, upd, "input 1 (updates)", SR_TYPES_SCATTER)) ||
      (st = sr_node_check_type(node, node->outputs[0], "output 0", upd->type)) ||
      (st = sr_layout_check_index_type(node, idx, "input 0 (indices)", SR_IDX_I32 | SR_IDX_I64)) ||
      (st = sr_node_check_type(node, shape, "input 2 (shape)", idx->type)))
    return st;
  if (idx->rank < 1 || upd->rank < 1 || shape->rank != 1 || shape->dims[0] > SR_MAX_RANK)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "indices and updates need rank >= 1 and input 2 (shape) a "
                        "vector of at most %d dimensions; input 2 has shape %s", SR_MAX_RANK,
                        shape_of(shape, a, sizeof a));
  scatter_data* data = sr_node_alloc_data(node, sizeof *data);
  if (!data) return SIGRUN_STATUS_NO_MEMORY;
  data->dynamic = !sr_tensor_is_const(shape);
  if (data->dynamic) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  return scatter_resolve(node, SIGRUN_STATUS_BAD_MODEL);
}

/* out[off + j] += upd[j] for one slice; integers wrap as LiteRT's do, bools combine with OR. */
static void scatter_add(sigrun_type type, void* out, size_t off, const void* upd, size_t upd_off, size_t n) {
  for (size_t j = 0; j < n; j++) {
    const size_t o = off + j, u = upd_off + j;
    switch (type) {
      case SIGRUN_TYPE_FLOAT32: ((float*)out)[o] += ((const float*)upd)[u]; break;
      case SIGRUN_TYPE_INT8:
      case SIGRUN_TYPE_UINT8: ((uint8_t*)out)[o] = (uint8_t)(((uint8_t*)out)[o] + ((const uint8_t*)upd)[u]); break;
      case SIGRUN_TYPE_INT32: {
        uint32_t v = (uint32_t)((int32_t*)out)[o] + (uint32_t)((const int32_t*)upd)[u];
        memcpy((int32_t*)out + o, &v, 4);
        break;
      }
      case SIGRUN_TYPE_INT64: {
        uint64_t v = (uint64_t)((int64_t*)out)[o] + (uint64_t)((const int64_t*)upd)[u];
        memcpy((int64_t*)out + o, &v, 8);
        break;
      }
      default: ((uint8_t*)out)[o] = (uint8_t)(((uint8_t*)out)[o] | ((const uint8_t*)upd)[u]); break;
    }
  }
}

static sigrun_status scatter_nd_eval(sr_node* node) {
  const sr_tensor *idx = node->inputs[0], *upd = node->inputs[1];
  sr_tensor* out = node->outputs[0];
  const scatter_data* data = node->data;
  sigrun_status st;
  if (data->dynamic && (st = scatter_resolve(node, SIGRUN_STATUS_RUNTIME))) return st;
  const int nd = idx->dims[idx->rank - 1];
  size_t n = 1, slice = 1;
  for (int i = 0; i < idx->rank - 1; i++) n *= (size_t)idx->dims[i];
  for (int i = nd; i < out->rank; i++) slice *= (size_t)out->dims[i];
  memset(out->data, 0, sr_tensor_count(out) * sigrun_type_size(out->type));
  int64_t strides[SR_MAX_RANK];
  sr_layout_strides(out->dims, out->rank, strides);
  for (size_t i = 0; i < n; i++) {
    int64_t off = tuple_offset(idx, i, nd, out->dims, strides);
    if (off < 0) return index_fail(node, 0, i, nd, out->dims, out->rank);
    scatter_add(out->type, out->data, (size_t)off, upd->data, i * slice, slice);
  }
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_scatter_nd = {"SCATTER_ND", 122, scatter_nd_parse, scatter_nd_prepare, scatter_nd_eval};

/* ---- EMBEDDING_LOOKUP ---- */

typedef struct embedding_data {
  int hybrid; /* 8-bit table, float output: dequantize */
  int per_row;
} embedding_data;

/* LiteRT's hybrid rule: a per-tensor scale or one per row (quantized dimension 0), zero points of 0. */
static sigrun_status embedding_check_quant(sr_node* node, const sr_tensor* value, int* per_row) {
  const sr_quant* q = &value->def->quant;
  const int rows = value->dims[0];
  if (q->count <= 1) {
    float scale;
    int32_t zp;
    sigrun_status st = sr_quant_params(node, value, "input 1 (value)", &scale, &zp);
    if (st) return st;
    if (zp != 0)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 1 (tensor %d): zero point %d; hybrid embedding "
                          "lookup needs symmetric weights (zero point 0)", value->index, zp);
    *per_row = 0;
    return SIGRUN_STATUS_OK;
  }
  if (q->count != rows || q->quantized_dimension != 0)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 1 (tensor %d): %d scales along dimension %d, expected "
                        "1 or %d along dimension 0", value->index, q->count, q->quantized_dimension, rows);
  for (int r = 0; r < rows; r++) {
    if (!(q->scales[r] > 0.0f) || !isfinite(q->scales[r]))
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 1 (tensor %d): scale %d is %g, not a positive finite "
                          "number", value->index, r, (double)q->scales[r]);
    if (q->zero_points && q->zero_points[r] != 0)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 1 (tensor %d): zero point %d is %lld; hybrid "
                          "embedding lookup needs zero points of 0", value->index, r, (long long)q->zero_points[r]);
  }
  *per_row = 1;
  return SIGRUN_STATUS_OK;
}

static sigrun_status embedding_prepare(sr_node* node) {
  char a[128], b[128];
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  sr_tensor *ids, *value, *out = node->outputs[0];
  if (st || (st = sr_node_input(node, 0, &ids)) || (st = sr_node_input(node, 1, &value))) return st;
  if ((st = sr_node_check_type(node, ids, "input 0 (ids)", SIGRUN_TYPE_INT32))) return st;
  if (ids->rank != 1 || value->rank < 2)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (ids) has shape %s and input 1 (value) %s; expected "
                        "a vector and a table of rank >= 2", shape_of(ids, a, sizeof a), shape_of(value, b, sizeof b));
  embedding_data* data = sr_node_alloc_data(node, sizeof *data);
  if (!data) return SIGRUN_STATUS_NO_MEMORY;
  data->hybrid = (value->type == SIGRUN_TYPE_INT8 || value->type == SIGRUN_TYPE_UINT8) &&
                 out->type == SIGRUN_TYPE_FLOAT32;
  if (data->hybrid) {
    if ((st = embedding_check_quant(node, value, &data->per_row))) return st;
  } else if ((st = sr_layout_check_types(node, value, "input 1 (value)", SR_TYPES_ANY)) ||
             (st = sr_node_check_type(node, out, "output 0", value->type))) {
    return st;
  }
  int32_t dims[SR_MAX_RANK];
  memcpy(dims, value->dims, sizeof(int32_t) * (size_t)value->rank);
  dims[0] = ids->dims[0];
  return sr_node_resize_output(node, 0, value->rank, dims);
}

/* Hybrid rows: LiteRT reads the table as int8 whatever its type (uint8 bytes >= 128 become negative) and
 * scales by the row's or the tensor's scale. */
static void sr_i8_embedding_row__ref(const int8_t* row, size_t n, float scale, float* out) {
  for (size_t j = 0; j < n; j++) out[j] = (float)row[j] * scale;
}

static sigrun_status embedding_eval(sr_node* node) {
  const embedding_data* data = node->data;
  const sr_tensor *ids = node->inputs[0], *value = node->inputs[1];
  sr_tensor* out = node->outputs[0];
  const int32_t rows = value->dims[0];
  size_t row_elems = 1;
  for (int i = 1; i < value->rank; i++) row_elems *= (size_t)value->dims[i];
  const size_t row_bytes = row_elems * sigrun_type_size(value->type);
  const float* scales = value->def->quant.scales;
  for (int32_t i = 0; i < ids->dims[0]; i++) {
    int32_t r = ((const int32_t*)ids->data)[i];
    if (r < 0 || r >= rows)
      return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "input 0 (tensor %d): id %d at position %d is out of range "
                          "[0, %d)", ids->index, r, i, rows);
    if (row_elems == 0) continue;
    const uint8_t* src = (const uint8_t*)value->data + (size_t)r * row_bytes;
    if (data->hybrid)
      sr_i8_embedding_row__ref((const int8_t*)src, row_elems, scales[data->per_row ? r : 0],
                               (float*)out->data + (size_t)i * row_elems);
    else
      memcpy((uint8_t*)out->data + (size_t)i * row_bytes, src, row_bytes);
  }
  return SIGRUN_STATUS_OK;
}

/* LiteRT's EMBEDDING_LOOKUP has no options table, so parse is NULL. */
const sr_op_kind sr_op_embedding_lookup = {"EMBEDDING_LOOKUP", 7, NULL, embedding_prepare, embedding_eval};
