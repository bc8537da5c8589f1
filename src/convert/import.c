/*
 * import.c — symbolic evaluation of TensorFlow function bodies (see import.h). A frame holds one function's
 * parameter values and, per node, its output values; nodes are evaluated on demand in dependency order by an
 * iterative depth-first walk (so a long chain cannot exhaust the C stack, and a cycle is reported, not looped
 * on). Calls recurse into a new frame, bounded by SR_CV_MAX_CALL_DEPTH.
 */
#include "convert/import.h"

#include <stdio.h>
#include <string.h>

/* ---- errors and problems ---- */

sigrun_status sr_cv_oom(sr_cv_ctx* c) {
  return sr_fail(c->error, SIGRUN_STATUS_NO_MEMORY, "out of memory while converting");
}

sigrun_status sr_cv_fail(sr_cv_ctx* c, const sr_tf_node* node, sigrun_status status, const char* fmt, ...) {
  char text[SIGRUN_ERROR_MESSAGE_SIZE];
  va_list args;
  va_start(args, fmt);
  vsnprintf(text, sizeof text, fmt, args);
  va_end(args);
  if (node)
    return sr_fail(c->error, status, "node '%s' (%s) in function '%s': %s", node->name, node->op,
                   c->fn_name ? c->fn_name : "?", text);
  return sr_fail(c->error, status, "function '%s': %s", c->fn_name ? c->fn_name : "?", text);
}

sigrun_status sr_cv_unsupported(sr_cv_ctx* c, const sr_tf_node* node, const char* fmt, ...) {
  char text[256] = "";
  if (fmt) {
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
  }
  /* A function inlined several times (or by several signatures) reports each problem once. */
  for (int i = 0; i < c->n_problems; i++) {
    const sr_cv_problem* p = &c->problems[i];
    if (!strcmp(p->op, node->op) && !strcmp(p->node, node->name) && !strcmp(p->function, c->fn_name ? c->fn_name : "") &&
        !strcmp(p->why ? p->why : "", text))
      return SR_CV_RECORDED;
  }
  if (c->n_problems == c->cap_problems) {
    int cap = c->cap_problems ? c->cap_problems * 2 : 16;
    sr_cv_problem* p = sr_realloc(c->problems, (size_t)cap * sizeof *p);
    if (!p) return sr_cv_oom(c);
    c->problems = p;
    c->cap_problems = cap;
  }
  sr_cv_problem* p = &c->problems[c->n_problems++];
  p->op = node->op;
  p->node = node->name;
  p->function = c->fn_name ? c->fn_name : "";
  p->why = NULL;
  if (fmt) {
    p->why = sr_pool_strdup(&c->m->pool, text);
    if (!p->why) return sr_cv_oom(c);
  }
  return SR_CV_RECORDED;
}

/* ---- types, tensors, operators ---- */

sigrun_type sr_cv_type_from_tf(int32_t dtype, int* ok) {
  *ok = 1;
  switch (dtype) {
    case SR_TF_FLOAT: return SIGRUN_TYPE_FLOAT32;
    case SR_TF_DOUBLE: return SIGRUN_TYPE_FLOAT64;
    case SR_TF_INT32: return SIGRUN_TYPE_INT32;
    case SR_TF_UINT8: return SIGRUN_TYPE_UINT8;
    case SR_TF_INT16: return SIGRUN_TYPE_INT16;
    case SR_TF_INT8: return SIGRUN_TYPE_INT8;
    case SR_TF_STRING: return SIGRUN_TYPE_STRING;
    case SR_TF_COMPLEX64: return SIGRUN_TYPE_COMPLEX64;
    case SR_TF_INT64: return SIGRUN_TYPE_INT64;
    case SR_TF_BOOL: return SIGRUN_TYPE_BOOL;
    case SR_TF_BFLOAT16: return SIGRUN_TYPE_BFLOAT16;
    case SR_TF_UINT16: return SIGRUN_TYPE_UINT16;
    case SR_TF_COMPLEX128: return SIGRUN_TYPE_COMPLEX128;
    case SR_TF_HALF: return SIGRUN_TYPE_FLOAT16;
    case SR_TF_RESOURCE: return SIGRUN_TYPE_RESOURCE;
    case SR_TF_VARIANT: return SIGRUN_TYPE_VARIANT;
    case SR_TF_UINT32: return SIGRUN_TYPE_UINT32;
    case SR_TF_UINT64: return SIGRUN_TYPE_UINT64;
    default: *ok = 0; return SIGRUN_TYPE_FLOAT32;
  }
}

int sr_cv_new_tensor(sr_cv_ctx* c, const sr_tf_node* node, const char* suffix, sigrun_type type, int rank,
                     const int64_t* dims) {
  char name[512];
  snprintf(name, sizeof name, "%s%s", node ? node->name : "", suffix ? suffix : "");
  return sr_cv_add_tensor(c->m, sr_cv_g(c), name, type, rank, dims, c->error);
}

int sr_cv_emit(sr_cv_ctx* c, int code, const int* in, int n_in, const int* out, int n_out, const sr_cv_opts* opts) {
  return sr_cv_add_op(c->m, sr_cv_g(c), code, in, n_in, out, n_out, opts, c->where, c->error);
}

/* ---- attributes ---- */

static const sr_tf_attr* attr_of(sr_cv_ctx* c, const sr_tf_node* node, const char* name, sr_tf_attr_kind kind,
                                 sigrun_status* st) {
  const sr_tf_attr* a = sr_tf_node_attr(node, name);
  *st = SIGRUN_STATUS_OK;
  if (!a) {
    *st = sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "attr '%s' is missing", name);
    return NULL;
  }
  if (a->kind != kind) {
    *st = sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "attr '%s' has kind %d, expected %d", name, (int)a->kind,
                     (int)kind);
    return NULL;
  }
  return a;
}

sigrun_status sr_cv_attr_int(sr_cv_ctx* c, const sr_tf_node* node, const char* name, int64_t* out) {
  sigrun_status st;
  const sr_tf_attr* a = attr_of(c, node, name, SR_TF_ATTR_I, &st);
  if (a) *out = a->i;
  return st;
}

sigrun_status sr_cv_attr_float(sr_cv_ctx* c, const sr_tf_node* node, const char* name, float* out) {
  sigrun_status st;
  const sr_tf_attr* a = attr_of(c, node, name, SR_TF_ATTR_F, &st);
  if (a) *out = a->f;
  return st;
}

sigrun_status sr_cv_attr_bool(sr_cv_ctx* c, const sr_tf_node* node, const char* name, int* out) {
  sigrun_status st;
  const sr_tf_attr* a = attr_of(c, node, name, SR_TF_ATTR_B, &st);
  if (a) *out = a->b != 0;
  return st;
}

sigrun_status sr_cv_attr_type(sr_cv_ctx* c, const sr_tf_node* node, const char* name, int32_t* out) {
  sigrun_status st;
  const sr_tf_attr* a = attr_of(c, node, name, SR_TF_ATTR_TYPE, &st);
  if (a) *out = a->type;
  return st;
}

sigrun_status sr_cv_attr_str(sr_cv_ctx* c, const sr_tf_node* node, const char* name, const char** out) {
  sigrun_status st;
  const sr_tf_attr* a = attr_of(c, node, name, SR_TF_ATTR_S, &st);
  if (a) *out = a->s.data ? a->s.data : "";
  return st;
}

sigrun_status sr_cv_attr_ints(sr_cv_ctx* c, const sr_tf_node* node, const char* name, const int64_t** out,
                              size_t* n) {
  const sr_tf_attr* a = sr_tf_node_attr(node, name);
  if (!a) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "attr '%s' is missing", name);
  if (a->kind == SR_TF_ATTR_NONE) { /* an empty list may decode with no oneof member set */
    *out = NULL;
    *n = 0;
    return SIGRUN_STATUS_OK;
  }
  if (a->kind != SR_TF_ATTR_LIST || !a->list)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "attr '%s' is not a list", name);
  *out = a->list->i;
  *n = a->list->n_i;
  return SIGRUN_STATUS_OK;
}

int sr_cv_attr_bool_or(const sr_tf_node* node, const char* name, int def) {
  const sr_tf_attr* a = sr_tf_node_attr(node, name);
  return a && a->kind == SR_TF_ATTR_B ? a->b != 0 : def;
}

int64_t sr_cv_attr_int_or(const sr_tf_node* node, const char* name, int64_t def) {
  const sr_tf_attr* a = sr_tf_node_attr(node, name);
  return a && a->kind == SR_TF_ATTR_I ? a->i : def;
}

/* ---- frames ---- */

typedef struct frame {
  const sr_tf_function* fn;
  const sr_cv_val* args; /* one per input arg */
  sr_cv_val** outs;      /* per node, once evaluated */
  int* n_outs;
  uint8_t* state; /* 0 = not visited, 1 = on the walk's stack, 2 = evaluated */
  size_t* next;   /* walk: next input to look at */
  size_t* stack;
} frame;

enum { UNVISITED = 0, VISITING = 1, DONE = 2 };

static sigrun_status eval_function(sr_cv_ctx* c, const sr_tf_function* fn, const sr_cv_val* args, int n_args,
                                   sr_cv_val* results, int n_results, const sr_tf_node* caller);

/* Where text (an input of a body node or a ret value) comes from: a parameter (*arg >= 0) or output *out of
 * node *node. Control edges set *control. */
static sigrun_status resolve(sr_cv_ctx* c, frame* f, const sr_tf_node* user, const char* text, int* arg,
                             size_t* node, size_t* out, int* control) {
  sr_tf_tensor_ref ref;
  *arg = -1;
  *control = 0;
  if (!sr_tf_parse_tensor_ref(text, &ref))
    return sr_cv_fail(c, user, SIGRUN_STATUS_BAD_MODEL, "malformed tensor reference '%s'", text);
  *control = ref.is_control;
  const sr_tf_op_def* sig = &f->fn->signature;
  if (!ref.is_control && ref.arg_len == 0 && !strchr(text, ':')) {
    for (size_t i = 0; i < sig->n_input_arg; i++)
      if (strlen(sig->input_arg[i].name) == ref.name_len && memcmp(sig->input_arg[i].name, ref.name, ref.name_len) == 0) {
        *arg = (int)i;
        return SIGRUN_STATUS_OK;
      }
  }
  const sr_tf_node* n = sr_tf_nodes_find_n(&f->fn->node_def, ref.name, ref.name_len);
  if (!n)
    return sr_cv_fail(c, user, SIGRUN_STATUS_BAD_MODEL, "input '%s' names no node or parameter of the function", text);
  *node = (size_t)(n - f->fn->node_def.items);
  *out = 0;
  if (ref.is_control) return SIGRUN_STATUS_OK;
  sigrun_status st = sr_tf_node_output_index(n, ref.arg, ref.arg_len, ref.index, out, c->error);
  if (st) sr_error_prefix(c->error, "function '%s', node '%s'", c->fn_name, user ? user->name : "(ret)");
  return st;
}

/* The value text refers to, once its node was evaluated. */
static sigrun_status value_of(sr_cv_ctx* c, frame* f, const sr_tf_node* user, const char* text, sr_cv_val* v) {
  int arg, control;
  size_t node = 0, out;
  sigrun_status st = resolve(c, f, user, text, &arg, &node, &out, &control);
  if (st) return st;
  if (arg >= 0) {
    *v = f->args[arg];
    return SIGRUN_STATUS_OK;
  }
  if (f->state[node] != DONE || (int)out >= f->n_outs[node])
    return sr_cv_fail(c, user, SIGRUN_STATUS_BAD_MODEL, "input '%s' has no value", text);
  *v = f->outs[node][out];
  return SIGRUN_STATUS_OK;
}

static int is_call(const sr_tf_node* n) {
  return strcmp(n->op, "StatefulPartitionedCall") == 0 || strcmp(n->op, "PartitionedCall") == 0 || n->function;
}

static sigrun_status eval_call(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, sr_cv_val* out,
                               int n_out) {
  const sr_tf_function* fn = node->function;
  if (!fn) {
    const sr_tf_attr* f = sr_tf_node_attr(node, "f");
    if (!f || f->kind != SR_TF_ATTR_FUNC || !f->func)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "call without a function attr 'f'");
    fn = sr_saved_model_function(c->sm, f->func->name);
    if (!fn)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "calls function '%s', which the library lacks",
                        f->func->name);
  }
  if (c->depth >= SR_CV_MAX_CALL_DEPTH)
    return sr_cv_fail(c, node, SIGRUN_STATUS_UNSUPPORTED,
                      "function calls nested deeper than %d (is '%s' recursive?)", SR_CV_MAX_CALL_DEPTH,
                      fn->signature.name);
  return eval_function(c, fn, in, n_in, out, n_out, node);
}

static int structural_op(const char* op) {
  static const char* const k_ops[] = {"NoOp", "Identity", "StopGradient", "Snapshot", "PreventGradient",
                                      "IdentityN", "EnsureShape", "CheckNumerics"};
  for (size_t i = 0; i < sizeof k_ops / sizeof k_ops[0]; i++)
    if (strcmp(op, k_ops[i]) == 0) return 1;
  return 0;
}

/* Nodes the importer handles itself: graph structure rather than computation. Returns 1 when handled. */
static int eval_structural(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, sr_cv_val* out,
                           int n_out, sigrun_status* st) {
  const char* op = node->op;
  *st = SIGRUN_STATUS_OK;
  if (strcmp(op, "NoOp") == 0) return 1;
  if (structural_op(op)) {
    if (n_in < n_out) {
      *st = sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "%d inputs for %d outputs", n_in, n_out);
      return 1;
    }
    for (int i = 0; i < n_out; i++) out[i] = in[i];
    return 1;
  }
  if (is_call(node)) {
    *st = eval_call(c, node, in, n_in, out, n_out);
    return 1;
  }
  return 0;
}

/* A computed integer tensor whose every value is known (a slice of the static part of a Shape, a product of
 * static dims...) becomes a constant, as LiteRT's converter folds such shape arithmetic; the operators that
 * computed it die unless something else reads them. */
static sigrun_status materialize(sr_cv_ctx* c, sr_cv_val* v) {
  if (v->kind != SR_CV_VAL_TENSOR) return SIGRUN_STATUS_OK;
  sr_cv_tensor t = *sr_cv_tv(c, *v);
  size_t count;
  if (t.data || !t.known || !sr_cv_all_known(&t) || !sr_cv_count(&t, &count) || count != t.n_known ||
      (t.type != SIGRUN_TYPE_INT32 && t.type != SIGRUN_TYPE_INT64))
    return SIGRUN_STATUS_OK;
  void* data;
  int k = sr_cv_add_const_alloc(c->m, sr_cv_g(c), t.name, t.type, t.rank, t.dims, &data, c->error);
  if (k < 0) return c->error->status;
  for (size_t i = 0; i < count; i++) {
    if (t.type == SIGRUN_TYPE_INT32) {
      int32_t x = (int32_t)t.known[i];
      memcpy((uint8_t*)data + 4 * i, &x, 4);
    } else {
      memcpy((uint8_t*)data + 8 * i, &t.known[i], 8);
    }
  }
  v->id = k;
  return SIGRUN_STATUS_OK;
}

static sigrun_status eval_node(sr_cv_ctx* c, frame* f, size_t idx) {
  const sr_tf_node* node = &f->fn->node_def.items[idx];
  size_t n_out = 0;
  sigrun_status st;
  if (node->op_def || node->function) {
    st = sr_tf_node_output_count(node, &n_out, c->error);
    if (st) return st;
  }
  if (n_out > SR_CV_MAX_NODE_OUTPUTS)
    return sr_cv_fail(c, node, SIGRUN_STATUS_UNSUPPORTED, "%zu outputs (at most %d)", n_out, SR_CV_MAX_NODE_OUTPUTS);
  sr_cv_val* in = sr_calloc(node->n_input + 1, sizeof *in);
  sr_cv_val* out = sr_pool_array(&c->m->pool, n_out + 1, sizeof *out);
  if (!in || !out) {
    sr_free(in);
    return sr_cv_oom(c);
  }
  int n_in = 0, poisoned = 0;
  for (size_t i = 0; i < node->n_input; i++) {
    if (node->input[i][0] == '^') continue;
    st = value_of(c, f, node, node->input[i], &in[n_in]);
    if (st) {
      sr_free(in);
      return st;
    }
    poisoned |= in[n_in].kind == SR_CV_VAL_POISON;
    n_in++;
  }
  char where[600];
  snprintf(where, sizeof where, "%s@%s", node->name, c->fn_name);
  c->where = sr_pool_strdup(&c->m->pool, where);
  st = SIGRUN_STATUS_OK;
  if (!c->where) {
    st = sr_cv_oom(c);
  } else if (poisoned) {
    /* Downstream of a reported problem: only an op with no lowering at all is worth another line, as
     * LiteRT's converter lists every op it cannot legalize. */
    if (!is_call(node) && strcmp(node->op, "NoOp") && strcmp(node->op, "Identity") &&
        !sr_cv_find_lowering(node->op) && !structural_op(node->op))
      st = sr_cv_unsupported(c, node, NULL);
  } else if (!eval_structural(c, node, in, n_in, out, (int)n_out, &st)) {
    sr_cv_lower_fn lower = sr_cv_find_lowering(node->op);
    if (!node->op_def && !node->function)
      st = sr_cv_unsupported(c, node, NULL);
    else if (!lower)
      st = sr_cv_unsupported(c, node, NULL);
    else
      st = lower(c, node, in, n_in, out, (int)n_out);
  }
  sr_free(in);
  if (st == SR_CV_RECORDED) { /* reported in the problem list: poison the outputs and go on */
    st = SIGRUN_STATUS_OK;
    poisoned = 1;
  }
  if (st) return st;
  for (size_t i = 0; i < n_out && !poisoned; i++)
    if ((st = materialize(c, &out[i]))) return st;
  for (size_t i = 0; i < n_out; i++)
    if (poisoned || out[i].kind == SR_CV_VAL_NONE) out[i].kind = poisoned ? SR_CV_VAL_POISON : SR_CV_VAL_NONE;
  f->outs[idx] = out;
  f->n_outs[idx] = (int)n_out;
  f->state[idx] = DONE;
  return SIGRUN_STATUS_OK;
}

/* Evaluates node root and everything it depends on (data and control inputs). */
static sigrun_status eval_from(sr_cv_ctx* c, frame* f, size_t root) {
  if (f->state[root] == DONE) return SIGRUN_STATUS_OK;
  const sr_tf_node* items = f->fn->node_def.items;
  size_t sp = 0;
  f->stack[sp++] = root;
  while (sp) {
    size_t n = f->stack[sp - 1];
    if (f->state[n] == DONE) {
      sp--;
      continue;
    }
    if (f->state[n] == UNVISITED) {
      f->state[n] = VISITING;
      f->next[n] = 0;
    }
    int pushed = 0;
    while (f->next[n] < items[n].n_input) {
      const char* text = items[n].input[f->next[n]++];
      int arg, control;
      size_t dep = 0, out;
      sigrun_status st = resolve(c, f, &items[n], text, &arg, &dep, &out, &control);
      if (st) return st;
      if (arg >= 0 || f->state[dep] == DONE) continue;
      if (f->state[dep] == VISITING)
        return sr_cv_fail(c, &items[n], SIGRUN_STATUS_BAD_MODEL, "input '%s' closes a cycle", text);
      f->stack[sp++] = dep;
      pushed = 1;
      break;
    }
    if (pushed) continue;
    sigrun_status st = eval_node(c, f, n);
    if (st) return st;
    sp--;
  }
  return SIGRUN_STATUS_OK;
}

static void frame_free(frame* f) {
  sr_free(f->outs);
  sr_free(f->n_outs);
  sr_free(f->state);
  sr_free(f->next);
  sr_free(f->stack);
}

static sigrun_status eval_function(sr_cv_ctx* c, const sr_tf_function* fn, const sr_cv_val* args, int n_args,
                                   sr_cv_val* results, int n_results, const sr_tf_node* caller) {
  const sr_tf_op_def* sig = &fn->signature;
  if ((size_t)n_args != sig->n_input_arg || (size_t)n_results != sig->n_output_arg)
    return sr_cv_fail(c, caller, SIGRUN_STATUS_BAD_MODEL,
                      "function '%s' takes %zu arguments and returns %zu results; the call has %d and %d", sig->name,
                      sig->n_input_arg, sig->n_output_arg, n_args, n_results);
  size_t n = fn->node_def.count;
  frame f;
  memset(&f, 0, sizeof f);
  f.fn = fn;
  f.args = args;
  f.outs = sr_calloc(n + 1, sizeof *f.outs);
  f.n_outs = sr_calloc(n + 1, sizeof *f.n_outs);
  f.state = sr_calloc(n + 1, 1);
  f.next = sr_calloc(n + 1, sizeof *f.next);
  f.stack = sr_calloc(n + 1, sizeof *f.stack);
  if (!f.outs || !f.n_outs || !f.state || !f.next || !f.stack) {
    frame_free(&f);
    return sr_cv_oom(c);
  }
  const char* saved_fn = c->fn_name;
  c->fn_name = sig->name;
  c->depth++;
  sigrun_status st = SIGRUN_STATUS_OK;
  /* Results first, then the nodes that must run for their effects (assignments) in control_ret. */
  for (int i = 0; !st && i < n_results; i++) {
    const char* text = sr_tf_str_map_find(fn->ret, fn->n_ret, sig->output_arg[i].name);
    if (!text) {
      st = sr_cv_fail(c, NULL, SIGRUN_STATUS_BAD_MODEL, "result '%s' has no ret entry", sig->output_arg[i].name);
      break;
    }
    int arg, control;
    size_t node = 0, out;
    st = resolve(c, &f, NULL, text, &arg, &node, &out, &control);
    if (!st && arg < 0) st = eval_from(c, &f, node);
    if (!st) st = value_of(c, &f, NULL, text, &results[i]);
  }
  for (size_t i = 0; !st && i < fn->n_control_ret; i++) {
    const sr_tf_node* node = sr_tf_nodes_find(&fn->node_def, fn->control_ret[i].value);
    if (!node) {
      st = sr_cv_fail(c, NULL, SIGRUN_STATUS_BAD_MODEL, "control_ret '%s' names no node", fn->control_ret[i].value);
      break;
    }
    st = eval_from(c, &f, (size_t)(node - fn->node_def.items));
  }
  c->depth--;
  c->fn_name = saved_fn;
  frame_free(&f);
  return st;
}

sigrun_status sr_cv_eval_function(sr_cv_ctx* c, const sr_tf_function* fn, const sr_cv_val* args, int n_args,
                                  sr_cv_val* results, int n_results) {
  return eval_function(c, fn, args, n_args, results, n_results, NULL);
}
