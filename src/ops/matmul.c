/* matmul.c — STUB: kernels not yet written; every op here reports unsupported. */
#include "op.h"

const sr_op_kind sr_op_fully_connected = {"FULLY_CONNECTED", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_batch_matmul = {"BATCH_MATMUL", 0, NULL, NULL, NULL};
