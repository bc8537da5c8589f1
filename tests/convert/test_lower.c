/*
 * test_lower.c — the converter end to end in C (read, import, fuse, write, load the result in sigrun):
 * the real SavedModels of tests/data/saved_models convert and their .tflite loads and runs; the signatures
 * guide's string module fails with one error listing both string ops; every hostile SavedModel of
 * tests/data/saved_models/hostile (made by make_hostile_saved_models.py: recursion, cycles, dangling references,
 * absurd shapes and attributes) fails with a status and a message that names the place; and seeded byte
 * mutations of the real saved_model.pb files go through the whole converter without a crash (run this under
 * -DSIGRUN_SANITIZE=ON to make "without a crash" mean no memory error either).
 */
#include <stdlib.h>

#include "convert/convert_internal.h"
#include "harness.h"

#define MODELS_DIR "tests/data/saved_models/"

static uint8_t* slurp(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t* data = malloc(n > 0 ? (size_t)n : 1);
  *size = data && n > 0 ? fread(data, 1, (size_t)n, f) : 0;
  fclose(f);
  return data;
}

/* Converts the SavedModel in memory (variables from variables_prefix, or none). */
static sigrun_status convert_pb(const uint8_t* pb, size_t size, const char* variables_prefix, uint8_t** out,
                                size_t* out_size, sigrun_error* e) {
  sr_saved_model* sm;
  *out = NULL;
  sigrun_status st = sr_saved_model_load_buffer(pb, size, "saved_model.pb", variables_prefix, &sm, e);
  if (st) return st;
  sigrun_convert_options o;
  sigrun_convert_options_init(&o);
  st = sr_cv_convert_loaded(sm, &o, out, out_size, e);
  sr_saved_model_destroy(sm);
  return st;
}

/* Loads the .tflite in sigrun and runs every signature once on zeros. */
static int runs_in_sigrun(const uint8_t* bytes, size_t size, int expect_signatures) {
  sigrun_model* m;
  sigrun_interpreter* in;
  sigrun_error e;
  if (sigrun_model_load_buffer(bytes, size, 1, &m, &e)) return fprintf(stderr, "load: %s\n", e.message), 0;
  int ok = sigrun_model_signature_count(m) == expect_signatures;
  if (sigrun_interpreter_create(m, NULL, &in, &e)) {
    fprintf(stderr, "interpreter: %s\n", e.message);
    sigrun_model_destroy(m);
    return 0;
  }
  for (int s = 0; s < sigrun_model_signature_count(m); s++) {
    sigrun_runner* r;
    const char* key = sigrun_model_signature_key(m, s);
    if (sigrun_interpreter_get_runner(in, key, &r, &e) || sigrun_runner_allocate(r, &e)) {
      fprintf(stderr, "%s: %s\n", key, e.message);
      ok = 0;
      continue;
    }
    for (int i = 0; i < sigrun_runner_input_count(r); i++) {
      sigrun_tensor* t = sigrun_runner_input_at(r, i);
      memset(sigrun_tensor_data(t), 0, sigrun_tensor_byte_size(t));
    }
    if (sigrun_runner_invoke(r, &e)) {
      fprintf(stderr, "%s: invoke: %s\n", key, e.message);
      ok = 0;
    }
  }
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
  return ok;
}

static void check_real(const char* name, int signatures) {
  char path[256];
  snprintf(path, sizeof path, MODELS_DIR "%s", name);
  sigrun_convert_options o;
  sigrun_convert_options_init(&o);
  void* out;
  size_t size;
  sigrun_error e;
  sigrun_status st = sigrun_convert_saved_model(path, &o, &out, &size, &e);
  CHECK(st == SIGRUN_STATUS_OK);
  if (st) {
    fprintf(stderr, "%s: %s\n", name, e.message);
    return;
  }
  CHECK(runs_in_sigrun(out, size, signatures));
  sigrun_convert_free(out);
}

static void test_real_models_convert_and_run(void) {
  check_real("dense", 1); /* model.export: serving_default only */
  check_real("conv", 1);
  check_real("train", 2);
}

static void test_unsupported_ops_listed(void) {
  sigrun_convert_options o;
  sigrun_convert_options_init(&o);
  char* details = NULL;
  o.error_details = &details;
  void* out;
  size_t size;
  sigrun_error e;
  CHECK(sigrun_convert_saved_model(MODELS_DIR "encode_decode", &o, &out, &size, &e) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK(out == NULL && size == 0);
  CHECK_CONTAINS(e.message, "2 TensorFlow ops cannot be converted to LiteRT builtins");
  CHECK(details != NULL);
  if (details) {
    CHECK_CONTAINS(details, "tf.AsString: node 'AsString' in function '__inference_encode_");
    CHECK_CONTAINS(details, "tf.StringToNumber: node 'StringToNumber' in function '__inference_decode_");
  }
  sigrun_convert_free(details);
  /* multi's uniq signature uses Unique, which has no builtin lowering; the other two convert when chosen. */
  const char* keys[2] = {"add", "mul"};
  o.signature_keys = keys;
  o.n_signature_keys = 2;
  CHECK(sigrun_convert_saved_model(MODELS_DIR "multi", &o, &out, &size, &e) == SIGRUN_STATUS_OK);
  sigrun_convert_free(out);
  o.signature_keys = NULL;
  o.n_signature_keys = 0;
  CHECK(sigrun_convert_saved_model(MODELS_DIR "multi", &o, &out, &size, &e) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(e.message, "tf.Unique: node");
  sigrun_convert_free(details);
  const char* bad[1] = {"nope"};
  o.signature_keys = bad;
  o.n_signature_keys = 1;
  CHECK(sigrun_convert_saved_model(MODELS_DIR "multi", &o, &out, &size, &e) == SIGRUN_STATUS_NOT_FOUND);
  CHECK_CONTAINS(e.message, "Invalid signature key 'nope' found. Valid keys are 'add,mul,uniq'.");
  sigrun_convert_free(details);
  CHECK(sigrun_convert_saved_model(MODELS_DIR "missing", NULL, &out, &size, &e) == SIGRUN_STATUS_IO);
  CHECK(sigrun_convert_saved_model(NULL, NULL, &out, &size, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
}

typedef struct hostile_case {
  const char* name;
  sigrun_status status;
  const char* fragment; /* the message must contain it */
} hostile_case;

static const hostile_case k_hostile[] = {
    {"base", SIGRUN_STATUS_OK, ""},
    {"arity_mismatch", SIGRUN_STATUS_BAD_MODEL, "takes 1 arguments and returns 1 results; the call has 2 and 1"},
    {"bad_out_arg", SIGRUN_STATUS_NOT_FOUND, "nonsense"},
    {"bad_out_index", SIGRUN_STATUS_NOT_FOUND, "mul"},
    {"conv_bad_filter", SIGRUN_STATUS_BAD_MODEL, "node 'conv' (Conv2D) in function '__inference_helper_"},
    {"cycle", SIGRUN_STATUS_BAD_MODEL, "closes a cycle"},
    {"dangling_input", SIGRUN_STATUS_BAD_MODEL, "input 'nowhere:z:0' names no node or parameter of the function"},
    {"deep_calls", SIGRUN_STATUS_UNSUPPORTED, "function calls nested deeper than 64"},
    {"gather_out_of_range", SIGRUN_STATUS_BAD_MODEL, "node 'gather' (GatherV2) in function '__inference_helper_"},
    {"huge_dim", SIGRUN_STATUS_BAD_MODEL, "node 'fill' (Fill) in function '__inference_helper_10': dim 1099511627776"},
    {"missing_function", SIGRUN_STATUS_BAD_MODEL, "__inference_not_there_1"},
    {"mutual_call", SIGRUN_STATUS_UNSUPPORTED, "function calls nested deeper than 64"},
    {"reshape_negative", SIGRUN_STATUS_BAD_MODEL, "node 'reshape' (Reshape) in function '__inference_helper_10': reshape to dim -5"},
    {"reshape_too_many_dims", SIGRUN_STATUS_UNSUPPORTED, "node 'reshape' (Reshape) in function '__inference_helper_10': reshape to rank 12"},
    {"self_call", SIGRUN_STATUS_UNSUPPORTED, "function calls nested deeper than 64"},
    {"self_loop", SIGRUN_STATUS_BAD_MODEL, "closes a cycle"},
    {"strided_slice_zero_stride", SIGRUN_STATUS_BAD_MODEL, "stride 0"},
    {"unknown_op", SIGRUN_STATUS_UNSUPPORTED, "tf.NoSuchOp: node 'mystery' in function '__inference_helper_"},
};

static void test_hostile_saved_models(void) {
  for (size_t i = 0; i < sizeof k_hostile / sizeof k_hostile[0]; i++) {
    const hostile_case* hc = &k_hostile[i];
    char path[256];
    snprintf(path, sizeof path, MODELS_DIR "hostile/%s.pb", hc->name);
    size_t size, out_size;
    uint8_t* pb = slurp(path, &size);
    CHECK(pb != NULL);
    if (!pb) continue;
    uint8_t* out;
    sigrun_error e;
    sigrun_status st = convert_pb(pb, size, NULL, &out, &out_size, &e);
    if (st != hc->status || (st && !strstr(e.message, hc->fragment)))
      fprintf(stderr, "hostile %s: status %d (expected %d): %s\n", hc->name, (int)st, (int)hc->status,
              st ? e.message : "");
    CHECK(st == hc->status);
    if (st) CHECK_CONTAINS(e.message, hc->fragment);
    if (!st) CHECK(runs_in_sigrun(out, out_size, 1));
    sigrun_convert_free(out);
    free(pb);
  }
  /* unknown_op also lists the Erf outside a GELU, after the op the op list lacks. */
  size_t size, out_size;
  uint8_t* pb = slurp(MODELS_DIR "hostile/unknown_op.pb", &size);
  uint8_t* out;
  sigrun_error e;
  if (pb && convert_pb(pb, size, NULL, &out, &out_size, &e)) {
    CHECK_CONTAINS(e.message, "2 TensorFlow ops cannot be converted");
    CHECK_CONTAINS(e.message, "tf.Erf: node 'erf' in function '__inference_helper_");
  }
  free(pb);
}

/* ---- mutations ---- */

static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void mutate_and_convert(const char* name, int rounds, size_t* converted) {
  char path[256], prefix[256];
  snprintf(path, sizeof path, MODELS_DIR "%s/saved_model.pb", name);
  snprintf(prefix, sizeof prefix, MODELS_DIR "%s/variables/variables", name);
  size_t size;
  uint8_t* pb = slurp(path, &size);
  CHECK(pb != NULL);
  if (!pb) return;
  uint8_t* copy = malloc(size);
  for (int r = 0; r < rounds; r++) {
    memcpy(copy, pb, size);
    int edits = 1 + (int)(rng() % 4);
    for (int k = 0; k < edits; k++) {
      size_t at = (size_t)(rng() % size);
      switch (rng() % 3) {
        case 0: copy[at] ^= (uint8_t)(1u << (rng() % 8)); break;
        case 1: copy[at] = (uint8_t)rng(); break;
        default: copy[at] = (uint8_t)(copy[at] + 1); break;
      }
    }
    uint8_t* out;
    size_t out_size;
    sigrun_error e;
    sigrun_status st = convert_pb(copy, size, prefix, &out, &out_size, &e);
    if (!st) {
      /* Whatever converts must be a model sigrun's verifying loader accepts. */
      sigrun_model* m;
      CHECK(sigrun_model_load_buffer(out, out_size, 1, &m, &e) == SIGRUN_STATUS_OK);
      if (!e.status) sigrun_model_destroy(m);
      (*converted)++;
    } else {
      CHECK(e.message[0] != 0);
    }
    sigrun_convert_free(out);
  }
  free(copy);
  free(pb);
}

/* SIGRUN_CONVERT_MUTATIONS=N runs N per model instead of 400 (for longer sanitizer sessions). */
static void test_mutated_models_never_crash(void) {
  size_t converted = 0;
  const char* env = getenv("SIGRUN_CONVERT_MUTATIONS");
  int rounds = env && atoi(env) > 0 ? atoi(env) : 400;
  if (env) rng_state ^= (uint64_t)rounds * 0x9e3779b97f4a7c15ull;
  mutate_and_convert("dense", rounds, &converted);
  mutate_and_convert("conv", rounds, &converted);
  mutate_and_convert("multi", rounds, &converted);
  mutate_and_convert("train", rounds, &converted);
  printf("mutations: %zu of %d still converted\n", converted, 4 * rounds);
  CHECK(converted > 0); /* the mutations hit more than the decoder's checks */
}

int main(void) {
  RUN(test_real_models_convert_and_run);
  RUN(test_unsupported_ops_listed);
  RUN(test_hostile_saved_models);
  RUN(test_mutated_models_never_crash);
  return TEST_SUMMARY();
}
