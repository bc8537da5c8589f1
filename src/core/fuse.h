/*
 * fuse.h — graph-level fusion of a runner's nodes (fuse.c).
 */
#ifndef SR_FUSE_H
#define SR_FUSE_H

#include "../ops/op.h"

/* Rewrites fusable node pairs of r (after its nodes and custom ops are bound, before its first allocation). */
void sr_fuse_nodes(sr_runner* r);
/* 1 for the second node of a fused pair, which invoke skips. */
int sr_fuse_skipped(const sr_node* node);
/* What the profiler calls a node: the fused kernel's name ("LOGISTIC+MUL (swish)") or the operator's. */
const char* sr_fuse_profile_name(const sr_node* node);

#endif /* SR_FUSE_H */
