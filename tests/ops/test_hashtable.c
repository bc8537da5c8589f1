/*
 * test_hashtable.c — HASHTABLE, HASHTABLE_IMPORT, HASHTABLE_FIND and HASHTABLE_SIZE on one node each, over
 * tables held by a hand-made interpreter (the slots resources.c would build), with LiteRT's semantics:
 * the first import wins, missing keys give element 0 of the default, lookups before an import fail.
 */
#include "../src/core/runner.h"
#include "../src/core/strings.h"
#include "../src/format/schema_enums.h"
#include "../src/ops/resource_ops.h"
#include "harness.h"

extern const sr_op_kind sr_op_hashtable, sr_op_hashtable_find, sr_op_hashtable_import, sr_op_hashtable_size;
extern long sr_test_alloc_fail_at;
extern long sr_test_alloc_count;

enum { S2I = 835449204, I2S = -831659284 };

/* An interpreter with two tables: S2I string -> int64 and I2S int64 -> string. */
typedef struct fake {
  sigrun_interpreter interp;
  sr_runner runner;
  sr_table_slot slots[2];
} fake;

static void fake_init(fake* f) {
  memset(f, 0, sizeof *f);
  f->slots[0] = (sr_table_slot){S2I, SIGRUN_TYPE_STRING, SIGRUN_TYPE_INT64, NULL};
  f->slots[1] = (sr_table_slot){I2S, SIGRUN_TYPE_INT64, SIGRUN_TYPE_STRING, NULL};
  for (int i = 0; i < 2; i++) f->slots[i].table = sr_hashtable_create(f->slots[i].key_type, f->slots[i].value_type);
  f->interp.resources.n_tables = 2;
  f->interp.resources.tables = f->slots;
  f->runner.interpreter = &f->interp;
}

static void fake_free(fake* f) {
  for (int i = 0; i < 2; i++) sr_hashtable_destroy(f->slots[i].table);
}

/* Packs n strings into buf (LiteRT's layout); returns the byte length. */
static size_t pack(const char* const* s, int n, uint8_t* buf) {
  int32_t off = 4 * (n + 2);
  memcpy(buf, &n, 4);
  for (int i = 0; i < n; i++) {
    memcpy(buf + 4 * (i + 1), &off, 4);
    size_t len = strlen(s[i]);
    memcpy(buf + off, s[i], len);
    off += (int32_t)len;
  }
  memcpy(buf + 4 * (n + 1), &off, 4);
  return (size_t)off;
}

static void node_init(sr_test_node* tn, fake* f) {
  sr_test_node_init(tn, "");
  tn->node.runner = &f->runner;
}

static const int32_t one[] = {1};

static sr_tensor* handle(sr_test_node* tn, const int32_t* id) {
  return sr_test_input(tn, SIGRUN_TYPE_RESOURCE, 1, one, id);
}

static sr_tensor* strings_input(sr_test_node* tn, int rank, const int32_t* dims, const char* const* s, int n,
                                uint8_t* buf) {
  sr_tensor* t = sr_test_input(tn, SIGRUN_TYPE_STRING, rank, dims, buf);
  t->bytes = pack(s, n, buf);
  return t;
}

static const char* const s2i_keys[] = {"a", "bb", "", "ccc", "a"};
static const int64_t s2i_values[] = {1, 2, 3, 4, 5};
static const int64_t i2s_keys[] = {10, 20, 30, -7};
static const char* const i2s_values[] = {"ten", "twenty", "thirty", ""};

static sigrun_status import_s2i(fake* f, const char* const* keys, const int64_t* values, int n) {
  sr_test_node tn;
  uint8_t buf[256];
  const int32_t id = S2I, dn[] = {n};
  node_init(&tn, f);
  handle(&tn, &id);
  strings_input(&tn, 1, dn, keys, n, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, dn, values);
  sigrun_status st = sr_test_run(&tn, &sr_op_hashtable_import, NULL);
  sr_test_node_free(&tn);
  return st;
}

static sigrun_status import_i2s(fake* f, const int64_t* keys, const char* const* values, int n) {
  sr_test_node tn;
  uint8_t buf[256];
  const int32_t id = I2S, dn[] = {n};
  node_init(&tn, f);
  handle(&tn, &id);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, dn, keys);
  strings_input(&tn, 1, dn, values, n, buf);
  sigrun_status st = sr_test_run(&tn, &sr_op_hashtable_import, NULL);
  sr_test_node_free(&tn);
  return st;
}

static int64_t table_size(fake* f, int32_t id) {
  sr_test_node tn;
  node_init(&tn, f);
  handle(&tn, &id);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_INT64);
  int64_t size = -1;
  if (sr_test_run(&tn, &sr_op_hashtable_size, NULL) == SIGRUN_STATUS_OK) {
    CHECK_SHAPE(out, 1);
    size = ((int64_t*)out->data)[0];
  }
  sr_test_node_free(&tn);
  return size;
}

static void test_parse(void) {
  test_fb fb;
  sr_pool pool;
  sigrun_error err;
  const void* params = NULL;
  sr_pool_init(&pool);
  const int32_t v[] = {I2S, SIGRUN_TYPE_INT64, SIGRUN_TYPE_STRING};
  fb_make(&fb, 3, v);
  CHECK(sr_test_parse(&sr_op_hashtable, SR_OPTIONS_HASHTABLE, &fb.table, &params, &err, &pool) == 0);
  const sr_hashtable_params* p = params;
  CHECK(p->table_id == I2S && p->key_type == SIGRUN_TYPE_INT64 && p->value_type == SIGRUN_TYPE_STRING);
  CHECK(sr_test_parse(&sr_op_hashtable, SR_OPTIONS_HASHTABLE, NULL, &params, &err, &pool) == 0);
  p = params;
  CHECK(p->table_id == 0 && p->key_type == SIGRUN_TYPE_FLOAT32 && p->value_type == SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_parse(&sr_op_hashtable, SR_OPTIONS_GATHER, &fb.table, &params, &err, &pool) ==
        SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "union type");
  sr_pool_destroy(&pool);
}

static void test_hashtable_op(void) {
  fake f;
  fake_init(&f);
  sr_test_node tn;
  const sr_hashtable_params p = {I2S, SIGRUN_TYPE_INT64, SIGRUN_TYPE_STRING};
  node_init(&tn, &f);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_RESOURCE);
  CHECK(sr_test_run(&tn, &sr_op_hashtable, &p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 1);
  CHECK(((int32_t*)out->data)[0] == I2S);
  sr_test_node_free(&tn);

  const sr_hashtable_params bad = {S2I, SIGRUN_TYPE_INT32, SIGRUN_TYPE_FLOAT32};
  node_init(&tn, &f);
  sr_test_output(&tn, SIGRUN_TYPE_RESOURCE);
  CHECK(sr_test_run(&tn, &sr_op_hashtable, &bad) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "int32 -> float32; LiteRT's tables map string -> int64 or int64 -> string");
  sr_test_node_free(&tn);

  node_init(&tn, &f);
  sr_test_output(&tn, SIGRUN_TYPE_INT32);
  CHECK(sr_test_run(&tn, &sr_op_hashtable, &p) != SIGRUN_STATUS_OK);
  CHECK_CONTAINS(tn.error.message, "output 0");
  sr_test_node_free(&tn);

  const sr_hashtable_params missing = {1234, SIGRUN_TYPE_INT64, SIGRUN_TYPE_STRING};
  node_init(&tn, &f);
  sr_test_output(&tn, SIGRUN_TYPE_RESOURCE);
  CHECK(sr_test_run(&tn, &sr_op_hashtable, &missing) == SIGRUN_STATUS_BAD_STATE);
  CHECK_CONTAINS(tn.error.message, "table 1234 has no slot");
  sr_test_node_free(&tn);
  fake_free(&f);
}

/* Looks up string keys in S2I; returns the status, values in got. */
static sigrun_status find_s2i(fake* f, const char* const* keys, int n, int64_t dflt, int64_t* got) {
  sr_test_node tn;
  uint8_t buf[256];
  const int32_t id = S2I, dn[] = {n};
  node_init(&tn, f);
  handle(&tn, &id);
  strings_input(&tn, 1, dn, keys, n, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 0, NULL, &dflt);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_INT64);
  sigrun_status st = sr_test_run(&tn, &sr_op_hashtable_find, NULL);
  if (!st) {
    CHECK_SHAPE(out, n);
    memcpy(got, out->data, sizeof(int64_t) * (size_t)n);
  }
  sr_test_node_free(&tn);
  return st;
}

static void test_string_to_int64(void) {
  fake f;
  fake_init(&f);
  const char* keys[] = {"a", "zz", "", "ccc", "bb", "A"};
  int64_t got[6];
  CHECK(table_size(&f, S2I) == 0);
  sr_test_node tn;
  uint8_t buf[128];
  const int32_t id = S2I, d1[] = {1};
  const int64_t dflt = -1;
  node_init(&tn, &f); /* never imported: LiteRT fails too */
  handle(&tn, &id);
  strings_input(&tn, 1, d1, keys, 1, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 0, NULL, &dflt);
  sr_test_output(&tn, SIGRUN_TYPE_INT64);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_find, NULL) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "table 835449204 was never filled: HASHTABLE_IMPORT has not run");
  sr_test_node_free(&tn);
  CHECK(import_s2i(&f, s2i_keys, s2i_values, 5) == SIGRUN_STATUS_OK);
  CHECK(table_size(&f, S2I) == 4); /* "a" twice: one key */
  CHECK(find_s2i(&f, keys, 6, -1, got) == SIGRUN_STATUS_OK);
  const int64_t want[] = {1, -1, 3, 4, 2, -1}; /* the first value of the repeated "a" wins */
  CHECK(memcmp(got, want, sizeof want) == 0);

  /* A second import (the converter may run the initializer again) changes nothing. */
  const char* other[] = {"zz"};
  const int64_t ninety[] = {90};
  CHECK(import_s2i(&f, other, ninety, 1) == SIGRUN_STATUS_OK);
  CHECK(table_size(&f, S2I) == 4);
  CHECK(find_s2i(&f, keys, 6, 7, got) == SIGRUN_STATUS_OK);
  CHECK(got[1] == 7 && got[0] == 1);

  /* clear (reset_all_variables) returns it to never-imported. */
  sr_hashtable_clear(f.slots[0].table);
  CHECK(table_size(&f, S2I) == 0);
  CHECK(find_s2i(&f, keys, 6, -1, got) == SIGRUN_STATUS_RUNTIME);
  CHECK(import_s2i(&f, other, ninety, 1) == SIGRUN_STATUS_OK);
  CHECK(find_s2i(&f, keys, 2, -1, got) == SIGRUN_STATUS_OK);
  CHECK(got[0] == -1 && got[1] == 90);
  fake_free(&f);
}

static void test_int64_to_string(void) {
  fake f;
  fake_init(&f);
  CHECK(import_i2s(&f, i2s_keys, i2s_values, 4) == SIGRUN_STATUS_OK);
  CHECK(table_size(&f, I2S) == 4);
  sr_test_node tn;
  uint8_t dbuf[64];
  const int32_t id = I2S, d22[] = {2, 2}, d3[] = {3};
  const int64_t keys[] = {30, 5, -7, 10};
  const char* dflt[] = {"?", "ignored", "also"};
  node_init(&tn, &f);
  handle(&tn, &id);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 2, d22, keys);
  strings_input(&tn, 1, d3, dflt, 3, dbuf); /* only element 0 of the default counts */
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_STRING);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_find, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2, 2);
  char msg[160];
  CHECK(sr_strings_check(out->data, out->bytes, 4, msg, sizeof msg));
  const char* want[] = {"thirty", "?", "", "ten"};
  for (size_t i = 0; i < 4; i++) {
    const char* s;
    size_t len;
    sr_strings_get(out, i, &s, &len);
    CHECK(len == strlen(want[i]) && memcmp(s, want[i], len) == 0);
  }
  /* Same node again with other keys: the dynamic output is rewritten in place or regrown. */
  const int64_t keys2[] = {20, 20, 20, 20};
  tn.inputs[1].data = (void*)keys2;
  CHECK(sr_test_run(&tn, &sr_op_hashtable_find, NULL) == SIGRUN_STATUS_OK);
  CHECK(out->bytes == 24 + 4 * 6);
  sr_test_node_free(&tn);
  fake_free(&f);
}

/* Enough keys to make probes collide and wrap: every one found, every absent one missed. */
static void test_many_keys(void) {
  fake f;
  fake_init(&f);
  enum { N = 2000 };
  static int64_t keys[N];
  static char text[N][8];
  static const char* values[N];
  static uint8_t buf[N * 16];
  for (int i = 0; i < N; i++) {
    keys[i] = (int64_t)i * 1024 - 5000; /* multiples of a power of two stress a weak hash */
    snprintf(text[i], sizeof text[i], "v%d", i);
    values[i] = text[i];
  }
  sr_test_node tn;
  const int32_t id = I2S, dn[] = {N};
  node_init(&tn, &f);
  handle(&tn, &id);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, dn, keys);
  strings_input(&tn, 1, dn, values, N, buf);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_import, NULL) == SIGRUN_STATUS_OK);
  sr_test_node_free(&tn);
  CHECK(table_size(&f, I2S) == N);

  static int64_t probe[2 * N];
  for (int i = 0; i < N; i++) probe[2 * i] = keys[N - 1 - i], probe[2 * i + 1] = keys[i] + 1;
  uint8_t dbuf[32];
  const char* dflt[] = {"-"};
  const int32_t d2n[] = {2 * N};
  node_init(&tn, &f);
  handle(&tn, &id);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, d2n, probe);
  strings_input(&tn, 0, NULL, dflt, 1, dbuf);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_STRING);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_find, NULL) == SIGRUN_STATUS_OK);
  int bad = 0;
  for (int i = 0; i < N; i++) {
    const char *s, *m;
    size_t len, mlen;
    sr_strings_get(out, 2 * (size_t)i, &s, &len);
    sr_strings_get(out, 2 * (size_t)i + 1, &m, &mlen);
    const char* want = text[N - 1 - i];
    bad += len != strlen(want) || memcmp(s, want, len) != 0 || mlen != 1 || m[0] != '-';
  }
  CHECK(bad == 0);
  sr_test_node_free(&tn);
  fake_free(&f);
}

static void test_errors(void) {
  fake f;
  fake_init(&f);
  sr_test_node tn;
  uint8_t buf[128];
  const int32_t s2i = S2I, i2s = I2S, unknown = 99, d2[] = {2}, d3[] = {3};
  const int64_t nums[] = {1, 2, 3}, dflt = 0;
  const char* words[] = {"x", "y"};

  node_init(&tn, &f); /* keys and values of different shapes */
  handle(&tn, &s2i);
  strings_input(&tn, 1, d2, words, 2, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, d3, nums);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_import, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 1 (keys) has shape [2] but input 2 (values) [3]");
  sr_test_node_free(&tn);

  node_init(&tn, &f); /* int64 -> int64 is not a LiteRT table */
  handle(&tn, &s2i);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, d2, nums);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, d2, nums);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_import, NULL) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "int64 -> int64");
  sr_test_node_free(&tn);

  node_init(&tn, &f); /* string keys into the int64 -> string table */
  handle(&tn, &i2s);
  strings_input(&tn, 1, d2, words, 2, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, d2, nums);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_import, NULL) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "table -831659284 maps int64 -> string but this operator works with string -> "
                                   "int64");
  sr_test_node_free(&tn);

  node_init(&tn, &f); /* a table id no HASHTABLE declares */
  handle(&tn, &unknown);
  sr_test_output(&tn, SIGRUN_TYPE_INT64);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_size, NULL) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "names table 99, which no HASHTABLE operator of the model declares");
  sr_test_node_free(&tn);

  node_init(&tn, &f); /* a handle without data (a hostile model) */
  sr_test_input(&tn, SIGRUN_TYPE_RESOURCE, 1, one, NULL)->data = NULL;
  sr_test_output(&tn, SIGRUN_TYPE_INT64);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_size, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "holds no table id");
  sr_test_node_free(&tn);

  node_init(&tn, &f); /* the handle must be a one-element resource or int32 vector */
  sr_test_input(&tn, SIGRUN_TYPE_RESOURCE, 1, d2, nums);
  sr_test_output(&tn, SIGRUN_TYPE_INT64);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_size, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has shape [2], expected [1]");
  sr_test_node_free(&tn);
  node_init(&tn, &f);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, one, nums);
  sr_test_output(&tn, SIGRUN_TYPE_INT64);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_size, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has type float32, expected resource or int32");
  sr_test_node_free(&tn);
  node_init(&tn, &f); /* an int32 handle is accepted, as LiteRT does */
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, one, &s2i);
  sr_test_output(&tn, SIGRUN_TYPE_INT32);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_size, NULL) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "output 0");
  sr_test_node_free(&tn);

  CHECK(import_s2i(&f, s2i_keys, s2i_values, 5) == SIGRUN_STATUS_OK);
  node_init(&tn, &f); /* the default's type must be the output's */
  handle(&tn, &s2i);
  strings_input(&tn, 1, d2, words, 2, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 0, NULL, &dflt);
  sr_test_output(&tn, SIGRUN_TYPE_INT64);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_find, NULL) != SIGRUN_STATUS_OK);
  CHECK_CONTAINS(tn.error.message, "input 2 (default value)");
  sr_test_node_free(&tn);
  node_init(&tn, &f); /* an empty default has no element 0 */
  handle(&tn, &s2i);
  strings_input(&tn, 1, d2, words, 2, buf);
  const int32_t d0[] = {0};
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, d0, &dflt);
  sr_test_output(&tn, SIGRUN_TYPE_INT64);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_find, NULL) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has no element");
  sr_test_node_free(&tn);
  node_init(&tn, &f); /* hostile key strings are refused before any lookup */
  handle(&tn, &s2i);
  sr_tensor* keys = strings_input(&tn, 1, d2, words, 2, buf);
  int32_t wrong = 7;
  memcpy(buf, &wrong, 4);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 0, NULL, &dflt);
  sr_test_output(&tn, SIGRUN_TYPE_INT64);
  CHECK(sr_test_run(&tn, &sr_op_hashtable_find, NULL) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "input 1 (keys) (tensor 1): string buffer holds 7 strings, expected 2");
  (void)keys;
  sr_test_node_free(&tn);
  fake_free(&f);
}

static void test_import_out_of_memory(void) {
  fake f;
  fake_init(&f);
  for (long fail = 1; fail <= 2; fail++) {
    sr_test_alloc_count = 0;
    sr_test_alloc_fail_at = fail;
    sigrun_status st = import_s2i(&f, s2i_keys, s2i_values, 5);
    sr_test_alloc_fail_at = 0;
    CHECK(st == SIGRUN_STATUS_NO_MEMORY);
    CHECK(table_size(&f, S2I) == 0); /* a failed import leaves the table never-imported */
  }
  CHECK(import_s2i(&f, s2i_keys, s2i_values, 5) == SIGRUN_STATUS_OK);
  CHECK(table_size(&f, S2I) == 4);
  fake_free(&f);
  sr_hashtable_destroy(NULL);
  sr_hashtable_clear(NULL);
}

int main(void) {
  RUN(test_parse);
  RUN(test_hashtable_op);
  RUN(test_string_to_int64);
  RUN(test_int64_to_string);
  RUN(test_many_keys);
  RUN(test_errors);
  RUN(test_import_out_of_memory);
  return TEST_SUMMARY();
}
