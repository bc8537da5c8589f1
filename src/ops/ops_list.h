/*
 * ops_list.h — the one list of builtin kernels sigrun ships: X(NAME, symbol, family file).
 * NAME is the BuiltinOperator name; the symbol is an sr_op_kind defined in src/ops/<family>.c.
 * The registry, docs/ops.md and the tests are generated from this list.
 */
#ifndef SR_OPS_LIST_H
#define SR_OPS_LIST_H

#define SR_KERNEL_LIST(X) \
  X(ADD, sr_op_add, elementwise)                                            \
  X(SUB, sr_op_sub, elementwise)                                            \
  X(MUL, sr_op_mul, elementwise)                                            \
  X(DIV, sr_op_div, elementwise)                                            \
  X(MAXIMUM, sr_op_maximum, elementwise)                                    \
  X(MINIMUM, sr_op_minimum, elementwise)                                    \
  X(POW, sr_op_pow, binary)                                                 \
  X(SQUARED_DIFFERENCE, sr_op_squared_difference, binary)                   \
  X(FLOOR_DIV, sr_op_floor_div, binary)                                     \
  X(FLOOR_MOD, sr_op_floor_mod, binary)                                     \
  X(ATAN2, sr_op_atan2, binary)                                             \
  X(EQUAL, sr_op_equal, compare)                                            \
  X(NOT_EQUAL, sr_op_not_equal, compare)                                    \
  X(LESS, sr_op_less, compare)                                              \
  X(LESS_EQUAL, sr_op_less_equal, compare)                                  \
  X(GREATER, sr_op_greater, compare)                                        \
  X(GREATER_EQUAL, sr_op_greater_equal, compare)                            \
  X(LOGICAL_AND, sr_op_logical_and, compare)                                \
  X(LOGICAL_OR, sr_op_logical_or, compare)                                  \
  X(SELECT, sr_op_select, compare)                                          \
  X(SELECT_V2, sr_op_select_v2, compare)                                    \
  X(ABS, sr_op_abs, unary)                                                  \
  X(NEG, sr_op_neg, unary)                                                  \
  X(EXP, sr_op_exp, unary)                                                  \
  X(LOG, sr_op_log, unary)                                                  \
  X(SQRT, sr_op_sqrt, unary)                                                \
  X(RSQRT, sr_op_rsqrt, unary)                                              \
  X(SQUARE, sr_op_square, unary)                                            \
  X(SIN, sr_op_sin, unary)                                                  \
  X(COS, sr_op_cos, unary)                                                  \
  X(FLOOR, sr_op_floor, unary)                                              \
  X(CEIL, sr_op_ceil, unary)                                                \
  X(ROUND, sr_op_round, unary)                                              \
  X(SIGN, sr_op_sign, unary)                                                \
  X(LOGICAL_NOT, sr_op_logical_not, unary)                                  \
  X(RELU, sr_op_relu, activations)                                          \
  X(RELU6, sr_op_relu6, activations)                                        \
  X(RELU_N1_TO_1, sr_op_relu_n1_to_1, activations)                          \
  X(RELU_0_TO_1, sr_op_relu_0_to_1, activations)                            \
  X(LOGISTIC, sr_op_logistic, activations)                                  \
  X(TANH, sr_op_tanh, activations)                                          \
  X(LEAKY_RELU, sr_op_leaky_relu, activations)                              \
  X(PRELU, sr_op_prelu, activations)                                        \
  X(ELU, sr_op_elu, activations)                                            \
  X(HARD_SWISH, sr_op_hard_swish, activations)                              \
  X(GELU, sr_op_gelu, activations)                                          \
  X(SOFTMAX, sr_op_softmax, softmax)                                        \
  X(LOG_SOFTMAX, sr_op_log_softmax, softmax)                                \
  X(L2_NORMALIZATION, sr_op_l2_normalization, norm)                         \
  X(LOCAL_RESPONSE_NORMALIZATION, sr_op_local_response_normalization, norm) \
  X(CAST, sr_op_cast, cast)                                                 \
  X(DEQUANTIZE, sr_op_dequantize, cast)                                     \
  X(QUANTIZE, sr_op_quantize, cast)                                         \
  X(CONV_2D, sr_op_conv_2d, conv)                                           \
  X(DEPTHWISE_CONV_2D, sr_op_depthwise_conv_2d, conv)                       \
  X(TRANSPOSE_CONV, sr_op_transpose_conv, transpose_conv)                   \
  X(AVERAGE_POOL_2D, sr_op_average_pool_2d, pool)                           \
  X(MAX_POOL_2D, sr_op_max_pool_2d, pool)                                   \
  X(L2_POOL_2D, sr_op_l2_pool_2d, pool)                                     \
  X(FULLY_CONNECTED, sr_op_fully_connected, matmul)                         \
  X(BATCH_MATMUL, sr_op_batch_matmul, matmul)                               \
  X(LSTM, sr_op_lstm, lstm)                                                 \
  X(UNIDIRECTIONAL_SEQUENCE_LSTM, sr_op_unidirectional_sequence_lstm, lstm) \
  X(BIDIRECTIONAL_SEQUENCE_LSTM, sr_op_bidirectional_sequence_lstm, lstm)   \
  X(RNN, sr_op_rnn, rnn)                                                    \
  X(UNIDIRECTIONAL_SEQUENCE_RNN, sr_op_unidirectional_sequence_rnn, rnn)    \
  X(BIDIRECTIONAL_SEQUENCE_RNN, sr_op_bidirectional_sequence_rnn, rnn)      \
  X(SVDF, sr_op_svdf, svdf)                                                 \
  X(MEAN, sr_op_mean, reduce)                                               \
  X(SUM, sr_op_sum, reduce)                                                 \
  X(REDUCE_MAX, sr_op_reduce_max, reduce)                                   \
  X(REDUCE_MIN, sr_op_reduce_min, reduce)                                   \
  X(REDUCE_PROD, sr_op_reduce_prod, reduce)                                 \
  X(REDUCE_ANY, sr_op_reduce_any, reduce)                                   \
  X(REDUCE_ALL, sr_op_reduce_all, reduce)                                   \
  X(SEGMENT_SUM, sr_op_segment_sum, reduce)                                 \
  X(ARG_MAX, sr_op_arg_max, argminmax)                                      \
  X(ARG_MIN, sr_op_arg_min, argminmax)                                      \
  X(TOPK_V2, sr_op_topk_v2, topk)                                           \
  X(CUMSUM, sr_op_cumsum, cumsum)                                           \
  X(RESHAPE, sr_op_reshape, reshape)                                        \
  X(SQUEEZE, sr_op_squeeze, reshape)                                        \
  X(EXPAND_DIMS, sr_op_expand_dims, reshape)                                \
  X(STRIDED_SLICE, sr_op_strided_slice, slice)                              \
  X(SLICE, sr_op_slice, slice)                                              \
  X(GATHER, sr_op_gather, gather)                                           \
  X(GATHER_ND, sr_op_gather_nd, gather)                                     \
  X(SCATTER_ND, sr_op_scatter_nd, gather)                                   \
  X(EMBEDDING_LOOKUP, sr_op_embedding_lookup, gather)                       \
  X(CONCATENATION, sr_op_concatenation, layout)                             \
  X(PAD, sr_op_pad, pad)                                                    \
  X(PADV2, sr_op_padv2, pad)                                                \
  X(MIRROR_PAD, sr_op_mirror_pad, pad)                                      \
  X(TRANSPOSE, sr_op_transpose, layout)                                     \
  X(REVERSE_V2, sr_op_reverse_v2, layout)                                   \
  X(PACK, sr_op_pack, split)                                                \
  X(UNPACK, sr_op_unpack, split)                                            \
  X(SPLIT, sr_op_split, split)                                              \
  X(SPLIT_V, sr_op_split_v, split)                                          \
  X(TILE, sr_op_tile, split)                                                \
  X(DEPTH_TO_SPACE, sr_op_depth_to_space, space)                            \
  X(SPACE_TO_DEPTH, sr_op_space_to_depth, space)                            \
  X(BATCH_TO_SPACE_ND, sr_op_batch_to_space_nd, space)                      \
  X(SPACE_TO_BATCH_ND, sr_op_space_to_batch_nd, space)                      \
  X(RESIZE_BILINEAR, sr_op_resize_bilinear, resize)                         \
  X(RESIZE_NEAREST_NEIGHBOR, sr_op_resize_nearest_neighbor, resize)         \
  X(SHAPE, sr_op_shape, generate)                                           \
  X(FILL, sr_op_fill, generate)                                             \
  X(ZEROS_LIKE, sr_op_zeros_like, generate)                                 \
  X(RANGE, sr_op_range, generate)                                           \
  X(BROADCAST_TO, sr_op_broadcast_to, generate)                             \
  X(BROADCAST_ARGS, sr_op_broadcast_args, generate)                         \
  X(WHERE, sr_op_where, generate)                                           \
  X(DENSIFY, sr_op_densify, densify)                                        \
  X(VAR_HANDLE, sr_op_var_handle, variables)                                \
  X(READ_VARIABLE, sr_op_read_variable, variables)                          \
  X(ASSIGN_VARIABLE, sr_op_assign_variable, variables)                      \
  X(CALL_ONCE, sr_op_call_once, control_flow)                               \
  X(IF, sr_op_if, control_flow)                                             \
  X(WHILE, sr_op_while, control_flow)                                       \
  X(STABLEHLO_COMPOSITE, sr_op_stablehlo_composite, control_flow)           \
  X(HASHTABLE, sr_op_hashtable, hashtable)                                  \
  X(HASHTABLE_FIND, sr_op_hashtable_find, hashtable)                        \
  X(HASHTABLE_IMPORT, sr_op_hashtable_import, hashtable)                    \
  X(HASHTABLE_SIZE, sr_op_hashtable_size, hashtable)                        \
  X(ADD_N, sr_op_add_n, add_n)                                              \
  /* helper kernels for issue 4 (training/streaming ops) go below this line */

/* Custom operators sigrun ships, as LiteRT does: X("custom_code", symbol, family file). */
#define SR_CUSTOM_KERNEL_LIST(X) X("TFLite_Detection_PostProcess", sr_op_detection_postprocess, detection_postprocess)

#endif /* SR_OPS_LIST_H */
