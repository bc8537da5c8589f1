/*
 * dwconv_fast_f32.c — fast-path selection for float DEPTHWISE_CONV_2D (placeholder: declines every node, so the
 * reference kernel runs). conv_fast_f32.c hands depthwise nodes here.
 */
#include "fast.h"

sigrun_status sr_dwconv_fast_select_f32(sr_node* node, const sr_conv_geom* g, sr_fast_path* fast) {
  (void)node, (void)g;
  fast->run = NULL;
  return SIGRUN_STATUS_OK;
}
