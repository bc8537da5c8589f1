/*
 * lower.h — shared by the op handlers (lower_*.c): the handler tables, and building blocks that infer the output
 * shape, fold when every input is a constant (fold.c) and otherwise emit the builtin. Shapes use -1 for sizes
 * known only at run time; small integer tensors carry partially known values so Keras' shape arithmetic
 * (Shape -> StridedSlice -> Pack -> Reshape) still yields static dims where TensorFlow's would.
 */
#ifndef SR_CONVERT_LOWER_H
#define SR_CONVERT_LOWER_H

#include "convert/import.h"

typedef struct sr_cv_lowering {
  const char* op;
  sr_cv_lower_fn fn;
} sr_cv_lowering;

/* Handler tables, each ended by {NULL, NULL}. */
extern const sr_cv_lowering sr_cv_var_lowerings[];
extern const sr_cv_lowering sr_cv_math_lowerings[];
extern const sr_cv_lowering sr_cv_nn_lowerings[];
extern const sr_cv_lowering sr_cv_shape_lowerings[];
extern const sr_cv_lowering sr_cv_shape2_lowerings[];
extern const sr_cv_lowering sr_cv_reduce_lowerings[];
extern const sr_cv_lowering sr_cv_einsum_lowerings[];

/* The variable index of SavedObject object_id (added on first sight; handle_node names it). -1 when the object
 * is not a variable, -2 when out of memory. */
int sr_cv_variable_for(sr_cv_ctx* c, int32_t object_id, const sr_tf_node* handle_node);

/* ---- values ---- */

/* A tensor value whose bytes are known. */
int sr_cv_is_const(sr_cv_ctx* c, sr_cv_val v);
/* Checks that input i exists and is a tensor. */
sigrun_status sr_cv_need_inputs(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, int n);
/* The values of a small integer input known at conversion time (axes, permutations, sizes). Not known (or more
 * than max): records an unsupported form naming `what` and returns SR_CV_RECORDED. */
sigrun_status sr_cv_known_ints(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val v, const char* what, int64_t* out,
                               size_t max, size_t* n);
/* Normalizes axis into [0, rank): BAD_MODEL when out of range. */
sigrun_status sr_cv_axis(sr_cv_ctx* c, const sr_tf_node* node, int64_t axis, int rank, int* out);

/* ---- building blocks (fold when possible, else emit) ---- */

/* Elementwise binary builtin (ADD, SUB, MUL, DIV, MAXIMUM, LESS, ...) with broadcasting. */
sigrun_status sr_cv_binary(sr_cv_ctx* c, const sr_tf_node* node, int code, sr_cv_val a, sr_cv_val b,
                           sr_cv_val* out);
/* Elementwise unary builtin (NEG, RSQRT, LOGISTIC, RELU, ...); opts may be NULL. */
sigrun_status sr_cv_unary(sr_cv_ctx* c, const sr_tf_node* node, int code, sr_cv_val a, const sr_cv_opts* opts,
                          sr_cv_val* out);
/* RESHAPE to known dims (one may be -1 when the element count is known). */
sigrun_status sr_cv_reshape(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val x, int rank, const int64_t* dims,
                            sr_cv_val* out);
/* TRANSPOSE by a known permutation. */
sigrun_status sr_cv_transpose(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val x, const int* perm, sr_cv_val* out);
/* GATHER of params along axis. */
sigrun_status sr_cv_gather(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val params, sr_cv_val indices, int axis,
                           int batch_dims, sr_cv_val* out);
/* CAST to type (a no-op for the same type). */
sigrun_status sr_cv_cast(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val x, sigrun_type type, sr_cv_val* out);
/* A new computed tensor for the node's output (suffix for helpers) with the given shape. */
int sr_cv_out_tensor(sr_cv_ctx* c, const sr_tf_node* node, const char* suffix, sigrun_type type, int rank,
                     const int64_t* dims);
/* Broadcast shape of two shapes (rank -1 = unknown). BAD_MODEL when incompatible. */
sigrun_status sr_cv_broadcast(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_tensor* a, const sr_cv_tensor* b,
                              int* rank, int64_t* dims);

#endif /* SR_CONVERT_LOWER_H */
