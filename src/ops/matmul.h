/*
 * matmul.h — parameters, resolved geometry and reference kernels of FULLY_CONNECTED and BATCH_MATMUL.
 */
#ifndef SR_OPS_MATMUL_H
#define SR_OPS_MATMUL_H

#include <stdint.h>

#include "op.h"

extern const sr_op_kind sr_op_fully_connected;
extern const sr_op_kind sr_op_batch_matmul;

/* LiteRT's FullyConnectedOptionsWeightsFormat. */
enum { SR_FC_WEIGHTS_DEFAULT = 0, SR_FC_WEIGHTS_SHUFFLED4x16INT8 = 1 };

typedef struct sr_fully_connected_params {
  int activation;
  int weights_format;
  int keep_num_dims;
  int asymmetric_quantize_inputs; /* only meaningful for hybrid kernels */
} sr_fully_connected_params;

typedef struct sr_batch_matmul_params {
  int adj_x, adj_y;
} sr_batch_matmul_params;

/* input viewed as [batches, depth], weights [units, depth], output [batches, units]. */
typedef struct sr_fc_geom {
  int32_t batches, depth, units;
  float act_min, act_max;
} sr_fc_geom;

/* Output [batch dims..., rows, cols] = lhs [..., rows, depth] x rhs [..., depth, cols], where adj_x / adj_y
 * mean the operand is stored with its last two axes swapped. Batch strides are in elements and 0 along
 * broadcast dimensions. */
typedef struct sr_bmm_geom {
  int batch_rank;
  int32_t batch_dims[SR_MAX_RANK];
  size_t lhs_stride[SR_MAX_RANK];
  size_t rhs_stride[SR_MAX_RANK];
  int32_t rows, depth, cols;
  int adj_x, adj_y;
} sr_bmm_geom;

/* bias may be NULL. */
void sr_f32_fully_connected__ref(const sr_fc_geom* g, const float* input, const float* weights, const float* bias,
                                 float* output);
void sr_f32_batch_matmul__ref(const sr_bmm_geom* g, const float* lhs, const float* rhs, float* output);

#endif /* SR_OPS_MATMUL_H */
