/*
 * lower_var.c — captured variables. A variable no converted signature assigns is frozen: ReadVariableOp becomes
 * its checkpoint value as a constant (one per subgraph; the writer stores equal bytes once). A variable some
 * signature assigns stays a resource variable as LiteRT's converter keeps it with resource variables enabled:
 * VAR_HANDLE (container "", shared_name = the variable's name) + READ_VARIABLE / ASSIGN_VARIABLE, its initial
 * value written by an initializer subgraph that CALL_ONCE runs first in every signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/import.h"
#include "convert/lower.h"

int sr_cv_variable_for(sr_cv_ctx* c, int32_t object_id, const sr_tf_node* handle_node) {
  for (int i = 0; i < c->n_vars; i++)
    if (c->vars[i].object_id == object_id) return i;
  if (object_id < 0 || (size_t)object_id >= c->sm->n_objects) return -1;
  const sr_saved_object* obj = &c->sm->objects[object_id];
  if (obj->kind != SR_SAVED_OBJECT_VARIABLE) return -1;
  if (c->n_vars == c->cap_vars) {
    int cap = c->cap_vars ? c->cap_vars * 2 : 16;
    sr_cv_variable* v = sr_realloc(c->vars, (size_t)cap * sizeof *v);
    if (!v) return -2;
    c->vars = v;
    int* vt = sr_realloc(c->var_tensor, (size_t)cap * sizeof *vt);
    if (!vt) return -2;
    c->var_tensor = vt;
    c->cap_vars = cap;
  }
  sr_cv_variable* v = &c->vars[c->n_vars];
  memset(v, 0, sizeof *v);
  v->object_id = object_id;
  /* LiteRT names the VAR_HANDLE after the variable (its VarHandleOp's shared_name); keep names unique. */
  const char* name = "";
  const sr_tf_attr* shared = handle_node ? sr_tf_node_attr(handle_node, "shared_name") : NULL;
  if (shared && shared->kind == SR_TF_ATTR_S && shared->s.size) name = shared->s.data;
  if (!name[0]) name = handle_node ? handle_node->name : obj->variable.name;
  char unique[512];
  snprintf(unique, sizeof unique, "%s", name);
  for (int k = 1;; k++) {
    int clash = 0;
    for (int i = 0; i < c->n_vars; i++) clash |= strcmp(c->vars[i].shared_name, unique) == 0;
    if (!clash) break;
    snprintf(unique, sizeof unique, "%s_%d", name, k);
  }
  /* Variables outlive one import's model (a second import follows when some are assigned): own the name. */
  v->shared_name = sr_strdup(unique);
  if (!v->shared_name) return -2;
  int ok;
  v->type = sr_cv_type_from_tf(obj->variable.dtype, &ok);
  const sr_tf_shape* shape = obj->variable.entry ? &obj->variable.entry->shape : &obj->variable.shape;
  v->rank = shape->unknown_rank || shape->rank > SR_MAX_RANK ? -1 : (int)shape->rank;
  for (int i = 0; i < v->rank; i++) v->dims[i] = shape->dims[i];
  c->var_tensor[c->n_vars] = -1;
  return c->n_vars++;
}

sigrun_status sr_cv_variable_data(sr_cv_ctx* c, const sr_tf_node* node, int var) {
  sr_cv_variable* v = &c->vars[var];
  if (v->data) return SIGRUN_STATUS_OK;
  const sr_saved_object* obj = &c->sm->objects[v->object_id];
  const sr_bundle_entry* e = obj->variable.entry;
  if (!e)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "variable '%s' has no value in the checkpoint",
                      obj->variable.name);
  int ok;
  sr_cv_type_from_tf(e->dtype, &ok);
  if (!ok || sr_tf_dtype_size(e->dtype) == 0)
    return sr_cv_fail(c, node, SIGRUN_STATUS_UNSUPPORTED, "variable '%s' has dtype %s", obj->variable.name,
                      sr_tf_dtype_name(e->dtype));
  if (e->size > SIZE_MAX) return sr_cv_oom(c);
  void* data = sr_pool_alloc(&c->m->pool, (size_t)e->size);
  if (!data) return sr_cv_oom(c);
  sigrun_status st = sr_saved_model_read_variable(c->sm, v->object_id, data, (size_t)e->size, c->error);
  if (st) return st;
  v->data = data;
  v->nbytes = (size_t)e->size;
  return SIGRUN_STATUS_OK;
}

static sigrun_status resource_input(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, int* var) {
  if (n_in < 1 || in[0].kind != SR_CV_VAL_RESOURCE)
    return sr_cv_unsupported(c, node, "its resource input is not a captured variable");
  *var = in[0].id;
  return SIGRUN_STATUS_OK;
}

/* The VAR_HANDLE tensor of a mutable variable in the current subgraph (emitted on first use). */
static int handle_tensor(sr_cv_ctx* c, int var) {
  if (c->var_tensor[var] >= 0) return c->var_tensor[var];
  const sr_cv_variable* v = &c->vars[var];
  int t = sr_cv_add_tensor(c->m, sr_cv_g(c), v->shared_name, SIGRUN_TYPE_RESOURCE, 0, NULL, c->error);
  if (t < 0) return -1;
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.container = "";
  o.shared_name = v->shared_name;
  if (sr_cv_emit(c, SR_BUILTIN_VAR_HANDLE, NULL, 0, &t, 1, &o) < 0) return -1;
  c->var_tensor[var] = t;
  return t;
}

/* The current value of a variable: its frozen constant, or a READ_VARIABLE of its handle. */
static sigrun_status read_var(sr_cv_ctx* c, const sr_tf_node* node, int var, int* out) {
  sr_cv_variable* v = &c->vars[var];
  if (!v->is_mutable) {
    if (c->var_tensor[var] >= 0) {
      *out = c->var_tensor[var];
      return SIGRUN_STATUS_OK;
    }
    sigrun_status st = sr_cv_variable_data(c, node, var);
    if (st) return st;
    int t = sr_cv_add_const(c->m, sr_cv_g(c), node->name, v->type, v->rank, v->dims, v->data, v->nbytes, c->error);
    if (t < 0) return c->error->status;
    c->var_tensor[var] = t;
    *out = t;
    return SIGRUN_STATUS_OK;
  }
  int h = handle_tensor(c, var);
  if (h < 0) return c->error->status;
  int t = sr_cv_new_tensor(c, node, NULL, v->type, v->rank, v->dims);
  if (t < 0 || sr_cv_emit(c, SR_BUILTIN_READ_VARIABLE, &h, 1, &t, 1, NULL) < 0) return c->error->status;
  *out = t;
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_read_variable(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                         sr_cv_val* out, int n_out) {
  int var = -1, t = -1;
  sigrun_status st = resource_input(c, node, in, n_in, &var);
  if (!st) st = read_var(c, node, var, &t);
  if (st) return st;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* AssignVariableOp / AssignAddVariableOp / AssignSubVariableOp. While variables are still frozen (the first
 * import) only the fact is recorded; the final import knows the variable is mutable. */
static sigrun_status lower_assign(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                  sr_cv_val* out, int n_out, int code) {
  int var = -1;
  sigrun_status st = resource_input(c, node, in, n_in, &var);
  if (st) return st;
  if (n_in < 2 || in[1].kind != SR_CV_VAL_TENSOR)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "assignment without a tensor value");
  c->vars[var].assigned = 1;
  if (!c->vars[var].is_mutable) return SIGRUN_STATUS_OK;
  int value = in[1].id;
  if (code != SR_BUILTIN_ASSIGN_VARIABLE) {
    int cur = -1;
    if ((st = read_var(c, node, var, &cur))) return st;
    sr_cv_tensor* a = &sr_cv_g(c)->t[cur];
    int rank = a->rank;
    int64_t dims[SR_MAX_RANK];
    memcpy(dims, a->dims, sizeof dims);
    int sum = sr_cv_new_tensor(c, node, code == SR_BUILTIN_ADD ? "/add" : "/sub", a->type, rank, dims);
    int ins[2] = {cur, value};
    if (sum < 0 || sr_cv_emit(c, code, ins, 2, &sum, 1, NULL) < 0) return c->error->status;
    value = sum;
  }
  int h = handle_tensor(c, var);
  int ins[2] = {h, value};
  if (h < 0 || sr_cv_emit(c, SR_BUILTIN_ASSIGN_VARIABLE, ins, 2, NULL, 0, NULL) < 0) return c->error->status;
  (void)out;
  (void)n_out;
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_assign_var(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                      sr_cv_val* out, int n_out) {
  return lower_assign(c, node, in, n_in, out, n_out, SR_BUILTIN_ASSIGN_VARIABLE);
}
static sigrun_status lower_assign_add(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                      sr_cv_val* out, int n_out) {
  return lower_assign(c, node, in, n_in, out, n_out, SR_BUILTIN_ADD);
}
static sigrun_status lower_assign_sub(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                      sr_cv_val* out, int n_out) {
  return lower_assign(c, node, in, n_in, out, n_out, SR_BUILTIN_SUB);
}

/* ResourceGather (Keras Embedding on a variable): GATHER along batch_dims of the variable's value. */
static sigrun_status lower_resource_gather(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                           sr_cv_val* out, int n_out) {
  int var = -1, table = -1;
  sigrun_status st = resource_input(c, node, in, n_in, &var);
  if (!st) st = read_var(c, node, var, &table);
  if (st) return st;
  if (n_in < 2) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "ResourceGather without indices");
  sr_cv_val args[2] = {sr_cv_tensor_val(table), in[1]};
  int64_t batch_dims = sr_cv_attr_int_or(node, "batch_dims", 0);
  return sr_cv_gather(c, node, args[0], args[1], 0, (int)batch_dims, out);
}

static sigrun_status lower_var_handle(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                      sr_cv_val* out, int n_out) {
  return sr_cv_unsupported(c, node, "a variable created inside a function (only captured variables convert)");
}

const sr_cv_lowering sr_cv_var_lowerings[] = {
    {"AssignAddVariableOp", lower_assign_add},
    {"AssignSubVariableOp", lower_assign_sub},
    {"AssignVariableOp", lower_assign_var},
    {"ReadVariableOp", lower_read_variable},
    {"ResourceGather", lower_resource_gather},
    {"VarHandleOp", lower_var_handle},
    {NULL, NULL},
};

/* ---- the initializer subgraph ---- */

static int by_shared_name(const void* a, const void* b) {
  return strcmp(((const sr_cv_variable* const*)a)[0]->shared_name, ((const sr_cv_variable* const*)b)[0]->shared_name);
}

sigrun_status sr_cv_add_initializer(sr_cv_ctx* c, int init_index) {
  int n = 0;
  for (int i = 0; i < c->n_vars; i++) n += c->vars[i].is_mutable;
  if (!n) return SIGRUN_STATUS_OK;
  sr_cv_variable** order = sr_malloc((size_t)n * sizeof *order);
  if (!order) return sr_cv_oom(c);
  n = 0;
  for (int i = 0; i < c->n_vars; i++)
    if (c->vars[i].is_mutable) order[n++] = &c->vars[i];
  qsort(order, (size_t)n, sizeof *order, by_shared_name);
  /* LiteRT's converter names this subgraph after the session initializer's NoOp. */
  int gi = sr_cv_add_graph(c->m, "NoOp", c->error);
  sigrun_status st = gi == init_index ? SIGRUN_STATUS_OK
                                      : sr_fail(c->error, SIGRUN_STATUS_BAD_STATE, "initializer subgraph out of place");
  c->graph = gi;
  c->where = "initializer";
  for (int i = 0; !st && i < n; i++) {
    sr_cv_variable* v = order[i];
    st = sr_cv_variable_data(c, NULL, (int)(v - c->vars));
    if (st) break;
    int value = sr_cv_add_const(c->m, sr_cv_g(c), v->shared_name, v->type, v->rank, v->dims, v->data, v->nbytes,
                                c->error);
    int h = sr_cv_add_tensor(c->m, sr_cv_g(c), v->shared_name, SIGRUN_TYPE_RESOURCE, 0, NULL, c->error);
    if (value < 0 || h < 0) {
      st = c->error->status;
      break;
    }
    sr_cv_opts o;
    memset(&o, 0, sizeof o);
    o.container = "";
    o.shared_name = v->shared_name;
    int ins[2] = {h, value};
    if (sr_cv_emit(c, SR_BUILTIN_VAR_HANDLE, NULL, 0, &h, 1, &o) < 0 ||
        sr_cv_emit(c, SR_BUILTIN_ASSIGN_VARIABLE, ins, 2, NULL, 0, NULL) < 0)
      st = c->error->status;
  }
  sr_free(order);
  return st;
}
