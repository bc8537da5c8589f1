/* reshape.c — STUB: kernels not yet written; every op here reports unsupported. */
#include "op.h"

const sr_op_kind sr_op_reshape = {"RESHAPE", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_squeeze = {"SQUEEZE", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_expand_dims = {"EXPAND_DIMS", 0, NULL, NULL, NULL};
