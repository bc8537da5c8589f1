/*
 * sstable.h — internal: a reader for the LevelDB table format TensorFlow uses for bundle indexes. It checks the
 * whole file at once (footer, block handles, trailers and their masked CRC32C, restart arrays, prefix-compressed
 * keys in strictly increasing order, index separators) and returns every key/value of the data blocks.
 */
#ifndef SR_CONVERT_SSTABLE_H
#define SR_CONVERT_SSTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/common.h"

/* Footer: two block handles padded to 40 bytes, then the 8-byte magic. */
#define SR_SSTABLE_FOOTER_SIZE 48
#define SR_SSTABLE_MAGIC 0xdb4775248b80fb57ull
/* Each block is followed by a compression-type byte and a masked CRC32C of the block and that byte. */
#define SR_SSTABLE_TRAILER_SIZE 5

typedef struct sr_sstable_kv {
  const char* key;      /* pool copy, NUL-terminated (keys may hold NULs: key_len is authoritative) */
  size_t key_len;
  const uint8_t* value; /* points into the table bytes */
  size_t value_len;
  size_t value_offset;  /* of the value in the file, for messages */
} sr_sstable_kv;

/* Reads the table in data[0..size) (file names it in messages). *entries (pool memory) gets the entries of all
 * data blocks in key order. BAD_MODEL for any inconsistency, with the block offset and what is wrong;
 * UNSUPPORTED for compressed blocks; NO_MEMORY. Expanded keys may total at most 16 times the file size, which
 * bounds the work on hostile prefix compression. */
sigrun_status sr_sstable_read(const uint8_t* data, size_t size, const char* file, sr_pool* pool,
                              sr_sstable_kv** entries, size_t* count, sigrun_error* error);

#endif /* SR_CONVERT_SSTABLE_H */
