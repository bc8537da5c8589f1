/*
 * fused_layernorm.c — Keras's float layer normalization over the last axis as one node. The graph spells it
 * in ten or eleven ops (src/core/fuse.c matches them): mu = MEAN(x), NEG(mu), SQUARED_DIFFERENCE(x, mu), MEAN,
 * ADD epsilon, RSQRT, MUL by gamma, MUL(-mu, .), MUL(x, .), optionally ADD beta, ADD. The fused node has
 * inputs x, gamma, epsilon [, beta] and the last ADD's output; its rows kernel (vec_f32.h) performs the same
 * float operations in the same order as the unfused kernels, so the output has their bits while the eight or
 * nine intermediate tensors are never written. Rows are split over the node's threads.
 */
#include "fused.h"

#include "../core/parallel.h"
#include "../format/schema_enums.h"
#include "vec_f32.h"

typedef struct layernorm_data {
  sr_vec_layernorm_fn rows_fn;
  size_t rows, depth;
} layernorm_data;

/* gamma or beta: `depth` floats along the last axis, every other dim 1, no more dims than x. */
static sigrun_status check_vector(sr_node* node, const sr_tensor* t, const char* what, const sr_tensor* x,
                                  size_t depth) {
  int ok = t->type == SIGRUN_TYPE_FLOAT32 && t->rank >= 1 && t->rank <= x->rank &&
           (size_t)t->dims[t->rank - 1] == depth && sr_tensor_count(t) == depth;
  if (!ok)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "fused layer norm: %s (tensor %d) must be %zu float32 values along the last axis of x",
                        what, t->index, depth);
  return SIGRUN_STATUS_OK;
}

static sigrun_status prepare_layernorm(sr_node* node) {
  sigrun_status st = sr_node_check_io(node, 3, 4, 1);
  if (st) return st;
  const sr_tensor *x = node->inputs[0], *gamma = node->inputs[1], *eps = node->inputs[2];
  const sr_tensor* beta = node->n_inputs == 4 ? node->inputs[3] : NULL;
  if (!x || !gamma || !eps || (node->n_inputs == 4 && !beta))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "fused layer norm: missing input");
  if (x->type != SIGRUN_TYPE_FLOAT32 || x->rank < 1)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "fused layer norm: x (tensor %d) must be float32 of rank >= 1",
                        x->index);
  const size_t depth = (size_t)x->dims[x->rank - 1];
  if ((st = check_vector(node, gamma, "gamma", x, depth)) ||
      (beta && (st = check_vector(node, beta, "beta", x, depth))))
    return st;
  if (eps->type != SIGRUN_TYPE_FLOAT32 || sr_tensor_count(eps) != 1)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "fused layer norm: epsilon (tensor %d) must be one float32",
                        eps->index);
  if ((st = sr_node_check_type(node, node->outputs[0], "output 0", SIGRUN_TYPE_FLOAT32)) ||
      (st = sr_node_resize_output(node, 0, x->rank, x->dims)))
    return st;
  layernorm_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  d->rows_fn = sr_vec_layernorm_kernel(node->isa);
  d->depth = depth;
  d->rows = depth ? sr_tensor_count(x) / depth : 0;
  /* The row sums gather 16 rows at once with int32 offsets. */
  if (!d->rows_fn || depth >= ((size_t)1 << 26))
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "fused layer norm: needs AVX2 and a last axis below 2^26");
  sr_node_request_scratch(node, 2 * d->rows * sizeof(float));
  return SIGRUN_STATUS_OK;
}

typedef struct layernorm_job {
  const layernorm_data* d;
  const float *x, *gamma, *beta;
  float eps;
  float *stats, *y;
} layernorm_job;

enum { ROW_BLOCK = 16 }; /* rows per work item: one gather of the row sums */

static void layernorm_items(void* ctx, size_t begin, size_t end) {
  const layernorm_job* j = ctx;
  const size_t depth = j->d->depth, r0 = begin * ROW_BLOCK;
  const size_t r1 = end * ROW_BLOCK < j->d->rows ? end * ROW_BLOCK : j->d->rows;
  j->d->rows_fn(j->x + r0 * depth, r1 - r0, depth, j->gamma, j->beta, j->eps, j->stats + 2 * r0, j->y + r0 * depth);
}

static sigrun_status eval_layernorm(sr_node* node) {
  const layernorm_data* d = node->data;
  if (d->rows == 0) return SIGRUN_STATUS_OK;
  const sr_tensor* beta = node->n_inputs == 4 ? node->inputs[3] : NULL;
  layernorm_job j = {d, node->inputs[0]->data, node->inputs[1]->data, beta ? beta->data : NULL,
                     *(const float*)node->inputs[2]->data, node->scratch, node->outputs[0]->data};
  sr_parallel_for(node, (d->rows + ROW_BLOCK - 1) / ROW_BLOCK, 1, layernorm_items, &j);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_fused_layernorm = {"LAYER_NORM (fused MEAN..ADD)", SR_BUILTIN_MEAN, NULL, prepare_layernorm,
                                          eval_layernorm};
