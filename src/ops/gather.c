/* gather.c — STUB: kernels not yet written; every op here reports unsupported. */
#include "op.h"

const sr_op_kind sr_op_gather = {"GATHER", 0, NULL, NULL, NULL};
