/* pool.c — STUB: kernels not yet written; every op here reports unsupported. */
#include "op.h"

const sr_op_kind sr_op_average_pool_2d = {"AVERAGE_POOL_2D", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_max_pool_2d = {"MAX_POOL_2D", 0, NULL, NULL, NULL};
