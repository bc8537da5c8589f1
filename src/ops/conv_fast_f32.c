/*
 * conv_fast_f32.c — fast-path selection for float CONV_2D and DEPTHWISE_CONV_2D (placeholder: declines every node, so the reference
 * kernels run).
 */
#include "fast.h"

sigrun_status sr_conv_fast_select_f32(sr_node* node, const sr_conv_geom* g, int depthwise, sr_fast_path* fast) {
  if (depthwise) return sr_dwconv_fast_select_f32(node, g, fast);
  (void)node, (void)g;
  fast->run = NULL;
  return SIGRUN_STATUS_OK;
}
