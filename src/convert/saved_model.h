/*
 * saved_model.h — a TF2 SavedModel directory decoded into plain C views: the "serve" MetaGraphDef's
 * signatures, graph_def nodes, function library, stripped op list and SavedObjectGraph, plus the variables
 * bundle, with every signature already bound to its call node, its wrapper function and the objects (variables,
 * constants) it captures, and every variable object bound to its checkpoint entry.
 *
 * Ownership: sr_saved_model_load returns one object that owns everything reachable from it (one pool, the
 * file bytes that tensor_content points into, the bundle). Every pointer below lives until
 * sr_saved_model_destroy. After load nothing changes: any number of threads may read it at the same time.
 *
 * Errors: every malformed input fails the load with BAD_MODEL and a message naming the file, the message type,
 * the field number and the byte offset ("saved_model.pb: NodeDef field 5 at offset 1234: ..."), or for
 * semantic problems the object concerned ("saved_model.pb: function '__inference_f_17': node 'MatMul' is
 * defined twice"). A signature that decodes but cannot be bound to a call node does not fail the load: its
 * call is NULL and unbound_reason says why (the converter reports it when that signature is asked for).
 */
#ifndef SR_CONVERT_SAVED_MODEL_H
#define SR_CONVERT_SAVED_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "convert/bundle.h"
#include "convert/tf_types.h"

/* SignatureDef key of the initializer pseudo-signature every TF2 save writes; never a conversion target. */
#define SR_SAVED_MODEL_INIT_OP_KEY "__saved_model_init_op"

/* TensorInfo: how a signature names one input or output. */
typedef enum sr_tf_tensor_info_encoding {
  SR_TF_TENSOR_INFO_NONE = 0,      /* no oneof member was set */
  SR_TF_TENSOR_INFO_NAME = 1,      /* a dense tensor "op_name:output_index": the only kind the converter takes */
  SR_TF_TENSOR_INFO_COO_SPARSE = 4,
  SR_TF_TENSOR_INFO_COMPOSITE = 5  /* ragged tensors etc. */
} sr_tf_tensor_info_encoding;

typedef struct sr_tf_tensor_info {
  const char* key;   /* the map key: argument name ("x") or output name ("output_0") */
  const char* name;  /* "serving_default_x:0", "StatefulPartitionedCall:0"; "" unless encoding is NAME */
  sr_tf_tensor_info_encoding encoding;
  int32_t dtype;
  sr_tf_shape shape; /* -1 dims for unknown sizes (the batch dim usually) */
} sr_tf_tensor_info;

typedef struct sr_tf_named_tensor {
  const char* key;
  sr_tf_tensor value;
} sr_tf_named_tensor;

/* What feeds one parameter of a signature's wrapper function. */
typedef enum sr_saved_call_arg_kind {
  SR_SAVED_CALL_ARG_INPUT = 1,  /* a signature input (a Placeholder of graph_def) */
  SR_SAVED_CALL_ARG_CAPTURE = 2 /* a captured object: object_id names it (variable, constant, resource...) */
} sr_saved_call_arg_kind;

typedef struct sr_saved_call_arg {
  sr_saved_call_arg_kind kind;
  const sr_tf_node* graph_node;    /* the call node's input feeding it: Placeholder, VarHandleOp, Const... */
  const sr_tf_tensor_info* input;  /* INPUT: the signature input whose TensorInfo names graph_node */
  int32_t object_id;               /* CAPTURE: index into sr_saved_model.objects (from bound_inputs), or -1
                                      when bound_inputs do not cover this parameter (then only graph_node,
                                      e.g. a Const or VarHandleOp, says what is captured); -1 for INPUT */
} sr_saved_call_arg;

/* A signature bound to the graph: the call node its outputs come from and the function that node calls. */
typedef struct sr_saved_call {
  const sr_tf_node* node;           /* "StatefulPartitionedCall" / "PartitionedCall" node of graph_def */
  const sr_tf_function* function;   /* the wrapper, "__inference_signature_wrapper_<N>" (node attr f) */
  sr_saved_call_arg* args;          /* one per parameter of function (= per data input of node), in order */
  size_t n_args;
  size_t* output_index;             /* per signature output (same order as outputs): flat output index of
                                       node, i.e. the K of "StatefulPartitionedCall:K" */
} sr_saved_call;

typedef struct sr_tf_signature {
  const char* key;          /* "serving_default", "encode", SR_SAVED_MODEL_INIT_OP_KEY */
  const char* method_name;  /* "tensorflow/serving/predict" */
  sr_tf_tensor_info* inputs;  /* sorted by key */
  size_t n_inputs;
  sr_tf_tensor_info* outputs; /* sorted by key */
  size_t n_outputs;
  sr_tf_named_tensor* defaults; /* SignatureDef.defaults (newer TF), sorted by key; usually none */
  size_t n_defaults;
  const sr_saved_call* call;  /* NULL when unbound (always for the init op) */
  const char* unbound_reason; /* NULL when call is set; else why, e.g. "output 'y' is 'x:0', not an output of
                                 a (Stateful)PartitionedCall node" */
} sr_tf_signature;

/* SavedObject kinds: the proto field numbers of the oneof. */
typedef enum sr_saved_object_kind {
  SR_SAVED_OBJECT_NONE = 0,
  SR_SAVED_OBJECT_USER_OBJECT = 4,
  SR_SAVED_OBJECT_ASSET = 5,
  SR_SAVED_OBJECT_FUNCTION = 6,
  SR_SAVED_OBJECT_VARIABLE = 7,
  SR_SAVED_OBJECT_BARE_CONCRETE_FUNCTION = 8,
  SR_SAVED_OBJECT_CONSTANT = 9,
  SR_SAVED_OBJECT_RESOURCE = 10,
  SR_SAVED_OBJECT_CAPTURED_TENSOR = 12
} sr_saved_object_kind;

typedef struct sr_saved_object_ref {
  int32_t node_id; /* a valid index into sr_saved_model.objects (checked at load) */
  const char* local_name;
} sr_saved_object_ref;

typedef struct sr_saved_object {
  sr_saved_object_kind kind;
  sr_saved_object_ref* children; /* wire order */
  size_t n_children;
  sr_saved_object_ref* dependencies;
  size_t n_dependencies;
  struct {
    const char* identifier; /* "_generic_user_object", "signature_map", "trackable_list_wrapper"... */
  } user_object;
  struct {
    int32_t dtype;
    sr_tf_shape shape;
    const char* name; /* "dense/kernel" */
    int trainable;
    /* The checkpoint entry holding the value, found as TF's loader does (object graph walk); NULL when the
     * bundle has no value for it. Its dtype and shape were checked against dtype/shape at load. */
    const sr_bundle_entry* entry;
  } variable;
  struct {
    const char** concrete_functions;
    size_t n_concrete_functions;
  } function;
  struct {
    const char* concrete_function_name;
  } bare_concrete_function;
  struct {
    const char* operation; /* name of a Const node of graph_def */
  } constant;
  struct {
    const char* name;
    const char* concrete_function;
  } captured_tensor;
  struct {
    int32_t asset_file_def_index;
  } asset;
} sr_saved_object;

typedef struct sr_saved_concrete_function {
  const char* name;      /* FunctionDef name */
  int32_t* bound_inputs; /* object ids (valid indices, checked) of the function's trailing captured params */
  size_t n_bound_inputs;
} sr_saved_concrete_function;

typedef struct sr_saved_model {
  const char* dir;
  int64_t schema_version;
  /* MetaInfoDef of the "serve" MetaGraphDef. */
  const char** tags;
  size_t n_tags;
  const char* tensorflow_version; /* "2.21.0" */
  int stripped_default_attrs;

  sr_tf_signature* signatures; /* sorted by key; includes SR_SAVED_MODEL_INIT_OP_KEY when present */
  size_t n_signatures;
  sr_tf_node_list graph;       /* graph_def.node, each with op_def / function resolved */
  sr_tf_function* functions;   /* graph_def.library.function, sorted by name (unique) */
  size_t n_functions;
  sr_tf_op_def* ops;           /* stripped_op_list, sorted by name (unique), plus the OpDefs of sigrun's copy of
                                  TF's registry for ops the list lacks (from_registry set; TF omits ops used only
                                  in While/If bodies) */
  size_t n_ops;
  sr_saved_object* objects;    /* SavedObjectGraph.nodes; objects[0] is the root; n_objects 0 for a TF1 model */
  size_t n_objects;
  sr_saved_concrete_function* concrete_functions; /* sorted by name */
  size_t n_concrete_functions;
  int32_t producer;            /* graph_def.versions.producer */

  const sr_bundle* variables;  /* variables/variables.index, or NULL when the directory has none */

  struct sr_saved_model_internal* internal; /* pool and file bytes; not for callers */
} sr_saved_model;

/* Reads dir/saved_model.pb and (when present) dir/variables/variables.index, decodes them and binds
 * signatures and variables. Picks the MetaGraphDef tagged "serve" (the first one if several are; the only one
 * if it has no tags). *out is set to NULL first and receives the model on success; the caller releases it
 * with sr_saved_model_destroy. Errors: IO (missing or unreadable saved_model.pb), BAD_MODEL (malformed bytes,
 * dangling object ids, a variable whose checkpoint entry has another dtype or shape...), UNSUPPORTED
 * (saved_model.pbtxt or chunked saved_model.cpb only), NO_MEMORY. */
sigrun_status sr_saved_model_load(const char* dir, sr_saved_model** out, sigrun_error* error);
/* Same from saved_model.pb bytes in memory (copied) and an optional bundle prefix (NULL: no variables).
 * file_name names the bytes in messages. Used by tests and fuzzing. */
sigrun_status sr_saved_model_load_buffer(const void* pb, size_t size, const char* file_name,
                                         const char* variables_prefix, sr_saved_model** out, sigrun_error* error);
void sr_saved_model_destroy(sr_saved_model* model);

/* Lookups (binary search); NULL when absent. */
const sr_tf_signature* sr_saved_model_signature(const sr_saved_model* model, const char* key);
const sr_tf_function* sr_saved_model_function(const sr_saved_model* model, const char* name);
const sr_tf_op_def* sr_saved_model_op_def(const sr_saved_model* model, const char* name);
const sr_saved_concrete_function* sr_saved_model_concrete_function(const sr_saved_model* model, const char* name);

/* The value of variable object object_id: checks that it is a variable with a checkpoint entry and reads
 * the bytes (dst_size must be the entry size). BAD_ARGUMENT for a non-variable id, NOT_FOUND when the
 * checkpoint has no value for it, else as sr_bundle_read. Messages name the variable ("variable 'dense/kernel'
 * (object 8, key 'layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE'): ..."). */
sigrun_status sr_saved_model_read_variable(const sr_saved_model* model, int32_t object_id, void* dst,
                                           size_t dst_size, sigrun_error* error);

#endif /* SR_CONVERT_SAVED_MODEL_H */
