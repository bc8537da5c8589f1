/*
 * model.h — the verified, immutable model. Loading parses the whole flatbuffer once through the checked
 * reader into these plain structs; after that nothing re-reads the file except constant data, whose
 * bounds were checked against each tensor's type and shape. A model is read-only after load and safe to
 * share between threads and interpreters.
 */
#ifndef SR_MODEL_H
#define SR_MODEL_H

#include "common.h"

struct sr_op_kind;

typedef struct sr_quant {
  int count; /* 0 = not quantized */
  const float* scales;
  const int64_t* zero_points;
  int quantized_dimension;
} sr_quant;

/* A sparse constant tensor (LiteRT's SparsityParameters), checked at load: the traversal order is a
 * permutation (original dims first, then block dims), every index lies inside its dimension, segments are
 * non-decreasing and inside their index arrays. Only DENSIFY reads such a tensor. */
typedef struct sr_sparse_dim {
  int sparse;           /* 0 = DENSE, 1 = SPARSE_CSR */
  int32_t size;         /* extent of this level: the dense_size, or what CSR indices must stay below */
  int n_segments;
  const int32_t* segments;
  int n_indices;
  const int32_t* indices;
} sr_sparse_dim;

typedef struct sr_sparsity {
  int levels;                          /* rank + number of blocked dims */
  int32_t traversal[2 * SR_MAX_RANK];  /* level -> expanded dim (>= rank: a block dim) */
  int n_blocks;
  int32_t block_map[SR_MAX_RANK];      /* block j splits original dim block_map[j] */
  int32_t block_size[SR_MAX_RANK];
  sr_sparse_dim dims[2 * SR_MAX_RANK]; /* per level, in traversal order */
  size_t n_values;                     /* values stored in the buffer */
} sr_sparsity;

typedef struct sr_tensor_def {
  const char* name; /* never NULL; "" if the file has none */
  sigrun_type type;
  int rank;
  int32_t dims[SR_MAX_RANK];
  int32_t signature[SR_MAX_RANK]; /* shape_signature; equals dims where the file has none */
  int has_signature; /* the file gives a non-empty shape_signature */
  int has_rank;
  const void* data; /* constant data (aligned for the type) or NULL */
  size_t data_bytes;
  int buffer;
  int is_variable;
  sr_quant quant;
  const sr_sparsity* sparsity; /* NULL for dense tensors */
} sr_tensor_def;

typedef struct sr_operator {
  int index;
  int builtin_code; /* effective code: max(builtin_code, deprecated_builtin_code) */
  int version;
  const char* name; /* builtin op name ("CONV_2D") or the custom code */
  const char* custom_code; /* NULL for builtins */
  const struct sr_op_kind* kind; /* NULL when sigrun has no kernel for it */
  int n_inputs;
  const int32_t* inputs; /* -1 = optional input absent */
  int n_outputs;
  const int32_t* outputs;
  int n_intermediates;
  const int32_t* intermediates;
  const void* params; /* parsed builtin options (kind-specific struct) or NULL */
  const uint8_t* custom_options;
  size_t custom_options_size;
} sr_operator;

typedef struct sr_subgraph {
  const char* name;
  int n_tensors;
  sr_tensor_def* tensors;
  int n_inputs;
  const int32_t* inputs;
  int n_outputs;
  const int32_t* outputs;
  int n_operators;
  sr_operator* operators;
} sr_subgraph;

typedef struct sr_io_name {
  const char* name;
  int tensor; /* index in the signature's subgraph */
} sr_io_name;

typedef struct sr_signature {
  const char* key;
  int subgraph;
  int n_inputs;
  sr_io_name* inputs; /* sorted by name (byte order) */
  int n_outputs;
  sr_io_name* outputs;
} sr_signature;

struct sigrun_model {
  const uint8_t* bytes;
  size_t size;
  void* owned;       /* buffer we allocated (copy mode / aligned copies), or NULL */
  void* mapping;     /* mmap base, or NULL */
  size_t mapping_size;
  sr_pool pool;      /* everything below lives here */
  const char* description;
  int n_subgraphs;
  sr_subgraph* subgraphs;
  int n_signatures;
  sr_signature* signatures;
  /* Weights packed for fast kernels, built lazily at allocation and shared by every interpreter (packed.h).
   * The one part of a model that changes after load; it has its own lock. */
  struct sr_pack_cache* packs;
};

/* Parses and verifies bytes into *model (whose bytes/size are set). On failure the model's pool may hold
 * partial data; the caller destroys it. */
sigrun_status sr_model_parse(sigrun_model* model, sigrun_error* error);

/* Lets the OS reclaim the resident pages of the constant data starting at `data` (weights now used only in a
 * packed copy), when the model is a file mapping: reading them again faults them back in from the file, so
 * this only ever costs time. Without it a model's weights would be resident twice. No-op otherwise. */
void sr_model_release_constant(const sigrun_model* model, const void* data);

/* Name of a builtin operator code ("ADD"), or NULL for codes this build does not know. */
const char* sr_builtin_name(int code);

#endif /* SR_MODEL_H */
