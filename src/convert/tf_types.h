/*
 * tf_types.h — plain C views of the TensorFlow protos the converter reads (DataType, TensorShapeProto,
 * TensorProto, AttrValue, OpDef, NodeDef, FunctionDef). Every pointer is owned by the pool of the object
 * that decoded it (a sr_saved_model or a bundle) and lives exactly as long as that object.
 * Conventions: absent strings are "" (never NULL); arrays come with an n_ count; maps are arrays of
 * key/value entries sorted by key (bytewise, strcmp) in which a key appears once (the last occurrence on the
 * wire wins, as protobuf says), so lookups are binary searches. Names and map keys never contain a NUL byte
 * (the decoder rejects them); byte strings (sr_tf_bytes) may.
 * Everything here is read-only after decoding: any number of threads may read it at the same time.
 */
#ifndef SR_CONVERT_TF_TYPES_H
#define SR_CONVERT_TF_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "core/common.h"

/* types.proto DataType values the converter handles; other values are kept as numbers. */
enum {
  SR_TF_INVALID = 0,
  SR_TF_FLOAT = 1,
  SR_TF_DOUBLE = 2,
  SR_TF_INT32 = 3,
  SR_TF_UINT8 = 4,
  SR_TF_INT16 = 5,
  SR_TF_INT8 = 6,
  SR_TF_STRING = 7,
  SR_TF_COMPLEX64 = 8,
  SR_TF_INT64 = 9,
  SR_TF_BOOL = 10,
  SR_TF_QINT8 = 11,
  SR_TF_QUINT8 = 12,
  SR_TF_QINT32 = 13,
  SR_TF_BFLOAT16 = 14,
  SR_TF_QINT16 = 15,
  SR_TF_QUINT16 = 16,
  SR_TF_UINT16 = 17,
  SR_TF_COMPLEX128 = 18,
  SR_TF_HALF = 19,
  SR_TF_RESOURCE = 20,
  SR_TF_VARIANT = 21,
  SR_TF_UINT32 = 22,
  SR_TF_UINT64 = 23
};

/* Bytes per element of a fixed-size dtype; 0 for strings, resources, variants, refs and unknown values. */
size_t sr_tf_dtype_size(int32_t dtype);
/* TensorFlow's Python name ("float32", "int64", "string", "resource"...), or "invalid" for unknown values. */
const char* sr_tf_dtype_name(int32_t dtype);

/* Bytes that may hold anything; data is NUL-terminated for convenience (size excludes the NUL). */
typedef struct sr_tf_bytes {
  const char* data;
  size_t size;
} sr_tf_bytes;

typedef struct sr_tf_str_pair {
  const char* key;
  const char* value;
} sr_tf_str_pair;

/* TensorShapeProto. A scalar is rank 0 with unknown_rank 0. Dims are >= -1 (checked at decode). */
typedef struct sr_tf_shape {
  int unknown_rank; /* when set, rank is 0 and dims NULL */
  size_t rank;
  int64_t* dims; /* -1 = unknown size */
} sr_tf_shape;

/* A TensorProto as stored. Values are either tensor_content (raw little-endian elements, pointing into the
 * file buffer) or one of the typed lists; sr_tf_tensor_read picks the one matching dtype and applies TF's
 * rule that a shorter list repeats its last value (a longer one is cut, as TF's Tensor::FromProto does).
 * Checked at decode: every dim >= 0 and unknown_rank unset, num_elements fits size_t (and num_elements * dtype
 * size too), and content_size is 0 or exactly num_elements * dtype size. */
typedef struct sr_tf_tensor {
  int32_t dtype;
  sr_tf_shape shape;
  size_t num_elements; /* product of the dims, computed at decode */
  const uint8_t* content;
  size_t content_size;
  float* float_val;
  size_t n_float_val;
  double* double_val;
  size_t n_double_val;
  int32_t* int_val; /* int32, int16, int8, uint8, uint16, qint* */
  size_t n_int_val;
  int64_t* int64_val;
  size_t n_int64_val;
  uint8_t* bool_val;
  size_t n_bool_val;
  int32_t* half_val; /* fp16 / bf16 bit patterns */
  size_t n_half_val;
  uint32_t* uint32_val;
  size_t n_uint32_val;
  uint64_t* uint64_val;
  size_t n_uint64_val;
  float* scomplex_val; /* (re, im) pairs */
  size_t n_scomplex_val;
  double* dcomplex_val;
  size_t n_dcomplex_val;
  sr_tf_bytes* string_val;
  size_t n_string_val;
} sr_tf_tensor;

/* Bytes of the dense little-endian form: num_elements * dtype size. UNSUPPORTED for DT_STRING, resources,
 * variants and unknown dtypes (strings are read from string_val directly). */
sigrun_status sr_tf_tensor_nbytes(const sr_tf_tensor* t, size_t* nbytes, sigrun_error* error);
/* Writes the dense little-endian elements into dst; dst_size must equal sr_tf_tensor_nbytes (BAD_ARGUMENT
 * otherwise). Takes tensor_content when present, else the typed list of the dtype (a shorter list repeats its
 * last value, an empty one means zeros). Narrow integer types come from int_val (truncated to their width, as
 * TF does), fp16/bf16 from half_val's low 16 bits, bool from bool_val as 0/1 bytes. */
sigrun_status sr_tf_tensor_read(const sr_tf_tensor* t, void* dst, size_t dst_size, sigrun_error* error);

typedef struct sr_tf_attr sr_tf_attr;

typedef struct sr_tf_attr_entry sr_tf_attr_entry;
typedef struct sr_tf_attr_map {
  sr_tf_attr_entry* items;
  size_t count;
} sr_tf_attr_map;

/* NameAttrList: a function reference with its attrs. */
typedef struct sr_tf_func {
  const char* name;
  sr_tf_attr_map attr;
} sr_tf_func;

typedef struct sr_tf_attr_list {
  sr_tf_bytes* s;
  size_t n_s;
  int64_t* i;
  size_t n_i;
  float* f;
  size_t n_f;
  uint8_t* b;
  size_t n_b;
  int32_t* type;
  size_t n_type;
  sr_tf_shape* shape;
  size_t n_shape;
  sr_tf_tensor* tensor;
  size_t n_tensor;
  sr_tf_func* func;
  size_t n_func;
} sr_tf_attr_list;

/* AttrValue's oneof; the numbers are the proto field numbers. */
typedef enum sr_tf_attr_kind {
  SR_TF_ATTR_NONE = 0,
  SR_TF_ATTR_LIST = 1,
  SR_TF_ATTR_S = 2,
  SR_TF_ATTR_I = 3,
  SR_TF_ATTR_F = 4,
  SR_TF_ATTR_B = 5,
  SR_TF_ATTR_TYPE = 6,
  SR_TF_ATTR_SHAPE = 7,
  SR_TF_ATTR_TENSOR = 8,
  SR_TF_ATTR_PLACEHOLDER = 9,
  SR_TF_ATTR_FUNC = 10
} sr_tf_attr_kind;

struct sr_tf_attr {
  sr_tf_attr_kind kind; /* only the member named by kind is meaningful */
  sr_tf_bytes s;
  int64_t i;
  float f;
  int b;
  int32_t type;
  const char* placeholder;
  sr_tf_shape* shape;   /* SHAPE */
  sr_tf_tensor* tensor; /* TENSOR */
  sr_tf_func* func;     /* FUNC */
  sr_tf_attr_list* list; /* LIST */
};

struct sr_tf_attr_entry {
  const char* key;
  sr_tf_attr value;
};

/* The attr named key, or NULL (binary search). */
const sr_tf_attr* sr_tf_attr_find(const sr_tf_attr_map* map, const char* key);

typedef struct sr_tf_arg_def {
  const char* name;
  int32_t type;
  const char* type_attr;
  const char* number_attr;
  const char* type_list_attr;
  int is_ref;
} sr_tf_arg_def;

typedef struct sr_tf_attr_def {
  const char* name;
  const char* type; /* "int", "list(type)", ... */
  int has_default;
  sr_tf_attr default_value;
  int has_minimum;
  int64_t minimum;
} sr_tf_attr_def;

typedef struct sr_tf_op_def {
  const char* name;
  sr_tf_arg_def* input_arg;
  size_t n_input_arg;
  sr_tf_arg_def* output_arg;
  size_t n_output_arg;
  sr_tf_attr_def* attr;
  size_t n_attr;
  const char** control_output;
  size_t n_control_output;
  int is_stateful;
  int is_commutative;
  int is_aggregate;
  int allows_uninitialized_input;
  /* Set when the file's stripped_op_list lacked this op and the OpDef comes from sigrun's copy of TensorFlow's
   * registry (src/convert/tf_op_registry.c): TF omits ops used only inside While/If bodies. */
  int from_registry;
} sr_tf_op_def;

/* The AttrDef named name, or NULL. */
const sr_tf_attr_def* sr_tf_op_def_attr(const sr_tf_op_def* op, const char* name);

struct sr_tf_function;

typedef struct sr_tf_node {
  const char* name;
  const char* op;
  const char** input; /* wire order: "node", "node:K", "node:out_arg:K" in functions, "^node" for control edges */
  size_t n_input;
  const char* device;
  sr_tf_attr_map attr;
  /* Resolved after decoding. When op names a function of the library (a call by name), function is that
   * function and op_def points to its signature (output args with fixed types, no attrs). Otherwise op_def is
   * the op's definition from MetaInfoDef.stripped_op_list, or NULL when the list lacks it. */
  const sr_tf_op_def* op_def;
  const struct sr_tf_function* function;
} sr_tf_node;

/* An attr of a node, or the op's default when the attr was stripped (§3.9); NULL when neither exists. */
const sr_tf_attr* sr_tf_node_attr(const sr_tf_node* node, const char* name);

/* How many tensors argument arg (an input_arg or output_arg of node->op_def) stands for: 1 for a plain arg,
 * the node's int attr number_attr (>= 0) for a list of one type, the length of its list(type) attr
 * type_list_attr otherwise. BAD_MODEL naming the node, op and attr when the attr is missing, negative or of
 * the wrong kind. */
sigrun_status sr_tf_arg_length(const sr_tf_node* node, const sr_tf_arg_def* arg, size_t* length, sigrun_error* error);
/* The DataType of element k of argument arg (k < sr_tf_arg_length): arg->type, the node's type attr
 * type_attr, or element k of its list(type) attr type_list_attr. BAD_MODEL when missing. */
sigrun_status sr_tf_arg_dtype(const sr_tf_node* node, const sr_tf_arg_def* arg, size_t k, int32_t* dtype,
                              sigrun_error* error);
/* Total number of outputs of node (sum of sr_tf_arg_length over its op_def's output args). NOT_FOUND when
 * node->op_def is NULL (an op missing from stripped_op_list). */
sigrun_status sr_tf_node_output_count(const sr_tf_node* node, size_t* count, sigrun_error* error);
/* The flat output index of element k of output arg (arg_len bytes at arg) of node: the lengths of the output
 * args before it plus k. With arg_len 0 (GraphDef form "node:K") the index is k itself, checked against the
 * output count when the op_def is known. NOT_FOUND (naming node, op and arg) when the arg does not exist or k
 * is out of range, or op_def is NULL for the function-body form. */
sigrun_status sr_tf_node_output_index(const sr_tf_node* node, const char* arg, size_t arg_len, int64_t k,
                                      size_t* flat, sigrun_error* error);

/* Node lists keep their wire order; by_name holds their indices sorted by name for lookups. Node names are
 * unique within a list (a duplicate is rejected at decode, as TF's importer does). */
typedef struct sr_tf_node_list {
  sr_tf_node* items;
  size_t count;
  size_t* by_name;
} sr_tf_node_list;

/* The node named name (or the len bytes at name), or NULL. */
const sr_tf_node* sr_tf_nodes_find(const sr_tf_node_list* nodes, const char* name);
const sr_tf_node* sr_tf_nodes_find_n(const sr_tf_node_list* nodes, const char* name, size_t len);

typedef struct sr_tf_arg_attrs {
  uint32_t index;
  sr_tf_attr_map attr;
} sr_tf_arg_attrs;

typedef struct sr_tf_function {
  sr_tf_op_def signature; /* name, input_arg = parameters, output_arg = results */
  sr_tf_attr_map attr;    /* "_input_shapes", "api_implements", ... */
  sr_tf_node_list node_def;
  sr_tf_str_pair* ret; /* sorted by key: output_arg name -> "node:out_arg:K" or a parameter name */
  size_t n_ret;
  sr_tf_str_pair* control_ret;
  size_t n_control_ret;
  sr_tf_arg_attrs* arg_attr; /* sorted by index, unique: parameter index -> attrs ("_user_specified_name",
                                "_output_shapes") */
  size_t n_arg_attr;
} sr_tf_function;

/* The attrs of parameter index of f, or NULL. */
const sr_tf_attr_map* sr_tf_function_arg_attrs(const sr_tf_function* f, uint32_t index);

/* The value of key in a string map sorted by key, or NULL. */
const char* sr_tf_str_map_find(const sr_tf_str_pair* items, size_t count, const char* key);

/* A tensor reference split into spans of the text: "a" -> (a, 0), "a:3" -> (a, 3), "a:out:2" -> (a, arg "out",
 * 2), "^a" -> control edge on a. */
typedef struct sr_tf_tensor_ref {
  const char* name;
  size_t name_len;
  const char* arg; /* output-arg name in function bodies; arg_len 0 when absent */
  size_t arg_len;
  int64_t index;
  int is_control;
} sr_tf_tensor_ref;
/* Returns 1 on success, 0 when the text is malformed: empty name or arg, an index that is not a decimal
 * number in [0, 2^31), more than two ':' separators, or "^" with an index. "^a" never has an index. */
int sr_tf_parse_tensor_ref(const char* text, sr_tf_tensor_ref* out);

#endif /* SR_CONVERT_TF_TYPES_H */
