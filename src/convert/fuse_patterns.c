/*
 * fuse_patterns.c — rewrites that recognize what Keras and tf.nn spell as several ops: exact GELU (erfc and erf
 * forms), tanh-approximate GELU, hard-swish, and identities (x + 0, x - 0, x * 1, x / 1) that LiteRT's
 * converter also drops. A pattern matches only when every intermediate tensor has its one reader inside the
 * pattern, so no value another operator needs disappears.
 */
#include <math.h>
#include <string.h>

#include "convert/fold.h"
#include "convert/fuse_internal.h"


/* 0.5 * x * erfc(-x / sqrt(2)) (Keras) and 0.5 * x * (1 + erf(x / sqrt(2))) (tf.nn.gelu) -> GELU(x). */
int sr_cv_match_gelu(sr_cv_fuser* f, int mul) {
  sr_cv_graph* g = sr_cv_fg(f);
  const sr_cv_op* m = &g->ops[mul];
  if (m->code != SR_BUILTIN_MUL || m->o.act || m->n_in != 2) return 0;
  const double inv_sqrt2 = 0.70710678118654752, sqrt2 = 1.41421356237309505;
  for (int side = 0; side < 2; side++) {
    int half = sr_cv_producer_is(f, m->in[side], SR_BUILTIN_MUL);
    if (half < 0 || sr_cv_sole(f, g->ops[half].out[0]) != mul) continue;
    const sr_cv_op* h = &g->ops[half];
    int x = sr_cv_is_splat(f, h->in[0], 0.5, 1e-7) ? h->in[1] : sr_cv_is_splat(f, h->in[1], 0.5, 1e-7) ? h->in[0] : -1;
    if (x < 0) continue;
    int rest = m->in[1 - side], kill[4], nk = 0;
    int e = sr_cv_producer_is(f, rest, SR_CV_PSEUDO_ERFC);
    if (e >= 0) { /* erfc(neg(x) * 1/sqrt2) */
      int s = sr_cv_producer_is(f, g->ops[e].in[0], SR_BUILTIN_MUL);
      if (s < 0 || sr_cv_sole(f, g->ops[e].in[0]) != e || sr_cv_sole(f, rest) != mul) continue;
      int neg_t = sr_cv_is_splat(f, g->ops[s].in[1], inv_sqrt2, 1e-6) ? g->ops[s].in[0]
                  : sr_cv_is_splat(f, g->ops[s].in[0], inv_sqrt2, 1e-6) ? g->ops[s].in[1] : -1;
      int neg = sr_cv_producer_is(f, neg_t, SR_BUILTIN_NEG);
      if (neg < 0 || g->ops[neg].in[0] != x || sr_cv_sole(f, neg_t) != s) continue;
      kill[nk++] = e, kill[nk++] = s, kill[nk++] = neg;
    } else { /* 1 + erf(x / sqrt2) */
      int add = sr_cv_producer_is(f, rest, SR_BUILTIN_ADD);
      if (add < 0 || g->ops[add].o.act || sr_cv_sole(f, rest) != mul) continue;
      const sr_cv_op* a = &g->ops[add];
      int erf_t = sr_cv_is_splat(f, a->in[0], 1.0, 1e-7) ? a->in[1] : sr_cv_is_splat(f, a->in[1], 1.0, 1e-7) ? a->in[0] : -1;
      int er = sr_cv_producer_is(f, erf_t, SR_CV_PSEUDO_ERF);
      if (er < 0 || sr_cv_sole(f, erf_t) != add) continue;
      int arg = g->ops[er].in[0], d = sr_cv_producer(f, arg);
      if (d < 0 || sr_cv_sole(f, arg) != er || g->ops[d].in[0] != x) continue;
      if (!((g->ops[d].code == SR_BUILTIN_DIV && sr_cv_is_splat(f, g->ops[d].in[1], sqrt2, 1e-6)) ||
            (g->ops[d].code == SR_BUILTIN_MUL && sr_cv_is_splat(f, g->ops[d].in[1], inv_sqrt2, 1e-6))))
        continue;
      kill[nk++] = add, kill[nk++] = er, kill[nk++] = d;
    }
    kill[nk++] = half;
    sr_cv_op* w = &g->ops[mul];
    w->code = SR_BUILTIN_GELU;
    w->in[0] = x;
    w->n_in = 1;
    memset(&w->o, 0, sizeof w->o);
    for (int i = 0; i < nk; i++) g->ops[kill[i]].dead = 1;
    return 1;
  }
  return 0;
}

/* x * (relu6(x + 3) / 6) (Keras hard_swish) -> HARD_SWISH(x). */
int sr_cv_match_hard_swish(sr_cv_fuser* f, int mul) {
  sr_cv_graph* g = sr_cv_fg(f);
  const sr_cv_op* m = &g->ops[mul];
  if (m->code != SR_BUILTIN_MUL || m->o.act || m->n_in != 2) return 0;
  for (int side = 0; side < 2; side++) {
    int x = m->in[side], q_t = m->in[1 - side], q = sr_cv_producer(f, q_t);
    if (q < 0 || sr_cv_sole(f, q_t) != mul) continue;
    const sr_cv_op* qo = &g->ops[q];
    int scaled = (qo->code == SR_BUILTIN_DIV && sr_cv_is_splat(f, qo->in[1], 6.0, 1e-6)) ||
                 (qo->code == SR_BUILTIN_MUL && sr_cv_is_splat(f, qo->in[1], 1.0 / 6.0, 1e-7));
    if (!scaled || qo->o.act) continue;
    int r_t = qo->in[0], r = sr_cv_producer(f, r_t), add = -1, kill[3], nk = 0;
    if (r < 0 || sr_cv_sole(f, r_t) != q) continue;
    if (g->ops[r].code == SR_BUILTIN_RELU6) {
      add = sr_cv_producer_is(f, g->ops[r].in[0], SR_BUILTIN_ADD);
      if (add < 0 || g->ops[add].o.act || sr_cv_sole(f, g->ops[r].in[0]) != r) continue;
      kill[nk++] = r;
    } else if (g->ops[r].code == SR_BUILTIN_ADD && g->ops[r].o.act == SR_CV_ACT_RELU6) {
      add = r;
    } else {
      continue;
    }
    const sr_cv_op* a = &g->ops[add];
    if (!((a->in[0] == x && sr_cv_is_splat(f, a->in[1], 3.0, 1e-6)) || (a->in[1] == x && sr_cv_is_splat(f, a->in[0], 3.0, 1e-6))))
      continue;
    kill[nk++] = add;
    kill[nk++] = q;
    sr_cv_op* w = &g->ops[mul];
    w->code = SR_BUILTIN_HARD_SWISH;
    w->in[0] = x;
    w->n_in = 1;
    memset(&w->o, 0, sizeof w->o);
    for (int i = 0; i < nk; i++) g->ops[kill[i]].dead = 1;
    return 1;
  }
  return 0;
}


/* One side of a commutative binary op being a splat constant v: the other side, or -1. */
static int other_than_splat(sr_cv_fuser* f, const sr_cv_op* op, double v, double tol) {
  if (op->n_in != 2 || op->o.act) return -1;
  if (sr_cv_is_splat(f, op->in[1], v, tol)) return op->in[0];
  if (sr_cv_is_splat(f, op->in[0], v, tol)) return op->in[1];
  return -1;
}

/* 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))) (Keras / tf.nn gelu, approximate) -> GELU(x,
 * approximate). x^3 is a POW by 3. */
int sr_cv_match_gelu_tanh(sr_cv_fuser* f, int mul) {
  sr_cv_graph* g = sr_cv_fg(f);
  const sr_cv_op* m = &g->ops[mul];
  if (m->code != SR_BUILTIN_MUL || m->o.act || m->n_in != 2) return 0;
  for (int side = 0; side < 2; side++) {
    int half = sr_cv_producer_is(f, m->in[side], SR_BUILTIN_MUL);
    int one_plus = sr_cv_producer_is(f, m->in[1 - side], SR_BUILTIN_ADD);
    if (half < 0 || one_plus < 0 || sr_cv_sole(f, m->in[side]) != mul || sr_cv_sole(f, m->in[1 - side]) != mul) continue;
    int x = other_than_splat(f, &g->ops[half], 0.5, 1e-7);
    int tanh_t = other_than_splat(f, &g->ops[one_plus], 1.0, 1e-7);
    int th = sr_cv_producer_is(f, tanh_t, SR_BUILTIN_TANH);
    if (x < 0 || th < 0 || sr_cv_sole(f, tanh_t) != one_plus) continue;
    int scaled_t = g->ops[th].in[0], scaled = sr_cv_producer_is(f, scaled_t, SR_BUILTIN_MUL);
    if (scaled < 0 || sr_cv_sole(f, scaled_t) != th) continue;
    int inner_t = other_than_splat(f, &g->ops[scaled], 0.7978845608028654, 1e-6);
    int inner = sr_cv_producer_is(f, inner_t, SR_BUILTIN_ADD);
    if (inner < 0 || sr_cv_sole(f, inner_t) != scaled || g->ops[inner].o.act) continue;
    const sr_cv_op* in_op = &g->ops[inner];
    int cube_term = in_op->in[0] == x ? in_op->in[1] : in_op->in[1] == x ? in_op->in[0] : -1;
    int k = sr_cv_producer_is(f, cube_term, SR_BUILTIN_MUL);
    if (k < 0 || sr_cv_sole(f, cube_term) != inner) continue;
    int cube_t = other_than_splat(f, &g->ops[k], 0.044715, 1e-7);
    int pw = sr_cv_producer_is(f, cube_t, SR_BUILTIN_POW);
    if (pw < 0 || sr_cv_sole(f, cube_t) != k || g->ops[pw].in[0] != x || !sr_cv_is_splat(f, g->ops[pw].in[1], 3.0, 0))
      continue;
    int kill[7] = {half, one_plus, th, scaled, inner, k, pw};
    sr_cv_op* w = &g->ops[mul];
    w->code = SR_BUILTIN_GELU;
    w->in[0] = x;
    w->n_in = 1;
    memset(&w->o, 0, sizeof w->o);
    w->o.approximate = 1;
    for (int i = 0; i < 7; i++) g->ops[kill[i]].dead = 1;
    return 1;
  }
  return 0;
}

/* Constant integer multiples all 1 (a TILE that copies). */
static int all_ones_int(sr_cv_fuser* f, int t) {
  const sr_cv_tensor* x = &sr_cv_fg(f)->t[t];
  size_t n;
  if (!x->data || !sr_cv_is_int(x->type) || !sr_cv_count(x, &n)) return 0;
  for (size_t i = 0; i < n; i++)
    if (sr_cv_elem_i(x->data, x->type, i) != 1) return 0;
  return 1;
}

/* x + 0, 0 + x, x - 0, x * 1, 1 * x, x / 1 with a float constant, and TILE by ones, that do not grow x's shape:
 * every reader of the result reads x instead. A result that is a subgraph output is left alone (it carries the
 * output name). */
int sr_cv_drop_identity(sr_cv_fuser* f, int op) {
  sr_cv_graph* g = sr_cv_fg(f);
  const sr_cv_op* o = &g->ops[op];
  if (o->n_in != 2 || o->o.act || o->n_out != 1) return 0;
  int x = -1;
  switch (o->code) {
    case SR_BUILTIN_ADD: x = other_than_splat(f, o, 0.0, 0.0); break;
    case SR_BUILTIN_MUL: x = other_than_splat(f, o, 1.0, 0.0); break;
    case SR_BUILTIN_SUB: x = sr_cv_is_splat(f, o->in[1], 0.0, 0.0) ? o->in[0] : -1; break;
    case SR_BUILTIN_DIV: x = sr_cv_is_splat(f, o->in[1], 1.0, 0.0) ? o->in[0] : -1; break;
    case SR_BUILTIN_TILE: x = all_ones_int(f, o->in[1]) ? o->in[0] : -1; break;
    default: return 0;
  }
  if (x < 0 || g->t[x].data) return 0;
  int out = o->out[0];
  for (int i = 0; i < g->n_outputs; i++)
    if (g->outputs[i] == out) return 0;
  const sr_cv_tensor *a = &g->t[x], *b = &g->t[out];
  if (a->type != b->type || a->rank != b->rank) return 0;
  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i]) return 0;
  sr_cv_replace_uses(g, out, x);
  g->ops[op].dead = 1;
  return 1;
}
