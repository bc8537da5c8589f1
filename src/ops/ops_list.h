/*
 * ops_list.h — the one list of builtin kernels sigrun ships: X(NAME, symbol, family file).
 * NAME is the BuiltinOperator name; the symbol is an sr_op_kind defined in src/ops/<family>.c.
 * The registry, docs/ops.md and the tests are generated from this list.
 */
#ifndef SR_OPS_LIST_H
#define SR_OPS_LIST_H

#define SR_KERNEL_LIST(X)                             \
  X(ADD, sr_op_add, elementwise)                      \
  X(SUB, sr_op_sub, elementwise)                      \
  X(MUL, sr_op_mul, elementwise)                      \
  X(DIV, sr_op_div, elementwise)                      \
  X(MAXIMUM, sr_op_maximum, elementwise)              \
  X(MINIMUM, sr_op_minimum, elementwise)              \
  X(RELU, sr_op_relu, activations)                    \
  X(RELU6, sr_op_relu6, activations)                  \
  X(LOGISTIC, sr_op_logistic, activations)            \
  X(TANH, sr_op_tanh, activations)                    \
  X(SOFTMAX, sr_op_softmax, activations)              \
  X(CAST, sr_op_cast, cast)                           \
  X(DEQUANTIZE, sr_op_dequantize, cast)               \
  X(CONV_2D, sr_op_conv_2d, conv)                     \
  X(DEPTHWISE_CONV_2D, sr_op_depthwise_conv_2d, conv) \
  X(AVERAGE_POOL_2D, sr_op_average_pool_2d, pool)     \
  X(MAX_POOL_2D, sr_op_max_pool_2d, pool)             \
  X(FULLY_CONNECTED, sr_op_fully_connected, matmul)   \
  X(BATCH_MATMUL, sr_op_batch_matmul, matmul)         \
  X(MEAN, sr_op_mean, reduce)                         \
  X(SUM, sr_op_sum, reduce)                           \
  X(RESHAPE, sr_op_reshape, reshape)                  \
  X(SQUEEZE, sr_op_squeeze, reshape)                  \
  X(EXPAND_DIMS, sr_op_expand_dims, reshape)          \
  X(STRIDED_SLICE, sr_op_strided_slice, slice)        \
  X(SLICE, sr_op_slice, slice)                        \
  X(GATHER, sr_op_gather, gather)                     \
  X(CONCATENATION, sr_op_concatenation, layout)       \
  X(PAD, sr_op_pad, layout)                           \
  X(TRANSPOSE, sr_op_transpose, layout)

#endif /* SR_OPS_LIST_H */
