/*
 * fuse.h — graph-level fusion of a runner's nodes (fuse.c).
 */
#ifndef SR_FUSE_H
#define SR_FUSE_H

#include "../ops/op.h"

/* Rewrites fusable node pairs of r (after its nodes and custom ops are bound, before its first allocation). */
void sr_fuse_nodes(sr_runner* r);
/* After node's prepare: a node whose result is a constant (today a DEQUANTIZE of constant weights, float16
 * or int8, as MediaPipe models store them) computes it now into the model's shared cache (core/packed.h),
 * its output becomes a constant tensor and node->folded is set, so weighted ops after it see constant
 * weights (and pack them once) and invoke skips it. Out of memory: left unfolded. */
void sr_fold_constant_node(sr_runner* r, sr_node* node);
/* 1 for the second node of a fused pair, which invoke skips. */
int sr_fuse_skipped(const sr_node* node);
/* What the profiler calls a node: the fused kernel's name ("LOGISTIC+MUL (swish)") or the operator's. */
const char* sr_fuse_profile_name(const sr_node* node);

#endif /* SR_FUSE_H */
