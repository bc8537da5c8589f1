/*
 * import_sig.c — one SavedModel signature to one subgraph: its inputs become subgraph inputs named after their
 * TensorInfo ("serving_default_x:0"), captured objects become variable handles or constants, the wrapper
 * function is evaluated, and each output tensor takes its TensorInfo name ("StatefulPartitionedCall:0") and
 * joins the subgraph outputs (an input returned as is stays the input tensor, as in LiteRT's output). TensorMaps list inputs and outputs by signature key, sorted, as LiteRT writes them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/lower.h"

static sigrun_status input_tensor(sr_cv_ctx* c, const sr_tf_tensor_info* info, int* out) {
  if (info->encoding != SR_TF_TENSOR_INFO_NAME)
    return sr_fail(c->error, SIGRUN_STATUS_UNSUPPORTED, "input '%s' is a sparse or composite tensor", info->key);
  int ok;
  sigrun_type type = sr_cv_type_from_tf(info->dtype, &ok);
  if (!ok || type == SIGRUN_TYPE_RESOURCE || type == SIGRUN_TYPE_VARIANT)
    return sr_fail(c->error, SIGRUN_STATUS_UNSUPPORTED, "input '%s' has dtype %s", info->key,
                   sr_tf_dtype_name(info->dtype));
  if (info->shape.unknown_rank)
    return sr_fail(c->error, SIGRUN_STATUS_UNSUPPORTED,
                   "input '%s' has an unknown rank; give the function an input_signature with a shape", info->key);
  if (info->shape.rank > SR_MAX_RANK)
    return sr_fail(c->error, SIGRUN_STATUS_UNSUPPORTED, "input '%s' has rank %zu", info->key, info->shape.rank);
  *out = sr_cv_add_tensor(c->m, sr_cv_g(c), info->name, type, (int)info->shape.rank, info->shape.dims, c->error);
  return *out < 0 ? c->error->status : SIGRUN_STATUS_OK;
}

/* The value of a captured object: a variable handle, or a constant captured from the outer graph. */
static sigrun_status capture_value(sr_cv_ctx* c, const sr_saved_call_arg* arg, sr_cv_val* v) {
  const sr_saved_object* obj = NULL;
  if (arg->object_id >= 0 && (size_t)arg->object_id < c->sm->n_objects) obj = &c->sm->objects[arg->object_id];
  if (obj && obj->kind == SR_SAVED_OBJECT_VARIABLE) {
    int var = sr_cv_variable_for(c, arg->object_id, arg->graph_node);
    if (var == -2) return sr_cv_oom(c);
    v->kind = SR_CV_VAL_RESOURCE;
    v->id = var;
    return SIGRUN_STATUS_OK;
  }
  /* A constant, by its SavedObject or (without one) by the graph node feeding the call. */
  const sr_tf_node* node = arg->graph_node;
  if (obj && obj->kind == SR_SAVED_OBJECT_CONSTANT && obj->constant.operation)
    node = sr_tf_nodes_find(&c->sm->graph, obj->constant.operation);
  if (node && strcmp(node->op, "Const") == 0) {
    sr_cv_lower_fn lower = sr_cv_find_lowering("Const");
    return lower(c, node, NULL, 0, v, 1);
  }
  return sr_fail(c->error, SIGRUN_STATUS_UNSUPPORTED,
                 "captures %s (object %d, node '%s' of op %s); only variables and constants convert",
                 obj ? "an object that is no variable or constant" : "something no SavedObject describes",
                 (int)arg->object_id, node ? node->name : "?", node ? node->op : "?");
}

static int by_name(const void* a, const void* b) {
  return strcmp(((const sr_cv_tensor_map*)a)->name, ((const sr_cv_tensor_map*)b)->name);
}

static sigrun_status bind_outputs(sr_cv_ctx* c, const sr_tf_signature* sig, const sr_cv_val* results,
                                  size_t n_results, sr_cv_signature* out) {
  sr_cv_graph* g = sr_cv_g(c);
  g->outputs = sr_pool_array(&c->m->pool, sig->n_outputs + 1, sizeof(int));
  out->outputs = sr_pool_array(&c->m->pool, sig->n_outputs + 1, sizeof *out->outputs);
  if (!g->outputs || !out->outputs) return sr_cv_oom(c);
  for (size_t j = 0; j < sig->n_outputs; j++) {
    const sr_tf_tensor_info* info = &sig->outputs[j];
    size_t k = sig->call->output_index[j];
    if (k >= n_results)
      return sr_fail(c->error, SIGRUN_STATUS_BAD_MODEL, "signature '%s': output '%s' reads result %zu of %zu",
                     sig->key, info->key, k, n_results);
    sr_cv_val v = results[k];
    if (v.kind == SR_CV_VAL_POISON) continue; /* its cause is in the problem list */
    if (v.kind != SR_CV_VAL_TENSOR)
      return sr_fail(c->error, SIGRUN_STATUS_UNSUPPORTED, "signature '%s': output '%s' is not a tensor", sig->key,
                     info->key);
    /* As LiteRT's converter: an output that is a signature input stays that input tensor (and keeps its name), a
     * constant or a tensor returned twice is output as it is; anything else takes the TensorInfo name (the
     * last one when returned twice, as LiteRT's outputs sorted by key show). */
    g = sr_cv_g(c);
    int is_input = 0;
    for (int i = 0; i < g->n_inputs; i++) is_input |= g->inputs[i] == v.id;
    if (!is_input) {
      g->t[v.id].name = sr_pool_strdup(&c->m->pool, info->name);
      if (!g->t[v.id].name) return sr_cv_oom(c);
    }
    g->outputs[g->n_outputs++] = v.id;
    out->outputs[out->n_outputs].name = info->key;
    out->outputs[out->n_outputs].tensor = v.id;
    out->n_outputs++;
  }
  qsort(out->outputs, (size_t)out->n_outputs, sizeof *out->outputs, by_name);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cv_import_signature(sr_cv_ctx* c, const sr_tf_signature* sig, const char* name,
                                     sr_cv_signature* out) {
  const sr_saved_call* call = sig->call;
  if (!call)
    return sr_fail(c->error, SIGRUN_STATUS_UNSUPPORTED, "signature '%s' cannot be converted: %s", sig->key,
                   sig->unbound_reason ? sig->unbound_reason : "it is not bound to a function call");
  int gi = sr_cv_add_graph(c->m, name, c->error);
  if (gi < 0) return c->error->status;
  c->graph = gi;
  c->fn_name = call->function->signature.name;
  c->where = sig->key;
  for (int i = 0; i < c->n_vars; i++) c->var_tensor[i] = -1;
  memset(out, 0, sizeof *out);
  out->key = sig->key;
  out->subgraph = gi;
  sigrun_status st = SIGRUN_STATUS_OK;
  sr_cv_graph* g = sr_cv_g(c);
  g->inputs = sr_pool_array(&c->m->pool, call->n_args + 1, sizeof(int));
  out->inputs = sr_pool_array(&c->m->pool, call->n_args + 1, sizeof *out->inputs);
  sr_cv_val* args = sr_calloc(call->n_args + 1, sizeof *args);
  size_t n_results = call->function->signature.n_output_arg;
  sr_cv_val* results = sr_calloc(n_results + 1, sizeof *results);
  if (!g->inputs || !out->inputs || !args || !results) st = sr_cv_oom(c);
  /* A CALL_ONCE of the initializer opens every signature when some variable stays mutable; its subgraph index
   * is patched once the initializer exists. */
  for (int i = 0; !st && i < c->n_vars; i++)
    if (c->vars[i].is_mutable) {
      sr_cv_opts o;
      memset(&o, 0, sizeof o);
      if (sr_cv_emit(c, SR_BUILTIN_CALL_ONCE, NULL, 0, NULL, 0, &o) < 0) st = c->error->status;
      break;
    }
  for (size_t i = 0; !st && i < call->n_args; i++) {
    const sr_saved_call_arg* a = &call->args[i];
    if (a->kind == SR_SAVED_CALL_ARG_INPUT) {
      int t = -1;
      st = input_tensor(c, a->input, &t);
      if (st) break;
      g = sr_cv_g(c);
      g->inputs[g->n_inputs++] = t;
      out->inputs[out->n_inputs].name = a->input->key;
      out->inputs[out->n_inputs].tensor = t;
      out->n_inputs++;
      args[i] = sr_cv_tensor_val(t);
    } else {
      st = capture_value(c, a, &args[i]);
    }
  }
  if (!st) qsort(out->inputs, (size_t)out->n_inputs, sizeof *out->inputs, by_name);
  if (!st) st = sr_cv_eval_function(c, call->function, args, (int)call->n_args, results, (int)n_results);
  if (st == SR_CV_RECORDED) st = sr_fail(c->error, SIGRUN_STATUS_UNSUPPORTED, "unsupported capture");
  if (!st) st = bind_outputs(c, sig, results, n_results, out);
  if (st) sr_error_prefix(c->error, "signature '%s'", sig->key);
  sr_free(args);
  sr_free(results);
  return st;
}
