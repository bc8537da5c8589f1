/*
 * lower_util.c — the building blocks of lower.h and the handler lookup. Each block infers its output shape,
 * folds when every input is a constant with known shape, propagates partially known integer values, and
 * otherwise emits the builtin. Tensor pointers are re-fetched after every tensor or operator is added, since
 * the arrays may move.
 */
#include <stdio.h>
#include <string.h>

#include "convert/fold.h"
#include "convert/lower.h"

sr_cv_lower_fn sr_cv_find_lowering(const char* op) {
  const sr_cv_lowering* tables[] = {sr_cv_var_lowerings,    sr_cv_math_lowerings,   sr_cv_nn_lowerings,
                                    sr_cv_shape_lowerings,  sr_cv_shape2_lowerings, sr_cv_reduce_lowerings,
                                    sr_cv_einsum_lowerings};
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
    for (const sr_cv_lowering* l = tables[t]; l->op; l++)
      if (strcmp(l->op, op) == 0) return l->fn;
  return NULL;
}

int sr_cv_is_const(sr_cv_ctx* c, sr_cv_val v) { return v.kind == SR_CV_VAL_TENSOR && sr_cv_tv(c, v)->data != NULL; }

sigrun_status sr_cv_need_inputs(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, int n) {
  if (n_in < n) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "has %d inputs, needs %d", n_in, n);
  for (int i = 0; i < n; i++)
    if (in[i].kind != SR_CV_VAL_TENSOR) return sr_cv_unsupported(c, node, "input %d is not a tensor", i);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cv_known_ints(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val v, const char* what, int64_t* out,
                               size_t max, size_t* n) {
  if (v.kind != SR_CV_VAL_TENSOR) return sr_cv_unsupported(c, node, "%s is not a tensor", what);
  const sr_cv_tensor* t = sr_cv_tv(c, v);
  size_t count = 0;
  if (t->data && sr_cv_is_int(t->type) && sr_cv_count(t, &count) && count <= max) {
    for (size_t i = 0; i < count; i++) out[i] = sr_cv_elem_i(t->data, t->type, i);
    *n = count;
    return SIGRUN_STATUS_OK;
  }
  if (!sr_cv_all_known(t) || sr_cv_n_values(t) > max)
    return sr_cv_unsupported(c, node, "%s is known only at run time", what);
  *n = sr_cv_n_values(t);
  for (size_t i = 0; i < *n; i++) out[i] = sr_cv_value(t, i);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cv_axis(sr_cv_ctx* c, const sr_tf_node* node, int64_t axis, int rank, int* out) {
  if (axis < -(int64_t)rank || axis >= rank)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "axis %lld is out of range for rank %d", (long long)axis,
                      rank);
  *out = (int)(axis < 0 ? axis + rank : axis);
  return SIGRUN_STATUS_OK;
}

int sr_cv_out_tensor(sr_cv_ctx* c, const sr_tf_node* node, const char* suffix, sigrun_type type, int rank,
                     const int64_t* dims) {
  return sr_cv_new_tensor(c, node, suffix, type, rank, dims);
}

sigrun_status sr_cv_broadcast(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_tensor* a, const sr_cv_tensor* b,
                              int* rank, int64_t* dims) {
  if (a->rank < 0 || b->rank < 0) {
    *rank = -1;
    return SIGRUN_STATUS_OK;
  }
  int r = a->rank > b->rank ? a->rank : b->rank;
  for (int i = 0; i < r; i++) {
    int ia = i - (r - a->rank), ib = i - (r - b->rank);
    int64_t x = ia >= 0 ? a->dims[ia] : 1, y = ib >= 0 ? b->dims[ib] : 1;
    if (x == 1)
      dims[i] = y;
    else if (y == 1)
      dims[i] = x;
    else if (x == -1 || y == -1)
      dims[i] = x == -1 ? y : x;
    else if (x == y)
      dims[i] = x;
    else
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "shapes do not broadcast: dim %d is %lld vs %lld", i,
                        (long long)x, (long long)y);
  }
  *rank = r;
  return SIGRUN_STATUS_OK;
}

/* A constant result of rank/dims for node, or -1 when it would be too big to fold (not an error). */
static int fold_target(sr_cv_ctx* c, const sr_tf_node* node, sigrun_type type, int rank, const int64_t* dims,
                       void** data, sigrun_status* st) {
  sr_cv_tensor probe;
  memset(&probe, 0, sizeof probe);
  probe.rank = rank;
  for (int i = 0; i < rank; i++) probe.dims[i] = dims[i];
  size_t count, bytes;
  *st = SIGRUN_STATUS_OK;
  if (rank < 0 || !sr_cv_count(&probe, &count) || !sr_mul_size(count, sigrun_type_size(type), &bytes) ||
      bytes > SR_CV_FOLD_MAX_BYTES || sigrun_type_size(type) == 0)
    return -1;
  int t = sr_cv_add_const_alloc(c->m, sr_cv_g(c), node->name, type, rank, dims, data, c->error);
  if (t < 0) *st = c->error->status;
  return t;
}

static int is_compare(int code) {
  return code == SR_BUILTIN_LESS || code == SR_BUILTIN_LESS_EQUAL || code == SR_BUILTIN_GREATER ||
         code == SR_BUILTIN_GREATER_EQUAL || code == SR_BUILTIN_EQUAL || code == SR_BUILTIN_NOT_EQUAL ||
         code == SR_BUILTIN_LOGICAL_AND || code == SR_BUILTIN_LOGICAL_OR;
}

/* Copies partially known values into a result of at most SR_CV_MAX_KNOWN elements. */
static void set_known(sr_cv_ctx* c, int t, const int64_t* v, size_t n) {
  sr_cv_tensor* x = &sr_cv_g(c)->t[t];
  size_t count;
  if (n <= SR_CV_MAX_KNOWN && x->rank >= 0 && x->rank <= 1 && sr_cv_count(x, &count) && count == n)
    sr_cv_set_known(c->m, x, v, n);
}

static size_t values_of(const sr_cv_tensor* t, int64_t* v) {
  size_t n = sr_cv_n_values(t);
  for (size_t i = 0; i < n; i++) v[i] = sr_cv_value(t, i);
  return n;
}

sigrun_status sr_cv_binary(sr_cv_ctx* c, const sr_tf_node* node, int code, sr_cv_val a, sr_cv_val b,
                           sr_cv_val* out) {
  if (a.kind != SR_CV_VAL_TENSOR || b.kind != SR_CV_VAL_TENSOR)
    return sr_cv_unsupported(c, node, "an input is not a tensor");
  sr_cv_tensor ta = *sr_cv_tv(c, a), tb = *sr_cv_tv(c, b);
  if (ta.type != tb.type)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "inputs have types %s and %s", sigrun_type_name(ta.type),
                      sigrun_type_name(tb.type));
  sigrun_type type = is_compare(code) ? SIGRUN_TYPE_BOOL : ta.type;
  int rank;
  int64_t dims[SR_MAX_RANK];
  sigrun_status st = sr_cv_broadcast(c, node, &ta, &tb, &rank, dims);
  if (st) return st;
  if (ta.data && tb.data && sr_cv_foldable_binary(code)) {
    void* data;
    int t = fold_target(c, node, type, rank, dims, &data, &st);
    if (st) return st;
    if (t >= 0) {
      sr_cv_fold_binary(code, &ta, &tb, type, rank, dims, data);
      *out = sr_cv_tensor_val(t);
      return SIGRUN_STATUS_OK;
    }
  }
  int t = sr_cv_out_tensor(c, node, NULL, type, rank, dims);
  int ins[2] = {a.id, b.id};
  if (t < 0 || sr_cv_emit(c, code, ins, 2, &t, 1, NULL) < 0) return c->error->status;
  int64_t va[SR_CV_MAX_KNOWN], vb[SR_CV_MAX_KNOWN], vo[SR_CV_MAX_KNOWN];
  size_t na = values_of(&ta, va), nb = values_of(&tb, vb), count;
  if (na && nb && (na == nb || na == 1 || nb == 1) && sr_cv_count(&sr_cv_g(c)->t[t], &count) &&
      count == (na > nb ? na : nb) && sr_cv_is_int(type)) {
    sr_cv_fold_binary_known(code, va, na, vb, nb, vo, count);
    set_known(c, t, vo, count);
  }
  *out = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cv_unary(sr_cv_ctx* c, const sr_tf_node* node, int code, sr_cv_val a, const sr_cv_opts* opts,
                          sr_cv_val* out) {
  if (a.kind != SR_CV_VAL_TENSOR) return sr_cv_unsupported(c, node, "the input is not a tensor");
  sr_cv_tensor ta = *sr_cv_tv(c, a);
  sigrun_type type = code == SR_BUILTIN_LOGICAL_NOT ? SIGRUN_TYPE_BOOL : ta.type;
  if (ta.data && sr_cv_foldable_unary(code)) {
    void* data;
    sigrun_status st;
    int t = fold_target(c, node, type, ta.rank, ta.dims, &data, &st);
    if (st) return st;
    if (t >= 0) {
      sr_cv_fold_unary(code, opts, &ta, type, data);
      *out = sr_cv_tensor_val(t);
      return SIGRUN_STATUS_OK;
    }
  }
  int t = sr_cv_out_tensor(c, node, NULL, type, ta.rank, ta.dims);
  if (t < 0 || sr_cv_emit(c, code, &a.id, 1, &t, 1, opts) < 0) return c->error->status;
  *out = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cv_reshape(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val x, int rank, const int64_t* dims,
                            sr_cv_val* out) {
  if (x.kind != SR_CV_VAL_TENSOR) return sr_cv_unsupported(c, node, "the input is not a tensor");
  sr_cv_tensor tx = *sr_cv_tv(c, x);
  int64_t d[SR_MAX_RANK];
  if (rank > SR_MAX_RANK) return sr_cv_fail(c, node, SIGRUN_STATUS_UNSUPPORTED, "rank %d is above %d", rank, SR_MAX_RANK);
  size_t known = 1, count;
  int infer = -1;
  for (int i = 0; i < rank; i++) {
    d[i] = dims[i];
    if (dims[i] == -1 && infer < 0)
      infer = i;
    else if (dims[i] < 0)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "reshape to dim %lld", (long long)dims[i]);
    else if (!sr_mul_size(known, (size_t)dims[i], &known))
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "reshape to a shape too large");
  }
  int have_count = sr_cv_count(&tx, &count);
  if (infer >= 0 && have_count) {
    if (known == 0 || count % known)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "cannot reshape %zu elements with a -1 dim", count);
    d[infer] = (int64_t)(count / known);
  } else if (infer < 0 && have_count && known != count) {
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "cannot reshape %zu elements into %zu", count, known);
  }
  if (tx.data) {
    int t = sr_cv_add_const(c->m, sr_cv_g(c), node->name, tx.type, rank, d, tx.data, tx.nbytes, c->error);
    if (t < 0) return c->error->status;
    *out = sr_cv_tensor_val(t);
    return SIGRUN_STATUS_OK;
  }
  int32_t shape[SR_MAX_RANK];
  for (int i = 0; i < rank; i++) shape[i] = (int32_t)dims[i];
  int s = sr_cv_const_i32(c->m, sr_cv_g(c), "shape", shape, rank, 0, c->error);
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, rank, d);
  int ins[2] = {x.id, s};
  if (s < 0 || t < 0 || sr_cv_emit(c, SR_BUILTIN_RESHAPE, ins, 2, &t, 1, NULL) < 0) return c->error->status;
  int64_t v[SR_CV_MAX_KNOWN];
  size_t n = values_of(&tx, v);
  if (n) set_known(c, t, v, n);
  *out = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cv_transpose(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val x, const int* perm, sr_cv_val* out) {
  if (x.kind != SR_CV_VAL_TENSOR) return sr_cv_unsupported(c, node, "the input is not a tensor");
  sr_cv_tensor tx = *sr_cv_tv(c, x);
  if (tx.rank < 0) return sr_cv_unsupported(c, node, "transpose of a tensor of unknown rank");
  int64_t d[SR_MAX_RANK];
  int seen = 0;
  for (int i = 0; i < tx.rank; i++) {
    if (perm[i] < 0 || perm[i] >= tx.rank || (seen >> perm[i]) & 1)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "not a permutation of %d dims", tx.rank);
    seen |= 1 << perm[i];
    d[i] = tx.dims[perm[i]];
  }
  if (tx.data && sigrun_type_size(tx.type)) {
    void* data;
    sigrun_status st;
    int t = fold_target(c, node, tx.type, tx.rank, d, &data, &st);
    if (st) return st;
    if (t >= 0) {
      sr_cv_fold_transpose(tx.data, sigrun_type_size(tx.type), tx.rank, tx.dims, perm, data);
      *out = sr_cv_tensor_val(t);
      return SIGRUN_STATUS_OK;
    }
  }
  int32_t p[SR_MAX_RANK];
  for (int i = 0; i < tx.rank; i++) p[i] = perm[i];
  int pt = sr_cv_const_i32(c->m, sr_cv_g(c), "perm", p, tx.rank, 0, c->error);
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, tx.rank, d);
  int ins[2] = {x.id, pt};
  if (pt < 0 || t < 0 || sr_cv_emit(c, SR_BUILTIN_TRANSPOSE, ins, 2, &t, 1, NULL) < 0) return c->error->status;
  *out = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cv_gather(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val params, sr_cv_val indices, int axis,
                           int batch_dims, sr_cv_val* out) {
  if (params.kind != SR_CV_VAL_TENSOR || indices.kind != SR_CV_VAL_TENSOR)
    return sr_cv_unsupported(c, node, "an input is not a tensor");
  sr_cv_tensor tp = *sr_cv_tv(c, params), ti = *sr_cv_tv(c, indices);
  if (tp.rank < 0 || ti.rank < 0) return sr_cv_unsupported(c, node, "a gather input has unknown rank");
  sigrun_status st;
  if ((st = sr_cv_axis(c, node, axis, tp.rank, &axis))) return st;
  if (batch_dims < 0) batch_dims += ti.rank;
  if (batch_dims < 0 || batch_dims > axis || batch_dims > ti.rank)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "batch_dims %d does not fit", batch_dims);
  int rank = tp.rank - 1 + ti.rank - batch_dims;
  if (rank > SR_MAX_RANK) return sr_cv_fail(c, node, SIGRUN_STATUS_UNSUPPORTED, "result rank %d", rank);
  int64_t d[SR_MAX_RANK];
  int k = 0;
  for (int i = 0; i < axis; i++) d[k++] = tp.dims[i];
  for (int i = batch_dims; i < ti.rank; i++) d[k++] = ti.dims[i];
  for (int i = axis + 1; i < tp.rank; i++) d[k++] = tp.dims[i];
  if (tp.data && ti.data && batch_dims == 0 && sigrun_type_size(tp.type)) {
    void* data;
    int t = fold_target(c, node, tp.type, rank, d, &data, &st);
    if (st) return st;
    if (t >= 0) {
      size_t outer = 1, inner = 1, n_idx;
      for (int i = 0; i < axis; i++) outer *= (size_t)tp.dims[i];
      for (int i = axis + 1; i < tp.rank; i++) inner *= (size_t)tp.dims[i];
      sr_cv_count(&ti, &n_idx);
      size_t elem = sigrun_type_size(tp.type), row = inner * elem, axis_n = (size_t)tp.dims[axis];
      for (size_t o = 0; o < outer; o++)
        for (size_t j = 0; j < n_idx; j++) {
          int64_t ix = sr_cv_elem_i(ti.data, ti.type, j);
          if (ix < 0 || (uint64_t)ix >= axis_n)
            return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "index %lld is out of range [0, %zu)",
                              (long long)ix, axis_n);
          memcpy((uint8_t*)data + (o * n_idx + j) * row,
                 (const uint8_t*)tp.data + (o * axis_n + (size_t)ix) * row, row);
        }
      *out = sr_cv_tensor_val(t);
      return SIGRUN_STATUS_OK;
    }
  }
  int t = sr_cv_out_tensor(c, node, NULL, tp.type, rank, d);
  int ins[2] = {params.id, indices.id};
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.axis = axis;
  o.batch_dims = batch_dims;
  if (t < 0 || sr_cv_emit(c, SR_BUILTIN_GATHER, ins, 2, &t, 1, &o) < 0) return c->error->status;
  /* Gathering from a partially known vector (a Shape) with known indices keeps what is known. */
  int64_t vp[SR_CV_MAX_KNOWN], vi[SR_CV_MAX_KNOWN], vo[SR_CV_MAX_KNOWN];
  size_t np = values_of(&tp, vp), ni = values_of(&ti, vi);
  if (np && ni && tp.rank == 1 && ti.rank <= 1) {
    for (size_t j = 0; j < ni; j++)
      vo[j] = vi[j] >= 0 && (size_t)vi[j] < np ? vp[vi[j]] : SR_CV_UNKNOWN;
    set_known(c, t, vo, ni);
  }
  *out = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cv_cast(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val x, sigrun_type type, sr_cv_val* out) {
  if (x.kind != SR_CV_VAL_TENSOR) return sr_cv_unsupported(c, node, "the input is not a tensor");
  sr_cv_tensor tx = *sr_cv_tv(c, x);
  if (tx.type == type) {
    *out = x;
    return SIGRUN_STATUS_OK;
  }
  if (tx.data && sigrun_type_size(type) && sigrun_type_size(tx.type)) {
    void* data;
    sigrun_status st;
    int t = fold_target(c, node, type, tx.rank, tx.dims, &data, &st);
    if (st) return st;
    if (t >= 0) {
      size_t count;
      sr_cv_count(&tx, &count);
      for (size_t i = 0; i < count; i++) {
        if (sr_cv_is_float(tx.type) && sr_cv_is_float(type))
          sr_cv_set_f(data, type, i, sr_cv_elem_f(tx.data, tx.type, i));
        else if (sr_cv_is_float(type))
          sr_cv_set_f(data, type, i, (double)sr_cv_elem_i(tx.data, tx.type, i));
        else if (type == SIGRUN_TYPE_BOOL)
          sr_cv_set_i(data, type, i, sr_cv_elem_f(tx.data, tx.type, i) != 0);
        else
          sr_cv_set_i(data, type, i, sr_cv_elem_i(tx.data, tx.type, i));
      }
      *out = sr_cv_tensor_val(t);
      return SIGRUN_STATUS_OK;
    }
  }
  int t = sr_cv_out_tensor(c, node, NULL, type, tx.rank, tx.dims);
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.in_type = tx.type;
  o.out_type = type;
  if (t < 0 || sr_cv_emit(c, SR_BUILTIN_CAST, &x.id, 1, &t, 1, &o) < 0) return c->error->status;
  int64_t v[SR_CV_MAX_KNOWN];
  size_t n = values_of(&tx, v);
  if (n && sr_cv_is_int(type) && sr_cv_is_int(tx.type)) set_known(c, t, v, n);
  *out = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}
