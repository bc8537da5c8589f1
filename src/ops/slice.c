/* slice.c — STUB: kernels not yet written; every op here reports unsupported. */
#include "op.h"

const sr_op_kind sr_op_strided_slice = {"STRIDED_SLICE", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_slice = {"SLICE", 0, NULL, NULL, NULL};
