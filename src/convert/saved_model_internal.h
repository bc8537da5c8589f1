/*
 * saved_model_internal.h — internal: what saved_model.c shares with the object-graph decoder and the binding
 * steps (object_graph.c, saved_model_bind.c). The load runs decode → index → resolve ops → check objects →
 * bind variables → bind signatures, each step on the complete result of the previous one.
 */
#ifndef SR_CONVERT_SAVED_MODEL_INTERNAL_H
#define SR_CONVERT_SAVED_MODEL_INTERNAL_H

#include "convert/saved_model.h"
#include "convert/tf_decode.h"

typedef struct sr_saved_model_internal sr_saved_model_internal;

struct sr_saved_model_internal {
  sr_pool pool;
  uint8_t* pb; /* saved_model.pb bytes: tensor_content views point into them */
  size_t pb_size;
  char* pb_name; /* names saved_model.pb in messages */
  sr_bundle* bundle;
};

/* Merges one SavedObjectGraph (field f of a MetaGraphDef) into model->objects / concrete_functions. */
sigrun_status sr_object_graph_decode(const sr_pb_reader* r, const sr_pb_field* f, sr_saved_model* model);
/* Sorts concrete functions (last of a name wins) and checks every object id they and the objects use. */
sigrun_status sr_object_graph_check(sr_saved_model* model, sigrun_error* error);
/* Sets objects[i].variable.entry for every variable the checkpoint's object graph names (reference §5.3). */
sigrun_status sr_object_graph_bind_variables(sr_saved_model* model, sigrun_error* error);

/* Binds every signature to its call node, wrapper function and captures (sets call or unbound_reason). */
sigrun_status sr_saved_model_bind_signatures(sr_saved_model* model, sigrun_error* error);

/* A serialized OpList of the ops the converter may meet, from TensorFlow's registry (tf_op_registry.c, generated
 * by tools/dev/gen_tf_op_registry.py): the fallback for ops missing from a file's stripped_op_list. */
extern const uint8_t sr_tf_op_registry[];
extern const size_t sr_tf_op_registry_size;

/* Binary search in a sorted array of elements that start with a `const char*` key. */
const void* sr_saved_model_find_key(const void* items, size_t count, size_t elem_size, const char* key);

#endif /* SR_CONVERT_SAVED_MODEL_INTERNAL_H */
