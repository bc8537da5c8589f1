/*
 * fused.c — kernels for operator pairs the runner fuses into one pass (src/core/fuse.c decides when): SWISH,
 * a LOGISTIC whose output feeds only a MUL by the LOGISTIC's own input, x * logistic(x). The fused node keeps
 * the LOGISTIC's operator and input x and takes over the MUL's output; its params (sr_swish_params) carry the
 * MUL's options and the LOGISTIC output's definition, which is never computed.
 *   float32: one vector pass with the same bits as the two unfused vector kernels (vec_f32.h, SR_VU_SWISH).
 *   int8/uint8: the output is a function of one input byte, so prepare tabulates it by running the unfused
 *   LOGISTIC and MUL reference kernels over all 256 values; exact by construction.
 * And SCALED SOFTMAX, a float MUL by a constant scalar feeding only a SOFTMAX: the vector softmax kernel
 * multiplies each value as it reads it, the bits of MUL's output through that kernel, never written.
 */
#include <string.h>

#include "fused.h"

#include "../core/parallel.h"
#include "../format/schema_enums.h"
#include "lut.h"
#include "vec_f32.h"

extern const sr_op_kind sr_op_logistic;
extern const sr_op_kind sr_op_mul;

typedef struct swish_data {
  sr_vec_unary_fn vec; /* float32 */
  sr_vec_unary unary;
  sr_lut8_fn lut8;     /* int8 / uint8 */
  uint8_t table[256];
} swish_data;

/* Output i of MUL(x, LOGISTIC(x)) for every byte value of x, through the unfused reference kernels. */
static sigrun_status tabulate(sr_node* node, const sr_swish_params* p, const sr_tensor* x, const sr_tensor* y,
                              uint8_t table[256]) {
  uint8_t values[256];
  for (int i = 0; i < 256; i++) values[i] = (uint8_t)i;
  sr_tensor tx, ts, ty;
  memset(&tx, 0, sizeof tx);
  tx.def = x->def;
  tx.index = x->index;
  tx.type = x->type;
  tx.rank = 1;
  tx.dims[0] = 256;
  tx.data = values;
  tx.bytes = 256;
  tx.alloc = SR_ALLOC_CONST;
  ts = tx;
  ts.def = p->logistic_output;
  ts.index = -1;
  ts.data = NULL;
  ts.bytes = 0;
  ty = ts;
  ty.def = y->def;
  ty.index = y->index;
  sr_tensor* logistic_in[1] = {&tx};
  sr_tensor* logistic_out[1] = {&ts};
  sr_tensor* mul_in[2] = {&tx, &ts};
  sr_tensor* mul_out[1] = {&ty};
  sigrun_status st = sr_node_run_standalone(node->op, &sr_op_logistic, NULL, logistic_in, 1, logistic_out, 1,
                                            node->error);
  if (!st) st = sr_node_run_standalone(node->op, &sr_op_mul, &p->mul, mul_in, 2, mul_out, 1, node->error);
  if (!st) memcpy(table, ty.data, 256);
  sr_tensor_release(&ts);
  sr_tensor_release(&ty);
  return st;
}

static sigrun_status prepare_swish(sr_node* node) {
  sigrun_status st = sr_node_check_io(node, 1, 1, 1);
  if (st) return st;
  const sr_swish_params* p = node->params;
  sr_tensor *x = node->inputs[0], *y = node->outputs[0];
  if (!x) return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "fused swish: missing input");
  if (p->logistic_output->type != x->type)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "fused swish: the logistic output is %s, its input %s",
                        sigrun_type_name(p->logistic_output->type), sigrun_type_name(x->type));
  if ((st = sr_node_check_type(node, y, "output 0", x->type)) ||
      (st = sr_node_resize_output(node, 0, x->rank, x->dims)))
    return st;
  swish_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  const int activation = p->mul.activation;
  switch (x->type) {
    case SIGRUN_TYPE_FLOAT32:
      d->vec = sr_vec_unary_kernel(node->isa);
      if (!d->vec || !sr_activation_range_f32(activation, &d->unary.lo, &d->unary.hi))
        return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "fused swish needs a vector kernel and a clamp");
      d->unary.op = SR_VU_SWISH;
      return SIGRUN_STATUS_OK;
    case SIGRUN_TYPE_INT8:
    case SIGRUN_TYPE_UINT8:
      d->lut8 = sr_lut8_kernel(node->isa);
      return tabulate(node, p, x, y, d->table);
    default:
      return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "fused swish of %s", sigrun_type_name(x->type));
  }
}

static sigrun_status eval_swish(sr_node* node) {
  const swish_data* d = node->data;
  const sr_tensor* x = node->inputs[0];
  sr_tensor* y = node->outputs[0];
  const size_t n = sr_tensor_count(y);
  if (n == 0) return SIGRUN_STATUS_OK;
  if (x->type == SIGRUN_TYPE_FLOAT32)
    sr_vec_unary_run(node, d->vec, &d->unary, x->data, y->data, n);
  else
    sr_lut8_run(node, d->lut8, d->table, x->data, y->data, n);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_fused_swish = {"LOGISTIC+MUL (swish)", SR_BUILTIN_LOGISTIC, NULL, prepare_swish, eval_swish};

/* ---- SCALED SOFTMAX: the vector softmax kernel multiplying each x by the scalar as it reads it ---- */

typedef struct scaled_softmax_data {
  sr_vec_softmax_scaled_fn vec;
  size_t rows, depth;
} scaled_softmax_data;

static sigrun_status prepare_scaled_softmax(sr_node* node) {
  sigrun_status st = sr_node_check_io(node, 1, 1, 1);
  if (st) return st;
  const sr_tensor* x = node->inputs[0];
  if (!x || x->type != SIGRUN_TYPE_FLOAT32 || x->rank < 1)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "fused MUL+SOFTMAX: input must be float32 of rank >= 1");
  if ((st = sr_node_check_type(node, node->outputs[0], "output 0", SIGRUN_TYPE_FLOAT32)) ||
      (st = sr_node_resize_output(node, 0, x->rank, x->dims)))
    return st;
  scaled_softmax_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  d->vec = sr_vec_softmax_scaled_kernel(node->isa);
  if (!d->vec) return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "fused MUL+SOFTMAX needs a vector kernel");
  d->depth = (size_t)x->dims[x->rank - 1];
  d->rows = d->depth ? sr_tensor_count(x) / d->depth : 0;
  return SIGRUN_STATUS_OK;
}

typedef struct scaled_softmax_job {
  const scaled_softmax_data* d;
  const sr_scaled_softmax_params* p;
  const float* x;
  float* y;
} scaled_softmax_job;

static void scaled_softmax_rows(void* ctx, size_t begin, size_t end) {
  const scaled_softmax_job* j = ctx;
  const size_t depth = j->d->depth;
  j->d->vec(j->x + begin * depth, j->y + begin * depth, end - begin, depth, j->p->beta, j->p->scale);
}

static sigrun_status eval_scaled_softmax(sr_node* node) {
  const scaled_softmax_data* d = node->data;
  if (!d->rows || !d->depth) return SIGRUN_STATUS_OK;
  scaled_softmax_job j = {d, node->params, node->inputs[0]->data, node->outputs[0]->data};
  /* rows grouped to about 4096 values per item, as SOFTMAX does */
  sr_parallel_for(node, d->rows, d->depth >= 4096 ? 1 : 4096 / d->depth, scaled_softmax_rows, &j);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_fused_scaled_softmax = {"MUL+SOFTMAX (scaled)", SR_BUILTIN_MUL, NULL, prepare_scaled_softmax,
                                               eval_scaled_softmax};

/* The MUL a fused node absorbed: nothing left to do. */
static sigrun_status prepare_nothing(sr_node* node) {
  (void)node;
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_fused_away = {"(fused)", SR_BUILTIN_MUL, NULL, prepare_nothing, prepare_nothing};
