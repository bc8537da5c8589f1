/*
 * runner.c — one signature's execution: tensors, nodes, allocation (prepare + arena plan) and invoke.
 * Invariants: after allocate, every non-constant tensor a node touches has memory (arena, persistent or
 * dynamic); invoke allocates nothing unless a node is deferred (its input shapes depend on data); an
 * arena tensor never changes shape while READY.
 */
#include "runner.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../format/call_graph.h"
#include "../format/schema_enums.h"
#include "call.h"
#include "fuse.h"
#include "strings.h"

static sigrun_status oom(sigrun_error* e) { return sr_fail(e, SIGRUN_STATUS_NO_MEMORY, "out of memory"); }

static sigrun_status memory_fail(const sr_runner* r, const sr_tensor* t, size_t bytes, sigrun_status st,
                                 sigrun_error* e) {
  if (st == SIGRUN_STATUS_LIMIT)
    return sr_fail(e, st, "subgraph %d, tensor %d: %zu bytes would take the runner past max_arena_bytes (%zu)",
                   r->subgraph_index, t->index, bytes, r->account->limit);
  return oom(e);
}

static void set_def_shape(sr_tensor* t) {
  t->rank = t->def->rank;
  memcpy(t->dims, t->def->dims, sizeof t->dims);
}

static size_t tensor_bytes(const sr_tensor* t) {
  /* A sparse constant holds only its stored values; its size says so, so no reader goes past them. */
  if (t->def->sparsity) return t->def->data_bytes;
  /* A string tensor's size is its packed buffer's: the file's for a constant, the contents' otherwise. */
  if (t->type == SIGRUN_TYPE_STRING) return t->alloc == SR_ALLOC_CONST ? t->def->data_bytes : (t->data ? t->bytes : 0);
  size_t count;
  if (!sr_shape_count(t->dims, t->rank, &count)) return 0;
  return count * sigrun_type_size(t->type);
}

/* ---- construction ---- */

static int compare_io(const void* a, const void* b) {
  return strcmp(((const sr_io_name*)a)->name, ((const sr_io_name*)b)->name);
}

/* LiteRT's placeholder signature: subgraph 0's own inputs/outputs named after their tensors. */
static sigrun_status placeholder_names(sr_runner* r, const int32_t* idx, int n, const char* prefix,
                                       const sr_io_name** out) {
  sr_io_name* names = sr_pool_array(&r->pool, (size_t)n + 1, sizeof(sr_io_name));
  if (!names) return SIGRUN_STATUS_NO_MEMORY;
  for (int i = 0; i < n; i++) {
    const char* name = r->subgraph->tensors[idx[i]].name;
    if (!name[0]) {
      char buf[32];
      snprintf(buf, sizeof buf, "%s%d", prefix, i);
      name = sr_pool_strdup(&r->pool, buf);
      if (!name) return SIGRUN_STATUS_NO_MEMORY;
    }
    names[i].name = name;
    names[i].tensor = idx[i];
  }
  qsort(names, (size_t)n, sizeof *names, compare_io);
  *out = names;
  return SIGRUN_STATUS_OK;
}

static sigrun_status build_nodes(sr_runner* r) {
  const sr_subgraph* sg = r->subgraph;
  size_t slots = 0;
  for (int i = 0; i < sg->n_operators; i++) slots += (size_t)sg->operators[i].n_inputs + (size_t)sg->operators[i].n_outputs;
  r->n_nodes = sg->n_operators;
  r->nodes = sr_pool_array(&r->pool, (size_t)r->n_nodes + 1, sizeof(sr_node));
  r->node_io = sr_pool_array(&r->pool, slots + 1, sizeof(sr_tensor*));
  r->deferred_scratch = sr_pool_array(&r->pool, (size_t)r->n_nodes + 1, sizeof(void*));
  r->deferred_scratch_size = sr_pool_array(&r->pool, (size_t)r->n_nodes + 1, sizeof(size_t));
  if (!r->nodes || !r->node_io || !r->deferred_scratch || !r->deferred_scratch_size) return SIGRUN_STATUS_NO_MEMORY;
  sr_tensor** slot = r->node_io;
  for (int i = 0; i < r->n_nodes; i++) {
    const sr_operator* op = &sg->operators[i];
    sr_node* n = &r->nodes[i];
    n->op = op;
    n->kind = op->kind;
    n->params = op->params;
    n->runner = r;
    n->subgraph = r->subgraph_index;
    n->reference_only = r->interpreter->options.reference_kernels_only;
    n->isa = r->interpreter->isa;
    n->n_inputs = op->n_inputs;
    n->inputs = slot;
    for (int k = 0; k < op->n_inputs; k++) *slot++ = op->inputs[k] < 0 ? NULL : &r->tensors[op->inputs[k]];
    n->n_outputs = op->n_outputs;
    n->outputs = slot;
    for (int k = 0; k < op->n_outputs; k++) *slot++ = &r->tensors[op->outputs[k]];
  }
  return SIGRUN_STATUS_OK;
}

/* sig_index >= 0: a signature; -1: the placeholder over subgraph 0; -2: an internal executor of `subgraph`. */
static sigrun_status build_runner(sr_runner* r, int sig_index, int subgraph) {
  const sigrun_model* m = r->model;
  if (sig_index == -2) {
    char key[48];
    snprintf(key, sizeof key, "subgraph %d", subgraph);
    r->key = sr_pool_strdup(&r->pool, key);
    if (!r->key) return SIGRUN_STATUS_NO_MEMORY;
    r->subgraph_index = subgraph;
  } else if (sig_index >= 0) {
    const sr_signature* sig = &m->signatures[sig_index];
    r->key = sig->key;
    r->subgraph_index = sig->subgraph;
    r->n_inputs = sig->n_inputs;
    r->inputs = sig->inputs;
    r->n_outputs = sig->n_outputs;
    r->outputs = sig->outputs;
  } else {
    r->key = SR_PLACEHOLDER_KEY;
    r->subgraph_index = 0;
  }
  r->subgraph = &m->subgraphs[r->subgraph_index];
  const sr_subgraph* sg = r->subgraph;
  if (sig_index < 0) {
    /* Internal executors need no names, but naming them like the placeholder keeps messages uniform. */
    r->n_inputs = sg->n_inputs;
    r->n_outputs = sg->n_outputs;
    if (placeholder_names(r, sg->inputs, sg->n_inputs, "input", &r->inputs) ||
        placeholder_names(r, sg->outputs, sg->n_outputs, "output", &r->outputs))
      return SIGRUN_STATUS_NO_MEMORY;
  }
  r->n_tensors = sg->n_tensors;
  size_t items = (size_t)sg->n_tensors + (size_t)sg->n_operators + 1;
  r->tensors = sr_pool_array(&r->pool, (size_t)sg->n_tensors + 1, sizeof(sr_tensor));
  r->plan = sr_pool_array(&r->pool, items, sizeof(sr_plan_item));
  r->plan_order = sr_pool_array(&r->pool, items, sizeof(int));
  r->first_use = sr_pool_array(&r->pool, (size_t)sg->n_tensors + 1, sizeof(int));
  r->last_use = sr_pool_array(&r->pool, (size_t)sg->n_tensors + 1, sizeof(int));
  if (!r->tensors || !r->plan || !r->plan_order || !r->first_use || !r->last_use) return SIGRUN_STATUS_NO_MEMORY;
  for (int i = 0; i < sg->n_tensors; i++) {
    sr_tensor* t = &r->tensors[i];
    t->def = &sg->tensors[i];
    t->index = i;
    t->account = r->account;
    t->type = t->def->type;
    set_def_shape(t);
    t->bytes = tensor_bytes(t);
  }
  return build_nodes(r);
}

/* ---- shared state: which locks a root's invoke needs ---- */

static sr_state_access op_access(int code) {
  switch (code) {
    case SR_BUILTIN_ASSIGN_VARIABLE:
    case SR_BUILTIN_HASHTABLE_IMPORT:
      return SR_STATE_WRITE;
    case SR_BUILTIN_READ_VARIABLE:
    case SR_BUILTIN_HASHTABLE_FIND:
    case SR_BUILTIN_HASHTABLE_SIZE:
      return SR_STATE_READ;
    default:
      return SR_STATE_NONE;
  }
}

/* Walks every subgraph the root's graph can reach (each once, with a work list: call chains in a hostile file
 * may be long) for state access and CALL_ONCE targets. An initializer's own writes count only while it has
 * not run (invoke_access), so its subgraph is not walked here. */
static sigrun_status plan_state_access(sr_runner* root) {
  const sigrun_model* m = root->model;
  int n = m->n_subgraphs, todo = 0;
  uint8_t* seen = sr_pool_array(&root->pool, (size_t)n + 1, 1);
  uint8_t* inits = sr_pool_array(&root->pool, (size_t)n + 1, 1);
  int* work = sr_pool_array(&root->pool, (size_t)n + 1, sizeof(int));
  if (!seen || !inits || !work) return SIGRUN_STATUS_NO_MEMORY;
  seen[root->subgraph_index] = 1;
  work[todo++] = root->subgraph_index;
  while (todo > 0) {
    const sr_subgraph* sg = &m->subgraphs[work[--todo]];
    for (int i = 0; i < sg->n_operators; i++) {
      const sr_operator* op = &sg->operators[i];
      sr_state_access a = op_access(op->builtin_code);
      if (a > root->access) root->access = a;
      int called[2], k = sr_operator_calls(op, called);
      if (op->builtin_code == SR_BUILTIN_CALL_ONCE) {
        if (k == 1) inits[called[0]] = 1; /* in range: checked at load */
        continue;
      }
      while (k--)
        if (!seen[called[k]]) {
          seen[called[k]] = 1;
          work[todo++] = called[k];
        }
    }
  }
  root->initializers = inits;
  return SIGRUN_STATUS_OK;
}

/* Write access while any initializer the tree can reach has not run: it assigns variables and fills tables. */
static sr_state_access invoke_access(const sr_runner* root) {
  const sr_resources* res = &root->interpreter->resources;
  for (int s = 0; s < root->model->n_subgraphs; s++)
    if (root->initializers[s] && !atomic_load(&res->initialized[s])) return SR_STATE_WRITE;
  return root->access;
}

static sigrun_status runner_new(sigrun_interpreter* interp, int sig_index, int subgraph, sr_runner* root,
                                sigrun_runner** out, sigrun_error* error) {
  sigrun_runner* runner = sr_calloc(1, sizeof *runner);
  if (!runner) return oom(error);
  sr_runner* r = &runner->impl;
  sr_pool_init(&r->pool);
  r->interpreter = interp;
  r->model = interp->model;
  r->root = root ? root : r;
  r->account = &r->root->mem;
  if (!root) r->mem.limit = interp->options.max_arena_bytes;
  if (build_runner(r, sig_index, subgraph) != SIGRUN_STATUS_OK || (!root && plan_state_access(r))) {
    sr_runner_free(runner);
    return oom(error);
  }
  for (int i = 0; i < r->n_nodes; i++) {
    sigrun_status st = sr_custom_bind(&r->nodes[i], &interp->options, error);
    if (st) {
      sr_runner_free(runner);
      return st;
    }
  }
  sr_fuse_nodes(r);
  *out = runner;
  return sr_ok(error);
}

sigrun_status sr_runner_new(sigrun_interpreter* interp, int sig_index, sigrun_runner** out, sigrun_error* error) {
  return runner_new(interp, sig_index, 0, NULL, out, error);
}

static void release_memory(sr_runner* r) {
  for (int i = 0; i < r->n_tensors; i++) {
    sr_tensor* t = &r->tensors[i];
    if (t->alloc == SR_ALLOC_DYNAMIC || t->alloc == SR_ALLOC_PERSISTENT || t->alloc == SR_ALLOC_FOLDED)
      sr_aligned_free(t->data);
  }
  for (int i = 0; i < r->n_nodes; i++) {
    sr_custom_release(&r->nodes[i]);
    sr_free(r->nodes[i].data);
    sr_aligned_free(r->deferred_scratch[i]);
  }
  sr_aligned_free(r->arena);
}

void sr_runner_free(sigrun_runner* runner) {
  if (!runner) return;
  sr_runner* r = &runner->impl;
  if (r->children && r->root == r)
    for (int s = 0; s < r->model->n_subgraphs; s++)
      if (r->children[s]) sr_runner_free((sigrun_runner*)r->children[s]);
  if (r->tensors && r->nodes && r->deferred_scratch) release_memory(r); /* else construction failed early */
  sr_pool_destroy(&r->pool);
  sr_free(runner);
}

/* ---- allocation ---- */

static int is_graph_input(const sr_runner* r, int tensor) {
  for (int i = 0; i < r->subgraph->n_inputs; i++)
    if (r->subgraph->inputs[i] == tensor) return 1;
  return 0;
}

/* LiteRT's ResetVariableTensor: an int8 variable starts at its zero point (every other type at 0 bytes), and
 * buffer data in the file is ignored, as LiteRT ignores it. */
static void reset_variable(sr_tensor* t, size_t bytes) {
  const sr_quant* q = &t->def->quant;
  int64_t zp = q->count > 0 && q->zero_points ? q->zero_points[0] : 0;
  memset(t->data, t->type == SIGRUN_TYPE_INT8 ? (int)(uint8_t)(int8_t)zp : 0, bytes);
}

/* Puts every tensor back to "unallocated" except constants, variables and the inputs' current shapes. */
static sigrun_status reset_tensors(sr_runner* r, sigrun_error* error) {
  for (int i = 0; i < r->n_tensors; i++) {
    sr_tensor* t = &r->tensors[i];
    if (t->alloc == SR_ALLOC_PERSISTENT) continue;
    if (t->alloc == SR_ALLOC_DYNAMIC || t->alloc == SR_ALLOC_FOLDED) sr_tensor_release(t);
    t->data = NULL;
    t->alloc = SR_ALLOC_NONE;
    if (t->def->data && !t->def->is_variable) {
      set_def_shape(t);
      t->data = (void*)t->def->data;
      t->alloc = SR_ALLOC_CONST;
    } else if (t->type == SIGRUN_TYPE_STRING) {
      /* Sized by their contents: set_input or the producing kernel gives them memory. */
      if (!is_graph_input(r, i)) set_def_shape(t);
      t->alloc = SR_ALLOC_DYNAMIC;
      t->bytes = 0;
      continue;
    } else if (t->def->is_variable) {
      /* Old-style stateful tensors (e.g. LSTM state) keep their values across invokes. */
      set_def_shape(t);
      size_t bytes = tensor_bytes(t);
      sigrun_status st = sr_tensor_reserve(t, bytes);
      if (st) return memory_fail(r, t, bytes, st, error);
      reset_variable(t, bytes);
      t->capacity = bytes;
      t->alloc = SR_ALLOC_PERSISTENT;
    } else if (!is_graph_input(r, i)) {
      set_def_shape(t);
    }
    t->bytes = tensor_bytes(t);
  }
  return SIGRUN_STATUS_OK;
}

/* Kernels turn sr_node_alloc_data's NULL into NO_MEMORY whatever its cause; the record says when the cause was
 * max_arena_bytes. A kernel that failed without saying why still leaves a message, and the record's status
 * always agrees with the one returned. The public calls clear the record first and never pass NULL. */
static sigrun_status kernel_failure(const sr_runner* r, const sr_node* n, sigrun_status st, sigrun_error* error) {
  if (!error) return st;
  if (st == SIGRUN_STATUS_NO_MEMORY && error->status == SIGRUN_STATUS_LIMIT) return SIGRUN_STATUS_LIMIT;
  if (error->status == SIGRUN_STATUS_OK)
    return sr_fail(error, st, "subgraph %d, operator %d (%s) failed without a message (%s)", r->subgraph_index,
                   n->op->index, n->op->name, sigrun_status_string(st));
  error->status = st;
  return st;
}

static sigrun_status prepare_nodes(sr_runner* r, sigrun_error* error) {
  for (int i = 0; i < r->n_nodes; i++) {
    sr_node* n = &r->nodes[i];
    n->error = error;
    n->scratch_bytes = 0;
    n->scratch = NULL;
    n->deferred = 0;
    n->folded = 0;
    for (int k = 0; k < n->n_inputs; k++)
      if (n->inputs[k] && n->inputs[k]->alloc == SR_ALLOC_DYNAMIC) n->deferred = 1;
    if (n->deferred) {
      for (int k = 0; k < n->n_outputs; k++)
        if (n->outputs[k]->alloc == SR_ALLOC_NONE) n->outputs[k]->alloc = SR_ALLOC_DYNAMIC;
      continue;
    }
    sigrun_status st = n->kind->prepare(n);
    if (st != SIGRUN_STATUS_OK) return kernel_failure(r, n, st, error);
    sr_fold_constant_node(r, n);
  }
  return SIGRUN_STATUS_OK;
}

static void compute_lifetimes(sr_runner* r) {
  const sr_subgraph* sg = r->subgraph;
  int end = r->n_nodes;
  for (int i = 0; i < r->n_tensors; i++) {
    r->first_use[i] = INT_MAX;
    r->last_use[i] = -1;
  }
  /* Inputs live for the whole invoke and are never overwritten, as in LiteRT. */
  for (int i = 0; i < sg->n_inputs; i++) {
    r->first_use[sg->inputs[i]] = 0;
    r->last_use[sg->inputs[i]] = end;
  }
  /* From the nodes, not the file's operators: a fused node writes its partner's outputs (fuse.c). */
  for (int i = 0; i < r->n_nodes; i++) {
    const sr_node* n = &r->nodes[i];
    for (int k = 0; k < n->n_inputs + n->n_outputs; k++) {
      const sr_tensor* tensor = k < n->n_inputs ? n->inputs[k] : n->outputs[k - n->n_inputs];
      if (!tensor) continue;
      int t = tensor->index;
      if (i < r->first_use[t]) r->first_use[t] = i;
      if (i > r->last_use[t]) r->last_use[t] = i;
    }
  }
  for (int i = 0; i < sg->n_outputs; i++) {
    int t = sg->outputs[i];
    if (r->first_use[t] == INT_MAX) r->first_use[t] = 0;
    r->last_use[t] = end;
  }
  if (r->interpreter->options.preserve_all_tensors)
    for (int i = 0; i < r->n_tensors; i++)
      if (r->first_use[i] != INT_MAX) r->last_use[i] = end;
}

static sigrun_status plan_arena(sr_runner* r, sigrun_error* error) {
  compute_lifetimes(r);
  int n = r->n_tensors + r->n_nodes;
  for (int i = 0; i < r->n_tensors; i++) {
    sr_tensor* t = &r->tensors[i];
    sr_plan_item* it = &r->plan[i];
    it->size = (t->alloc == SR_ALLOC_NONE && r->first_use[i] != INT_MAX) ? t->bytes : 0;
    it->first = r->first_use[i];
    it->last = r->last_use[i];
  }
  for (int i = 0; i < r->n_nodes; i++) {
    sr_plan_item* it = &r->plan[r->n_tensors + i];
    it->size = r->nodes[i].deferred ? 0 : r->nodes[i].scratch_bytes;
    it->first = it->last = i;
  }
  size_t total;
  if (!sr_plan_arena(r->plan, n, r->plan_order, &total))
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "signature '%s': arena size overflows", r->key);
  size_t limit = r->account->limit;
  if (limit && total > limit)
    return sr_fail(error, SIGRUN_STATUS_LIMIT, "signature '%s': the arena needs %zu bytes, over max_arena_bytes (%zu)",
                   r->key, total, limit);
  if (total > r->arena_capacity || !r->arena) {
    if (sr_mem_charge(r->account, r->arena_capacity, total))
      return sr_fail(error, SIGRUN_STATUS_LIMIT,
                     "signature '%s': a %zu-byte arena would take the runner past max_arena_bytes (%zu)", r->key,
                     total, limit);
    sr_aligned_free(r->arena);
    r->arena_capacity = 0;
    r->arena = sr_aligned_alloc(total);
    if (!r->arena) {
      sr_mem_charge(r->account, total, 0);
      return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory for a %zu-byte arena", total);
    }
    r->arena_capacity = total;
  }
  r->arena_size = total;
  for (int i = 0; i < r->n_tensors; i++) {
    sr_tensor* t = &r->tensors[i];
    if (t->alloc != SR_ALLOC_NONE || r->first_use[i] == INT_MAX) continue;
    t->data = r->arena + r->plan[i].offset;
    t->alloc = SR_ALLOC_ARENA;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status check_kernels(sr_runner* r, sigrun_error* error) {
  for (int i = 0; i < r->n_nodes; i++)
    if (!r->nodes[i].kind)
      return sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "subgraph %d, operator %d (%s): no kernel", r->subgraph_index, i,
                     r->nodes[i].op->name);
  return SIGRUN_STATUS_OK;
}

static sigrun_status allocate(sr_runner* r, sigrun_error* error) {
  if (r->state == SR_RUNNER_READY) return sr_ok(error);
  sigrun_status st;
  if ((st = check_kernels(r, error)) || (st = reset_tensors(r, error)) || (st = prepare_nodes(r, error)) ||
      (st = plan_arena(r, error)))
    return st;
  r->state = SR_RUNNER_READY;
  return sr_ok(error);
}

/* ---- invoke ---- */

static sigrun_status run_deferred_prepare(sr_runner* r, int i, sigrun_error* error) {
  sr_node* n = &r->nodes[i];
  n->scratch_bytes = 0;
  sigrun_status st = n->kind->prepare(n);
  if (st != SIGRUN_STATUS_OK) return kernel_failure(r, n, st, error);
  if (n->scratch_bytes > r->deferred_scratch_size[i]) {
    if (sr_mem_charge(r->account, r->deferred_scratch_size[i], n->scratch_bytes))
      return sr_fail(error, SIGRUN_STATUS_LIMIT,
                     "subgraph %d, operator %d (%s): %zu bytes of scratch would take the runner past max_arena_bytes "
                     "(%zu)", r->subgraph_index, i, n->op->name, n->scratch_bytes, r->account->limit);
    sr_aligned_free(r->deferred_scratch[i]);
    r->deferred_scratch_size[i] = 0;
    r->deferred_scratch[i] = sr_aligned_alloc(n->scratch_bytes);
    if (!r->deferred_scratch[i]) {
      sr_mem_charge(r->account, n->scratch_bytes, 0);
      return oom(error);
    }
    r->deferred_scratch_size[i] = n->scratch_bytes;
  }
  n->scratch = r->deferred_scratch[i];
  return SIGRUN_STATUS_OK;
}

static int cancelled(const sr_runner* r) {
  return atomic_load(&r->interpreter->cancel_epoch) != r->root->epoch;
}

static sigrun_status run_node(sr_runner* r, int i, sigrun_error* error) {
  sr_node* n = &r->nodes[i];
  if (n->deferred) {
    sigrun_status st = run_deferred_prepare(r, i, error);
    if (st) return st;
  } else {
    n->scratch = n->scratch_bytes ? r->arena + r->plan[r->n_tensors + i].offset : NULL;
  }
  sigrun_status st = n->kind->eval(n);
  return st ? kernel_failure(r, n, st, error) : SIGRUN_STATUS_OK;
}

/* Only reached with a profiler set, so an unprofiled invoke never reads the clock. */
static sigrun_status run_node_profiled(sr_runner* r, int i, sigrun_error* error) {
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  sigrun_status st = run_node(r, i, error);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  int64_t ns = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec);
  r->root->profiler(r->root->profiler_user, r->subgraph_index, i, sr_fuse_profile_name(&r->nodes[i]),
                    (uint64_t)(ns > 0 ? ns : 0));
  return st;
}

static sigrun_status invoke(sr_runner* r, sigrun_error* error) {
  if (r->state != SR_RUNNER_READY)
    return sr_fail(error, SIGRUN_STATUS_BAD_STATE,
                   "signature '%s': invoke before allocate (call sigrun_runner_allocate after creating or resizing)",
                   r->key);
  for (int i = 0; i < r->n_nodes; i++) {
    sr_node* n = &r->nodes[i];
    if (cancelled(r))
      return sr_fail(error, SIGRUN_STATUS_CANCELLED, "%s: cancelled before operator %d (%s)", r->key, i, n->op->name);
    if (n->folded || sr_fuse_skipped(n)) continue;
    n->error = error;
    sigrun_status st = r->root->profiler ? run_node_profiled(r, i, error) : run_node(r, i, error);
    if (st) return st;
  }
  return sr_ok(error);
}

/* ---- public API ---- */

#define RUNNER(runner) (&(runner)->impl)

static void list_names(const sr_io_name* names, int n, char* buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < n && used < size; i++) used += (size_t)snprintf(buf + used, size - used, i ? ", %s" : "%s", names[i].name);
  if (n == 0) snprintf(buf, size, "(none)");
}

static int find_name(const sr_io_name* names, int n, const char* name) {
  for (int i = 0; i < n; i++)
    if (strcmp(names[i].name, name) == 0) return i;
  return -1;
}

/* A callback of the runner (custom op, profiler) calling back into it while it allocates or invokes. (The same
 * runner driven by two threads at once is not detected: a runner belongs to one thread at a time.) */
static sigrun_status busy(const sr_runner* r, const char* function, sigrun_error* error) {
  return sr_fail(error, SIGRUN_STATUS_BAD_STATE,
                 "%s: the runner of signature '%s' is busy in its own allocate or invoke (a callback may not call "
                 "back into its runner)", function, r->key);
}

/* `function` names the public caller in the message for a NULL name. */
static sigrun_status lookup(sr_runner* r, int output, const char* name, sr_tensor** out, const char* function,
                            sigrun_error* error) {
  const sr_io_name* names = output ? r->outputs : r->inputs;
  int n = output ? r->n_outputs : r->n_inputs;
  if (!name) return sr_null_argument(error, function, "name");
  int i = find_name(names, n, name);
  if (i < 0) {
    char list[384];
    list_names(names, n, list, sizeof list);
    return sr_fail(error, SIGRUN_STATUS_NOT_FOUND, "signature '%s' has no %s named '%s'; its %ss are: %s", r->key,
                   output ? "output" : "input", name, output ? "output" : "input", list);
  }
  *out = &r->tensors[names[i].tensor];
  return SIGRUN_STATUS_OK;
}

size_t sigrun_runner_arena_size(const sigrun_runner* runner) {
  if (!runner) return 0;
  const sr_runner* r = &runner->impl;
  size_t total = r->arena_size;
  if (r->children)
    for (int s = 0; s < r->model->n_subgraphs; s++)
      if (r->children[s]) total += r->children[s]->arena_size;
  return total;
}

const char* sigrun_runner_signature_key(const sigrun_runner* runner) { return runner ? runner->impl.key : NULL; }
int sigrun_runner_subgraph_index(const sigrun_runner* runner) { return runner ? runner->impl.subgraph_index : -1; }
int sigrun_runner_input_count(const sigrun_runner* runner) { return runner ? runner->impl.n_inputs : 0; }
int sigrun_runner_output_count(const sigrun_runner* runner) { return runner ? runner->impl.n_outputs : 0; }

const char* sigrun_runner_input_name(const sigrun_runner* runner, int index) {
  if (!runner || index < 0 || index >= runner->impl.n_inputs) return NULL;
  return runner->impl.inputs[index].name;
}

const char* sigrun_runner_output_name(const sigrun_runner* runner, int index) {
  if (!runner || index < 0 || index >= runner->impl.n_outputs) return NULL;
  return runner->impl.outputs[index].name;
}

sigrun_status sigrun_runner_input(sigrun_runner* runner, const char* name, sigrun_tensor** out_tensor, sigrun_error* error) {
  if (!runner) return sr_null_argument(error, "sigrun_runner_input", "runner");
  if (!out_tensor) return sr_null_argument(error, "sigrun_runner_input", "out_tensor");
  sigrun_status st = lookup(RUNNER(runner), 0, name, out_tensor, "sigrun_runner_input", error);
  return st ? st : sr_ok(error);
}

sigrun_status sigrun_runner_output(sigrun_runner* runner, const char* name, const sigrun_tensor** out_tensor,
                                   sigrun_error* error) {
  if (!runner) return sr_null_argument(error, "sigrun_runner_output", "runner");
  if (!out_tensor) return sr_null_argument(error, "sigrun_runner_output", "out_tensor");
  sr_tensor* t;
  sigrun_status st = lookup(RUNNER(runner), 1, name, &t, "sigrun_runner_output", error);
  if (st) return st;
  *out_tensor = t;
  return sr_ok(error);
}

sigrun_tensor* sigrun_runner_input_at(sigrun_runner* runner, int index) {
  if (!runner || index < 0 || index >= runner->impl.n_inputs) return NULL;
  return &runner->impl.tensors[runner->impl.inputs[index].tensor];
}

const sigrun_tensor* sigrun_runner_output_at(sigrun_runner* runner, int index) {
  if (!runner || index < 0 || index >= runner->impl.n_outputs) return NULL;
  return &runner->impl.tensors[runner->impl.outputs[index].tensor];
}

int sigrun_runner_subgraph_input_count(const sigrun_runner* runner) { return runner ? runner->impl.subgraph->n_inputs : 0; }
int sigrun_runner_subgraph_output_count(const sigrun_runner* runner) { return runner ? runner->impl.subgraph->n_outputs : 0; }

sigrun_tensor* sigrun_runner_subgraph_input(sigrun_runner* runner, int index) {
  if (!runner || index < 0 || index >= runner->impl.subgraph->n_inputs) return NULL;
  return &runner->impl.tensors[runner->impl.subgraph->inputs[index]];
}

const sigrun_tensor* sigrun_runner_subgraph_output(sigrun_runner* runner, int index) {
  if (!runner || index < 0 || index >= runner->impl.subgraph->n_outputs) return NULL;
  return &runner->impl.tensors[runner->impl.subgraph->outputs[index]];
}

int sigrun_runner_tensor_count(const sigrun_runner* runner) { return runner ? runner->impl.n_tensors : 0; }

sigrun_tensor* sigrun_runner_tensor(sigrun_runner* runner, int tensor_index) {
  if (!runner || tensor_index < 0 || tensor_index >= runner->impl.n_tensors) return NULL;
  return &runner->impl.tensors[tensor_index];
}

static sigrun_status resize(sigrun_runner* runner, const char* name, const int32_t* dims, int rank, int strict,
                            sigrun_error* error) {
  const char* function = strict ? "sigrun_runner_resize_input_strict" : "sigrun_runner_resize_input";
  if (!runner) return sr_null_argument(error, function, "runner");
  if (!dims && rank > 0) return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "%s: dims is NULL with rank %d", function, rank);
  sr_runner* r = RUNNER(runner);
  if (r->active) return busy(r, function, error);
  sr_tensor* t;
  sigrun_status st = lookup(r, 0, name, &t, function, error);
  if (st) return st;
  char shape[128], old[128];
  if (rank < 0 || rank > SR_MAX_RANK)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "input '%s': rank %d is outside 0..%d", name, rank, SR_MAX_RANK);
  size_t count;
  if (!sr_shape_count(dims, rank, &count))
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "input '%s': shape %s has a negative dimension or is too large", name,
                   sr_shape_str(dims, rank, shape, sizeof shape));
  if (strict) {
    if (rank != t->rank)
      return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "input '%s': strict resize cannot change rank %d to %d", name,
                     t->rank, rank);
    for (int i = 0; i < rank; i++)
      if (t->def->signature[i] != -1 && dims[i] != t->dims[i])
        return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT,
                       "input '%s': strict resize may only change dimensions that are -1 in the shape signature %s; "
                       "dimension %d is %d, requested %d",
                       name, sr_shape_str(t->def->signature, t->def->rank, old, sizeof old), i, t->dims[i], dims[i]);
  }
  if (rank == t->rank && (rank == 0 || memcmp(dims, t->dims, sizeof(int32_t) * (size_t)rank) == 0)) return sr_ok(error);
  t->rank = rank;
  if (rank) memcpy(t->dims, dims, sizeof(int32_t) * (size_t)rank);
  t->bytes = tensor_bytes(t);
  /* The old arena slot may be smaller than the new shape: no data until the next allocate. */
  if (t->alloc == SR_ALLOC_ARENA) {
    t->data = NULL;
    t->alloc = SR_ALLOC_NONE;
  }
  r->state = SR_RUNNER_NEEDS_ALLOCATION;
  return sr_ok(error);
}

sigrun_status sigrun_runner_resize_input(sigrun_runner* runner, const char* name, const int32_t* dims, int rank,
                                         sigrun_error* error) {
  return resize(runner, name, dims, rank, 0, error);
}

sigrun_status sigrun_runner_resize_input_strict(sigrun_runner* runner, const char* name, const int32_t* dims, int rank,
                                                sigrun_error* error) {
  return resize(runner, name, dims, rank, 1, error);
}

sigrun_status sigrun_runner_allocate(sigrun_runner* runner, sigrun_error* error) {
  if (!runner) return sr_null_argument(error, "sigrun_runner_allocate", "runner");
  sr_runner* r = RUNNER(runner);
  if (r->active) return busy(r, "sigrun_runner_allocate", error);
  sigrun_error local; /* kernels' failures are reconciled through a record (kernel_failure) */
  if (!error) error = &local;
  sr_ok(error);
  r->active = 1;
  sigrun_status st = allocate(r, error);
  r->active = 0;
  if (st) {
    r->state = SR_RUNNER_NEEDS_ALLOCATION;
    sr_error_prefix(error, "allocating signature '%s'", r->key);
  }
  return st;
}

/* A string input takes LiteRT's packed buffer, checked against the input's element count. */
static sigrun_status set_string_input(sr_tensor* t, const char* name, const void* data, size_t size,
                                      sigrun_error* error) {
  char why[160], shape[128];
  size_t count = sr_tensor_count(t);
  if (!sr_strings_check(data, size, count, why, sizeof why))
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "input '%s' (string, shape %s): %s", name,
                   sr_shape_str(t->dims, t->rank, shape, sizeof shape), why);
  sigrun_status st = sr_tensor_reserve(t, size);
  if (st == SIGRUN_STATUS_LIMIT)
    return sr_fail(error, st, "input '%s': %zu bytes would take the runner past max_arena_bytes (%zu)", name, size,
                   t->account->limit);
  if (st) return oom(error);
  memcpy(t->data, data, size);
  t->bytes = size;
  return sr_ok(error);
}

sigrun_status sigrun_runner_set_input(sigrun_runner* runner, const char* name, const void* data, size_t size,
                                      sigrun_error* error) {
  if (!runner) return sr_null_argument(error, "sigrun_runner_set_input", "runner");
  if (!data && size)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_runner_set_input: data is NULL with size %zu", size);
  sr_runner* r = RUNNER(runner);
  if (r->active) return busy(r, "sigrun_runner_set_input", error);
  sr_tensor* t;
  sigrun_status st = lookup(r, 0, name, &t, "sigrun_runner_set_input", error);
  if (st) return st;
  if (r->state != SR_RUNNER_READY)
    return sr_fail(error, SIGRUN_STATUS_BAD_STATE, "input '%s': set before allocate (call sigrun_runner_allocate first)", name);
  if (sr_tensor_is_const(t))
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "input '%s' is a constant tensor of the model and cannot be set", name);
  if (t->type == SIGRUN_TYPE_STRING) return set_string_input(t, name, data, size, error);
  if (size != t->bytes) {
    char shape[128];
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "input '%s': got %zu bytes, shape %s %s needs %zu", name, size,
                   sr_shape_str(t->dims, t->rank, shape, sizeof shape), sigrun_type_name(t->type), t->bytes);
  }
  /* Load-time checks make every signature input planned; refuse rather than trust that if it ever is not. */
  if (size && !t->data)
    return sr_fail(error, SIGRUN_STATUS_BAD_STATE, "input '%s' has no memory (tensor %d is not planned)", name,
                   t->index);
  if (size) memcpy(t->data, data, size);
  return sr_ok(error);
}

void sigrun_runner_set_profiler(sigrun_runner* runner, sigrun_op_profiler fn, void* user) {
  if (!runner) return;
  runner->impl.profiler = fn;
  runner->impl.profiler_user = fn ? user : NULL;
}

/* String inputs were checked by set_input, but their memory is writable in place (sigrun_tensor_data) and
 * kernels index strings through the buffer's own offsets: a buffer changed since must still be valid. */
static sigrun_status check_string_inputs(const sr_runner* r, sigrun_error* error) {
  const sr_subgraph* sg = r->subgraph;
  for (int i = 0; i < sg->n_inputs; i++) {
    const sr_tensor* t = &r->tensors[sg->inputs[i]];
    char why[160];
    if (t->type != SIGRUN_TYPE_STRING || t->alloc != SR_ALLOC_DYNAMIC || !t->data) continue;
    if (!sr_strings_check(t->data, t->bytes, sr_tensor_count(t), why, sizeof why))
      return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT,
                     "signature '%s', input tensor %d ('%s'): %s (was it changed in place after it was set?)", r->key,
                     t->index, t->def->name, why);
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sigrun_runner_invoke(sigrun_runner* runner, sigrun_error* error) {
  if (!runner) return sr_null_argument(error, "sigrun_runner_invoke", "runner");
  sr_runner* r = RUNNER(runner);
  if (r->active) return busy(r, "sigrun_runner_invoke", error);
  sigrun_error local; /* kernels' failures are reconciled through a record (kernel_failure) */
  if (!error) error = &local;
  sr_ok(error);
  sigrun_status checked = r->state == SR_RUNNER_READY ? check_string_inputs(r, error) : SIGRUN_STATUS_OK;
  if (checked) return checked;
  pthread_rwlock_t* lock = &r->interpreter->resources.lock;
  sr_state_access access = invoke_access(r);
  if (access == SR_STATE_WRITE) pthread_rwlock_wrlock(lock);
  else if (access == SR_STATE_READ) pthread_rwlock_rdlock(lock);
  r->active = 1;
  r->epoch = atomic_load(&r->interpreter->cancel_epoch);
  sigrun_status st = invoke(r, error);
  r->active = 0;
  if (access != SR_STATE_NONE) pthread_rwlock_unlock(lock);
  return st;
}

/* ---- subgraph calls (call.h) ---- */

sigrun_status sr_call_child(sr_node* node, int subgraph, sr_runner** out) {
  sr_runner* caller = node->runner;
  sr_runner* root = caller->root;
  const sigrun_model* m = root->model;
  if (subgraph < 0 || subgraph >= m->n_subgraphs)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "calls subgraph %d, but the model has %d subgraphs", subgraph,
                        m->n_subgraphs);
  int limit = root->interpreter->options.max_call_depth;
  if (caller->depth + 1 > limit)
    return sr_node_fail(node, SIGRUN_STATUS_LIMIT, "subgraph calls nest deeper than max_call_depth (%d)", limit);
  if (!root->children) {
    root->children = sr_pool_array(&root->pool, (size_t)m->n_subgraphs + 1, sizeof(sr_runner*));
    if (!root->children) return sr_node_fail(node, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  if (!root->children[subgraph]) {
    sigrun_runner* child;
    sigrun_status st = runner_new(root->interpreter, -2, subgraph, root, &child, node->error);
    if (st) return st;
    root->children[subgraph] = RUNNER(child);
  }
  sr_runner* child = root->children[subgraph];
  if (!child->active && child->depth < caller->depth + 1) child->depth = caller->depth + 1;
  *out = child;
  return SIGRUN_STATUS_OK;
}

int sr_call_subgraph(const sr_runner* child) { return child->subgraph_index; }
int sr_call_input_count(const sr_runner* child) { return child->subgraph->n_inputs; }
int sr_call_output_count(const sr_runner* child) { return child->subgraph->n_outputs; }
sr_tensor* sr_call_input(sr_runner* child, int i) { return &child->tensors[child->subgraph->inputs[i]]; }
sr_tensor* sr_call_output(sr_runner* child, int i) { return &child->tensors[child->subgraph->outputs[i]]; }

int sr_call_same_shape(const sr_tensor* a, const sr_tensor* b) {
  return a->rank == b->rank && (a->rank == 0 || memcmp(a->dims, b->dims, sizeof(int32_t) * (size_t)a->rank) == 0);
}

sigrun_status sr_call_shape_input(sr_node* node, sr_runner* child, int i, const sr_tensor* like) {
  sr_tensor* t = sr_call_input(child, i);
  if (t->type != like->type)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "passes a %s value as input %d of subgraph %d, which is %s",
                        sigrun_type_name(like->type), i, child->subgraph_index, sigrun_type_name(t->type));
  if (sr_call_same_shape(t, like)) return SIGRUN_STATUS_OK;
  t->rank = like->rank;
  memcpy(t->dims, like->dims, sizeof t->dims);
  if (t->alloc == SR_ALLOC_ARENA) {
    t->data = NULL;
    t->alloc = SR_ALLOC_NONE;
  }
  if (t->alloc != SR_ALLOC_DYNAMIC) t->bytes = tensor_bytes(t);
  child->state = SR_RUNNER_NEEDS_ALLOCATION;
  return SIGRUN_STATUS_OK;
}

static sigrun_status enter(sr_node* node, sr_runner* child) {
  if (child->active)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "subgraph %d is called while it is running (recursion)",
                        child->subgraph_index);
  child->active = 1;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_call_allocate(sr_node* node, sr_runner* child) {
  if (child->state == SR_RUNNER_READY) return SIGRUN_STATUS_OK;
  sigrun_status st = enter(node, child);
  if (st) return st;
  st = allocate(child, node->error);
  child->active = 0;
  if (st) {
    child->state = SR_RUNNER_NEEDS_ALLOCATION;
    sr_error_prefix(node->error, "subgraph %d, operator %d (%s) preparing subgraph %d", node->subgraph,
                    node->op->index, node->op->name, child->subgraph_index);
  }
  return st;
}

int64_t sr_call_max_while_iterations(const sr_node* node) {
  return node->runner->interpreter->options.max_while_iterations;
}

sigrun_status sr_call_invoke(sr_node* node, sr_runner* child) {
  if (cancelled(child))
    return sr_node_fail(node, SIGRUN_STATUS_CANCELLED, "cancelled before running subgraph %d", child->subgraph_index);
  sigrun_status st = enter(node, child);
  if (st) return st;
  st = invoke(child, node->error);
  child->active = 0;
  if (st)
    sr_error_prefix(node->error, "subgraph %d, operator %d (%s) running subgraph %d", node->subgraph,
                    node->op->index, node->op->name, child->subgraph_index);
  return st;
}

void sr_call_release(sr_runner* child) {
  for (int i = 0; i < child->n_tensors; i++) {
    sr_tensor* t = &child->tensors[i];
    if (t->alloc == SR_ALLOC_DYNAMIC) {
      sr_tensor_release(t);
      t->bytes = 0;
    }
  }
  sr_mem_charge(child->account, child->arena_capacity, 0);
  sr_aligned_free(child->arena);
  child->arena = NULL;
  child->arena_capacity = 0;
  child->state = SR_RUNNER_NEEDS_ALLOCATION;
}

sigrun_status sr_call_copy(sr_node* node, sr_tensor* dst, const sr_tensor* src) {
  if (dst == src) return SIGRUN_STATUS_OK;
  if (dst->type != src->type)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "cannot pass a %s value into a %s tensor (tensor %d)",
                        sigrun_type_name(src->type), sigrun_type_name(dst->type), dst->index);
  if (src->type == SIGRUN_TYPE_STRING) return sr_strings_copy(node, dst, src);
  if (dst->alloc == SR_ALLOC_DYNAMIC) {
    sigrun_status st = sr_tensor_reserve(dst, src->bytes);
    if (st) return sr_node_reserve_fail(node, dst, src->bytes, st);
    dst->rank = src->rank;
    memcpy(dst->dims, src->dims, sizeof dst->dims);
    dst->bytes = src->bytes;
  } else if (!sr_call_same_shape(dst, src) || dst->bytes != src->bytes) {
    char a[128], b[128];
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "value of shape %s does not fit tensor %d of shape %s",
                        sr_shape_str(src->dims, src->rank, a, sizeof a), dst->index,
                        sr_shape_str(dst->dims, dst->rank, b, sizeof b));
  }
  if (src->bytes) memmove(dst->data, src->data, src->bytes);
  return SIGRUN_STATUS_OK;
}

/* ---- variables ---- */

static void zero_variables(sr_runner* r) {
  for (int i = 0; i < r->n_tensors; i++) {
    sr_tensor* t = &r->tensors[i];
    if (t->def->is_variable && t->alloc == SR_ALLOC_PERSISTENT && t->data) reset_variable(t, t->bytes);
  }
}

void sr_runner_reset_variables(sigrun_runner* runner) {
  if (!runner) return;
  sr_runner* r = RUNNER(runner);
  zero_variables(r);
  if (r->children)
    for (int s = 0; s < r->model->n_subgraphs; s++)
      if (r->children[s]) zero_variables(r->children[s]);
}

sigrun_status sigrun_runner_get_output(sigrun_runner* runner, const char* name, void* data, size_t size,
                                       sigrun_error* error) {
  if (!runner) return sr_null_argument(error, "sigrun_runner_get_output", "runner");
  if (!data && size)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_runner_get_output: data is NULL with size %zu", size);
  sr_tensor* t;
  sigrun_status st = lookup(RUNNER(runner), 1, name, &t, "sigrun_runner_get_output", error);
  if (st) return st;
  /* Memory comes with allocate (planned outputs) or with the invoke that produces them (outputs whose shape
   * depends on data, strings): before that there is nothing to read, whatever the byte size says. */
  if (!t->data)
    return sr_fail(error, SIGRUN_STATUS_BAD_STATE, "output '%s' has no data yet (allocate and invoke first)", name);
  if (size < t->bytes)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "output '%s' holds %zu bytes; the destination has %zu", name,
                   t->bytes, size);
  if (t->bytes) memcpy(data, t->data, t->bytes);
  return sr_ok(error);
}
