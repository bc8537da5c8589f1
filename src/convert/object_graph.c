/*
 * object_graph.c — the SavedObjectGraph (objects, their kinds and children, concrete functions' bound inputs)
 * and the binding of variable objects to checkpoint entries: the SavedObjectGraph and the checkpoint's
 * TrackableObjectGraph are walked together from their roots, matching children by local name, as TF's loader
 * does; a matched trackable node's "VARIABLE_VALUE" attribute names the checkpoint key. Invariant after the
 * checks: every object id stored anywhere is a valid index into model->objects.
 */
#include "convert/saved_model_internal.h"

#include <stdio.h>

/* ---- SavedObjectGraph ---- */

static sigrun_status ref_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_object_ref* ref = out;
  if (f->number == 1) return sr_pb_i32(r, f, &ref->node_id);
  if (f->number == 2) return sr_tfd_name(r, f, pool, &ref->local_name);
  return SIGRUN_STATUS_OK;
}

static sigrun_status push_ref(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, sr_saved_object_ref** items,
                              size_t* count) {
  sr_saved_object_ref* ref = sr_pb_push(pool, items, count, sizeof **items);
  if (!ref) return sr_pb_oom(r);
  sigrun_status st = sr_tfd_sub(r, f, "TrackableObjectGraph.TrackableObject.ObjectReference", pool, ref, ref_field);
  if (!ref->local_name) ref->local_name = "";
  return st;
}

static sigrun_status user_object_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_object* o = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &o->user_object.identifier);
  return SIGRUN_STATUS_OK;
}

static sigrun_status asset_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_object* o = out;
  if (f->number == 1) return sr_pb_i32(r, f, &o->asset.asset_file_def_index);
  return SIGRUN_STATUS_OK;
}

static sigrun_status function_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_object* o = out;
  if (f->number == 1) {
    return sr_tfd_push_name(r, f, pool, &o->function.concrete_functions, &o->function.n_concrete_functions);
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status variable_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_object* o = out;
  switch (f->number) {
    case 1:
      return sr_pb_i32(r, f, &o->variable.dtype);
    case 2:
      return sr_tfd_sub(r, f, "TensorShapeProto", pool, &o->variable.shape, sr_tfd_shape_field);
    case 3:
      return sr_pb_bool(r, f, &o->variable.trainable);
    case 6:
      return sr_tfd_name(r, f, pool, &o->variable.name);
    default: /* 4 synchronization, 5 aggregation, 7 device, 8 distributed components */
      return SIGRUN_STATUS_OK;
  }
}

static sigrun_status bare_function_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_object* o = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &o->bare_concrete_function.concrete_function_name);
  return SIGRUN_STATUS_OK;
}

static sigrun_status constant_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_object* o = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &o->constant.operation);
  return SIGRUN_STATUS_OK;
}

static sigrun_status captured_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_object* o = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &o->captured_tensor.name);
  if (f->number == 2) return sr_tfd_name(r, f, pool, &o->captured_tensor.concrete_function);
  return SIGRUN_STATUS_OK;
}

static sigrun_status object_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_object* o = out;
  static const struct {
    const char* msg;
    sr_tfd_field_fn fn;
  } kinds[] = {
      [SR_SAVED_OBJECT_USER_OBJECT] = {"SavedUserObject", user_object_field},
      [SR_SAVED_OBJECT_ASSET] = {"SavedAsset", asset_field},
      [SR_SAVED_OBJECT_FUNCTION] = {"SavedFunction", function_field},
      [SR_SAVED_OBJECT_VARIABLE] = {"SavedVariable", variable_field},
      [SR_SAVED_OBJECT_BARE_CONCRETE_FUNCTION] = {"SavedBareConcreteFunction", bare_function_field},
      [SR_SAVED_OBJECT_CONSTANT] = {"SavedConstant", constant_field},
      [SR_SAVED_OBJECT_RESOURCE] = {"SavedResource", NULL},
      [SR_SAVED_OBJECT_CAPTURED_TENSOR] = {"CapturedTensor", captured_field},
  };
  if (f->number == 1) return push_ref(r, f, pool, &o->children, &o->n_children);
  if (f->number == 15) return push_ref(r, f, pool, &o->dependencies, &o->n_dependencies);
  if (f->number < sizeof kinds / sizeof kinds[0] && kinds[f->number].msg) {
    o->kind = (sr_saved_object_kind)f->number;
    if (!kinds[f->number].fn) {
      if (f->wire != SR_PB_LEN) return sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "expected a message");
      return SIGRUN_STATUS_OK;
    }
    return sr_tfd_sub(r, f, kinds[f->number].msg, pool, o, kinds[f->number].fn);
  }
  return SIGRUN_STATUS_OK; /* 3 slot_variables, 11 saveable_objects, 13/14/16 registered savers, user protos */
}

static void object_defaults(sr_saved_object* o) {
  if (!o->user_object.identifier) o->user_object.identifier = "";
  if (!o->variable.name) o->variable.name = "";
  if (!o->bare_concrete_function.concrete_function_name) o->bare_concrete_function.concrete_function_name = "";
  if (!o->constant.operation) o->constant.operation = "";
  if (!o->captured_tensor.name) o->captured_tensor.name = "";
  if (!o->captured_tensor.concrete_function) o->captured_tensor.concrete_function = "";
}

static sigrun_status concrete_function_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_concrete_function* c = out;
  if (f->number == 2) return sr_pb_repeated(r, f, SR_PB_K_INT32, pool, &c->bound_inputs, &c->n_bound_inputs);
  return SIGRUN_STATUS_OK; /* 3 canonicalized_input_signature, 4 output_signature */
}

static sigrun_status concrete_entry_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_concrete_function* c = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &c->name);
  if (f->number == 2) return sr_tfd_sub(r, f, "SavedConcreteFunction", pool, c, concrete_function_field);
  return SIGRUN_STATUS_OK;
}

static sigrun_status object_graph_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  sr_saved_model* m = out;
  if (f->number == 1) {
    sr_saved_object* o = SR_PB_PUSH(pool, m->objects, m->n_objects);
    if (!o) return sr_pb_oom(r);
    sigrun_status st = sr_tfd_sub(r, f, "SavedObject", pool, o, object_field);
    object_defaults(o);
    if (st == SIGRUN_STATUS_OK) st = sr_tfd_shape_check(r, f->data_offset, &o->variable.shape);
    return st;
  }
  if (f->number == 2) {
    sr_saved_concrete_function* c = SR_PB_PUSH(pool, m->concrete_functions, m->n_concrete_functions);
    if (!c) return sr_pb_oom(r);
    sigrun_status st = sr_tfd_sub(r, f, "SavedObjectGraph.ConcreteFunctionsEntry", pool, c, concrete_entry_field);
    if (!c->name) c->name = "";
    return st;
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_object_graph_decode(const sr_pb_reader* r, const sr_pb_field* f, sr_saved_model* m) {
  return sr_tfd_sub(r, f, "SavedObjectGraph", &m->internal->pool, m, object_graph_field);
}

/* ---- checks ---- */

static sigrun_status check_refs(const sr_saved_model* m, size_t i, const sr_saved_object_ref* refs, size_t n,
                                const char* what, sigrun_error* error) {
  for (size_t k = 0; k < n; k++) {
    if (refs[k].node_id < 0 || (size_t)refs[k].node_id >= m->n_objects) {
      return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "%s: SavedObjectGraph: object %zu %s '%s' is object %d (of %zu)",
                     m->internal->pb_name, i, what, refs[k].local_name, (int)refs[k].node_id, m->n_objects);
    }
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_object_graph_check(sr_saved_model* m, sigrun_error* error) {
  sr_pb_reader r;
  sr_pb_init(&r, m->internal->pb, m->internal->pb_size, m->internal->pb_name, "SavedObjectGraph", error);
  sigrun_status st =
      sr_tfd_map_finish(&r, m->concrete_functions, &m->n_concrete_functions, sizeof *m->concrete_functions);
  for (size_t i = 0; st == SIGRUN_STATUS_OK && i < m->n_objects; i++) {
    st = check_refs(m, i, m->objects[i].children, m->objects[i].n_children, "child", error);
    if (st == SIGRUN_STATUS_OK)
      st = check_refs(m, i, m->objects[i].dependencies, m->objects[i].n_dependencies, "dependency", error);
  }
  for (size_t i = 0; st == SIGRUN_STATUS_OK && i < m->n_concrete_functions; i++) {
    const sr_saved_concrete_function* c = &m->concrete_functions[i];
    for (size_t k = 0; k < c->n_bound_inputs; k++) {
      if (c->bound_inputs[k] < 0 || (size_t)c->bound_inputs[k] >= m->n_objects) {
        return sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                       "%s: SavedObjectGraph: concrete function '%s' bound input %zu is object %d (of %zu)",
                       m->internal->pb_name, c->name, k, (int)c->bound_inputs[k], m->n_objects);
      }
    }
  }
  return st;
}

/* ---- TrackableObjectGraph ---- */

typedef struct trackable {
  sr_saved_object_ref* children;
  size_t n_children;
  const char* value_key; /* checkpoint_key of the "VARIABLE_VALUE" attribute, or NULL */
} trackable;

typedef struct trackable_graph {
  trackable* nodes;
  size_t count;
} trackable_graph;

typedef struct serialized_tensor {
  const char* name;
  const char* checkpoint_key;
} serialized_tensor;

static sigrun_status serialized_tensor_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  serialized_tensor* s = out;
  if (f->number == 1) return sr_tfd_name(r, f, pool, &s->name);
  if (f->number == 3) return sr_tfd_name(r, f, pool, &s->checkpoint_key);
  return SIGRUN_STATUS_OK; /* 2 full_name */
}

static sigrun_status trackable_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  trackable* t = out;
  if (f->number == 1) return push_ref(r, f, pool, &t->children, &t->n_children);
  if (f->number == 2) {
    serialized_tensor s = {0};
    sigrun_status st = sr_tfd_sub(r, f, "TrackableObject.SerializedTensor", pool, &s, serialized_tensor_field);
    if (st == SIGRUN_STATUS_OK && s.name && strcmp(s.name, "VARIABLE_VALUE") == 0) {
      t->value_key = s.checkpoint_key ? s.checkpoint_key : "";
    }
    return st;
  }
  return SIGRUN_STATUS_OK; /* 3 slot_variables, 4 registered_saver, 5 has_checkpoint_values */
}

static sigrun_status trackable_graph_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  trackable_graph* g = out;
  if (f->number != 1) return SIGRUN_STATUS_OK;
  trackable* t = SR_PB_PUSH(pool, g->nodes, g->count);
  if (!t) return sr_pb_oom(r);
  return sr_tfd_sub(r, f, "TrackableObject", pool, t, trackable_field);
}

#define SR_OBJECT_GRAPH_KEY "_CHECKPOINTABLE_OBJECT_GRAPH"

/* Reads and decodes the checkpoint's TrackableObjectGraph; *found 0 when the bundle has none. */
static sigrun_status read_trackable_graph(const sr_saved_model* m, sr_pool* pool, trackable_graph* g, int* found,
                                          sigrun_error* error) {
  *found = 0;
  const sr_bundle_entry* e = sr_bundle_find(m->variables, SR_OBJECT_GRAPH_KEY);
  if (!e) return SIGRUN_STATUS_OK;
  sr_tf_bytes* items;
  size_t n;
  sigrun_status st = sr_bundle_read_strings(m->variables, e, pool, &items, &n, error);
  if (st != SIGRUN_STATUS_OK) return st;
  if (n != 1) {
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "checkpoint: %s holds %zu strings, not 1", SR_OBJECT_GRAPH_KEY, n);
  }
  sr_pb_reader r;
  sr_pb_init(&r, (const uint8_t*)items[0].data, items[0].size, "checkpoint " SR_OBJECT_GRAPH_KEY,
             "TrackableObjectGraph", error);
  if ((st = sr_tfd_message(&r, pool, g, trackable_graph_field)) != SIGRUN_STATUS_OK) return st;
  for (size_t i = 0; i < g->count; i++) {
    for (size_t k = 0; k < g->nodes[i].n_children; k++) {
      int32_t id = g->nodes[i].children[k].node_id;
      if (id < 0 || (size_t)id >= g->count) {
        return sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                       "checkpoint %s: trackable object %zu child '%s' is object %d (of %zu)", SR_OBJECT_GRAPH_KEY, i,
                       g->nodes[i].children[k].local_name, (int)id, g->count);
      }
    }
  }
  *found = 1;
  return SIGRUN_STATUS_OK;
}

/* ---- the joint walk ---- */

static int cmp_ref_name(const void* a, const void* b) {
  return strcmp(((const sr_saved_object_ref*)a)->local_name, ((const sr_saved_object_ref*)b)->local_name);
}

/* The first child of the sorted children named name, or NULL. */
static const sr_saved_object_ref* find_child(const sr_saved_object_ref* sorted, size_t n, const char* name) {
  size_t lo = 0, hi = n;
  while (lo < hi) { /* lower bound: the stable sort kept the first child of a duplicated name first */
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(sorted[mid].local_name, name) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && strcmp(sorted[lo].local_name, name) == 0 ? &sorted[lo] : NULL;
}

/* Breadth-first from both roots; pairs[] is the queue of (saved id, trackable id). Each saved object and each
 * trackable object enters it at most once (a real model's two graphs pair one to one), so the walk is linear in
 * the number of edges plus the sorting of each object's children, whatever a hostile file does. */
static sigrun_status walk(sr_saved_model* m, const trackable_graph* g, const char** keys, sigrun_error* error) {
  size_t n = m->n_objects;
  int32_t* pairs = sr_malloc(2 * n * sizeof *pairs);
  uint8_t* seen = sr_calloc(n, 1);
  uint8_t* tseen = sr_calloc(g->count, 1);
  sr_saved_object_ref* sorted = NULL;
  size_t sorted_cap = 0;
  sigrun_status st = pairs && seen && tseen ? SIGRUN_STATUS_OK : SIGRUN_STATUS_NO_MEMORY;
  size_t head = 0, tail = 0;
  if (st == SIGRUN_STATUS_OK) {
    pairs[0] = 0;
    pairs[1] = 0;
    seen[0] = 1;
    tseen[0] = 1;
    tail = 1;
  }
  while (st == SIGRUN_STATUS_OK && head < tail) {
    int32_t s = pairs[2 * head], t = pairs[2 * head + 1];
    head++;
    keys[s] = g->nodes[t].value_key;
    const sr_saved_object* so = &m->objects[s];
    if (so->n_children > sorted_cap) {
      sr_saved_object_ref* grown = sr_realloc(sorted, so->n_children * sizeof *sorted);
      if (!grown) {
        st = SIGRUN_STATUS_NO_MEMORY;
        break;
      }
      sorted = grown;
      sorted_cap = so->n_children;
    }
    if (so->n_children) memcpy(sorted, so->children, so->n_children * sizeof *sorted);
    if ((st = sr_tfd_sort(sorted, so->n_children, sizeof *sorted, cmp_ref_name)) != SIGRUN_STATUS_OK) break;
    for (size_t k = 0; k < g->nodes[t].n_children; k++) {
      const sr_saved_object_ref* tc = &g->nodes[t].children[k];
      const sr_saved_object_ref* sc = find_child(sorted, so->n_children, tc->local_name);
      if (!sc || seen[sc->node_id] || tseen[tc->node_id]) continue;
      seen[sc->node_id] = 1;
      tseen[tc->node_id] = 1;
      pairs[2 * tail] = sc->node_id;
      pairs[2 * tail + 1] = tc->node_id;
      tail++;
    }
  }
  sr_free(pairs);
  sr_free(seen);
  sr_free(tseen);
  sr_free(sorted);
  if (st != SIGRUN_STATUS_OK) {
    return sr_fail(error, st, "%s: out of memory walking the object graph", m->internal->pb_name);
  }
  return SIGRUN_STATUS_OK;
}

/* The checkpoint entry must hold what the SavedVariable declares (unknown dims match anything). */
static sigrun_status check_variable(const sr_saved_model* m, int32_t id, const sr_bundle_entry* e,
                                    sigrun_error* error) {
  const sr_saved_object* o = &m->objects[id];
  int same = e->dtype == o->variable.dtype;
  const sr_tf_shape* s = &o->variable.shape;
  if (same && !s->unknown_rank) {
    same = s->rank == e->shape.rank;
    for (size_t i = 0; same && i < s->rank; i++) same = s->dims[i] < 0 || s->dims[i] == e->shape.dims[i];
  }
  if (same) return SIGRUN_STATUS_OK;
  return sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                 "variable '%s' (object %d): checkpoint entry '%s' is %s of rank %zu, the SavedVariable says %s of "
                 "rank %zu",
                 o->variable.name, (int)id, e->key, sr_tf_dtype_name(e->dtype), e->shape.rank,
                 sr_tf_dtype_name(o->variable.dtype), s->rank);
}

sigrun_status sr_object_graph_bind_variables(sr_saved_model* m, sigrun_error* error) {
  if (!m->variables || m->n_objects == 0) return SIGRUN_STATUS_OK;
  sr_pool scratch;
  sr_pool_init(&scratch);
  trackable_graph g = {0};
  int found;
  const char** keys = NULL;
  sigrun_status st = read_trackable_graph(m, &scratch, &g, &found, error);
  if (st == SIGRUN_STATUS_OK && found && g.count > 0) {
    keys = sr_calloc(m->n_objects, sizeof *keys);
    st = keys ? walk(m, &g, keys, error) : sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  for (size_t i = 0; st == SIGRUN_STATUS_OK && keys && i < m->n_objects; i++) {
    sr_saved_object* o = &m->objects[i];
    if (o->kind != SR_SAVED_OBJECT_VARIABLE || !keys[i]) continue;
    const sr_bundle_entry* e = sr_bundle_find(m->variables, keys[i]);
    if (!e) continue; /* reported by sr_saved_model_read_variable if a signature needs it */
    if ((st = check_variable(m, (int32_t)i, e, error)) == SIGRUN_STATUS_OK) o->variable.entry = e;
  }
  sr_free(keys);
  sr_pool_destroy(&scratch);
  return st;
}
