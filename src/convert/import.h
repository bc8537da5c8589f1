/*
 * import.h — turning one SavedModel signature into one IR subgraph by evaluating its TensorFlow graph
 * symbolically: every TF tensor becomes a value (an IR tensor, a variable handle, or "poisoned" after an op that
 * could not be lowered); function calls are inlined by evaluating the callee's body with the caller's values;
 * constants fold as they appear; every other op is lowered to builtins by a handler of the op table
 * (lower_*.c). Problems that do not stop the walk (unsupported ops, unsupported forms of an op) are collected so
 * one error can list them all, as LiteRT's converter does.
 */
#ifndef SR_CONVERT_IMPORT_H
#define SR_CONVERT_IMPORT_H

#include "convert/graph.h"
#include "convert/saved_model.h"

/* Deepest nesting of function calls followed while inlining (recursive functions end here with an error). */
#define SR_CV_MAX_CALL_DEPTH 64
/* Most outputs one TF node may declare (number_attr / list attrs come from the file). */
#define SR_CV_MAX_NODE_OUTPUTS 4096

typedef enum sr_cv_val_kind {
  SR_CV_VAL_NONE = 0,     /* not produced (control-only) */
  SR_CV_VAL_TENSOR = 1,   /* id = tensor of the current subgraph */
  SR_CV_VAL_RESOURCE = 2, /* id = variable index */
  SR_CV_VAL_POISON = 3    /* downstream of a problem already reported */
} sr_cv_val_kind;

typedef struct sr_cv_val {
  sr_cv_val_kind kind;
  int id;
} sr_cv_val;

/* A captured variable of some signature. */
typedef struct sr_cv_variable {
  int32_t object_id;
  const char* shared_name; /* VarHandleOp's shared_name (its node name when empty): LiteRT's VAR_HANDLE name;
                              owned (sr_strdup) */
  sigrun_type type;
  int rank;
  int64_t dims[SR_MAX_RANK];
  const void* data; /* read from the checkpoint on first use */
  size_t nbytes;
  int assigned;   /* some converted signature assigns it */
  int is_mutable; /* kept as a resource variable (decided before the final import) */
} sr_cv_variable;

typedef struct sr_cv_problem {
  const char* op;
  const char* node;
  const char* function;
  const char* why; /* NULL: the op has no lowering; else what form is not supported */
} sr_cv_problem;

typedef struct sr_cv_ctx {
  const sr_saved_model* sm;
  sr_cv_model* m;
  int graph; /* subgraph being built */
  sr_cv_variable* vars;
  int n_vars, cap_vars;
  int* var_tensor; /* per variable: its constant or VAR_HANDLE tensor in the current subgraph, or -1 */
  sr_cv_problem* problems;
  int n_problems, cap_problems;
  const char* fn_name; /* function being evaluated, for messages */
  const char* where;   /* "node@function" of the node being lowered */
  int depth;
  sigrun_error* error;
} sr_cv_ctx;

static inline sr_cv_graph* sr_cv_g(sr_cv_ctx* c) { return &c->m->graphs[c->graph]; }
static inline sr_cv_tensor* sr_cv_tv(sr_cv_ctx* c, sr_cv_val v) { return &c->m->graphs[c->graph].t[v.id]; }

/* Imports signature sig into a new subgraph named name; fills the model's signature entry *out. */
sigrun_status sr_cv_import_signature(sr_cv_ctx* c, const sr_tf_signature* sig, const char* name,
                                     sr_cv_signature* out);
/* Evaluates fn with argument values args; results receive its outputs in output-arg order. */
sigrun_status sr_cv_eval_function(sr_cv_ctx* c, const sr_tf_function* fn, const sr_cv_val* args, int n_args,
                                  sr_cv_val* results, int n_results);
/* Appends the initializer subgraph of the mutable variables (VAR_HANDLE + ASSIGN_VARIABLE of each initial value,
 * by name), which must land at index init_index (the CALL_ONCE target of every signature). No-op without
 * mutable variables. */
sigrun_status sr_cv_add_initializer(sr_cv_ctx* c, int init_index);

/* ---- for the op handlers (lower_*.c) ---- */

/* Status of a handler that recorded a problem with sr_cv_unsupported: the walk poisons the node's outputs and
 * goes on. Never escapes the importer. */
#define SR_CV_RECORDED ((sigrun_status)1000)

/* Lowers one TF node: in = its data inputs, out = its outputs (kind NONE on entry). Returns OK (every out
 * filled), SR_CV_RECORDED after sr_cv_unsupported, or another status for a fatal error (error filled). */
typedef sigrun_status (*sr_cv_lower_fn)(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                        sr_cv_val* out, int n_out);
/* The handler of TF op `op`, or NULL. */
sr_cv_lower_fn sr_cv_find_lowering(const char* op);

/* Records that this node cannot be converted (fmt NULL: the op has no lowering; else the unsupported form,
 * printf style); returns SR_CV_RECORDED (or NO_MEMORY). */
sigrun_status sr_cv_unsupported(sr_cv_ctx* c, const sr_tf_node* node, const char* fmt, ...) SR_PRINTF(3, 4);
/* A fatal error about this node: "node 'x' (Op) in function 'f': <text>". */
sigrun_status sr_cv_fail(sr_cv_ctx* c, const sr_tf_node* node, sigrun_status status, const char* fmt, ...)
    SR_PRINTF(4, 5);
sigrun_status sr_cv_oom(sr_cv_ctx* c);

/* TF DataType -> LiteRT type; 0 when there is none (and *ok = 0). */
sigrun_type sr_cv_type_from_tf(int32_t dtype, int* ok);

/* New tensor in the current subgraph named after the node (suffix for extra outputs / helper tensors). */
int sr_cv_new_tensor(sr_cv_ctx* c, const sr_tf_node* node, const char* suffix, sigrun_type type, int rank,
                     const int64_t* dims);
/* Appends an operator built from node (opts may be NULL). Returns its index or -1 (error filled). */
int sr_cv_emit(sr_cv_ctx* c, int code, const int* in, int n_in, const int* out, int n_out, const sr_cv_opts* opts);
/* A value naming tensor t. */
static inline sr_cv_val sr_cv_tensor_val(int t) {
  sr_cv_val v = {SR_CV_VAL_TENSOR, t};
  return v;
}

/* Attributes (the node's, else the op's default). Missing or of the wrong kind: fatal BAD_MODEL error. */
sigrun_status sr_cv_attr_int(sr_cv_ctx* c, const sr_tf_node* node, const char* name, int64_t* out);
sigrun_status sr_cv_attr_float(sr_cv_ctx* c, const sr_tf_node* node, const char* name, float* out);
sigrun_status sr_cv_attr_bool(sr_cv_ctx* c, const sr_tf_node* node, const char* name, int* out);
sigrun_status sr_cv_attr_type(sr_cv_ctx* c, const sr_tf_node* node, const char* name, int32_t* out);
/* A string attr; *out is NUL-terminated. */
sigrun_status sr_cv_attr_str(sr_cv_ctx* c, const sr_tf_node* node, const char* name, const char** out);
/* A list(int) attr; *out points into the SavedModel. */
sigrun_status sr_cv_attr_ints(sr_cv_ctx* c, const sr_tf_node* node, const char* name, const int64_t** out,
                              size_t* n);
/* Optional forms: return 0 (and leave *out) when the attr is absent everywhere. */
int sr_cv_attr_bool_or(const sr_tf_node* node, const char* name, int def);
int64_t sr_cv_attr_int_or(const sr_tf_node* node, const char* name, int64_t def);

/* The variable behind a resource value; loads its checkpoint bytes on first use. */
sigrun_status sr_cv_variable_data(sr_cv_ctx* c, const sr_tf_node* node, int var);

#endif /* SR_CONVERT_IMPORT_H */
