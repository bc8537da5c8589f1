/*
 * bundle.c — TensorBundle (variables checkpoint) access: decodes the header and every BundleEntryProto of the
 * index table at open, then reads tensor bytes from the data shards on demand, checking bounds and CRC32C.
 * Invariant after open: entries are sorted by key, fully shaped, inside a declared shard, and sized consistently
 * with their dtype; the bundle is never modified again.
 */
#include "convert/bundle.h"

#include <stdio.h>

#include "convert/convert_io.h"
#include "convert/crc32c.h"
#include "convert/sstable.h"
#include "convert/tf_decode.h"

/* Bundle format version this reader implements (BundleHeaderProto.version.producer of TF's writer). */
#define SR_BUNDLE_VERSION 1
/* Index files above this size are refused (TF's are kilobytes to a few megabytes). */
#define SR_BUNDLE_MAX_INDEX_BYTES ((size_t)1 << 31)
/* Shard ids are printed with %05d; more than this many shards is not something TF writes. */
#define SR_BUNDLE_MAX_SHARDS 99999

struct sr_bundle {
  sr_pool pool;
  char* prefix;       /* heap copy of the path prefix */
  char* index_name;   /* base name, for messages: "variables.index" */
  uint8_t* index;     /* the index file bytes (entry values point into them while decoding) */
  size_t index_size;
  int32_t num_shards;
  int big_endian;
  sr_bundle_entry* entries;
  size_t count;
};

typedef struct header {
  int32_t num_shards;
  int32_t endianness;
  int32_t min_consumer;
  int32_t* bad_consumers;
  size_t n_bad_consumers;
} header;

static sigrun_status version_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  header* h = out;
  if (f->number == 2) return sr_pb_i32(r, f, &h->min_consumer);
  if (f->number == 3) return sr_pb_repeated(r, f, SR_PB_K_INT32, pool, &h->bad_consumers, &h->n_bad_consumers);
  return SIGRUN_STATUS_OK;
}

static sigrun_status header_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  header* h = out;
  switch (f->number) {
    case 1:
      return sr_pb_i32(r, f, &h->num_shards);
    case 2:
      return sr_pb_i32(r, f, &h->endianness);
    case 3:
      return sr_tfd_sub(r, f, "VersionDef", pool, h, version_field);
    default:
      return SIGRUN_STATUS_OK;
  }
}

typedef struct entry_fields {
  sr_bundle_entry* e;
  int64_t offset;
  int64_t size;
} entry_fields;

static sigrun_status entry_field(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, void* out) {
  entry_fields* x = out;
  switch (f->number) {
    case 1:
      return sr_pb_i32(r, f, &x->e->dtype);
    case 2:
      return sr_tfd_sub(r, f, "TensorShapeProto", pool, &x->e->shape, sr_tfd_shape_field);
    case 3:
      return sr_pb_i32(r, f, &x->e->shard_id);
    case 4:
      return sr_pb_i64(r, f, &x->offset);
    case 5:
      return sr_pb_i64(r, f, &x->size);
    case 6:
      x->e->has_crc32c = 1;
      return sr_pb_fixed32(r, f, &x->e->crc32c);
    case 7:
      if (f->wire != SR_PB_LEN) return sr_pb_fail(r, f, SIGRUN_STATUS_BAD_MODEL, "slices must be messages");
      x->e->n_slices++;
      return SIGRUN_STATUS_OK;
    default:
      return SIGRUN_STATUS_OK;
  }
}

static sigrun_status decode_header(sr_bundle* b, const sr_sstable_kv* kv, sigrun_error* error) {
  sr_pb_reader r;
  sr_pb_init(&r, b->index, kv->value_offset + kv->value_len, b->index_name, "BundleHeaderProto", error);
  r.pos = kv->value_offset;
  header h = {0};
  sigrun_status st = sr_tfd_message(&r, &b->pool, &h, header_field);
  if (st != SIGRUN_STATUS_OK) return st;
  if (h.num_shards < 1 || h.num_shards > SR_BUNDLE_MAX_SHARDS) {
    return sr_tfd_fail_at(&r, kv->value_offset, SIGRUN_STATUS_BAD_MODEL, "num_shards is %d (1..%d expected)",
                          (int)h.num_shards, SR_BUNDLE_MAX_SHARDS);
  }
  if (h.endianness != 0 && h.endianness != 1) {
    return sr_tfd_fail_at(&r, kv->value_offset, SIGRUN_STATUS_BAD_MODEL,
                          "endianness %d is neither LITTLE (0) nor BIG (1)", (int)h.endianness);
  }
  if (h.min_consumer > SR_BUNDLE_VERSION) {
    return sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "%s: the bundle needs a reader of version %d (this one is %d)",
                   b->index_name, (int)h.min_consumer, SR_BUNDLE_VERSION);
  }
  for (size_t i = 0; i < h.n_bad_consumers; i++) {
    if (h.bad_consumers[i] == SR_BUNDLE_VERSION) {
      return sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "%s: the bundle disallows readers of version %d",
                     b->index_name, SR_BUNDLE_VERSION);
    }
  }
  b->num_shards = h.num_shards;
  b->big_endian = h.endianness == 1;
  return SIGRUN_STATUS_OK;
}

/* Shape, shard, and size checks that make sr_bundle_read safe. */
static sigrun_status check_entry(const sr_bundle* b, const sr_pb_reader* r, size_t at, sr_bundle_entry* e,
                                 const entry_fields* x) {
  if (e->shape.unknown_rank) return sr_tfd_fail_at(r, at, SIGRUN_STATUS_BAD_MODEL, "shape has an unknown rank");
  size_t count = 1;
  for (size_t i = 0; i < e->shape.rank; i++) {
    int64_t d = e->shape.dims[i];
    if (d < 0) return sr_tfd_fail_at(r, at, SIGRUN_STATUS_BAD_MODEL, "dim %zu is %lld", i, (long long)d);
    if ((uint64_t)d > SIZE_MAX || !sr_mul_size(count, (size_t)d, &count))
      return sr_tfd_fail_at(r, at, SIGRUN_STATUS_BAD_MODEL, "element count overflows");
  }
  e->num_elements = count;
  e->crc32c = sr_crc32c_unmask(e->crc32c); /* stored masked, as every CRC kept next to its data */
  if (e->n_slices) return SIGRUN_STATUS_OK; /* a partitioned variable's entry has no bytes of its own */
  if (e->shard_id < 0 || e->shard_id >= b->num_shards) {
    return sr_tfd_fail_at(r, at, SIGRUN_STATUS_BAD_MODEL, "shard_id %d is outside the %d shards", (int)e->shard_id,
                          (int)b->num_shards);
  }
  if (x->offset < 0 || x->size < 0 || x->size > INT64_MAX - x->offset) {
    return sr_tfd_fail_at(r, at, SIGRUN_STATUS_BAD_MODEL, "offset %lld / size %lld are not a valid byte range",
                          (long long)x->offset, (long long)x->size);
  }
  e->offset = (uint64_t)x->offset;
  e->size = (uint64_t)x->size;
  size_t width = sr_tf_dtype_size(e->dtype);
  size_t nbytes;
  if (width && (!sr_mul_size(count, width, &nbytes) || nbytes != e->size)) {
    return sr_tfd_fail_at(r, at, SIGRUN_STATUS_BAD_MODEL, "size %llu does not match %zu elements of %s",
                          (unsigned long long)e->size, count, sr_tf_dtype_name(e->dtype));
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status decode_entry(sr_bundle* b, const sr_sstable_kv* kv, sr_bundle_entry* e, sigrun_error* error) {
  char msg[160];
  snprintf(msg, sizeof msg, "BundleEntryProto of '%.100s'", kv->key);
  sr_pb_reader r;
  sr_pb_init(&r, b->index, kv->value_offset + kv->value_len, b->index_name, msg, error);
  r.pos = kv->value_offset;
  entry_fields x = {e, 0, 0};
  e->key = kv->key;
  e->key_len = kv->key_len;
  sigrun_status st = sr_tfd_message(&r, &b->pool, &x, entry_field);
  if (st == SIGRUN_STATUS_OK) st = check_entry(b, &r, kv->value_offset, e, &x);
  if (st == SIGRUN_STATUS_OK && strlen(e->key) != e->key_len) {
    st = sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "%s: key '%s' contains a NUL byte", b->index_name, e->key);
  }
  return st;
}

static sigrun_status decode_index(sr_bundle* b, sigrun_error* error) {
  sr_sstable_kv* kvs;
  size_t n;
  sigrun_status st = sr_sstable_read(b->index, b->index_size, b->index_name, &b->pool, &kvs, &n, error);
  if (st != SIGRUN_STATUS_OK) return st;
  /* Keys are strictly increasing and "" is the smallest key, so the header can only be first. */
  if (n == 0 || kvs[0].key_len != 0) {
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "%s: the table has no header entry (empty key)", b->index_name);
  }
  if ((st = decode_header(b, &kvs[0], error)) != SIGRUN_STATUS_OK) return st;
  b->count = n - 1;
  b->entries = sr_pool_array(&b->pool, b->count ? b->count : 1, sizeof *b->entries);
  if (!b->entries) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "%s: out of memory", b->index_name);
  for (size_t i = 0; i < b->count; i++) {
    if ((st = decode_entry(b, &kvs[i + 1], &b->entries[i], error)) != SIGRUN_STATUS_OK) return st;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status new_bundle(const char* prefix, sr_bundle** out, sigrun_error* error) {
  sr_bundle* b = sr_calloc(1, sizeof *b);
  if (!b) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  sr_pool_init(&b->pool);
  const char* slash = strrchr(prefix, '/');
  const char* base = slash ? slash + 1 : prefix;
  b->prefix = sr_strdup(prefix);
  b->index_name = sr_malloc(strlen(base) + sizeof ".index");
  if (!b->prefix || !b->index_name) {
    sr_bundle_destroy(b);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  memcpy(b->index_name, base, strlen(base));
  memcpy(b->index_name + strlen(base), ".index", sizeof ".index");
  *out = b;
  return SIGRUN_STATUS_OK;
}

static sigrun_status finish_open(sr_bundle* b, sr_bundle** out, sigrun_error* error) {
  sigrun_status st = decode_index(b, error);
  if (st != SIGRUN_STATUS_OK) {
    sr_bundle_destroy(b);
    return st;
  }
  *out = b;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_bundle_open(const char* prefix, sr_bundle** out, sigrun_error* error) {
  *out = NULL;
  sr_bundle* b;
  sigrun_status st = new_bundle(prefix, &b, error);
  if (st != SIGRUN_STATUS_OK) return st;
  char* path = sr_malloc(strlen(prefix) + sizeof ".index");
  if (!path) {
    sr_bundle_destroy(b);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  memcpy(path, prefix, strlen(prefix));
  memcpy(path + strlen(prefix), ".index", sizeof ".index");
  st = sr_cvio_read_file(path, SR_BUNDLE_MAX_INDEX_BYTES, &b->index, &b->index_size, error);
  sr_free(path);
  if (st != SIGRUN_STATUS_OK) {
    sr_bundle_destroy(b);
    return st;
  }
  return finish_open(b, out, error);
}

sigrun_status sr_bundle_open_index(const char* prefix, const void* index, size_t index_size, sr_bundle** out,
                                   sigrun_error* error) {
  *out = NULL;
  sr_bundle* b;
  sigrun_status st = new_bundle(prefix, &b, error);
  if (st != SIGRUN_STATUS_OK) return st;
  b->index = sr_malloc(index_size + 1);
  if (!b->index) {
    sr_bundle_destroy(b);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  if (index_size) memcpy(b->index, index, index_size);
  b->index_size = index_size;
  return finish_open(b, out, error);
}

void sr_bundle_destroy(sr_bundle* b) {
  if (!b) return;
  sr_pool_destroy(&b->pool);
  sr_free(b->prefix);
  sr_free(b->index_name);
  sr_free(b->index);
  sr_free(b);
}

int32_t sr_bundle_num_shards(const sr_bundle* b) { return b->num_shards; }
int sr_bundle_big_endian(const sr_bundle* b) { return b->big_endian; }
size_t sr_bundle_count(const sr_bundle* b) { return b->count; }
const sr_bundle_entry* sr_bundle_entry_at(const sr_bundle* b, size_t i) { return i < b->count ? &b->entries[i] : NULL; }

const sr_bundle_entry* sr_bundle_find(const sr_bundle* b, const char* key) {
  size_t lo = 0, hi = b->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(b->entries[mid].key, key);
    if (c == 0) return &b->entries[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

const char* sr_bundle_shard_name(const sr_bundle* b, int32_t shard_id, char* buf, size_t size) {
  const char* slash = strrchr(b->prefix, '/');
  snprintf(buf, size, "%s.data-%05d-of-%05d", slash ? slash + 1 : b->prefix, (int)shard_id, (int)b->num_shards);
  return buf;
}

/* The path of an entry's shard in a new sr_malloc string, or NULL. */
static char* shard_path(const sr_bundle* b, const sr_bundle_entry* e) {
  char suffix[64];
  snprintf(suffix, sizeof suffix, ".data-%05d-of-%05d", (int)e->shard_id, (int)b->num_shards);
  size_t n = strlen(b->prefix);
  char* path = sr_malloc(n + strlen(suffix) + 1);
  if (!path) return NULL;
  memcpy(path, b->prefix, n);
  memcpy(path + n, suffix, strlen(suffix) + 1);
  return path;
}

/* Reads the raw bytes of an entry from its shard (not checked against the CRC). With check_only set, only
 * checks that the shard holds [offset, offset + size), so callers can do that before allocating. */
static sigrun_status read_raw(const sr_bundle* b, const sr_bundle_entry* e, void* dst, int check_only,
                              sigrun_error* error) {
  char* path = shard_path(b, e);
  if (!path) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  sigrun_status st;
  uint64_t file_size;
  if (check_only) {
    st = sr_cvio_file_size(path, &file_size, error);
    if (st == SIGRUN_STATUS_OK && (e->offset > file_size || e->size > file_size - e->offset)) {
      st = sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "'%s' has %llu bytes: [%llu, +%llu) runs past its end", path,
                   (unsigned long long)file_size, (unsigned long long)e->offset, (unsigned long long)e->size);
    }
  } else {
    st = sr_cvio_read_range(path, e->offset, dst, (size_t)e->size, error);
  }
  sr_free(path);
  if (st != SIGRUN_STATUS_OK && error) sr_error_prefix(error, "tensor '%s'", e->key);
  return st;
}

static sigrun_status crc_mismatch(const sr_bundle* b, const sr_bundle_entry* e, uint32_t computed,
                                  sigrun_error* error) {
  char shard[96];
  return sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                 "%s: tensor '%s' at offset %llu (%llu bytes): bad CRC32C (stored 0x%08x, computed 0x%08x)",
                 sr_bundle_shard_name(b, e->shard_id, shard, sizeof shard), e->key, (unsigned long long)e->offset,
                 (unsigned long long)e->size, (unsigned)e->crc32c, (unsigned)computed);
}

static sigrun_status check_readable(const sr_bundle_entry* e, sigrun_error* error) {
  if (e->n_slices) {
    return sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "tensor '%s' is a partitioned variable (%zu slices)", e->key,
                   e->n_slices);
  }
  if (e->size > SIZE_MAX) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "tensor '%s' is too large", e->key);
  return SIGRUN_STATUS_OK;
}

/* Big-endian bundles store each element (each component of a complex) byte-reversed. */
static void swap_elements(uint8_t* p, size_t nbytes, size_t width) {
  for (size_t i = 0; i + width <= nbytes; i += width) {
    for (size_t a = i, z = i + width - 1; a < z; a++, z--) {
      uint8_t t = p[a];
      p[a] = p[z];
      p[z] = t;
    }
  }
}

sigrun_status sr_bundle_read(const sr_bundle* b, const sr_bundle_entry* e, void* dst, size_t dst_size,
                             sigrun_error* error) {
  size_t width = sr_tf_dtype_size(e->dtype);
  if (width == 0) {
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "tensor '%s' of dtype %s has no dense byte form", e->key,
                   sr_tf_dtype_name(e->dtype));
  }
  sigrun_status st = check_readable(e, error);
  if (st != SIGRUN_STATUS_OK) return st;
  if (dst_size != e->size) {
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "tensor '%s' has %llu bytes, the buffer %zu", e->key,
                   (unsigned long long)e->size, dst_size);
  }
  if ((st = read_raw(b, e, dst, 0, error)) != SIGRUN_STATUS_OK) return st;
  uint32_t crc = sr_crc32c(dst, dst_size);
  if (e->has_crc32c && crc != e->crc32c) return crc_mismatch(b, e, crc, error);
  if (b->big_endian && width > 1) {
    swap_elements(dst, dst_size, e->dtype == SR_TF_COMPLEX64 || e->dtype == SR_TF_COMPLEX128 ? width / 2 : width);
  }
  return SIGRUN_STATUS_OK;
}

/* Parses a DT_STRING tensor: varint64 lengths, their masked CRC32C, then the bytes. The entry CRC covers the
 * lengths as 32-bit (or, above 4 GiB, 64-bit) little-endian values, the length checksum and the bytes. */
static sigrun_status parse_strings(const sr_bundle* b, const sr_bundle_entry* e, const uint8_t* raw, sr_pool* pool,
                                   sr_tf_bytes* items, sigrun_error* error) {
  size_t size = (size_t)e->size, pos = 0;
  uint32_t crc = 0;
  for (size_t i = 0; i < e->num_elements; i++) {
    uint64_t len;
    int used = sr_pb_varint(raw + pos, size - pos, &len);
    if (used <= 0) return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "tensor '%s': length %zu is malformed", e->key, i);
    pos += (size_t)used;
    uint8_t le[8];
    for (int k = 0; k < 8; k++) le[k] = (uint8_t)(len >> (8 * k));
    crc = sr_crc32c_extend(crc, le, len <= UINT32_MAX ? 4 : 8);
    items[i].size = len > SIZE_MAX ? SIZE_MAX : (size_t)len;
  }
  if (size - pos < 4) return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "tensor '%s': no length checksum", e->key);
  uint32_t stored = (uint32_t)raw[pos] | (uint32_t)raw[pos + 1] << 8 | (uint32_t)raw[pos + 2] << 16 |
                    (uint32_t)raw[pos + 3] << 24;
  if (sr_crc32c_unmask(stored) != crc) {
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "tensor '%s': bad checksum of the string lengths", e->key);
  }
  crc = sr_crc32c_extend(crc, raw + pos, 4);
  pos += 4;
  for (size_t i = 0; i < e->num_elements; i++) {
    if (items[i].size > size - pos) {
      return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "tensor '%s': string %zu (%zu bytes) runs past the data",
                     e->key, i, items[i].size);
    }
    char* s = sr_pool_alloc(pool, items[i].size + 1);
    if (!s) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
    memcpy(s, raw + pos, items[i].size);
    items[i].data = s;
    crc = sr_crc32c_extend(crc, raw + pos, items[i].size);
    pos += items[i].size;
  }
  if (pos != size) {
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "tensor '%s': %zu bytes left after the strings", e->key, size - pos);
  }
  if (e->has_crc32c && crc != e->crc32c) return crc_mismatch(b, e, crc, error);
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_bundle_read_strings(const sr_bundle* b, const sr_bundle_entry* e, sr_pool* pool,
                                     sr_tf_bytes** items, size_t* count, sigrun_error* error) {
  *items = NULL;
  *count = 0;
  if (e->dtype != SR_TF_STRING) {
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "tensor '%s' is %s, not string", e->key,
                   sr_tf_dtype_name(e->dtype));
  }
  sigrun_status st = check_readable(e, error);
  if (st != SIGRUN_STATUS_OK) return st;
  /* Every element takes at least one length byte, which bounds the element array by the data size. */
  if (e->num_elements > e->size) {
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "tensor '%s': %zu strings cannot fit in %llu bytes", e->key,
                   e->num_elements, (unsigned long long)e->size);
  }
  if ((st = read_raw(b, e, NULL, 1, error)) != SIGRUN_STATUS_OK) return st;
  sr_tf_bytes* out = sr_pool_array(pool, e->num_elements ? e->num_elements : 1, sizeof *out);
  uint8_t* raw = sr_malloc((size_t)e->size ? (size_t)e->size : 1);
  if (!out || !raw) {
    sr_free(raw);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory reading tensor '%s'", e->key);
  }
  st = read_raw(b, e, raw, 0, error);
  if (st == SIGRUN_STATUS_OK) st = parse_strings(b, e, raw, pool, out, error);
  sr_free(raw);
  if (st != SIGRUN_STATUS_OK) return st;
  *items = out;
  *count = e->num_elements;
  return SIGRUN_STATUS_OK;
}
