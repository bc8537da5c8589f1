/*
 * quantize.c — float16 and dynamic-range weight quantization (see quantize.h). New constants are always new
 * tensors with new bytes: the float originals may be shared with other subgraphs and stay untouched (unused
 * ones are dropped by the writer).
 */
#include "convert/quantize.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "convert/fold.h"

static sigrun_status oom(sigrun_error* error) {
  return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory while quantizing");
}

/* ---- float16 ---- */

/* Moves the last n_new operators (appended DEQUANTIZEs) to the front, keeping the others' order. */
static sigrun_status rotate_front(sr_cv_graph* g, int n_new, sigrun_error* error) {
  if (!n_new) return SIGRUN_STATUS_OK;
  sr_cv_op* ops = sr_malloc((size_t)g->n_ops * sizeof *ops);
  if (!ops) return oom(error);
  int old = g->n_ops - n_new;
  memcpy(ops, g->ops + old, (size_t)n_new * sizeof *ops);
  memcpy(ops + n_new, g->ops, (size_t)old * sizeof *ops);
  memcpy(g->ops, ops, (size_t)g->n_ops * sizeof *ops);
  sr_free(ops);
  for (int o = 0; o < g->n_ops; o++)
    for (int i = 0; i < g->ops[o].n_out; i++) g->t[g->ops[o].out[i]].producer = o;
  return SIGRUN_STATUS_OK;
}

static sigrun_status float16_graph(sr_cv_model* m, int gi, sigrun_error* error) {
  sr_cv_graph* g = &m->graphs[gi];
  int n_t = g->n_t, n_ops = g->n_ops, added = 0;
  int* deq = sr_malloc((size_t)(n_t ? n_t : 1) * sizeof *deq); /* float const -> its DEQUANTIZE output */
  if (!deq) return oom(error);
  for (int i = 0; i < n_t; i++) deq[i] = -1;
  sigrun_status st = SIGRUN_STATUS_OK;
  for (int o = 0; o < n_ops && !st; o++) {
    for (int k = 0; k < m->graphs[gi].ops[o].n_in && !st; k++) {
      g = &m->graphs[gi];
      int t = g->ops[o].in[k];
      if (t < 0 || t >= n_t || g->ops[o].dead || !g->t[t].data || g->t[t].type != SIGRUN_TYPE_FLOAT32) continue;
      if (deq[t] < 0) {
        sr_cv_tensor src = g->t[t];
        size_t count;
        sr_cv_count(&src, &count);
        void* half;
        char name[512];
        snprintf(name, sizeof name, "%s", src.name);
        int h = sr_cv_add_const_alloc(m, g, name, SIGRUN_TYPE_FLOAT16, src.rank, src.dims, &half, error);
        if (h < 0) {
          st = error->status;
          break;
        }
        for (size_t i = 0; i < count; i++)
          sr_cv_set_f(half, SIGRUN_TYPE_FLOAT16, i, sr_cv_elem_f(src.data, SIGRUN_TYPE_FLOAT32, i));
        g = &m->graphs[gi];
        int f = sr_cv_add_tensor(m, g, name, SIGRUN_TYPE_FLOAT32, src.rank, src.dims, error);
        if (f < 0 || sr_cv_add_op(m, &m->graphs[gi], SR_BUILTIN_DEQUANTIZE, &h, 1, &f, 1, NULL, "float16", error) < 0) {
          st = error->status;
          break;
        }
        m->graphs[gi].ops[m->graphs[gi].n_ops - 1].version = 3; /* float16 input, as LiteRT writes it */
        added++;
        deq[t] = f;
      }
      m->graphs[gi].ops[o].in[k] = deq[t];
    }
  }
  sr_free(deq);
  if (!st) st = rotate_front(&m->graphs[gi], added, error);
  return st;
}

/* ---- dynamic range ---- */

/* Per-channel symmetric int8 of float constant w along dim: scale = max|w| / 127, q = round(w / scale). */
static int quantize_weights(sr_cv_model* m, sr_cv_graph* g, int w, int dim, sigrun_error* error) {
  sr_cv_tensor src = g->t[w];
  size_t count;
  if (!sr_cv_count(&src, &count) || dim < 0 || dim >= src.rank || src.dims[dim] <= 0) return -2;
  size_t channels = (size_t)src.dims[dim], inner = 1;
  for (int i = dim + 1; i < src.rank; i++) inner *= (size_t)src.dims[i];
  void* q;
  char name[512];
  snprintf(name, sizeof name, "%s", src.name);
  int t = sr_cv_add_const_alloc(m, g, name, SIGRUN_TYPE_INT8, src.rank, src.dims, &q, error);
  sr_cv_quant* qp = sr_pool_alloc(&m->pool, sizeof *qp);
  float* scale = sr_pool_array(&m->pool, channels, sizeof *scale);
  int64_t* zp = sr_pool_array(&m->pool, channels, sizeof *zp);
  float* maxabs = sr_calloc(channels, sizeof *maxabs);
  if (t < 0 || !qp || !scale || !zp || !maxabs) {
    sr_free(maxabs);
    if (t >= 0) oom(error);
    return -1;
  }
  for (size_t i = 0; i < count; i++) {
    size_t ch = (i / inner) % channels;
    float v = fabsf((float)sr_cv_elem_f(src.data, SIGRUN_TYPE_FLOAT32, i));
    if (v > maxabs[ch]) maxabs[ch] = v;
  }
  for (size_t ch = 0; ch < channels; ch++) scale[ch] = maxabs[ch] > 0 ? maxabs[ch] / 127.0f : 1.0f;
  for (size_t i = 0; i < count; i++) {
    size_t ch = (i / inner) % channels;
    float v = roundf((float)sr_cv_elem_f(src.data, SIGRUN_TYPE_FLOAT32, i) / scale[ch]);
    ((int8_t*)q)[i] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
  }
  sr_free(maxabs);
  qp->scale = scale;
  qp->zero_point = zp;
  qp->n = (int)channels;
  qp->dim = dim;
  m->graphs[(int)(g - m->graphs)].t[t].quant = qp;
  return t;
}

static sigrun_status dynamic_range_graph(sr_cv_model* m, int gi, sigrun_error* error) {
  int n_ops = m->graphs[gi].n_ops;
  for (int o = 0; o < n_ops; o++) {
    sr_cv_graph* g = &m->graphs[gi];
    sr_cv_op* op = &g->ops[o];
    int code = op->code, dim, version;
    if (op->dead || op->n_in < 2 || op->in[1] < 0) continue;
    if (code == SR_BUILTIN_FULLY_CONNECTED)
      dim = 0, version = 12;
    else if (code == SR_BUILTIN_CONV_2D)
      dim = 0, version = 5;
    else if (code == SR_BUILTIN_DEPTHWISE_CONV_2D)
      dim = 3, version = 6;
    else
      continue;
    const sr_cv_tensor* w = &g->t[op->in[1]];
    size_t count;
    if (!w->data || w->type != SIGRUN_TYPE_FLOAT32 || !sr_cv_count(w, &count) || count < SR_CV_DRQ_MIN_ELEMENTS) continue;
    int q = quantize_weights(m, g, op->in[1], dim, error);
    if (q == -2) continue;
    if (q < 0) return error->status;
    op = &m->graphs[gi].ops[o];
    op->in[1] = q;
    op->version = version;
    if (code == SR_BUILTIN_FULLY_CONNECTED) op->o.asymmetric_quantize_inputs = 1;
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cv_quantize(sr_cv_model* m, sr_cv_quant_mode mode, sigrun_error* error) {
  for (int gi = 0; gi < m->n_graphs; gi++) {
    sigrun_status st = mode == SR_CV_QUANT_FLOAT16 ? float16_graph(m, gi, error) : dynamic_range_graph(m, gi, error);
    if (st) return st;
  }
  return SIGRUN_STATUS_OK;
}
