/*
 * fused.h — the kernels of fused operator pairs (fused.c) and what the runner's fusion pass (core/fuse.c) hands
 * them.
 */
#ifndef SR_OPS_FUSED_H
#define SR_OPS_FUSED_H

#include "elementwise.h"
#include "op.h"

/* SWISH: LOGISTIC(x) -> s, MUL(x, s) -> y as one node with input x and output y. */
typedef struct sr_swish_params {
  sr_binary_params mul;                   /* the MUL's options */
  const sr_tensor_def* logistic_output;   /* s, never computed: its quantization defines the int8 table */
} sr_swish_params;

extern const sr_op_kind sr_op_fused_swish;

/* SCALED SOFTMAX: MUL(x, c) by a constant float scalar c (no activation) feeding only a float SOFTMAX with
 * beta > 0, as one node with input x and the SOFTMAX's output (attention's scores / sqrt(d) -> softmax). */
typedef struct sr_scaled_softmax_params {
  float beta, scale;
} sr_scaled_softmax_params;
extern const sr_op_kind sr_op_fused_scaled_softmax;
/* LAYER_NORM (fused_layernorm.c): float MEAN ... ADD over the last axis as one node with inputs x, gamma,
 * epsilon and optionally beta, and the last ADD's output. */
extern const sr_op_kind sr_op_fused_layernorm;
/* The second node of a fused pair: does nothing. */
extern const sr_op_kind sr_op_fused_away;

#endif /* SR_OPS_FUSED_H */
