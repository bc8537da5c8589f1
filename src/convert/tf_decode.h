/*
 * tf_decode.h — internal: decoders from protobuf bytes (proto.h) to the TF views of tf_types.h, shared by the
 * SavedModel, object-graph and bundle readers. Decoding is split in two so hostile files cannot make it
 * quadratic: a *_field function merges one occurrence of a message into *out the way protobuf merges a message
 * that occurs twice (scalars present overwrite, repeated fields append, sub-messages merge), and a *_finish /
 * *_check function then checks it and sorts its maps (last value of a key wins) exactly once. The rule: a
 * repeated element (read once) is finished right after it is read; a singular sub-message (which may occur
 * many times) is only merged, and finished by its owner's finish. Everything is allocated from the caller's
 * pool; byte fields that are not copied (tensor_content) point into the reader's buffer, which must outlive
 * the views.
 */
#ifndef SR_CONVERT_TF_DECODE_H
#define SR_CONVERT_TF_DECODE_H

#include "convert/proto.h"
#include "convert/tf_types.h"

/* Handles one field of a message; out is the message being decoded. Unknown numbers must return OK. */
typedef sigrun_status (*sr_tfd_field_fn)(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out);

/* Runs fn over every field of the message under r (to r->end). */
sigrun_status sr_tfd_message(sr_pb_reader* r, sr_pool* pool, void* out, sr_tfd_field_fn fn);
/* Same for the LEN field f of parent, decoded as message type msg (names it in errors, counts nesting depth). */
sigrun_status sr_tfd_sub(const sr_pb_reader* parent, const sr_pb_field* f, const char* msg, sr_pool* pool, void* out,
                         sr_tfd_field_fn fn);

/* A name or key: a pool copy of the string field f that must not contain a NUL byte. */
sigrun_status sr_tfd_name(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, const char** out);
/* Appends the name in f to a pool array of names. */
sigrun_status sr_tfd_push_name(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, const char*** items,
                               size_t* count);

/* Stable merge sort (O(n log n), temporary heap scratch; NO_MEMORY is the only failure). */
sigrun_status sr_tfd_sort(void* items, size_t count, size_t elem_size, int (*cmp)(const void*, const void*));
/* Compares elements that begin with a `const char*` key (every map entry and named view here does). */
int sr_tfd_cmp_key(const void* a, const void* b);
/* Sorts by leading key and keeps the last of each run of equal keys: protobuf's map rule. */
sigrun_status sr_tfd_map_finish(const sr_pb_reader* r, void* items, size_t* count, size_t elem_size);
/* Sorts by leading key; returns the index of an element whose key equals its predecessor's, or count. */
sigrun_status sr_tfd_sort_unique(void* items, size_t count, size_t elem_size, size_t* duplicate);

/* Whole-message decoders for messages read once (repeated elements, tests): merge, then finish. */
sigrun_status sr_tfd_shape(sr_pb_reader* r, sr_pool* pool, sr_tf_shape* out);
sigrun_status sr_tfd_tensor(sr_pb_reader* r, sr_pool* pool, sr_tf_tensor* out);
sigrun_status sr_tfd_attr(sr_pb_reader* r, sr_pool* pool, sr_tf_attr* out);
sigrun_status sr_tfd_node(sr_pb_reader* r, sr_pool* pool, sr_tf_node* out);
sigrun_status sr_tfd_function(sr_pb_reader* r, sr_pool* pool, sr_tf_function* out);
/* OpDef: merge only (its repeated AttrDefs are finished as they are read), so it also serves as a singular
 * field (FunctionDef.signature). */
sigrun_status sr_tfd_op_def(sr_pb_reader* r, sr_pool* pool, sr_tf_op_def* out);

/* Merge halves, for singular fields through sr_tfd_sub... */
sigrun_status sr_tfd_shape_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out);
sigrun_status sr_tfd_tensor_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out);
sigrun_status sr_tfd_attr_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out);
/* ...and their finish halves; offset (of the message) is where errors point. A shape: dims >= -1, no dims with
 * unknown_rank. A tensor: a fully defined shape, num_elements computed, tensor_content of the exact size. */
sigrun_status sr_tfd_shape_check(const sr_pb_reader* r, size_t offset, const sr_tf_shape* shape);
sigrun_status sr_tfd_tensor_finish(const sr_pb_reader* r, size_t offset, sr_tf_tensor* t);
sigrun_status sr_tfd_attr_finish(const sr_pb_reader* r, size_t offset, sr_tf_attr* a);

/* Decodes the LEN field f as message msg with decoder fn. */
#define SR_TFD_DECODE(st, r, f, msg, fn, pool, out)                       \
  do {                                                                    \
    sr_pb_reader sub_;                                                    \
    (st) = sr_pb_sub((r), (f), (msg), &sub_);                             \
    if ((st) == SIGRUN_STATUS_OK) (st) = fn(&sub_, (pool), (out));        \
  } while (0)

/* One map<string, AttrValue> entry (message type entry_msg) appended to map, its value finished; the owner
 * calls sr_tfd_attr_map_finish once when it finishes. */
sigrun_status sr_tfd_attr_map_entry(const sr_pb_reader* r, const sr_pb_field* f, const char* entry_msg, sr_pool* pool,
                                    sr_tf_attr_map* map);
sigrun_status sr_tfd_attr_map_finish(const sr_pb_reader* r, sr_tf_attr_map* map);
/* One map<string, string> entry appended; finish with sr_tfd_map_finish. */
sigrun_status sr_tfd_str_map_entry(const sr_pb_reader* r, const sr_pb_field* f, const char* entry_msg, sr_pool* pool,
                                   sr_tf_str_pair** items, size_t* count);

/* Builds list->by_name; a duplicate or empty node name fails with BAD_MODEL "<file>: <where>: ...". */
sigrun_status sr_tfd_index_nodes(const char* file, const char* where, sr_pool* pool, sr_tf_node_list* list,
                                 sigrun_error* error);

/* Fails with "<file>: <msg> at offset <offset>: ..." (for checks made after a message was read). */
sigrun_status sr_tfd_fail_at(const sr_pb_reader* r, size_t offset, sigrun_status status, const char* fmt, ...)
    SR_PRINTF(4, 5);

#endif /* SR_CONVERT_TF_DECODE_H */
