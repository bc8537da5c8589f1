/* activations.c — STUB: kernels not yet written; every op here reports unsupported. */
#include "op.h"

const sr_op_kind sr_op_relu = {"RELU", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_relu6 = {"RELU6", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_logistic = {"LOGISTIC", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_tanh = {"TANH", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_softmax = {"SOFTMAX", 0, NULL, NULL, NULL};
