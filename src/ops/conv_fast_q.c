/*
 * conv_fast_q.c — fast-path selection for 8-bit and hybrid CONV_2D and DEPTHWISE_CONV_2D (placeholder: declines every node, so the reference
 * kernels run).
 */
#include "fast.h"

sigrun_status sr_conv_fast_select_q(sr_node* node, const sr_conv_geom* g, const sr_conv_requant* rq,
                                    sr_weights_kind kind, int depthwise, sr_fast_path* fast) {
  (void)node, (void)g, (void)rq, (void)kind, (void)depthwise;
  fast->run = NULL;
  return SIGRUN_STATUS_OK;
}
