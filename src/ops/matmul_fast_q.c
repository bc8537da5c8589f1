/*
 * matmul_fast_q.c — fast-path selection for 8-bit and hybrid FULLY_CONNECTED (placeholder: declines every node, so the reference
 * kernels run).
 */
#include "fast.h"

sigrun_status sr_fc_fast_select_q(sr_node* node, const sr_fc_geom* g, const sr_conv_requant* rq, sr_weights_kind kind,
                                  sr_fast_path* fast) {
  (void)node, (void)g, (void)rq, (void)kind;
  fast->run = NULL;
  return SIGRUN_STATUS_OK;
}
