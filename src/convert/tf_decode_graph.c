/*
 * tf_decode_graph.c — the graph messages: NodeDef, OpDef (ArgDef, AttrDef), FunctionDef, and the by-name index
 * of a node list. Invariant on return: every string is non-NULL, maps are sorted and unique, and an indexed
 * node list has unique non-empty names.
 */
#include "convert/tf_decode.h"

/* ---- NodeDef ---- */

static sigrun_status node_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_node* n = out;
  switch (f->number) {
    case 1:
      return sr_tfd_name(r, f, pool, &n->name);
    case 2:
      return sr_tfd_name(r, f, pool, &n->op);
    case 3:
      return sr_tfd_push_name(r, f, pool, &n->input, &n->n_input);
    case 4:
      return sr_tfd_name(r, f, pool, &n->device);
    case 5:
      return sr_tfd_attr_map_entry(r, f, "NodeDef.AttrEntry", pool, &n->attr);
    default: /* 6 experimental_debug_info, 7 experimental_type */
      return SIGRUN_STATUS_OK;
  }
}

sigrun_status sr_tfd_node(sr_pb_reader* r, sr_pool* pool, sr_tf_node* out) {
  sigrun_status st = sr_tfd_message(r, pool, out, node_field);
  if (st != SIGRUN_STATUS_OK) return st;
  if (!out->name) out->name = "";
  if (!out->op) out->op = "";
  if (!out->device) out->device = "";
  return sr_tfd_attr_map_finish(r, &out->attr);
}

/* ---- OpDef ---- */

static sigrun_status arg_def_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_arg_def* a = out;
  switch (f->number) {
    case 1:
      return sr_tfd_name(r, f, pool, &a->name);
    case 3:
      return sr_pb_i32(r, f, &a->type);
    case 4:
      return sr_tfd_name(r, f, pool, &a->type_attr);
    case 5:
      return sr_tfd_name(r, f, pool, &a->number_attr);
    case 6:
      return sr_tfd_name(r, f, pool, &a->type_list_attr);
    case 16:
      return sr_pb_bool(r, f, &a->is_ref);
    default: /* 2 description, 7 handle_data, 17 experimental_full_type */
      return SIGRUN_STATUS_OK;
  }
}

static sigrun_status attr_def_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_attr_def* a = out;
  switch (f->number) {
    case 1:
      return sr_tfd_name(r, f, pool, &a->name);
    case 2:
      return sr_tfd_name(r, f, pool, &a->type);
    case 3:
      a->has_default = 1;
      return sr_tfd_sub(r, f, "AttrValue", pool, &a->default_value, sr_tfd_attr_field);
    case 5:
      return sr_pb_bool(r, f, &a->has_minimum);
    case 6:
      return sr_pb_i64(r, f, &a->minimum);
    default: /* 4 description, 7 allowed_values */
      return SIGRUN_STATUS_OK;
  }
}

static sigrun_status push_arg_def(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, sr_tf_arg_def** items,
                                  size_t* count) {
  sr_tf_arg_def* a = sr_pb_push(pool, items, count, sizeof **items);
  if (!a) return sr_pb_oom(r);
  sigrun_status st = sr_tfd_sub(r, f, "OpDef.ArgDef", pool, a, arg_def_field);
  if (!a->name) a->name = "";
  if (!a->type_attr) a->type_attr = "";
  if (!a->number_attr) a->number_attr = "";
  if (!a->type_list_attr) a->type_list_attr = "";
  return st;
}

static sigrun_status op_def_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_op_def* op = out;
  switch (f->number) {
    case 1:
      return sr_tfd_name(r, f, pool, &op->name);
    case 2:
      return push_arg_def(r, f, pool, &op->input_arg, &op->n_input_arg);
    case 3:
      return push_arg_def(r, f, pool, &op->output_arg, &op->n_output_arg);
    case 4: {
      sr_tf_attr_def* a = SR_PB_PUSH(pool, op->attr, op->n_attr);
      if (!a) return sr_pb_oom(r);
      sigrun_status st = sr_tfd_sub(r, f, "OpDef.AttrDef", pool, a, attr_def_field);
      if (!a->name) a->name = "";
      if (!a->type) a->type = "";
      if (st == SIGRUN_STATUS_OK && a->has_default) st = sr_tfd_attr_finish(r, f->data_offset, &a->default_value);
      return st;
    }
    case 16:
      return sr_pb_bool(r, f, &op->is_aggregate);
    case 17:
      return sr_pb_bool(r, f, &op->is_stateful);
    case 18:
      return sr_pb_bool(r, f, &op->is_commutative);
    case 19:
      return sr_pb_bool(r, f, &op->allows_uninitialized_input);
    case 20:
      return sr_tfd_push_name(r, f, pool, &op->control_output, &op->n_control_output);
    default: /* 5 summary, 6 description, 8 deprecation, 21 is_distributed_communication */
      return SIGRUN_STATUS_OK;
  }
}

sigrun_status sr_tfd_op_def(sr_pb_reader* r, sr_pool* pool, sr_tf_op_def* out) {
  sigrun_status st = sr_tfd_message(r, pool, out, op_def_field);
  if (!out->name) out->name = "";
  return st;
}

/* ---- FunctionDef ---- */

static sigrun_status arg_attrs_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  if (f->number == 1) return sr_tfd_attr_map_entry(r, f, "FunctionDef.ArgAttrs.AttrEntry", pool, out);
  return SIGRUN_STATUS_OK;
}

static sigrun_status arg_attr_entry_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_arg_attrs* e = out;
  if (f->number == 1) return sr_pb_u32(r, f, &e->index);
  if (f->number == 2) return sr_tfd_sub(r, f, "FunctionDef.ArgAttrs", pool, &e->attr, arg_attrs_field);
  return SIGRUN_STATUS_OK;
}

static sigrun_status function_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_function* fn = out;
  sigrun_status st;
  switch (f->number) {
    case 1:
      SR_TFD_DECODE(st, r, f, "OpDef", sr_tfd_op_def, pool, &fn->signature);
      return st;
    case 3: {
      sr_tf_node* n = SR_PB_PUSH(pool, fn->node_def.items, fn->node_def.count);
      if (!n) return sr_pb_oom(r);
      SR_TFD_DECODE(st, r, f, "NodeDef", sr_tfd_node, pool, n);
      return st;
    }
    case 4:
      return sr_tfd_str_map_entry(r, f, "FunctionDef.RetEntry", pool, &fn->ret, &fn->n_ret);
    case 5:
      return sr_tfd_attr_map_entry(r, f, "FunctionDef.AttrEntry", pool, &fn->attr);
    case 6:
      return sr_tfd_str_map_entry(r, f, "FunctionDef.ControlRetEntry", pool, &fn->control_ret, &fn->n_control_ret);
    case 7: {
      sr_tf_arg_attrs* e = SR_PB_PUSH(pool, fn->arg_attr, fn->n_arg_attr);
      if (!e) return sr_pb_oom(r);
      st = sr_tfd_sub(r, f, "FunctionDef.ArgAttrEntry", pool, e, arg_attr_entry_field);
      if (st == SIGRUN_STATUS_OK) st = sr_tfd_attr_map_finish(r, &e->attr);
      return st;
    }
    default: /* 8 resource_arg_unique_id */
      return SIGRUN_STATUS_OK;
  }
}

static int cmp_arg_attrs(const void* a, const void* b) {
  uint32_t x = ((const sr_tf_arg_attrs*)a)->index, y = ((const sr_tf_arg_attrs*)b)->index;
  return x < y ? -1 : x > y;
}

/* map<uint32, ArgAttrs>: sort by index, the last entry of an index wins. */
static sigrun_status finish_arg_attrs(const sr_pb_reader* r, sr_tf_function* fn) {
  if (sr_tfd_sort(fn->arg_attr, fn->n_arg_attr, sizeof *fn->arg_attr, cmp_arg_attrs) != SIGRUN_STATUS_OK)
    return sr_pb_oom(r);
  size_t kept = 0;
  for (size_t i = 0; i < fn->n_arg_attr; i++) {
    if (i + 1 < fn->n_arg_attr && fn->arg_attr[i].index == fn->arg_attr[i + 1].index) continue;
    fn->arg_attr[kept++] = fn->arg_attr[i];
  }
  fn->n_arg_attr = kept;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_tfd_function(sr_pb_reader* r, sr_pool* pool, sr_tf_function* out) {
  sigrun_status st = sr_tfd_message(r, pool, out, function_field);
  if (!out->signature.name) out->signature.name = "";
  if (st != SIGRUN_STATUS_OK) return st;
  if ((st = sr_tfd_attr_map_finish(r, &out->attr)) != SIGRUN_STATUS_OK) return st;
  if ((st = sr_tfd_map_finish(r, out->ret, &out->n_ret, sizeof *out->ret)) != SIGRUN_STATUS_OK) return st;
  if ((st = sr_tfd_map_finish(r, out->control_ret, &out->n_control_ret, sizeof *out->control_ret)) != SIGRUN_STATUS_OK)
    return st;
  return finish_arg_attrs(r, out);
}

/* ---- node index ---- */

typedef struct named_index {
  const char* name;
  size_t index;
} named_index;

sigrun_status sr_tfd_index_nodes(const char* file, const char* where, sr_pool* pool, sr_tf_node_list* list,
                                 sigrun_error* error) {
  list->by_name = NULL;
  if (list->count == 0) return SIGRUN_STATUS_OK;
  named_index* tmp = sr_pool_array(pool, list->count, sizeof *tmp);
  list->by_name = sr_pool_array(pool, list->count, sizeof *list->by_name);
  if (!tmp || !list->by_name) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "%s: %s: out of memory", file, where);
  for (size_t i = 0; i < list->count; i++) {
    if (!list->items[i].name[0]) {
      return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "%s: %s: node %zu (op '%s') has no name", file, where, i,
                     list->items[i].op);
    }
    tmp[i].name = list->items[i].name;
    tmp[i].index = i;
  }
  size_t dup;
  if (sr_tfd_sort_unique(tmp, list->count, sizeof *tmp, &dup) != SIGRUN_STATUS_OK)
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "%s: %s: out of memory", file, where);
  if (dup < list->count) {
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "%s: %s: node '%s' is defined twice", file, where, tmp[dup].name);
  }
  for (size_t i = 0; i < list->count; i++) list->by_name[i] = tmp[i].index;
  return SIGRUN_STATUS_OK;
}
