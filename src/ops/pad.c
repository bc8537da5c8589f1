/*
 * pad.c — PAD, PADV2 and MIRROR_PAD. Paddings are validated in prepare when constant and in eval otherwise
 * (the output is then dynamic). PAD and PADV2 fill quantized tensors with the output zero point (PADV2's
 * value must share the input's quantization, as in LiteRT); MIRROR_PAD reflects (edge excluded) or mirrors
 * symmetrically (edge repeated) and moves any element type by size. The fast PAD writes each output row once
 * (fill, input row, fill), rows split over threads.
 */
#include "layout.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>

#include "../core/parallel.h"
#include "../format/schema_enums.h"
#include "quant.h"

static const char* shape_of(const sr_tensor* t, char* buf, size_t size) {
  return sr_shape_str(t->dims, t->rank, buf, size);
}

/* LiteRT's per-tensor view of a tensor's quantization: the first scale and zero point, 0 when absent. */
static void first_quant(const sr_tensor* t, float* scale, int64_t* zero_point) {
  const sr_quant* q = &t->def->quant;
  *scale = q->count > 0 && q->scales ? q->scales[0] : 0.0f;
  *zero_point = q->count > 0 && q->zero_points ? q->zero_points[0] : 0;
}

static int is_small_int(sigrun_type type) {
  return type == SIGRUN_TYPE_INT8 || type == SIGRUN_TYPE_UINT8 || type == SIGRUN_TYPE_INT16;
}

/* ---- PAD, PADV2 and MIRROR_PAD ---- */

static sigrun_status pad_parse(sr_parse_ctx* ctx, const void** out) {
  *out = NULL;
  return sr_parse_expect_options(ctx, SR_OPTIONS_PAD, 1);
}

static sigrun_status padv2_parse(sr_parse_ctx* ctx, const void** out) {
  *out = NULL;
  return sr_parse_expect_options(ctx, SR_OPTIONS_PAD_V2, 1);
}

typedef struct pad_data {
  int dynamic;
  int fast; /* PAD/PADV2: sr_bytes_pad__fast (node->isa != 0) */
  int offset; /* MIRROR_PAD: how far pads may reach (1 for REFLECT, 0 for SYMMETRIC); -1 for PAD */
  int32_t left[SR_MAX_RANK];
} pad_data;

/* Reads [rank, 2] paddings into left pads and the output shape; mirror pads also need pad <= dim - offset. */
static sigrun_status pad_resolve(sr_node* node, const sr_tensor* in, const sr_tensor* paddings, int offset,
                                 int32_t* left, int32_t* out_dims, sigrun_status fail) {
  for (int d = 0; d < in->rank; d++) {
    int64_t l = sr_layout_index(paddings, 2 * (size_t)d), r = sr_layout_index(paddings, 2 * (size_t)d + 1);
    if (l < 0 || r < 0)
      return sr_node_fail(node, fail, "input 1 (tensor %d): paddings of dimension %d are [%lld, %lld]; they must "
                          "be >= 0", paddings->index, d, (long long)l, (long long)r);
    if (offset >= 0 && (l > in->dims[d] - offset || r > in->dims[d] - offset))
      return sr_node_fail(node, fail, "input 1 (tensor %d): paddings [%lld, %lld] of dimension %d exceed its size %d "
                          "minus %d (%s mode)", paddings->index, (long long)l, (long long)r, d, in->dims[d], offset,
                          offset ? "REFLECT" : "SYMMETRIC");
    if (l > INT32_MAX || r > INT32_MAX || (int64_t)in->dims[d] + l + r > INT32_MAX)
      return sr_node_fail(node, fail, "input 1 (tensor %d): padding dimension %d of size %d by [%lld, %lld] "
                          "overflows int32", paddings->index, d, in->dims[d], (long long)l, (long long)r);
    left[d] = (int32_t)l;
    out_dims[d] = (int32_t)(in->dims[d] + l + r);
  }
  return SIGRUN_STATUS_OK;
}

/* LiteRT pads quantized tensors (uint8 always, int8/int16 when the input is quantized) with the output zero
 * point, and takes a constant value for them only if it is quantized like the output. */
static int pad_is_quantized(const sr_tensor* in) {
  return in->type == SIGRUN_TYPE_UINT8 || (is_small_int(in->type) && in->def->quant.count > 0);
}

static sigrun_status pad_check_value(sr_node* node, const sr_tensor* in, const sr_tensor* value) {
  char a[128];
  const sr_tensor* out = node->outputs[0];
  float s;
  int64_t zp;
  if (value) {
    sigrun_status st = sr_node_check_type(node, value, "input 2 (constant value)", in->type);
    if (st) return st;
    if (sr_tensor_count(value) != 1)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 2 (tensor %d) has shape %s, expected one element",
                          value->index, shape_of(value, a, sizeof a));
    if (pad_is_quantized(in) && !sr_layout_same_quant(value, out))
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 2 (tensor %d): the constant value must be quantized "
                          "like the output (same scale and zero point)", value->index);
    return SIGRUN_STATUS_OK;
  }
  first_quant(out, &s, &zp);
  int32_t lo, hi;
  if (pad_is_quantized(in) && sr_quant_type_range(in->type, &lo, &hi) && (zp < lo || zp > hi))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output zero point %lld is outside the %s range",
                        (long long)zp, sigrun_type_name(in->type));
  return SIGRUN_STATUS_OK;
}

static sigrun_status pad_check_inputs(sr_node* node, sr_tensor* in, sr_tensor* paddings, sr_tensor* value,
                                      uint32_t types) {
  char a[128], b[128];
  sigrun_status st;
  if ((st = sr_layout_check_io_types(node, types)) ||
      (st = sr_layout_check_index_type(node, paddings, "input 1 (paddings)", SR_IDX_I32 | SR_IDX_I64)))
    return st;
  if (paddings->rank != 2 || paddings->dims[0] != in->rank || paddings->dims[1] != 2)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 1 (tensor %d) has shape %s, expected [%d,2] for "
                        "input 0 of shape %s", paddings->index, shape_of(paddings, a, sizeof a), in->rank,
                        shape_of(in, b, sizeof b));
  return pad_check_value(node, in, value);
}

/* Shared prepare of PAD/PADV2 (offset -1) and MIRROR_PAD (offset 1 or 0). */
static sigrun_status pad_prepare_common(sr_node* node, int max_inputs, int offset, uint32_t types) {
  sigrun_status st = sr_node_check_io(node, 2, max_inputs, 1);
  sr_tensor *in, *paddings;
  if (st || (st = sr_node_input(node, 0, &in)) || (st = sr_node_input(node, 1, &paddings))) return st;
  sr_tensor* value = node->n_inputs == 3 ? node->inputs[2] : NULL;
  if ((st = pad_check_inputs(node, in, paddings, value, types))) return st;
  pad_data* data = sr_node_alloc_data(node, sizeof *data);
  if (!data) return SIGRUN_STATUS_NO_MEMORY;
  data->offset = offset;
  data->fast = offset < 0 && node->isa != 0;
  data->dynamic = !sr_tensor_is_const(paddings);
  if (data->dynamic) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  int32_t dims[SR_MAX_RANK];
  if ((st = pad_resolve(node, in, paddings, offset, data->left, dims, SIGRUN_STATUS_BAD_MODEL))) return st;
  return sr_node_resize_output(node, 0, in->rank, dims);
}

static sigrun_status pad_prepare(sr_node* node) { return pad_prepare_common(node, 3, -1, SR_TYPES_DATA); }

/* The value padding is filled with: the constant input if any, else the output zero point when quantized. */
static void pad_value(const sr_node* node, size_t esz, uint8_t* value) {
  const sr_tensor* v = node->n_inputs == 3 ? node->inputs[2] : NULL;
  memset(value, 0, 8);
  if (v) {
    memcpy(value, v->data, esz);
    return;
  }
  float s;
  int64_t zp;
  first_quant(node->outputs[0], &s, &zp);
  if (!pad_is_quantized(node->inputs[0])) return;
  if (esz == 1) {
    uint8_t b = (uint8_t)(zp & 0xff);
    memcpy(value, &b, 1);
  } else {
    int16_t h = (int16_t)zp;
    memcpy(value, &h, 2);
  }
}

void sr_bytes_pad__ref(size_t esz, const void* in, const int32_t* in_dims, int rank, const int32_t* left,
                       const int32_t* out_dims, const void* value, void* out) {
  size_t out_count = 1, in_count = 1;
  for (int d = 0; d < rank; d++) {
    out_count *= (size_t)out_dims[d];
    in_count *= (size_t)in_dims[d];
  }
  uint8_t* o = out;
  for (size_t i = 0; i < out_count; i++) memcpy(o + i * esz, value, esz);
  if (in_count == 0 || out_count == 0) return;
  if (rank == 0) {
    memcpy(out, in, esz);
    return;
  }
  int64_t ostr[SR_MAX_RANK];
  sr_layout_strides(out_dims, rank, ostr);
  const size_t row = (size_t)in_dims[rank - 1] * esz;
  const uint8_t* src = in;
  int32_t k[SR_MAX_RANK] = {0};
  for (;;) {
    int64_t off = left[rank - 1];
    for (int d = 0; d < rank - 1; d++) off += (int64_t)(k[d] + left[d]) * ostr[d];
    memcpy(o + (size_t)off * esz, src, row);
    src += row;
    int d = rank - 2;
    for (; d >= 0; d--) {
      if (++k[d] < in_dims[d]) break;
      k[d] = 0;
    }
    if (d < 0) return;
  }
}

/* Fills count elements of esz bytes with value: memset when the value is one repeated byte (zero, most often),
 * else a typed loop the compiler vectorizes; the reference copies element by element. */
static void fill_value(void* out, size_t count, size_t esz, const uint8_t* value) {
  int one_byte = 1;
  for (size_t i = 1; i < esz; i++) one_byte &= value[i] == value[0];
  if (one_byte) {
    memset(out, value[0], count * esz);
    return;
  }
  if (esz == 2 || esz == 4 || esz == 8) {
    uint16_t v2;
    uint32_t v4;
    uint64_t v8;
    memcpy(&v2, value, 2), memcpy(&v4, value, 4), memcpy(&v8, value, 8);
    if (esz == 2)
      for (uint16_t *o = out, *e = o + count; o < e; o++) *o = v2;
    else if (esz == 4)
      for (uint32_t *o = out, *e = o + count; o < e; o++) *o = v4;
    else
      for (uint64_t *o = out, *e = o + count; o < e; o++) *o = v8;
    return;
  }
  for (size_t i = 0; i < count; i++) memcpy((uint8_t*)out + i * esz, value, esz);
}

typedef struct pad_job {
  size_t esz;
  const uint8_t* in;
  const int32_t *in_dims, *left, *out_dims;
  int rank;
  const uint8_t* value;
  uint8_t* out;
  int64_t istr[SR_MAX_RANK];
} pad_job;

/* Output rows [begin, end) (a row: all of the last dimension): the fill value around a copy of the input row the
 * row's index maps to, or the value alone when it maps to none. Each output byte is written once. */
static void pad_rows(void* ctx, size_t begin, size_t end) {
  const pad_job* j = ctx;
  const int last = j->rank - 1;
  const size_t lead = (size_t)j->left[last], len = (size_t)j->in_dims[last], width = (size_t)j->out_dims[last];
  const size_t row_bytes = width * j->esz;
  int32_t k[SR_MAX_RANK] = {0};
  for (size_t r = begin, d = (size_t)last; d-- > 0;) { /* begin's index in the output's leading dimensions */
    k[d] = (int32_t)(r % (size_t)j->out_dims[d]);
    r /= (size_t)j->out_dims[d];
  }
  for (size_t r = begin; r < end; r++) {
    uint8_t* o = j->out + r * row_bytes;
    int64_t src = 0;
    int inside = 1;
    for (int d = 0; d < last && inside; d++) {
      const int64_t i = (int64_t)k[d] - j->left[d];
      inside = i >= 0 && i < j->in_dims[d];
      src += i * j->istr[d];
    }
    if (inside) {
      fill_value(o, lead, j->esz, j->value);
      memcpy(o + lead * j->esz, j->in + (size_t)src * j->esz, len * j->esz);
      fill_value(o + (lead + len) * j->esz, width - lead - len, j->esz, j->value);
    } else {
      fill_value(o, width, j->esz, j->value);
    }
    for (int d = last - 1; d >= 0 && ++k[d] == j->out_dims[d]; d--) k[d] = 0;
  }
}

/* sr_bytes_pad__ref in one pass over output rows, split over the node's threads (node NULL: the calling thread):
 * the same bytes. */
static void sr_bytes_pad__fast(const sr_node* node, size_t esz, const void* in, const int32_t* in_dims, int rank,
                               const int32_t* left, const int32_t* out_dims, const uint8_t* value, void* out) {
  size_t out_count = 1, in_count = 1;
  for (int d = 0; d < rank; d++) {
    out_count *= (size_t)out_dims[d];
    in_count *= (size_t)in_dims[d];
  }
  if (in_count == 0 || out_count == 0 || rank == 0) {
    sr_bytes_pad__ref(esz, in, in_dims, rank, left, out_dims, value, out);
    return;
  }
  pad_job j = {esz, in, in_dims, left, out_dims, rank, value, out, {0}};
  sr_layout_strides(in_dims, rank, j.istr);
  const size_t width = (size_t)out_dims[rank - 1];
  /* a row's work: its bytes over 4 (moving memory is about as cheap per float as a multiply-add) */
  sr_parallel_for(node, out_count / width, sr_parallel_grain(width * esz / 4), pad_rows, &j);
}

/* Source index along one dimension for output index k (see sr_bytes_mirror_pad__ref). */
static int64_t mirror_index(int64_t k, int32_t left, int32_t dim, int offset) {
  if (k < left) return left - 1 - k + offset;
  k -= left;
  if (k < dim) return k;
  return dim - 1 - offset - (k - dim);
}

void sr_bytes_mirror_pad__ref(size_t esz, const void* in, const int32_t* in_dims, int rank, const int32_t* left,
                              const int32_t* out_dims, int offset, void* out) {
  size_t out_count = 1;
  for (int d = 0; d < rank; d++) out_count *= (size_t)out_dims[d];
  if (out_count == 0) return;
  int64_t istr[SR_MAX_RANK];
  sr_layout_strides(in_dims, rank, istr);
  const uint8_t* src = in;
  uint8_t* dst = out;
  int32_t k[SR_MAX_RANK] = {0};
  for (size_t i = 0; i < out_count; i++) {
    int64_t off = 0;
    for (int d = 0; d < rank; d++) off += mirror_index(k[d], left[d], in_dims[d], offset) * istr[d];
    memcpy(dst, src + (size_t)off * esz, esz);
    dst += esz;
    for (int d = rank - 1; d >= 0 && ++k[d] == out_dims[d]; d--) k[d] = 0;
  }
}

static sigrun_status pad_eval(sr_node* node) {
  pad_data* data = node->data;
  sr_tensor *in = node->inputs[0], *out = node->outputs[0];
  if (data->dynamic) {
    int32_t dims[SR_MAX_RANK];
    sigrun_status st = pad_resolve(node, in, node->inputs[1], data->offset, data->left, dims, SIGRUN_STATUS_RUNTIME);
    if (st || (st = sr_node_resize_output(node, 0, in->rank, dims))) return st;
  }
  size_t esz = sigrun_type_size(in->type);
  if (data->offset >= 0) {
    if (sr_tensor_count(in) > 0)
      sr_bytes_mirror_pad__ref(esz, in->data, in->dims, in->rank, data->left, out->dims, data->offset, out->data);
    return SIGRUN_STATUS_OK;
  }
  uint8_t value[8];
  pad_value(node, esz, value);
  if (data->fast)
    sr_bytes_pad__fast(node, esz, in->data, in->dims, in->rank, data->left, out->dims, value, out->data);
  else
    sr_bytes_pad__ref(esz, in->data, in->dims, in->rank, data->left, out->dims, value, out->data);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_pad = {"PAD", 34, pad_parse, pad_prepare, pad_eval};
const sr_op_kind sr_op_padv2 = {"PADV2", 60, padv2_parse, pad_prepare, pad_eval};

static const sr_mirror_pad_params mirror_defaults = {SR_MIRROR_REFLECT};

static sigrun_status mirror_pad_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_MIRROR_PAD, 1);
  if (st) return st;
  sr_mirror_pad_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  *p = mirror_defaults;
  if (ctx->options) {
    int8_t mode = 0;
    int rc = sr_fb_i8(ctx->options, 0, 0, &mode);
    if (rc) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "MirrorPadOptions: %s", sr_fb_strerror(rc));
    if (mode != SR_MIRROR_REFLECT && mode != SR_MIRROR_SYMMETRIC)
      return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "unknown mirror pad mode %d (expected 0 REFLECT or 1 "
                           "SYMMETRIC)", mode);
    p->mode = mode;
  }
  *out = p;
  return SIGRUN_STATUS_OK;
}

static sigrun_status mirror_pad_prepare(sr_node* node) {
  const sr_mirror_pad_params* p = node->params ? node->params : &mirror_defaults;
  return pad_prepare_common(node, 2, p->mode == SR_MIRROR_REFLECT ? 1 : 0, SR_TYPES_ANY);
}

const sr_op_kind sr_op_mirror_pad = {"MIRROR_PAD", 100, mirror_pad_parse, mirror_pad_prepare, pad_eval};
