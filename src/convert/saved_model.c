/*
 * saved_model.c — loads a SavedModel directory: reads saved_model.pb, picks the "serve" MetaGraphDef, decodes
 * its MetaInfoDef (tags, stripped op list), GraphDef (nodes, function library), signatures and object graph,
 * indexes names, resolves every node's OpDef or called function, opens the variables bundle and runs the
 * binding steps. Invariant after a successful load: every array named in saved_model.h is sorted and unique as
 * documented, and every pointer is into the model's pool or file bytes.
 */
#include "convert/saved_model_internal.h"

#include <stdio.h>

#include "convert/convert_io.h"

/* protobuf refuses messages above 2 GiB; so do we. */
#define SR_SAVED_MODEL_MAX_BYTES (((size_t)1 << 31) - 1)

/* ---- SignatureDef and TensorInfo ---- */

static sigrun_status tensor_info_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_tensor_info* t = out;
  switch (f->number) {
    case 1:
      t->encoding = SR_TF_TENSOR_INFO_NAME;
      return sr_tfd_name(r, f, pool, &t->name);
    case 2:
      return sr_pb_i32(r, f, &t->dtype);
    case 3:
      return sr_tfd_sub(r, f, "TensorShapeProto", pool, &t->shape, sr_tfd_shape_field);
    case 4:
    case 5:
      if (f->wire != SR_PB_LEN) return sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "expected a message");
      t->encoding = (sr_tf_tensor_info_encoding)f->number;
      return SIGRUN_STATUS_OK;
    default:
      return SIGRUN_STATUS_OK;
  }
}

/* A map<string, TensorInfo> entry: the key lands in info->key, the value's fields in the rest of info. */
static sigrun_status tensor_info_entry_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_tensor_info* t = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &t->key);
  if (f->number == 2) return sr_tfd_sub(r, f, "TensorInfo", pool, t, tensor_info_field);
  return SIGRUN_STATUS_OK;
}

static sigrun_status push_tensor_info(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool,
                                      sr_tf_tensor_info** items, size_t* count) {
  sr_tf_tensor_info* t = sr_pb_push(pool, items, count, sizeof **items);
  if (!t) return sr_pb_oom(r);
  sigrun_status st = sr_tfd_sub(r, f, "SignatureDef.TensorInfoEntry", pool, t, tensor_info_entry_field);
  if (!t->key) t->key = "";
  if (!t->name) t->name = "";
  if (st == SIGRUN_STATUS_OK) st = sr_tfd_shape_check(r, f->data_offset, &t->shape);
  return st;
}

static sigrun_status named_tensor_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_named_tensor* t = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &t->key);
  if (f->number == 2) return sr_tfd_sub(r, f, "TensorProto", pool, &t->value, sr_tfd_tensor_field);
  return SIGRUN_STATUS_OK;
}

static sigrun_status signature_def_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_signature* s = out;
  switch (f->number) {
    case 1:
      return push_tensor_info(r, f, pool, &s->inputs, &s->n_inputs);
    case 2:
      return push_tensor_info(r, f, pool, &s->outputs, &s->n_outputs);
    case 3:
      return sr_tfd_name(r, f, pool, &s->method_name);
    case 4: {
      sr_tf_named_tensor* t = SR_PB_PUSH(pool, s->defaults, s->n_defaults);
      if (!t) return sr_pb_oom(r);
      sigrun_status st = sr_tfd_sub(r, f, "SignatureDef.DefaultsEntry", pool, t, named_tensor_field);
      if (!t->key) t->key = "";
      if (st == SIGRUN_STATUS_OK) st = sr_tfd_tensor_finish(r, f->data_offset, &t->value);
      return st;
    }
    default:
      return SIGRUN_STATUS_OK;
  }
}

static sigrun_status signature_entry_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_tf_signature* s = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &s->key);
  if (f->number == 2) return sr_tfd_sub(r, f, "SignatureDef", pool, s, signature_def_field);
  return SIGRUN_STATUS_OK;
}

/* The maps of a SignatureDef, sorted once its map entry has been read whole. */
static sigrun_status signature_finish(const sr_pb_reader* r, sr_tf_signature* s) {
  sigrun_status st = sr_tfd_map_finish(r, s->inputs, &s->n_inputs, sizeof *s->inputs);
  if (st == SIGRUN_STATUS_OK) st = sr_tfd_map_finish(r, s->outputs, &s->n_outputs, sizeof *s->outputs);
  if (st == SIGRUN_STATUS_OK) st = sr_tfd_map_finish(r, s->defaults, &s->n_defaults, sizeof *s->defaults);
  return st;
}

/* ---- MetaInfoDef, GraphDef, MetaGraphDef ---- */

static sigrun_status op_list_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_model* m = out;
  if (f->number != 1) return SIGRUN_STATUS_OK;
  sr_tf_op_def* op = SR_PB_PUSH(pool, m->ops, m->n_ops);
  if (!op) return sr_pb_oom(r);
  sigrun_status st;
  SR_TFD_DECODE(st, r, f, "OpDef", sr_tfd_op_def, pool, op);
  return st;
}

static sigrun_status meta_info_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_model* m = out;
  switch (f->number) {
    case 2:
      return sr_tfd_sub(r, f, "OpList", pool, m, op_list_field);
    case 4:
      return sr_tfd_push_name(r, f, pool, &m->tags, &m->n_tags);
    case 5:
      return sr_tfd_name(r, f, pool, &m->tensorflow_version);
    case 7:
      return sr_pb_bool(r, f, &m->stripped_default_attrs);
    default: /* 1 meta_graph_version, 3 any_info, 6 tensorflow_git_version, 8 function_aliases */
      return SIGRUN_STATUS_OK;
  }
}

static sigrun_status library_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_model* m = out;
  if (f->number != 1) return SIGRUN_STATUS_OK; /* 2 gradient, 3 registered_gradients */
  sr_tf_function* fn = SR_PB_PUSH(pool, m->functions, m->n_functions);
  if (!fn) return sr_pb_oom(r);
  sigrun_status st;
  SR_TFD_DECODE(st, r, f, "FunctionDef", sr_tfd_function, pool, fn);
  return st;
}

static sigrun_status versions_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  if (f->number == 1) return sr_pb_i32(r, f, out);
  return SIGRUN_STATUS_OK;
}

static sigrun_status graph_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_model* m = out;
  switch (f->number) {
    case 1: {
      sr_tf_node* n = SR_PB_PUSH(pool, m->graph.items, m->graph.count);
      if (!n) return sr_pb_oom(r);
      sigrun_status st;
      SR_TFD_DECODE(st, r, f, "NodeDef", sr_tfd_node, pool, n);
      return st;
    }
    case 2:
      return sr_tfd_sub(r, f, "FunctionDefLibrary", pool, m, library_field);
    case 4:
      return sr_tfd_sub(r, f, "VersionDef", pool, &m->producer, versions_field);
    default:
      return SIGRUN_STATUS_OK;
  }
}

static sigrun_status meta_graph_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_model* m = out;
  switch (f->number) {
    case 1:
      return sr_tfd_sub(r, f, "MetaInfoDef", pool, m, meta_info_field);
    case 2:
      return sr_tfd_sub(r, f, "GraphDef", pool, m, graph_field);
    case 5: {
      sr_tf_signature* s = SR_PB_PUSH(pool, m->signatures, m->n_signatures);
      if (!s) return sr_pb_oom(r);
      sigrun_status st = sr_tfd_sub(r, f, "MetaGraphDef.SignatureDefEntry", pool, s, signature_entry_field);
      if (!s->key) s->key = "";
      if (!s->method_name) s->method_name = "";
      if (st == SIGRUN_STATUS_OK) st = signature_finish(r, s);
      return st;
    }
    case 7:
      return sr_object_graph_decode(r, f, m);
    default: /* 3 saver_def, 4 collection_def, 6 asset_file_def */
      return SIGRUN_STATUS_OK;
  }
}

/* ---- picking the MetaGraphDef ---- */

typedef struct saved_model_scan {
  int64_t schema_version;
  sr_pb_field* meta_graphs;
  size_t n_meta_graphs;
} saved_model_scan;

static sigrun_status saved_model_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  saved_model_scan* s = out;
  if (f->number == 1) return sr_pb_i64(r, f, &s->schema_version);
  if (f->number == 2) {
    sr_pb_field* slot = SR_PB_PUSH(pool, s->meta_graphs, s->n_meta_graphs);
    if (!slot) return sr_pb_oom(r);
    *slot = *f;
  }
  return SIGRUN_STATUS_OK;
}

typedef struct tag_scan {
  const char** tags;
  size_t n_tags;
} tag_scan;

static sigrun_status tag_info_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  tag_scan* t = out;
  if (f->number == 4) return sr_tfd_push_name(r, f, pool, &t->tags, &t->n_tags);
  return SIGRUN_STATUS_OK;
}

static sigrun_status tag_graph_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  if (f->number == 1) return sr_tfd_sub(r, f, "MetaInfoDef", pool, out, tag_info_field);
  return SIGRUN_STATUS_OK;
}

/* Index of the MetaGraphDef tagged "serve" (or of a lone untagged one). */
static sigrun_status pick_meta_graph(const sr_pb_reader* r, sr_saved_model* m, const saved_model_scan* scan,
                                     size_t* chosen, sigrun_error* error) {
  sr_pool* pool = &m->internal->pool;
  for (size_t i = 0; i < scan->n_meta_graphs; i++) {
    tag_scan tags = {0};
    sigrun_status st = sr_tfd_sub(r, &scan->meta_graphs[i], "MetaGraphDef", pool, &tags, tag_graph_field);
    if (st != SIGRUN_STATUS_OK) return st;
    for (size_t k = 0; k < tags.n_tags; k++) {
      if (strcmp(tags.tags[k], "serve") == 0) {
        *chosen = i;
        return SIGRUN_STATUS_OK;
      }
    }
    if (scan->n_meta_graphs == 1 && tags.n_tags == 0) {
      *chosen = 0;
      return SIGRUN_STATUS_OK;
    }
  }
  return sr_fail(error, SIGRUN_STATUS_NOT_FOUND, "%s: none of the %zu MetaGraphDefs is tagged \"serve\"", r->file,
                 scan->n_meta_graphs);
}

/* ---- after decoding: sort, index, resolve ---- */

static sigrun_status sort_named(sr_saved_model* m, void* items, size_t count, size_t size, const char* what,
                                sigrun_error* error) {
  size_t dup;
  if (sr_tfd_sort_unique(items, count, size, &dup) != SIGRUN_STATUS_OK)
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "%s: out of memory", m->internal->pb_name);
  if (dup < count) {
    const char* name;
    memcpy(&name, (const uint8_t*)items + dup * size, sizeof name);
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "%s: %s '%s' is defined twice", m->internal->pb_name, what, name);
  }
  return SIGRUN_STATUS_OK;
}

/* Adds the registry's OpDefs of ops the file does not describe (m->ops sorted and unique on entry and exit). */
static sigrun_status add_registry_ops(sr_saved_model* m, sigrun_error* error) {
  sr_pb_reader r;
  sr_pb_init(&r, sr_tf_op_registry, sr_tf_op_registry_size, "sigrun's TF op registry", "OpList", error);
  sr_saved_model registry = {0}; /* only its ops array is used, filled by the OpList decoder */
  sigrun_status st = sr_tfd_message(&r, &m->internal->pool, &registry, op_list_field);
  if (st != SIGRUN_STATUS_OK) return st;
  size_t n_file = m->n_ops;
  for (size_t i = 0; i < registry.n_ops; i++) {
    if (sr_saved_model_find_key(m->ops, n_file, sizeof *m->ops, registry.ops[i].name)) continue;
    sr_tf_op_def* op = SR_PB_PUSH(&m->internal->pool, m->ops, m->n_ops);
    if (!op) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
    *op = registry.ops[i];
    op->from_registry = 1;
  }
  if (sr_tfd_sort(m->ops, m->n_ops, sizeof *m->ops, sr_tfd_cmp_key) != SIGRUN_STATUS_OK)
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  return SIGRUN_STATUS_OK;
}

static void resolve_nodes(sr_saved_model* m, sr_tf_node_list* list) {
  for (size_t i = 0; i < list->count; i++) {
    sr_tf_node* n = &list->items[i];
    /* A library function shadows an op of the same name, as in TF's function library lookups. */
    n->function = sr_saved_model_function(m, n->op);
    n->op_def = n->function ? &n->function->signature : sr_saved_model_op_def(m, n->op);
  }
}

static sigrun_status index_and_resolve(sr_saved_model* m, sigrun_error* error) {
  const char* file = m->internal->pb_name;
  sr_pool* pool = &m->internal->pool;
  sigrun_status st = sort_named(m, m->ops, m->n_ops, sizeof *m->ops, "stripped_op_list: op", error);
  if (st == SIGRUN_STATUS_OK) st = add_registry_ops(m, error);
  if (st == SIGRUN_STATUS_OK) st = sort_named(m, m->functions, m->n_functions, sizeof *m->functions, "function", error);
  if (st == SIGRUN_STATUS_OK) st = sr_tfd_index_nodes(file, "graph_def", pool, &m->graph, error);
  for (size_t i = 0; st == SIGRUN_STATUS_OK && i < m->n_functions; i++) {
    char where[300];
    snprintf(where, sizeof where, "function '%.250s'", m->functions[i].signature.name);
    st = sr_tfd_index_nodes(file, where, pool, &m->functions[i].node_def, error);
  }
  if (st != SIGRUN_STATUS_OK) return st;
  resolve_nodes(m, &m->graph);
  for (size_t i = 0; i < m->n_functions; i++) resolve_nodes(m, &m->functions[i].node_def);
  return SIGRUN_STATUS_OK;
}

static sigrun_status sort_signatures(sr_saved_model* m, sigrun_error* error) {
  sr_pb_reader r;
  sr_pb_init(&r, m->internal->pb, m->internal->pb_size, m->internal->pb_name, "MetaGraphDef", error);
  return sr_tfd_map_finish(&r, m->signatures, &m->n_signatures, sizeof *m->signatures);
}

/* ---- load ---- */

static sigrun_status decode(sr_saved_model* m, sigrun_error* error) {
  sr_saved_model_internal* in = m->internal;
  sr_pb_reader r;
  sr_pb_init(&r, in->pb, in->pb_size, in->pb_name, "SavedModel", error);
  saved_model_scan scan = {0};
  sigrun_status st = sr_tfd_message(&r, &in->pool, &scan, saved_model_field);
  if (st != SIGRUN_STATUS_OK) return st;
  m->schema_version = scan.schema_version;
  if (scan.n_meta_graphs == 0) return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "%s: no MetaGraphDef", in->pb_name);
  size_t chosen = 0;
  sr_pb_init(&r, in->pb, in->pb_size, in->pb_name, "SavedModel", error);
  if ((st = pick_meta_graph(&r, m, &scan, &chosen, error)) != SIGRUN_STATUS_OK) return st;
  st = sr_tfd_sub(&r, &scan.meta_graphs[chosen], "MetaGraphDef", &in->pool, m, meta_graph_field);
  if (st != SIGRUN_STATUS_OK) return st;
  if (!m->tensorflow_version) m->tensorflow_version = "";
  return sort_signatures(m, error);
}

static sigrun_status open_variables(sr_saved_model* m, const char* prefix, sigrun_error* error) {
  if (!prefix) return SIGRUN_STATUS_OK;
  char* index = sr_malloc(strlen(prefix) + sizeof ".index");
  if (!index) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  memcpy(index, prefix, strlen(prefix));
  memcpy(index + strlen(prefix), ".index", sizeof ".index");
  int present = sr_cvio_is_file(index);
  sr_free(index);
  if (!present) return SIGRUN_STATUS_OK; /* a model without variables may have no bundle */
  sigrun_status st = sr_bundle_open(prefix, &m->internal->bundle, error);
  m->variables = m->internal->bundle;
  return st;
}

static sigrun_status finish_load(sr_saved_model* m, const char* variables_prefix, sr_saved_model** out,
                                 sigrun_error* error) {
  sigrun_status st = decode(m, error);
  if (st == SIGRUN_STATUS_OK) st = index_and_resolve(m, error);
  if (st == SIGRUN_STATUS_OK) st = sr_object_graph_check(m, error);
  if (st == SIGRUN_STATUS_OK) st = open_variables(m, variables_prefix, error);
  if (st == SIGRUN_STATUS_OK) st = sr_object_graph_bind_variables(m, error);
  if (st == SIGRUN_STATUS_OK) st = sr_saved_model_bind_signatures(m, error);
  if (st != SIGRUN_STATUS_OK) {
    sr_saved_model_destroy(m);
    return st;
  }
  *out = m;
  return SIGRUN_STATUS_OK;
}

static sigrun_status new_model(const char* dir, const char* pb_name, sr_saved_model** out, sigrun_error* error) {
  sr_saved_model* m = sr_calloc(1, sizeof *m);
  sr_saved_model_internal* in = sr_calloc(1, sizeof *in);
  if (!m || !in) {
    sr_free(m);
    sr_free(in);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  m->internal = in;
  sr_pool_init(&in->pool);
  in->pb_name = sr_strdup(pb_name);
  m->dir = sr_pool_strdup(&in->pool, dir);
  if (!in->pb_name || !m->dir) {
    sr_saved_model_destroy(m);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  *out = m;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_saved_model_load(const char* dir, sr_saved_model** out, sigrun_error* error) {
  *out = NULL;
  char* pb = sr_cvio_join(dir, "saved_model.pb");
  char* prefix = sr_cvio_join(dir, "variables/variables");
  sr_saved_model* m = NULL;
  sigrun_status st = pb && prefix ? new_model(dir, "saved_model.pb", &m, error)
                                  : sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  if (st == SIGRUN_STATUS_OK && !sr_cvio_is_file(pb)) {
    char* alt = sr_cvio_join(dir, "saved_model.pbtxt");
    char* chunked = sr_cvio_join(dir, "saved_model.cpb");
    if (alt && sr_cvio_is_file(alt)) {
      st = sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "'%s' holds only the text form saved_model.pbtxt", dir);
    } else if (chunked && sr_cvio_is_file(chunked)) {
      st = sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "'%s' holds only a chunked saved_model.cpb", dir);
    }
    sr_free(alt);
    sr_free(chunked);
  }
  if (st == SIGRUN_STATUS_OK) {
    st = sr_cvio_read_file(pb, SR_SAVED_MODEL_MAX_BYTES, &m->internal->pb, &m->internal->pb_size, error);
  }
  if (st == SIGRUN_STATUS_OK) {
    st = finish_load(m, prefix, out, error);
    m = NULL; /* finish_load owns it now */
  }
  sr_saved_model_destroy(m);
  sr_free(pb);
  sr_free(prefix);
  return st;
}

sigrun_status sr_saved_model_load_buffer(const void* pb, size_t size, const char* file_name,
                                         const char* variables_prefix, sr_saved_model** out, sigrun_error* error) {
  *out = NULL;
  sr_saved_model* m;
  sigrun_status st = new_model("", file_name ? file_name : "saved_model.pb", &m, error);
  if (st != SIGRUN_STATUS_OK) return st;
  if (size > SR_SAVED_MODEL_MAX_BYTES || !(m->internal->pb = sr_malloc(size + 1))) {
    sr_saved_model_destroy(m);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "cannot hold a %zu-byte saved_model.pb", size);
  }
  if (size) memcpy(m->internal->pb, pb, size);
  m->internal->pb_size = size;
  return finish_load(m, variables_prefix, out, error);
}

void sr_saved_model_destroy(sr_saved_model* m) {
  if (!m) return;
  if (m->internal) {
    sr_bundle_destroy(m->internal->bundle);
    sr_pool_destroy(&m->internal->pool);
    sr_free(m->internal->pb);
    sr_free(m->internal->pb_name);
    sr_free(m->internal);
  }
  sr_free(m);
}

/* ---- lookups ---- */

const void* sr_saved_model_find_key(const void* items, size_t count, size_t elem_size, const char* key) {
  const uint8_t* base = items;
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = sr_tfd_cmp_key(base + mid * elem_size, &key);
    if (c == 0) return base + mid * elem_size;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

const sr_tf_signature* sr_saved_model_signature(const sr_saved_model* m, const char* key) {
  return sr_saved_model_find_key(m->signatures, m->n_signatures, sizeof *m->signatures, key);
}

const sr_tf_function* sr_saved_model_function(const sr_saved_model* m, const char* name) {
  return sr_saved_model_find_key(m->functions, m->n_functions, sizeof *m->functions, name);
}

const sr_tf_op_def* sr_saved_model_op_def(const sr_saved_model* m, const char* name) {
  return sr_saved_model_find_key(m->ops, m->n_ops, sizeof *m->ops, name);
}

const sr_saved_concrete_function* sr_saved_model_concrete_function(const sr_saved_model* m, const char* name) {
  return sr_saved_model_find_key(m->concrete_functions, m->n_concrete_functions, sizeof *m->concrete_functions,
                                 name);
}

sigrun_status sr_saved_model_read_variable(const sr_saved_model* m, int32_t object_id, void* dst, size_t dst_size,
                                           sigrun_error* error) {
  if (object_id < 0 || (size_t)object_id >= m->n_objects) {
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "object %d does not exist (%zu objects)", (int)object_id,
                   m->n_objects);
  }
  const sr_saved_object* o = &m->objects[object_id];
  if (o->kind != SR_SAVED_OBJECT_VARIABLE) {
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "object %d is not a variable", (int)object_id);
  }
  if (!o->variable.entry) {
    return sr_fail(error, SIGRUN_STATUS_NOT_FOUND, "variable '%s' (object %d): the checkpoint has no value for it%s",
                   o->variable.name, (int)object_id,
                   m->variables ? "" : " (the SavedModel has no variables/variables.index)");
  }
  sigrun_status st = sr_bundle_read(m->variables, o->variable.entry, dst, dst_size, error);
  if (st != SIGRUN_STATUS_OK && error) {
    sr_error_prefix(error, "variable '%s' (object %d, key '%s')", o->variable.name, (int)object_id,
                    o->variable.entry->key);
  }
  return st;
}
