/*
 * lower_slice.c — slicing and filling ops: StridedSlice (with every mask), Slice, Split, SplitV, Tile,
 * Pad / PadV2 / MirrorPad, Fill, Range, BroadcastTo, ZerosLike, OnesLike. A strided slice is first planned per
 * output dim (which input dim, first index, step, extent) with TF's rules for negative indices, clamping,
 * masks, ellipsis and new axes; the plan gives the static shape, folds constants and partially known vectors,
 * and writes a STRIDED_SLICE without ellipsis or new axes (a RESHAPE adds those).
 */
#include <stdio.h>
#include <string.h>

#include "convert/fold.h"
#include "convert/lower.h"

typedef struct slice_dim {
  int in_dim;     /* input dim read, -1 for a new axis */
  int64_t begin;  /* first index (valid when size >= 0) */
  int64_t stride;
  int64_t size;   /* extent, -1 when known only at run time */
  int shrink;
  int full;       /* covered by an ellipsis: the whole dim */
  int entry;      /* index into begin/end/strides, -1 for ellipsis-covered dims */
} slice_dim;

typedef struct slice_spec {
  int64_t b[SR_MAX_RANK * 2], e[SR_MAX_RANK * 2], s[SR_MAX_RANK * 2];
  size_t n;
  int begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_mask;
} slice_spec;

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

static void plan_dim(const slice_spec* sp, int i, int64_t D, slice_dim* d) {
  int64_t st = sp->s[i];
  d->stride = st;
  d->entry = i;
  if ((sp->shrink_mask >> i) & 1) {
    int64_t idx = sp->b[i];
    d->shrink = 1;
    d->stride = 1;
    d->size = 1;
    d->begin = idx < 0 ? (D < 0 ? -1 : idx + D) : idx;
    if (idx < 0 && D < 0) d->size = -1;
    return;
  }
  if (D < 0) {
    d->size = -1;
    d->begin = 0;
    return;
  }
  int64_t lo = st > 0 ? 0 : -1, hi = st > 0 ? D : D - 1, bb, ee;
  if ((sp->begin_mask >> i) & 1)
    bb = st > 0 ? 0 : D - 1;
  else
    bb = clamp64(sp->b[i] < 0 ? sp->b[i] + D : sp->b[i], lo, hi);
  if ((sp->end_mask >> i) & 1)
    ee = st > 0 ? D : -1;
  else
    ee = clamp64(sp->e[i] < 0 ? sp->e[i] + D : sp->e[i], lo, hi);
  d->begin = bb;
  /* ceil((ee - bb) / st) written without sums that could overflow for huge strides (bb, ee are clamped to
   * [-1, D], so their difference is small). */
  if (st > 0)
    d->size = ee > bb ? (ee - bb - 1) / st + 1 : 0;
  else if (st == INT64_MIN)
    d->size = bb > ee ? 1 : 0;
  else
    d->size = bb > ee ? (bb - ee - 1) / -st + 1 : 0;
}

/* Plans the slice of x; fills plan[0..*n) (one per output dim before shrinking, plus new axes). */
static sigrun_status plan_slice(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_tensor* x, const slice_spec* sp,
                                slice_dim* plan, int* n) {
  int rank = x->rank, in_d = 0, k = 0, consumed = 0, has_ellipsis = 0;
  for (size_t i = 0; i < sp->n; i++) {
    if ((sp->ellipsis_mask >> i) & 1) {
      if (has_ellipsis) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "more than one ellipsis");
      has_ellipsis = 1;
    } else if (!((sp->new_axis_mask >> i) & 1)) {
      consumed++;
    }
    if (sp->s[i] == 0) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "stride 0");
  }
  if (consumed > rank) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "slices %d dims of a rank-%d input", consumed, rank);
  for (size_t i = 0; i <= sp->n; i++) {
    int ellipsis = i < sp->n ? (sp->ellipsis_mask >> i) & 1 : !has_ellipsis;
    if (ellipsis) {
      for (int j = 0; j < rank - consumed; j++, in_d++, k++) {
        if (k >= 2 * SR_MAX_RANK) return sr_cv_fail(c, node, SIGRUN_STATUS_UNSUPPORTED, "too many dims");
        slice_dim* d = &plan[k];
        memset(d, 0, sizeof *d);
        d->in_dim = in_d;
        d->stride = 1;
        d->size = x->dims[in_d];
        d->full = 1;
        d->entry = -1;
      }
      continue;
    }
    if (i == sp->n) break;
    if (k >= 2 * SR_MAX_RANK) return sr_cv_fail(c, node, SIGRUN_STATUS_UNSUPPORTED, "too many dims");
    slice_dim* d = &plan[k++];
    memset(d, 0, sizeof *d);
    if ((sp->new_axis_mask >> i) & 1) {
      d->in_dim = -1;
      d->size = 1;
      d->stride = 1;
      d->entry = (int)i;
      continue;
    }
    d->in_dim = in_d;
    plan_dim(sp, (int)i, x->dims[in_d], d);
    if (d->shrink && x->dims[in_d] >= 0 && (d->begin < 0 || d->begin >= x->dims[in_d]))
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "index %lld is out of range for dim %d of size %lld",
                        (long long)sp->b[i], in_d, (long long)x->dims[in_d]);
    in_d++;
  }
  *n = k;
  return SIGRUN_STATUS_OK;
}

/* Copies the planned region of a static constant into out (elements of elem bytes). */
static void gather_region(const sr_cv_tensor* x, const slice_dim* plan, int n, void* out) {
  size_t elem = sigrun_type_size(x->type), stride[SR_MAX_RANK], count = 1;
  size_t acc = 1;
  for (int i = x->rank - 1; i >= 0; i--) {
    stride[i] = acc;
    acc *= (size_t)x->dims[i];
  }
  int64_t idx[2 * SR_MAX_RANK] = {0};
  for (int i = 0; i < n; i++) count *= (size_t)plan[i].size;
  for (size_t o = 0; o < count; o++) {
    size_t src = 0;
    for (int i = 0; i < n; i++)
      if (plan[i].in_dim >= 0) src += (size_t)(plan[i].begin + idx[i] * plan[i].stride) * stride[plan[i].in_dim];
    memcpy((uint8_t*)out + o * elem, (const uint8_t*)x->data + src * elem, elem);
    for (int i = n - 1; i >= 0; i--) {
      if (++idx[i] < plan[i].size) break;
      idx[i] = 0;
    }
  }
}

static void set_known(sr_cv_ctx* c, int t, const int64_t* v, size_t n) {
  sr_cv_tensor* x = &sr_cv_g(c)->t[t];
  size_t count;
  if (n <= SR_CV_MAX_KNOWN && x->rank >= 0 && x->rank <= 1 && sr_cv_count(x, &count) && count == n)
    sr_cv_set_known(c->m, x, v, n);
}

static int i32_const(sr_cv_ctx* c, const char* name, const int64_t* v, int n) {
  int32_t w[2 * SR_MAX_RANK];
  for (int i = 0; i < n; i++) w[i] = (int32_t)clamp64(v[i], INT32_MIN, INT32_MAX);
  return sr_cv_const_i32(c->m, sr_cv_g(c), name, w, n, 0, c->error);
}

/* Applies a plan: folds, tracks known values, or emits STRIDED_SLICE (+ RESHAPE for new axes). */
static sigrun_status apply_slice(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val xv, const slice_spec* sp,
                                 const slice_dim* plan, int n, sr_cv_val* out) {
  sr_cv_tensor x = *sr_cv_tv(c, xv);
  int64_t d[2 * SR_MAX_RANK];
  int rank = 0, static_plan = 1, new_axes = 0;
  for (int i = 0; i < n; i++) {
    if (plan[i].size < 0 || (plan[i].shrink && plan[i].begin < 0)) static_plan = 0;
    new_axes += plan[i].in_dim < 0;
    if (!plan[i].shrink) d[rank++] = plan[i].size;
  }
  if (rank > SR_MAX_RANK) return sr_cv_fail(c, node, SIGRUN_STATUS_UNSUPPORTED, "result rank %d", rank);
  if (x.data && static_plan && sr_cv_static(&x)) {
    void* data;
    int t = sr_cv_add_const_alloc(c->m, sr_cv_g(c), node->name, x.type, rank, d, &data, c->error);
    if (t < 0) return c->error->status;
    gather_region(&x, plan, n, data);
    *out = sr_cv_tensor_val(t);
    return SIGRUN_STATUS_OK;
  }
  /* The canonical slice over the input dims: one begin/end/stride per dim, no ellipsis, no new axis. */
  int64_t b[SR_MAX_RANK] = {0}, e[SR_MAX_RANK] = {0}, s[SR_MAX_RANK] = {0};
  int bm = 0, em = 0, sm = 0, r = 0;
  for (int i = 0; i < n; i++) {
    if (plan[i].in_dim < 0) continue;
    int j = plan[i].entry;
    if (j < 0) {
      b[r] = e[r] = 0;
      s[r] = 1;
      bm |= 1 << r;
      em |= 1 << r;
    } else {
      b[r] = sp->b[j];
      e[r] = sp->e[j];
      s[r] = sp->s[j];
      if (plan[i].shrink) {
        sm |= 1 << r;
        e[r] = b[r] + 1; /* as TF's own shrink: end = begin + 1 (unless that wraps to 0 at -1) */
        if (b[r] == -1) em |= 1 << r;
      } else {
        bm |= ((sp->begin_mask >> j) & 1) << r;
        em |= ((sp->end_mask >> j) & 1) << r;
      }
    }
    r++;
  }
  int64_t sd[SR_MAX_RANK];
  int srank = 0;
  for (int i = 0; i < n; i++)
    if (plan[i].in_dim >= 0 && !plan[i].shrink) sd[srank++] = plan[i].size;
  int bt = i32_const(c, "begin", b, r), et = i32_const(c, "end", e, r), st_t = i32_const(c, "strides", s, r);
  int t = sr_cv_out_tensor(c, node, new_axes ? "/slice" : NULL, x.type, srank, sd);
  if (bt < 0 || et < 0 || st_t < 0 || t < 0) return c->error->status;
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.begin_mask = bm;
  o.end_mask = em;
  o.shrink_axis_mask = sm;
  int ins[4] = {xv.id, bt, et, st_t};
  if (sr_cv_emit(c, SR_BUILTIN_STRIDED_SLICE, ins, 4, &t, 1, &o) < 0) return c->error->status;
  /* A slice of a partially known vector keeps the known entries. */
  size_t nv = sr_cv_n_values(&x);
  if (nv && x.rank == 1 && n == 1 && plan[0].size >= 0 && plan[0].begin >= 0) {
    int64_t v[SR_CV_MAX_KNOWN];
    size_t k = 0;
    for (int64_t i = 0; i < plan[0].size && k < SR_CV_MAX_KNOWN; i++) {
      int64_t at = plan[0].begin + i * plan[0].stride;
      v[k++] = at >= 0 && (size_t)at < nv ? sr_cv_value(&x, (size_t)at) : SR_CV_UNKNOWN;
    }
    set_known(c, t, v, k);
  }
  *out = sr_cv_tensor_val(t);
  if (!new_axes) return SIGRUN_STATUS_OK;
  return sr_cv_reshape(c, node, *out, rank, d, out);
}

static sigrun_status lower_strided_slice(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                         sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 4);
  if (st) return st;
  slice_spec sp;
  memset(&sp, 0, sizeof sp);
  size_t ne, ns;
  if ((st = sr_cv_known_ints(c, node, in[1], "begin", sp.b, 2 * SR_MAX_RANK, &sp.n)) ||
      (st = sr_cv_known_ints(c, node, in[2], "end", sp.e, 2 * SR_MAX_RANK, &ne)) ||
      (st = sr_cv_known_ints(c, node, in[3], "strides", sp.s, 2 * SR_MAX_RANK, &ns)))
    return st;
  if (ne != sp.n || ns != sp.n) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "begin, end and strides differ in length");
  sp.begin_mask = (int)sr_cv_attr_int_or(node, "begin_mask", 0);
  sp.end_mask = (int)sr_cv_attr_int_or(node, "end_mask", 0);
  sp.ellipsis_mask = (int)sr_cv_attr_int_or(node, "ellipsis_mask", 0);
  sp.new_axis_mask = (int)sr_cv_attr_int_or(node, "new_axis_mask", 0);
  sp.shrink_mask = (int)sr_cv_attr_int_or(node, "shrink_axis_mask", 0);
  sr_cv_tensor x = *sr_cv_tv(c, in[0]);
  if (x.rank < 0) return sr_cv_unsupported(c, node, "an input of unknown rank");
  slice_dim plan[2 * SR_MAX_RANK];
  int n;
  if ((st = plan_slice(c, node, &x, &sp, plan, &n))) return st;
  return apply_slice(c, node, in[0], &sp, plan, n, &out[0]);
}

/* Slice(x, begin, size): a strided slice with stride 1 and size -1 meaning "to the end". */
static sigrun_status lower_slice(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                 sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 3);
  if (st) return st;
  slice_spec sp;
  memset(&sp, 0, sizeof sp);
  int64_t size[SR_MAX_RANK];
  size_t nsz;
  if ((st = sr_cv_known_ints(c, node, in[1], "begin", sp.b, SR_MAX_RANK, &sp.n)) ||
      (st = sr_cv_known_ints(c, node, in[2], "size", size, SR_MAX_RANK, &nsz)))
    return st;
  sr_cv_tensor x = *sr_cv_tv(c, in[0]);
  if ((int)sp.n != x.rank || nsz != sp.n) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "begin/size do not match rank %d", x.rank);
  for (size_t i = 0; i < sp.n; i++) {
    sp.s[i] = 1;
    if (size[i] == -1)
      sp.end_mask |= 1 << i;
    else if (size[i] < 0 || sp.b[i] < 0)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "begin %lld size %lld", (long long)sp.b[i], (long long)size[i]);
    else
      sp.e[i] = sp.b[i] + size[i];
  }
  slice_dim plan[2 * SR_MAX_RANK];
  int n;
  if ((st = plan_slice(c, node, &x, &sp, plan, &n))) return st;
  return apply_slice(c, node, in[0], &sp, plan, n, &out[0]);
}

/* Split / SplitV: one slice per output along the axis (folds constants; emits SPLIT / SPLIT_V otherwise). */
static sigrun_status split(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val xv, int64_t axis, const int64_t* sizes,
                           int n_out, sr_cv_val* out, const sr_cv_val* operands, int n_operands, int code) {
  sr_cv_tensor x = *sr_cv_tv(c, xv);
  int a;
  sigrun_status st;
  if (x.rank < 0) return sr_cv_unsupported(c, node, "an input of unknown rank");
  if ((st = sr_cv_axis(c, node, axis, x.rank, &a))) return st;
  if (x.data && sr_cv_static(&x)) {
    int64_t at = 0;
    for (int j = 0; j < n_out; j++) {
      slice_spec sp;
      memset(&sp, 0, sizeof sp);
      sp.n = (size_t)x.rank;
      for (int i = 0; i < x.rank; i++) {
        sp.s[i] = 1;
        sp.b[i] = i == a ? at : 0;
        sp.e[i] = i == a ? at + sizes[j] : x.dims[i];
      }
      at += sizes[j];
      slice_dim plan[2 * SR_MAX_RANK];
      int n;
      if ((st = plan_slice(c, node, &x, &sp, plan, &n)) || (st = apply_slice(c, node, xv, &sp, plan, n, &out[j])))
        return st;
    }
    return SIGRUN_STATUS_OK;
  }
  int* outs = sr_pool_array(&c->m->pool, (size_t)(n_out ? n_out : 1), sizeof(int));
  if (!outs) return sr_cv_oom(c);
  for (int j = 0; j < n_out; j++) {
    int64_t d[SR_MAX_RANK];
    memcpy(d, x.dims, sizeof d);
    d[a] = sizes[j];
    char suffix[32] = "";
    if (j) snprintf(suffix, sizeof suffix, ":%d", j);
    outs[j] = sr_cv_out_tensor(c, node, suffix, x.type, x.rank, d);
    if (outs[j] < 0) return c->error->status;
    out[j] = sr_cv_tensor_val(outs[j]);
  }
  int ins[3];
  for (int i = 0; i < n_operands; i++) ins[i] = operands[i].id;
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.num_splits = n_out;
  if (sr_cv_emit(c, code, ins, n_operands, outs, n_out, &o) < 0) return c->error->status;
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_split(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                 sr_cv_val* out, int n_out) {
  int64_t axis;
  size_t n;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (!st) st = sr_cv_known_ints(c, node, in[0], "the axis", &axis, 1, &n);
  if (st) return st;
  sr_cv_tensor x = *sr_cv_tv(c, in[1]);
  int a;
  if (x.rank < 0 || n_out < 1) return sr_cv_unsupported(c, node, "an input of unknown rank");
  if ((st = sr_cv_axis(c, node, axis, x.rank, &a))) return st;
  if (x.dims[a] < 0 || x.dims[a] % n_out)
    return sr_cv_unsupported(c, node, "splitting dim %d of size %lld in %d", a, (long long)x.dims[a], n_out);
  int64_t* sizes = sr_pool_array(&c->m->pool, (size_t)n_out, sizeof *sizes);
  if (!sizes) return sr_cv_oom(c);
  for (int j = 0; j < n_out; j++) sizes[j] = x.dims[a] / n_out;
  int32_t a32 = a;
  int at = sr_cv_const_i32(c->m, sr_cv_g(c), "axis", &a32, 1, 1, c->error);
  if (at < 0) return c->error->status;
  sr_cv_val ops[2] = {sr_cv_tensor_val(at), in[1]};
  return split(c, node, in[1], a, sizes, n_out, out, ops, 2, SR_BUILTIN_SPLIT);
}

static sigrun_status lower_split_v(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                   sr_cv_val* out, int n_out) {
  int64_t axis;
  size_t n, ns;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 3);
  if (!st) st = sr_cv_known_ints(c, node, in[2], "the axis", &axis, 1, &n);
  if (st) return st;
  int64_t* sizes = sr_pool_array(&c->m->pool, (size_t)(n_out ? n_out : 1), sizeof *sizes);
  if (!sizes) return sr_cv_oom(c);
  sr_cv_tensor* ts = sr_cv_tv(c, in[1]);
  if (!ts->data || ts->rank != 1 || ts->dims[0] != n_out) return sr_cv_unsupported(c, node, "split sizes known only at run time");
  ns = (size_t)n_out;
  for (size_t j = 0; j < ns; j++) sizes[j] = sr_cv_elem_i(ts->data, ts->type, j);
  sr_cv_tensor x = *sr_cv_tv(c, in[0]);
  int a;
  if (x.rank < 0) return sr_cv_unsupported(c, node, "an input of unknown rank");
  if ((st = sr_cv_axis(c, node, axis, x.rank, &a))) return st;
  int64_t total = 0, infer = -1;
  for (size_t j = 0; j < ns; j++) {
    if (sizes[j] == -1 && infer < 0) infer = (int64_t)j;
    else if (sizes[j] < 0) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "split size %lld", (long long)sizes[j]);
    else total += sizes[j];
  }
  if (infer >= 0) {
    if (x.dims[a] < 0) return sr_cv_unsupported(c, node, "a -1 split size over a dynamic dim");
    sizes[infer] = x.dims[a] - total;
  }
  sr_cv_val axis_v = in[2];
  if (sr_cv_tv(c, in[2])->type != SIGRUN_TYPE_INT32 && (st = sr_cv_cast(c, node, in[2], SIGRUN_TYPE_INT32, &axis_v))) return st;
  sr_cv_val ops[3] = {in[0], in[1], axis_v};
  return split(c, node, in[0], a, sizes, n_out, out, ops, 3, SR_BUILTIN_SPLIT_V);
}

/* ---- padding, tiling, filling ---- */

static sigrun_status lower_pad(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, sr_cv_val* out,
                               int n_out) {
  int v2 = strcmp(node->op, "PadV2") == 0, mirror = strcmp(node->op, "MirrorPad") == 0;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, v2 ? 3 : 2);
  if (st) return st;
  sr_cv_tensor x = *sr_cv_tv(c, in[0]);
  sr_cv_tensor* p = sr_cv_tv(c, in[1]);
  if (x.rank < 0) return sr_cv_unsupported(c, node, "an input of unknown rank");
  if (!p->data || p->rank != 2 || p->dims[0] != x.rank || p->dims[1] != 2)
    return sr_cv_unsupported(c, node, "paddings known only at run time");
  int64_t d[SR_MAX_RANK];
  for (int i = 0; i < x.rank; i++) {
    int64_t lo = sr_cv_elem_i(p->data, p->type, 2 * (size_t)i), hi = sr_cv_elem_i(p->data, p->type, 2 * (size_t)i + 1);
    if (lo < 0 || hi < 0 || lo > INT32_MAX || hi > INT32_MAX)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "padding %lld, %lld", (long long)lo, (long long)hi);
    d[i] = x.dims[i] < 0 ? -1 : x.dims[i] + lo + hi;
  }
  sr_cv_val pads = in[1];
  if (p->type != SIGRUN_TYPE_INT32 && (st = sr_cv_cast(c, node, in[1], SIGRUN_TYPE_INT32, &pads))) return st;
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  if (mirror) {
    const char* mode;
    if ((st = sr_cv_attr_str(c, node, "mode", &mode))) return st;
    o.padding = strcmp(mode, "SYMMETRIC") == 0; /* MirrorPadMode: REFLECT 0, SYMMETRIC 1 */
  }
  int t = sr_cv_out_tensor(c, node, NULL, x.type, x.rank, d);
  int ins[3] = {in[0].id, pads.id, v2 ? in[2].id : -1};
  int code = mirror ? SR_BUILTIN_MIRROR_PAD : v2 ? SR_BUILTIN_PADV2 : SR_BUILTIN_PAD;
  if (t < 0 || sr_cv_emit(c, code, ins, v2 ? 3 : 2, &t, 1, mirror ? &o : NULL) < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_tile(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, sr_cv_val* out,
                                int n_out) {
  int64_t m[SR_MAX_RANK];
  size_t n;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (!st) st = sr_cv_known_ints(c, node, in[1], "the multiples", m, SR_MAX_RANK, &n);
  if (st) return st;
  sr_cv_tensor x = *sr_cv_tv(c, in[0]);
  if ((int)n != x.rank) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "%zu multiples for rank %d", n, x.rank);
  int64_t d[SR_MAX_RANK];
  for (int i = 0; i < x.rank; i++) {
    if (m[i] < 0 || m[i] > INT32_MAX) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "multiple %lld", (long long)m[i]);
    d[i] = x.dims[i] < 0 ? -1 : x.dims[i] * m[i];
    if (d[i] > INT32_MAX) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "tiled dim too large");
  }
  int32_t m32[SR_MAX_RANK];
  for (int i = 0; i < x.rank; i++) m32[i] = (int32_t)m[i];
  int mt = sr_cv_const_i32(c->m, sr_cv_g(c), "multiples", m32, x.rank, 0, c->error);
  int t = sr_cv_out_tensor(c, node, NULL, x.type, x.rank, d);
  int ins[2] = {in[0].id, mt};
  if (mt < 0 || t < 0 || sr_cv_emit(c, SR_BUILTIN_TILE, ins, 2, &t, 1, NULL) < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* A constant of dims filled with the scalar value v (of x's type); -1 when too large to fold. */
static int splat(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_tensor* v, int rank, const int64_t* d) {
  sr_cv_tensor probe;
  memset(&probe, 0, sizeof probe);
  probe.rank = rank;
  memcpy(probe.dims, d, sizeof probe.dims);
  size_t count, bytes, elem = sigrun_type_size(v->type);
  if (!elem || !sr_cv_count(&probe, &count) || !sr_mul_size(count, elem, &bytes) || bytes > SR_CV_FOLD_MAX_BYTES)
    return -1;
  void* data;
  int t = sr_cv_add_const_alloc(c->m, sr_cv_g(c), node->name, v->type, rank, d, &data, c->error);
  if (t >= 0)
    for (size_t i = 0; i < count; i++) memcpy((uint8_t*)data + i * elem, v->data, elem);
  return t;
}

static sigrun_status lower_fill(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, sr_cv_val* out,
                                int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (st) return st;
  sr_cv_tensor dt = *sr_cv_tv(c, in[0]), v = *sr_cv_tv(c, in[1]);
  if (dt.rank != 1 || dt.dims[0] < 0 || dt.dims[0] > SR_MAX_RANK)
    return sr_cv_unsupported(c, node, "dims of unknown length or rank above %d", SR_MAX_RANK);
  int rank = (int)dt.dims[0];
  int64_t d[SR_MAX_RANK];
  int known = sr_cv_n_values(&dt) == (size_t)rank;
  for (int i = 0; i < rank; i++) {
    int64_t x = known ? sr_cv_value(&dt, (size_t)i) : SR_CV_UNKNOWN;
    if (x != SR_CV_UNKNOWN && (x < 0 || x > INT32_MAX))
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "dim %lld", (long long)x);
    d[i] = x == SR_CV_UNKNOWN ? -1 : x;
  }
  if (v.data && v.rank == 0 && known && sr_cv_all_known(&dt)) {
    int t = splat(c, node, &v, rank, d);
    if (t >= 0) {
      out[0] = sr_cv_tensor_val(t);
      return SIGRUN_STATUS_OK;
    }
    if (c->error->status) return c->error->status;
  }
  /* Dims known only at run time (zeros of a dynamic batch, as Keras' LSTM state): a FILL operator. */
  sr_cv_val dims = in[0];
  if (dt.type != SIGRUN_TYPE_INT32 && (st = sr_cv_cast(c, node, in[0], SIGRUN_TYPE_INT32, &dims))) return st;
  int t = sr_cv_out_tensor(c, node, NULL, v.type, rank, d);
  int ins[2] = {dims.id, in[1].id};
  if (t < 0 || sr_cv_emit(c, SR_BUILTIN_FILL, ins, 2, &t, 1, NULL) < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* ZerosLike / OnesLike of a static shape: constants. */
static sigrun_status lower_like(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, sr_cv_val* out,
                                int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  if (st) return st;
  sr_cv_tensor x = *sr_cv_tv(c, in[0]);
  if (!sr_cv_static(&x) || !sigrun_type_size(x.type)) return sr_cv_unsupported(c, node, "a dynamic or non-numeric shape");
  uint8_t one[8];
  sr_cv_set_i(one, x.type, 0, strcmp(node->op, "OnesLike") == 0);
  sr_cv_tensor v = x;
  v.data = one;
  int t = splat(c, node, &v, x.rank, x.dims);
  if (t < 0) return c->error->status ? c->error->status : sr_cv_unsupported(c, node, "too large to fold");
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_range(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, sr_cv_val* out,
                                 int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 3);
  if (st) return st;
  for (int i = 0; i < 3; i++)
    if (!sr_cv_is_const(c, in[i])) return sr_cv_unsupported(c, node, "a range known only at run time");
  sr_cv_tensor* s = sr_cv_tv(c, in[0]);
  sigrun_type type = s->type;
  double start = sr_cv_elem_f(s->data, type, 0), limit = sr_cv_elem_f(sr_cv_tv(c, in[1])->data, type, 0),
         delta = sr_cv_elem_f(sr_cv_tv(c, in[2])->data, type, 0);
  int64_t start_i = sr_cv_elem_i(s->data, type, 0), delta_i = sr_cv_elem_i(sr_cv_tv(c, in[2])->data, type, 0);
  if (delta == 0 || !(delta == delta)) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "delta 0");
  double count_f = (limit - start) / delta;
  if (!(count_f < 1e8)) return sr_cv_unsupported(c, node, "a range of %g elements", count_f);
  int64_t count = count_f <= 0 ? 0 : (int64_t)count_f + ((double)(int64_t)count_f < count_f);
  void* data;
  int t = sr_cv_add_const_alloc(c->m, sr_cv_g(c), node->name, type, 1, &count, &data, c->error);
  if (t < 0) return c->error->status;
  for (int64_t i = 0; i < count; i++) {
    if (sr_cv_is_float(type))
      sr_cv_set_f(data, type, (size_t)i, start + (double)i * delta);
    else
      sr_cv_set_i(data, type, (size_t)i, (int64_t)((uint64_t)start_i + (uint64_t)i * (uint64_t)delta_i));
  }
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_broadcast_to(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                        sr_cv_val* out, int n_out) {
  int64_t d[SR_MAX_RANK];
  size_t n;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (!st) st = sr_cv_known_ints(c, node, in[1], "the shape", d, SR_MAX_RANK, &n);
  if (st) return st;
  sr_cv_tensor x = *sr_cv_tv(c, in[0]), target = x;
  target.rank = (int)n;
  memcpy(target.dims, d, sizeof d);
  int rank;
  int64_t od[SR_MAX_RANK];
  if ((st = sr_cv_broadcast(c, node, &x, &target, &rank, od))) return st;
  int32_t s32[SR_MAX_RANK];
  for (size_t i = 0; i < n; i++) s32[i] = (int32_t)clamp64(d[i], INT32_MIN, INT32_MAX);
  int s = sr_cv_const_i32(c->m, sr_cv_g(c), "shape", s32, (int)n, 0, c->error);
  int t = sr_cv_out_tensor(c, node, NULL, x.type, rank, od);
  int ins[2] = {in[0].id, s};
  if (s < 0 || t < 0 || sr_cv_emit(c, SR_BUILTIN_BROADCAST_TO, ins, 2, &t, 1, NULL) < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

const sr_cv_lowering sr_cv_shape2_lowerings[] = {
    {"BroadcastTo", lower_broadcast_to},
    {"Fill", lower_fill},
    {"MirrorPad", lower_pad},
    {"OnesLike", lower_like},
    {"Pad", lower_pad},
    {"PadV2", lower_pad},
    {"Range", lower_range},
    {"Slice", lower_slice},
    {"Split", lower_split},
    {"SplitV", lower_split_v},
    {"StridedSlice", lower_strided_slice},
    {"Tile", lower_tile},
    {"ZerosLike", lower_like},
    {NULL, NULL},
};
