/*
 * bundle.h — TensorFlow's variables checkpoint (TensorBundle V2): "<prefix>.index", a LevelDB-format SSTable
 * mapping tensor names to BundleEntryProto, and "<prefix>.data-NNNNN-of-MMMMM" shards holding the raw bytes.
 * Opening reads and checks the whole index (footer magic, block handles, block trailers with their masked
 * CRC32C, restart arrays, prefix-compressed keys in strictly increasing order, the header entry); the data
 * shards are only touched by sr_bundle_read, which checks bounds and the entry's CRC32C. An open bundle is
 * read-only: any number of threads may call the const functions at the same time.
 */
#ifndef SR_CONVERT_BUNDLE_H
#define SR_CONVERT_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "convert/tf_types.h"

typedef struct sr_bundle sr_bundle;

/* One tensor of the checkpoint (a BundleEntryProto and its key). */
typedef struct sr_bundle_entry {
  const char* key; /* e.g. "w/.ATTRIBUTES/VARIABLE_VALUE"; NUL-terminated, key_len excludes the NUL */
  size_t key_len;
  int32_t dtype;
  sr_tf_shape shape;  /* fully defined (every dim >= 0, checked at open) */
  size_t num_elements;
  int32_t shard_id;   /* < num_shards (checked at open) */
  uint64_t offset;    /* bytes [offset, offset + size) of the shard file */
  uint64_t size;      /* for numeric dtypes: num_elements * dtype size (checked at open) */
  uint32_t crc32c;    /* unmasked CRC32C of the data bytes */
  int has_crc32c;     /* the entry carried field 6 (TF always writes it) */
  size_t n_slices;    /* > 0 for a partitioned variable: such entries cannot be read (UNSUPPORTED) */
} sr_bundle_entry;

/* Opens "<prefix>.index" (prefix is e.g. "model_dir/variables/variables") and decodes every entry.
 * *out (set to NULL first) receives the bundle, owned by the caller: release with sr_bundle_destroy.
 * Errors: IO when the index cannot be read; BAD_MODEL for any malformed byte, with a message naming the file
 * and what is wrong where ("variables.index: data block at 0x1f2 (size 512): bad CRC32C (stored 0x..,
 * computed 0x..)"); UNSUPPORTED for compressed (Snappy) blocks. */
sigrun_status sr_bundle_open(const char* prefix, sr_bundle** out, sigrun_error* error);
/* Same over an index held in memory (copied); shards are still read from "<prefix>.data-*" files when
 * sr_bundle_read is called. Used by tests. */
sigrun_status sr_bundle_open_index(const char* prefix, const void* index, size_t index_size, sr_bundle** out,
                                   sigrun_error* error);
/* Frees the bundle and every entry and string it returned. NULL is a no-op. */
void sr_bundle_destroy(sr_bundle* bundle);

/* The header (key ""): number of data shards (>= 1) and whether tensor bytes are big-endian. */
int32_t sr_bundle_num_shards(const sr_bundle* bundle);
int sr_bundle_big_endian(const sr_bundle* bundle);

/* Entries other than the header, sorted by key; i < sr_bundle_count. Pointers live as long as the bundle. */
size_t sr_bundle_count(const sr_bundle* bundle);
const sr_bundle_entry* sr_bundle_entry_at(const sr_bundle* bundle, size_t i);
/* The entry with this exact key, or NULL (binary search). */
const sr_bundle_entry* sr_bundle_find(const sr_bundle* bundle, const char* key);

/* Reads a numeric entry's bytes into dst (dst_size must equal entry->size), verifies the CRC32C, and converts
 * big-endian data to little-endian. Opens the shard file for the duration of the call. Errors: BAD_ARGUMENT
 * for a wrong dst_size or a DT_STRING / sliced entry; IO when the shard cannot be read or is shorter than
 * offset + size; BAD_MODEL on a CRC mismatch ("variables.data-00000-of-00001: tensor 'w/...' at offset 64
 * (16 bytes): bad CRC32C ..."). */
sigrun_status sr_bundle_read(const sr_bundle* bundle, const sr_bundle_entry* entry, void* dst, size_t dst_size,
                             sigrun_error* error);

/* Reads a DT_STRING entry (varint64 lengths, masked CRC32C of the lengths, then the bytes; all covered by the
 * entry CRC) into pool: *items gets num_elements byte strings (each NUL-terminated). */
sigrun_status sr_bundle_read_strings(const sr_bundle* bundle, const sr_bundle_entry* entry, sr_pool* pool,
                                     sr_tf_bytes** items, size_t* count, sigrun_error* error);

/* The name of shard shard_id ("variables.data-00000-of-00001", the base name only) into buf; returns buf. */
const char* sr_bundle_shard_name(const sr_bundle* bundle, int32_t shard_id, char* buf, size_t size);

#endif /* SR_CONVERT_BUNDLE_H */
