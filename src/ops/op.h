/*
 * op.h — the kernel interface. Every operator is an sr_op_kind with three functions:
 *   parse    builtin options (flatbuffer) -> a plain params struct allocated from the model's pool.
 *            Runs once at model load. The only op code that touches the format.
 *   prepare  checks input types and shapes, sets output shapes, requests scratch, allocates per-node data,
 *            chooses the kernel. Runs at allocation (and again at invoke for nodes whose input shapes
 *            depend on data).
 *   eval     computes. Never allocates (except through sr_node_resize_output on a dynamic output) and
 *            never reads the format.
 * Kernels are named sr_<dtype>_<kernel>__<impl>; the __ref kernels are the specification.
 */
#ifndef SR_OP_H
#define SR_OP_H

#include "../core/model.h"
#include "../format/flatbuf.h"

/* How a runtime tensor's memory is provided. */
typedef enum sr_alloc_kind {
  SR_ALLOC_NONE = 0,    /* not yet allocated */
  SR_ALLOC_CONST,       /* points into the model's constant data (read-only) */
  SR_ALLOC_ARENA,       /* lives in the runner's planned arena */
  SR_ALLOC_DYNAMIC,     /* shape known only at invoke; heap buffer grown on demand */
  SR_ALLOC_PERSISTENT,  /* survives across invokes (variable tensors) */
} sr_alloc_kind;

/* The activation memory of one signature runner and the executors of the subgraphs it calls: arenas, heap
 * buffers of dynamic and string tensors, per-node data and deferred scratch, checked against the
 * interpreter's max_arena_bytes (limit 0 = none). Only the thread invoking that runner touches it. */
typedef struct sr_mem_account {
  size_t used, limit;
} sr_mem_account;
/* Accounts a buffer going from old_bytes to new_bytes (a NULL account accepts everything): SIGRUN_STATUS_LIMIT,
 * with nothing changed, when that would take the account past its limit. */
sigrun_status sr_mem_charge(sr_mem_account* account, size_t old_bytes, size_t new_bytes);

/* A runner's tensor. `def` holds what the file says; the rest is the current state. */
struct sigrun_tensor {
  const sr_tensor_def* def;
  int index;
  sigrun_type type;
  int rank;
  int32_t dims[SR_MAX_RANK];
  void* data;
  size_t bytes;
  sr_alloc_kind alloc;
  size_t capacity; /* for DYNAMIC / PERSISTENT: bytes held */
  sr_mem_account* account; /* its signature runner's, charged for DYNAMIC / PERSISTENT buffers */
};
typedef struct sigrun_tensor sr_tensor;

/* Element count of the tensor's current shape (shapes were checked not to overflow). */
size_t sr_tensor_count(const sr_tensor* t);
/* Makes a heap-backed (dynamic, persistent or string) tensor's buffer hold at least `bytes`, keeping it when it
 * is already large enough, so steady-state invokes allocate nothing. Returns SIGRUN_STATUS_NO_MEMORY or
 * SIGRUN_STATUS_LIMIT (the runner's max_arena_bytes) without a message, the tensor keeping its old buffer.
 * Does not change t->bytes. */
sigrun_status sr_tensor_reserve(sr_tensor* t, size_t bytes);
/* Frees a heap-backed tensor's buffer and credits its account. */
void sr_tensor_release(sr_tensor* t);
/* 1 if the tensor holds model constant data. */
static inline int sr_tensor_is_const(const sr_tensor* t) { return t->alloc == SR_ALLOC_CONST; }

typedef struct sr_runner sr_runner;

/* One operator instance inside a runner. */
typedef struct sr_node {
  const sr_operator* op;
  const struct sr_op_kind* kind; /* the kernel: op->kind, or the adapter of an application custom op */
  const sigrun_custom_op* custom; /* application custom op, or NULL */
  void* custom_state;             /* what its init returned */
  const void* params; /* == op->params */
  sr_runner* runner;
  int subgraph;
  int n_inputs;
  sr_tensor** inputs; /* inputs[i] is NULL for an absent optional input (-1) */
  int n_outputs;
  sr_tensor** outputs;
  void* data;          /* per-node data from sr_node_alloc_data */
  size_t data_capacity;
  size_t scratch_bytes; /* requested in prepare */
  void* scratch;        /* valid during eval */
  int reference_only;   /* options forced reference kernels */
  unsigned isa;         /* SR_ISA_* bits (core/cpu.h) fast kernels may use; 0 when reference_only */
  int deferred;         /* prepare runs at invoke because input shapes depend on data */
  int folded;           /* its outputs are constants computed at prepare (core/fuse.c): invoke skips it */
  sigrun_error* error;
} sr_node;

/* Parse context handed to sr_op_kind.parse. */
typedef struct sr_parse_ctx {
  const sr_operator* op;
  int options_type;          /* BuiltinOptions union type in the file (0 = none) */
  const sr_fb_table* options;/* NULL when the operator has no builtin options */
  sr_pool* pool;
  sigrun_error* error;
  int subgraph;
  int options2_type;          /* BuiltinOptions2 union type (StableHLO ops, STABLEHLO_COMPOSITE) */
  const sr_fb_table* options2;
} sr_parse_ctx;

typedef struct sr_op_kind {
  const char* name;
  int builtin_code;
  sigrun_status (*parse)(sr_parse_ctx* ctx, const void** out_params); /* may be NULL: no options */
  sigrun_status (*prepare)(sr_node* node);
  sigrun_status (*eval)(sr_node* node);
} sr_op_kind;

/* ---- helpers for parse ---- */

/* Fails unless the options union type is `expected` (or absent, when absent_ok). Writes the message. */
sigrun_status sr_parse_expect_options(sr_parse_ctx* ctx, int expected_type, int absent_ok);
/* "subgraph S, operator I (NAME): <message>" */
sigrun_status sr_parse_fail(sr_parse_ctx* ctx, sigrun_status status, const char* fmt, ...) SR_PRINTF(3, 4);

/* ---- helpers for prepare/eval ---- */

/* "subgraph S, operator I (NAME): <message>"; returns status. */
sigrun_status sr_node_fail(sr_node* node, sigrun_status status, const char* fmt, ...) SR_PRINTF(3, 4);
/* Sets output i's shape. In prepare this fixes the planned shape; on a dynamic output (marked with
 * sr_node_set_output_dynamic, or any output of a deferred node) it also (re)allocates its buffer, and may
 * be called from eval. Fails on overflow or rank > SR_MAX_RANK. */
sigrun_status sr_node_resize_output(sr_node* node, int i, int rank, const int32_t* dims);
/* Output i's shape will only be known in eval (which must then call sr_node_resize_output). */
void sr_node_set_output_dynamic(sr_node* node, int i);
/* Per-node data that lives until the next prepare of this node; zeroed. NULL (and a NO_MEMORY message in
 * node->error) when out of memory. One block per node: a second call replaces the first. */
void* sr_node_alloc_data(sr_node* node, size_t size);
/* The message for a failed sr_tensor_reserve of `bytes` for tensor t by this node; returns st. */
sigrun_status sr_node_reserve_fail(sr_node* node, const sr_tensor* t, size_t bytes, sigrun_status st);
/* Scratch memory available as node->scratch during eval (planned in the arena). */
void sr_node_request_scratch(sr_node* node, size_t bytes);

/* Runs one kernel (prepare + eval, reference kernels, one thread) over tensors the caller set up, outside any
 * runner: for tabulating what a pair of operators computes at prepare time. Outputs become heap-backed
 * (sr_tensor_reserve); the caller frees them with sr_tensor_release. Messages name `op`. */
sigrun_status sr_node_run_standalone(const sr_operator* op, const sr_op_kind* kind, const void* params,
                                     sr_tensor** inputs, int n_inputs, sr_tensor** outputs, int n_outputs,
                                     sigrun_error* error);

/* Common checks; each writes a message naming the node. */
sigrun_status sr_node_check_io(sr_node* node, int min_inputs, int max_inputs, int outputs);
sigrun_status sr_node_check_type(sr_node* node, const sr_tensor* t, const char* what, sigrun_type type);
/* Input i, or a failure if it is absent (optional -1). */
sigrun_status sr_node_input(sr_node* node, int i, sr_tensor** out);

/* Fused activation helpers (LiteRT's ActivationFunctionType: NONE 0, RELU 1, RELU_N1_TO_1 2, RELU6 3,
 * TANH 4, SIGN_BIT 5). */
typedef enum sr_activation {
  SR_ACT_NONE = 0,
  SR_ACT_RELU = 1,
  SR_ACT_RELU_N1_TO_1 = 2,
  SR_ACT_RELU6 = 3,
  SR_ACT_TANH = 4,
  SR_ACT_SIGN_BIT = 5,
} sr_activation;
/* Clamp range of a fused activation for float kernels (LiteRT's: +-FLT_MAX without one). TANH/SIGN_BIT are not a
 * clamp: returns 0 and the full range. */
int sr_activation_range_f32(int activation, float* lo, float* hi);
/* Applies a fused activation to one float value (handles every activation including TANH). */
float sr_activation_apply_f32(int activation, float x);

/* A listed operator without a kernel yet (the registry treats it as unsupported). */
#define SR_OP_STUB(sym, NAME) const sr_op_kind sym = {#NAME, SR_BUILTIN_##NAME, NULL, NULL, NULL}

/* Lookup of builtin kernels by code; NULL if sigrun has no kernel for it. */
const sr_op_kind* sr_ops_find_builtin(int builtin_code);
/* Lookup of the custom kernels sigrun ships (e.g. TFLite_Detection_PostProcess); NULL otherwise. */
const sr_op_kind* sr_ops_find_custom(const char* custom_code);

#endif /* SR_OP_H */
