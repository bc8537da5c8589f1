/*
 * tf_decode.h — internal: decoders from protobuf bytes (proto.h) to the TF views of tf_types.h, shared by the
 * SavedModel, object-graph and bundle readers. A decoder merges one message into *out the way protobuf merges
 * a message that occurs twice: scalars present overwrite, repeated fields append, sub-messages merge, maps are
 * re-sorted with the last value of a key winning. Everything is allocated from the caller's pool; byte fields
 * that are not copied (tensor_content) point into the reader's buffer, which must outlive the views.
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

/* Message decoders (each merges into *out and then checks / normalises it). */
sigrun_status sr_tfd_shape(sr_pb_reader* r, sr_pool* pool, sr_tf_shape* out);
sigrun_status sr_tfd_tensor(sr_pb_reader* r, sr_pool* pool, sr_tf_tensor* out);
sigrun_status sr_tfd_attr(sr_pb_reader* r, sr_pool* pool, sr_tf_attr* out);
sigrun_status sr_tfd_node(sr_pb_reader* r, sr_pool* pool, sr_tf_node* out);
sigrun_status sr_tfd_op_def(sr_pb_reader* r, sr_pool* pool, sr_tf_op_def* out);
sigrun_status sr_tfd_function(sr_pb_reader* r, sr_pool* pool, sr_tf_function* out);

/* Field-function forms of the decoders above, for sr_tfd_sub (they do not run the final checks). */
sigrun_status sr_tfd_shape_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out);

/* Decodes the LEN field f as message msg with decoder fn. */
#define SR_TFD_DECODE(st, r, f, msg, fn, pool, out)                       \
  do {                                                                    \
    sr_pb_reader sub_;                                                    \
    (st) = sr_pb_sub((r), (f), (msg), &sub_);                             \
    if ((st) == SIGRUN_STATUS_OK) (st) = fn(&sub_, (pool), (out));        \
  } while (0)

/* One map<string, AttrValue> entry (message type entry_msg) appended to map; call sr_tfd_attr_map_finish after
 * the enclosing message. */
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
