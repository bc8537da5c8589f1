/*
 * fuse.h — rewrites of an imported subgraph that LiteRT's converter also makes: GELU and hard-swish patterns
 * become their builtins; per-channel MUL / ADD / SUB by constants after FULLY_CONNECTED, CONV_2D and
 * DEPTHWISE_CONV_2D fold into weights and bias (BatchNorm, BiasAdd); RELU / RELU6 / RELU_N1_TO_1 fuse into the
 * producer; a spatial PAD equal to SAME padding merges into the VALID convolution after it; an all-zero
 * FULLY_CONNECTED bias is dropped. Each rewrite checks that the
 * intermediate tensor has no other reader and is no subgraph output, and never edits constant bytes in place
 * (they may be shared with other subgraphs): it writes new constants.
 */
#ifndef SR_CONVERT_FUSE_H
#define SR_CONVERT_FUSE_H

#include "convert/graph.h"

/* Applies the rewrites; operators they absorb are marked dead. Unused operators stay until sr_cv_remove_dead, so
 * the caller can still see every operator the import created (an Erf outside a GELU is reported even when its
 * result only feeds an op that failed). */
sigrun_status sr_cv_fuse_graph(sr_cv_model* m, int graph, sigrun_error* error);

#endif /* SR_CONVERT_FUSE_H */
