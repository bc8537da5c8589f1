/*
 * graph_check.c — load-time checks that need a whole subgraph or signature at once: no operator writes a
 * constant or aliases an input, one producer per tensor (never a subgraph input), every operator input holds
 * data (constant, variable, subgraph input or an earlier operator's output), sparse tensors read only
 * by DENSIFY, signature inputs/outputs that are the subgraph's own, unique signature keys. Each runs in
 * linear (or n log n) time, since a hostile file may list a million operator inputs or signatures.
 */
#include "graph_check.h"

#include <stdlib.h>
#include <string.h>

#include "schema_enums.h"

static sigrun_status oom(sigrun_error* error) {
  return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory while loading the model");
}

/* Constant tensors live in read-only model memory: no operator may write to them. (A constant graph input is
 * allowed, as in LiteRT; the runner refuses writes to it.) */
static sigrun_status check_writable(const sr_subgraph* sg, int subgraph, sigrun_error* error) {
  /* input_of[t]: the first input position of tensor t in operator stamp[t]. Stamping per operator keeps the
   * check linear (a hostile operator may list a million inputs and as many outputs). */
  int32_t* input_of = sr_malloc(((size_t)sg->n_tensors + 1) * sizeof(int32_t));
  int32_t* stamp = sr_malloc(((size_t)sg->n_tensors + 1) * sizeof(int32_t));
  sigrun_status st = input_of && stamp ? SIGRUN_STATUS_OK : oom(error);
  for (int t = 0; t < sg->n_tensors && !st; t++) stamp[t] = -1;
  for (int i = 0; i < sg->n_operators && !st; i++) {
    const sr_operator* op = &sg->operators[i];
    for (int j = 0; j < op->n_inputs; j++) {
      if (op->inputs[j] < 0 || stamp[op->inputs[j]] == i) continue;
      stamp[op->inputs[j]] = i;
      input_of[op->inputs[j]] = j;
    }
    for (int k = 0; k < op->n_outputs && !st; k++) {
      /* Kernels read inputs while writing outputs; the same tensor on both sides would alias. */
      int32_t t = op->outputs[k];
      if (stamp[t] == i)
        st = sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                     "subgraph %d, operator %d (%s): tensor %d is both input %d and output %d", subgraph, i, op->name,
                     t, input_of[t], k);
      else if (sg->tensors[t].data && !sg->tensors[t].is_variable)
        st = sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                     "subgraph %d, operator %d (%s): output %d is tensor %d, which holds constant data", subgraph,
                     i, op->name, k, t);
    }
  }
  sr_free(input_of);
  sr_free(stamp);
  return st;
}

/* Each tensor has at most one producer: a second writer would make the result depend on operator order and,
 * for planned memory, on which lifetime the planner saw. The caller produces the subgraph's inputs: an
 * operator writing one would also make the runner plan a caller-set input as the operator's (possibly
 * dynamic, still unallocated) output. Producers: -1 none, -2 - j subgraph input j, else the operator. */
static sigrun_status check_single_producer(const sr_subgraph* sg, int subgraph, sigrun_error* error) {
  int32_t* producer = sr_malloc(((size_t)sg->n_tensors + 1) * sizeof(int32_t));
  if (!producer) return oom(error);
  for (int t = 0; t < sg->n_tensors; t++) producer[t] = -1;
  for (int j = 0; j < sg->n_inputs; j++) producer[sg->inputs[j]] = -2 - j;
  sigrun_status st = SIGRUN_STATUS_OK;
  for (int i = 0; i < sg->n_operators && !st; i++) {
    const sr_operator* op = &sg->operators[i];
    for (int k = 0; k < op->n_outputs && !st; k++) {
      int32_t t = op->outputs[k];
      if (producer[t] >= 0)
        st = sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                     "subgraph %d, operator %d (%s): output %d is tensor %d, which operator %d already produces",
                     subgraph, i, op->name, k, t, producer[t]);
      else if (producer[t] <= -2)
        st = sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                     "subgraph %d, operator %d (%s): output %d is tensor %d, which is input %d of the subgraph",
                     subgraph, i, op->name, k, t, -2 - producer[t]);
      producer[t] = i;
    }
  }
  sr_free(producer);
  return st;
}

/* A sparse tensor's buffer holds only its stored values, so any kernel but DENSIFY would read past it. */
static sigrun_status check_sparse_consumers(const sr_subgraph* sg, int subgraph, sigrun_error* error) {
  for (int i = 0; i < sg->n_operators; i++) {
    const sr_operator* op = &sg->operators[i];
    for (int j = 0; j < op->n_inputs; j++) {
      if (op->inputs[j] < 0 || !sg->tensors[op->inputs[j]].sparsity) continue;
      if (op->builtin_code == SR_BUILTIN_DENSIFY && !op->custom_code && j == 0) continue;
      return sr_fail(error, SIGRUN_STATUS_UNSUPPORTED,
                     "subgraph %d, operator %d (%s): input %d is sparse tensor %d; sigrun reads sparse weights only "
                     "through DENSIFY",
                     subgraph, i, op->name, j, op->inputs[j]);
    }
  }
  for (int i = 0; i < sg->n_outputs; i++)
    if (sg->tensors[sg->outputs[i]].sparsity)
      return sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "subgraph %d: output %d is sparse tensor %d", subgraph, i,
                     sg->outputs[i]);
  return SIGRUN_STATUS_OK;
}

static int compare_key_ptr(const void* a, const void* b) {
  return strcmp(**(const char* const* const*)a, **(const char* const* const*)b);
}

/* Sorted rather than pairwise: a hostile file may hold tens of thousands of signatures. */
sigrun_status sr_graph_check_unique_keys(const sigrun_model* m, sigrun_error* error) {
  const char** keys = sr_malloc(((size_t)m->n_signatures + 1) * sizeof(const char*));
  if (!keys) return oom(error);
  for (int i = 0; i < m->n_signatures; i++) keys[i] = m->signatures[i].key;
  const char*** order = sr_malloc(((size_t)m->n_signatures + 1) * sizeof(const char**));
  sigrun_status st = order ? SIGRUN_STATUS_OK : oom(error);
  for (int i = 0; i < m->n_signatures && !st; i++) order[i] = &keys[i];
  if (!st) qsort(order, (size_t)m->n_signatures, sizeof *order, compare_key_ptr);
  for (int i = 1; i < m->n_signatures && !st; i++) {
    if (strcmp(*order[i - 1], *order[i]) != 0) continue;
    long later = (long)(order[i] > order[i - 1] ? order[i] - keys : order[i - 1] - keys);
    st = sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "signature %ld ('%s'): signature key '%s' appears twice", later,
                 *order[i], *order[i]);
  }
  sr_free(order);
  sr_free(keys);
  return st;
}

sigrun_status sr_graph_check_subgraph(const sr_subgraph* sg, int subgraph, sigrun_error* error) {
  sigrun_status st;
  if ((st = check_writable(sg, subgraph, error)) || (st = check_single_producer(sg, subgraph, error))) return st;
  return check_sparse_consumers(sg, subgraph, error);
}

/* The runner plans and fills only the subgraph's own inputs and outputs; a signature naming any other tensor
 * would hand the caller one that is never allocated or never written. */
sigrun_status sr_graph_check_signature_io(const sr_subgraph* sg, const sr_io_name* names, int n, int inputs,
                                          const char* where, sigrun_error* error) {
  const char* what = inputs ? "input" : "output";
  const int32_t* io = inputs ? sg->inputs : sg->outputs;
  int n_io = inputs ? sg->n_inputs : sg->n_outputs;
  uint8_t* is_io = sr_malloc((size_t)sg->n_tensors + 1);
  if (!is_io) return oom(error);
  memset(is_io, 0, (size_t)sg->n_tensors + 1);
  for (int k = 0; k < n_io; k++) is_io[io[k]] = 1;
  sigrun_status st = SIGRUN_STATUS_OK;
  for (int i = 0; i < n && !st; i++)
    if (!is_io[names[i].tensor])
      st = sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "%s: %s '%s' is tensor %d, which is not an %s of the subgraph",
                   where, what, names[i].name, names[i].tensor, what);
  sr_free(is_io);
  return st;
}

/* An operator input must hold something when the operator runs: constant data, a variable's state, a subgraph
 * input or the output of an EARLIER operator (operators run in file order). A tensor nothing writes would be
 * planned but never written, so kernels would read whatever the arena held (LiteRT fails such a model at invoke:
 * "Input tensor N lacks data"); one written by a later operator is stale or, when that output is allocated at
 * run time, not allocated yet (NULL). Tensors with no elements hold nothing to read. Runs after the call-graph
 * check, so a model broken in both ways reports its calls. producer: scratch of n_tensors + 1 entries. */
static sigrun_status check_inputs_have_data(const sr_subgraph* sg, int subgraph, int32_t* producer,
                                            sigrun_error* error) {
  for (int t = 0; t < sg->n_tensors; t++) producer[t] = -1;
  for (int j = 0; j < sg->n_inputs; j++) producer[sg->inputs[j]] = -2;
  for (int i = sg->n_operators - 1; i >= 0; i--)
    for (int k = 0; k < sg->operators[i].n_outputs; k++) producer[sg->operators[i].outputs[k]] = i;
  for (int i = 0; i < sg->n_operators; i++) {
    const sr_operator* op = &sg->operators[i];
    for (int j = 0; j < op->n_inputs; j++) {
      const int32_t t = op->inputs[j];
      if (t < 0 || producer[t] == -2 || (producer[t] >= 0 && producer[t] < i)) continue;
      const sr_tensor_def* d = &sg->tensors[t];
      if (producer[t] == -1 && (d->data || d->is_variable || d->sparsity)) continue;
      int empty = 0;
      for (int k = 0; k < d->rank; k++) empty |= d->dims[k] == 0;
      if (empty) continue;
      if (producer[t] >= 0)
        return sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                       "subgraph %d, operator %d (%s): input %d is tensor %d (\"%s\"), which operator %d writes "
                       "later; operators must come in the order they run",
                       subgraph, i, op->name, j, t, d->name, producer[t]);
      return sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                     "subgraph %d, operator %d (%s): input %d is tensor %d (\"%s\"), which has no data: it is not "
                     "constant, a variable, a subgraph input or any operator's output",
                     subgraph, i, op->name, j, t, d->name);
    }
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_graph_check_inputs_have_data(const sigrun_model* m, sigrun_error* error) {
  int most = 0;
  for (int i = 0; i < m->n_subgraphs; i++) most = m->subgraphs[i].n_tensors > most ? m->subgraphs[i].n_tensors : most;
  int32_t* producer = sr_malloc(((size_t)most + 1) * sizeof(int32_t));
  if (!producer) return oom(error);
  sigrun_status st = SIGRUN_STATUS_OK;
  for (int i = 0; i < m->n_subgraphs && !st; i++) st = check_inputs_have_data(&m->subgraphs[i], i, producer, error);
  sr_free(producer);
  return st;
}
