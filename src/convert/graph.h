/*
 * graph.h — the converter's intermediate representation: a model of subgraphs whose tensors and operators are
 * already LiteRT's (TensorType, BuiltinOperator codes, NHWC layouts). The importer builds it from the SavedModel,
 * the passes (fusion, dead-code removal, quantization) rewrite it in place, and tflite_write serializes it.
 * Invariants: tensors and operators are named by index (arrays grow, so pointers into them do not survive an
 * add); an operator only reads tensors created before it and every tensor has at most one producer; dims are -1
 * where the size is only known at run time; everything allocated lives in the model's pool.
 */
#ifndef SR_CONVERT_GRAPH_H
#define SR_CONVERT_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "core/common.h"
#include "format/schema_enums.h"

/* An element of a partially known integer tensor (shape arithmetic) whose value is known only at run time. */
#define SR_CV_UNKNOWN INT64_MIN
/* Integer tensors up to this many elements carry their partially known values (enough for any shape). */
#define SR_CV_MAX_KNOWN 16

/* Operators with no LiteRT builtin that a fusion may absorb (Erf/Erfc inside GELU); the importer reports any
 * that survive the passes. Codes above every BuiltinOperator. */
enum { SR_CV_PSEUDO_ERF = 1000, SR_CV_PSEUDO_ERFC = 1001 };

/* LiteRT's fused activations (ActivationFunctionType). */
enum { SR_CV_ACT_NONE = 0, SR_CV_ACT_RELU = 1, SR_CV_ACT_RELU_N1_TO_1 = 2, SR_CV_ACT_RELU6 = 3, SR_CV_ACT_TANH = 4 };
/* LiteRT's Padding. */
enum { SR_CV_PAD_SAME = 0, SR_CV_PAD_VALID = 1 };

typedef struct sr_cv_quant {
  float* scale;
  int64_t* zero_point;
  int n;    /* 1 = per tensor, else per channel along dim */
  int dim;
} sr_cv_quant;

typedef struct sr_cv_tensor {
  const char* name;
  sigrun_type type;
  int rank;                  /* -1 = unknown rank */
  int64_t dims[SR_MAX_RANK]; /* -1 = size known only at run time */
  const void* data;          /* constant bytes (count * type size), or NULL for a computed tensor */
  size_t nbytes;
  /* For small computed integer tensors (rank <= 1): the values known at conversion time, SR_CV_UNKNOWN
   * elsewhere; NULL when nothing is tracked. Read them with sr_cv_value, which also reads constants. */
  int64_t* known;
  size_t n_known;
  sr_cv_quant* quant;
  int producer; /* operator index, or -1 */
  int uses;     /* readers among live operators plus subgraph outputs (sr_cv_count_uses) */
  int variable; /* resource tensors: index into the model's variables; -1 otherwise */
} sr_cv_tensor;

/* Builtin options of the operators the converter writes; each operator uses the members its code needs. */
typedef struct sr_cv_opts {
  int act;
  int padding, stride_w, stride_h, dilation_w, dilation_h;
  int filter_w, filter_h, depth_multiplier;
  int axis, keep_dims, values_count, batch_dims;
  int begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask, offset;
  int adj_x, adj_y, out_type, in_type;
  int keep_num_dims, asymmetric_quantize_inputs;
  int num_splits;
  int approximate;
  float alpha, beta;
  int subgraph; /* CALL_ONCE init_subgraph_index */
  const char* container;
  const char* shared_name;
  int32_t* squeeze_dims;
  int n_squeeze_dims;
} sr_cv_opts;

typedef struct sr_cv_op {
  int code;     /* SR_BUILTIN_* */
  int version;  /* OperatorCode.version (1 for float kernels) */
  int* in;      /* tensor indices; -1 = optional input absent */
  int n_in;
  int* out;
  int n_out;
  sr_cv_opts o;
  const char* where; /* the TF node it came from, "node@function", for messages */
  int dead;          /* removed by a pass; the writer skips it */
} sr_cv_op;

typedef struct sr_cv_graph {
  const char* name;
  sr_cv_tensor* t;
  int n_t, cap_t;
  sr_cv_op* ops;
  int n_ops, cap_ops;
  int* inputs;
  int n_inputs;
  int* outputs;
  int n_outputs;
} sr_cv_graph;

typedef struct sr_cv_tensor_map {
  const char* name;
  int tensor;
} sr_cv_tensor_map;

typedef struct sr_cv_signature {
  const char* key;
  int subgraph;
  sr_cv_tensor_map* inputs; /* sorted by name */
  int n_inputs;
  sr_cv_tensor_map* outputs; /* sorted by name */
  int n_outputs;
} sr_cv_signature;

typedef struct sr_cv_model {
  sr_pool pool;
  sr_cv_graph* graphs;
  int n_graphs, cap_graphs;
  sr_cv_signature* signatures;
  int n_signatures;
} sr_cv_model;

void sr_cv_model_init(sr_cv_model* m);
void sr_cv_model_free(sr_cv_model* m);
/* Adds an empty subgraph; returns its index or -1 (out of memory, error filled). */
int sr_cv_add_graph(sr_cv_model* m, const char* name, sigrun_error* error);

static inline sr_cv_tensor* sr_cv_t(sr_cv_graph* g, int i) { return &g->t[i]; }

/* Adds a tensor of known rank (rank -1 = unknown, dims then ignored; dims may be NULL for rank 0). Returns its
 * index, or -1 with error filled (out of memory, rank above SR_MAX_RANK, a dim above INT32_MAX). */
int sr_cv_add_tensor(sr_cv_model* m, sr_cv_graph* g, const char* name, sigrun_type type, int rank,
                     const int64_t* dims, sigrun_error* error);
/* Adds a constant tensor; data (nbytes = element count * type size, checked) is referenced, not copied, and must
 * outlive the model (pool memory, or the SavedModel's). */
int sr_cv_add_const(sr_cv_model* m, sr_cv_graph* g, const char* name, sigrun_type type, int rank,
                    const int64_t* dims, const void* data, size_t nbytes, sigrun_error* error);
/* A constant with freshly allocated zeroed bytes; *data receives them for the caller to fill. */
int sr_cv_add_const_alloc(sr_cv_model* m, sr_cv_graph* g, const char* name, sigrun_type type, int rank,
                          const int64_t* dims, void** data, sigrun_error* error);
/* Scalar / vector int32 and float constants (shape operands, axes, epsilons). */
int sr_cv_const_i32(sr_cv_model* m, sr_cv_graph* g, const char* name, const int32_t* v, int n, int as_scalar,
                    sigrun_error* error);
int sr_cv_const_f32(sr_cv_model* m, sr_cv_graph* g, const char* name, const float* v, int n, int as_scalar,
                    sigrun_error* error);

/* Appends an operator. in/out are copied; each output's producer is set. Returns its index or -1. */
int sr_cv_add_op(sr_cv_model* m, sr_cv_graph* g, int code, const int* in, int n_in, const int* out, int n_out,
                 const sr_cv_opts* opts, const char* where, sigrun_error* error);

/* Elements of a tensor whose dims are all known; 0 and returns 0 when some dim is unknown or on overflow. */
int sr_cv_count(const sr_cv_tensor* t, size_t* count);
/* 1 when rank and every dim are known. */
int sr_cv_static(const sr_cv_tensor* t);
/* Gives a computed tensor partially known values (copied); n must not exceed SR_CV_MAX_KNOWN. */
int sr_cv_set_known(sr_cv_model* m, sr_cv_tensor* t, const int64_t* v, size_t n);
/* Values known at conversion time of a small integer tensor (rank <= 1, at most SR_CV_MAX_KNOWN elements): a
 * constant's elements, or what shape arithmetic tracked for a computed tensor. sr_cv_n_values is 0 when nothing
 * is tracked; sr_cv_value is SR_CV_UNKNOWN for an element known only at run time. */
size_t sr_cv_n_values(const sr_cv_tensor* t);
int64_t sr_cv_value(const sr_cv_tensor* t, size_t i);
/* 1 when values are tracked and every one is known (an empty constant vector counts). */
int sr_cv_all_known(const sr_cv_tensor* t);

/* Recounts tensor uses over live operators and subgraph outputs. */
void sr_cv_count_uses(sr_cv_graph* g);
/* Marks dead every operator whose outputs nobody reads, repeatedly, except stateful ones (ASSIGN_VARIABLE,
 * CALL_ONCE). */
void sr_cv_remove_dead(sr_cv_graph* g);
/* Replaces every read of tensor `from` (operator inputs, subgraph outputs) by `to`. */
void sr_cv_replace_uses(sr_cv_graph* g, int from, int to);
/* The live operator that reads tensor t, when exactly one does and t is not a subgraph output; else -1. */
int sr_cv_sole_reader(sr_cv_graph* g, int t);

const char* sr_cv_op_name(int code);
/* "dense/MatMul;dense/Relu" style joined names for fused tensors, in the pool. */
const char* sr_cv_join_names(sr_cv_model* m, const char* a, const char* b);
/* "[1,-1,3]" into buf. */
const char* sr_cv_dims_str(const sr_cv_tensor* t, char* buf, size_t size);

#endif /* SR_CONVERT_GRAPH_H */
