/*
 * control_flow.c — operators that run other subgraphs: CALL_ONCE (the SavedModel initializer, once per
 * interpreter), IF, WHILE and STABLEHLO_COMPOSITE (a call of its decomposition). The called subgraphs run
 * in executors owned by the calling signature runner (src/core/call.h); values cross by copy, so a body
 * may forward an input to an output and may change shapes between iterations. Outputs are planned
 * statically when every path gives them one fixed shape, and are dynamic otherwise.
 */
#include "../core/call.h"
#include "../core/resources.h"
#include "../format/schema_enums.h"
#include "resource_ops.h"

enum { FIELD_FIRST = 0, FIELD_SECOND = 1 };

/* Reads one or two subgraph indices from an options table; every index must name a subgraph. */
static sigrun_status parse_indices(sr_parse_ctx* ctx, const sr_fb_table* options, int n, int32_t* out) {
  for (int k = 0; k < n; k++) {
    int rc = sr_fb_i32(options, k, 0, &out[k]);
    if (rc) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "options: %s", sr_fb_strerror(rc));
    if (out[k] < 0) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "subgraph index %d is negative", (int)out[k]);
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status call_once_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_CALL_ONCE, 0);
  int32_t idx[1];
  if (st || (st = parse_indices(ctx, ctx->options, 1, idx))) return st;
  if (idx[0] == ctx->subgraph)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "the initializer subgraph %d is the calling subgraph", idx[0]);
  sr_subgraph_call_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  p->subgraph = idx[0];
  *out = p;
  return SIGRUN_STATUS_OK;
}

static sigrun_status if_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_IF, 0);
  int32_t idx[2];
  if (st || (st = parse_indices(ctx, ctx->options, 2, idx))) return st;
  sr_if_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  p->then_subgraph = idx[0];
  p->else_subgraph = idx[1];
  *out = p;
  return SIGRUN_STATUS_OK;
}

static sigrun_status while_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_WHILE, 0);
  int32_t idx[2];
  if (st || (st = parse_indices(ctx, ctx->options, 2, idx))) return st;
  sr_while_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  p->cond_subgraph = idx[0];
  p->body_subgraph = idx[1];
  *out = p;
  return SIGRUN_STATUS_OK;
}

/* StableHLOCompositeOptions: name (0), decomposition_subgraph_index (1), attributes (2, 3), version (4). */
static sigrun_status composite_parse(sr_parse_ctx* ctx, const void** out) {
  if (!ctx->options2 || ctx->options2_type != SR_OPTIONS2_STABLE_HLOCOMPOSITE)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "StableHLOCompositeOptions missing (builtin_options_2 type %d)",
                         ctx->options2_type);
  int32_t idx;
  int rc = sr_fb_i32(ctx->options2, 1, 0, &idx);
  if (rc) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "options: %s", sr_fb_strerror(rc));
  if (idx < 0) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "decomposition subgraph %d is negative", (int)idx);
  sr_subgraph_call_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  p->subgraph = idx;
  *out = p;
  return SIGRUN_STATUS_OK;
}

/* ---- shared steps ---- */

/* A child that takes `n_in` and gives `n_out` values, or a failure naming the mismatch. */
static sigrun_status child_of(sr_node* node, int subgraph, int n_in, int n_out, const char* role, sr_runner** out) {
  sigrun_status st = sr_call_child(node, subgraph, out);
  if (st) return st;
  if (sr_call_input_count(*out) != n_in || (n_out >= 0 && sr_call_output_count(*out) != n_out))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s subgraph %d takes %d inputs and gives %d outputs; expected %d and %d",
                        role, subgraph, sr_call_input_count(*out), sr_call_output_count(*out), n_in, n_out);
  return SIGRUN_STATUS_OK;
}

/* Shapes the child's inputs like node inputs [first, first + n) and allocates it. */
static sigrun_status shape_child(sr_node* node, sr_runner* child, int first) {
  for (int i = 0; i < sr_call_input_count(child); i++) {
    sr_tensor* in;
    sigrun_status st = sr_node_input(node, first + i, &in);
    if (st || (st = sr_call_shape_input(node, child, i, in))) return st;
  }
  return sr_call_allocate(node, child);
}

static sigrun_status feed(sr_node* node, sr_runner* child, int first) {
  for (int i = 0; i < sr_call_input_count(child); i++) {
    sigrun_status st = sr_call_copy(node, sr_call_input(child, i), node->inputs[first + i]);
    if (st) return st;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status collect(sr_node* node, sr_runner* child) {
  for (int i = 0; i < node->n_outputs; i++) {
    sigrun_status st = sr_call_copy(node, node->outputs[i], sr_call_output(child, i));
    if (st) return st;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status check_output_types(sr_node* node, sr_runner* child) {
  for (int i = 0; i < node->n_outputs; i++) {
    const sr_tensor* c = sr_call_output(child, i);
    if (c->type != node->outputs[i]->type)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output %d is %s but subgraph %d gives %s", i,
                          sigrun_type_name(node->outputs[i]->type), sr_call_subgraph(child),
                          sigrun_type_name(c->type));
  }
  return SIGRUN_STATUS_OK;
}

/* Plans the outputs with the shapes of `a` (and `b`, which must agree) when both are fixed; else dynamic. */
static sigrun_status plan_outputs(sr_node* node, sr_runner* a, sr_runner* b) {
  int fixed = 1;
  for (int i = 0; i < node->n_outputs && fixed; i++) {
    const sr_tensor* x = sr_call_output(a, i);
    const sr_tensor* y = b ? sr_call_output(b, i) : x;
    if (x->alloc == SR_ALLOC_DYNAMIC || y->alloc == SR_ALLOC_DYNAMIC || !sr_call_same_shape(x, y)) fixed = 0;
  }
  for (int i = 0; i < node->n_outputs; i++) {
    if (!fixed || node->outputs[i]->type == SIGRUN_TYPE_STRING) {
      sr_node_set_output_dynamic(node, i);
      continue;
    }
    const sr_tensor* x = sr_call_output(a, i);
    sigrun_status st = sr_node_resize_output(node, i, x->rank, x->dims);
    if (st) return st;
  }
  return SIGRUN_STATUS_OK;
}

/* ---- CALL_ONCE ---- */

static sigrun_status call_once_prepare(sr_node* node) {
  sigrun_status st = sr_node_check_io(node, 0, 0, 0);
  if (st) return st;
  const sr_subgraph_call_params* p = node->params;
  sr_runner* init;
  /* Made now so a bad index fails at allocation; it is only allocated if it ever runs. */
  return child_of(node, p->subgraph, 0, 0, "initializer", &init);
}

/* The root holds the state lock for writing while this initializer has not run (resources.h), so no
 * other invoke can observe a half-initialized state or run it twice. */
static sigrun_status call_once_eval(sr_node* node) {
  const sr_subgraph_call_params* p = node->params;
  sr_resources* res = sr_node_resources(node);
  if (atomic_load(&res->initialized[p->subgraph])) return SIGRUN_STATUS_OK;
  sr_runner* init;
  sigrun_status st = sr_call_child(node, p->subgraph, &init);
  if (st || (st = sr_call_allocate(node, init)) || (st = sr_call_invoke(node, init))) return st;
  atomic_store(&res->initialized[p->subgraph], 1);
  sr_call_release(init); /* LiteRT also frees the initializer's activations once it has run */
  return SIGRUN_STATUS_OK;
}

/* ---- IF ---- */

static sigrun_status if_prepare(sr_node* node) {
  if (node->n_inputs < 1) return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "needs a condition input");
  sigrun_status st = sr_node_check_io(node, 1, node->n_inputs, node->n_outputs);
  sr_tensor* cond;
  if (st || (st = sr_node_input(node, 0, &cond))) return st;
  if (cond->type != SIGRUN_TYPE_BOOL || sr_tensor_count(cond) != 1)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "condition (tensor %d) must be one bool, got %s with %zu elements",
                        cond->index, sigrun_type_name(cond->type), sr_tensor_count(cond));
  const sr_if_params* p = node->params;
  sr_runner *then_g, *else_g;
  if ((st = child_of(node, p->then_subgraph, node->n_inputs - 1, node->n_outputs, "then", &then_g)) ||
      (st = child_of(node, p->else_subgraph, node->n_inputs - 1, node->n_outputs, "else", &else_g)) ||
      (st = shape_child(node, then_g, 1)) || (st = shape_child(node, else_g, 1)) ||
      (st = check_output_types(node, then_g)) || (st = check_output_types(node, else_g)))
    return st;
  return plan_outputs(node, then_g, else_g);
}

static sigrun_status if_eval(sr_node* node) {
  const sr_if_params* p = node->params;
  const sr_tensor* cond = node->inputs[0];
  int take_then = ((const uint8_t*)cond->data)[0] != 0;
  sr_runner* branch;
  sigrun_status st = sr_call_child(node, take_then ? p->then_subgraph : p->else_subgraph, &branch);
  if (st || (st = shape_child(node, branch, 1)) || (st = feed(node, branch, 1)) || (st = sr_call_invoke(node, branch)))
    return st;
  return collect(node, branch);
}

/* ---- WHILE ---- */

static sigrun_status while_children(sr_node* node, sr_runner** cond, sr_runner** body) {
  const sr_while_params* p = node->params;
  int n = node->n_inputs;
  if (node->n_outputs != n)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "has %d inputs but %d outputs; a loop carries each value through",
                        n, node->n_outputs);
  sigrun_status st;
  if ((st = child_of(node, p->cond_subgraph, n, 1, "condition", cond)) ||
      (st = child_of(node, p->body_subgraph, n, n, "body", body)))
    return st;
  if (sr_call_output(*cond, 0)->type != SIGRUN_TYPE_BOOL)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "condition subgraph %d gives %s, expected bool",
                        sr_call_subgraph(*cond), sigrun_type_name(sr_call_output(*cond, 0)->type));
  return SIGRUN_STATUS_OK;
}

static sigrun_status while_prepare(sr_node* node) {
  sr_runner *cond, *body;
  sigrun_status st = sr_node_check_io(node, 0, node->n_inputs, node->n_outputs);
  if (st || (st = while_children(node, &cond, &body)) || (st = shape_child(node, cond, 0)) ||
      (st = shape_child(node, body, 0)) || (st = check_output_types(node, body)))
    return st;
  /* Fixed outputs only if the body hands back every value with the shape it came in with. */
  int fixed = 1;
  for (int i = 0; i < node->n_outputs; i++) {
    const sr_tensor* out = sr_call_output(body, i);
    if (out->alloc == SR_ALLOC_DYNAMIC || !sr_call_same_shape(out, node->inputs[i])) fixed = 0;
  }
  for (int i = 0; i < node->n_outputs; i++) {
    if (!fixed || node->outputs[i]->type == SIGRUN_TYPE_STRING) {
      sr_node_set_output_dynamic(node, i);
      continue;
    }
    if ((st = sr_node_resize_output(node, i, node->inputs[i]->rank, node->inputs[i]->dims))) return st;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status loop_condition(sr_node* node, sr_runner* cond, int* go_on) {
  sigrun_status st = sr_call_invoke(node, cond);
  if (st) return st;
  const sr_tensor* c = sr_call_output(cond, 0);
  if (c->type != SIGRUN_TYPE_BOOL || sr_tensor_count(c) != 1 || !c->data)
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "condition subgraph %d must give one bool, gave %zu elements",
                        sr_call_subgraph(cond), sr_tensor_count(c));
  *go_on = ((const uint8_t*)c->data)[0] != 0;
  return SIGRUN_STATUS_OK;
}

/* Moves the values a child produced (its outputs, or another child's inputs) into `dst`'s inputs, reshaping
 * and reallocating dst first when a shape changed. */
static sigrun_status carry(sr_node* node, sr_runner* dst, sr_runner* src, int from_outputs) {
  int n = sr_call_input_count(dst);
  sigrun_status st;
  for (int i = 0; i < n; i++) {
    const sr_tensor* v = from_outputs ? sr_call_output(src, i) : sr_call_input(src, i);
    if ((st = sr_call_shape_input(node, dst, i, v))) return st;
  }
  if ((st = sr_call_allocate(node, dst))) return st;
  for (int i = 0; i < n; i++) {
    const sr_tensor* v = from_outputs ? sr_call_output(src, i) : sr_call_input(src, i);
    if ((st = sr_call_copy(node, sr_call_input(dst, i), v))) return st;
  }
  return SIGRUN_STATUS_OK;
}

/* The loop state lives in the condition's inputs: cond(state) -> body(state) -> state, as LiteRT runs it. */
static sigrun_status while_eval(sr_node* node) {
  sr_runner *cond, *body;
  sigrun_status st = while_children(node, &cond, &body);
  if (st || (st = shape_child(node, cond, 0)) || (st = feed(node, cond, 0))) return st;
  const int64_t cap = sr_call_max_while_iterations(node);
  for (int64_t iteration = 0;; iteration++) {
    int go_on = 0;
    if ((st = loop_condition(node, cond, &go_on))) return st;
    if (!go_on) break;
    if (cap > 0 && iteration >= cap)
      return sr_node_fail(node, SIGRUN_STATUS_LIMIT, "the loop did not end within max_while_iterations (%lld)",
                          (long long)cap);
    if ((st = carry(node, body, cond, 0)) || (st = sr_call_invoke(node, body)) || (st = carry(node, cond, body, 1)))
      return st;
  }
  for (int i = 0; i < node->n_outputs; i++)
    if ((st = sr_call_copy(node, node->outputs[i], sr_call_input(cond, i)))) return st;
  return SIGRUN_STATUS_OK;
}

/* ---- STABLEHLO_COMPOSITE ---- */

static sigrun_status composite_prepare(sr_node* node) {
  const sr_subgraph_call_params* p = node->params;
  sr_runner* g;
  sigrun_status st = sr_node_check_io(node, 0, node->n_inputs, node->n_outputs);
  if (st || (st = child_of(node, p->subgraph, node->n_inputs, node->n_outputs, "decomposition", &g)) ||
      (st = shape_child(node, g, 0)) || (st = check_output_types(node, g)))
    return st;
  return plan_outputs(node, g, NULL);
}

static sigrun_status composite_eval(sr_node* node) {
  const sr_subgraph_call_params* p = node->params;
  sr_runner* g;
  sigrun_status st = sr_call_child(node, p->subgraph, &g);
  if (st || (st = shape_child(node, g, 0)) || (st = feed(node, g, 0)) || (st = sr_call_invoke(node, g))) return st;
  return collect(node, g);
}

const sr_op_kind sr_op_call_once = {"CALL_ONCE", SR_BUILTIN_CALL_ONCE, call_once_parse, call_once_prepare,
                                    call_once_eval};
const sr_op_kind sr_op_if = {"IF", SR_BUILTIN_IF, if_parse, if_prepare, if_eval};
const sr_op_kind sr_op_while = {"WHILE", SR_BUILTIN_WHILE, while_parse, while_prepare, while_eval};
const sr_op_kind sr_op_stablehlo_composite = {"STABLEHLO_COMPOSITE", SR_BUILTIN_STABLEHLO_COMPOSITE, composite_parse,
                                              composite_prepare, composite_eval};
