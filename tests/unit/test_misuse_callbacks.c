/*
 * test_misuse_callbacks.c — misuse from inside sigrun's callbacks (issue 5): a custom op's prepare and invoke
 * and a profiler calling back into their own runner (allocate, invoke, resize, set_input: BAD_STATE, never
 * recursion), sigrun_op_context functions given bad indices, ranks, shapes and NULLs, and callbacks that fail
 * without a message. Model: LiteRT's custom_sinh.bin (x float32[1] -> custom op Sinh -> Identity).
 */
#include <limits.h>
#include <math.h>

#include "../harness.h"
#include "../../include/sigrun.h"

typedef enum rogue_mode {
  ROGUE_NONE,
  ROGUE_ALLOCATE_IN_PREPARE,
  ROGUE_INVOKE_IN_PREPARE,
  ROGUE_INVOKE_IN_INVOKE,
  ROGUE_ALLOCATE_IN_INVOKE,
  ROGUE_RESIZE_IN_INVOKE,
  ROGUE_SET_INPUT_IN_INVOKE,
  ROGUE_SILENT_PREPARE_FAILURE,
  ROGUE_SILENT_INVOKE_FAILURE,
  ROGUE_SILENT_INIT_FAILURE,
  ROGUE_CONTEXT_CASES,
} rogue_mode;

/* What the rogue op does and what its call back into the runner returned. */
static struct rogue {
  rogue_mode mode;
  sigrun_runner* runner;
  int depth; /* calls back at most once, so a library without the guard recurses once instead of forever */
  sigrun_status got;
  sigrun_error error;
} R;

static sigrun_error G; /* the record the test passes to allocate and invoke; context cases read it */
static int cases_run;

static const float one[1] = {0.5f};
static const int32_t dims_1[1] = {1}, dims_2[1] = {2}, dims_neg[1] = {-2}, dims_big[2] = {65536, 65536};

static void call_back(rogue_mode mode) {
  if (R.mode != mode || !R.runner || R.depth) return;
  R.depth++;
  switch (mode) {
    case ROGUE_ALLOCATE_IN_PREPARE:
    case ROGUE_ALLOCATE_IN_INVOKE: R.got = sigrun_runner_allocate(R.runner, &R.error); break;
    case ROGUE_INVOKE_IN_PREPARE:
    case ROGUE_INVOKE_IN_INVOKE: R.got = sigrun_runner_invoke(R.runner, &R.error); break;
    case ROGUE_RESIZE_IN_INVOKE: R.got = sigrun_runner_resize_input(R.runner, "x", dims_2, 1, &R.error); break;
    case ROGUE_SET_INPUT_IN_INVOKE: R.got = sigrun_runner_set_input(R.runner, "x", one, sizeof one, &R.error); break;
    default: break;
  }
  R.depth--;
}

/* ---- sigrun_op_context misuse, run inside prepare: X(name, expected, fragment, call) ---- */

#define CONTEXT_CASES(X)                                                                                         \
  X(resize_output_negative_index, BAD_ARGUMENT, "sigrun_op_context_resize_output: output -1 is outside 0..0",    \
    sigrun_op_context_resize_output(ctx, -1, 1, dims_1))                                                         \
  X(resize_output_index_past_end, BAD_ARGUMENT, "output 1 is outside 0..0",                                      \
    sigrun_op_context_resize_output(ctx, 1, 1, dims_1))                                                          \
  X(resize_output_index_int_min, BAD_ARGUMENT, "is outside 0..0", sigrun_op_context_resize_output(ctx, INT_MIN, 1, dims_1)) \
  X(resize_output_negative_rank, BAD_ARGUMENT, "rank -1 is outside 0..8", sigrun_op_context_resize_output(ctx, 0, -1, dims_1)) \
  X(resize_output_rank_9, BAD_ARGUMENT, "rank 9 is outside 0..8", sigrun_op_context_resize_output(ctx, 0, 9, dims_big)) \
  X(resize_output_null_dims, BAD_ARGUMENT, "sigrun_op_context_resize_output: dims is NULL with rank 1",          \
    sigrun_op_context_resize_output(ctx, 0, 1, NULL))                                                            \
  X(resize_output_negative_dim, BAD_ARGUMENT, "shape [-2] has a negative dimension or is too large",             \
    sigrun_op_context_resize_output(ctx, 0, 1, dims_neg))                                                        \
  X(resize_output_overflowing_shape, BAD_ARGUMENT, "shape [65536,65536] has a negative dimension or is too large", \
    sigrun_op_context_resize_output(ctx, 0, 2, dims_big))                                                        \
  X(fail_with_ok_status, RUNTIME, "subgraph 0, operator 0 (Sinh): told to fail with OK",                         \
    sigrun_op_context_fail(ctx, SIGRUN_STATUS_OK, "told to fail with %s", "OK"))                                 \
  X(fail_with_null_format, BAD_MODEL, "subgraph 0, operator 0 (Sinh): ", sigrun_op_context_fail(ctx, SIGRUN_STATUS_BAD_MODEL, NULL))

#define CONTEXT_FUNCTION(name, status, fragment, call) \
  static sigrun_status context_##name(sigrun_op_context* ctx) { return (call); }
CONTEXT_CASES(CONTEXT_FUNCTION)

typedef struct context_case {
  const char* name;
  sigrun_status (*call)(sigrun_op_context* ctx);
  sigrun_status expected;
  const char* fragment;
} context_case;

#define CONTEXT_ROW(name, status, fragment, call) {#name, context_##name, SIGRUN_STATUS_##status, fragment},
static const context_case context_cases[] = {CONTEXT_CASES(CONTEXT_ROW)};

#define EXPECT(cond) \
  do {               \
    cases_run++;     \
    CHECK(cond);     \
  } while (0)

static void run_context_cases(sigrun_op_context* ctx) {
  for (size_t i = 0; i < sizeof context_cases / sizeof context_cases[0]; i++) {
    const context_case* c = &context_cases[i];
    memset(&G, 0x55, sizeof G);
    sigrun_status got = c->call(ctx);
    cases_run++;
    int terminated = memchr(G.message, '\0', sizeof G.message) != NULL;
    if (got != c->expected || G.status != got || !terminated || !strstr(G.message, c->fragment)) {
      fprintf(stderr, "context case %s: status %d (record %d), expected %d \"%s\"; message: %.*s\n", c->name,
              (int)got, (int)G.status, (int)c->expected, c->fragment, terminated ? (int)sizeof G.message : 80,
              G.message);
      sr_test_checks_failed++;
    }
  }
  /* Indices out of range and NULL contexts. */
  EXPECT(sigrun_op_context_input(ctx, -1) == NULL && sigrun_op_context_input(ctx, 1) == NULL);
  EXPECT(sigrun_op_context_output(ctx, -1) == NULL && sigrun_op_context_output(ctx, 1) == NULL);
  EXPECT(sigrun_op_context_input(ctx, INT_MIN) == NULL && sigrun_op_context_output(ctx, INT_MAX) == NULL);
  EXPECT(sigrun_op_context_user_data(NULL) == NULL && sigrun_op_context_state(NULL) == NULL);
  EXPECT(sigrun_op_context_input_count(NULL) == 0 && sigrun_op_context_output_count(NULL) == 0);
  EXPECT(sigrun_op_context_input(NULL, 0) == NULL && sigrun_op_context_output(NULL, 0) == NULL);
  EXPECT(sigrun_op_context_resize_output(NULL, 0, 1, dims_1) == SIGRUN_STATUS_BAD_ARGUMENT);
  EXPECT(sigrun_op_context_fail(NULL, SIGRUN_STATUS_OK, "x") == SIGRUN_STATUS_RUNTIME);
  EXPECT(sigrun_op_context_fail(NULL, SIGRUN_STATUS_LIMIT, NULL) == SIGRUN_STATUS_LIMIT);
}

/* ---- the rogue op ---- */

static sigrun_status rogue_init(void* user, const void* options, size_t size, void** state, sigrun_error* error) {
  (void)user, (void)options, (void)size, (void)error;
  *state = NULL;
  return R.mode == ROGUE_SILENT_INIT_FAILURE ? SIGRUN_STATUS_NO_MEMORY : SIGRUN_STATUS_OK;
}

static sigrun_status rogue_prepare(sigrun_op_context* ctx) {
  if (R.mode == ROGUE_CONTEXT_CASES && !R.depth) {
    R.depth++;
    run_context_cases(ctx);
    R.depth--;
  }
  if (R.mode == ROGUE_SILENT_PREPARE_FAILURE) return SIGRUN_STATUS_BAD_MODEL;
  call_back(ROGUE_ALLOCATE_IN_PREPARE);
  call_back(ROGUE_INVOKE_IN_PREPARE);
  const sigrun_tensor* in = sigrun_op_context_input(ctx, 0);
  return sigrun_op_context_resize_output(ctx, 0, sigrun_tensor_rank(in), sigrun_tensor_dims(in));
}

static sigrun_status rogue_invoke(sigrun_op_context* ctx) {
  if (R.mode == ROGUE_SILENT_INVOKE_FAILURE) return SIGRUN_STATUS_RUNTIME;
  call_back(ROGUE_INVOKE_IN_INVOKE);
  call_back(ROGUE_ALLOCATE_IN_INVOKE);
  call_back(ROGUE_RESIZE_IN_INVOKE);
  call_back(ROGUE_SET_INPUT_IN_INVOKE);
  const sigrun_tensor* in = sigrun_op_context_input(ctx, 0);
  const float* x = sigrun_tensor_data_const(in);
  float* y = sigrun_tensor_data(sigrun_op_context_output(ctx, 0));
  for (size_t i = 0; i < sigrun_tensor_element_count(in); i++) y[i] = sinhf(x[i]);
  return SIGRUN_STATUS_OK;
}

static sigrun_model* model;

/* A fresh interpreter and runner with the rogue op in `mode`, allocated (unless stop_before_allocate), its
 * input set, then invoked. Returns the status of the last step that ran; the test's record G holds its
 * message. The caller destroys *out_interp (and the runner with it). */
static sigrun_status run_rogue(rogue_mode mode, sigrun_interpreter** out_interp) {
  static const sigrun_custom_op op = {"Sinh", NULL, rogue_init, NULL, rogue_prepare, rogue_invoke, 0};
  sigrun_interpreter_options o;
  sigrun_interpreter_options_init(&o);
  o.custom_ops = &op;
  o.custom_op_count = 1;
  memset(&R, 0, sizeof R);
  R.mode = mode;
  R.got = (sigrun_status)-1;
  *out_interp = NULL;
  memset(&G, 0x55, sizeof G);
  sigrun_status st = sigrun_interpreter_create(model, &o, out_interp, &G);
  if (st) return st;
  memset(&G, 0x55, sizeof G);
  if ((st = sigrun_interpreter_get_runner(*out_interp, NULL, &R.runner, &G))) return st;
  memset(&G, 0x55, sizeof G);
  if ((st = sigrun_runner_allocate(R.runner, &G))) return st;
  if ((st = sigrun_runner_set_input(R.runner, "x", one, sizeof one, &G))) return st;
  memset(&G, 0x55, sizeof G);
  return sigrun_runner_invoke(R.runner, &G);
}

/* X(mode, status of the call back into the runner, fragment of its message) */
#define CALL_BACK_CASES(X)                                                                          \
  X(ROGUE_ALLOCATE_IN_PREPARE, "sigrun_runner_allocate: the runner of signature '<placeholder signature>' is busy") \
  X(ROGUE_INVOKE_IN_PREPARE, "sigrun_runner_invoke: the runner of signature")                       \
  X(ROGUE_INVOKE_IN_INVOKE, "sigrun_runner_invoke: the runner of signature '<placeholder signature>' is busy in its own allocate or invoke") \
  X(ROGUE_ALLOCATE_IN_INVOKE, "sigrun_runner_allocate: the runner of signature")                    \
  X(ROGUE_RESIZE_IN_INVOKE, "sigrun_runner_resize_input: the runner of signature")                  \
  X(ROGUE_SET_INPUT_IN_INVOKE, "sigrun_runner_set_input: the runner of signature")

static void test_callbacks_cannot_reenter_their_runner(void) {
  static const struct {
    rogue_mode mode;
    const char* name;
    const char* fragment;
  } cases[] = {
#define CALL_BACK_ROW(mode, fragment) {mode, #mode, fragment},
      CALL_BACK_CASES(CALL_BACK_ROW)};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sigrun_interpreter* in = NULL;
    sigrun_status outer = run_rogue(cases[i].mode, &in);
    cases_run++;
    /* The callback's call is refused; the outer allocate and invoke go on and succeed. */
    if (outer != SIGRUN_STATUS_OK || R.got != SIGRUN_STATUS_BAD_STATE || R.error.status != R.got ||
        !strstr(R.error.message, cases[i].fragment)) {
      fprintf(stderr, "%s: outer %d (%s), inner %d: %s\n", cases[i].name, (int)outer, G.message, (int)R.got,
              R.error.message);
      sr_test_checks_failed++;
    }
    float y[1] = {0};
    EXPECT(sigrun_runner_get_output(R.runner, "Identity", y, sizeof y, NULL) == SIGRUN_STATUS_OK && y[0] == sinhf(one[0]));
    sigrun_interpreter_destroy(in);
  }
}

static void test_silent_failures_get_a_message(void) {
  static const struct {
    rogue_mode mode;
    sigrun_status status;
    const char* fragment;
  } cases[] = {
      {ROGUE_SILENT_INIT_FAILURE, SIGRUN_STATUS_NO_MEMORY, "subgraph 0, operator 0 (Sinh): custom op init: init failed without a message"},
      {ROGUE_SILENT_PREPARE_FAILURE, SIGRUN_STATUS_BAD_MODEL, "subgraph 0, operator 0 (Sinh): custom op prepare failed without a message"},
      {ROGUE_SILENT_INVOKE_FAILURE, SIGRUN_STATUS_RUNTIME, "subgraph 0, operator 0 (Sinh): custom op invoke failed without a message"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sigrun_interpreter* in = NULL;
    sigrun_status st = run_rogue(cases[i].mode, &in);
    cases_run++;
    int terminated = memchr(G.message, '\0', sizeof G.message) != NULL;
    if (st != cases[i].status || G.status != st || !terminated || !strstr(G.message, cases[i].fragment)) {
      fprintf(stderr, "silent case %d: status %d (record %d), expected %d; message: %.*s\n", (int)i, (int)st,
              (int)G.status, (int)cases[i].status, terminated ? (int)sizeof G.message : 80, G.message);
      sr_test_checks_failed++;
    }
    sigrun_interpreter_destroy(in);
  }
}

static void test_context_misuse(void) {
  sigrun_interpreter* in = NULL;
  CHECK(run_rogue(ROGUE_CONTEXT_CASES, &in) == SIGRUN_STATUS_OK);
  sigrun_interpreter_destroy(in);
}

/* A profiler that calls back into the runner it is profiling. */
static void reentrant_profiler(void* user, int subgraph, int op_index, const char* op_name, uint64_t ns) {
  (void)subgraph, (void)op_index, (void)op_name, (void)ns;
  sigrun_runner* r = user;
  if (R.depth) return;
  R.depth++;
  R.got = sigrun_runner_invoke(r, &R.error);
  R.depth--;
}

static void test_profiler_cannot_reenter_its_runner(void) {
  sigrun_interpreter* in = NULL;
  CHECK(run_rogue(ROGUE_NONE, &in) == SIGRUN_STATUS_OK);
  sigrun_runner_set_profiler(R.runner, reentrant_profiler, R.runner);
  R.got = (sigrun_status)-1;
  EXPECT(sigrun_runner_invoke(R.runner, &G) == SIGRUN_STATUS_OK);
  EXPECT(R.got == SIGRUN_STATUS_BAD_STATE && strstr(R.error.message, "sigrun_runner_invoke: the runner of signature"));
  sigrun_interpreter_destroy(in);
}

int main(void) {
  sigrun_error e;
  if (sigrun_model_load_file("tests/data/models/custom_sinh.bin", &model, &e)) {
    fprintf(stderr, "%s\n", e.message);
    return 1;
  }
  RUN(test_callbacks_cannot_reenter_their_runner);
  RUN(test_silent_failures_get_a_message);
  RUN(test_context_misuse);
  RUN(test_profiler_cannot_reenter_its_runner);
  sigrun_model_destroy(model);
  printf("%d misuse cases in callbacks\n", cases_run);
  return TEST_SUMMARY();
}
