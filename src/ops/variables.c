/*
 * variables.c — resource variables: VAR_HANDLE names a variable of the interpreter (its output holds the
 * variable's int32 resource id), READ_VARIABLE copies the variable's value out, ASSIGN_VARIABLE replaces it
 * (type and shape follow the value, as in LiteRT). The variables live in the interpreter's sr_resources;
 * the runner holds the state lock around invokes that touch them (see resources.h).
 */
#include "../core/resources.h"
#include "../format/schema_enums.h"
#include "resource_ops.h"

enum { VAR_HANDLE_CONTAINER = 0, VAR_HANDLE_SHARED_NAME = 1 };

static sigrun_status var_handle_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_VAR_HANDLE, 1);
  if (st) return st;
  sr_var_handle_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  p->container = p->shared_name = NULL;
  if (ctx->options) {
    int rc;
    if ((rc = sr_fb_string(ctx->options, VAR_HANDLE_CONTAINER, &p->container, NULL)) ||
        (rc = sr_fb_string(ctx->options, VAR_HANDLE_SHARED_NAME, &p->shared_name, NULL)))
      return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "VarHandleOptions: %s", sr_fb_strerror(rc));
  }
  /* LiteRT treats absent names as empty, so two nameless handles are one variable. */
  if (!p->container) p->container = "";
  if (!p->shared_name) p->shared_name = "";
  *out = p;
  return SIGRUN_STATUS_OK;
}

/* Reads the resource id a handle tensor holds and finds the variable. */
static sigrun_status variable_of(sr_node* node, const sr_tensor* handle, sr_variable** out) {
  if ((handle->type != SIGRUN_TYPE_RESOURCE && handle->type != SIGRUN_TYPE_INT32) || sr_tensor_count(handle) != 1 ||
      !handle->data)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "input 0 (tensor %d) must be one resource id (resource or int32, 1 element), got %s with %zu "
                        "elements", handle->index, sigrun_type_name(handle->type), sr_tensor_count(handle));
  int32_t id;
  memcpy(&id, handle->data, sizeof id);
  sr_resources* res = sr_node_resources(node);
  if (id < 0 || id >= res->n_variables)
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "resource id %d names no variable (the model has %d)", (int)id,
                        res->n_variables);
  *out = &res->variables[id];
  return SIGRUN_STATUS_OK;
}

static sigrun_status check_handle_input(sr_node* node) {
  const sr_tensor* h = node->inputs[0];
  if (!h) return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (the variable) is absent");
  if (h->type != SIGRUN_TYPE_RESOURCE && h->type != SIGRUN_TYPE_INT32)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (tensor %d) has type %s, expected resource",
                        h->index, sigrun_type_name(h->type));
  return SIGRUN_STATUS_OK;
}

/* ---- VAR_HANDLE ---- */

static sigrun_status var_handle_prepare(sr_node* node) {
  sigrun_status st = sr_node_check_io(node, 0, 0, 1);
  if (st) return st;
  const sr_var_handle_params* p = node->params;
  sr_tensor* out = node->outputs[0];
  if (out->type != SIGRUN_TYPE_RESOURCE && out->type != SIGRUN_TYPE_INT32)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output (tensor %d) has type %s, expected resource",
                        out->index, sigrun_type_name(out->type));
  int id = sr_resources_variable_id(sr_node_resources(node), p->container, p->shared_name);
  if (id < 0)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "variable '%s'/'%s' has no slot", p->container,
                        p->shared_name);
  int32_t* data = sr_node_alloc_data(node, sizeof(int32_t));
  if (!data) return SIGRUN_STATUS_NO_MEMORY;
  *data = id;
  size_t count;
  if (!sr_shape_count(out->def->dims, out->def->rank, &count) || count != 1)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output (tensor %d) must hold exactly one resource id",
                        out->index);
  return sr_node_resize_output(node, 0, out->def->rank, out->def->dims);
}

static sigrun_status var_handle_eval(sr_node* node) {
  memcpy(node->outputs[0]->data, node->data, sizeof(int32_t));
  return SIGRUN_STATUS_OK;
}

/* ---- READ_VARIABLE ---- */

/* The value's shape is only known from the variable, but planning every reader as dynamic would defer the
 * whole graph after it to invoke time. A reader whose declared shape is fully known is planned with it and
 * checked at eval; one with unknown dims (-1) or unknown rank is dynamic. */
static int declared_static(const sr_tensor* t) {
  if (t->def->rank == 0 && !t->def->has_rank) return 0;
  for (int i = 0; i < t->def->rank; i++)
    if (t->def->signature[i] < 0) return 0;
  return 1;
}

static sigrun_status read_variable_prepare(sr_node* node) {
  sigrun_status st = sr_node_check_io(node, 1, 1, 1);
  if (st || (st = check_handle_input(node))) return st;
  sr_tensor* out = node->outputs[0];
  if (sigrun_type_size(out->type) == 0)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "variables of type %s are not supported",
                        sigrun_type_name(out->type));
  if (!declared_static(out)) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  return sr_node_resize_output(node, 0, out->def->rank, out->def->dims);
}

static sigrun_status read_variable_eval(sr_node* node) {
  sr_variable* v = NULL;
  sigrun_status st = variable_of(node, node->inputs[0], &v);
  if (st) return st;
  sr_tensor* out = node->outputs[0];
  if (!v->assigned)
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "variable '%s' is read before anything was assigned to it",
                        v->shared_name);
  if (v->type != out->type)
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "variable '%s' holds %s, but output (tensor %d) is %s",
                        v->shared_name, sigrun_type_name(v->type), out->index, sigrun_type_name(out->type));
  if ((st = sr_node_resize_output(node, 0, v->rank, v->dims))) return st;
  if (v->bytes) memcpy(out->data, v->data, v->bytes);
  return SIGRUN_STATUS_OK;
}

/* ---- ASSIGN_VARIABLE ---- */

static sigrun_status assign_variable_prepare(sr_node* node) {
  sigrun_status st = sr_node_check_io(node, 2, 2, 0);
  if (st || (st = check_handle_input(node))) return st;
  sr_tensor* value;
  if ((st = sr_node_input(node, 1, &value))) return st;
  if (sigrun_type_size(value->type) == 0)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "variables of type %s are not supported",
                        sigrun_type_name(value->type));
  return SIGRUN_STATUS_OK;
}

/* Storage grows only when a value is larger than any before, so steady-state assignments allocate nothing. */
static sigrun_status assign_variable_eval(sr_node* node) {
  sr_variable* v = NULL;
  sigrun_status st = variable_of(node, node->inputs[0], &v);
  if (st) return st;
  const sr_tensor* value = node->inputs[1];
  if (value->bytes > v->capacity || !v->data) {
    void* fresh = sr_aligned_alloc(value->bytes ? value->bytes : 1);
    if (!fresh) return sr_node_fail(node, SIGRUN_STATUS_NO_MEMORY, "out of memory for %zu bytes", value->bytes);
    sr_aligned_free(v->data);
    v->data = fresh;
    v->capacity = value->bytes ? value->bytes : 1;
  }
  if (value->bytes) memcpy(v->data, value->data, value->bytes);
  v->bytes = value->bytes;
  v->type = value->type;
  v->rank = value->rank;
  memcpy(v->dims, value->dims, sizeof v->dims);
  v->assigned = 1;
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_var_handle = {"VAR_HANDLE", SR_BUILTIN_VAR_HANDLE, var_handle_parse, var_handle_prepare,
                                     var_handle_eval};
const sr_op_kind sr_op_read_variable = {"READ_VARIABLE", SR_BUILTIN_READ_VARIABLE, NULL, read_variable_prepare,
                                        read_variable_eval};
const sr_op_kind sr_op_assign_variable = {"ASSIGN_VARIABLE", SR_BUILTIN_ASSIGN_VARIABLE, NULL,
                                          assign_variable_prepare, assign_variable_eval};
