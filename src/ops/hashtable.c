/*
 * hashtable.c — LiteRT's static hash tables: the sr_hashtable object the interpreter owns (one per
 * HashtableOptions.table_id, see src/core/resources.c) and the four operators. HASHTABLE outputs the table
 * id as a one-element resource tensor; HASHTABLE_IMPORT fills a table once (LiteRT ignores every import after
 * the first, because the converter may run the initializer twice, and keeps the first value of a repeated
 * key); HASHTABLE_FIND maps keys to values, giving element 0 of its default tensor for a missing key and
 * failing while the table was never imported; HASHTABLE_SIZE counts distinct keys. LiteRT supports string ->
 * int64 and int64 -> string tables only, so the ops check exactly those pairs.
 * The table is open addressing with linear probing, sized once at import to at most half full; string keys
 * and values live in one text block, so a table is three allocations.
 */
#include "../core/resources.h"
#include "../core/strings.h"
#include "../format/schema_enums.h"
#include "resource_ops.h"

/* An int64, or a string of `len` bytes at text + off. */
typedef struct ht_item {
  int64_t num;
  size_t off;
  size_t len;
} ht_item;

typedef struct ht_slot {
  uint64_t hash;
  int used;
  ht_item key;
  ht_item value;
} ht_slot;

struct sr_hashtable {
  sigrun_type key_type;
  sigrun_type value_type;
  int initialized;
  size_t size;     /* distinct keys */
  size_t capacity; /* slots, a power of two */
  ht_slot* slots;
  char* text;
};

struct sr_hashtable* sr_hashtable_create(sigrun_type key_type, sigrun_type value_type) {
  struct sr_hashtable* t = sr_calloc(1, sizeof *t);
  if (!t) return NULL;
  t->key_type = key_type;
  t->value_type = value_type;
  return t;
}

void sr_hashtable_clear(struct sr_hashtable* table) {
  if (!table) return;
  sr_free(table->slots);
  sr_free(table->text);
  table->slots = NULL;
  table->text = NULL;
  table->size = table->capacity = 0;
  table->initialized = 0;
}

void sr_hashtable_destroy(struct sr_hashtable* table) {
  sr_hashtable_clear(table);
  sr_free(table);
}

/* ---- the table ---- */

static int is_string(sigrun_type t) { return t == SIGRUN_TYPE_STRING; }

/* FNV-1a for strings, the splitmix64 finalizer for integers: both spread keys over every bit. */
static uint64_t hash_bytes(const char* s, size_t len) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
  return h;
}

static uint64_t hash_int(int64_t v) {
  uint64_t x = (uint64_t)v;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* Element i of a checked int64 or string tensor, as a probe key (a string points into the tensor). */
typedef struct ht_probe {
  int64_t num;
  const char* str;
  size_t len;
  uint64_t hash;
} ht_probe;

static ht_probe probe_of(const sr_tensor* t, size_t i) {
  ht_probe p = {0, NULL, 0, 0};
  if (is_string(t->type)) {
    sr_strings_get(t, i, &p.str, &p.len);
    p.hash = hash_bytes(p.str, p.len);
  } else {
    p.num = ((const int64_t*)t->data)[i];
    p.hash = hash_int(p.num);
  }
  return p;
}

/* The slot holding the probe's key, or the empty slot where it would go. */
static ht_slot* slot_for(const struct sr_hashtable* t, const ht_probe* p) {
  const size_t mask = t->capacity - 1;
  for (size_t i = (size_t)p->hash & mask;; i = (i + 1) & mask) {
    ht_slot* s = &t->slots[i];
    if (!s->used) return s;
    if (s->hash != p->hash) continue;
    if (!is_string(t->key_type) ? s->key.num == p->num
                                : s->key.len == p->len && memcmp(t->text + s->key.off, p->str, p->len) == 0)
      return s;
  }
}

/* Text bytes the strings of `t` need; clears *ok on overflow. */
static size_t text_bytes(const sr_tensor* t, size_t n, int* ok) {
  size_t total = 0;
  if (!is_string(t->type)) return 0;
  for (size_t i = 0; i < n; i++) {
    const char* s;
    size_t len;
    sr_strings_get(t, i, &s, &len);
    if (!sr_add_size(total, len, &total)) *ok = 0;
  }
  return total;
}

static ht_item store_item(const sr_tensor* t, size_t i, char* text, size_t* used) {
  ht_item item = {0, 0, 0};
  if (!is_string(t->type)) {
    item.num = ((const int64_t*)t->data)[i];
    return item;
  }
  const char* s;
  sr_strings_get(t, i, &s, &item.len);
  item.off = *used;
  if (item.len) memcpy(text + *used, s, item.len);
  *used += item.len;
  return item;
}

/* Fills an empty table from checked key and value tensors of n elements each; the first value of a repeated
 * key wins, as std::unordered_map::insert keeps it in LiteRT. */
static sigrun_status table_import(sr_node* node, struct sr_hashtable* t, const sr_tensor* keys,
                                  const sr_tensor* values, size_t n) {
  int ok = n <= SIZE_MAX / 4 / sizeof(ht_slot);
  size_t text = 0, capacity = 8;
  if (!sr_add_size(text_bytes(keys, n, &ok), text_bytes(values, n, &ok), &text)) ok = 0;
  if (!ok) return sr_node_fail(node, SIGRUN_STATUS_NO_MEMORY, "a table of %zu entries is too large", n);
  while (capacity < n * 2) capacity *= 2; /* at most half full, so every probe ends at an empty slot */
  ht_slot* slots = sr_calloc(capacity, sizeof(ht_slot));
  char* block = sr_malloc(text ? text : 1);
  if (!slots || !block) {
    sr_free(slots);
    sr_free(block);
    return sr_node_fail(node, SIGRUN_STATUS_NO_MEMORY, "out of memory for a table of %zu entries (%zu bytes of "
                        "strings)", n, text);
  }
  t->slots = slots;
  t->text = block;
  t->capacity = capacity;
  size_t used = 0;
  for (size_t i = 0; i < n; i++) {
    ht_probe p = probe_of(keys, i);
    ht_slot* s = slot_for(t, &p);
    if (s->used) continue;
    s->used = 1;
    s->hash = p.hash;
    s->key = store_item(keys, i, block, &used);
    s->value = store_item(values, i, block, &used);
    t->size++;
  }
  t->initialized = 1;
  return SIGRUN_STATUS_OK;
}

static const ht_slot* table_find(const struct sr_hashtable* t, const sr_tensor* keys, size_t i) {
  ht_probe p = probe_of(keys, i);
  const ht_slot* s = slot_for(t, &p);
  return s->used ? s : NULL;
}

/* ---- shared checks ---- */

static int supported_pair(sigrun_type key, sigrun_type value) {
  return (key == SIGRUN_TYPE_INT64 && value == SIGRUN_TYPE_STRING) ||
         (key == SIGRUN_TYPE_STRING && value == SIGRUN_TYPE_INT64);
}

static sigrun_status check_pair(sr_node* node, sigrun_type key, sigrun_type value, const char* what) {
  if (supported_pair(key, value)) return SIGRUN_STATUS_OK;
  return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "%s are %s -> %s; LiteRT's tables map string -> int64 or "
                      "int64 -> string only", what, sigrun_type_name(key), sigrun_type_name(value));
}

/* Input 0 names the table: a one-element vector of type resource (or int32), as LiteRT requires. */
static sigrun_status check_handle(sr_node* node) {
  char a[64];
  sr_tensor* h;
  sigrun_status st = sr_node_input(node, 0, &h);
  if (st) return st;
  if (h->type != SIGRUN_TYPE_RESOURCE && h->type != SIGRUN_TYPE_INT32)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (tensor %d) has type %s, expected resource or int32",
                        h->index, sigrun_type_name(h->type));
  if (h->rank != 1 || h->dims[0] != 1)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (tensor %d) has shape %s, expected [1]", h->index,
                        sr_shape_str(h->dims, h->rank, a, sizeof a));
  return SIGRUN_STATUS_OK;
}

/* The slot of the table input 0 names. */
static sigrun_status slot_of(sr_node* node, sr_table_slot** out) {
  const sr_tensor* h = node->inputs[0];
  int32_t id = 0;
  if (!h->data) return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (tensor %d) holds no table id", h->index);
  memcpy(&id, h->data, sizeof id);
  sr_table_slot* slot = node->runner ? sr_resources_table(sr_node_resources(node), id) : NULL;
  if (!slot || !slot->table)
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "input 0 (tensor %d) names table %d, which no HASHTABLE "
                        "operator of the model declares", h->index, id);
  *out = slot;
  return SIGRUN_STATUS_OK;
}

/* The table named by input 0, checked against the key and value types the op works with. */
static sigrun_status table_of(sr_node* node, sigrun_type key, sigrun_type value, struct sr_hashtable** out) {
  sr_table_slot* slot = NULL;
  sigrun_status st = slot_of(node, &slot);
  if (st) return st;
  const int32_t id = slot->table_id;
  if (slot->key_type != key || slot->value_type != value)
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "table %d maps %s -> %s but this operator works with %s -> %s",
                        id, sigrun_type_name(slot->key_type), sigrun_type_name(slot->value_type),
                        sigrun_type_name(key), sigrun_type_name(value));
  *out = slot->table;
  return SIGRUN_STATUS_OK;
}

/* String inputs come from users and files: check the packed layout before reading it. */
static sigrun_status check_strings(sr_node* node, const sr_tensor* t, const char* what) {
  char why[160];
  if (!is_string(t->type) || sr_strings_check(t->data, t->bytes, sr_tensor_count(t), why, sizeof why))
    return SIGRUN_STATUS_OK;
  return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "%s (tensor %d): %s", what, t->index, why);
}

/* ---- HASHTABLE ---- */

static sigrun_status hashtable_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_HASHTABLE, 1);
  if (st) return st;
  sr_hashtable_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  int32_t id = 0;
  int8_t key = 0, value = 0;
  if (ctx->options) {
    int rc = sr_fb_i32(ctx->options, 0, 0, &id);
    if (!rc) rc = sr_fb_i8(ctx->options, 1, 0, &key);
    if (!rc) rc = sr_fb_i8(ctx->options, 2, 0, &value);
    if (rc) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "HashtableOptions: %s", sr_fb_strerror(rc));
  }
  p->table_id = id;
  p->key_type = (sigrun_type)key;
  p->value_type = (sigrun_type)value;
  *out = p;
  return SIGRUN_STATUS_OK;
}

static sigrun_status hashtable_prepare(sr_node* node) {
  static const sr_hashtable_params none = {0, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_FLOAT32};
  const sr_hashtable_params* p = node->params ? node->params : &none;
  sigrun_status st = sr_node_check_io(node, 0, 0, 1);
  if (st || (st = check_pair(node, p->key_type, p->value_type, "HashtableOptions key and value types")) ||
      (st = sr_node_check_type(node, node->outputs[0], "output 0", SIGRUN_TYPE_RESOURCE)))
    return st;
  const int32_t one = 1;
  return sr_node_resize_output(node, 0, 1, &one);
}

static sigrun_status hashtable_eval(sr_node* node) {
  const sr_hashtable_params* p = node->params;
  sr_tensor* out = node->outputs[0];
  if (!node->runner || !sr_resources_table(sr_node_resources(node), p->table_id))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_STATE, "table %d has no slot in the interpreter", p->table_id);
  memcpy(out->data, &p->table_id, sizeof p->table_id);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_hashtable = {"HASHTABLE", SR_BUILTIN_HASHTABLE, hashtable_parse, hashtable_prepare,
                                    hashtable_eval};

/* ---- HASHTABLE_FIND ---- */

static sigrun_status find_prepare(sr_node* node) {
  sr_tensor *keys, *dflt, *out;
  sigrun_status st = sr_node_check_io(node, 3, 3, 1);
  if (st || (st = check_handle(node)) || (st = sr_node_input(node, 1, &keys)) ||
      (st = sr_node_input(node, 2, &dflt)))
    return st;
  out = node->outputs[0];
  if ((st = sr_node_check_type(node, dflt, "input 2 (default value)", out->type)) ||
      (st = check_pair(node, keys->type, out->type, "input 1 (keys) and output 0")))
    return st;
  if (sr_tensor_count(dflt) < 1)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 2 (default value, tensor %d) has no element",
                        dflt->index);
  if (is_string(out->type)) {
    sr_node_set_output_dynamic(node, 0); /* sized in eval, once the values' lengths are known */
    return SIGRUN_STATUS_OK;
  }
  return sr_node_resize_output(node, 0, keys->rank, keys->dims);
}

/* int64 values: one pass. */
static void find_numbers(const struct sr_hashtable* t, const sr_tensor* keys, const sr_tensor* dflt,
                         sr_tensor* out, size_t n) {
  const int64_t fallback = ((const int64_t*)dflt->data)[0];
  int64_t* dst = out->data;
  for (size_t i = 0; i < n; i++) {
    const ht_slot* s = table_find(t, keys, i);
    dst[i] = s ? s->value.num : fallback;
  }
}

/* String values: measure, then write. */
static sigrun_status find_strings(sr_node* node, const struct sr_hashtable* t, const sr_tensor* keys,
                                  const sr_tensor* dflt, size_t n) {
  const char* fallback;
  size_t fallback_len, payload = 0;
  sr_strings_get(dflt, 0, &fallback, &fallback_len);
  for (size_t i = 0; i < n; i++) {
    const ht_slot* s = table_find(t, keys, i);
    if (!sr_add_size(payload, s ? s->value.len : fallback_len, &payload))
      return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "the %zu looked-up strings are too large", n);
  }
  sr_strings_writer w;
  sigrun_status st = sr_strings_begin(node, 0, keys->rank, keys->dims, payload, &w);
  if (st) return st;
  for (size_t i = 0; i < n; i++) {
    const ht_slot* s = table_find(t, keys, i);
    if (s)
      sr_strings_put(&w, t->text + s->value.off, s->value.len);
    else
      sr_strings_put(&w, fallback, fallback_len);
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status find_eval(sr_node* node) {
  const sr_tensor *keys = node->inputs[1], *dflt = node->inputs[2];
  sr_tensor* out = node->outputs[0];
  struct sr_hashtable* t;
  sigrun_status st;
  if ((st = table_of(node, keys->type, out->type, &t)) || (st = check_strings(node, keys, "input 1 (keys)")) ||
      (st = check_strings(node, dflt, "input 2 (default value)")))
    return st;
  if (!t->initialized) {
    int32_t id;
    memcpy(&id, node->inputs[0]->data, sizeof id);
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "table %d was never filled: HASHTABLE_IMPORT has not run "
                        "(LiteRT fails the lookup too)", id);
  }
  const size_t n = sr_tensor_count(keys);
  if (is_string(out->type)) return find_strings(node, t, keys, dflt, n);
  if (sr_tensor_count(out) != n)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_STATE, "output 0 holds %zu values for %zu keys", sr_tensor_count(out),
                        n);
  find_numbers(t, keys, dflt, out, n);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_hashtable_find = {"HASHTABLE_FIND", SR_BUILTIN_HASHTABLE_FIND, NULL, find_prepare,
                                         find_eval};

/* ---- HASHTABLE_IMPORT ---- */

static sigrun_status import_prepare(sr_node* node) {
  char a[64], b[64];
  sr_tensor *keys, *values;
  sigrun_status st = sr_node_check_io(node, 3, 3, 0);
  if (st || (st = check_handle(node)) || (st = sr_node_input(node, 1, &keys)) ||
      (st = sr_node_input(node, 2, &values)) ||
      (st = check_pair(node, keys->type, values->type, "inputs 1 (keys) and 2 (values)")))
    return st;
  int same = keys->rank == values->rank;
  for (int i = 0; same && i < keys->rank; i++) same = keys->dims[i] == values->dims[i];
  if (!same)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 1 (keys) has shape %s but input 2 (values) %s; they "
                        "must be equal", sr_shape_str(keys->dims, keys->rank, a, sizeof a),
                        sr_shape_str(values->dims, values->rank, b, sizeof b));
  return SIGRUN_STATUS_OK;
}

static sigrun_status import_eval(sr_node* node) {
  const sr_tensor *keys = node->inputs[1], *values = node->inputs[2];
  struct sr_hashtable* t;
  sigrun_status st = table_of(node, keys->type, values->type, &t);
  if (st || t->initialized) return st; /* LiteRT: every import after the first is a no-op */
  if ((st = check_strings(node, keys, "input 1 (keys)")) || (st = check_strings(node, values, "input 2 (values)")))
    return st;
  const size_t n = sr_tensor_count(keys);
  if (sr_tensor_count(values) != n)
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "%zu keys but %zu values", n, sr_tensor_count(values));
  return table_import(node, t, keys, values, n);
}

const sr_op_kind sr_op_hashtable_import = {"HASHTABLE_IMPORT", SR_BUILTIN_HASHTABLE_IMPORT, NULL, import_prepare,
                                           import_eval};

/* ---- HASHTABLE_SIZE ---- */

static sigrun_status size_prepare(sr_node* node) {
  sigrun_status st = sr_node_check_io(node, 1, 1, 1);
  if (st || (st = check_handle(node)) ||
      (st = sr_node_check_type(node, node->outputs[0], "output 0", SIGRUN_TYPE_INT64)))
    return st;
  const int32_t one = 1;
  return sr_node_resize_output(node, 0, 1, &one);
}

static sigrun_status size_eval(sr_node* node) {
  sr_table_slot* slot = NULL;
  sigrun_status st = slot_of(node, &slot);
  if (st) return st;
  int64_t size = (int64_t)slot->table->size;
  memcpy(node->outputs[0]->data, &size, sizeof size);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_hashtable_size = {"HASHTABLE_SIZE", SR_BUILTIN_HASHTABLE_SIZE, NULL, size_prepare,
                                         size_eval};
