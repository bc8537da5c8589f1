/*
 * lower_reduce.c — reductions over known axes (Mean, Sum, Prod, Max, Min, All, Any) and ArgMax / ArgMin. The
 * axes operand becomes an int32 constant as LiteRT's kernels read it; constant inputs fold (integers exactly in
 * int64, floats in double), and Prod of a partially known shape vector (Keras' tensordot) stays known when
 * every factor is.
 */
#include <math.h>
#include <string.h>

#include "convert/fold.h"
#include "convert/lower.h"

typedef struct reduce_kind {
  const char* op;
  int code;
} reduce_kind;

static const reduce_kind k_reduce[] = {
    {"Mean", SR_BUILTIN_MEAN},      {"Sum", SR_BUILTIN_SUM},        {"Prod", SR_BUILTIN_REDUCE_PROD},
    {"Max", SR_BUILTIN_REDUCE_MAX}, {"Min", SR_BUILTIN_REDUCE_MIN}, {"Any", SR_BUILTIN_REDUCE_ANY},
    {"All", SR_BUILTIN_REDUCE_ALL}, {NULL, 0},
};

static double combine_f(int code, double acc, double x) {
  switch (code) {
    case SR_BUILTIN_REDUCE_PROD: return acc * x;
    case SR_BUILTIN_REDUCE_MAX: return x > acc ? x : acc;
    case SR_BUILTIN_REDUCE_MIN: return x < acc ? x : acc;
    case SR_BUILTIN_REDUCE_ANY: return acc != 0 || x != 0;
    case SR_BUILTIN_REDUCE_ALL: return acc != 0 && x != 0;
    default: return acc + x;
  }
}

static int64_t combine_i(int code, int64_t acc, int64_t x) {
  switch (code) {
    case SR_BUILTIN_REDUCE_PROD: return (int64_t)((uint64_t)acc * (uint64_t)x);
    case SR_BUILTIN_REDUCE_MAX: return x > acc ? x : acc;
    case SR_BUILTIN_REDUCE_MIN: return x < acc ? x : acc;
    case SR_BUILTIN_REDUCE_ANY: return acc != 0 || x != 0;
    case SR_BUILTIN_REDUCE_ALL: return acc != 0 && x != 0;
    default: return (int64_t)((uint64_t)acc + (uint64_t)x);
  }
}

/* Folds a reduction of a static constant: out index = in index with the reduced dims dropped. */
static int fold_reduce(int code, const sr_cv_tensor* x, const int* reduced, void* out, size_t out_count) {
  size_t count, group = 1;
  sr_cv_count(x, &count);
  for (int i = 0; i < x->rank; i++)
    if (reduced[i]) group *= (size_t)x->dims[i];
  int as_float = sr_cv_is_float(x->type);
  double* accf = as_float ? sr_calloc(out_count ? out_count : 1, sizeof *accf) : NULL;
  int64_t* acci = as_float ? NULL : sr_calloc(out_count ? out_count : 1, sizeof *acci);
  uint8_t* seen = sr_calloc(out_count ? out_count : 1, 1);
  if ((as_float ? !accf : !acci) || !seen) {
    sr_free(accf);
    sr_free(acci);
    sr_free(seen);
    return 0;
  }
  int64_t idx[SR_MAX_RANK] = {0};
  for (size_t i = 0; i < count; i++) {
    size_t o = 0;
    for (int d = 0; d < x->rank; d++)
      if (!reduced[d]) o = o * (size_t)x->dims[d] + (size_t)idx[d];
    if (as_float) {
      double v = sr_cv_elem_f(x->data, x->type, i);
      accf[o] = seen[o] ? combine_f(code, accf[o], v) : v;
    } else {
      int64_t v = sr_cv_elem_i(x->data, x->type, i);
      acci[o] = seen[o] ? combine_i(code, acci[o], v) : v;
    }
    seen[o] = 1;
    for (int d = x->rank - 1; d >= 0; d--) {
      if (++idx[d] < x->dims[d]) break;
      idx[d] = 0;
    }
  }
  for (size_t o = 0; o < out_count; o++) {
    if (as_float) {
      double v = seen[o] ? accf[o] : code == SR_BUILTIN_REDUCE_PROD ? 1 : 0;
      if (code == SR_BUILTIN_MEAN) v = group ? v / (double)group : NAN;
      sr_cv_set_f(out, x->type, o, v);
    } else {
      int64_t v = seen[o] ? acci[o] : code == SR_BUILTIN_REDUCE_PROD ? 1 : 0;
      if (code == SR_BUILTIN_MEAN) v = group ? v / (int64_t)group : 0;
      sr_cv_set_i(out, x->type, o, v);
    }
  }
  sr_free(accf);
  sr_free(acci);
  sr_free(seen);
  return 1;
}

static sigrun_status lower_reduce(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                  sr_cv_val* out, int n_out) {
  int64_t axes[SR_MAX_RANK * 2];
  size_t n_axes;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (!st) st = sr_cv_known_ints(c, node, in[1], "the axes", axes, SR_MAX_RANK * 2, &n_axes);
  if (st) return st;
  int code = 0;
  for (const reduce_kind* k = k_reduce; k->op; k++)
    if (strcmp(k->op, node->op) == 0) code = k->code;
  int keep = sr_cv_attr_bool_or(node, "keep_dims", 0);
  sr_cv_tensor x = *sr_cv_tv(c, in[0]);
  if (x.rank < 0) return sr_cv_unsupported(c, node, "an input of unknown rank");
  int reduced[SR_MAX_RANK] = {0};
  for (size_t i = 0; i < n_axes; i++) {
    int a;
    if ((st = sr_cv_axis(c, node, axes[i], x.rank, &a))) return st;
    reduced[a] = 1;
  }
  int64_t d[SR_MAX_RANK];
  int rank = 0;
  for (int i = 0; i < x.rank; i++) {
    if (!reduced[i])
      d[rank++] = x.dims[i];
    else if (keep)
      d[rank++] = 1;
  }
  size_t out_count, bytes;
  sr_cv_tensor probe = x;
  probe.rank = rank;
  memcpy(probe.dims, d, sizeof d);
  if (x.data && sr_cv_static(&x) && sr_cv_count(&probe, &out_count) &&
      sr_mul_size(out_count, sigrun_type_size(x.type), &bytes) && bytes <= SR_CV_FOLD_MAX_BYTES &&
      sigrun_type_size(x.type)) {
    void* data;
    int t = sr_cv_add_const_alloc(c->m, sr_cv_g(c), node->name, x.type, rank, d, &data, c->error);
    if (t < 0) return c->error->status;
    if (!fold_reduce(code, &x, reduced, data, out_count)) return sr_cv_oom(c);
    out[0] = sr_cv_tensor_val(t);
    return SIGRUN_STATUS_OK;
  }
  int32_t ax32[SR_MAX_RANK];
  int n32 = 0;
  for (int i = 0; i < x.rank; i++)
    if (reduced[i]) ax32[n32++] = i;
  int at = sr_cv_const_i32(c->m, sr_cv_g(c), "axes", ax32, n32, 0, c->error);
  int t = sr_cv_out_tensor(c, node, NULL, x.type, rank, d);
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.keep_dims = keep;
  int ins[2] = {in[0].id, at};
  if (at < 0 || t < 0 || sr_cv_emit(c, code, ins, 2, &t, 1, &o) < 0) return c->error->status;
  /* Prod / Sum of a partially known vector: known when every element is. */
  size_t nv = sr_cv_n_values(&x);
  if (nv && x.rank == 1 && reduced[0] && (code == SR_BUILTIN_REDUCE_PROD || code == SR_BUILTIN_SUM)) {
    int64_t acc = code == SR_BUILTIN_REDUCE_PROD ? 1 : 0;
    for (size_t i = 0; i < nv && acc != SR_CV_UNKNOWN; i++) {
      int64_t v = sr_cv_value(&x, i);
      acc = v == SR_CV_UNKNOWN ? SR_CV_UNKNOWN : combine_i(code, acc, v);
    }
    sr_cv_set_known(c->m, &sr_cv_g(c)->t[t], &acc, 1);
  }
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_arg(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, sr_cv_val* out,
                               int n_out) {
  int64_t axis;
  size_t n;
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (!st) st = sr_cv_known_ints(c, node, in[1], "the axis", &axis, 1, &n);
  if (st) return st;
  sr_cv_tensor x = *sr_cv_tv(c, in[0]);
  int a;
  if (x.rank < 1) return sr_cv_unsupported(c, node, "an input of rank %d", x.rank);
  if ((st = sr_cv_axis(c, node, axis, x.rank, &a))) return st;
  const sr_tf_attr* ot = sr_tf_node_attr(node, "output_type");
  sigrun_type type = ot && ot->kind == SR_TF_ATTR_TYPE && ot->type == SR_TF_INT32 ? SIGRUN_TYPE_INT32 : SIGRUN_TYPE_INT64;
  int64_t d[SR_MAX_RANK];
  for (int i = 0, k = 0; i < x.rank; i++)
    if (i != a) d[k++] = x.dims[i];
  int32_t a32 = a;
  int at = sr_cv_const_i32(c->m, sr_cv_g(c), "axis", &a32, 1, 0, c->error);
  int t = sr_cv_out_tensor(c, node, NULL, type, x.rank - 1, d);
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.out_type = type;
  int ins[2] = {in[0].id, at};
  int code = strcmp(node->op, "ArgMax") == 0 ? SR_BUILTIN_ARG_MAX : SR_BUILTIN_ARG_MIN;
  if (at < 0 || t < 0 || sr_cv_emit(c, code, ins, 2, &t, 1, &o) < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

const sr_cv_lowering sr_cv_reduce_lowerings[] = {
    {"All", lower_reduce},  {"Any", lower_reduce},  {"ArgMax", lower_arg}, {"ArgMin", lower_arg},
    {"Max", lower_reduce},  {"Mean", lower_reduce}, {"Min", lower_reduce}, {"Prod", lower_reduce},
    {"Sum", lower_reduce},  {NULL, NULL},
};
