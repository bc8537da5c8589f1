/*
 * test_state.c — state shared by signatures, through the public API: resource variables seen by every
 * signature of one interpreter and by no other, the SavedModel initializer (CALL_ONCE) running once per
 * interpreter, the two resets, the Flex-tolerant load, and the state lock under concurrent runners.
 * String tensors and hash tables through the C API (tests/data/state/vocabulary.tflite).
 * tests/data/state/counter.tflite (tests/data/make_state_models.py): v starts at [1,2,3]; add(x) adds x and
 * returns v; get() returns v; scale(k) multiplies v by k.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "../harness.h"
#include "../../include/sigrun.h"

static sigrun_model* load(const char* path) {
  sigrun_model* m = NULL;
  sigrun_error e;
  sigrun_status st = sigrun_model_load_file(path, &m, &e);
  CHECK(st == SIGRUN_STATUS_OK);
  if (st) fprintf(stderr, "%s: %s\n", path, e.message);
  return m;
}

static sigrun_interpreter* interpreter(const sigrun_model* m) {
  sigrun_interpreter* in = NULL;
  sigrun_error e;
  sigrun_status st = sigrun_interpreter_create(m, NULL, &in, &e);
  CHECK(st == SIGRUN_STATUS_OK);
  if (st) fprintf(stderr, "%s\n", e.message);
  return in;
}

/* Runs a signature of the counter on a runner; x (3 floats) or k (1 float) may be NULL; fills v[3]. */
static sigrun_status run_on(sigrun_runner* r, const float* x, const float* k, float v[3], sigrun_error* e) {
  sigrun_status st = sigrun_runner_allocate(r, e);
  if (!st && x) st = sigrun_runner_set_input(r, "x", x, 3 * sizeof(float), e);
  if (!st && k) st = sigrun_runner_set_input(r, "k", k, sizeof(float), e);
  if (!st) st = sigrun_runner_invoke(r, e);
  if (!st) st = sigrun_runner_get_output(r, "v", v, 3 * sizeof(float), e);
  return st;
}

static void run(sigrun_interpreter* in, const char* key, const float* x, const float* k, float v[3]) {
  sigrun_runner* r = NULL;
  sigrun_error e;
  sigrun_status st = sigrun_interpreter_get_runner(in, key, &r, &e);
  if (!st) st = run_on(r, x, k, v, &e);
  CHECK(st == SIGRUN_STATUS_OK);
  if (st) fprintf(stderr, "%s: %s\n", key, e.message);
}

#define CHECK_V(v, a, b, c) CHECK((v)[0] == (a) && (v)[1] == (b) && (v)[2] == (c))

static void test_signatures_share_one_variable(void) {
  sigrun_model* m = load("tests/data/state/counter.tflite");
  if (!m) return;
  sigrun_interpreter* in = interpreter(m);
  sigrun_interpreter* other = interpreter(m);
  CHECK(sigrun_model_signature_count(m) == 3); /* the initializer subgraph is not a signature */
  float v[3], one[3] = {1, 1, 1}, two = 2;
  run(in, "get", NULL, NULL, v);
  CHECK_V(v, 1, 2, 3);
  run(in, "add", one, NULL, v);
  CHECK_V(v, 2, 3, 4);
  run(in, "get", NULL, NULL, v); /* another signature sees the assignment */
  CHECK_V(v, 2, 3, 4);
  run(in, "scale", NULL, &two, v);
  CHECK_V(v, 4, 6, 8);
  run(other, "get", NULL, NULL, v); /* another interpreter does not */
  CHECK_V(v, 1, 2, 3);
  /* A runner made by sigrun_runner_create shares the interpreter's variables. */
  sigrun_runner* own = NULL;
  CHECK(sigrun_runner_create(in, "get", &own, NULL) == SIGRUN_STATUS_OK);
  CHECK(own && run_on(own, NULL, NULL, v, NULL) == SIGRUN_STATUS_OK);
  CHECK_V(v, 4, 6, 8);
  sigrun_runner_destroy(own);
  sigrun_interpreter_destroy(other);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

static void test_resets(void) {
  sigrun_model* m = load("tests/data/state/counter.tflite");
  if (!m) return;
  sigrun_interpreter* in = interpreter(m);
  float v[3], one[3] = {1, 1, 1};
  run(in, "add", one, NULL, v);
  CHECK_V(v, 2, 3, 4);
  /* LiteRT's reset_all_variables leaves resource variables alone. */
  CHECK(sigrun_interpreter_reset_variables(in, NULL) == SIGRUN_STATUS_OK);
  run(in, "get", NULL, NULL, v);
  CHECK_V(v, 2, 3, 4);
  /* reset_state makes the interpreter fresh: the initializer runs again on the next invoke. */
  CHECK(sigrun_interpreter_reset_state(in, NULL) == SIGRUN_STATUS_OK);
  run(in, "get", NULL, NULL, v);
  CHECK_V(v, 1, 2, 3);
  run(in, "add", one, NULL, v);
  CHECK_V(v, 2, 3, 4);
  CHECK(sigrun_interpreter_reset_state(NULL, NULL) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK(sigrun_interpreter_reset_variables(NULL, NULL) == SIGRUN_STATUS_BAD_ARGUMENT);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

/* ---- concurrency: writers add 1 to every element, readers check that no invoke sees a torn value ---- */

enum { THREADS = 4, ROUNDS = 300 };

typedef struct worker {
  sigrun_interpreter* in;
  const char* key;
  int failures;
  int torn;
} worker;

static void* work(void* arg) {
  worker* w = arg;
  sigrun_runner* r = NULL;
  if (sigrun_runner_create(w->in, w->key, &r, NULL) != SIGRUN_STATUS_OK) {
    w->failures++;
    return NULL;
  }
  float one[3] = {1, 1, 1}, v[3];
  int add = strcmp(w->key, "add") == 0;
  for (int i = 0; i < ROUNDS; i++) {
    if (run_on(r, add ? one : NULL, NULL, v, NULL) != SIGRUN_STATUS_OK) w->failures++;
    if (v[1] - v[0] != 1 || v[2] - v[1] != 1) w->torn++;
  }
  sigrun_runner_destroy(r);
  return NULL;
}

static void test_concurrent_runners_see_atomic_assignments(void) {
  sigrun_model* m = load("tests/data/state/counter.tflite");
  if (!m) return;
  sigrun_interpreter* in = interpreter(m); /* fresh: every thread races to run the initializer */
  pthread_t threads[THREADS];
  worker workers[THREADS];
  for (int t = 0; t < THREADS; t++) {
    workers[t] = (worker){in, t % 2 ? "get" : "add", 0, 0};
    pthread_create(&threads[t], NULL, work, &workers[t]);
  }
  int failures = 0, torn = 0;
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    failures += workers[t].failures;
    torn += workers[t].torn;
  }
  CHECK(failures == 0);
  CHECK(torn == 0);
  float v[3];
  float adds = (float)(ROUNDS * ((THREADS + 1) / 2)); /* the initializer ran once: no add was lost */
  run(in, "get", NULL, NULL, v);
  CHECK_V(v, 1 + adds, 2 + adds, 3 + adds);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

/* ---- models with TF Select (Flex) ops ---- */

static void test_flex_models_fail_by_name_unless_allowed(void) {
  sigrun_model* m = load("tests/data/models/training_model_flex.tflite");
  if (!m) return;
  sigrun_interpreter* in = NULL;
  sigrun_error e;
  CHECK(sigrun_interpreter_create(m, NULL, &in, &e) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(e.message, "FlexRestoreV2 (custom op) at subgraph 1 operator 4");
  CHECK_CONTAINS(e.message, "FlexSaveV2 (custom op)");
  CHECK_CONTAINS(e.message, "allow_unsupported_ops");
  sigrun_interpreter_options options;
  sigrun_interpreter_options_init(&options);
  options.allow_unsupported_ops = 1;
  CHECK(sigrun_interpreter_create(m, &options, &in, &e) == SIGRUN_STATUS_OK);
  sigrun_runner* r = NULL;
  /* infer uses no Flex op: it runs. restore reaches FlexRestoreV2 and fails naming it. */
  CHECK(sigrun_interpreter_get_runner(in, "infer", &r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_interpreter_get_runner(in, "restore", &r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK);
  static const unsigned char path[] = {1, 0, 0, 0, 12, 0, 0, 0, 18, 0, 0, 0, '/', 't', 'm', 'p', '/', 'x'};
  CHECK(sigrun_runner_set_input(r, "checkpoint_path", path, sizeof path, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(e.message, "FlexRestoreV2 is a TensorFlow (Select TF ops / Flex) kernel");
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

static void test_string_inputs_are_checked(void) {
  sigrun_model* m = load("tests/data/models/training_model_flex.tflite");
  if (!m) return;
  sigrun_interpreter_options options;
  sigrun_interpreter_options_init(&options);
  options.allow_unsupported_ops = 1;
  sigrun_interpreter* in = NULL;
  sigrun_error e;
  CHECK(sigrun_interpreter_create(m, &options, &in, &e) == SIGRUN_STATUS_OK);
  sigrun_runner* r = NULL;
  CHECK(sigrun_interpreter_get_runner(in, "restore", &r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK);
  /* count 2 for a scalar; offsets outside the buffer; first offset not after the header */
  static const unsigned char two[] = {2, 0, 0, 0, 16, 0, 0, 0, 16, 0, 0, 0, 16, 0, 0, 0};
  static const unsigned char outside[] = {1, 0, 0, 0, 12, 0, 0, 0, 99, 0, 0, 0};
  static const unsigned char early[] = {1, 0, 0, 0, 4, 0, 0, 0, 12, 0, 0, 0};
  CHECK(sigrun_runner_set_input(r, "checkpoint_path", two, sizeof two, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK_CONTAINS(e.message, "input 'checkpoint_path' (string, shape [1]): string buffer holds 2 strings, expected 1");
  CHECK(sigrun_runner_set_input(r, "checkpoint_path", outside, sizeof outside, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK(sigrun_runner_set_input(r, "checkpoint_path", early, sizeof early, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK(sigrun_runner_set_input(r, "checkpoint_path", early, 3, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

/* vocabulary.tflite: a StaticHashTable (alpha..delta -> 10..40, default -1) filled by the initializer, and a
 * string GATHER; string inputs packed with sigrun_strings_pack, outputs read with sigrun_tensor_string. */
static void test_tables_and_strings_through_the_c_api(void) {
  sigrun_model* m = load("tests/data/state/vocabulary.tflite");
  if (!m) return;
  sigrun_interpreter* in = interpreter(m);
  const char* words[] = {"beta", "zeta", "alpha", ""};
  const size_t lengths[] = {4, 4, 5, 0};
  unsigned char packed[128];
  size_t size = 0;
  sigrun_error e;
  CHECK(sigrun_strings_pack(words, lengths, 4, NULL, 0, &size, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK(size == 4 * 6 + 13);
  CHECK(sigrun_strings_pack(words, lengths, 4, packed, sizeof packed, &size, &e) == SIGRUN_STATUS_OK);
  sigrun_runner* r = NULL;
  int32_t four[1] = {4};
  CHECK(sigrun_interpreter_get_runner(in, "lookup", &r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_resize_input(r, "words", four, 1, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_set_input(r, "words", packed, size, &e) == SIGRUN_STATUS_OK);
  sigrun_status st = sigrun_runner_invoke(r, &e);
  CHECK(st == SIGRUN_STATUS_OK);
  if (st) fprintf(stderr, "%s\n", e.message);
  int64_t ids[4] = {0};
  CHECK(sigrun_runner_get_output(r, "ids", ids, sizeof ids, &e) == SIGRUN_STATUS_OK);
  CHECK(ids[0] == 20 && ids[1] == -1 && ids[2] == 10 && ids[3] == -1);

  CHECK(sigrun_interpreter_get_runner(in, "pick", &r, &e) == SIGRUN_STATUS_OK);
  int32_t two[1] = {2}, picks[2] = {2, 0};
  CHECK(sigrun_runner_resize_input(r, "words", four, 1, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_resize_input(r, "i", two, 1, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_set_input(r, "words", packed, size, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_set_input(r, "i", picks, sizeof picks, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK);
  const sigrun_tensor* out = NULL;
  CHECK(sigrun_runner_output(r, "picked", &out, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_tensor_string_count(out) == 2);
  const char* text = NULL;
  size_t len = 0;
  CHECK(sigrun_tensor_string(out, 0, &text, &len, &e) == SIGRUN_STATUS_OK && len == 5 && memcmp(text, "alpha", 5) == 0);
  CHECK(sigrun_tensor_string(out, 1, &text, &len, &e) == SIGRUN_STATUS_OK && len == 4 && memcmp(text, "beta", 4) == 0);
  CHECK(sigrun_tensor_string(out, 2, &text, &len, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK_CONTAINS(e.message, "string 2 requested, it holds 2");
  /* An index outside the words fails at invoke, not in memory. */
  int32_t bad[2] = {4, 0};
  CHECK(sigrun_runner_set_input(r, "i", bad, sizeof bad, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_RUNTIME);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

/* ---- limits and cancellation on nested_while.bin (a WHILE whose body is a WHILE; input 0 never ends) ---- */

static sigrun_runner* nested_runner(sigrun_interpreter* in, float x, sigrun_status* alloc) {
  sigrun_runner* r = NULL;
  sigrun_error e;
  CHECK(sigrun_interpreter_get_runner(in, NULL, &r, &e) == SIGRUN_STATUS_OK);
  *alloc = sigrun_runner_allocate(r, &e);
  if (*alloc == SIGRUN_STATUS_OK) CHECK(sigrun_runner_set_input(r, "arg0", &x, sizeof x, &e) == SIGRUN_STATUS_OK);
  return r;
}

typedef struct invoke_job {
  sigrun_runner* runner;
  sigrun_status status;
  sigrun_error error;
  atomic_int done;
} invoke_job;

static void* invoke_job_run(void* arg) {
  invoke_job* job = arg;
  job->status = sigrun_runner_invoke(job->runner, &job->error);
  atomic_store(&job->done, 1);
  return NULL;
}

static void test_limits_and_cancel(void) {
  sigrun_model* m = load("tests/data/models/nested_while.bin");
  if (!m) return;
  sigrun_interpreter_options options;
  sigrun_interpreter_options_init(&options);
  sigrun_interpreter* in = NULL;
  sigrun_status st;
  sigrun_error e;
  /* Depth: main -> outer loop -> inner loop is two calls deep. */
  options.max_call_depth = 1;
  CHECK(sigrun_interpreter_create(m, &options, &in, NULL) == SIGRUN_STATUS_OK);
  sigrun_runner* r = NULL;
  CHECK(sigrun_interpreter_get_runner(in, NULL, &r, NULL) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_LIMIT);
  CHECK_CONTAINS(e.message, "subgraph calls nest deeper than max_call_depth (1)");
  sigrun_interpreter_destroy(in);
  /* Iterations: input 0 never satisfies the condition; a cap turns the endless loop into an error. */
  options.max_call_depth = 0;
  options.max_while_iterations = 1000;
  CHECK(sigrun_interpreter_create(m, &options, &in, NULL) == SIGRUN_STATUS_OK);
  r = nested_runner(in, 0.0f, &st);
  CHECK(st == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_LIMIT);
  CHECK_CONTAINS(e.message, "the loop did not end within max_while_iterations (1000)");
  sigrun_interpreter_destroy(in);
  /* Cancel: without a cap the loop runs until another thread cancels it; the runner stays usable. */
  CHECK(sigrun_interpreter_create(m, NULL, &in, NULL) == SIGRUN_STATUS_OK);
  r = nested_runner(in, 0.0f, &st);
  static invoke_job job;
  job.runner = r;
  atomic_init(&job.done, 0);
  pthread_t t;
  pthread_create(&t, NULL, invoke_job_run, &job);
  /* A cancel only stops invokes already running, so repeat it until the endless one has seen one. */
  struct timespec pause = {0, 20 * 1000 * 1000};
  while (!atomic_load(&job.done)) {
    nanosleep(&pause, NULL);
    CHECK(sigrun_interpreter_cancel(in, NULL) == SIGRUN_STATUS_OK);
  }
  pthread_join(t, NULL);
  CHECK(job.status == SIGRUN_STATUS_CANCELLED);
  CHECK_CONTAINS(job.error.message, "cancelled");
  float x = 1.0f;
  CHECK(sigrun_runner_set_input(r, "arg0", &x, sizeof x, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK); /* a later invoke is not cancelled */
  CHECK(sigrun_interpreter_cancel(NULL, NULL) == SIGRUN_STATUS_BAD_ARGUMENT);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

int main(void) {
  RUN(test_limits_and_cancel);
  RUN(test_tables_and_strings_through_the_c_api);
  RUN(test_signatures_share_one_variable);
  RUN(test_resets);
  RUN(test_concurrent_runners_see_atomic_assignments);
  RUN(test_flex_models_fail_by_name_unless_allowed);
  RUN(test_string_inputs_are_checked);
  return TEST_SUMMARY();
}
