/*
 * custom.c — application custom operators: lookup by custom_code in the interpreter's options, the adapter
 * that lets a sigrun_custom_op run as a kernel, per-node state from init/free, the sigrun_op_context API,
 * and serialization of ops that are not thread-safe. A sigrun_op_context is an sr_node in disguise.
 */
#include <stdio.h>

#include "runner.h"

#define NODE(context) ((sr_node*)(context))
#define CONTEXT(node) ((sigrun_op_context*)(node))

const sigrun_custom_op* sr_custom_find(const sigrun_interpreter_options* options, const char* custom_code) {
  if (!custom_code || !options->custom_ops) return NULL;
  for (int i = 0; i < options->custom_op_count; i++)
    if (options->custom_ops[i].name && strcmp(options->custom_ops[i].name, custom_code) == 0)
      return &options->custom_ops[i];
  return NULL;
}

sigrun_status sr_custom_check_options(const sigrun_interpreter_options* options, sigrun_error* error) {
  if (options->custom_op_count < 0 || (options->custom_op_count > 0 && !options->custom_ops))
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "interpreter options: custom_op_count %d with custom_ops %s",
                   options->custom_op_count, options->custom_ops ? "set" : "NULL");
  for (int i = 0; i < options->custom_op_count; i++) {
    const sigrun_custom_op* c = &options->custom_ops[i];
    if (!c->name || !c->name[0] || !c->prepare || !c->invoke)
      return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT,
                     "interpreter options: custom op %d ('%s') needs a name, a prepare and an invoke callback", i,
                     c->name ? c->name : "(null)");
  }
  return SIGRUN_STATUS_OK;
}

/* The record is cleared before each callback, so a failure that leaves it OK is known to have no message. */
static void clear_record(sr_node* node) {
  if (node->error) sr_ok(node->error);
}

static sigrun_status adapter_prepare(sr_node* node) {
  clear_record(node);
  sigrun_status st = node->custom->prepare(CONTEXT(node));
  if (st && node->error && node->error->status == SIGRUN_STATUS_OK)
    return sr_node_fail(node, st, "custom op prepare failed without a message");
  return st;
}

static sigrun_status adapter_eval(sr_node* node) {
  sigrun_interpreter* interp = node->runner->interpreter;
  int serialize = !node->custom->thread_safe;
  if (serialize) pthread_mutex_lock(&interp->custom_lock);
  clear_record(node);
  sigrun_status st = node->custom->invoke(CONTEXT(node));
  if (serialize) pthread_mutex_unlock(&interp->custom_lock);
  if (st && node->error && node->error->status == SIGRUN_STATUS_OK)
    return sr_node_fail(node, st, "custom op invoke failed without a message");
  return st;
}

static const sr_op_kind adapter_kind = {"custom", 32, NULL, adapter_prepare, adapter_eval};

/* Operators without a kernel, kept only when the application asked for allow_unsupported_ops: their graph
 * still allocates (their outputs are dynamic, so nothing downstream is planned on a guessed shape) and
 * fails when it reaches them. */
static sigrun_status unsupported_prepare(sr_node* node) {
  for (int i = 0; i < node->n_outputs; i++) sr_node_set_output_dynamic(node, i);
  return SIGRUN_STATUS_OK;
}

static sigrun_status unsupported_eval(sr_node* node) {
  const char* code = node->op->custom_code;
  if (code && strncmp(code, "Flex", 4) == 0)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "%s is a TensorFlow (Select TF ops / Flex) kernel, which sigrun does not embed; this signature "
                        "cannot run (convert with target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS])",
                        code);
  if (code)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "custom op '%s' is not registered (sigrun_interpreter_options.custom_ops in C, custom_ops= "
                        "in Python)", code);
  return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "sigrun has no kernel for this builtin operator");
}

static const sr_op_kind unsupported_kind = {"unsupported", -1, NULL, unsupported_prepare, unsupported_eval};

sigrun_status sr_custom_bind(sr_node* node, const sigrun_interpreter_options* options, sigrun_error* error) {
  const sigrun_custom_op* custom = sr_custom_find(options, node->op->custom_code);
  node->kind = custom ? &adapter_kind : node->op->kind ? node->op->kind : &unsupported_kind;
  node->custom = custom;
  if (!custom || !custom->init) return SIGRUN_STATUS_OK;
  if (error) error->status = SIGRUN_STATUS_OK;
  sigrun_status st = custom->init(custom->user_data, node->op->custom_options, node->op->custom_options_size,
                                  &node->custom_state, error);
  if (st) {
    node->custom_state = NULL;
    if (error && error->status == SIGRUN_STATUS_OK) sr_fail(error, st, "init failed without a message");
    sr_error_prefix(error, "subgraph %d, operator %d (%s): custom op init", node->subgraph, node->op->index,
                    node->op->name);
    node->custom = NULL; /* nothing to free */
    return st;
  }
  return SIGRUN_STATUS_OK;
}

void sr_custom_release(sr_node* node) {
  if (node->custom && node->custom->free && node->custom_state)
    node->custom->free(node->custom->user_data, node->custom_state);
  node->custom_state = NULL;
}

/* ---- sigrun_op_context ---- */

void* sigrun_op_context_user_data(const sigrun_op_context* context) {
  return context && NODE(context)->custom ? NODE(context)->custom->user_data : NULL;
}

void* sigrun_op_context_state(const sigrun_op_context* context) {
  return context ? NODE(context)->custom_state : NULL;
}

int sigrun_op_context_input_count(const sigrun_op_context* context) { return context ? NODE(context)->n_inputs : 0; }

int sigrun_op_context_output_count(const sigrun_op_context* context) { return context ? NODE(context)->n_outputs : 0; }

const sigrun_tensor* sigrun_op_context_input(sigrun_op_context* context, int index) {
  if (!context || index < 0 || index >= NODE(context)->n_inputs) return NULL;
  return NODE(context)->inputs[index];
}

sigrun_tensor* sigrun_op_context_output(sigrun_op_context* context, int index) {
  if (!context || index < 0 || index >= NODE(context)->n_outputs) return NULL;
  return NODE(context)->outputs[index];
}

/* A custom op's wrong arguments are BAD_ARGUMENT here, before sr_node_resize_output would call them a bad model. */
sigrun_status sigrun_op_context_resize_output(sigrun_op_context* context, int index, int rank, const int32_t* dims) {
  if (!context) return SIGRUN_STATUS_BAD_ARGUMENT; /* no record to write to */
  sr_node* node = NODE(context);
  size_t count;
  char shape[128];
  if (index < 0 || index >= node->n_outputs)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_op_context_resize_output: output %d is outside 0..%d",
                        index, node->n_outputs - 1);
  if (rank < 0 || rank > SR_MAX_RANK)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_op_context_resize_output: rank %d is outside 0..%d",
                        rank, SR_MAX_RANK);
  if (rank > 0 && !dims)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_op_context_resize_output: dims is NULL with rank %d",
                        rank);
  if (!sr_shape_count(dims, rank, &count))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_ARGUMENT,
                        "sigrun_op_context_resize_output: shape %s has a negative dimension or is too large",
                        sr_shape_str(dims, rank, shape, sizeof shape));
  return sr_node_resize_output(node, index, rank, dims);
}

sigrun_status sigrun_op_context_fail(sigrun_op_context* context, sigrun_status status, const char* format, ...) {
  if (!context) return status == SIGRUN_STATUS_OK ? SIGRUN_STATUS_RUNTIME : status;
  char msg[SIGRUN_ERROR_MESSAGE_SIZE];
  va_list args;
  va_start(args, format);
  if (format) vsnprintf(msg, sizeof msg, format, args);
  else msg[0] = '\0';
  va_end(args);
  return sr_node_fail(NODE(context), status == SIGRUN_STATUS_OK ? SIGRUN_STATUS_RUNTIME : status, "%s", msg);
}
