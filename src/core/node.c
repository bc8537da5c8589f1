/*
 * node.c — the services a kernel may call: failing with context, shaping and (for dynamic outputs)
 * allocating outputs, per-node data and scratch requests. Invariant: an ARENA or CONST tensor's shape is
 * fixed once planned; only DYNAMIC tensors change shape (and memory) during invoke.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "../ops/op.h"
#include "runner.h"

size_t sr_tensor_count(const sr_tensor* t) {
  size_t n = 1;
  for (int i = 0; i < t->rank; i++) n *= (size_t)t->dims[i];
  return n;
}

static const char* op_name(const sr_operator* op) { return op && op->name ? op->name : "?"; }

sigrun_status sr_node_fail(sr_node* node, sigrun_status status, const char* fmt, ...) {
  char msg[SIGRUN_ERROR_MESSAGE_SIZE];
  va_list args;
  va_start(args, fmt);
  vsnprintf(msg, sizeof msg, fmt, args);
  va_end(args);
  return sr_fail(node->error, status, "subgraph %d, operator %d (%s): %s", node->subgraph,
                 node->op ? node->op->index : -1, op_name(node->op), msg);
}

sigrun_status sr_parse_fail(sr_parse_ctx* ctx, sigrun_status status, const char* fmt, ...) {
  char msg[SIGRUN_ERROR_MESSAGE_SIZE];
  va_list args;
  va_start(args, fmt);
  vsnprintf(msg, sizeof msg, fmt, args);
  va_end(args);
  return sr_fail(ctx->error, status, "subgraph %d, operator %d (%s): %s", ctx->subgraph, ctx->op->index,
                 op_name(ctx->op), msg);
}

sigrun_status sr_parse_expect_options(sr_parse_ctx* ctx, int expected_type, int absent_ok) {
  if (!ctx->options) {
    if (absent_ok) return SIGRUN_STATUS_OK;
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "builtin options missing (expected union type %d)",
                         expected_type);
  }
  if (ctx->options_type != expected_type)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "builtin options have union type %d, expected %d",
                         ctx->options_type, expected_type);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_node_reserve_fail(sr_node* node, const sr_tensor* t, size_t bytes, sigrun_status st) {
  if (st == SIGRUN_STATUS_LIMIT)
    return sr_node_fail(node, st, "%zu bytes for tensor %d would take the runner past max_arena_bytes (%zu)", bytes,
                        t->index, t->account ? t->account->limit : 0);
  return sr_node_fail(node, st, "out of memory for %zu bytes (tensor %d)", bytes, t->index);
}

static sigrun_status grow(sr_node* node, sr_tensor* t, size_t bytes) {
  sigrun_status st = sr_tensor_reserve(t, bytes);
  return st ? sr_node_reserve_fail(node, t, bytes, st) : SIGRUN_STATUS_OK;
}

sigrun_status sr_node_resize_output(sr_node* node, int i, int rank, const int32_t* dims) {
  if (i < 0 || i >= node->n_outputs || !node->outputs[i])
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output %d does not exist", i);
  sr_tensor* t = node->outputs[i];
  if (rank < 0 || rank > SR_MAX_RANK)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "output %d: rank %d exceeds sigrun's limit of %d", i,
                        rank, SR_MAX_RANK);
  size_t count, bytes;
  char shape[128];
  if (!sr_shape_count(dims, rank, &count) || !sr_mul_size(count, sigrun_type_size(t->type), &bytes))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output %d: shape %s is negative or too large", i,
                        sr_shape_str(dims, rank, shape, sizeof shape));
  int same = rank == t->rank && memcmp(dims, t->dims, sizeof(int32_t) * (size_t)rank) == 0;
  if (t->alloc == SR_ALLOC_CONST || t->alloc == SR_ALLOC_ARENA || t->alloc == SR_ALLOC_PERSISTENT) {
    if (same) return SIGRUN_STATUS_OK;
    char old[128];
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "output %d (tensor %d): shape %s at invoke differs from planned %s",
                        i, t->index, sr_shape_str(dims, rank, shape, sizeof shape),
                        sr_shape_str(t->dims, t->rank, old, sizeof old));
  }
  t->rank = rank;
  if (rank) memcpy(t->dims, dims, sizeof(int32_t) * (size_t)rank);
  /* A string tensor's bytes follow its contents; the strings writer (strings.h) sizes its buffer. */
  if (t->type == SIGRUN_TYPE_STRING) return SIGRUN_STATUS_OK;
  t->bytes = bytes;
  if (t->alloc == SR_ALLOC_DYNAMIC) return grow(node, t, bytes);
  return SIGRUN_STATUS_OK;
}

void sr_node_set_output_dynamic(sr_node* node, int i) {
  if (i >= 0 && i < node->n_outputs && node->outputs[i] && node->outputs[i]->alloc == SR_ALLOC_NONE)
    node->outputs[i]->alloc = SR_ALLOC_DYNAMIC;
}

void* sr_node_alloc_data(sr_node* node, size_t size) {
  if (node->data && node->data_capacity >= size) {
    memset(node->data, 0, node->data_capacity);
    return node->data;
  }
  sr_mem_account* account = node->runner ? node->runner->account : NULL;
  if (sr_mem_charge(account, node->data ? node->data_capacity : 0, size)) {
    sr_node_fail(node, SIGRUN_STATUS_LIMIT, "%zu bytes of node data would take the runner past max_arena_bytes (%zu)",
                 size, account->limit);
    return NULL;
  }
  void* fresh = sr_calloc(1, size ? size : 1);
  if (!fresh) {
    sr_mem_charge(account, size, node->data ? node->data_capacity : 0);
    sr_node_fail(node, SIGRUN_STATUS_NO_MEMORY, "out of memory for %zu bytes of node data", size);
    return NULL;
  }
  sr_free(node->data);
  node->data = fresh;
  node->data_capacity = size;
  return fresh;
}

void sr_node_request_scratch(sr_node* node, size_t bytes) {
  if (bytes > node->scratch_bytes) node->scratch_bytes = bytes;
}

sigrun_status sr_node_check_io(sr_node* node, int min_inputs, int max_inputs, int outputs) {
  if (node->n_inputs < min_inputs || node->n_inputs > max_inputs) {
    if (min_inputs == max_inputs)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "has %d inputs, expected %d", node->n_inputs, min_inputs);
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "has %d inputs, expected %d to %d", node->n_inputs,
                        min_inputs, max_inputs);
  }
  if (outputs >= 0 && node->n_outputs != outputs)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "has %d outputs, expected %d", node->n_outputs, outputs);
  for (int i = 0; i < node->n_outputs; i++)
    if (!node->outputs[i]) return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output %d is absent (-1)", i);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_node_check_type(sr_node* node, const sr_tensor* t, const char* what, sigrun_type type) {
  if (t->type == type) return SIGRUN_STATUS_OK;
  return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "%s (tensor %d) has type %s, expected %s", what, t->index,
                      sigrun_type_name(t->type), sigrun_type_name(type));
}

sigrun_status sr_node_input(sr_node* node, int i, sr_tensor** out) {
  if (i < 0 || i >= node->n_inputs || !node->inputs[i])
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "required input %d is absent", i);
  *out = node->inputs[i];
  return SIGRUN_STATUS_OK;
}

int sr_activation_range_f32(int activation, float* lo, float* hi) {
  switch (activation) {
    /* LiteRT clamps to the finite float range even without an activation, so +-inf become +-FLT_MAX. */
    case SR_ACT_NONE: *lo = -FLT_MAX; *hi = FLT_MAX; return 1;
    case SR_ACT_RELU: *lo = 0.0f; *hi = FLT_MAX; return 1;
    case SR_ACT_RELU_N1_TO_1: *lo = -1.0f; *hi = 1.0f; return 1;
    case SR_ACT_RELU6: *lo = 0.0f; *hi = 6.0f; return 1;
    /* TANH and SIGN_BIT are not clamps; ops that ignore them (conv, pool, matmul, as LiteRT does) get the full range. */
    default: *lo = -FLT_MAX; *hi = FLT_MAX; return 0;
  }
}

float sr_activation_apply_f32(int activation, float x) {
  switch (activation) {
    case SR_ACT_RELU: return x < 0.0f ? 0.0f : (x > FLT_MAX ? FLT_MAX : x);
    case SR_ACT_RELU_N1_TO_1: return x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x);
    case SR_ACT_RELU6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case SR_ACT_TANH: return tanhf(x);
    case SR_ACT_SIGN_BIT: return signbit(x) ? 1.0f : 0.0f;
    default: return x < -FLT_MAX ? -FLT_MAX : (x > FLT_MAX ? FLT_MAX : x);
  }
}

/* ---- running a kernel outside any runner ---- */

sigrun_status sr_node_run_standalone(const sr_operator* op, const sr_op_kind* kind, const void* params,
                                     sr_tensor** inputs, int n_inputs, sr_tensor** outputs, int n_outputs,
                                     sigrun_error* error) {
  sr_node node;
  memset(&node, 0, sizeof node);
  node.op = op;
  node.kind = kind;
  node.params = params;
  node.reference_only = 1;
  node.n_inputs = n_inputs;
  node.inputs = inputs;
  node.n_outputs = n_outputs;
  node.outputs = outputs;
  node.error = error;
  for (int i = 0; i < n_outputs; i++) outputs[i]->alloc = SR_ALLOC_DYNAMIC;
  sigrun_status st = kind->prepare(&node);
  void* scratch = NULL;
  if (!st && node.scratch_bytes && !(scratch = sr_aligned_alloc(node.scratch_bytes)))
    st = sr_node_fail(&node, SIGRUN_STATUS_NO_MEMORY, "out of memory for %zu bytes of scratch", node.scratch_bytes);
  node.scratch = scratch;
  if (!st) st = kind->eval(&node);
  sr_aligned_free(scratch);
  sr_free(node.data);
  return st;
}
