/*
 * slice.c — STRIDED_SLICE and SLICE. Both resolve their index tensors into one plan (output shape, a base
 * offset and per-dimension counts and steps) that a strided copy executes. The plan is built in prepare
 * when the index tensors are constant and in eval otherwise (the output is then dynamic).
 * STRIDED_SLICE follows LiteRT's mask handling and clamping exactly, including its quirks (an ellipsis
 * always covers at least one dimension; indices past the input's rank are ignored). Where LiteRT would
 * write nothing into the output (a shrink index out of range, an offset slice past the end) or read past
 * the input's shape (masks whose effective dimensions do not match the input's rank), sigrun fails instead.
 */
#include "slice.h"

#include "../core/strings.h"
#include "../format/schema_enums.h"
#include "layout.h"

/* Effective dimensions: the input's plus one per new axis (begin has at most 31 entries). */
#define SS_MAX_DIMS (SR_MAX_RANK + 32)

typedef struct slice_plan {
  int dynamic;
  sr_strided_copy_fn copy;
  int out_rank;
  int32_t out_dims[SR_MAX_RANK];
  int64_t base;
  int n; /* loop dimensions (output dimensions of size != 1) */
  int32_t counts[SR_MAX_RANK];
  int64_t steps[SR_MAX_RANK];
} slice_plan;

static const char* shape_of(const sr_tensor* t, char* buf, size_t size) {
  return sr_shape_str(t->dims, t->rank, buf, size);
}

static int bit(uint64_t mask, int i) { return i >= 0 && i < 64 && ((mask >> i) & 1u); }

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

/* Appends one output dimension; those of size 1 need no loop. */
static sigrun_status plan_add(sr_node* node, slice_plan* plan, int32_t count, int64_t step) {
  if (plan->out_rank >= SR_MAX_RANK)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "output rank exceeds sigrun's limit of %d", SR_MAX_RANK);
  plan->out_dims[plan->out_rank++] = count;
  if (count != 1) {
    plan->counts[plan->n] = count;
    plan->steps[plan->n++] = step;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status plan_finish(sr_node* node, slice_plan* plan) {
  return sr_node_resize_output(node, 0, plan->out_rank, plan->out_dims);
}

/* Input element index of every output element, in order: the plan's odometer without the memcpy. */
static size_t plan_next(const slice_plan* plan, int32_t* pos) {
  int64_t at = plan->base;
  for (int d = 0; d < plan->n; d++) at += pos[d] * plan->steps[d];
  for (int d = plan->n - 1; d >= 0; d--) {
    if (++pos[d] < plan->counts[d]) break;
    pos[d] = 0;
  }
  return (size_t)at;
}

/* Strings are variable-sized, so they are gathered element by element: one pass to size, one to write. */
static sigrun_status slice_strings(sr_node* node, const slice_plan* plan) {
  const sr_tensor* in = node->inputs[0];
  char why[160];
  if (!sr_strings_check(in->data, in->bytes, sr_tensor_count(in), why, sizeof why))
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "input 0 (tensor %d): %s", in->index, why);
  size_t count, payload = 0, len;
  const char* text;
  sr_shape_count(plan->out_dims, plan->out_rank, &count);
  int32_t pos[SR_MAX_RANK] = {0};
  for (size_t i = 0; i < count; i++) {
    sr_strings_get(in, plan_next(plan, pos), &text, &len);
    payload += len;
  }
  sr_strings_writer w;
  sigrun_status st = sr_strings_begin(node, 0, plan->out_rank, plan->out_dims, payload, &w);
  if (st) return st;
  memset(pos, 0, sizeof pos);
  for (size_t i = 0; i < count; i++) {
    sr_strings_get(in, plan_next(plan, pos), &text, &len);
    sr_strings_put(&w, text, len);
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status slice_eval(sr_node* node) {
  const slice_plan* plan = node->data;
  sr_tensor* out = node->outputs[0];
  if (out->type == SIGRUN_TYPE_STRING) return slice_strings(node, plan);
  if (sr_tensor_count(out) > 0) plan->copy(node->inputs[0]->data, out->data, plan->base, plan->n, plan->counts,
                                           plan->steps);
  return SIGRUN_STATUS_OK;
}

/* ---- STRIDED_SLICE ---- */

static const sr_strided_slice_params ss_defaults = {0, 0, 0, 0, 0, 0};

static sigrun_status ss_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_STRIDED_SLICE, 1);
  if (st) return st;
  sr_strided_slice_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  *p = ss_defaults;
  if (ctx->options) {
    int32_t m[5] = {0};
    uint8_t offset = 0;
    int rc = 0;
    for (int i = 0; i < 5 && !rc; i++) rc = sr_fb_i32(ctx->options, i, 0, &m[i]);
    if (!rc) rc = sr_fb_u8(ctx->options, 5, 0, &offset);
    if (rc) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "StridedSliceOptions: %s", sr_fb_strerror(rc));
    p->begin_mask = (uint32_t)m[0];
    p->end_mask = (uint32_t)m[1];
    p->ellipsis_mask = (uint32_t)m[2];
    p->new_axis_mask = (uint32_t)m[3];
    p->shrink_axis_mask = (uint32_t)m[4];
    p->offset = offset != 0;
  }
  *out = p;
  return SIGRUN_STATUS_OK;
}

/* One effective dimension before clamping: where it comes from and its raw begin/end/stride. */
typedef struct ss_dim {
  int in_index; /* -1 for a new axis */
  int regular;  /* takes begin/end/stride from the index tensors */
  int orig;     /* index into begin/end/strides when regular */
  int begin_mask, end_mask, shrink;
} ss_dim;

/* LiteRT's expansion of ellipsis and new-axis bits into effective dimensions. */
static sigrun_status ss_expand(sr_node* node, const sr_strided_slice_params* p, int rank, int n, ss_dim* dims,
                               int* out_eff, sigrun_status fail) {
  int num_add = 0;
  for (int i = 0; i < n; i++)
    if (!bit(p->ellipsis_mask, i) && bit(p->new_axis_mask, i)) num_add++;
  const int eff = rank + num_add;
  uint64_t eff_ellipsis = 0, eff_new = 0;
  int ellipsis_start = eff, expanded = 0;
  for (int i = 0; i < eff;) {
    if (bit(p->ellipsis_mask, i)) {
      ellipsis_start = i;
      int hi = i + 1 + num_add + rank - n;
      int end = hi < eff ? hi : eff;
      if (end < i + 1) end = i + 1;
      expanded = end - ellipsis_start - 1;
      for (; i < end; i++) eff_ellipsis |= 1ull << i;
      continue;
    }
    if (bit(p->new_axis_mask, i - expanded)) eff_new |= 1ull << i;
    i++;
  }
  int added_ellipsis = 0, added_axes = 0;
  for (int i = 0; i < eff; i++) {
    ss_dim* d = &dims[i];
    memset(d, 0, sizeof *d);
    if (bit(eff_ellipsis, i)) {
      added_ellipsis = i - ellipsis_start > 0 ? i - ellipsis_start : 0;
      d->begin_mask = d->end_mask = 1;
    } else if (bit(eff_new, i)) {
      d->in_index = -1;
      added_axes++;
      continue;
    } else if (i >= n + expanded) {
      d->begin_mask = d->end_mask = 1;
    } else {
      d->regular = 1;
      d->orig = i - added_ellipsis;
      if (d->orig < 0 || d->orig >= n)
        return sr_node_fail(node, fail, "masks select index %d of %d begin values", d->orig, n);
      d->begin_mask = bit(p->begin_mask, d->orig);
      d->end_mask = bit(p->end_mask, d->orig);
      d->shrink = bit(p->shrink_axis_mask, d->orig);
    }
    d->in_index = i - added_axes;
    if (d->in_index < 0 || d->in_index >= rank)
      return sr_node_fail(node, fail, "ellipsis/new-axis masks (%u/%u) do not fit an input of rank %d",
                          p->ellipsis_mask, p->new_axis_mask, rank);
  }
  /* LiteRT would read past the input's shape, or leave input dimensions out of its strides. */
  if (eff - added_axes != rank)
    return sr_node_fail(node, fail, "ellipsis/new-axis masks (%u/%u) do not fit an input of rank %d",
                        p->ellipsis_mask, p->new_axis_mask, rank);
  *out_eff = eff;
  return SIGRUN_STATUS_OK;
}

/* Number of elements a [start, stop) walk with stride visits (LiteRT's rounding). */
static int64_t ss_count(int64_t extent, int64_t stride) {
  if ((extent < 0) != (stride < 0)) return 0;
  if (stride < 0) return (extent + 1) / stride + 1;
  return extent == 0 ? 0 : (extent - 1) / stride + 1;
}

static sigrun_status ss_resolve(sr_node* node, const sr_strided_slice_params* p, slice_plan* plan,
                                sigrun_status fail) {
  const sr_tensor *in = node->inputs[0], *tb = node->inputs[1], *te = node->inputs[2], *ts = node->inputs[3];
  ss_dim dims[SS_MAX_DIMS];
  int eff = 0;
  sigrun_status st = ss_expand(node, p, in->rank, tb->dims[0], dims, &eff, fail);
  if (st) return st;
  int64_t in_strides[SR_MAX_RANK];
  sr_layout_strides(in->dims, in->rank, in_strides);
  plan->out_rank = plan->n = 0;
  plan->base = 0;
  for (int i = 0; i < eff; i++) {
    const ss_dim* d = &dims[i];
    if (d->in_index < 0) {
      if ((st = plan_add(node, plan, 1, 0))) return st;
      continue;
    }
    const int64_t size = in->dims[d->in_index];
    int64_t begin = 0, end = 0, stride = 1;
    if (d->regular) {
      begin = sr_layout_clamp_i32(sr_layout_index(tb, (size_t)d->orig));
      end = sr_layout_clamp_i32(sr_layout_index(te, (size_t)d->orig));
      stride = sr_layout_index(ts, (size_t)d->orig);
      if (stride == 0) return sr_node_fail(node, fail, "input 3 (tensor %d): strides[%d] is 0", ts->index, d->orig);
      if (stride <= INT32_MIN)
        return sr_node_fail(node, fail, "input 3 (tensor %d): strides[%d] = %lld is not supported", ts->index,
                            d->orig, (long long)stride);
      if (stride > INT32_MAX) stride = INT32_MAX;
    }
    int64_t start = begin < 0 ? begin + size : begin;
    start = stride > 0 ? clamp64(start, 0, size) : clamp64(start, -1, size - 1);
    if (d->begin_mask) start = stride > 0 ? 0 : size - 1;
    plan->base += start * in_strides[d->in_index];
    if (d->shrink) {
      if (start < 0 || start >= size)
        return sr_node_fail(node, fail, "input 1 (tensor %d): begin[%d] = %lld is out of range for a shrunk "
                            "dimension of size %lld", tb->index, d->orig, (long long)begin, (long long)size);
      continue;
    }
    int64_t stop = p->offset ? end + start : end;
    if (stop < 0) stop += size;
    stop = stride > 0 ? clamp64(stop, 0, size) : clamp64(stop, -1, size - 1);
    if (d->end_mask) stop = stride > 0 ? size : -1;
    int64_t count = ss_count(stop - start, stride);
    if (p->offset && d->regular && count != ss_count(end, stride))
      return sr_node_fail(node, fail, "offset slice of dimension %d (begin %lld, size %lld, stride %lld) exceeds "
                          "its size %lld", d->in_index, (long long)begin, (long long)end, (long long)stride,
                          (long long)size);
    /* With two or more elements |stride| < size, so the step stays inside the tensor; with fewer it is never
     * used, and a hostile stride times a large row stride could overflow. */
    const int64_t step = count > 1 ? stride * in_strides[d->in_index] : 0;
    if ((st = plan_add(node, plan, (int32_t)count, step))) return st;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status ss_check_index(sr_node* node, int i, const char* what, int n) {
  char a[128];
  const sr_tensor* t = node->inputs[i];
  sigrun_status st = sr_layout_check_index_type(node, t, what, SR_IDX_I32 | SR_IDX_I64);
  if (st) return st;
  if (t->rank != 1)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s (tensor %d) has shape %s, expected a 1-D tensor", what,
                        t->index, shape_of(t, a, sizeof a));
  if (n >= 0 && t->dims[0] != n)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s (tensor %d) has shape %s, expected [%d] like begin",
                        what, t->index, shape_of(t, a, sizeof a), n);
  return SIGRUN_STATUS_OK;
}

static sigrun_status ss_prepare(sr_node* node) {
  const sr_strided_slice_params* p = node->params ? node->params : &ss_defaults;
  sigrun_status st = sr_node_check_io(node, 4, 4, 1);
  sr_tensor* t;
  for (int i = 0; i < 4 && !st; i++) st = sr_node_input(node, i, &t);
  if (st) return st;
  sr_tensor* in = node->inputs[0];
  if ((st = sr_layout_check_io_types(node, SR_TYPES_ANY | SR_TYPE_BIT(SIGRUN_TYPE_STRING))) ||
      (st = ss_check_index(node, 1, "input 1 (begin)", -1)))
    return st;
  int n = node->inputs[1]->dims[0];
  if ((st = ss_check_index(node, 2, "input 2 (end)", n)) || (st = ss_check_index(node, 3, "input 3 (strides)", n)))
    return st;
  if (n > 31)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input 1 has %d indices; at most 31 are supported", n);
  slice_plan* plan = sr_node_alloc_data(node, sizeof *plan);
  if (!plan) return SIGRUN_STATUS_NO_MEMORY;
  plan->copy = sr_strided_copy_for_size(sigrun_type_size(in->type));
  plan->dynamic = !sr_tensor_is_const(node->inputs[1]) || !sr_tensor_is_const(node->inputs[2]) ||
                  !sr_tensor_is_const(node->inputs[3]) || in->type == SIGRUN_TYPE_STRING;
  if (plan->dynamic) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  if ((st = ss_resolve(node, p, plan, SIGRUN_STATUS_BAD_MODEL))) return st;
  return plan_finish(node, plan);
}

static sigrun_status ss_eval(sr_node* node) {
  slice_plan* plan = node->data;
  if (plan->dynamic) {
    const sr_strided_slice_params* p = node->params ? node->params : &ss_defaults;
    sigrun_status st = ss_resolve(node, p, plan, SIGRUN_STATUS_RUNTIME);
    if (st || (st = plan_finish(node, plan))) return st;
  }
  return slice_eval(node);
}

const sr_op_kind sr_op_strided_slice = {"STRIDED_SLICE", 45, ss_parse, ss_prepare, ss_eval};

/* ---- SLICE ---- */

static sigrun_status slice_parse(sr_parse_ctx* ctx, const void** out) {
  *out = NULL;
  return sr_parse_expect_options(ctx, SR_OPTIONS_SLICE, 1);
}

static sigrun_status slice_resolve(sr_node* node, slice_plan* plan, sigrun_status fail) {
  const sr_tensor *in = node->inputs[0], *tb = node->inputs[1], *tsz = node->inputs[2];
  int64_t in_strides[SR_MAX_RANK];
  sr_layout_strides(in->dims, in->rank, in_strides);
  plan->out_rank = plan->n = 0;
  plan->base = 0;
  for (int d = 0; d < in->rank; d++) {
    const int64_t dim = in->dims[d];
    int64_t begin = sr_layout_index(tb, (size_t)d), size = sr_layout_index(tsz, (size_t)d);
    if (begin < 0 || begin > dim)
      return sr_node_fail(node, fail, "input 1 (tensor %d): begin[%d] = %lld is outside [0, %lld]", tb->index, d,
                          (long long)begin, (long long)dim);
    if (size == -1) size = dim - begin;
    if (size < 0 || size > dim - begin)
      return sr_node_fail(node, fail, "input 2 (tensor %d): size[%d] = %lld with begin %lld exceeds dimension %d "
                          "of size %lld (size must be -1 or in [0, size - begin])", tsz->index, d,
                          (long long)size, (long long)begin, d, (long long)dim);
    plan->base += begin * in_strides[d];
    sigrun_status st = plan_add(node, plan, (int32_t)size, in_strides[d]);
    if (st) return st;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status slice_prepare(sr_node* node) {
  char a[128];
  sigrun_status st = sr_node_check_io(node, 3, 3, 1);
  sr_tensor *in, *begin, *size;
  if (st || (st = sr_node_input(node, 0, &in)) || (st = sr_node_input(node, 1, &begin)) ||
      (st = sr_node_input(node, 2, &size)))
    return st;
  if ((st = sr_layout_check_io_types(node, SR_TYPES_ANY)) ||
      (st = sr_layout_check_index_type(node, begin, "input 1 (begin)", SR_IDX_I32 | SR_IDX_I64)) ||
      (st = sr_node_check_type(node, size, "input 2 (size)", begin->type)))
    return st;
  for (int i = 1; i <= 2; i++) {
    const sr_tensor* t = node->inputs[i];
    if (t->rank != 1 || t->dims[0] != in->rank)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input %d (tensor %d) has shape %s, expected [%d] (the "
                          "rank of input 0)", i, t->index, shape_of(t, a, sizeof a), in->rank);
  }
  slice_plan* plan = sr_node_alloc_data(node, sizeof *plan);
  if (!plan) return SIGRUN_STATUS_NO_MEMORY;
  plan->copy = sr_strided_copy_for_size(sigrun_type_size(in->type));
  plan->dynamic = !sr_tensor_is_const(begin) || !sr_tensor_is_const(size);
  if (plan->dynamic) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  if ((st = slice_resolve(node, plan, SIGRUN_STATUS_BAD_MODEL))) return st;
  return plan_finish(node, plan);
}

static sigrun_status slice_op_eval(sr_node* node) {
  slice_plan* plan = node->data;
  if (plan->dynamic) {
    sigrun_status st = slice_resolve(node, plan, SIGRUN_STATUS_RUNTIME);
    if (st || (st = plan_finish(node, plan))) return st;
  }
  return slice_eval(node);
}

const sr_op_kind sr_op_slice = {"SLICE", 65, slice_parse, slice_prepare, slice_op_eval};
