/*
 * test_convert_fuzz.c — replay-style hardening of the converter's reader: every truncation and thousands of
 * seeded byte mutations of a real saved_model.pb and of a real variables.index, each loaded and, when the load
 * succeeds, walked the way the lowering will walk it (signatures, captures, variable reads, every function
 * body's input references, Const tensors, attrs). Nothing may crash or leak; every failure must carry a message.
 * Run it under -DSIGRUN_SANITIZE=ON to make "crash" include ASan/UBSan findings.
 */
#include <stdlib.h>
#include <unistd.h>

#include "convert/saved_model.h"
#include "harness.h"

#define MODEL "tests/data/saved_models/train"
#define INDEX_MODEL "tests/data/saved_models/conv"

static uint8_t* slurp(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t* buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *size = (size_t)n;
  return buf;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* Uses everything a successful load hands out; returns a count so the work is not optimised away. */
static size_t walk_model(const sr_saved_model* m) {
  size_t touched = 0;
  sigrun_error e;
  for (size_t i = 0; i < m->n_signatures; i++) {
    const sr_tf_signature* s = &m->signatures[i];
    if (!s->call) {
      touched += s->unbound_reason != NULL;
      continue;
    }
    for (size_t k = 0; k < s->call->n_args; k++) {
      const sr_saved_call_arg* a = &s->call->args[k];
      touched += a->graph_node->n_input;
      if (a->kind != SR_SAVED_CALL_ARG_CAPTURE || a->object_id < 0) continue;
      const sr_saved_object* o = &m->objects[a->object_id];
      if (o->kind == SR_SAVED_OBJECT_VARIABLE && o->variable.entry && o->variable.entry->size <= (1u << 20)) {
        size_t n = (size_t)o->variable.entry->size;
        void* buf = malloc(n ? n : 1);
        touched += sr_saved_model_read_variable(m, a->object_id, buf, n, &e) == SIGRUN_STATUS_OK;
        free(buf);
      }
    }
  }
  for (size_t i = 0; i < m->n_functions; i++) {
    const sr_tf_function* f = &m->functions[i];
    for (size_t k = 0; k < f->node_def.count; k++) {
      const sr_tf_node* n = &f->node_def.items[k];
      size_t count;
      if (sr_tf_node_output_count(n, &count, &e) == SIGRUN_STATUS_OK) touched += count;
      for (size_t j = 0; j < n->n_input; j++) {
        sr_tf_tensor_ref ref;
        if (!sr_tf_parse_tensor_ref(n->input[j], &ref) || ref.is_control) continue;
        const sr_tf_node* src = sr_tf_nodes_find_n(&f->node_def, ref.name, ref.name_len);
        size_t flat;
        if (src && sr_tf_node_output_index(src, ref.arg, ref.arg_len, ref.index, &flat, &e) == SIGRUN_STATUS_OK)
          touched += flat;
      }
      const sr_tf_attr* v = sr_tf_node_attr(n, "value");
      size_t nbytes;
      if (v && v->kind == SR_TF_ATTR_TENSOR && sr_tf_tensor_nbytes(v->tensor, &nbytes, &e) == SIGRUN_STATUS_OK &&
          nbytes <= (1u << 20)) {
        void* buf = malloc(nbytes ? nbytes : 1);
        touched += sr_tf_tensor_read(v->tensor, buf, nbytes, &e) == SIGRUN_STATUS_OK;
        free(buf);
      }
      const sr_tf_attr* t = sr_tf_node_attr(n, "T");
      touched += t != NULL;
    }
  }
  return touched;
}

static size_t loads_ok, loads_failed;

static void load_bytes(const uint8_t* data, size_t size, const char* variables) {
  sr_saved_model* m = NULL;
  sigrun_error e;
  e.message[0] = 0;
  if (sr_saved_model_load_buffer(data, size, "saved_model.pb", variables, &m, &e) == SIGRUN_STATUS_OK) {
    loads_ok++;
    (void)walk_model(m);
    sr_saved_model_destroy(m);
  } else {
    loads_failed++;
    CHECK(m == NULL);
    CHECK(e.message[0] != 0);
  }
}

static void test_saved_model_truncations(void) {
  size_t size;
  uint8_t* pb = slurp(MODEL "/saved_model.pb", &size);
  CHECK(pb != NULL);
  if (!pb) return;
  loads_ok = loads_failed = 0;
  for (size_t cut = 0; cut < size; cut++) {
    uint8_t* copy = malloc(cut + 1); /* exact-size copies, so ASan sees any over-read */
    memcpy(copy, pb, cut);
    load_bytes(copy, cut, MODEL "/variables/variables");
    free(copy);
  }
  load_bytes(pb, size, MODEL "/variables/variables");
  CHECK(loads_ok >= 1 && loads_failed > size / 2);
  printf("  saved_model.pb: %zu truncations, %zu loaded, %zu failed\n", size, loads_ok, loads_failed);
  free(pb);
}

static void test_saved_model_mutations(void) {
  size_t size;
  uint8_t* pb = slurp(MODEL "/saved_model.pb", &size);
  CHECK(pb != NULL);
  if (!pb) return;
  static const uint8_t specials[] = {0x00, 0xff, 0x80, 0x7f, 0x01, 0x0a, 0x12, 0x1a};
  uint8_t* copy = malloc(size);
  loads_ok = loads_failed = 0;
  for (int iter = 0; iter < 20000; iter++) {
    memcpy(copy, pb, size);
    int flips = 1 + (int)(rng() % 4);
    for (int k = 0; k < flips; k++) {
      size_t pos = (size_t)(rng() % size);
      uint64_t r = rng();
      copy[pos] = (r & 1) ? specials[(r >> 1) % sizeof specials] : (uint8_t)(r >> 8);
    }
    load_bytes(copy, size, (iter & 1) ? MODEL "/variables/variables" : NULL);
  }
  printf("  saved_model.pb: 20000 mutations, %zu loaded, %zu failed\n", loads_ok, loads_failed);
  CHECK(loads_ok > 0 && loads_failed > 0);
  free(copy);
  free(pb);
}

static size_t walk_bundle(const sr_bundle* b) {
  size_t touched = 0;
  sigrun_error e;
  for (size_t i = 0; i < sr_bundle_count(b); i++) {
    const sr_bundle_entry* x = sr_bundle_entry_at(b, i);
    if (x->size > (1u << 20)) continue;
    if (x->dtype == SR_TF_STRING) {
      sr_pool pool;
      sr_pool_init(&pool);
      sr_tf_bytes* items;
      size_t n;
      touched += sr_bundle_read_strings(b, x, &pool, &items, &n, &e) == SIGRUN_STATUS_OK;
      sr_pool_destroy(&pool);
    } else if (sr_tf_dtype_size(x->dtype)) {
      void* buf = malloc(x->size ? (size_t)x->size : 1);
      touched += sr_bundle_read(b, x, buf, (size_t)x->size, &e) == SIGRUN_STATUS_OK;
      free(buf);
    }
  }
  return touched;
}

static void test_index_mutations(void) {
  size_t size;
  uint8_t* index = slurp(INDEX_MODEL "/variables/variables.index", &size);
  CHECK(index != NULL);
  if (!index) return;
  size_t ok = 0, failed = 0;
  uint8_t* copy = malloc(size);
  for (size_t cut = 0; cut <= size; cut++) {
    sr_bundle* b;
    sigrun_error e;
    e.message[0] = 0;
    if (sr_bundle_open_index(INDEX_MODEL "/variables/variables", index, cut, &b, &e) == SIGRUN_STATUS_OK) {
      ok++;
      (void)walk_bundle(b);
      sr_bundle_destroy(b);
    } else {
      failed++;
      CHECK(e.message[0] != 0);
    }
  }
  CHECK(ok == 1 && failed == size); /* only the whole file opens */
  for (size_t pos = 0; pos < size; pos++) {
    for (int v = 0; v < 8; v++) {
      memcpy(copy, index, size);
      copy[pos] = v < 4 ? (uint8_t)(copy[pos] ^ (1u << (2 * v))) : (uint8_t)(rng() >> 8);
      sr_bundle* b;
      sigrun_error e;
      e.message[0] = 0;
      if (sr_bundle_open_index(INDEX_MODEL "/variables/variables", copy, size, &b, &e) == SIGRUN_STATUS_OK) {
        ok++;
        (void)walk_bundle(b);
        sr_bundle_destroy(b);
      } else {
        failed++;
        CHECK(e.message[0] != 0);
      }
    }
  }
  printf("  variables.index: %zu truncations + %zu mutations, %zu opened, %zu failed\n", size + 1, 8 * size, ok,
         failed);
  free(copy);
  free(index);
}

/* A mutated index under a real saved_model.pb: the object-graph walk and variable binding meet bad bundles. */
static void test_model_with_mutated_index(void) {
  size_t pb_size, index_size, data_size;
  uint8_t* pb = slurp(INDEX_MODEL "/saved_model.pb", &pb_size);
  uint8_t* index = slurp(INDEX_MODEL "/variables/variables.index", &index_size);
  uint8_t* data = slurp(INDEX_MODEL "/variables/variables.data-00000-of-00001", &data_size);
  CHECK(pb && index && data);
  char dir[] = "/tmp/sigrun_fuzz_XXXXXX";
  if (!pb || !index || !data || !mkdtemp(dir)) {
    free(pb);
    free(index);
    free(data);
    return;
  }
  char prefix[64], index_path[80], data_path[96];
  snprintf(prefix, sizeof prefix, "%s/variables", dir);
  snprintf(index_path, sizeof index_path, "%s.index", prefix);
  snprintf(data_path, sizeof data_path, "%s.data-00000-of-00001", prefix);
  loads_ok = loads_failed = 0;
  for (int iter = 0; iter < 600; iter++) {
    uint8_t* copy = malloc(iter < 300 ? index_size : data_size);
    FILE* f;
    if (iter < 300) { /* the index mutated, the data intact */
      memcpy(copy, index, index_size);
      copy[rng() % index_size] = (uint8_t)rng();
      f = fopen(index_path, "wb");
      fwrite(copy, 1, index_size, f);
      fclose(f);
      f = fopen(data_path, "wb");
      fwrite(data, 1, data_size, f);
      fclose(f);
    } else { /* the data mutated (object graph or weights), the index intact */
      memcpy(copy, data, data_size);
      copy[rng() % data_size] = (uint8_t)rng();
      f = fopen(index_path, "wb");
      fwrite(index, 1, index_size, f);
      fclose(f);
      f = fopen(data_path, "wb");
      fwrite(copy, 1, data_size, f);
      fclose(f);
    }
    free(copy);
    load_bytes(pb, pb_size, prefix);
  }
  printf("  conv with mutated variables: %zu loaded, %zu failed\n", loads_ok, loads_failed);
  CHECK(loads_failed > 0);
  unlink(index_path);
  unlink(data_path);
  rmdir(dir);
  free(pb);
  free(index);
  free(data);
}

int main(void) {
  RUN(test_saved_model_truncations);
  RUN(test_saved_model_mutations);
  RUN(test_index_mutations);
  RUN(test_model_with_mutated_index);
  return TEST_SUMMARY();
}
