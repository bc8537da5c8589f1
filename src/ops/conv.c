/* conv.c — STUB: kernels not yet written; every op here reports unsupported. */
#include "op.h"

const sr_op_kind sr_op_conv_2d = {"CONV_2D", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_depthwise_conv_2d = {"DEPTHWISE_CONV_2D", 0, NULL, NULL, NULL};
