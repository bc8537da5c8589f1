/* layout.c — STUB: kernels not yet written; every op here reports unsupported. */
#include "op.h"

const sr_op_kind sr_op_concatenation = {"CONCATENATION", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_pad = {"PAD", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_transpose = {"TRANSPOSE", 0, NULL, NULL, NULL};
