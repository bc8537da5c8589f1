/*
 * matmul_fast_f32.c — fast-path selection for float FULLY_CONNECTED and BATCH_MATMUL (placeholder: declines every node, so the reference
 * kernels run).
 */
#include "fast.h"

sigrun_status sr_fc_fast_select_f32(sr_node* node, const sr_fc_geom* g, sr_fast_path* fast) {
  (void)node, (void)g;
  fast->run = NULL;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_bmm_fast_select_f32(sr_node* node, const sr_bmm_geom* g, sr_fast_path* fast) {
  (void)node, (void)g;
  fast->run = NULL;
  return SIGRUN_STATUS_OK;
}
