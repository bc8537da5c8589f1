/*
 * reshape.c — RESHAPE, SQUEEZE and EXPAND_DIMS: ops that only change the shape, so eval is a copy.
 * RESHAPE takes its shape from input 1 when that is a 1-D int32 tensor and from ReshapeOptions.new_shape
 * otherwise (LiteRT's rule: an int64 or scalar shape tensor falls back to the options, and an empty
 * new_shape or [0] means a scalar); one -1 is inferred, counting zero-sized dimensions as LiteRT does.
 * A non-constant shape or axis tensor makes the output dynamic: its shape is computed in eval. String
 * tensors (always dynamic) are copied whole: their packed buffer does not depend on the shape.
 */
#include "reshape.h"

#include "../core/strings.h"
#include "../format/schema_enums.h"
#include "layout.h"

typedef struct shape_data {
  int dynamic;
} shape_data;

static const char* shape_of(const sr_tensor* t, char* buf, size_t size) {
  return sr_shape_str(t->dims, t->rank, buf, size);
}

/* Common checks: input 0 present with a movable type, the output of the same type; node data allocated. */
static sigrun_status copy_prepare(sr_node* node, int min_inputs, int max_inputs, shape_data** data) {
  sigrun_status st = sr_node_check_io(node, min_inputs, max_inputs, 1);
  if (st || (st = sr_layout_check_io_types(node, SR_TYPES_ANY | SR_TYPE_BIT(SIGRUN_TYPE_STRING)))) return st;
  *data = sr_node_alloc_data(node, sizeof **data);
  return *data ? SIGRUN_STATUS_OK : SIGRUN_STATUS_NO_MEMORY;
}

/* A string tensor's buffer does not depend on its shape: copy it whole under the output's shape. */
static sigrun_status copy_strings(sr_node* node, const sr_tensor* in, const sr_tensor* out) {
  char why[160];
  const size_t count = sr_tensor_count(in);
  if (!sr_strings_check(in->data, in->bytes, count, why, sizeof why))
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "input 0 (tensor %d): %s", in->index, why);
  const size_t header = 4 * (count + 2); /* the check proved it fits in the buffer */
  int32_t dims[SR_MAX_RANK];
  memcpy(dims, out->dims, sizeof dims);
  sr_strings_writer w;
  sigrun_status st = sr_strings_begin(node, 0, out->rank, dims, in->bytes ? in->bytes - header : 0, &w);
  if (!st && in->bytes) memcpy(w.base, in->data, in->bytes);
  return st;
}

static sigrun_status copy_eval(sr_node* node) {
  const sr_tensor* in = node->inputs[0];
  sr_tensor* out = node->outputs[0];
  if (in->type == SIGRUN_TYPE_STRING) return copy_strings(node, in, out);
  size_t bytes = sr_tensor_count(in) * sigrun_type_size(in->type);
  if (bytes > 0 && out->data != in->data) memcpy(out->data, in->data, bytes);
  return SIGRUN_STATUS_OK;
}

/* Reads a vector of at most SR_MAX_RANK int32 values from an options table field. */
static sigrun_status parse_dims(sr_parse_ctx* ctx, int field, const char* what, int32_t* dims, int* count) {
  sr_fb_vec v;
  int rc = sr_fb_vector(ctx->options, field, 4, &v);
  if (rc) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "%s: %s", what, sr_fb_strerror(rc));
  if (v.len > SR_MAX_RANK)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "%s has %u entries, at most %d are supported", what, v.len,
                         SR_MAX_RANK);
  for (uint32_t i = 0; i < v.len; i++) dims[i] = sr_fb_vec_i32(&v, i);
  *count = (int)v.len;
  return SIGRUN_STATUS_OK;
}

/* ---- RESHAPE ---- */

static sigrun_status reshape_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_RESHAPE, 1);
  if (st) return st;
  sr_reshape_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  if (ctx->options && (st = parse_dims(ctx, 0, "ReshapeOptions.new_shape", p->dims, &p->rank))) return st;
  *out = p;
  return SIGRUN_STATUS_OK;
}

static const sr_tensor* reshape_shape_tensor(const sr_node* node) {
  const sr_tensor* t = node->n_inputs == 2 ? node->inputs[1] : NULL;
  return t && t->rank == 1 && t->type == SIGRUN_TYPE_INT32 ? t : NULL;
}

/* a * b for non-negative values, saturating far above any valid element count. */
static int64_t sat_mul(int64_t a, int64_t b) {
  const int64_t cap = (int64_t)1 << 62;
  if (a == 0 || b == 0) return 0;
  return a > cap / b ? cap : a * b;
}

/* Infers the -1 dimension and checks the element count against the input. */
static sigrun_status reshape_infer(sr_node* node, int32_t* dims, int rank, sigrun_status fail) {
  char a[128], b[128];
  const sr_tensor* in = node->inputs[0];
  int64_t in_count = 1, in_nonzero = 1, out_count = 1, out_nonzero = 1;
  for (int i = 0; i < in->rank; i++) {
    in_count = sat_mul(in_count, in->dims[i]);
    if (in->dims[i]) in_nonzero = sat_mul(in_nonzero, in->dims[i]);
  }
  int stretch = -1;
  for (int i = 0; i < rank; i++) {
    if (dims[i] == -1) {
      if (stretch >= 0)
        return sr_node_fail(node, fail, "new shape %s has more than one -1", sr_shape_str(dims, rank, a, sizeof a));
      stretch = i;
      continue;
    }
    if (dims[i] < 0)
      return sr_node_fail(node, fail, "new shape %s has a negative dimension", sr_shape_str(dims, rank, a, sizeof a));
    out_count = sat_mul(out_count, dims[i]);
    if (dims[i]) out_nonzero = sat_mul(out_nonzero, dims[i]);
  }
  if (stretch >= 0) {
    int64_t v = in_count == 0 && out_count != 0 ? 0 : in_nonzero / out_nonzero;
    if (v > INT32_MAX)
      return sr_node_fail(node, fail, "inferred dimension %lld of new shape %s exceeds int32", (long long)v,
                          sr_shape_str(dims, rank, a, sizeof a));
    dims[stretch] = (int32_t)v;
    out_count = sat_mul(out_count, v);
  }
  if (out_count != in_count)
    return sr_node_fail(node, fail, "input 0 has shape %s (%lld elements) but the new shape is %s",
                        shape_of(in, a, sizeof a), (long long)in_count, sr_shape_str(dims, rank, b, sizeof b));
  return SIGRUN_STATUS_OK;
}

static sigrun_status reshape_resize(sr_node* node, sigrun_status fail) {
  static const sr_reshape_params none = {0, {0}};
  const sr_reshape_params* p = node->params ? node->params : &none;
  const sr_tensor* shape = reshape_shape_tensor(node);
  int32_t dims[SR_MAX_RANK];
  int rank;
  if (shape) {
    rank = shape->dims[0];
    if (rank > SR_MAX_RANK)
      return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input 1 (tensor %d) asks for rank %d; sigrun's limit "
                          "is %d", shape->index, rank, SR_MAX_RANK);
    for (int i = 0; i < rank; i++) dims[i] = ((const int32_t*)shape->data)[i];
  } else {
    rank = p->rank == 1 && p->dims[0] == 0 ? 0 : p->rank;
    memcpy(dims, p->dims, sizeof dims);
  }
  sigrun_status st = reshape_infer(node, dims, rank, fail);
  return st ? st : sr_node_resize_output(node, 0, rank, dims);
}

static sigrun_status reshape_prepare(sr_node* node) {
  shape_data* data;
  sigrun_status st = copy_prepare(node, 1, 2, &data);
  if (st) return st;
  const sr_tensor* shape = reshape_shape_tensor(node);
  data->dynamic = shape && !sr_tensor_is_const(shape);
  if (data->dynamic) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  return reshape_resize(node, SIGRUN_STATUS_BAD_MODEL);
}

static sigrun_status reshape_eval(sr_node* node) {
  const shape_data* data = node->data;
  if (data->dynamic) {
    sigrun_status st = reshape_resize(node, SIGRUN_STATUS_RUNTIME);
    if (st) return st;
  }
  return copy_eval(node);
}

const sr_op_kind sr_op_reshape = {"RESHAPE", 22, reshape_parse, reshape_prepare, reshape_eval};

/* ---- SQUEEZE ---- */

static sigrun_status squeeze_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_SQUEEZE, 1);
  if (st) return st;
  sr_squeeze_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  if (ctx->options && (st = parse_dims(ctx, 0, "SqueezeOptions.squeeze_dims", p->dims, &p->count))) return st;
  *out = p;
  return SIGRUN_STATUS_OK;
}

static sigrun_status squeeze_prepare(sr_node* node) {
  static const sr_squeeze_params none = {0, {0}};
  const sr_squeeze_params* p = node->params ? node->params : &none;
  shape_data* data;
  sigrun_status st = copy_prepare(node, 1, 1, &data);
  if (st) return st;
  const sr_tensor* in = node->inputs[0];
  int squeeze[SR_MAX_RANK] = {0};
  for (int i = 0; i < in->rank && p->count == 0; i++) squeeze[i] = in->dims[i] == 1;
  for (int i = 0; i < p->count; i++) {
    char a[128];
    int32_t d = p->dims[i] < 0 ? p->dims[i] + in->rank : p->dims[i];
    if (d < 0 || d >= in->rank || in->dims[d] != 1)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "squeeze_dims[%d] = %d does not name a dimension of size 1 "
                          "in input 0 of shape %s", i, p->dims[i], shape_of(in, a, sizeof a));
    squeeze[d] = 1;
  }
  int32_t dims[SR_MAX_RANK];
  int rank = 0;
  for (int i = 0; i < in->rank; i++)
    if (!squeeze[i]) dims[rank++] = in->dims[i];
  return sr_node_resize_output(node, 0, rank, dims);
}

const sr_op_kind sr_op_squeeze = {"SQUEEZE", 43, squeeze_parse, squeeze_prepare, copy_eval};

/* ---- EXPAND_DIMS ---- */

static sigrun_status expand_dims_parse(sr_parse_ctx* ctx, const void** out) {
  *out = NULL;
  return sr_parse_expect_options(ctx, SR_OPTIONS_EXPAND_DIMS, 1);
}

static sigrun_status expand_dims_resize(sr_node* node, sigrun_status fail) {
  const sr_tensor *in = node->inputs[0], *axis = node->inputs[1];
  int64_t v = sr_layout_index(axis, 0);
  int64_t a = v < 0 ? v + in->rank + 1 : v;
  if (a < 0 || a > in->rank)
    return sr_node_fail(node, fail, "input 1 (tensor %d): axis %lld is out of range [%d, %d] for rank %d",
                        axis->index, (long long)v, -in->rank - 1, in->rank, in->rank);
  int32_t dims[SR_MAX_RANK + 1];
  for (int i = 0, j = 0; i <= in->rank; i++) dims[i] = i == a ? 1 : in->dims[j++];
  return sr_node_resize_output(node, 0, in->rank + 1, dims);
}

static sigrun_status expand_dims_prepare(sr_node* node) {
  char a[128];
  shape_data* data;
  sigrun_status st = copy_prepare(node, 2, 2, &data);
  sr_tensor* axis;
  if (st || (st = sr_node_input(node, 1, &axis))) return st;
  if ((st = sr_layout_check_index_type(node, axis, "input 1 (axis)", SR_IDX_I32 | SR_IDX_I64))) return st;
  if (sr_tensor_count(axis) != 1)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 1 (tensor %d) has shape %s, expected one element",
                        axis->index, shape_of(axis, a, sizeof a));
  data->dynamic = !sr_tensor_is_const(axis);
  if (data->dynamic) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  return expand_dims_resize(node, SIGRUN_STATUS_BAD_MODEL);
}

static sigrun_status expand_dims_eval(sr_node* node) {
  const shape_data* data = node->data;
  if (data->dynamic) {
    sigrun_status st = expand_dims_resize(node, SIGRUN_STATUS_RUNTIME);
    if (st) return st;
  }
  return copy_eval(node);
}

const sr_op_kind sr_op_expand_dims = {"EXPAND_DIMS", 70, expand_dims_parse, expand_dims_prepare, expand_dims_eval};
