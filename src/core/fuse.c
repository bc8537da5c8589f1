/*
 * fuse.c — graph-level fusion of a runner's nodes, decided once when the runner is built. A fusion gives the
 * first node of a pair a fused kernel that writes the second node's outputs, and turns the second into
 * sr_op_fused_away; lifetimes are planned from the nodes, not the file's operators, so the intermediate tensor
 * is neither computed nor given memory. Fusions are fast paths, so none is made with reference_kernels_only
 * (the literal graph is the specification) or preserve_all_tensors (every intermediate must keep its value).
 *
 * Today one pattern: SWISH, LOGISTIC(x) -> s feeding only MUL(x, s) (EfficientNet, MobileNetV3's swish).
 * Also here: folding DEQUANTIZE of constants once per model (sr_fold_constant_node).
 */
#include "fuse.h"

#include "../format/schema_enums.h"
#include "../ops/fused.h"
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

int sr_fuse_skipped(const sr_node* node) { return node->kind == &sr_op_fused_away; }

const char* sr_fuse_profile_name(const sr_node* node) {
  return node->kind == &sr_op_fused_swish ? node->kind->name : node->op->name;
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
  for (int i = 0; i < r->n_nodes; i++) try_swish(r, i, uses, consumer);
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

void sr_fold_constant_node(sr_runner* r, sr_node* node) {
  node->folded = 0;
  if (r->interpreter->options.reference_kernels_only || !is_builtin(node, SR_BUILTIN_DEQUANTIZE)) return;
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
