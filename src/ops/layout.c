/*
 * layout.c — CONCATENATION, TRANSPOSE and REVERSE_V2 (the PAD family is in pad.c), plus the strided-copy
 * kernels and type helpers the other data-movement files share (see layout.h). Semantics follow LiteRT's builtin
 * kernels: shapes and permutations are validated in prepare when their tensors are constant and in eval
 * otherwise (the output is then dynamic). Quantized data keeps its quantization, except that CONCATENATION
 * requantizes 8-bit inputs whose scale or zero point differ from the output's (LiteRT does so for uint8 and
 * rejects int8; sigrun requantizes both).
 */
#include "layout.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>

#include "../core/cpu.h"
#include "../format/schema_enums.h"
#include "quant.h"

/* ---- shared helpers ---- */

void sr_layout_strides(const int32_t* dims, int rank, int64_t* strides) {
  int64_t s = 1;
  for (int i = rank - 1; i >= 0; i--) {
    strides[i] = s;
    s *= dims[i];
  }
}

sigrun_status sr_layout_check_type(sr_node* node, const sr_tensor* t, const char* what) {
  if (sr_layout_type_ok(t->type)) return SIGRUN_STATUS_OK;
  return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "%s (tensor %d) has type %s; supported: " SR_LAYOUT_TYPES,
                      what, t->index, sigrun_type_name(t->type));
}

sigrun_status sr_layout_check_types(sr_node* node, const sr_tensor* t, const char* what, uint32_t allowed) {
  if ((unsigned)t->type < 32 && (allowed & SR_TYPE_BIT(t->type))) return SIGRUN_STATUS_OK;
  char list[256];
  size_t used = 0;
  list[0] = 0;
  for (unsigned k = 0; k < 32 && used < sizeof list; k++)
    if (allowed & (1u << k))
      used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                               sigrun_type_name((sigrun_type)k));
  return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "%s (tensor %d) has type %s; supported: %s", what, t->index,
                      sigrun_type_name(t->type), list);
}

sigrun_status sr_layout_check_io_types(sr_node* node, uint32_t allowed) {
  sr_tensor* in;
  sigrun_status st = sr_node_input(node, 0, &in);
  if (st || (st = sr_layout_check_types(node, in, "input 0", allowed))) return st;
  for (int i = 0; i < node->n_outputs; i++) {
    char what[32];
    snprintf(what, sizeof what, "output %d", i);
    if ((st = sr_node_check_type(node, node->outputs[i], what, in->type))) return st;
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_layout_check_index_type(sr_node* node, const sr_tensor* t, const char* what, int allowed) {
  if ((t->type == SIGRUN_TYPE_INT16 && (allowed & SR_IDX_I16)) ||
      (t->type == SIGRUN_TYPE_INT32 && (allowed & SR_IDX_I32)) ||
      (t->type == SIGRUN_TYPE_INT64 && (allowed & SR_IDX_I64)))
    return SIGRUN_STATUS_OK;
  return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "%s (tensor %d) has type %s; supported: %s%s%s", what,
                      t->index, sigrun_type_name(t->type), (allowed & SR_IDX_I16) ? "int16 " : "",
                      (allowed & SR_IDX_I32) ? "int32 " : "", (allowed & SR_IDX_I64) ? "int64" : "");
}

/* Odometer over all but the innermost loop; the innermost one is a memcpy when contiguous. */
#define SR_STRIDED_COPY(NAME, T)                                                                         \
  void NAME(const void* in_v, void* out_v, int64_t base, int n, const int32_t* counts,                    \
            const int64_t* steps) {                                                                       \
    const T* in = (const T*)in_v;                                                                         \
    T* out = (T*)out_v;                                                                                   \
    if (n > SR_MAX_RANK) return;                                                                          \
    for (int d = 0; d < n; d++)                                                                           \
      if (counts[d] <= 0) return;                                                                         \
    if (n == 0) {                                                                                         \
      out[0] = in[base];                                                                                  \
      return;                                                                                             \
    }                                                                                                     \
    int32_t k[SR_MAX_RANK] = {0};                                                                         \
    const int last = n - 1;                                                                               \
    const int32_t inner = counts[last];                                                                   \
    const int64_t step = steps[last];                                                                     \
    int64_t off = base;                                                                                   \
    for (;;) {                                                                                            \
      if (step == 1) {                                                                                    \
        memcpy(out, in + off, (size_t)inner * sizeof(T));                                                 \
        out += inner;                                                                                     \
      } else {                                                                                            \
        int64_t o = off;                                                                                  \
        for (int32_t i = 0; i < inner; i++, o += step) *out++ = in[o];                                    \
      }                                                                                                   \
      int d = last - 1;                                                                                   \
      for (; d >= 0; d--) {                                                                               \
        off += steps[d];                                                                                  \
        if (++k[d] < counts[d]) break;                                                                    \
        off -= steps[d] * counts[d];                                                                      \
        k[d] = 0;                                                                                         \
      }                                                                                                   \
      if (d < 0) return;                                                                                  \
    }                                                                                                     \
  }

SR_STRIDED_COPY(sr_x8_strided_copy__ref, uint8_t)
SR_STRIDED_COPY(sr_x16_strided_copy__ref, uint16_t)
SR_STRIDED_COPY(sr_x32_strided_copy__ref, uint32_t)
SR_STRIDED_COPY(sr_x64_strided_copy__ref, uint64_t)

sr_strided_copy_fn sr_strided_copy_for_size(size_t element_size) {
  switch (element_size) {
    case 1: return sr_x8_strided_copy__ref;
    case 2: return sr_x16_strided_copy__ref;
    case 4: return sr_x32_strided_copy__ref;
    case 8: return sr_x64_strided_copy__ref;
    default: return NULL;
  }
}

static const char* shape_of(const sr_tensor* t, char* buf, size_t size) {
  return sr_shape_str(t->dims, t->rank, buf, size);
}

/* LiteRT's per-tensor view of a tensor's quantization: the first scale and zero point, 0 when absent. */
static void first_quant(const sr_tensor* t, float* scale, int64_t* zero_point) {
  const sr_quant* q = &t->def->quant;
  *scale = q->count > 0 && q->scales ? q->scales[0] : 0.0f;
  *zero_point = q->count > 0 && q->zero_points ? q->zero_points[0] : 0;
}

int sr_layout_same_quant(const sr_tensor* a, const sr_tensor* b) {
  float sa, sb;
  int64_t za, zb;
  first_quant(a, &sa, &za);
  first_quant(b, &sb, &zb);
  return sa == sb && za == zb;
}

/* ---- CONCATENATION ---- */

static const sr_concatenation_params concat_defaults = {0, SR_ACT_NONE};

static sigrun_status concat_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_CONCATENATION, 1);
  if (st) return st;
  sr_concatenation_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  *p = concat_defaults;
  if (ctx->options) {
    int32_t axis = 0;
    int8_t act = 0;
    int rc = sr_fb_i32(ctx->options, 0, 0, &axis);
    if (!rc) rc = sr_fb_i8(ctx->options, 1, 0, &act);
    if (rc) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "ConcatenationOptions: %s", sr_fb_strerror(rc));
    if (act < SR_ACT_NONE || act > SR_ACT_SIGN_BIT)
      return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "unknown fused activation %d (expected 0..5)", act);
    p->axis = axis;
    p->activation = act;
  }
  *out = p;
  return SIGRUN_STATUS_OK;
}

/* How one 8-bit input reaches the output's quantization: out = round(q * scale + bias) + zero point. */
typedef struct concat_requant {
  int active;
  float scale, bias;
} concat_requant;

typedef struct concat_data {
  int axis;   /* resolved; for rank-0 inputs the output is [n] and axis is 0 */
  int scalars;
  int32_t out_zero_point, lo, hi;
  concat_requant q[]; /* one per input */
} concat_data;

static sigrun_status concat_check_inputs(sr_node* node, const sr_tensor* t0, int axis, int64_t* sum_axis) {
  char a[128], b[128];
  for (int i = 1; i < node->n_inputs; i++) {
    sr_tensor* t;
    sigrun_status st = sr_node_input(node, i, &t);
    if (st) return st;
    if (t->type != t0->type)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input %d (tensor %d) has type %s, expected %s like input 0",
                          i, t->index, sigrun_type_name(t->type), sigrun_type_name(t0->type));
    int ok = t->rank == t0->rank;
    for (int d = 0; ok && d < t0->rank; d++) ok = d == axis || t->dims[d] == t0->dims[d];
    if (!ok)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                          "input %d (tensor %d) has shape %s, incompatible with input 0's %s outside axis %d", i,
                          t->index, shape_of(t, a, sizeof a), shape_of(t0, b, sizeof b), axis);
    if (t0->rank > 0) *sum_axis += t->dims[axis];
  }
  return SIGRUN_STATUS_OK;
}

/* LiteRT copies int16 bytes as they are but insists on zero points of 0; 8-bit inputs quantized unlike the
 * output are requantized in float arithmetic, as LiteRT's ConcatenationWithScaling does for uint8. */
static sigrun_status concat_quant(sr_node* node, concat_data* data) {
  sr_tensor* out = node->outputs[0];
  float s;
  int64_t zp;
  if (out->type == SIGRUN_TYPE_INT16) {
    for (int i = -1; i < node->n_inputs; i++) {
      const sr_tensor* t = i < 0 ? out : node->inputs[i];
      first_quant(t, &s, &zp);
      if (zp != 0)
        return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "tensor %d has zero point %lld; int16 concatenation needs "
                            "zero points of 0", t->index, (long long)zp);
    }
    return SIGRUN_STATUS_OK;
  }
  if (out->type != SIGRUN_TYPE_INT8 && out->type != SIGRUN_TYPE_UINT8) return SIGRUN_STATUS_OK;
  float out_scale = 0.0f, in_scale;
  int32_t out_zp = 0, in_zp;
  sigrun_status st;
  for (int i = 0; i < node->n_inputs; i++) {
    const sr_tensor* t = node->inputs[i];
    char what[32];
    snprintf(what, sizeof what, "input %d", i);
    if (sr_layout_same_quant(t, out)) continue;
    if ((out_scale == 0.0f && (st = sr_quant_params(node, out, "output 0", &out_scale, &out_zp))) ||
        (st = sr_quant_params(node, t, what, &in_scale, &in_zp)))
      return st;
    data->out_zero_point = out_zp;
    data->q[i].active = 1;
    data->q[i].scale = in_scale * (1.0f / out_scale);
    data->q[i].bias = (float)-in_zp * data->q[i].scale;
    if (!isfinite(data->q[i].scale) || !isfinite(data->q[i].bias))
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s (tensor %d): rescaling from scale %g to the output's "
                          "scale %g is not a finite factor", what, t->index, (double)in_scale, (double)out_scale);
  }
  sr_quant_type_range(out->type, &data->lo, &data->hi);
  return SIGRUN_STATUS_OK;
}

static sigrun_status concat_prepare(sr_node* node) {
  const sr_concatenation_params* p = node->params ? node->params : &concat_defaults;
  sigrun_status st = sr_node_check_io(node, 1, INT_MAX, 1);
  sr_tensor* t0;
  if (st || (st = sr_node_input(node, 0, &t0))) return st;
  if ((st = sr_layout_check_io_types(node, SR_TYPES_DATA))) return st;
  if (p->activation != SR_ACT_NONE && t0->type != SIGRUN_TYPE_FLOAT32)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "fused activation %d on type %s; only float32 supports one",
                        p->activation, sigrun_type_name(t0->type));
  size_t bytes;
  if (!sr_mul_size((size_t)node->n_inputs, sizeof(concat_requant), &bytes) ||
      !sr_add_size(bytes, sizeof(concat_data), &bytes))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "too many inputs (%d)", node->n_inputs);
  concat_data* data = sr_node_alloc_data(node, bytes);
  if (!data) return SIGRUN_STATUS_NO_MEMORY;
  int rank = t0->rank;
  int axis = p->axis < 0 ? p->axis + rank : p->axis;
  if (rank == 0) {
    /* LiteRT only concatenates scalars it can fold at prepare time; the result is a vector. */
    for (int i = 0; i < node->n_inputs; i++)
      if (node->inputs[i] && !sr_tensor_is_const(node->inputs[i]))
        return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                            "input %d (tensor %d) is a non-constant scalar; only constant scalars can be "
                            "concatenated", i, node->inputs[i]->index);
    if (axis != 0) return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "axis %d is invalid for scalars", p->axis);
    axis = 0;
  } else if (axis < 0 || axis >= rank) {
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "axis %d is out of range for rank %d", p->axis, rank);
  }
  int64_t sum_axis = rank > 0 ? t0->dims[axis] : 1;
  if ((st = concat_check_inputs(node, t0, axis, &sum_axis)) || (st = concat_quant(node, data))) return st;
  data->axis = axis;
  data->scalars = rank == 0;
  if (rank == 0) {
    int32_t n = node->n_inputs;
    return sr_node_resize_output(node, 0, 1, &n);
  }
  if (sum_axis > INT32_MAX)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "concatenated axis size %lld exceeds int32",
                        (long long)sum_axis);
  int32_t dims[SR_MAX_RANK];
  memcpy(dims, t0->dims, sizeof(int32_t) * (size_t)rank);
  dims[axis] = (int32_t)sum_axis;
  return sr_node_resize_output(node, 0, rank, dims);
}

/* One requantized 8-bit element (LiteRT's float formula: round half away from zero, then clamp). */
static int32_t concat_requant_value(int32_t q, const concat_requant* r, int32_t zp, int32_t lo, int32_t hi) {
  float v = roundf((float)q * r->scale + r->bias);
  /* Huge but finite factors can still give inf - inf; NaN would make the int conversion undefined. */
  if (v != v) v = 0.0f;
  v = v < -1e9f ? -1e9f : (v > 1e9f ? 1e9f : v);
  return sr_clamp_i32((int32_t)v + zp, lo, hi);
}

static void sr_q8_concat_requant__ref(const void* in, void* out, size_t n, int is_signed, const concat_requant* r,
                                      int32_t zp, int32_t lo, int32_t hi) {
  for (size_t j = 0; j < n; j++) {
    if (is_signed)
      ((int8_t*)out)[j] = (int8_t)concat_requant_value(((const int8_t*)in)[j], r, zp, lo, hi);
    else
      ((uint8_t*)out)[j] = (uint8_t)concat_requant_value(((const uint8_t*)in)[j], r, zp, lo, hi);
  }
}

static void sr_bytes_concatenation__ref(sr_tensor* const* inputs, int n, const concat_data* data, size_t outer,
                                        uint8_t* out) {
  const int axis = data->scalars ? 0 : data->axis;
  for (size_t o = 0; o < outer; o++) {
    for (int i = 0; i < n; i++) {
      const sr_tensor* t = inputs[i];
      size_t chunk = sigrun_type_size(t->type);
      for (int d = axis; d < t->rank; d++) chunk *= (size_t)t->dims[d];
      if (chunk == 0) continue;
      const uint8_t* src = (const uint8_t*)t->data + o * chunk;
      if (data->q[i].active)
        sr_q8_concat_requant__ref(src, out, chunk, t->type == SIGRUN_TYPE_INT8, &data->q[i], data->out_zero_point,
                                  data->lo, data->hi);
      else
        memcpy(out, src, chunk);
      out += chunk;
    }
  }
}

static void sr_f32_activation_inplace__ref(float* x, size_t n, int activation) {
  for (size_t i = 0; i < n; i++) x[i] = sr_activation_apply_f32(activation, x[i]);
}

static sigrun_status concat_eval(sr_node* node) {
  const sr_concatenation_params* p = node->params ? node->params : &concat_defaults;
  const concat_data* data = node->data;
  sr_tensor* out = node->outputs[0];
  size_t count = sr_tensor_count(out);
  if (count == 0) return SIGRUN_STATUS_OK;
  size_t outer = 1;
  for (int d = 0; d < data->axis && !data->scalars; d++) outer *= (size_t)out->dims[d];
  sr_bytes_concatenation__ref(node->inputs, node->n_inputs, data, outer, out->data);
  if (p->activation != SR_ACT_NONE) sr_f32_activation_inplace__ref(out->data, count, p->activation);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_concatenation = {"CONCATENATION", 2, concat_parse, concat_prepare, concat_eval};


/* ---- TRANSPOSE ---- */

static sigrun_status transpose_parse(sr_parse_ctx* ctx, const void** out) {
  *out = NULL;
  return sr_parse_expect_options(ctx, SR_OPTIONS_TRANSPOSE, 1);
}

typedef struct transpose_data {
  int dynamic;
  int perm[SR_MAX_RANK];
  sr_strided_copy_fn copy;
} transpose_data;

static sigrun_status transpose_resolve(sr_node* node, const sr_tensor* in, const sr_tensor* perm, int* out_perm,
                                       int32_t* out_dims, sigrun_status fail) {
  unsigned seen = 0;
  for (int i = 0; i < in->rank; i++) {
    int64_t v = sr_layout_index(perm, (size_t)i);
    if (v < -in->rank || v >= in->rank)
      return sr_node_fail(node, fail, "input 1 (tensor %d): perm[%d] = %lld is out of range [%d, %d)", perm->index,
                          i, (long long)v, -in->rank, in->rank);
    int p = (int)(v < 0 ? v + in->rank : v);
    if (seen & (1u << p))
      return sr_node_fail(node, fail, "input 1 (tensor %d): perm[%d] = %lld repeats a dimension; perm must be a "
                          "permutation of [0, %d)", perm->index, i, (long long)v, in->rank);
    seen |= 1u << p;
    out_perm[i] = p;
    out_dims[i] = in->dims[p];
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status transpose_prepare(sr_node* node) {
  char a[128];
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  sr_tensor *in, *perm;
  if (st || (st = sr_node_input(node, 0, &in)) || (st = sr_node_input(node, 1, &perm))) return st;
  if ((st = sr_layout_check_io_types(node, SR_TYPES_ANY)) ||
      (st = sr_layout_check_index_type(node, perm, "input 1 (perm)", SR_IDX_I32 | SR_IDX_I64)))
    return st;
  if (perm->rank != 1 || perm->dims[0] != in->rank)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 1 (tensor %d) has shape %s, expected [%d] (the rank "
                        "of input 0)", perm->index, shape_of(perm, a, sizeof a), in->rank);
  transpose_data* data = sr_node_alloc_data(node, sizeof *data);
  if (!data) return SIGRUN_STATUS_NO_MEMORY;
  data->copy = sr_strided_copy_for_size(sigrun_type_size(in->type));
  if (sigrun_type_size(in->type) == 4 && (node->isa & SR_ISA_AVX2_FMA)) data->copy = sr_x32_strided_copy__avx2;
  data->dynamic = !sr_tensor_is_const(perm);
  if (data->dynamic) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  int32_t dims[SR_MAX_RANK];
  if ((st = transpose_resolve(node, in, perm, data->perm, dims, SIGRUN_STATUS_BAD_MODEL))) return st;
  return sr_node_resize_output(node, 0, in->rank, dims);
}

static sigrun_status transpose_eval(sr_node* node) {
  transpose_data* data = node->data;
  sr_tensor *in = node->inputs[0], *out = node->outputs[0];
  if (data->dynamic) {
    int32_t dims[SR_MAX_RANK];
    sigrun_status st = transpose_resolve(node, in, node->inputs[1], data->perm, dims, SIGRUN_STATUS_RUNTIME);
    if (st || (st = sr_node_resize_output(node, 0, in->rank, dims))) return st;
  }
  int64_t in_strides[SR_MAX_RANK], steps[SR_MAX_RANK];
  sr_layout_strides(in->dims, in->rank, in_strides);
  for (int i = 0; i < in->rank; i++) steps[i] = in_strides[data->perm[i]];
  if (sr_tensor_count(out) > 0) data->copy(in->data, out->data, 0, in->rank, out->dims, steps);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_transpose = {"TRANSPOSE", 39, transpose_parse, transpose_prepare, transpose_eval};

/* ---- REVERSE_V2 ---- */

static sigrun_status reverse_parse(sr_parse_ctx* ctx, const void** out) {
  *out = NULL;
  return sr_parse_expect_options(ctx, SR_OPTIONS_REVERSE_V2, 1);
}

typedef struct reverse_data {
  sr_strided_copy_fn copy;
} reverse_data;

/* Which dimensions the axis tensor names (negative axes count from the end; each at most once). LiteRT only
 * reverses contiguous runs of axes; sigrun reverses any set. */
static sigrun_status reverse_axes(sr_node* node, const sr_tensor* in, const sr_tensor* axis, unsigned* mask,
                                  sigrun_status fail) {
  *mask = 0;
  for (size_t i = 0; i < sr_tensor_count(axis); i++) {
    int64_t v = sr_layout_index(axis, i);
    if (v < -in->rank || v >= in->rank)
      return sr_node_fail(node, fail, "input 1 (tensor %d): axis %lld is out of range [%d, %d)", axis->index,
                          (long long)v, -in->rank, in->rank);
    int a = (int)(v < 0 ? v + in->rank : v);
    if (*mask & (1u << a))
      return sr_node_fail(node, fail, "input 1 (tensor %d): axis %lld is named twice", axis->index, (long long)v);
    *mask |= 1u << a;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status reverse_prepare(sr_node* node) {
  char a[128];
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  sr_tensor *in, *axis;
  if (st || (st = sr_node_input(node, 0, &in)) || (st = sr_node_input(node, 1, &axis))) return st;
  if ((st = sr_layout_check_io_types(node, SR_TYPES_DATA)) ||
      (st = sr_layout_check_index_type(node, axis, "input 1 (axis)", SR_IDX_I32 | SR_IDX_I64)))
    return st;
  if (axis->rank != 1 || axis->dims[0] > in->rank)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 1 (tensor %d) has shape %s, expected a vector of at "
                        "most %d axes", axis->index, shape_of(axis, a, sizeof a), in->rank);
  unsigned mask;
  if (sr_tensor_is_const(axis) && (st = reverse_axes(node, in, axis, &mask, SIGRUN_STATUS_BAD_MODEL))) return st;
  reverse_data* data = sr_node_alloc_data(node, sizeof *data);
  if (!data) return SIGRUN_STATUS_NO_MEMORY;
  data->copy = sr_strided_copy_for_size(sigrun_type_size(in->type));
  return sr_node_resize_output(node, 0, in->rank, in->dims);
}

/* A reversed dimension starts at its last element and steps backwards. */
static sigrun_status reverse_eval(sr_node* node) {
  const reverse_data* data = node->data;
  const sr_tensor *in = node->inputs[0], *axis = node->inputs[1];
  sr_tensor* out = node->outputs[0];
  unsigned mask;
  sigrun_status st = reverse_axes(node, in, axis, &mask, SIGRUN_STATUS_RUNTIME);
  if (st) return st;
  if (sr_tensor_count(out) == 0) return SIGRUN_STATUS_OK;
  int64_t strides[SR_MAX_RANK], base = 0;
  sr_layout_strides(in->dims, in->rank, strides);
  for (int d = 0; d < in->rank; d++) {
    if (!(mask & (1u << d))) continue;
    base += (int64_t)(in->dims[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  data->copy(in->data, out->data, base, in->rank, in->dims, strides);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_reverse_v2 = {"REVERSE_V2", 105, reverse_parse, reverse_prepare, reverse_eval};
