/*
 * saved_model_bind.c — binds each signature to the graph: its outputs name one (Stateful)PartitionedCall node,
 * whose attr f names the wrapper function; each data input of that node feeds one wrapper parameter, either a
 * signature input (a Placeholder named by an input TensorInfo) or a captured object, the trailing parameters
 * matching SavedConcreteFunction.bound_inputs in order. A signature that does not fit this shape stays unbound
 * with a reason; only running out of memory fails the load.
 */
#include "convert/saved_model_internal.h"

#include <stdio.h>

typedef struct binder {
  sr_saved_model* m;
  sr_pool* pool;
  size_t args_budget; /* call arguments all signatures may still bind (see sr_saved_model_bind_signatures) */
  char reason[400];
} binder;

static int unbound(binder* b, const char* fmt, ...) SR_PRINTF(2, 3);
static int unbound(binder* b, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(b->reason, sizeof b->reason, fmt, args);
  va_end(args);
  return 0;
}

/* The node and output index a graph-level tensor name ("node", "node:K") refers to; 0 when it does not. */
static int graph_tensor(const sr_saved_model* m, const char* name, const sr_tf_node** node, int64_t* index) {
  sr_tf_tensor_ref ref;
  if (!sr_tf_parse_tensor_ref(name, &ref) || ref.is_control || ref.arg_len) return 0;
  *node = sr_tf_nodes_find_n(&m->graph, ref.name, ref.name_len);
  *index = ref.index;
  return *node != NULL;
}

static int is_call_op(const char* op) {
  return strcmp(op, "StatefulPartitionedCall") == 0 || strcmp(op, "PartitionedCall") == 0;
}

/* Finds the call node of sig and fills call->node, function and output_index; 0 (with b->reason) if none. */
static int bind_outputs(binder* b, const sr_tf_signature* sig, sr_saved_call* call) {
  if (sig->n_outputs == 0) return unbound(b, "the signature has no outputs");
  call->output_index = sr_pool_array(b->pool, sig->n_outputs, sizeof *call->output_index);
  if (!call->output_index) return unbound(b, "out of memory");
  for (size_t i = 0; i < sig->n_outputs; i++) {
    const sr_tf_tensor_info* out = &sig->outputs[i];
    const sr_tf_node* node;
    int64_t k;
    if (out->encoding != SR_TF_TENSOR_INFO_NAME) {
      return unbound(b, "output '%s' is a %s tensor, not a dense one", out->key,
                     out->encoding == SR_TF_TENSOR_INFO_COO_SPARSE ? "sparse" : "composite");
    }
    if (!graph_tensor(b->m, out->name, &node, &k)) {
      return unbound(b, "output '%s' names '%s', which is not a tensor of graph_def", out->key, out->name);
    }
    if (!call->node) call->node = node;
    if (node != call->node) {
      return unbound(b, "outputs come from two nodes ('%s' and '%s'), not from one call", call->node->name,
                     node->name);
    }
    call->output_index[i] = (size_t)k;
  }
  const sr_tf_node* node = call->node;
  if (!is_call_op(node->op)) {
    return unbound(b, "output '%s' comes from a '%s' node, not from a (Stateful)PartitionedCall", sig->outputs[0].key,
                   node->op);
  }
  const sr_tf_attr* f = sr_tf_node_attr(node, "f");
  if (!f || f->kind != SR_TF_ATTR_FUNC) return unbound(b, "call node '%s' has no function attr 'f'", node->name);
  call->function = sr_saved_model_function(b->m, f->func->name);
  if (!call->function) {
    return unbound(b, "call node '%s' calls '%s', which is not in the function library", node->name, f->func->name);
  }
  for (size_t i = 0; i < sig->n_outputs; i++) {
    if (call->output_index[i] >= call->function->signature.n_output_arg) {
      return unbound(b, "output '%s' is result %zu of '%s', which has %zu results", sig->outputs[i].key,
                     call->output_index[i], call->function->signature.name, call->function->signature.n_output_arg);
    }
  }
  return 1;
}

/* Signature inputs by the graph tensor their TensorInfo names, sorted so each call input is a binary search. */
typedef struct input_ref {
  const sr_tf_node* node;
  int64_t index;
  const sr_tf_tensor_info* info;
} input_ref;

static int cmp_input_ref(const void* a, const void* b) {
  const input_ref* x = a;
  const input_ref* y = b;
  if (x->node != y->node) return x->node < y->node ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static const sr_tf_tensor_info* input_named(const input_ref* refs, size_t n, const sr_tf_node* node, int64_t k) {
  input_ref key = {node, k, NULL};
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp_input_ref(&refs[mid], &key);
    if (c == 0) return refs[mid].info;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

/* Resolves the signature's input names; *refs is heap memory (free with sr_free), NULL when out of memory. */
static int resolve_inputs(binder* b, const sr_tf_signature* sig, input_ref** refs, size_t* n) {
  *n = 0;
  *refs = sr_malloc((sig->n_inputs ? sig->n_inputs : 1) * sizeof **refs);
  if (!*refs) return unbound(b, "out of memory");
  for (size_t i = 0; i < sig->n_inputs; i++) {
    input_ref* r = &(*refs)[*n];
    if (sig->inputs[i].encoding != SR_TF_TENSOR_INFO_NAME) {
      return unbound(b, "input '%s' is a %s tensor, not a dense one", sig->inputs[i].key,
                     sig->inputs[i].encoding == SR_TF_TENSOR_INFO_COO_SPARSE ? "sparse" : "composite");
    }
    if (!graph_tensor(b->m, sig->inputs[i].name, &r->node, &r->index)) {
      return unbound(b, "input '%s' names '%s', which is not a tensor of graph_def", sig->inputs[i].key,
                     sig->inputs[i].name);
    }
    r->info = &sig->inputs[i];
    (*n)++;
  }
  if (sr_tfd_sort(*refs, *n, sizeof **refs, cmp_input_ref) != SIGRUN_STATUS_OK) return unbound(b, "out of memory");
  return 1;
}

static int bind_args(binder* b, const input_ref* refs, size_t n_refs, sr_saved_call* call) {
  const sr_tf_node* node = call->node;
  size_t n_data = 0;
  while (n_data < node->n_input && node->input[n_data][0] != '^') n_data++;
  size_t n_params = call->function->signature.n_input_arg;
  if (n_data != n_params) {
    return unbound(b, "call node '%s' has %zu data inputs but '%s' takes %zu parameters", node->name, n_data,
                   call->function->signature.name, n_params);
  }
  const sr_saved_concrete_function* cf = sr_saved_model_concrete_function(b->m, call->function->signature.name);
  size_t n_bound = cf ? cf->n_bound_inputs : 0;
  if (n_params > b->args_budget) {
    return unbound(b, "signatures bind more call arguments in total than saved_model.pb has bytes");
  }
  b->args_budget -= n_params;
  if (n_bound > n_params) {
    return unbound(b, "'%s' has %zu bound inputs but only %zu parameters", call->function->signature.name, n_bound,
                   n_params);
  }
  call->n_args = n_params;
  call->args = sr_pool_array(b->pool, n_params ? n_params : 1, sizeof *call->args);
  if (!call->args) return unbound(b, "out of memory");
  for (size_t i = 0; i < n_params; i++) {
    sr_saved_call_arg* a = &call->args[i];
    int64_t k;
    if (!graph_tensor(b->m, node->input[i], &a->graph_node, &k)) {
      return unbound(b, "call node '%s' input %zu '%s' is not a tensor of graph_def", node->name, i, node->input[i]);
    }
    a->object_id = -1;
    if (i >= n_params - n_bound) {
      a->kind = SR_SAVED_CALL_ARG_CAPTURE;
      a->object_id = cf->bound_inputs[i - (n_params - n_bound)];
    } else if ((a->input = input_named(refs, n_refs, a->graph_node, k)) != NULL) {
      a->kind = SR_SAVED_CALL_ARG_INPUT;
    } else {
      a->kind = SR_SAVED_CALL_ARG_CAPTURE; /* captured, but the object graph does not say what */
    }
  }
  return 1;
}

sigrun_status sr_saved_model_bind_signatures(sr_saved_model* m, sigrun_error* error) {
  /* Many signatures may name one call node; without a bound, a small hostile file could make the binding
   * allocate signatures x parameters. Real files spend several bytes per call argument, so this never binds. */
  binder b = {m, &m->internal->pool, m->internal->pb_size, ""};
  for (size_t i = 0; i < m->n_signatures; i++) {
    sr_tf_signature* sig = &m->signatures[i];
    sig->call = NULL;
    sig->unbound_reason = NULL;
    sr_saved_call* call = sr_pool_alloc(b.pool, sizeof *call);
    if (!call) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
    if (strcmp(sig->key, SR_SAVED_MODEL_INIT_OP_KEY) == 0) {
      unbound(&b, "the initializer pseudo-signature is never converted");
    } else {
      input_ref* refs = NULL;
      size_t n_refs = 0;
      int ok = resolve_inputs(&b, sig, &refs, &n_refs) && bind_outputs(&b, sig, call) &&
               bind_args(&b, refs, n_refs, call);
      sr_free(refs);
      if (ok) {
        sig->call = call;
        continue;
      }
    }
    if (strcmp(b.reason, "out of memory") == 0) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
    sig->unbound_reason = sr_pool_strdup(b.pool, b.reason);
    if (!sig->unbound_reason) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  return SIGRUN_STATUS_OK;
}
