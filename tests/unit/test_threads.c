/*
 * test_threads.c — one interpreter, many threads: each thread owns runners from sigrun_runner_create and
 * invokes several signatures at once. Stateless signatures (the encode/decode example, WHILE loops whose
 * bodies run in per-runner executors) must give exactly the sequential results; a stateful model whose
 * signatures add to and multiply a shared variable must give results that some sequential order of the same
 * invokes explains (checked by rebuilding that order). Run under ThreadSanitizer in CI.
 */
#include <pthread.h>
#include <stdlib.h>

#include "../harness.h"
#include "../../include/sigrun.h"

enum { THREADS = 4, ROUNDS = 60 };

static sigrun_model* load(const char* path) {
  sigrun_model* m = NULL;
  sigrun_error e;
  if (sigrun_model_load_file(path, &m, &e) != SIGRUN_STATUS_OK) fprintf(stderr, "%s: %s\n", path, e.message);
  CHECK(m != NULL);
  return m;
}

/* Runs `key` with one float input `in_name` of n values and copies output `out_name` (n_out values). */
static int run_f32(sigrun_runner* r, const char* in_name, const float* x, size_t n, const char* out_name, float* y,
                   size_t n_out) {
  sigrun_error e;
  int32_t dims[2] = {1, (int32_t)n};
  sigrun_status st = sigrun_runner_resize_input(r, in_name, dims, 2, &e);
  if (!st) st = sigrun_runner_allocate(r, &e);
  if (!st) st = sigrun_runner_set_input(r, in_name, x, n * sizeof(float), &e);
  if (!st) st = sigrun_runner_invoke(r, &e);
  if (!st) st = sigrun_runner_get_output(r, out_name, y, n_out * sizeof(float), &e);
  if (st) fprintf(stderr, "%s: %s\n", sigrun_runner_signature_key(r), e.message);
  return st == SIGRUN_STATUS_OK;
}

/* ---- stateless: encode/decode ---- */

static void input_for(int thread, int round, float x[4]) {
  for (int k = 0; k < 4; k++) x[k] = (float)((thread * 31 + round * 7 + k * 3) % 17) / 8.0f - 1.0f;
}

typedef struct codec_job {
  sigrun_interpreter* in;
  int thread;
  float encoded[ROUNDS][2];
  float decoded[ROUNDS][4];
  int ok;
} codec_job;

static void* codec_worker(void* arg) {
  codec_job* j = arg;
  sigrun_runner *enc = NULL, *dec = NULL;
  j->ok = sigrun_runner_create(j->in, "encode", &enc, NULL) == SIGRUN_STATUS_OK &&
          sigrun_runner_create(j->in, "decode", &dec, NULL) == SIGRUN_STATUS_OK;
  for (int i = 0; i < ROUNDS && j->ok; i++) {
    float x[4];
    input_for(j->thread, i, x);
    j->ok = run_f32(enc, "x", x, 4, "encoded", j->encoded[i], 2) &&
            run_f32(dec, "y", j->encoded[i], 2, "decoded", j->decoded[i], 4);
  }
  sigrun_runner_destroy(enc);
  sigrun_runner_destroy(dec);
  return NULL;
}

static void test_stateless_signatures_match_sequential(void) {
  sigrun_model* m = load("examples/encode_decode/encode_decode.tflite");
  if (!m) return;
  sigrun_interpreter* in = NULL;
  CHECK(sigrun_interpreter_create(m, NULL, &in, NULL) == SIGRUN_STATUS_OK);
  static codec_job seq[THREADS], par[THREADS];
  for (int t = 0; t < THREADS; t++) { /* the reference: the same work, one thread after another */
    seq[t] = (codec_job){.in = in, .thread = t};
    codec_worker(&seq[t]);
    CHECK(seq[t].ok);
  }
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; t++) {
    par[t] = (codec_job){.in = in, .thread = t};
    pthread_create(&threads[t], NULL, codec_worker, &par[t]);
  }
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    CHECK(par[t].ok);
    CHECK(memcmp(par[t].encoded, seq[t].encoded, sizeof seq[t].encoded) == 0);
    CHECK(memcmp(par[t].decoded, seq[t].decoded, sizeof seq[t].decoded) == 0);
  }
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

/* ---- control flow: every runner runs its own WHILE condition and body executors ---- */

typedef struct loop_job {
  sigrun_interpreter* in;
  int thread;
  int32_t results[ROUNDS][2];
  int ok;
} loop_job;

/* multi_subgraphs_while.bin (LiteRT's test model): serving_default(inp: float32 scalar) runs a WHILE loop whose
 * body adds and multiplies; outputs output_0 (int32 scalar, the count) and output_1 (float32 scalar). */
static void* loop_worker(void* arg) {
  loop_job* j = arg;
  sigrun_runner* r = NULL;
  sigrun_error e = {0};
  j->ok = sigrun_runner_create(j->in, NULL, &r, &e) == SIGRUN_STATUS_OK &&
          sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK;
  for (int i = 0; i < ROUNDS && j->ok; i++) {
    float x = (float)((j->thread * 5 + i) % 9) * 0.25f, y;
    j->ok = sigrun_runner_set_input(r, "inp", &x, 4, &e) == SIGRUN_STATUS_OK &&
            sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK &&
            sigrun_runner_get_output(r, "output_0", &j->results[i][0], 4, &e) == SIGRUN_STATUS_OK &&
            sigrun_runner_get_output(r, "output_1", &y, 4, &e) == SIGRUN_STATUS_OK;
    memcpy(&j->results[i][1], &y, 4);
  }
  if (!j->ok) fprintf(stderr, "loop worker: %s\n", e.message);
  sigrun_runner_destroy(r);
  return NULL;
}

static void test_control_flow_runs_in_parallel(void) {
  sigrun_model* m = load("tests/data/models/multi_subgraphs_while.bin");
  if (!m) return;
  sigrun_interpreter* in = NULL;
  CHECK(sigrun_interpreter_create(m, NULL, &in, NULL) == SIGRUN_STATUS_OK);
  static loop_job seq[THREADS], par[THREADS];
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; t++) {
    seq[t] = (loop_job){.in = in, .thread = t};
    loop_worker(&seq[t]);
    CHECK(seq[t].ok);
    par[t] = (loop_job){.in = in, .thread = t};
  }
  for (int t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, loop_worker, &par[t]);
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    CHECK(par[t].ok);
    CHECK(memcmp(par[t].results, seq[t].results, sizeof seq[t].results) == 0);
  }
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

/* ---- stateful: add and scale on one shared variable must be linearizable ---- */

typedef struct step {
  int scale;  /* 1: v *= 2, 0: v += 1 */
  float v[3]; /* the value the invoke returned (after its own update) */
} step;

typedef struct counter_job {
  sigrun_interpreter* in;
  int thread;
  step steps[ROUNDS];
  int ok;
} counter_job;

static void* counter_worker(void* arg) {
  counter_job* j = arg;
  sigrun_runner *add = NULL, *scale = NULL;
  sigrun_error e;
  j->ok = sigrun_runner_create(j->in, "add", &add, &e) == SIGRUN_STATUS_OK &&
          sigrun_runner_create(j->in, "scale", &scale, &e) == SIGRUN_STATUS_OK &&
          sigrun_runner_allocate(add, &e) == SIGRUN_STATUS_OK && sigrun_runner_allocate(scale, &e) == SIGRUN_STATUS_OK;
  const float one[3] = {1, 1, 1}, two = 2;
  for (int i = 0; i < ROUNDS && j->ok; i++) {
    step* s = &j->steps[i];
    s->scale = (j->thread + i) % 15 == 0;
    sigrun_runner* r = s->scale ? scale : add;
    j->ok = sigrun_runner_set_input(r, s->scale ? "k" : "x", s->scale ? (const void*)&two : (const void*)one,
                                    s->scale ? sizeof two : sizeof one, &e) == SIGRUN_STATUS_OK &&
            sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK &&
            sigrun_runner_get_output(r, "v", s->v, sizeof s->v, &e) == SIGRUN_STATUS_OK;
  }
  if (!j->ok) fprintf(stderr, "counter worker: %s\n", e.message);
  sigrun_runner_destroy(add);
  sigrun_runner_destroy(scale);
  return NULL;
}

static int by_first_value(const void* a, const void* b) {
  float x = ((const step*)a)->v[0], y = ((const step*)b)->v[0];
  return (x > y) - (x < y);
}

/* Every update makes v[0] grow, so sorting the returned values gives the order the lock serialized them in;
 * replaying that order with the same float arithmetic must reproduce every returned value. */
static void test_stateful_invokes_are_linearizable(void) {
  sigrun_model* m = load("tests/data/state/counter.tflite");
  if (!m) return;
  sigrun_interpreter* in = NULL;
  CHECK(sigrun_interpreter_create(m, NULL, &in, NULL) == SIGRUN_STATUS_OK);
  static counter_job jobs[THREADS];
  static step all[THREADS * ROUNDS];
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; t++) {
    jobs[t] = (counter_job){.in = in, .thread = t};
    pthread_create(&threads[t], NULL, counter_worker, &jobs[t]);
  }
  int n = 0;
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    CHECK(jobs[t].ok);
    for (int i = 0; i < ROUNDS; i++) all[n++] = jobs[t].steps[i];
  }
  qsort(all, (size_t)n, sizeof all[0], by_first_value);
  float v[3] = {1, 2, 3};
  int mismatches = 0;
  for (int i = 0; i < n; i++) {
    for (int k = 0; k < 3; k++) v[k] = all[i].scale ? v[k] * 2.0f : v[k] + 1.0f;
    if (memcmp(v, all[i].v, sizeof v) != 0) mismatches++;
  }
  CHECK(mismatches == 0);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

/* ---- separate interpreters over one shared model ---- */

/* The model is the only object they share (weights, parsed graph, packed-weight cache): each thread creates its
 * own interpreter (1 or 2 intra-op threads), runs every model's primary signature a few rounds on inputs of its
 * own, and destroys the interpreter, all at the same time as the others. Each output must hash to what the same
 * work gave one thread after another. */
static const char* const shared_models[] = {
    "examples/encode_decode/encode_decode.tflite",         "tests/data/models/multi_subgraphs_while.bin",
    "tests/data/models/hello_world_int8.tflite",           "tests/data/models/mobilenet_v1_0.25_128_quant.tflite",
    "tests/data/models/string_input_model_with_signature.bin",
};
enum { SHARED_MODELS = sizeof shared_models / sizeof shared_models[0], SHARED_ROUNDS = 3 };

typedef struct shared_job {
  sigrun_model* const* models;
  int thread;
  uint64_t hashes[SHARED_MODELS][SHARED_ROUNDS];
  int ok;
} shared_job;

static uint64_t fnv1a(uint64_t h, const void* data, size_t n) {
  const unsigned char* p = data;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211u;
  return h;
}

/* Deterministic input bytes per (thread, round, input): small values that every model accepts (floats in
 * [0, 2) keep the WHILE model's loop short); strings get a packed buffer of the right count. */
static int fill_input(sigrun_runner* r, int i, int thread, int round) {
  sigrun_tensor* t = sigrun_runner_input_at(r, i);
  size_t count = sigrun_tensor_element_count(t), bytes = sigrun_tensor_byte_size(t);
  int seed = thread * 7 + round * 3 + i;
  if (sigrun_tensor_type(t) == SIGRUN_TYPE_STRING) {
    static const char* const words[] = {"sigrun", "runs", "signatures", "", "x", "strings"};
    const char* strings[8];
    size_t lengths[8], size = 0;
    if (count > 8) return 0;
    for (size_t k = 0; k < count; k++) {
      strings[k] = words[((size_t)seed + k) % 6];
      lengths[k] = strlen(strings[k]);
    }
    char buffer[256];
    return sigrun_strings_pack(strings, lengths, count, buffer, sizeof buffer, &size, NULL) == SIGRUN_STATUS_OK &&
           sigrun_runner_set_input(r, sigrun_runner_input_name(r, i), buffer, size, NULL) == SIGRUN_STATUS_OK;
  }
  unsigned char* data = malloc(bytes ? bytes : 1);
  if (!data) return 0;
  for (size_t k = 0; k < count; k++) {
    int v = (int)((size_t)seed + k * 5) % 8;
    if (sigrun_tensor_type(t) == SIGRUN_TYPE_FLOAT32) ((float*)data)[k] = (float)v * 0.25f;
    else if (sigrun_tensor_type(t) == SIGRUN_TYPE_INT32) ((int32_t*)data)[k] = v;
    else memset(data + k * (bytes / (count ? count : 1)), v * 31, bytes / (count ? count : 1));
  }
  int ok = sigrun_runner_set_input(r, sigrun_runner_input_name(r, i), data, bytes, NULL) == SIGRUN_STATUS_OK;
  free(data);
  return ok;
}

static void* shared_model_worker(void* arg) {
  shared_job* j = arg;
  j->ok = 1;
  for (int n = 0; n < SHARED_MODELS && j->ok; n++) {
    int which = (n + j->thread) % SHARED_MODELS; /* threads start on different models */
    sigrun_interpreter_options o;
    sigrun_interpreter_options_init(&o);
    o.num_threads = 1 + j->thread % 2;
    sigrun_interpreter* in = NULL;
    sigrun_runner* r = NULL;
    sigrun_error e = {0};
    j->ok = sigrun_interpreter_create(j->models[which], &o, &in, &e) == SIGRUN_STATUS_OK &&
            sigrun_interpreter_get_runner(in, NULL, &r, &e) == SIGRUN_STATUS_OK &&
            sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK;
    for (int round = 0; round < SHARED_ROUNDS && j->ok; round++) {
      for (int i = 0; i < sigrun_runner_input_count(r) && j->ok; i++) j->ok = fill_input(r, i, j->thread, round);
      j->ok = j->ok && sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK;
      uint64_t h = 1469598103934665603u;
      for (int k = 0; k < sigrun_runner_output_count(r) && j->ok; k++) {
        const sigrun_tensor* t = sigrun_runner_output_at(r, k);
        h = fnv1a(h, sigrun_tensor_data_const(t), sigrun_tensor_byte_size(t));
      }
      j->hashes[which][round] = h;
    }
    if (!j->ok) fprintf(stderr, "%s: %s\n", shared_models[which], e.message);
    sigrun_interpreter_destroy(in);
  }
  return NULL;
}

static void test_separate_interpreters_share_one_model(void) {
  sigrun_model* models[SHARED_MODELS];
  int loaded = 1;
  for (int n = 0; n < SHARED_MODELS; n++) loaded &= (models[n] = load(shared_models[n])) != NULL;
  static shared_job seq[THREADS], par[THREADS];
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS && loaded; t++) {
    seq[t] = (shared_job){.models = models, .thread = t};
    shared_model_worker(&seq[t]);
    CHECK(seq[t].ok);
    par[t] = (shared_job){.models = models, .thread = t};
  }
  for (int t = 0; t < THREADS && loaded; t++) pthread_create(&threads[t], NULL, shared_model_worker, &par[t]);
  for (int t = 0; t < THREADS && loaded; t++) {
    pthread_join(threads[t], NULL);
    CHECK(par[t].ok);
    CHECK(memcmp(par[t].hashes, seq[t].hashes, sizeof seq[t].hashes) == 0);
  }
  /* Different inputs gave different outputs, so the hashes compare something. */
  CHECK(!loaded || seq[0].hashes[3][0] != seq[1].hashes[3][0]);
  for (int n = 0; n < SHARED_MODELS; n++) sigrun_model_destroy(models[n]);
}

int main(void) {
  RUN(test_separate_interpreters_share_one_model);
  RUN(test_stateless_signatures_match_sequential);
  RUN(test_control_flow_runs_in_parallel);
  RUN(test_stateful_invokes_are_linearizable);
  return TEST_SUMMARY();
}
