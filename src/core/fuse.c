/*
 * fuse.c — graph-level fusion of a runner's nodes, decided once when the runner is built. A fusion gives the
 * first node of a pair a fused kernel that writes the second node's outputs, and turns the second into
 * sr_op_fused_away; lifetimes are planned from the nodes, not the file's operators, so the intermediate tensor
 * is neither computed nor given memory. Fusions are fast paths, so none is made with reference_kernels_only
 * (the literal graph is the specification) or preserve_all_tensors (every intermediate must keep its value).
 *
 * Three patterns: SWISH, LOGISTIC(x) -> s feeding only MUL(x, s) (EfficientNet, MobileNetV3's swish);
 * LAYER_NORM, the ten or eleven float ops of Keras's LayerNormalization (transformers), as one node; and
 * SCALED SOFTMAX, a MUL by a constant scalar feeding only a SOFTMAX (attention scores / sqrt(d)).
 * Also here: constant folding at prepare (sr_fold_constant_node): DEQUANTIZE of constant weights once per
 * model, and shape arithmetic once per allocation.
 */
#include "fuse.h"

#include <math.h>

#include "../format/schema_enums.h"
#include "../ops/fused.h"
#include "../ops/reduce.h"
#include "../ops/softmax.h"
#include "../ops/vec_f32.h"
#include "packed.h"
#include "runner.h"

/* Identifies folded DEQUANTIZE outputs in the packed-weight cache ("dequantized to f32", version 1). */
#define SR_FOLD_DEQUANTIZE_F32 0x4451463301ull

static int is_builtin(const sr_node* n, int code) {
  return n->kind == n->op->kind && !n->custom && n->op->builtin_code == code && !n->op->custom_code;
}

static int is_subgraph_output(const sr_runner* r, int tensor) {
  for (int i = 0; i < r->subgraph->n_outputs; i++)
    if (r->subgraph->outputs[i] == tensor) return 1;
  return 0;
}

/* The node that reads tensor t, when exactly one input slot of one node does; else -1. */
static int sole_consumer(const sr_runner* r, const int* uses, const int* consumer, int t) {
  return uses[t] == 1 ? consumer[t] : -1;
}

static int swish_type_ok(const sr_runner* r, const sr_tensor* x, int activation) {
  float lo, hi;
  switch (x->type) {
    case SIGRUN_TYPE_FLOAT32:
      return sr_vec_unary_kernel(r->interpreter->isa) != NULL && sr_activation_range_f32(activation, &lo, &hi);
    case SIGRUN_TYPE_INT8:
    case SIGRUN_TYPE_UINT8: return 1;
    default: return 0;
  }
}

static void try_swish(sr_runner* r, int i, const int* uses, const int* consumer) {
  sr_node* a = &r->nodes[i];
  if (!is_builtin(a, SR_BUILTIN_LOGISTIC) || a->n_inputs != 1 || a->n_outputs != 1 || !a->inputs[0]) return;
  const sr_tensor *x = a->inputs[0], *s = a->outputs[0];
  if (is_subgraph_output(r, s->index)) return;
  int j = sole_consumer(r, uses, consumer, s->index);
  if (j <= i) return;
  sr_node* b = &r->nodes[j];
  if (!is_builtin(b, SR_BUILTIN_MUL) || b->n_inputs != 2 || b->n_outputs != 1) return;
  if (!((b->inputs[0] == x && b->inputs[1] == s) || (b->inputs[0] == s && b->inputs[1] == x))) return;
  const sr_binary_params* mul = b->params;
  const int activation = mul ? mul->activation : SR_ACT_NONE;
  if (s->type != x->type || b->outputs[0]->type != x->type || !swish_type_ok(r, x, activation)) return;
  sr_swish_params* p = sr_pool_alloc(&r->pool, sizeof *p);
  if (!p) return; /* out of memory: simply no fusion */
  if (mul) p->mul = *mul;
  p->mul.activation = activation;
  p->logistic_output = s->def;
  a->kind = &sr_op_fused_swish;
  a->params = p;
  a->outputs = b->outputs;
  b->kind = &sr_op_fused_away;
  b->n_inputs = 0;
  b->n_outputs = 0;
}

/* ---- LAYER_NORM: Keras's float layer normalization over the last axis (ops/fused_layernorm.c) ----
 *   mu = MEAN(x, -1, keep)   nm = NEG(mu)   d = SQUARED_DIFFERENCE(x, mu)   var = MEAN(d, -1, keep)
 *   v = ADD(var, eps)   rs = RSQRT(v)   rg = MUL(rs, gamma)   t1 = MUL(nm, rg)   t2 = MUL(x, rg)
 *   [res = ADD(t1, beta)]   y = ADD(t2, t1 or res)
 * with eps, gamma and beta constant, no activations, every intermediate read only inside the pattern (mu and
 * rg twice, the others once) and none a subgraph output; MUL and ADD operands in either order (IEEE products
 * and sums commute bit for bit). */

typedef struct ln_match {
  const sr_runner* r;
  const int* uses;
  const int* consumer;
  int nodes[11], n_nodes;
} ln_match;

static int f32(const sr_tensor* t) { return t && t->type == SIGRUN_TYPE_FLOAT32; }

/* Node j when it is the float builtin `code` with n_in inputs and one float output; records it. */
static sr_node* ln_take(ln_match* m, int j, int code, int n_in) {
  if (j < 0) return NULL;
  sr_node* n = &m->r->nodes[j];
  if (!is_builtin(n, code) || n->n_inputs != n_in || n->n_outputs != 1 || !f32(n->outputs[0])) return NULL;
  for (int k = 0; k < n_in; k++)
    if (!n->inputs[k]) return NULL;
  if (code == SR_BUILTIN_ADD || code == SR_BUILTIN_MUL) {
    const sr_binary_params* p = n->params;
    if (p && p->activation != SR_ACT_NONE) return NULL;
  }
  m->nodes[m->n_nodes++] = j;
  return n;
}

/* Output of n read by exactly `uses` input slots and not a subgraph output. */
static int ln_internal(const ln_match* m, const sr_node* n, int uses) {
  const int t = n->outputs[0]->index;
  return m->uses[t] == uses && !is_subgraph_output(m->r, t);
}

/* The other operand of binary node n when one of them is t, else NULL. */
static const sr_tensor* ln_other(const sr_node* n, const sr_tensor* t) {
  if (n->inputs[0] == t) return n->inputs[1];
  if (n->inputs[1] == t) return n->inputs[0];
  return NULL;
}

/* A constant's values, from its definition (fusion runs before the first allocation binds them), or NULL. */
static const void* ln_const_data(const sr_tensor* t, size_t count) {
  const sr_tensor_def* d = t->def;
  if (!d->data || d->is_variable || d->sparsity || d->rank != t->rank) return NULL;
  size_t n = 1;
  for (int k = 0; k < d->rank; k++) n *= d->dims[k] > 0 ? (size_t)d->dims[k] : 0;
  return n == count && d->data_bytes == count * sigrun_type_size(t->type) ? d->data : NULL;
}

/* MEAN(x) over the last axis only, keeping it. */
static sr_node* ln_mean(ln_match* m, int j, const sr_tensor* x) {
  sr_node* n = ln_take(m, j, SR_BUILTIN_MEAN, 2);
  if (!n || n->inputs[0] != x || !f32(x) || x->rank < 1) return NULL;
  const sr_tensor* axis = n->inputs[1];
  const sr_reducer_params* p = n->params;
  const int32_t* a = axis->type == SIGRUN_TYPE_INT32 ? ln_const_data(axis, 1) : NULL;
  if (!p || !p->keep_dims || !a) return NULL;
  return *a == -1 || *a == x->rank - 1 ? n : NULL;
}

/* A constant float vector along x's last axis (gamma, beta) or a constant float scalar (depth 0: epsilon). */
static int ln_const(const sr_tensor* t, const sr_tensor* x, size_t depth) {
  if (!f32(t) || !ln_const_data(t, depth ? depth : 1)) return 0;
  return !depth || (t->rank >= 1 && t->rank <= x->rank && (size_t)t->def->dims[t->rank - 1] == depth);
}

/* The two nodes reading tensor t (uses[t] == 2), in node order. */
static void ln_two_readers(const sr_runner* r, const sr_tensor* t, int* a, int* b) {
  *a = *b = -1;
  for (int i = 0; i < r->n_nodes; i++)
    for (int k = 0; k < r->nodes[i].n_inputs; k++)
      if (r->nodes[i].inputs[k] == t) {
        if (*a < 0) *a = i;
        else if (*b < 0 && i != *a) *b = i;
      }
}

static void try_layernorm(sr_runner* r, int i, const int* uses, const int* consumer) {
  ln_match m = {r, uses, consumer, {0}, 0};
  const sr_tensor* x = r->nodes[i].n_inputs ? r->nodes[i].inputs[0] : NULL;
  sr_node* mean = ln_mean(&m, i, x);
  if (!mean || !ln_internal(&m, mean, 2) || !sr_vec_layernorm_kernel(r->interpreter->isa)) return;
  if (x->dims[x->rank - 1] <= 0) return;
  const size_t depth = (size_t)x->dims[x->rank - 1];
  const sr_tensor* mu = mean->outputs[0];
  int a, b;
  ln_two_readers(r, mu, &a, &b);
  sr_node* neg = NULL;
  sr_node* sq = NULL;
  for (int pass = 0; pass < 2; pass++) {
    const int j = pass ? b : a;
    if (j >= 0 && is_builtin(&r->nodes[j], SR_BUILTIN_NEG)) neg = ln_take(&m, j, SR_BUILTIN_NEG, 1);
    else sq = ln_take(&m, j, SR_BUILTIN_SQUARED_DIFFERENCE, 2);
  }
  if (!neg || !sq || neg->inputs[0] != mu || sq->inputs[0] != x || sq->inputs[1] != mu || !ln_internal(&m, neg, 1) ||
      !ln_internal(&m, sq, 1))
    return;
  sr_node* var = ln_mean(&m, sole_consumer(r, uses, consumer, sq->outputs[0]->index), sq->outputs[0]);
  if (!var || !ln_internal(&m, var, 1)) return;
  sr_node* add_eps = ln_take(&m, sole_consumer(r, uses, consumer, var->outputs[0]->index), SR_BUILTIN_ADD, 2);
  const sr_tensor* eps = add_eps ? ln_other(add_eps, var->outputs[0]) : NULL;
  if (!eps || !ln_const(eps, x, 0) || !ln_internal(&m, add_eps, 1)) return;
  sr_node* rsqrt = ln_take(&m, sole_consumer(r, uses, consumer, add_eps->outputs[0]->index), SR_BUILTIN_RSQRT, 1);
  if (!rsqrt || !ln_internal(&m, rsqrt, 1)) return;
  sr_node* scale = ln_take(&m, sole_consumer(r, uses, consumer, rsqrt->outputs[0]->index), SR_BUILTIN_MUL, 2);
  const sr_tensor* gamma = scale ? ln_other(scale, rsqrt->outputs[0]) : NULL;
  if (!gamma || !ln_const(gamma, x, depth) || !ln_internal(&m, scale, 2)) return;
  const sr_tensor* rg = scale->outputs[0];
  ln_two_readers(r, rg, &a, &b);
  sr_node* t1 = ln_take(&m, sole_consumer(r, uses, consumer, neg->outputs[0]->index), SR_BUILTIN_MUL, 2);
  if (!t1 || ln_other(t1, neg->outputs[0]) != rg || !ln_internal(&m, t1, 1)) return;
  sr_node* t2 = ln_take(&m, a == m.nodes[m.n_nodes - 1] ? b : a, SR_BUILTIN_MUL, 2);
  if (!t2 || ln_other(t2, rg) != x || !ln_internal(&m, t2, 1)) return;
  const int after_t1 = sole_consumer(r, uses, consumer, t1->outputs[0]->index);
  const sr_tensor* beta = NULL;
  const sr_tensor* res = t1->outputs[0];
  if (after_t1 >= 0 && after_t1 != sole_consumer(r, uses, consumer, t2->outputs[0]->index)) {
    sr_node* add_beta = ln_take(&m, after_t1, SR_BUILTIN_ADD, 2);
    beta = add_beta ? ln_other(add_beta, res) : NULL;
    if (!beta || !ln_const(beta, x, depth) || !ln_internal(&m, add_beta, 1)) return;
    res = add_beta->outputs[0];
  }
  sr_node* out = ln_take(&m, sole_consumer(r, uses, consumer, t2->outputs[0]->index), SR_BUILTIN_ADD, 2);
  if (!out || ln_other(out, t2->outputs[0]) != res ||
      sole_consumer(r, uses, consumer, res->index) != m.nodes[m.n_nodes - 1])
    return;
  for (int k = 1; k < m.n_nodes; k++)
    if (m.nodes[k] <= i) return; /* the fused node runs where the first MEAN ran */
  sr_tensor** inputs = sr_pool_array(&r->pool, 4, sizeof *inputs);
  if (!inputs) return; /* out of memory: simply no fusion */
  inputs[0] = (sr_tensor*)x, inputs[1] = (sr_tensor*)gamma, inputs[2] = (sr_tensor*)eps, inputs[3] = (sr_tensor*)beta;
  mean->kind = &sr_op_fused_layernorm;
  mean->params = NULL;
  mean->inputs = inputs;
  mean->n_inputs = beta ? 4 : 3;
  mean->outputs = out->outputs;
  for (int k = 1; k < m.n_nodes; k++) {
    sr_node* n = &r->nodes[m.nodes[k]];
    n->kind = &sr_op_fused_away;
    n->n_inputs = 0;
    n->n_outputs = 0;
  }
}

/* ---- SCALED SOFTMAX: MUL(x, c) -> s feeding only SOFTMAX(s), c a constant float scalar ---- */

static void try_scaled_softmax(sr_runner* r, int i, const int* uses, const int* consumer) {
  sr_node* a = &r->nodes[i];
  if (!is_builtin(a, SR_BUILTIN_MUL) || a->n_inputs != 2 || a->n_outputs != 1 || !a->inputs[0] || !a->inputs[1])
    return;
  const sr_binary_params* mul = a->params;
  if ((mul && mul->activation != SR_ACT_NONE) || !sr_vec_softmax_scaled_kernel(r->interpreter->isa)) return;
  const sr_tensor* s = a->outputs[0];
  const int c_first = f32(a->inputs[0]) && ln_const_data(a->inputs[0], 1) != NULL;
  const sr_tensor* c = a->inputs[c_first ? 0 : 1];
  const sr_tensor* x = a->inputs[c_first ? 1 : 0];
  const float* scale = f32(c) ? ln_const_data(c, 1) : NULL;
  if (!scale || !f32(x) || !f32(s) || x->rank < 1 || is_subgraph_output(r, s->index)) return;
  const int j = sole_consumer(r, uses, consumer, s->index);
  if (j <= i) return;
  sr_node* b = &r->nodes[j];
  if (!is_builtin(b, SR_BUILTIN_SOFTMAX) || b->n_inputs != 1 || b->n_outputs != 1 || !f32(b->outputs[0])) return;
  const sr_softmax_params* sp = b->params;
  if (!sp || !(sp->beta > 0.0f) || !isfinite(sp->beta)) return; /* the vector kernel's range */
  sr_scaled_softmax_params* p = sr_pool_alloc(&r->pool, sizeof *p);
  sr_tensor** inputs = sr_pool_array(&r->pool, 1, sizeof *inputs);
  if (!p || !inputs) return; /* out of memory: simply no fusion */
  p->beta = sp->beta;
  p->scale = *scale;
  inputs[0] = (sr_tensor*)x;
  a->kind = &sr_op_fused_scaled_softmax;
  a->params = p;
  a->inputs = inputs;
  a->n_inputs = 1;
  a->outputs = b->outputs;
  b->kind = &sr_op_fused_away;
  b->n_inputs = 0;
  b->n_outputs = 0;
}

int sr_fuse_skipped(const sr_node* node) { return node->kind == &sr_op_fused_away; }

const char* sr_fuse_profile_name(const sr_node* node) {
  const sr_op_kind* k = node->kind;
  return k == &sr_op_fused_swish || k == &sr_op_fused_layernorm || k == &sr_op_fused_scaled_softmax ? k->name
                                                                                                      : node->op->name;
}

void sr_fuse_nodes(sr_runner* r) {
  const sigrun_interpreter_options* o = &r->interpreter->options;
  if (o->reference_kernels_only || o->preserve_all_tensors || r->n_tensors == 0) return;
  int* uses = sr_pool_array(&r->pool, (size_t)r->n_tensors, sizeof(int));
  int* consumer = sr_pool_array(&r->pool, (size_t)r->n_tensors, sizeof(int));
  if (!uses || !consumer) return;
  for (int i = 0; i < r->n_nodes; i++)
    for (int k = 0; k < r->nodes[i].n_inputs; k++) {
      const sr_tensor* t = r->nodes[i].inputs[k];
      if (!t) continue;
      uses[t->index]++;
      consumer[t->index] = i;
    }
  for (int i = 0; i < r->n_nodes; i++) {
    try_swish(r, i, uses, consumer);
    try_layernorm(r, i, uses, consumer);
    try_scaled_softmax(r, i, uses, consumer);
  }
}

static void fold_eval(void* dst, size_t bytes, const void* arg) {
  sr_node* node = (sr_node*)arg;
  sr_tensor* out = node->outputs[0];
  void* data = out->data;
  (void)bytes;
  out->data = dst;
  node->kind->eval(node); /* DEQUANTIZE of a constant cannot fail once prepared */
  out->data = data;
}

/* Ops that compute shapes in Keras graphs (SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE around a squeeze-excite
 * block): pure functions of their inputs, cheap, with small integer results. */
static int is_shape_arithmetic(int code) {
  switch (code) {
    case SR_BUILTIN_SHAPE:
    case SR_BUILTIN_STRIDED_SLICE:
    case SR_BUILTIN_SLICE:
    case SR_BUILTIN_PACK:
    case SR_BUILTIN_CONCATENATION:
    case SR_BUILTIN_GATHER:
    case SR_BUILTIN_CAST:
    case SR_BUILTIN_RESHAPE:
    case SR_BUILTIN_SQUEEZE:
    case SR_BUILTIN_EXPAND_DIMS:
    case SR_BUILTIN_ADD:
    case SR_BUILTIN_SUB:
    case SR_BUILTIN_MUL:
    case SR_BUILTIN_FLOOR_DIV:
    case SR_BUILTIN_REDUCE_PROD:
    case SR_BUILTIN_SUM:
    case SR_BUILTIN_MAXIMUM:
    case SR_BUILTIN_MINIMUM:
    case SR_BUILTIN_FILL:
    case SR_BUILTIN_RANGE:
    case SR_BUILTIN_BROADCAST_ARGS:
      return 1;
    default:
      return 0;
  }
}

/* Results this small are shape vectors, never activations. */
#define SR_FOLD_MAX_ELEMENTS 64

/* A shape computation whose inputs are all known at prepare: SHAPE of a tensor with a planned shape, or any
 * listed op over constants and folded values. Evaluated now into a heap buffer of the runner (FOLDED), so the
 * ops after it (RESHAPE's shape operand, most often) get static shapes instead of being prepared at every
 * invoke. */
static void fold_shape_arithmetic(sr_node* node) {
  const int code = node->op->builtin_code;
  if (!is_builtin(node, code) || !is_shape_arithmetic(code) || node->n_outputs != 1 || node->scratch_bytes) return;
  for (int k = 0; k < node->n_inputs; k++) {
    const sr_tensor* in = node->inputs[k];
    if (!in) continue;
    if (code == SR_BUILTIN_SHAPE ? in->alloc == SR_ALLOC_DYNAMIC : !sr_tensor_is_const(in)) return;
  }
  sr_tensor* out = node->outputs[0];
  if (out->alloc != SR_ALLOC_NONE || (out->type != SIGRUN_TYPE_INT32 && out->type != SIGRUN_TYPE_INT64) ||
      sr_tensor_count(out) > SR_FOLD_MAX_ELEMENTS || is_subgraph_output(node->runner, out->index))
    return;
  if (sr_tensor_reserve(out, out->bytes)) return; /* out of memory or over the limit: stays a normal node */
  out->alloc = SR_ALLOC_FOLDED;
  if (node->kind->eval(node)) {
    sr_tensor_release(out);
    out->alloc = SR_ALLOC_NONE;
    return;
  }
  node->folded = 1;
}

void sr_fold_constant_node(sr_runner* r, sr_node* node) {
  node->folded = 0;
  if (r->interpreter->options.reference_kernels_only) return;
  if (!is_builtin(node, SR_BUILTIN_DEQUANTIZE)) {
    fold_shape_arithmetic(node);
    return;
  }
  if (node->n_inputs != 1 || node->n_outputs != 1 || !node->inputs[0] || node->scratch_bytes) return;
  const sr_tensor* in = node->inputs[0];
  sr_tensor* out = node->outputs[0];
  if (!sr_tensor_is_const(in) || out->alloc != SR_ALLOC_NONE || out->type != SIGRUN_TYPE_FLOAT32 ||
      is_subgraph_output(r, out->index) || out->bytes == 0)
    return;
  /* The input's definition is part of the key: two tensors may share a buffer with different quantization. */
  const void* data = sr_packed_get(r->model, in->data, in->def, SR_FOLD_DEQUANTIZE_F32, out->bytes, fold_eval, node);
  if (!data) return;
  out->data = (void*)data;
  out->alloc = SR_ALLOC_CONST;
  node->folded = 1;
}
