/*
 * sstable.c — the LevelDB table reader behind bundle indexes: footer → index block → data blocks, every block
 * checked against its trailer CRC and parsed entry by entry (shared/unshared/value lengths, restart points).
 * Invariant: keys handed out are strictly increasing across the whole table, each data block lies inside the
 * file before the footer, and every index separator is >= the last key of its block and < the next block's keys.
 */
#include "convert/sstable.h"

#include <stdio.h>

#include "convert/crc32c.h"
#include "convert/proto.h"

typedef struct table_reader {
  const uint8_t* data;
  size_t size;
  size_t limit; /* blocks must end (trailer included) at or before the footer */
  const char* file;
  sr_pool* pool;
  sigrun_error* error;
  char* key;     /* the key being rebuilt (heap, grown on demand) */
  size_t key_cap;
  size_t key_len;
  size_t key_budget; /* bytes of expanded keys still allowed */
} table_reader;

typedef struct block_span {
  size_t offset;
  size_t size;
  const char* what; /* "data", "index", "metaindex" */
} block_span;

static uint32_t load32(const uint8_t* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static sigrun_status fail_block(const table_reader* t, const block_span* b, const char* fmt, ...) SR_PRINTF(3, 4);
static sigrun_status fail_block(const table_reader* t, const block_span* b, const char* fmt, ...) {
  char what[SIGRUN_ERROR_MESSAGE_SIZE];
  va_list args;
  va_start(args, fmt);
  vsnprintf(what, sizeof what, fmt, args);
  va_end(args);
  return sr_fail(t->error, SIGRUN_STATUS_BAD_MODEL, "%s: %s block at 0x%zx (size %zu): %s", t->file, b->what,
                 b->offset, b->size, what);
}

/* Reads a BlockHandle (varint64 offset, varint64 size) from p[0..n) and checks it lies before the footer. */
static sigrun_status decode_handle(const table_reader* t, const uint8_t* p, size_t n, const char* what,
                                   size_t where, block_span* out, size_t* used) {
  uint64_t off, sz;
  int a = sr_pb_varint(p, n, &off);
  int b = a > 0 ? sr_pb_varint(p + a, n - (size_t)a, &sz) : 0;
  if (a <= 0 || b <= 0) {
    return sr_fail(t->error, SIGRUN_STATUS_BAD_MODEL, "%s: %s block handle at 0x%zx is truncated or malformed",
                   t->file, what, where);
  }
  if (off > t->limit || sz > t->limit - off || SR_SSTABLE_TRAILER_SIZE > t->limit - off - sz) {
    return sr_fail(t->error, SIGRUN_STATUS_BAD_MODEL,
                   "%s: %s block handle at 0x%zx points at [0x%llx, +%llu) plus trailer, beyond the %zu bytes "
                   "before the footer",
                   t->file, what, where, (unsigned long long)off, (unsigned long long)sz, t->limit);
  }
  out->offset = (size_t)off;
  out->size = (size_t)sz;
  out->what = what;
  if (used) *used = (size_t)(a + b);
  return SIGRUN_STATUS_OK;
}

static sigrun_status check_trailer(const table_reader* t, const block_span* b) {
  const uint8_t* block = t->data + b->offset;
  uint8_t type = block[b->size];
  uint32_t stored = sr_crc32c_unmask(load32(block + b->size + 1));
  uint32_t computed = sr_crc32c(block, b->size + 1); /* the block and its type byte */
  if (stored != computed) {
    return fail_block(t, b, "bad CRC32C (stored 0x%08x, computed 0x%08x)", (unsigned)stored, (unsigned)computed);
  }
  if (type == 1) {
    return sr_fail(t->error, SIGRUN_STATUS_UNSUPPORTED,
                   "%s: %s block at 0x%zx is Snappy-compressed; TensorFlow writes bundles uncompressed", t->file,
                   b->what, b->offset);
  }
  if (type != 0) return fail_block(t, b, "unknown compression type %u", (unsigned)type);
  return SIGRUN_STATUS_OK;
}

static int key_less(const char* a, size_t la, const char* b, size_t lb) {
  int c = memcmp(a, b, la < lb ? la : lb);
  return c < 0 || (c == 0 && la < lb);
}

/* Makes room for a key of n bytes in t->key, keeping its first keep bytes. */
static int reserve_key(table_reader* t, size_t n) {
  if (n + 1 <= t->key_cap) return 1;
  size_t cap = t->key_cap ? t->key_cap : 64;
  while (cap < n + 1) cap *= 2;
  char* grown = sr_realloc(t->key, cap);
  if (!grown) return 0;
  t->key = grown;
  t->key_cap = cap;
  return 1;
}

typedef sigrun_status (*entry_fn)(table_reader* t, const block_span* b, size_t entry_offset, const uint8_t* value,
                                  size_t value_len, void* ctx);

static sigrun_status read_entry_lengths(const table_reader* t, const block_span* b, const uint8_t* p, size_t left,
                                        size_t at, uint32_t len[3], size_t* used) {
  size_t pos = 0;
  for (int i = 0; i < 3; i++) {
    uint64_t v;
    int n = sr_pb_varint(p + pos, left - pos < 5 ? left - pos : 5, &v);
    if (n <= 0 || v > UINT32_MAX) return fail_block(t, b, "entry at +%zu: truncated or malformed length varint", at);
    len[i] = (uint32_t)v;
    pos += (size_t)n;
  }
  *used = pos;
  return SIGRUN_STATUS_OK;
}

/* Parses one block's entries; calls fn with each entry (its key is in t->key / t->key_len). Restart points
 * must sit at entry starts and hold unshared keys; keys must increase strictly (continuing from t->key). */
static sigrun_status parse_block(table_reader* t, const block_span* b, int first_block, entry_fn fn, void* ctx) {
  const uint8_t* block = t->data + b->offset;
  if (b->size < 4) return fail_block(t, b, "too small for its restart count");
  uint32_t num_restarts = load32(block + b->size - 4);
  if (num_restarts > (b->size - 4) / 4) {
    return fail_block(t, b, "restart count %u does not fit in the block", (unsigned)num_restarts);
  }
  size_t entries_end = b->size - 4 - 4 * (size_t)num_restarts;
  const uint8_t* restarts = block + entries_end;
  if (entries_end > 0 && num_restarts == 0) return fail_block(t, b, "has entries but no restart points");
  size_t pos = 0, next_restart = 0;
  int have_prev = !first_block;
  while (pos < entries_end) {
    size_t at = pos;
    int is_restart = 0;
    if (next_restart < num_restarts) {
      uint32_t r = load32(restarts + 4 * next_restart);
      if (r < at) {
        return fail_block(t, b, "restart point %zu (offset %u) is not at an entry", next_restart, (unsigned)r);
      }
      if (r == at) {
        is_restart = 1;
        next_restart++;
      }
    }
    if (at == 0 && !is_restart) return fail_block(t, b, "first restart point is not at offset 0");
    uint32_t len[3] = {0, 0, 0};
    size_t used = 0;
    sigrun_status st = read_entry_lengths(t, b, block + pos, entries_end - pos, at, len, &used);
    if (st != SIGRUN_STATUS_OK) return st;
    pos += used;
    uint32_t shared = len[0], unshared = len[1], value_len = len[2];
    if (is_restart && shared != 0) {
      return fail_block(t, b, "entry at +%zu is a restart point but shares %u key bytes", at, (unsigned)shared);
    }
    if (shared > t->key_len || (!have_prev && shared)) {
      return fail_block(t, b, "entry at +%zu shares %u bytes of a %zu-byte previous key", at, (unsigned)shared,
                        have_prev ? t->key_len : 0);
    }
    if (unshared > entries_end - pos || value_len > entries_end - pos - unshared) {
      return fail_block(t, b, "entry at +%zu: key (%u bytes) and value (%u bytes) run past the entries", at,
                        (unsigned)unshared, (unsigned)value_len);
    }
    size_t key_len = (size_t)shared + unshared;
    if (key_len > t->key_budget) {
      return fail_block(t, b, "entry at +%zu: expanded keys exceed 16 times the file size", at);
    }
    t->key_budget -= key_len;
    /* The new key must be strictly greater than the previous one: compare before overwriting. */
    const char* unshared_bytes = (const char*)block + pos;
    if (have_prev && !key_less(t->key + shared, t->key_len - shared, unshared_bytes, unshared)) {
      return fail_block(t, b, "entry at +%zu: key is not greater than the previous key", at);
    }
    if (!reserve_key(t, key_len)) return sr_fail(t->error, SIGRUN_STATUS_NO_MEMORY, "%s: out of memory", t->file);
    memcpy(t->key + shared, unshared_bytes, unshared);
    t->key_len = key_len;
    t->key[key_len] = 0;
    pos += unshared;
    have_prev = 1;
    if ((st = fn(t, b, at, block + pos, value_len, ctx)) != SIGRUN_STATUS_OK) return st;
    pos += value_len;
  }
  /* Restarts left over must be those of an empty block, which LevelDB writes as a single offset 0. */
  for (; next_restart < num_restarts; next_restart++) {
    uint32_t r = load32(restarts + 4 * next_restart);
    if (entries_end != 0 || r != 0) {
      return fail_block(t, b, "restart point %zu (offset %u) is not at an entry", next_restart, (unsigned)r);
    }
  }
  return SIGRUN_STATUS_OK;
}

/* ---- data blocks ---- */

typedef struct data_ctx {
  sr_sstable_kv** entries;
  size_t* count;
} data_ctx;

static sigrun_status keep_entry(table_reader* t, const block_span* b, size_t at, const uint8_t* value, size_t value_len,
                                void* ctx) {
  data_ctx* d = ctx;
  sr_sstable_kv* kv = sr_pb_push(t->pool, d->entries, d->count, sizeof **d->entries);
  char* key = sr_pool_alloc(t->pool, t->key_len + 1);
  if (!kv || !key) return sr_fail(t->error, SIGRUN_STATUS_NO_MEMORY, "%s: out of memory", t->file);
  memcpy(key, t->key, t->key_len + 1);
  kv->key = key;
  kv->key_len = t->key_len;
  kv->value = value;
  kv->value_len = value_len;
  kv->value_offset = (size_t)(value - t->data);
  return SIGRUN_STATUS_OK;
}

/* ---- index block ---- */

typedef struct index_ctx {
  block_span* handles;
  size_t n;
  char** separators; /* heap copies, freed by the caller */
  size_t* separator_lens;
  size_t cap;
} index_ctx;

static sigrun_status keep_handle(table_reader* t, const block_span* b, size_t at, const uint8_t* value,
                                 size_t value_len, void* ctx) {
  index_ctx* x = ctx;
  if (x->n == x->cap) {
    size_t cap = x->cap ? 2 * x->cap : 16;
    block_span* h = sr_realloc(x->handles, cap * sizeof *h);
    if (h) x->handles = h;
    char** s = sr_realloc(x->separators, cap * sizeof *s);
    if (s) x->separators = s;
    size_t* l = sr_realloc(x->separator_lens, cap * sizeof *l);
    if (l) x->separator_lens = l;
    if (!h || !s || !l) return sr_fail(t->error, SIGRUN_STATUS_NO_MEMORY, "%s: out of memory", t->file);
    x->cap = cap;
  }
  block_span* h = &x->handles[x->n];
  sigrun_status st = decode_handle(t, value, value_len, "data", b->offset + at, h, NULL);
  if (st != SIGRUN_STATUS_OK) return st;
  x->separators[x->n] = sr_malloc(t->key_len + 1);
  if (!x->separators[x->n]) return sr_fail(t->error, SIGRUN_STATUS_NO_MEMORY, "%s: out of memory", t->file);
  memcpy(x->separators[x->n], t->key, t->key_len + 1);
  x->separator_lens[x->n] = t->key_len;
  x->n++;
  return SIGRUN_STATUS_OK;
}

static void free_index(index_ctx* x) {
  for (size_t i = 0; i < x->n; i++) sr_free(x->separators[i]);
  sr_free(x->handles);
  sr_free(x->separators);
  sr_free(x->separator_lens);
}

static sigrun_status ignore_entry(table_reader* t, const block_span* b, size_t at, const uint8_t* value,
                                  size_t value_len, void* ctx) {
  return SIGRUN_STATUS_OK;
}

static sigrun_status read_data_blocks(table_reader* t, const index_ctx* x, sr_sstable_kv** entries, size_t* count) {
  data_ctx d = {entries, count};
  size_t prev_end = 0;
  for (size_t i = 0; i < x->n; i++) {
    const block_span* b = &x->handles[i];
    if (b->offset < prev_end) {
      return fail_block(t, b, "overlaps or precedes data block %zu (which ends at 0x%zx)", i - 1, prev_end);
    }
    prev_end = b->offset + b->size + SR_SSTABLE_TRAILER_SIZE;
    sigrun_status st = check_trailer(t, b);
    if (st != SIGRUN_STATUS_OK) return st;
    size_t before = *count;
    if ((st = parse_block(t, b, *count == 0, keep_entry, &d)) != SIGRUN_STATUS_OK) return st;
    if (*count > before) {
      const sr_sstable_kv* first = &(*entries)[before];
      const sr_sstable_kv* last = &(*entries)[*count - 1];
      if (key_less(x->separators[i], x->separator_lens[i], last->key, last->key_len)) {
        return fail_block(t, b, "its last key is beyond the index separator of the block");
      }
      if (i > 0 && !key_less(x->separators[i - 1], x->separator_lens[i - 1], first->key, first->key_len)) {
        return fail_block(t, b, "its first key is not beyond the index separator of the previous block");
      }
    }
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_sstable_read(const uint8_t* data, size_t size, const char* file, sr_pool* pool,
                              sr_sstable_kv** entries, size_t* count, sigrun_error* error) {
  *entries = NULL;
  *count = 0;
  if (size < SR_SSTABLE_FOOTER_SIZE) {
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "%s: %zu bytes, too small for a table footer (%d bytes)", file,
                   size, SR_SSTABLE_FOOTER_SIZE);
  }
  const uint8_t* footer = data + size - SR_SSTABLE_FOOTER_SIZE;
  uint64_t magic = (uint64_t)load32(footer + 40) | (uint64_t)load32(footer + 44) << 32;
  if (magic != SR_SSTABLE_MAGIC) {
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "%s: not an sstable (footer magic 0x%016llx, expected 0x%016llx)",
                   file, (unsigned long long)magic, (unsigned long long)SR_SSTABLE_MAGIC);
  }
  table_reader t = {data, size, size - SR_SSTABLE_FOOTER_SIZE, file, pool, error, NULL, 0, 0, 0};
  t.key_budget = size > (SIZE_MAX - 4096) / 16 ? SIZE_MAX : 16 * size + 4096;
  block_span meta, index;
  size_t used;
  size_t footer_at = size - SR_SSTABLE_FOOTER_SIZE;
  sigrun_status st = decode_handle(&t, footer, 40, "metaindex", footer_at, &meta, &used);
  if (st == SIGRUN_STATUS_OK) st = decode_handle(&t, footer + used, 40 - used, "index", footer_at + used, &index, NULL);
  if (st == SIGRUN_STATUS_OK) st = check_trailer(&t, &meta);
  /* TF writes no meta blocks; the metaindex is checked for form only (LevelDB would list filters there). */
  if (st == SIGRUN_STATUS_OK) st = parse_block(&t, &meta, 1, ignore_entry, NULL);
  if (st == SIGRUN_STATUS_OK) st = check_trailer(&t, &index);
  index_ctx x = {0};
  t.key_len = 0;
  if (st == SIGRUN_STATUS_OK) st = parse_block(&t, &index, 1, keep_handle, &x);
  t.key_len = 0;
  if (st == SIGRUN_STATUS_OK) st = read_data_blocks(&t, &x, entries, count);
  free_index(&x);
  sr_free(t.key);
  if (st != SIGRUN_STATUS_OK) {
    *entries = NULL;
    *count = 0;
  }
  return st;
}
