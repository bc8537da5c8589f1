/*
 * call.h — what control-flow kernels (IF, WHILE, CALL_ONCE, STABLEHLO_COMPOSITE) need from the runtime:
 * an executor for another subgraph, owned by the calling signature runner, and ways to shape, allocate,
 * feed, run and read it. Every function reports failures through the calling node.
 */
#ifndef SR_CALL_H
#define SR_CALL_H

#include "../ops/op.h"

/* The executor of `subgraph` in the calling node's runner tree (made on first use). Fails for an index out of
 * range or when nesting exceeds SR_MAX_CALL_DEPTH. */
sigrun_status sr_call_child(sr_node* node, int subgraph, sr_runner** out);

int sr_call_subgraph(const sr_runner* child);
int sr_call_input_count(const sr_runner* child);
int sr_call_output_count(const sr_runner* child);
sr_tensor* sr_call_input(sr_runner* child, int i);
sr_tensor* sr_call_output(sr_runner* child, int i);

/* Gives input i of the child the shape (and checks the type) of `like`. A changed shape makes the child
 * need allocation. */
sigrun_status sr_call_shape_input(sr_node* node, sr_runner* child, int i, const sr_tensor* like);
/* Allocates the child if it needs it (prepare + plan); fails on recursion. */
sigrun_status sr_call_allocate(sr_node* node, sr_runner* child);
/* Runs an allocated child; fails with SIGRUN_STATUS_CANCELLED once the interpreter cancelled the invoke. */
sigrun_status sr_call_invoke(sr_node* node, sr_runner* child);
/* Frees the child's activation memory (kept: its variables); used after a one-time initializer. */
void sr_call_release(sr_runner* child);
/* Copies src's value into dst. dst must have src's shape unless it is dynamic, in which case it takes it. */
sigrun_status sr_call_copy(sr_node* node, sr_tensor* dst, const sr_tensor* src);
/* 1 if the two tensors have the same shape. */
int sr_call_same_shape(const sr_tensor* a, const sr_tensor* b);

/* Default of the max_call_depth option (LiteRT has no limit). */
#define SR_MAX_CALL_DEPTH 64
/* The interpreter's WHILE iteration cap (0 = none). */
int64_t sr_call_max_while_iterations(const sr_node* node);

#endif
