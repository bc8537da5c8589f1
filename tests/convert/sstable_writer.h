/*
 * sstable_writer.h — builds LevelDB-format tables byte by byte for the bundle tests: blocks from explicit
 * entries (shared/unshared key bytes, values) and restart arrays, trailers with (optionally corrupted) masked
 * CRC32C, footers with any handles and magic, and a whole valid table from sorted key/values.
 */
#ifndef SR_TEST_SSTABLE_WRITER_H
#define SR_TEST_SSTABLE_WRITER_H

#include "convert/crc32c.h"
#include "convert/sstable.h"
#include "pb_writer.h"

typedef struct handle {
  uint64_t offset, size;
} handle;

static inline void put32(pbw* w, uint32_t v) {
  for (int i = 0; i < 4; i++) pbw_byte(w, (uint8_t)(v >> (8 * i)));
}

static inline void blk_entry(pbw* b, uint32_t shared, const void* unshared, size_t n_unshared, const void* value,
                             size_t n) {
  pbw_varint(b, shared);
  pbw_varint(b, n_unshared);
  pbw_varint(b, n);
  pbw_bytes(b, unshared, n_unshared);
  pbw_bytes(b, value, n);
}

static inline void blk_finish(pbw* b, const uint32_t* restarts, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) put32(b, restarts[i]);
  put32(b, n);
}

/* Appends a block and its trailer (type byte, masked CRC of block + type; crc_delta corrupts it). */
static inline handle add_block(pbw* file, const pbw* block, uint8_t type, uint32_t crc_delta) {
  handle h = {file->n, block->n};
  pbw_bytes(file, block->buf, block->n);
  pbw_byte(file, type);
  put32(file, sr_crc32c_mask(sr_crc32c(file->buf + h.offset, block->n + 1)) + crc_delta);
  return h;
}

static inline void put_handle(pbw* w, handle h) {
  pbw_varint(w, h.offset);
  pbw_varint(w, h.size);
}

static inline void add_footer(pbw* file, handle meta, handle index, uint64_t magic) {
  size_t start = file->n;
  put_handle(file, meta);
  put_handle(file, index);
  while (file->n < start + 40) pbw_byte(file, 0);
  put32(file, (uint32_t)magic);
  put32(file, (uint32_t)(magic >> 32));
}

static inline handle empty_block(pbw* file) {
  static pbw b;
  b.n = 0;
  static const uint32_t zero = 0;
  blk_finish(&b, &zero, 1);
  return add_block(file, &b, 0, 0);
}

typedef struct kv {
  const char* key;
  size_t key_len; /* 0: strlen(key) */
  const uint8_t* value;
  size_t value_len;
} kv;

/* A data block of entries with a restart point every `interval` entries (keys must be sorted). */
static inline void data_block(pbw* b, const kv* items, size_t n, size_t interval) {
  static uint32_t restarts[1024];
  uint32_t nr = 0;
  b->n = 0;
  const char* prev = "";
  size_t prev_len = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = items[i].key_len ? items[i].key_len : strlen(items[i].key);
    size_t shared = 0;
    if (i % interval == 0) {
      restarts[nr++] = (uint32_t)b->n;
    } else {
      while (shared < len && shared < prev_len && prev[shared] == items[i].key[shared]) shared++;
    }
    blk_entry(b, (uint32_t)shared, items[i].key + shared, len - shared, items[i].value, items[i].value_len);
    prev = items[i].key;
    prev_len = len;
  }
  blk_finish(b, restarts, nr);
}

/* A whole table: entries split into blocks of per_block entries; the index separators are the last keys. */
static inline void build_table(pbw* file, const kv* items, size_t n, size_t per_block, size_t interval) {
  static pbw block, index;
  static handle handles[256];
  file->n = 0;
  size_t nb = 0;
  for (size_t i = 0; i < n; i += per_block) {
    size_t m = n - i < per_block ? n - i : per_block;
    data_block(&block, items + i, m, interval);
    handles[nb++] = add_block(file, &block, 0, 0);
  }
  handle meta = empty_block(file);
  static kv seps[256];
  static pbw values[256];
  for (size_t b = 0; b < nb; b++) {
    size_t last = b * per_block + per_block - 1 < n ? b * per_block + per_block - 1 : n - 1;
    values[b].n = 0;
    put_handle(&values[b], handles[b]);
    seps[b] = (kv){items[last].key, items[last].key_len, values[b].buf, values[b].n};
  }
  data_block(&index, seps, nb, 1);
  handle ih = add_block(file, &index, 0, 0);
  add_footer(file, meta, ih, SR_SSTABLE_MAGIC);
}

#endif /* SR_TEST_SSTABLE_WRITER_H */
