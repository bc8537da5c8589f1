/*
 * test_bundle.c — CRC32C and the TensorBundle reader (sstable.c, bundle.c) on tables this test builds byte by
 * byte: valid bundles (several data blocks, restart points, prefix-compressed keys, string tensors, big-endian
 * data, empty tensors), then one corruption at a time of the footer, magic, handles, trailers, CRCs, restart
 * arrays, keys, index separators, header, entries, shards and string data — each must fail with a message,
 * never crash — and finally every truncation and thousands of byte flips of a valid index.
 */
#include <stdlib.h>
#include <unistd.h>

#include "convert/bundle.h"
#include "convert/crc32c.h"
#include "convert/sstable.h"
#include "harness.h"
#include "pb_writer.h"
#include "sstable_writer.h"

static sigrun_error err;
static char tmpdir[64];
static char prefix[128];

/* ---- CRC32C ---- */

static void test_crc32c(void) {
  CHECK(sr_crc32c("123456789", 9) == 0xe3069283u);
  uint8_t buf[32];
  memset(buf, 0, sizeof buf);
  CHECK(sr_crc32c(buf, 32) == 0x8a9136aau); /* RFC 3720 B.4 test vectors */
  memset(buf, 0xff, sizeof buf);
  CHECK(sr_crc32c(buf, 32) == 0x62a8ab43u);
  for (int i = 0; i < 32; i++) buf[i] = (uint8_t)i;
  CHECK(sr_crc32c(buf, 32) == 0x46dd794eu);
  CHECK(sr_crc32c_extend(sr_crc32c(buf, 10), buf + 10, 22) == sr_crc32c(buf, 32));
  CHECK(sr_crc32c(buf, 0) == 0);
  for (uint32_t v = 1; v < 0xf0000000u; v += 0x0fedcba9u) CHECK(sr_crc32c_unmask(sr_crc32c_mask(v)) == v);
  CHECK(sr_crc32c_mask(0) == 0xa282ead8u);
}

/* ---- bundle contents ---- */

static void header_proto(pbw* w, int num_shards, int endianness, int min_consumer) {
  static pbw version;
  w->n = 0;
  pbw_int(w, 1, num_shards);
  if (endianness) pbw_int(w, 2, endianness);
  version.n = 0;
  pbw_int(&version, 1, 1);
  if (min_consumer) pbw_int(&version, 2, min_consumer);
  pbw_msg(w, 3, &version);
}

static void entry_proto(pbw* w, int dtype, const int64_t* dims, int rank, int shard, int64_t offset, int64_t size,
                        uint32_t masked_crc) {
  static pbw shape, dim;
  w->n = shape.n = 0;
  pbw_int(w, 1, dtype);
  for (int i = 0; i < rank; i++) {
    dim.n = 0;
    pbw_int(&dim, 1, dims[i]);
    pbw_msg(&shape, 2, &dim);
  }
  pbw_msg(w, 2, &shape);
  if (shard) pbw_int(w, 3, shard);
  pbw_int(w, 4, offset);
  pbw_int(w, 5, size);
  pbw_fixed32(w, 6, masked_crc);
}

static void write_file(const char* path, const void* data, size_t n) {
  FILE* f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  CHECK(fwrite(data, 1, n, f) == n);
  fclose(f);
}

static char shard_path_buf[160];
static const char* shard_path(int shard, int num) {
  snprintf(shard_path_buf, sizeof shard_path_buf, "%s.data-%05d-of-%05d", prefix, shard, num);
  return shard_path_buf;
}

/* The standard valid bundle: 24 float tensors "t/00".."t/23" of shape [2,3], an int64 scalar "step", a string
 * tensor "strs" of 2 elements and an empty tensor "void"; 7 entries per data block, restarts every 3. */
enum { N_FLOATS = 24 };
static pbw data_file;
static uint8_t string_data[64];
static size_t string_size;

static float float_value(int t, int i) { return (float)(t * 10 + i) * 0.5f - 3.0f; }

/* Writes the string tensor {"ab", ""} in TF's layout: varint lengths, their masked CRC, the bytes. */
static uint32_t string_tensor(uint8_t* out, size_t* size, uint32_t length_crc_delta) {
  size_t n = 0;
  out[n++] = 2;
  out[n++] = 0;
  uint8_t le[4] = {2, 0, 0, 0}, zero[4] = {0, 0, 0, 0};
  uint32_t crc = sr_crc32c_extend(sr_crc32c(le, 4), zero, 4);
  uint32_t masked = sr_crc32c_mask(crc) + length_crc_delta;
  for (int i = 0; i < 4; i++) out[n++] = (uint8_t)(masked >> (8 * i));
  crc = sr_crc32c_extend(crc, out + 2, 4);
  out[n++] = 'a';
  out[n++] = 'b';
  crc = sr_crc32c_extend(crc, "ab", 2);
  *size = n;
  return crc;
}

static void build_bundle(pbw* index, int big_endian) {
  static kv items[N_FLOATS + 4];
  static pbw protos[N_FLOATS + 4];
  static char keys[N_FLOATS][8];
  static const int64_t dims23[] = {2, 3};
  data_file.n = 0;
  size_t k = 0;
  header_proto(&protos[k], 1, big_endian, 0);
  items[k] = (kv){"", 0, protos[k].buf, protos[k].n};
  k++;
  /* "step" < "strs" < "t/.." < "void" in byte order. */
  int64_t step = 1234567890123;
  size_t off = data_file.n;
  uint8_t bytes[8];
  for (int i = 0; i < 8; i++) bytes[i] = (uint8_t)((uint64_t)step >> (8 * (big_endian ? 7 - i : i)));
  pbw_bytes(&data_file, bytes, 8);
  entry_proto(&protos[k], SR_TF_INT64, NULL, 0, 0, (int64_t)off, 8, sr_crc32c_mask(sr_crc32c(bytes, 8)));
  items[k] = (kv){"step", 0, protos[k].buf, protos[k].n};
  k++;
  uint32_t scrc = string_tensor(string_data, &string_size, 0);
  off = data_file.n;
  pbw_bytes(&data_file, string_data, string_size);
  static const int64_t dims2[] = {2};
  entry_proto(&protos[k], SR_TF_STRING, dims2, 1, 0, (int64_t)off, (int64_t)string_size, sr_crc32c_mask(scrc));
  items[k] = (kv){"strs", 0, protos[k].buf, protos[k].n};
  k++;
  for (int t = 0; t < N_FLOATS; t++) {
    off = data_file.n;
    for (int i = 0; i < 6; i++) {
      float v = float_value(t, i);
      uint8_t b4[4];
      memcpy(b4, &v, 4);
      if (big_endian) {
        uint8_t s = b4[0];
        b4[0] = b4[3];
        b4[3] = s;
        s = b4[1];
        b4[1] = b4[2];
        b4[2] = s;
      }
      pbw_bytes(&data_file, b4, 4);
    }
    snprintf(keys[t], sizeof keys[t], "t/%02d", t);
    entry_proto(&protos[k], SR_TF_FLOAT, dims23, 2, 0, (int64_t)off, 24,
                sr_crc32c_mask(sr_crc32c(data_file.buf + off, 24)));
    items[k] = (kv){keys[t], 0, protos[k].buf, protos[k].n};
    k++;
  }
  static const int64_t dims0[] = {0, 4};
  entry_proto(&protos[k], SR_TF_FLOAT, dims0, 2, 0, (int64_t)data_file.n, 0, sr_crc32c_mask(0));
  items[k] = (kv){"void", 0, protos[k].buf, protos[k].n};
  k++;
  build_table(index, items, k, 7, 3);
}

static sigrun_status open_index(const pbw* index, sr_bundle** b) {
  err.message[0] = 0;
  return sr_bundle_open_index(prefix, index->buf, index->n, b, &err);
}

static void test_valid_bundle(void) {
  static pbw index;
  for (int big_endian = 0; big_endian < 2; big_endian++) {
    build_bundle(&index, big_endian);
    write_file(shard_path(0, 1), data_file.buf, data_file.n);
    sr_bundle* b;
    CHECK(open_index(&index, &b) == SIGRUN_STATUS_OK);
    if (!b) {
      fprintf(stderr, "  %s\n", err.message);
      continue;
    }
    CHECK(sr_bundle_num_shards(b) == 1 && sr_bundle_big_endian(b) == big_endian);
    CHECK(sr_bundle_count(b) == N_FLOATS + 3);
    for (size_t i = 1; i < sr_bundle_count(b); i++)
      CHECK(strcmp(sr_bundle_entry_at(b, i - 1)->key, sr_bundle_entry_at(b, i)->key) < 0);
    CHECK(sr_bundle_entry_at(b, sr_bundle_count(b)) == NULL);
    for (int t = 0; t < N_FLOATS; t++) {
      char key[8];
      snprintf(key, sizeof key, "t/%02d", t);
      const sr_bundle_entry* e = sr_bundle_find(b, key);
      CHECK(e && e->dtype == SR_TF_FLOAT && e->shape.rank == 2 && e->num_elements == 6 && e->size == 24);
      float v[6] = {0};
      CHECK(e && sr_bundle_read(b, e, v, sizeof v, &err) == SIGRUN_STATUS_OK);
      for (int i = 0; i < 6; i++) CHECK(v[i] == float_value(t, i));
    }
    CHECK(sr_bundle_find(b, "t/24") == NULL && sr_bundle_find(b, "") == NULL && sr_bundle_find(b, "t/0") == NULL);
    const sr_bundle_entry* step = sr_bundle_find(b, "step");
    int64_t s = 0;
    CHECK(step && step->shape.rank == 0 && sr_bundle_read(b, step, &s, 8, &err) == SIGRUN_STATUS_OK &&
          s == 1234567890123);
    const sr_bundle_entry* empty = sr_bundle_find(b, "void");
    CHECK(empty && empty->num_elements == 0 && sr_bundle_read(b, empty, NULL, 0, &err) == SIGRUN_STATUS_OK);
    const sr_bundle_entry* strs = sr_bundle_find(b, "strs");
    sr_pool pool;
    sr_pool_init(&pool);
    sr_tf_bytes* items = NULL;
    size_t n = 0;
    CHECK(strs && sr_bundle_read_strings(b, strs, &pool, &items, &n, &err) == SIGRUN_STATUS_OK);
    CHECK(n == 2 && items[0].size == 2 && strcmp(items[0].data, "ab") == 0 && items[1].size == 0);
    /* Reading the wrong way round. */
    float v[6];
    CHECK(sr_bundle_read(b, strs, v, sizeof v, &err) == SIGRUN_STATUS_BAD_ARGUMENT);
    CHECK(sr_bundle_read(b, sr_bundle_find(b, "t/00"), v, 20, &err) == SIGRUN_STATUS_BAD_ARGUMENT);
    CHECK_CONTAINS(err.message, "t/00");
    CHECK(sr_bundle_read_strings(b, step, &pool, &items, &n, &err) == SIGRUN_STATUS_BAD_ARGUMENT);
    char name[64];
    CHECK(strcmp(sr_bundle_shard_name(b, 0, name, sizeof name), "variables.data-00000-of-00001") == 0);
    sr_pool_destroy(&pool);
    sr_bundle_destroy(b);
  }
  /* The same through the file API. */
  build_bundle(&index, 0);
  char path[200];
  snprintf(path, sizeof path, "%s.index", prefix);
  write_file(path, index.buf, index.n);
  write_file(shard_path(0, 1), data_file.buf, data_file.n);
  sr_bundle* b;
  CHECK(sr_bundle_open(prefix, &b, &err) == SIGRUN_STATUS_OK && sr_bundle_count(b) == N_FLOATS + 3);
  sr_bundle_destroy(b);
  unlink(path);
  CHECK(sr_bundle_open(prefix, &b, &err) == SIGRUN_STATUS_IO && b == NULL);
  CHECK_CONTAINS(err.message, "variables.index");
}

/* ---- corruptions ---- */

static void expect_fail(const pbw* index, sigrun_status status, const char* fragment) {
  sr_bundle* b = (sr_bundle*)1;
  sigrun_status st = open_index(index, &b);
  CHECK(st == status && b == NULL);
  CHECK(err.message[0] != 0);
  CHECK_CONTAINS(err.message, fragment);
  if (st == SIGRUN_STATUS_OK) sr_bundle_destroy(b);
}

/* A table of one data block given as raw bytes, with a proper metaindex, index and footer. */
static void table_with_block(pbw* file, const pbw* block, const char* separator, uint8_t type) {
  static pbw index, value;
  file->n = 0;
  handle h = add_block(file, block, type, 0);
  handle meta = empty_block(file);
  value.n = 0;
  put_handle(&value, h);
  index.n = 0;
  blk_entry(&index, 0, separator, strlen(separator), value.buf, value.n);
  static const uint32_t zero = 0;
  blk_finish(&index, &zero, 1);
  handle ih = add_block(file, &index, 0, 0);
  add_footer(file, meta, ih, SR_SSTABLE_MAGIC);
}

static void test_footer_and_trailer_corruptions(void) {
  static pbw index, copy;
  build_bundle(&index, 0);
  write_file(shard_path(0, 1), data_file.buf, data_file.n);
  copy = index;
  copy.n = 47;
  expect_fail(&copy, SIGRUN_STATUS_BAD_MODEL, "too small for a table footer");
  copy = index;
  copy.buf[copy.n - 1] ^= 0x10;
  expect_fail(&copy, SIGRUN_STATUS_BAD_MODEL, "not an sstable");
  /* Handles out of range: rewrite the footer with an index handle past the end. */
  copy = index;
  copy.n -= 48;
  add_footer(&copy, (handle){0, 5}, (handle){copy.n, 10}, SR_SSTABLE_MAGIC);
  expect_fail(&copy, SIGRUN_STATUS_BAD_MODEL, "index block handle");
  copy = index;
  copy.n -= 48;
  add_footer(&copy, (handle){UINT64_MAX - 2, 5}, (handle){0, 5}, SR_SSTABLE_MAGIC);
  expect_fail(&copy, SIGRUN_STATUS_BAD_MODEL, "metaindex block handle");
  /* A footer whose handles are unterminated varints. */
  copy = index;
  memset(copy.buf + copy.n - 48, 0xff, 40);
  expect_fail(&copy, SIGRUN_STATUS_BAD_MODEL, "truncated or malformed");
  /* Any flipped byte inside the first data block breaks its CRC. */
  copy = index;
  copy.buf[3] ^= 0x01;
  expect_fail(&copy, SIGRUN_STATUS_BAD_MODEL, "data block at 0x0");
  CHECK_CONTAINS(err.message, "bad CRC32C");
  /* Compression types. */
  static pbw block;
  block.n = 0;
  blk_entry(&block, 0, "", 0, "x", 1);
  static const uint32_t zero = 0;
  blk_finish(&block, &zero, 1);
  table_with_block(&copy, &block, "", 1);
  expect_fail(&copy, SIGRUN_STATUS_UNSUPPORTED, "Snappy");
  table_with_block(&copy, &block, "", 7);
  expect_fail(&copy, SIGRUN_STATUS_BAD_MODEL, "unknown compression type 7");
}

static void test_block_corruptions(void) {
  static pbw block, file, header;
  header_proto(&header, 1, 0, 0);
  static const uint32_t zero = 0;
  /* Too small for the restart count; a restart count that does not fit. */
  block.n = 2;
  memset(block.buf, 0, 2);
  table_with_block(&file, &block, "", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "too small for its restart count");
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  put32(&block, 1000000);
  table_with_block(&file, &block, "", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "restart count 1000000");
  /* Entries without restart points. */
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  blk_finish(&block, NULL, 0);
  table_with_block(&file, &block, "", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "no restart points");
  /* A restart point in the middle of an entry, and one past the entries. */
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  blk_entry(&block, 0, "a", 1, "v", 1);
  uint32_t mid[] = {0, 2};
  blk_finish(&block, mid, 2);
  table_with_block(&file, &block, "a", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "is not at an entry");
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  uint32_t past[] = {0, 500};
  blk_finish(&block, past, 2);
  table_with_block(&file, &block, "", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "restart point 1 (offset 500)");
  /* First restart not at 0. */
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  uint32_t late[] = {3};
  blk_finish(&block, late, 1);
  table_with_block(&file, &block, "", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "first restart point is not at offset 0");
  /* A restart entry that shares key bytes; sharing more than the previous key has. */
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  size_t second = block.n;
  blk_entry(&block, 1, "b", 1, "v", 1);
  uint32_t both[] = {0, (uint32_t)second};
  blk_finish(&block, both, 2);
  table_with_block(&file, &block, "zz", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "is a restart point but shares 1");
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  blk_entry(&block, 0, "ab", 2, "v", 1);
  blk_entry(&block, 5, "c", 1, "v", 1);
  blk_finish(&block, &zero, 1);
  table_with_block(&file, &block, "zz", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "shares 5 bytes of a 2-byte previous key");
  /* Keys that do not increase: equal, then smaller, then a shorter prefix. */
  const char* pairs[][2] = {{"ab", "ab"}, {"b", "a"}, {"ab", "a"}};
  for (int i = 0; i < 3; i++) {
    block.n = 0;
    blk_entry(&block, 0, "", 0, header.buf, header.n);
    blk_entry(&block, 0, pairs[i][0], strlen(pairs[i][0]), "v", 1);
    blk_entry(&block, 0, pairs[i][1], strlen(pairs[i][1]), "v", 1);
    blk_finish(&block, &zero, 1);
    table_with_block(&file, &block, "zz", 0);
    expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "not greater than the previous key");
  }
  /* Shared prefix plus unshared bytes equal to the previous key (ab -> a + b). */
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  blk_entry(&block, 0, "ab", 2, "v", 1);
  blk_entry(&block, 1, "b", 1, "v", 1);
  blk_finish(&block, &zero, 1);
  table_with_block(&file, &block, "zz", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "not greater");
  /* A value running past the entries, and a truncated length varint. */
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  pbw_varint(&block, 0);
  pbw_varint(&block, 1);
  pbw_varint(&block, 200);
  pbw_bytes(&block, "k", 1);
  blk_finish(&block, &zero, 1);
  table_with_block(&file, &block, "zz", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "run past the entries");
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  pbw_byte(&block, 0x80);
  blk_finish(&block, &zero, 1);
  table_with_block(&file, &block, "zz", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "malformed length varint");
  /* The separator is below the block's last key. */
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  blk_entry(&block, 0, "m", 1, "v", 1);
  blk_finish(&block, &zero, 1);
  table_with_block(&file, &block, "l", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "beyond the index separator");
  /* A long key shared by many entries: the expanded keys would exceed 16 times the file. */
  static char longkey[4000];
  memset(longkey, 'k', sizeof longkey);
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  blk_entry(&block, 0, longkey, sizeof longkey, "", 0);
  for (int i = 0; i < 100; i++) {
    uint8_t c[2] = {(uint8_t)(1 + i / 250), (uint8_t)(1 + i % 250)};
    blk_entry(&block, sizeof longkey, c, 2, "", 0); /* ever-larger keys sharing 4000 bytes */
  }
  blk_finish(&block, &zero, 1);
  table_with_block(&file, &block, "zz", 0);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "expanded keys exceed 16 times the file size");
}

static void test_index_corruptions(void) {
  static pbw index, file, block, value, idx, header;
  header_proto(&header, 1, 0, 0);
  static const uint32_t zero = 0;
  /* Two index entries naming the same data block: the second overlaps the first. */
  file.n = 0;
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  blk_finish(&block, &zero, 1);
  handle h = add_block(&file, &block, 0, 0);
  handle meta = empty_block(&file);
  value.n = 0;
  put_handle(&value, h);
  idx.n = 0;
  blk_entry(&idx, 0, "a", 1, value.buf, value.n);
  blk_entry(&idx, 0, "b", 1, value.buf, value.n);
  uint32_t rs[] = {0, 0};
  rs[1] = (uint32_t)(idx.n / 2); /* each index entry is the same size */
  blk_finish(&idx, rs, 2);
  handle ih = add_block(&file, &idx, 0, 0);
  add_footer(&file, meta, ih, SR_SSTABLE_MAGIC);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "overlaps or precedes data block 0");
  /* An index value that is not a block handle, and one pointing past the blocks. */
  file.n = 0;
  meta = empty_block(&file);
  idx.n = 0;
  blk_entry(&idx, 0, "a", 1, "\xff\xff", 2);
  blk_finish(&idx, &zero, 1);
  ih = add_block(&file, &idx, 0, 0);
  add_footer(&file, meta, ih, SR_SSTABLE_MAGIC);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "data block handle");
  file.n = 0;
  meta = empty_block(&file);
  value.n = 0;
  put_handle(&value, (handle){0, 4096});
  idx.n = 0;
  blk_entry(&idx, 0, "a", 1, value.buf, value.n);
  blk_finish(&idx, &zero, 1);
  ih = add_block(&file, &idx, 0, 0);
  add_footer(&file, meta, ih, SR_SSTABLE_MAGIC);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "beyond the");
  /* A second block whose first key is not beyond the previous separator. */
  build_bundle(&index, 0);
  file.n = 0;
  block.n = 0;
  blk_entry(&block, 0, "", 0, header.buf, header.n);
  blk_entry(&block, 0, "m", 1, "v", 1);
  blk_finish(&block, &zero, 1);
  handle b1 = add_block(&file, &block, 0, 0);
  block.n = 0;
  blk_entry(&block, 0, "n", 1, "v", 1);
  blk_finish(&block, &zero, 1);
  handle b2 = add_block(&file, &block, 0, 0);
  meta = empty_block(&file);
  idx.n = 0;
  value.n = 0;
  put_handle(&value, b1);
  blk_entry(&idx, 0, "q", 1, value.buf, value.n);
  size_t second = idx.n;
  value.n = 0;
  put_handle(&value, b2);
  blk_entry(&idx, 0, "r", 1, value.buf, value.n);
  uint32_t rs2[] = {0, (uint32_t)second};
  blk_finish(&idx, rs2, 2);
  ih = add_block(&file, &idx, 0, 0);
  add_footer(&file, meta, ih, SR_SSTABLE_MAGIC);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "not beyond the index separator of the previous block");
}

/* One-entry tables holding a header (and optionally one tensor entry). */
static void small_bundle(pbw* file, const pbw* header, const char* key, const pbw* entry) {
  static kv items[2];
  size_t n = 0;
  if (header) items[n++] = (kv){"", 0, header->buf, header->n};
  if (key) items[n++] = (kv){key, 0, entry->buf, entry->n};
  build_table(file, items, n, 4, 4);
}

static void test_header_and_entry_corruptions(void) {
  static pbw file, header, entry;
  static const int64_t dims[] = {2};
  entry_proto(&entry, SR_TF_FLOAT, dims, 1, 0, 0, 8, 0);
  small_bundle(&file, NULL, "w", &entry);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "no header entry");
  header_proto(&header, 0, 0, 0);
  small_bundle(&file, &header, NULL, NULL);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "num_shards is 0");
  header_proto(&header, 1, 2, 0);
  small_bundle(&file, &header, NULL, NULL);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "endianness 2");
  header_proto(&header, 1, 0, 7);
  small_bundle(&file, &header, NULL, NULL);
  expect_fail(&file, SIGRUN_STATUS_UNSUPPORTED, "version 7");
  header.n = 0;
  pbw_tag(&header, 1, 2);
  pbw_varint(&header, 50); /* a length past the value */
  small_bundle(&file, &header, NULL, NULL);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "variables.index: BundleHeaderProto field 1 at offset");
  header_proto(&header, 2, 0, 0);
  /* Entries: a negative dim, a size that does not match, a shard out of range, a negative offset, garbage. */
  static const int64_t neg[] = {-1};
  entry_proto(&entry, SR_TF_FLOAT, neg, 1, 0, 0, 8, 0);
  small_bundle(&file, &header, "w", &entry);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "BundleEntryProto of 'w' at offset");
  CHECK_CONTAINS(err.message, "dim 0 is -1");
  entry_proto(&entry, SR_TF_FLOAT, dims, 1, 0, 0, 12, 0);
  small_bundle(&file, &header, "w", &entry);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "size 12 does not match 2 elements of float32");
  entry_proto(&entry, SR_TF_FLOAT, dims, 1, 2, 0, 8, 0);
  small_bundle(&file, &header, "w", &entry);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "shard_id 2 is outside the 2 shards");
  entry_proto(&entry, SR_TF_FLOAT, dims, 1, 0, -8, 8, 0);
  small_bundle(&file, &header, "w", &entry);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "not a valid byte range");
  entry_proto(&entry, SR_TF_FLOAT, dims, 1, 0, INT64_MAX, 8, 0);
  small_bundle(&file, &header, "w", &entry);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "not a valid byte range");
  entry.n = 0;
  pbw_tag(&entry, 6, 0); /* crc32c must be fixed32 */
  pbw_varint(&entry, 1);
  small_bundle(&file, &header, "w", &entry);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "BundleEntryProto of 'w' field 6");
  /* A key with a NUL byte. */
  static kv items[2];
  entry_proto(&entry, SR_TF_FLOAT, dims, 1, 0, 0, 8, 0);
  items[0] = (kv){"", 0, header.buf, header.n};
  items[1] = (kv){"a\0b", 3, entry.buf, entry.n};
  build_table(&file, items, 2, 4, 4);
  expect_fail(&file, SIGRUN_STATUS_BAD_MODEL, "contains a NUL byte");
}

static void test_shard_read_errors(void) {
  static pbw index, entry, header, file;
  build_bundle(&index, 0);
  sr_bundle* b;
  unlink(shard_path(0, 1));
  CHECK(open_index(&index, &b) == SIGRUN_STATUS_OK); /* shards are only read on demand */
  float v[6];
  const sr_bundle_entry* e = sr_bundle_find(b, "t/03");
  CHECK(sr_bundle_read(b, e, v, sizeof v, &err) == SIGRUN_STATUS_IO);
  CHECK_CONTAINS(err.message, "tensor 't/03'");
  CHECK_CONTAINS(err.message, "variables.data-00000-of-00001");
  /* A shard shorter than the entry needs. */
  write_file(shard_path(0, 1), data_file.buf, e->offset + 10);
  CHECK(sr_bundle_read(b, e, v, sizeof v, &err) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "runs past its end");
  /* A flipped data byte fails the entry CRC. */
  data_file.buf[e->offset + 5] ^= 0x20;
  write_file(shard_path(0, 1), data_file.buf, data_file.n);
  CHECK(sr_bundle_read(b, e, v, sizeof v, &err) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "variables.data-00000-of-00001: tensor 't/03' at offset");
  CHECK_CONTAINS(err.message, "bad CRC32C");
  data_file.buf[e->offset + 5] ^= 0x20;
  /* String tensors: a bad length checksum, and a length running past the data. */
  const sr_bundle_entry* s = sr_bundle_find(b, "strs");
  sr_pool pool;
  sr_pool_init(&pool);
  sr_tf_bytes* items;
  size_t n;
  uint8_t saved = data_file.buf[s->offset + 2];
  data_file.buf[s->offset + 2] ^= 1;
  write_file(shard_path(0, 1), data_file.buf, data_file.n);
  CHECK(sr_bundle_read_strings(b, s, &pool, &items, &n, &err) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "bad checksum of the string lengths");
  data_file.buf[s->offset + 2] = saved;
  data_file.buf[s->offset] = 60;
  write_file(shard_path(0, 1), data_file.buf, data_file.n);
  CHECK(sr_bundle_read_strings(b, s, &pool, &items, &n, &err) == SIGRUN_STATUS_BAD_MODEL);
  data_file.buf[s->offset] = 2;
  sr_pool_destroy(&pool);
  sr_bundle_destroy(b);
  /* A partitioned variable's entry cannot be read. */
  header_proto(&header, 1, 0, 0);
  static const int64_t dims[] = {2};
  entry_proto(&entry, SR_TF_FLOAT, dims, 1, 0, 0, 8, 0);
  pbw_len(&entry, 7, "", 0);
  small_bundle(&file, &header, "w", &entry);
  CHECK(open_index(&file, &b) == SIGRUN_STATUS_OK);
  e = sr_bundle_find(b, "w");
  CHECK(e && e->n_slices == 1 && sr_bundle_read(b, e, v, 8, &err) == SIGRUN_STATUS_UNSUPPORTED);
  sr_bundle_destroy(b);
  write_file(shard_path(0, 1), data_file.buf, data_file.n);
}

/* Every truncation and many byte flips of a valid index: open fails with a message or succeeds, never crashes,
 * and whatever opens can be read without faults. */
static void test_mutations(void) {
  static pbw index, copy;
  build_bundle(&index, 0);
  write_file(shard_path(0, 1), data_file.buf, data_file.n);
  size_t failures = 0, successes = 0;
  for (size_t cut = 0; cut < index.n; cut++) {
    copy = index;
    copy.n = cut;
    sr_bundle* b;
    if (open_index(&copy, &b) == SIGRUN_STATUS_OK) {
      successes++;
      sr_bundle_destroy(b);
    } else {
      failures++;
      CHECK(err.message[0] != 0);
    }
  }
  CHECK(successes == 0 && failures == index.n);
  static const uint8_t flips[] = {0x01, 0x80, 0xff, 0x10};
  for (size_t pos = 0; pos < index.n; pos++) {
    for (size_t k = 0; k < sizeof flips; k++) {
      copy = index;
      copy.buf[pos] ^= flips[k];
      sr_bundle* b;
      if (open_index(&copy, &b) == SIGRUN_STATUS_OK) {
        for (size_t i = 0; i < sr_bundle_count(b); i++) {
          const sr_bundle_entry* e = sr_bundle_entry_at(b, i);
          if (e->size <= 64 && sr_tf_dtype_size(e->dtype)) {
            uint8_t buf[64];
            (void)sr_bundle_read(b, e, buf, (size_t)e->size, &err);
          }
        }
        sr_bundle_destroy(b);
      } else {
        CHECK(err.message[0] != 0);
        CHECK(err.status == SIGRUN_STATUS_BAD_MODEL || err.status == SIGRUN_STATUS_UNSUPPORTED);
      }
    }
  }
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/sigrun_bundle_XXXXXX");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  snprintf(prefix, sizeof prefix, "%s/variables", tmpdir);
  RUN(test_crc32c);
  RUN(test_valid_bundle);
  RUN(test_footer_and_trailer_corruptions);
  RUN(test_block_corruptions);
  RUN(test_index_corruptions);
  RUN(test_header_and_entry_corruptions);
  RUN(test_shard_read_errors);
  RUN(test_mutations);
  unlink(shard_path(0, 1));
  char path[200];
  snprintf(path, sizeof path, "%s.index", prefix);
  unlink(path);
  rmdir(tmpdir);
  return TEST_SUMMARY();
}
