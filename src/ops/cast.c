/* cast.c — STUB: kernels not yet written; every op here reports unsupported. */
#include "op.h"

const sr_op_kind sr_op_cast = {"CAST", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_dequantize = {"DEQUANTIZE", 0, NULL, NULL, NULL};
