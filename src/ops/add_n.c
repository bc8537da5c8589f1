/*
 * add_n.c — ADD_N: the elementwise sum of two or more tensors of one shape (no broadcasting), float32 or
 * int32, as LiteRT's add_n kernel. The sum runs left to right per element, LiteRT's order, so float results
 * match bit for bit; int32 wraps as two's complement (computed unsigned, so overflow is defined).
 */
#include "../format/schema_enums.h"
#include "op.h"

static sigrun_status add_n_parse(sr_parse_ctx* ctx, const void** out) {
  *out = NULL;
  return sr_parse_expect_options(ctx, SR_OPTIONS_ADD_N, 1);
}

static sigrun_status add_n_prepare(sr_node* node) {
  if (node->n_inputs < 2) return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "has %d inputs, expected 2 or more",
                                              node->n_inputs);
  sigrun_status st = sr_node_check_io(node, 2, node->n_inputs, 1);
  sr_tensor* first;
  if (st || (st = sr_node_input(node, 0, &first))) return st;
  if (first->type != SIGRUN_TYPE_FLOAT32 && first->type != SIGRUN_TYPE_INT32)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input 0 (tensor %d) has type %s; supported: float32, int32",
                        first->index, sigrun_type_name(first->type));
  char a[128], b[128];
  for (int i = 1; i < node->n_inputs; i++) {
    sr_tensor* t;
    if ((st = sr_node_input(node, i, &t))) return st;
    if (t->type != first->type)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input %d (tensor %d) has type %s, input 0 has %s", i,
                          t->index, sigrun_type_name(t->type), sigrun_type_name(first->type));
    if (t->rank != first->rank || (t->rank && memcmp(t->dims, first->dims, sizeof(int32_t) * (size_t)t->rank)))
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input %d (tensor %d) has shape %s, input 0 has %s (ADD_N "
                          "does not broadcast)", i, t->index, sr_shape_str(t->dims, t->rank, a, sizeof a),
                          sr_shape_str(first->dims, first->rank, b, sizeof b));
  }
  if ((st = sr_node_check_type(node, node->outputs[0], "output 0", first->type))) return st;
  return sr_node_resize_output(node, 0, first->rank, first->dims);
}

void sr_f32_add_n__ref(const float* const* in, int n, float* out, size_t count);
void sr_f32_add_n__ref(const float* const* in, int n, float* out, size_t count) {
  for (size_t i = 0; i < count; i++) {
    float x = 0.0f;
    for (int j = 0; j < n; j++) x += in[j][i];
    out[i] = x;
  }
}

void sr_s32_add_n__ref(const int32_t* const* in, int n, int32_t* out, size_t count);
void sr_s32_add_n__ref(const int32_t* const* in, int n, int32_t* out, size_t count) {
  for (size_t i = 0; i < count; i++) {
    uint32_t x = 0;
    for (int j = 0; j < n; j++) x += (uint32_t)in[j][i];
    out[i] = (int32_t)x;
  }
}

/* Inputs are read through the node's pointer array; the kernels take their data pointers in order. */
enum { ADD_N_BATCH = 16 };

static sigrun_status add_n_eval(sr_node* node) {
  sr_tensor* out = node->outputs[0];
  size_t count = sr_tensor_count(out);
  if (count == 0) return SIGRUN_STATUS_OK;
  /* Accumulate in batches of inputs so any input count works without allocating: the output holds the
   * running sum, which keeps LiteRT's left-to-right order. */
  const void* ptrs[ADD_N_BATCH + 1];
  for (int start = 0; start < node->n_inputs; start += ADD_N_BATCH) {
    int n = 0;
    if (start > 0) ptrs[n++] = out->data;
    for (int j = start; j < node->n_inputs && j < start + ADD_N_BATCH; j++) ptrs[n++] = node->inputs[j]->data;
    if (out->type == SIGRUN_TYPE_FLOAT32)
      sr_f32_add_n__ref((const float* const*)ptrs, n, out->data, count);
    else
      sr_s32_add_n__ref((const int32_t* const*)ptrs, n, out->data, count);
  }
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_add_n = {"ADD_N", SR_BUILTIN_ADD_N, add_n_parse, add_n_prepare, add_n_eval};
