/*
 * call_graph.h — which subgraphs an operator runs (IF, WHILE, CALL_ONCE, STABLEHLO_COMPOSITE), and the
 * load-time check that every such reference is in range and that no subgraph can reach itself: LiteRT
 * recurses until the stack overflows on such a file; sigrun refuses it at load.
 */
#ifndef SR_CALL_GRAPH_H
#define SR_CALL_GRAPH_H

#include "../core/model.h"

/* Fills out[] with the subgraphs op runs and returns how many (0..2). */
int sr_operator_calls(const sr_operator* op, int out[2]);
/* Every call in range, the call graph acyclic; on failure the message names the operator or the cycle. */
sigrun_status sr_check_call_graph(const sigrun_model* model, sigrun_error* error);

#endif
