/*
 * lower_shape.c — constants and the ops that rearrange tensors without arithmetic: Const, Shape / Rank / Size,
 * Reshape, ExpandDims, Squeeze, Transpose, GatherV2, Pack, Unpack, ConcatV2. With a static input shape, Shape
 * is a constant and the whole Keras shape computation folds away; with a dynamic batch it stays an operator
 * chain (as in LiteRT's converter's output) whose partially known values still give the result static dims.
 */
#include <stdio.h>
#include <string.h>

#include "convert/fold.h"
#include "convert/lower.h"

static size_t values_of(const sr_cv_tensor* t, int64_t* v) {
  size_t n = sr_cv_n_values(t);
  for (size_t i = 0; i < n; i++) v[i] = sr_cv_value(t, i);
  return n;
}

static void set_known(sr_cv_ctx* c, int t, const int64_t* v, size_t n) {
  sr_cv_tensor* x = &sr_cv_g(c)->t[t];
  size_t count;
  if (n <= SR_CV_MAX_KNOWN && x->rank >= 0 && x->rank <= 1 && sr_cv_count(x, &count) && count == n)
    sr_cv_set_known(c->m, x, v, n);
}

/* ---- Const ---- */

static sigrun_status lower_const(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                 sr_cv_val* out, int n_out) {
  const sr_tf_attr* a = sr_tf_node_attr(node, "value");
  if (!a || a->kind != SR_TF_ATTR_TENSOR || !a->tensor)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "Const without a tensor 'value'");
  const sr_tf_tensor* v = a->tensor;
  int ok;
  sigrun_type type = sr_cv_type_from_tf(v->dtype, &ok);
  if (!ok || sigrun_type_size(type) == 0)
    return sr_cv_unsupported(c, node, "a %s constant", sr_tf_dtype_name(v->dtype));
  if (v->shape.unknown_rank || v->shape.rank > SR_MAX_RANK)
    return sr_cv_fail(c, node, SIGRUN_STATUS_UNSUPPORTED, "a constant of rank %zu", v->shape.rank);
  size_t nbytes;
  sigrun_status st = sr_tf_tensor_nbytes(v, &nbytes, c->error);
  if (st) return st;
  void* data = sr_pool_alloc(&c->m->pool, nbytes);
  if (!data) return sr_cv_oom(c);
  if ((st = sr_tf_tensor_read(v, data, nbytes, c->error))) return st;
  int t = sr_cv_add_const(c->m, sr_cv_g(c), node->name, type, (int)v->shape.rank, v->shape.dims, data, nbytes, c->error);
  if (t < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* ---- Shape, Rank, Size ---- */

static sigrun_status out_int_type(sr_cv_ctx* c, const sr_tf_node* node, sigrun_type* type) {
  const sr_tf_attr* a = sr_tf_node_attr(node, "out_type");
  *type = SIGRUN_TYPE_INT32;
  if (a && a->kind == SR_TF_ATTR_TYPE && a->type == SR_TF_INT64) *type = SIGRUN_TYPE_INT64;
  else if (a && a->kind == SR_TF_ATTR_TYPE && a->type != SR_TF_INT32)
    return sr_cv_unsupported(c, node, "out_type %s", sr_tf_dtype_name(a->type));
  return SIGRUN_STATUS_OK;
}

static int int_vector(sr_cv_ctx* c, const sr_tf_node* node, sigrun_type type, const int64_t* v, int n,
                      int as_scalar) {
  int64_t dims[1] = {n};
  void* data;
  int t = sr_cv_add_const_alloc(c->m, sr_cv_g(c), node->name, type, as_scalar ? 0 : 1, dims, &data, c->error);
  if (t >= 0)
    for (int i = 0; i < n; i++) sr_cv_set_i(data, type, (size_t)i, v[i]);
  return t;
}

static sigrun_status lower_shape(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                 sr_cv_val* out, int n_out) {
  sigrun_type type;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  if (!st) st = out_int_type(c, node, &type);
  if (st) return st;
  sr_cv_tensor tx = *sr_cv_tv(c, in[0]);
  if (tx.rank < 0) return sr_cv_unsupported(c, node, "the shape of a tensor of unknown rank");
  int t;
  if (sr_cv_static(&tx)) {
    t = int_vector(c, node, type, tx.dims, tx.rank, 0);
  } else {
    int64_t d[1] = {tx.rank};
    t = sr_cv_out_tensor(c, node, NULL, type, 1, d);
    sr_cv_opts o;
    memset(&o, 0, sizeof o);
    o.out_type = type;
    if (t < 0 || sr_cv_emit(c, SR_BUILTIN_SHAPE, &in[0].id, 1, &t, 1, &o) < 0) return c->error->status;
    int64_t known[SR_MAX_RANK];
    for (int i = 0; i < tx.rank; i++) known[i] = tx.dims[i] < 0 ? SR_CV_UNKNOWN : tx.dims[i];
    set_known(c, t, known, (size_t)tx.rank);
  }
  if (t < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_rank_size(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                     sr_cv_val* out, int n_out) {
  sigrun_type type = SIGRUN_TYPE_INT32;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  if (!st && strcmp(node->op, "Size") == 0) st = out_int_type(c, node, &type);
  if (st) return st;
  sr_cv_tensor tx = *sr_cv_tv(c, in[0]);
  int64_t v;
  size_t count;
  if (strcmp(node->op, "Rank") == 0) {
    if (tx.rank < 0) return sr_cv_unsupported(c, node, "the rank of a tensor of unknown rank");
    v = tx.rank;
  } else {
    if (!sr_cv_count(&tx, &count)) return sr_cv_unsupported(c, node, "the size of a tensor of dynamic shape");
    v = (int64_t)count;
  }
  int t = int_vector(c, node, type, &v, 1, 1);
  if (t < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* ---- Reshape, ExpandDims, Squeeze ---- */

static sigrun_status lower_reshape(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                   sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (st) return st;
  sr_cv_tensor ts = *sr_cv_tv(c, in[1]);
  if (ts.rank != 1 || ts.dims[0] < 0) return sr_cv_unsupported(c, node, "a shape operand of unknown length");
  if (ts.dims[0] > SR_MAX_RANK) return sr_cv_fail(c, node, SIGRUN_STATUS_UNSUPPORTED, "reshape to rank %lld", (long long)ts.dims[0]);
  int rank = (int)ts.dims[0];
  int64_t v[SR_CV_MAX_KNOWN];
  size_t n = values_of(&ts, v);
  int all = n == (size_t)rank && sr_cv_all_known(&ts);
  if (all) return sr_cv_reshape(c, node, in[0], rank, v, &out[0]);
  /* The shape is computed at run time: keep it, and take what is known for the static dims. */
  sr_cv_tensor tx = *sr_cv_tv(c, in[0]);
  int64_t d[SR_MAX_RANK];
  size_t known = 1, count;
  int infer = -1, unknown = 0;
  for (int i = 0; i < rank; i++) {
    int64_t x = n == (size_t)rank ? v[i] : SR_CV_UNKNOWN;
    d[i] = x == SR_CV_UNKNOWN || x < -1 ? -1 : x;
    if (x == -1) infer = i;
    else if (x == SR_CV_UNKNOWN) unknown++;
    else if (x >= 0) known *= (size_t)x;
  }
  if (infer >= 0 && !unknown && sr_cv_count(&tx, &count) && known && count % known == 0)
    d[infer] = (int64_t)(count / known);
  sr_cv_val shape = in[1];
  if (ts.type != SIGRUN_TYPE_INT32 && (st = sr_cv_cast(c, node, in[1], SIGRUN_TYPE_INT32, &shape))) return st;
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, rank, d);
  int ins[2] = {in[0].id, shape.id};
  if (t < 0 || sr_cv_emit(c, SR_BUILTIN_RESHAPE, ins, 2, &t, 1, NULL) < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* Reshape to dims when at most one of them is dynamic, else the given builtin with a scalar / vector operand. */
static sigrun_status reshape_or(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val x, int rank, const int64_t* d,
                                int code, const int32_t* operand, int n_operand, const sr_cv_opts* opts,
                                sr_cv_val* out) {
  int dynamic = 0;
  for (int i = 0; i < rank; i++) dynamic += d[i] < 0;
  sr_cv_tensor tx = *sr_cv_tv(c, x);
  if (dynamic <= 1 || tx.data) {
    if (tx.data && dynamic) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "a constant of dynamic shape");
    return sr_cv_reshape(c, node, x, rank, d, out);
  }
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, rank, d);
  int ins[2] = {x.id, -1}, n_ins = 1;
  if (operand) {
    ins[1] = sr_cv_const_i32(c->m, sr_cv_g(c), "axis", operand, n_operand, code == SR_BUILTIN_EXPAND_DIMS, c->error);
    if (ins[1] < 0) return c->error->status;
    n_ins = 2;
  }
  if (t < 0 || sr_cv_emit(c, code, ins, n_ins, &t, 1, opts) < 0) return c->error->status;
  *out = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_expand_dims(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                       sr_cv_val* out, int n_out) {
  int64_t axis;
  size_t n;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (!st) st = sr_cv_known_ints(c, node, in[1], "the axis", &axis, 1, &n);
  if (st) return st;
  if (n != 1) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "axis has %zu values", n);
  sr_cv_tensor tx = *sr_cv_tv(c, in[0]);
  if (tx.rank < 0) return sr_cv_unsupported(c, node, "an input of unknown rank");
  if (tx.rank + 1 > SR_MAX_RANK) return sr_cv_fail(c, node, SIGRUN_STATUS_UNSUPPORTED, "result rank above %d", SR_MAX_RANK);
  int a;
  if ((st = sr_cv_axis(c, node, axis, tx.rank + 1, &a))) return st;
  int64_t d[SR_MAX_RANK];
  for (int i = 0, k = 0; i <= tx.rank; i++) d[i] = i == a ? 1 : tx.dims[k++];
  int32_t a32 = a;
  /* LiteRT's converter keeps EXPAND_DIMS (Keras' Conv1D shows it); a constant input folds. */
  if (tx.data) return sr_cv_reshape(c, node, in[0], tx.rank + 1, d, &out[0]);
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, tx.rank + 1, d);
  int at = sr_cv_const_i32(c->m, sr_cv_g(c), "axis", &a32, 1, 1, c->error);
  int ins[2] = {in[0].id, at};
  if (t < 0 || at < 0 || sr_cv_emit(c, SR_BUILTIN_EXPAND_DIMS, ins, 2, &t, 1, NULL) < 0) return c->error->status;
  int64_t v[SR_CV_MAX_KNOWN];
  size_t nv = values_of(&tx, v);
  if (nv) set_known(c, t, v, nv);
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_squeeze(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                   sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  const int64_t* axes = NULL;
  size_t n_axes = 0;
  const sr_tf_attr* a = sr_tf_node_attr(node, "squeeze_dims");
  if (!st && a && a->kind == SR_TF_ATTR_LIST) st = sr_cv_attr_ints(c, node, "squeeze_dims", &axes, &n_axes);
  if (st) return st;
  sr_cv_tensor tx = *sr_cv_tv(c, in[0]);
  if (tx.rank < 0) return sr_cv_unsupported(c, node, "an input of unknown rank");
  int drop[SR_MAX_RANK] = {0};
  for (size_t i = 0; i < n_axes; i++) {
    int ax;
    if ((st = sr_cv_axis(c, node, axes[i], tx.rank, &ax))) return st;
    if (tx.dims[ax] > 1) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "dim %d has size %lld", ax, (long long)tx.dims[ax]);
    drop[ax] = 1;
  }
  for (int i = 0; i < tx.rank && !n_axes; i++) {
    if (tx.dims[i] < 0) return sr_cv_unsupported(c, node, "squeezing every size-1 dim of a dynamic shape");
    drop[i] = tx.dims[i] == 1;
  }
  int64_t d[SR_MAX_RANK];
  int32_t sq[SR_MAX_RANK];
  int rank = 0, n_sq = 0;
  for (int i = 0; i < tx.rank; i++) {
    if (drop[i])
      sq[n_sq++] = i;
    else
      d[rank++] = tx.dims[i];
  }
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.squeeze_dims = sr_pool_array(&c->m->pool, (size_t)(n_sq ? n_sq : 1), sizeof(int32_t));
  if (!o.squeeze_dims) return sr_cv_oom(c);
  memcpy(o.squeeze_dims, sq, (size_t)n_sq * sizeof(int32_t));
  o.n_squeeze_dims = n_sq;
  /* LiteRT's converter writes a RESHAPE (Conv1D's Squeeze shows it) when the result allows one. */
  return reshape_or(c, node, in[0], rank, d, SR_BUILTIN_SQUEEZE, NULL, 0, &o, &out[0]);
}

/* ---- Transpose, GatherV2 ---- */

static sigrun_status lower_transpose(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                     sr_cv_val* out, int n_out) {
  int64_t p[SR_MAX_RANK];
  size_t n;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (!st) st = sr_cv_known_ints(c, node, in[1], "the permutation", p, SR_MAX_RANK, &n);
  if (st) return st;
  if ((int)n != sr_cv_tv(c, in[0])->rank)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "a permutation of %zu dims for rank %d", n,
                      sr_cv_tv(c, in[0])->rank);
  int perm[SR_MAX_RANK];
  for (size_t i = 0; i < n; i++) perm[i] = p[i] < 0 || p[i] >= (int64_t)n ? -1 : (int)p[i];
  return sr_cv_transpose(c, node, in[0], perm, &out[0]);
}

static sigrun_status lower_gather(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                  sr_cv_val* out, int n_out) {
  int64_t axis = 0;
  size_t n = 1;
  int v2 = strcmp(node->op, "GatherV2") == 0;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, v2 ? 3 : 2);
  if (!st && v2) st = sr_cv_known_ints(c, node, in[2], "the axis", &axis, 1, &n);
  if (st) return st;
  return sr_cv_gather(c, node, in[0], in[1], (int)axis, (int)sr_cv_attr_int_or(node, "batch_dims", 0), &out[0]);
}

/* ---- Pack, Unpack, ConcatV2 ---- */

/* Concatenates (concat) or stacks (!concat) n inputs along axis, folding constants and known values. */
static sigrun_status join(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n, int64_t axis,
                          int concat, sr_cv_val* out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n, n);
  if (st) return st;
  if (n < 1) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "nothing to join");
  sr_cv_tensor t0 = *sr_cv_tv(c, in[0]);
  if (t0.rank < 0) return sr_cv_unsupported(c, node, "inputs of unknown rank");
  int rank = concat ? t0.rank : t0.rank + 1, a;
  if (rank > SR_MAX_RANK || rank == 0) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "result rank %d", rank);
  if ((st = sr_cv_axis(c, node, axis, rank, &a))) return st;
  int64_t d[SR_MAX_RANK];
  for (int i = 0, k = 0; i < rank; i++) d[i] = !concat && i == a ? n : t0.dims[k++];
  if (concat) d[a] = 0;
  int all_const = 1, all_values = 1;
  for (int j = 0; j < n; j++) {
    sr_cv_tensor* t = sr_cv_tv(c, in[j]);
    if (t->rank != t0.rank || t->type != t0.type)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "input %d has another rank or type", j);
    for (int i = 0, k = 0; i < rank; i++) {
      if (!concat && i == a) continue;
      int64_t x = t->dims[k++];
      if (concat && i == a)
        d[a] = d[a] < 0 || x < 0 ? -1 : d[a] + x;
      else if (d[i] < 0)
        d[i] = x;
    }
    all_const &= t->data != NULL;
    all_values &= sr_cv_n_values(t) > 0 || (t->rank == 1 && t->dims[0] == 0);
  }
  if (all_const && sr_cv_static(&t0) && sigrun_type_size(t0.type)) {
    /* Fold: copy each input's blocks of (its extent along the axis) x (inner size) elements. */
    size_t elem = sigrun_type_size(t0.type), outer = 1, inner = 1;
    for (int i = 0; i < a; i++) outer *= (size_t)d[i];
    for (int i = a + 1; i < rank; i++) inner *= (size_t)d[i];
    void* data;
    int t = sr_cv_add_const_alloc(c->m, sr_cv_g(c), node->name, t0.type, rank, d, &data, c->error);
    if (t < 0) return c->error->status;
    size_t row = (size_t)d[a] * inner * elem, off = 0;
    for (int j = 0; j < n; j++) {
      const sr_cv_tensor* x = sr_cv_tv(c, in[j]);
      size_t ext = concat ? (size_t)x->dims[a] : 1, blk = ext * inner * elem;
      for (size_t o = 0; o < outer; o++) memcpy((uint8_t*)data + o * row + off, (const uint8_t*)x->data + o * blk, blk);
      off += blk;
    }
    out[0] = sr_cv_tensor_val(t);
    return SIGRUN_STATUS_OK;
  }
  int* ins = sr_pool_array(&c->m->pool, (size_t)n, sizeof(int));
  if (!ins) return sr_cv_oom(c);
  for (int j = 0; j < n; j++) ins[j] = in[j].id;
  int t = sr_cv_out_tensor(c, node, NULL, t0.type, rank, d);
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.axis = a;
  o.values_count = n;
  if (t < 0 || sr_cv_emit(c, concat ? SR_BUILTIN_CONCATENATION : SR_BUILTIN_PACK, ins, n, &t, 1, &o) < 0)
    return c->error->status;
  if (all_values && rank == 1) {
    int64_t v[SR_CV_MAX_KNOWN], part[SR_CV_MAX_KNOWN];
    size_t k = 0;
    for (int j = 0; j < n && k <= SR_CV_MAX_KNOWN; j++) {
      size_t m = values_of(sr_cv_tv(c, in[j]), part);
      for (size_t i = 0; i < m && k < SR_CV_MAX_KNOWN; i++) v[k++] = part[i];
    }
    set_known(c, t, v, k);
  }
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_pack(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                sr_cv_val* out, int n_out) {
  return join(c, node, in, n_in, sr_cv_attr_int_or(node, "axis", 0), 0, &out[0]);
}

static sigrun_status lower_concat(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                  sr_cv_val* out, int n_out) {
  int64_t axis;
  size_t n;
  if (n_in < 2) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "ConcatV2 without an axis input");
  sigrun_status st = sr_cv_known_ints(c, node, in[n_in - 1], "the axis", &axis, 1, &n);
  if (st) return st;
  if (n_in == 2) { /* one value: the identity */
    out[0] = in[0];
    return SIGRUN_STATUS_OK;
  }
  return join(c, node, in, n_in - 1, axis, 1, &out[0]);
}

static sigrun_status lower_unpack(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                  sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  if (st) return st;
  sr_cv_tensor tx = *sr_cv_tv(c, in[0]);
  int a;
  if (tx.rank < 1) return sr_cv_unsupported(c, node, "an input of rank %d", tx.rank);
  if ((st = sr_cv_axis(c, node, sr_cv_attr_int_or(node, "axis", 0), tx.rank, &a))) return st;
  if (tx.dims[a] != n_out) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "%d outputs for dim %lld", n_out, (long long)tx.dims[a]);
  int64_t d[SR_MAX_RANK];
  for (int i = 0, k = 0; i < tx.rank; i++)
    if (i != a) d[k++] = tx.dims[i];
  /* Each output is a gather of one index along the axis: that folds constants and known values alike. */
  if (tx.data || sr_cv_n_values(&tx)) {
    for (int j = 0; j < n_out; j++) {
      int32_t idx = j;
      int it = sr_cv_const_i32(c->m, sr_cv_g(c), "index", &idx, 1, 1, c->error);
      if (it < 0 || (st = sr_cv_gather(c, node, in[0], sr_cv_tensor_val(it), a, 0, &out[j]))) return c->error->status;
    }
    return SIGRUN_STATUS_OK;
  }
  int* outs = sr_pool_array(&c->m->pool, (size_t)(n_out ? n_out : 1), sizeof(int));
  if (!outs) return sr_cv_oom(c);
  for (int j = 0; j < n_out; j++) {
    char suffix[32] = "";
    if (j) snprintf(suffix, sizeof suffix, ":%d", j);
    outs[j] = sr_cv_out_tensor(c, node, suffix, tx.type, tx.rank - 1, d);
    if (outs[j] < 0) return c->error->status;
    out[j] = sr_cv_tensor_val(outs[j]);
  }
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.values_count = n_out;
  o.axis = a;
  if (sr_cv_emit(c, SR_BUILTIN_UNPACK, &in[0].id, 1, outs, n_out, &o) < 0) return c->error->status;
  return SIGRUN_STATUS_OK;
}

const sr_cv_lowering sr_cv_shape_lowerings[] = {
    {"ConcatV2", lower_concat},
    {"Const", lower_const},
    {"ExpandDims", lower_expand_dims},
    {"Gather", lower_gather},
    {"GatherV2", lower_gather},
    {"Pack", lower_pack},
    {"Rank", lower_rank_size},
    {"Reshape", lower_reshape},
    {"Shape", lower_shape},
    {"Size", lower_rank_size},
    {"Squeeze", lower_squeeze},
    {"Transpose", lower_transpose},
    {"Unpack", lower_unpack},
    {NULL, NULL},
};
