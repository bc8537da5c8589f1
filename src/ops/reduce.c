/* reduce.c — STUB: kernels not yet written; every op here reports unsupported. */
#include "op.h"

const sr_op_kind sr_op_mean = {"MEAN", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_sum = {"SUM", 0, NULL, NULL, NULL};
