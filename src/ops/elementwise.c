/* elementwise.c — STUB: kernels not yet written; every op here reports unsupported. */
#include "op.h"

const sr_op_kind sr_op_add = {"ADD", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_sub = {"SUB", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_mul = {"MUL", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_div = {"DIV", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_maximum = {"MAXIMUM", 0, NULL, NULL, NULL};
const sr_op_kind sr_op_minimum = {"MINIMUM", 0, NULL, NULL, NULL};
