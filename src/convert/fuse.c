/*
 * fuse.c — the subgraph rewrites of fuse.h. Reader counts are indexed once per round; a rewrite only kills
 * operators and moves an output tensor to an earlier producer, which leaves every other count valid, so a
 * round can apply many rewrites. Rounds repeat until nothing changes (a BatchNorm MUL folds, then its ADD).
 */
#include "convert/fuse.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "convert/fold.h"
#include "convert/fuse_internal.h"

static sigrun_status oom(sr_cv_fuser* f) { return sr_fail(f->error, SIGRUN_STATUS_NO_MEMORY, "out of memory while fusing"); }

int sr_cv_fuser_index(sr_cv_fuser* f) {
  sr_cv_graph* g = sr_cv_fg(f);
  if (g->n_t > f->n) {
    int* a = sr_realloc(f->readers, (size_t)g->n_t * sizeof *a);
    if (!a) return 0;
    f->readers = a;
    int* b = sr_realloc(f->reader, (size_t)g->n_t * sizeof *b);
    if (!b) return 0;
    f->reader = b;
    f->n = g->n_t;
  }
  for (int i = 0; i < g->n_t; i++) f->readers[i] = 0, f->reader[i] = -1;
  for (int o = 0; o < g->n_ops; o++) {
    const sr_cv_op* op = &g->ops[o];
    if (op->dead) continue;
    for (int i = 0; i < op->n_in; i++)
      if (op->in[i] >= 0) {
        f->readers[op->in[i]]++;
        f->reader[op->in[i]] = o;
      }
  }
  for (int i = 0; i < g->n_outputs; i++) f->readers[g->outputs[i]]++;
  return 1;
}

int sr_cv_sole(sr_cv_fuser* f, int t) { return t >= 0 && t < f->n && f->readers[t] == 1 ? f->reader[t] : -1; }

int sr_cv_producer(sr_cv_fuser* f, int t) {
  sr_cv_graph* g = sr_cv_fg(f);
  if (t < 0) return -1;
  int p = g->t[t].producer;
  return p >= 0 && p < g->n_ops && !g->ops[p].dead ? p : -1;
}

int sr_cv_producer_is(sr_cv_fuser* f, int t, int code) {
  int p = sr_cv_producer(f, t);
  return p >= 0 && sr_cv_fg(f)->ops[p].code == code ? p : -1;
}

int sr_cv_is_splat(sr_cv_fuser* f, int t, double v, double tol) {
  if (t < 0) return 0;
  const sr_cv_tensor* x = &sr_cv_fg(f)->t[t];
  size_t n;
  if (!x->data || x->type != SIGRUN_TYPE_FLOAT32 || !sr_cv_count(x, &n) || n == 0) return 0;
  for (size_t i = 0; i < n; i++)
    if (fabs(sr_cv_elem_f(x->data, x->type, i) - v) > tol) return 0;
  return 1;
}

void sr_cv_take_output(sr_cv_fuser* f, int keep, int into) {
  sr_cv_graph* g = sr_cv_fg(f);
  int t = g->ops[into].out[0];
  g->ops[keep].out[0] = t;
  g->t[t].producer = keep;
  g->ops[into].dead = 1;
}

/* For a binary op reading t, the other operand. */
static int other(const sr_cv_op* op, int t) { return op->in[0] == t ? op->in[1] : op->in[0]; }

/* ---- folding per-channel constants into FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D ---- */

static int is_weighted(int code) {
  return code == SR_BUILTIN_FULLY_CONNECTED || code == SR_BUILTIN_CONV_2D || code == SR_BUILTIN_DEPTHWISE_CONV_2D;
}

/* The per-channel values of constant c for an output with `channels` channels: c is a float32 scalar, [C] or
 * [1, ..., 1, C]. Returns its element count (1 or channels), 0 when it does not fit. */
static size_t per_channel(sr_cv_fuser* f, int c, int64_t channels) {
  const sr_cv_tensor* t = &sr_cv_fg(f)->t[c];
  size_t n;
  if (!t->data || t->type != SIGRUN_TYPE_FLOAT32 || !sr_cv_count(t, &n) || channels < 1) return 0;
  if (n == 1) return 1;
  if ((int64_t)n != channels || t->rank < 1 || t->dims[t->rank - 1] != channels) return 0;
  return n;
}

/* Whether the binary op's output keeps exactly the producer output's shape (no broadcast growth). */
static int same_shape(sr_cv_fuser* f, int a, int b) {
  const sr_cv_tensor *x = &sr_cv_fg(f)->t[a], *y = &sr_cv_fg(f)->t[b];
  if (x->rank != y->rank) return 0;
  for (int i = 0; i < x->rank; i++)
    if (x->dims[i] != y->dims[i]) return 0;
  return 1;
}

static float* new_const(sr_cv_fuser* f, const char* name, const sr_cv_tensor* like, int* id) {
  void* data;
  *id = sr_cv_add_const_alloc(f->m, sr_cv_fg(f), name, SIGRUN_TYPE_FLOAT32, like->rank, like->dims, &data, f->error);
  return *id < 0 ? NULL : data;
}

/* op's bias (input `slot`; zeros when absent) into a new constant of `channels`; -1 on failure, -2 when the
 * bias is not a float vector of that size. */
static int copy_bias(sr_cv_fuser* f, int op, int slot, int64_t channels, float** values) {
  sr_cv_graph* g = sr_cv_fg(f);
  int b = g->ops[op].n_in > slot ? g->ops[op].in[slot] : -1;
  sr_cv_tensor like;
  memset(&like, 0, sizeof like);
  like.rank = 1;
  like.dims[0] = channels;
  int id;
  char name[512];
  snprintf(name, sizeof name, "%s", g->t[g->ops[op].out[0]].name);
  float* v = new_const(f, name, &like, &id);
  if (!v) return -1;
  g = sr_cv_fg(f);
  if (b >= 0) {
    const sr_cv_tensor* bt = &g->t[b];
    size_t n;
    if (!bt->data || bt->type != SIGRUN_TYPE_FLOAT32 || !sr_cv_count(bt, &n) || (int64_t)n != channels) return -2;
    for (size_t i = 0; i < n; i++) v[i] = (float)sr_cv_elem_f(bt->data, bt->type, i);
  }
  *values = v;
  return id;
}

/* ADD / SUB of a per-channel constant after a weighted op (or TRANSPOSE_CONV, whose optional bias is its fourth
 * input, version 3 as LiteRT writes it): into its bias. */
static sigrun_status fold_bias(sr_cv_fuser* f, int op, int* changed) {
  sr_cv_graph* g = sr_cv_fg(f);
  const sr_cv_op* p = &g->ops[op];
  int tconv = p->code == SR_BUILTIN_TRANSPOSE_CONV;
  if ((!is_weighted(p->code) && !tconv) || p->o.act || p->n_in < 2) return SIGRUN_STATUS_OK;
  int t = p->out[0], r = sr_cv_sole(f, t);
  if (r < 0) return SIGRUN_STATUS_OK;
  const sr_cv_op* a = &g->ops[r];
  if ((a->code != SR_BUILTIN_ADD && !(a->code == SR_BUILTIN_SUB && a->in[0] == t)) || a->n_in != 2) return SIGRUN_STATUS_OK;
  const sr_cv_tensor* out = &g->t[t];
  if (out->rank < 1 || out->type != SIGRUN_TYPE_FLOAT32 || !same_shape(f, t, a->out[0])) return SIGRUN_STATUS_OK;
  int64_t channels = out->dims[out->rank - 1];
  int c = other(a, t);
  size_t n = per_channel(f, c, channels);
  if (!n || sr_cv_is_splat(f, c, 0.0, 0.0)) return SIGRUN_STATUS_OK; /* adding zeros: sr_cv_drop_identity's */
  int sign = a->code == SR_BUILTIN_SUB ? -1 : 1;
  int slot = tconv ? 3 : 2;
  if (!tconv && p->n_in < 3) return SIGRUN_STATUS_OK; /* FULLY_CONNECTED always has the optional slot */
  float* bias;
  int b = copy_bias(f, op, slot, channels, &bias);
  if (b == -2) return SIGRUN_STATUS_OK;
  if (b < 0) return f->error->status;
  g = sr_cv_fg(f);
  const sr_cv_tensor* ct = &g->t[c];
  for (int64_t i = 0; i < channels; i++)
    bias[i] += (float)(sign * sr_cv_elem_f(ct->data, ct->type, n == 1 ? 0 : (size_t)i));
  sr_cv_op* w = &g->ops[op];
  if (tconv && w->n_in < 4) {
    int* in = sr_pool_array(&f->m->pool, 4, sizeof(int));
    if (!in) return oom(f);
    memcpy(in, w->in, 3 * sizeof(int));
    w->in = in;
    w->n_in = 4;
    w->version = 3;
  }
  w->in[slot] = b;
  w->o.act = g->ops[r].o.act;
  sr_cv_take_output(f, op, r);
  *changed = 1;
  return SIGRUN_STATUS_OK;
}

/* MUL by a per-channel constant after a weighted op: scale each output channel's weights and bias. */
static sigrun_status fold_scale(sr_cv_fuser* f, int op, int* changed) {
  sr_cv_graph* g = sr_cv_fg(f);
  const sr_cv_op* p = &g->ops[op];
  if (!is_weighted(p->code) || p->o.act || p->n_in < 2) return SIGRUN_STATUS_OK;
  int t = p->out[0], r = sr_cv_sole(f, t);
  if (r < 0 || g->ops[r].code != SR_BUILTIN_MUL || g->ops[r].n_in != 2) return SIGRUN_STATUS_OK;
  const sr_cv_tensor* out = &g->t[t];
  const sr_cv_tensor* w = &g->t[p->in[1]];
  size_t wn;
  if (out->rank < 1 || out->type != SIGRUN_TYPE_FLOAT32 || !same_shape(f, t, g->ops[r].out[0]) || !w->data ||
      w->type != SIGRUN_TYPE_FLOAT32 || w->quant || !sr_cv_count(w, &wn))
    return SIGRUN_STATUS_OK;
  int64_t channels = out->dims[out->rank - 1];
  int c = other(&g->ops[r], t);
  size_t n = per_channel(f, c, channels);
  if (!n || channels <= 0 || wn % (size_t)channels || sr_cv_is_splat(f, c, 1.0, 0.0)) return SIGRUN_STATUS_OK;
  int wid;
  sr_cv_tensor wlike = *w;
  float* nw = new_const(f, wlike.name, &wlike, &wid);
  if (!nw) return f->error->status;
  float* bias = NULL;
  int b = -1;
  if (sr_cv_fg(f)->ops[op].n_in > 2 && sr_cv_fg(f)->ops[op].in[2] >= 0) {
    b = copy_bias(f, op, 2, channels, &bias);
    if (b == -2) return SIGRUN_STATUS_OK;
    if (b < 0) return f->error->status;
  }
  g = sr_cv_fg(f);
  const sr_cv_tensor *ct = &g->t[c], *wt = &g->t[g->ops[op].in[1]];
  /* Output channel of weight element i: depthwise weights [1, H, W, C*M] keep it last; FULLY_CONNECTED
   * [out, in] and CONV_2D [O, H, W, I] first. */
  int last = g->ops[op].code == SR_BUILTIN_DEPTHWISE_CONV_2D;
  size_t per = wn / (size_t)channels;
  for (size_t i = 0; i < wn; i++) {
    size_t ch = last ? i % (size_t)channels : i / per;
    double s = sr_cv_elem_f(ct->data, ct->type, n == 1 ? 0 : ch);
    nw[i] = (float)(sr_cv_elem_f(wt->data, wt->type, i) * s);
  }
  for (int64_t i = 0; bias && i < channels; i++)
    bias[i] = (float)(bias[i] * sr_cv_elem_f(ct->data, ct->type, n == 1 ? 0 : (size_t)i));
  sr_cv_op* wo = &g->ops[op];
  wo->in[1] = wid;
  if (b >= 0) wo->in[2] = b;
  wo->o.act = g->ops[r].o.act;
  sr_cv_take_output(f, op, r);
  *changed = 1;
  return SIGRUN_STATUS_OK;
}

/* MUL of a weighted op's input by a scalar constant: the weights take the factor (a scalar commutes with the
 * zero padding of a convolution), as the Keras Rescaling layer before a first convolution. */
static sigrun_status fold_input_scale(sr_cv_fuser* f, int op, int* changed) {
  sr_cv_graph* g = sr_cv_fg(f);
  const sr_cv_op* m = &g->ops[op];
  if (m->code != SR_BUILTIN_MUL || m->o.act || m->n_in != 2) return SIGRUN_STATUS_OK;
  int r = sr_cv_sole(f, m->out[0]);
  if (r < 0 || !is_weighted(g->ops[r].code) || g->ops[r].in[0] != m->out[0]) return SIGRUN_STATUS_OK;
  int c = -1, x = -1;
  for (int side = 0; side < 2; side++) {
    const sr_cv_tensor* t = &g->t[m->in[side]];
    size_t n;
    if (t->data && t->type == SIGRUN_TYPE_FLOAT32 && sr_cv_count(t, &n) && n == 1) c = m->in[side], x = m->in[1 - side];
  }
  if (c < 0 || !same_shape(f, x, m->out[0])) return SIGRUN_STATUS_OK;
  const sr_cv_tensor* w = &g->t[g->ops[r].in[1]];
  size_t wn;
  if (!w->data || w->type != SIGRUN_TYPE_FLOAT32 || w->quant || !sr_cv_count(w, &wn)) return SIGRUN_STATUS_OK;
  int wid;
  sr_cv_tensor wlike = *w;
  float* nw = new_const(f, wlike.name, &wlike, &wid);
  if (!nw) return f->error->status;
  g = sr_cv_fg(f);
  const sr_cv_tensor *ct = &g->t[c], *wt = &g->t[g->ops[r].in[1]];
  double s = sr_cv_elem_f(ct->data, ct->type, 0);
  for (size_t i = 0; i < wn; i++) nw[i] = (float)(sr_cv_elem_f(wt->data, wt->type, i) * s);
  g->ops[r].in[0] = x;
  g->ops[r].in[1] = wid;
  g->ops[op].dead = 1;
  *changed = 1;
  return SIGRUN_STATUS_OK;
}

/* RELU / RELU6 / RELU_N1_TO_1 after an op with a fused-activation option. */
static int fuse_activation(sr_cv_fuser* f, int op) {
  sr_cv_graph* g = sr_cv_fg(f);
  const sr_cv_op* p = &g->ops[op];
  int code = p->code;
  if (!(is_weighted(code) || code == SR_BUILTIN_TRANSPOSE_CONV || code == SR_BUILTIN_ADD || code == SR_BUILTIN_SUB ||
        code == SR_BUILTIN_MUL) ||
      p->o.act || g->t[p->out[0]].type != SIGRUN_TYPE_FLOAT32)
    return 0;
  int r = sr_cv_sole(f, p->out[0]);
  if (r < 0) return 0;
  int act = g->ops[r].code == SR_BUILTIN_RELU          ? SR_CV_ACT_RELU
            : g->ops[r].code == SR_BUILTIN_RELU6       ? SR_CV_ACT_RELU6
            : g->ops[r].code == SR_BUILTIN_RELU_N1_TO_1 ? SR_CV_ACT_RELU_N1_TO_1
                                                       : 0;
  if (!act) return 0;
  g->ops[op].o.act = act;
  sr_cv_take_output(f, op, r);
  return 1;
}

/* PAD of the spatial dims feeding a VALID CONV_2D / DEPTHWISE_CONV_2D, when the pads are exactly what SAME
 * padding would add (Keras' ZeroPadding2D before a strided convolution): the convolution pads itself. */
static int fuse_pad(sr_cv_fuser* f, int op) {
  sr_cv_graph* g = sr_cv_fg(f);
  const sr_cv_op* pad = &g->ops[op];
  if (pad->code != SR_BUILTIN_PAD || pad->n_in != 2) return 0;
  int r = sr_cv_sole(f, pad->out[0]);
  if (r < 0) return 0;
  const sr_cv_op* conv = &g->ops[r];
  if ((conv->code != SR_BUILTIN_CONV_2D && conv->code != SR_BUILTIN_DEPTHWISE_CONV_2D) ||
      conv->in[0] != pad->out[0] || conv->o.padding != SR_CV_PAD_VALID)
    return 0;
  const sr_cv_tensor *x = &g->t[pad->in[0]], *p = &g->t[pad->in[1]], *w = &g->t[conv->in[1]];
  size_t n;
  if (!p->data || !sr_cv_count(p, &n) || n != 8 || x->rank != 4 || w->rank != 4) return 0;
  int64_t v[8];
  for (int i = 0; i < 8; i++) v[i] = sr_cv_elem_i(p->data, p->type, (size_t)i);
  if (v[0] || v[1] || v[6] || v[7]) return 0; /* batch or channel padding */
  int stride[2] = {conv->o.stride_h, conv->o.stride_w}, dil[2] = {conv->o.dilation_h, conv->o.dilation_w};
  for (int a = 0; a < 2; a++) {
    int64_t in = x->dims[1 + a], k = w->dims[1 + a];
    if (in < 0 || stride[a] < 1 || dil[a] < 1) return 0;
    int64_t out = (in + stride[a] - 1) / stride[a], eff = (k - 1) * dil[a] + 1;
    int64_t total = (out - 1) * stride[a] + eff - in;
    if (total < 0) total = 0;
    if (v[2 + 2 * a] != total / 2 || v[3 + 2 * a] != total - total / 2) return 0;
  }
  sr_cv_op* c = &g->ops[r];
  c->in[0] = pad->in[0];
  c->o.padding = SR_CV_PAD_SAME;
  g->ops[op].dead = 1;
  return 1;
}

/* SPACE_TO_BATCH_ND -> stride-1 VALID CONV_2D / DEPTHWISE_CONV_2D -> BATCH_TO_SPACE_ND, TF's spelling of a
 * dilated convolution, back to one convolution with dilation = block: SAME when the paddings minus the crops are
 * SAME's pads for the dilated filter, VALID when they only round up to a multiple of the block. */
static int fuse_dilated_conv(sr_cv_fuser* f, int op) {
  sr_cv_graph* g = sr_cv_fg(f);
  const sr_cv_op* bts = &g->ops[op];
  if (bts->code != SR_BUILTIN_BATCH_TO_SPACE_ND || bts->n_in != 3) return 0;
  int cv = sr_cv_producer(f, bts->in[0]);
  if (cv < 0 || sr_cv_sole(f, bts->in[0]) != op) return 0;
  const sr_cv_op* conv = &g->ops[cv];
  if ((conv->code != SR_BUILTIN_CONV_2D && conv->code != SR_BUILTIN_DEPTHWISE_CONV_2D) || conv->o.act ||
      conv->o.padding != SR_CV_PAD_VALID || conv->o.stride_h != 1 || conv->o.stride_w != 1 ||
      conv->o.dilation_h != 1 || conv->o.dilation_w != 1)
    return 0;
  int stb = sr_cv_producer_is(f, conv->in[0], SR_BUILTIN_SPACE_TO_BATCH_ND);
  if (stb < 0 || sr_cv_sole(f, conv->in[0]) != cv) return 0;
  const sr_cv_op* s = &g->ops[stb];
  const sr_cv_tensor *x = &g->t[s->in[0]], *w = &g->t[conv->in[1]];
  const sr_cv_tensor *b1 = &g->t[s->in[1]], *b2 = &g->t[bts->in[1]], *pads = &g->t[s->in[2]], *crops = &g->t[bts->in[2]];
  size_t n;
  if (x->rank != 4 || w->rank != 4 || !b1->data || !b2->data || !pads->data || !crops->data || !sr_cv_count(b1, &n) ||
      n != 2 || !sr_cv_count(pads, &n) || n != 4 || !sr_cv_count(crops, &n) || n != 4)
    return 0;
  int mode = -1; /* SR_CV_PAD_SAME or SR_CV_PAD_VALID, the same on both axes */
  int dil[2];
  for (int a = 0; a < 2; a++) {
    int64_t d = sr_cv_elem_i(b1->data, b1->type, (size_t)a), k = w->dims[1 + a];
    int64_t pb = sr_cv_elem_i(pads->data, pads->type, 2 * (size_t)a), pa = sr_cv_elem_i(pads->data, pads->type, 2 * (size_t)a + 1);
    int64_t cb = sr_cv_elem_i(crops->data, crops->type, 2 * (size_t)a), ca = sr_cv_elem_i(crops->data, crops->type, 2 * (size_t)a + 1);
    if (d != sr_cv_elem_i(b2->data, b2->type, (size_t)a) || d < 1 || d > INT32_MAX || cb != 0 || x->dims[1 + a] < 0) return 0;
    int64_t total = (k - 1) * d, same_b = total / 2, same_a = total - same_b;
    int m = pb == same_b && pa - ca == same_a ? SR_CV_PAD_SAME : pb == 0 && pa == ca ? SR_CV_PAD_VALID : -1;
    if (m < 0 || (mode >= 0 && m != mode)) return 0;
    if (total == 0) m = mode >= 0 ? mode : m; /* a 1-wide filter pads nothing either way */
    mode = m;
    dil[a] = (int)d;
  }
  sr_cv_op* c = &g->ops[cv];
  c->in[0] = s->in[0];
  c->o.padding = mode;
  c->o.dilation_h = dil[0];
  c->o.dilation_w = dil[1];
  g->ops[stb].dead = 1;
  sr_cv_take_output(f, cv, op);
  return 1;
}

/* TRANSPOSE swapping the last two dims into a BATCH_MATMUL operand: the matmul's adjoint flag instead. */
static int fuse_transpose_matmul(sr_cv_fuser* f, int op) {
  sr_cv_graph* g = sr_cv_fg(f);
  if (g->ops[op].code != SR_BUILTIN_BATCH_MATMUL || g->ops[op].n_in != 2) return 0;
  for (int side = 0; side < 2; side++) {
    int t = g->ops[op].in[side], tr = sr_cv_producer_is(f, t, SR_BUILTIN_TRANSPOSE);
    if (tr < 0 || sr_cv_sole(f, t) != op) continue;
    const sr_cv_tensor* perm = &g->t[g->ops[tr].in[1]];
    size_t n;
    if (!perm->data || !sr_cv_count(perm, &n) || n < 2) continue;
    int swap = 1;
    for (size_t i = 0; i < n; i++) {
      int64_t want = i == n - 2 ? (int64_t)n - 1 : i == n - 1 ? (int64_t)n - 2 : (int64_t)i;
      swap &= sr_cv_elem_i(perm->data, perm->type, i) == want;
    }
    if (!swap) continue;
    sr_cv_op* m = &g->ops[op];
    m->in[side] = g->ops[tr].in[0];
    if (side == 0)
      m->o.adj_x = !m->o.adj_x;
    else
      m->o.adj_y = !m->o.adj_y;
    g->ops[tr].dead = 1;
    return 1;
  }
  return 0;
}

/* A FULLY_CONNECTED bias of zeros is dropped, as LiteRT's converter drops an add of zero. */
static void drop_zero_bias(sr_cv_fuser* f, int op) {
  sr_cv_graph* g = sr_cv_fg(f);
  sr_cv_op* p = &g->ops[op];
  if (p->code != SR_BUILTIN_FULLY_CONNECTED || p->n_in < 3 || p->in[2] < 0) return;
  if (sr_cv_is_splat(f, p->in[2], 0.0, 0.0)) p->in[2] = -1;
}

sigrun_status sr_cv_fuse_graph(sr_cv_model* m, int graph, sigrun_error* error) {
  sr_cv_fuser f;
  memset(&f, 0, sizeof f);
  f.m = m;
  f.gi = graph;
  f.error = error;
  sigrun_status st = SIGRUN_STATUS_OK;
  for (int changed = 1, rounds = 0; changed && !st && rounds < 64; rounds++) {
    changed = 0;
    if (!sr_cv_fuser_index(&f)) {
      st = oom(&f);
      break;
    }
    for (int o = 0; o < sr_cv_fg(&f)->n_ops && !st; o++) {
      if (sr_cv_fg(&f)->ops[o].dead) continue;
      if (sr_cv_match_gelu(&f, o) || sr_cv_match_gelu_tanh(&f, o) || sr_cv_match_hard_swish(&f, o) ||
          sr_cv_drop_identity(&f, o) || fuse_pad(&f, o) || fuse_dilated_conv(&f, o) || fuse_transpose_matmul(&f, o)) {
        changed = 1;
        continue;
      }
      int before = changed;
      if ((st = fold_input_scale(&f, o, &changed))) break;
      if (changed != before) continue;
      if ((st = fold_scale(&f, o, &changed))) break;
      if (changed != before) continue;
      if ((st = fold_bias(&f, o, &changed))) break;
      if (changed != before) continue;
      changed |= fuse_activation(&f, o);
    }
    /* A rewrite may have left readers counts stale for tensors it touched; the next round re-indexes. */
  }
  if (!st)
    for (int o = 0; o < sr_cv_fg(&f)->n_ops; o++)
      if (!sr_cv_fg(&f)->ops[o].dead) drop_zero_bias(&f, o);
  sr_free(f.readers);
  sr_free(f.reader);
  return st;
}
