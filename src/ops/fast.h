/*
 * fast.h — how a weighted op hands a node to an optimized kernel. In prepare the op asks the selector of its
 * family (conv_fast_f32.c, conv_fast_q.c, matmul_fast_f32.c, matmul_fast_q.c); a selector that takes the node
 * fills an sr_fast_path (kernel, weights packed once per model via core/packed.h, scratch requested with
 * sr_node_request_scratch) and eval runs it instead of the __ref kernel. A selector declines (run = NULL) when
 * node->isa lacks what it needs, the weights are not constant, or the shape is one it does not handle; the
 * reference kernel then runs. Every fast path is differentially tested against its __ref kernel.
 */
#ifndef SR_OPS_FAST_H
#define SR_OPS_FAST_H

#include <stdint.h>

#include "conv.h"
#include "matmul.h"

typedef struct sr_fast_path sr_fast_path;
struct sr_fast_path {
  void (*run)(const sr_fast_path* fast, sr_node* node); /* NULL: the reference kernel runs */
  const void* geom;          /* the op's geometry (sr_conv_geom / sr_fc_geom / sr_bmm_geom) in node data */
  const sr_conv_requant* rq; /* integer kinds: requantization in node data */
  const sr_conv_hybrid* hybrid; /* hybrid kinds: weight scales and input quantization mode in node data */
  const void* packed;        /* weights packed for this kernel, owned by the model's cache, or NULL */
  intptr_t variant;          /* the selector's choice (micro-kernel, tile) */
};

/* Each returns OK with fast->run NULL when it declines, or an error (out of memory while packing). geom/rq
 * point into node data and stay valid until the node is prepared again. */
sigrun_status sr_conv_fast_select_f32(sr_node* node, const sr_conv_geom* g, int depthwise, sr_fast_path* fast);
/* Float depthwise nodes, from sr_conv_fast_select_f32 (dwconv_fast_f32.c). */
sigrun_status sr_dwconv_fast_select_f32(sr_node* node, const sr_conv_geom* g, sr_fast_path* fast);
sigrun_status sr_conv_fast_select_q(sr_node* node, const sr_conv_geom* g, const sr_conv_requant* rq,
                                    sr_weights_kind kind, int depthwise, sr_fast_path* fast);
sigrun_status sr_fc_fast_select_f32(sr_node* node, const sr_fc_geom* g, sr_fast_path* fast);
sigrun_status sr_fc_fast_select_q(sr_node* node, const sr_fc_geom* g, const sr_conv_requant* rq, sr_weights_kind kind,
                                  sr_fast_path* fast);
sigrun_status sr_bmm_fast_select_f32(sr_node* node, const sr_bmm_geom* g, sr_fast_path* fast);

#endif /* SR_OPS_FAST_H */
