/*
 * call_graph.c — the subgraph call graph: edges from each control-flow operator to the subgraphs it runs,
 * checked for range and cycles without recursion (a hostile file may chain thousands of subgraphs).
 */
#include "call_graph.h"

#include "../ops/resource_ops.h"
#include "schema_enums.h"

int sr_operator_calls(const sr_operator* op, int out[2]) {
  if (!op->params) return 0;
  switch (op->builtin_code) {
    case SR_BUILTIN_CALL_ONCE:
    case SR_BUILTIN_STABLEHLO_COMPOSITE:
      out[0] = ((const sr_subgraph_call_params*)op->params)->subgraph;
      return 1;
    case SR_BUILTIN_IF:
      out[0] = ((const sr_if_params*)op->params)->then_subgraph;
      out[1] = ((const sr_if_params*)op->params)->else_subgraph;
      return 2;
    case SR_BUILTIN_WHILE:
      out[0] = ((const sr_while_params*)op->params)->cond_subgraph;
      out[1] = ((const sr_while_params*)op->params)->body_subgraph;
      return 2;
    default:
      return 0;
  }
}

static sigrun_status check_ranges(const sigrun_model* m, size_t* n_edges, sigrun_error* error) {
  *n_edges = 0;
  for (int s = 0; s < m->n_subgraphs; s++)
    for (int i = 0; i < m->subgraphs[s].n_operators; i++) {
      const sr_operator* op = &m->subgraphs[s].operators[i];
      int called[2];
      int n = sr_operator_calls(op, called);
      for (int k = 0; k < n; k++)
        if (called[k] < 0 || called[k] >= m->n_subgraphs)
          return sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                         "subgraph %d, operator %d (%s): calls subgraph %d, but the model has %d subgraphs", s, i,
                         op->name, called[k], m->n_subgraphs);
      *n_edges += (size_t)n;
    }
  return SIGRUN_STATUS_OK;
}

/* Kahn's algorithm: repeatedly remove subgraphs nobody still calls; whatever remains lies on a cycle. */
static int find_cycle(const sigrun_model* m, int* indegree, int* queue) {
  int n = m->n_subgraphs, head = 0, tail = 0;
  for (int s = 0; s < n; s++) indegree[s] = 0;
  for (int s = 0; s < n; s++)
    for (int i = 0; i < m->subgraphs[s].n_operators; i++) {
      int called[2], k = sr_operator_calls(&m->subgraphs[s].operators[i], called);
      while (k--) indegree[called[k]]++;
    }
  for (int s = 0; s < n; s++)
    if (indegree[s] == 0) queue[tail++] = s;
  while (head < tail) {
    int s = queue[head++];
    for (int i = 0; i < m->subgraphs[s].n_operators; i++) {
      int called[2], k = sr_operator_calls(&m->subgraphs[s].operators[i], called);
      while (k--)
        if (--indegree[called[k]] == 0) queue[tail++] = called[k];
    }
  }
  for (int s = 0; s < n; s++)
    if (indegree[s] > 0) return s;
  return -1;
}

sigrun_status sr_check_call_graph(const sigrun_model* m, sigrun_error* error) {
  size_t edges;
  sigrun_status st = check_ranges(m, &edges, error);
  if (st || edges == 0) return st;
  int* indegree = sr_calloc((size_t)m->n_subgraphs, sizeof(int));
  int* queue = sr_calloc((size_t)m->n_subgraphs, sizeof(int));
  int on_cycle = (indegree && queue) ? find_cycle(m, indegree, queue) : -2;
  sr_free(indegree);
  sr_free(queue);
  if (on_cycle == -2) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  if (on_cycle >= 0)
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                   "subgraph %d can call itself through IF/WHILE/CALL_ONCE/composite operators (recursion)", on_cycle);
  return SIGRUN_STATUS_OK;
}
