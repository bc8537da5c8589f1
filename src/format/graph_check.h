/*
 * graph_check.h — load-time graph checks (graph_check.c) that model_load.c runs once per subgraph and
 * signature, after every index in them has been checked to be in range.
 */
#ifndef SR_GRAPH_CHECK_H
#define SR_GRAPH_CHECK_H

#include "../core/model.h"

/* Operators never write constants or their own inputs; each tensor has one producer, never a subgraph
 * input; sparse tensors are read only by DENSIFY and are never subgraph outputs. */
sigrun_status sr_graph_check_subgraph(const sr_subgraph* sg, int subgraph, sigrun_error* error);
/* Every name of a signature's input (inputs != 0) or output map is an input/output of its subgraph. */
sigrun_status sr_graph_check_signature_io(const sr_subgraph* sg, const sr_io_name* names, int n, int inputs,
                                          const char* where, sigrun_error* error);
/* No signature key appears twice. */
sigrun_status sr_graph_check_unique_keys(const sigrun_model* m, sigrun_error* error);
/* Every operator input holds data: constant, variable, subgraph input or an earlier operator's output. */
sigrun_status sr_graph_check_inputs_have_data(const sigrun_model* m, sigrun_error* error);

#endif
