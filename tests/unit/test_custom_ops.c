/*
 * test_custom_ops.c — application custom operators: registration checks, init/free per node, prepare and
 * invoke through sigrun_op_context, error propagation with the node's location, and LiteRT's own test model
 * with a custom Sinh op (tests/data/models/custom_sinh.bin: x float32[1] -> Identity).
 */
#include <pthread.h>

#include "../harness.h"
#include "../../include/sigrun.h"

typedef struct sinh_stats {
  int inits, frees, prepares, invokes;
  size_t options_size;
  int fail_prepare;
} sinh_stats;

static sigrun_status sinh_init(void* user, const void* options, size_t size, void** state, sigrun_error* error) {
  (void)options;
  (void)error;
  sinh_stats* s = user;
  s->inits++;
  s->options_size = size;
  *state = malloc(16);
  return *state ? SIGRUN_STATUS_OK : SIGRUN_STATUS_NO_MEMORY;
}

static void sinh_free(void* user, void* state) {
  ((sinh_stats*)user)->frees++;
  free(state);
}

static sigrun_status sinh_prepare(sigrun_op_context* ctx) {
  sinh_stats* s = sigrun_op_context_user_data(ctx);
  s->prepares++;
  if (s->fail_prepare) return sigrun_op_context_fail(ctx, SIGRUN_STATUS_BAD_ARGUMENT, "refusing %d", 42);
  const sigrun_tensor* in = sigrun_op_context_input(ctx, 0);
  if (sigrun_op_context_input_count(ctx) != 1 || sigrun_tensor_type(in) != SIGRUN_TYPE_FLOAT32)
    return sigrun_op_context_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "Sinh wants one float32 input");
  CHECK(sigrun_op_context_state(ctx) != NULL);
  CHECK(sigrun_op_context_input(ctx, 1) == NULL && sigrun_op_context_output(ctx, 5) == NULL);
  return sigrun_op_context_resize_output(ctx, 0, sigrun_tensor_rank(in), sigrun_tensor_dims(in));
}

static sigrun_status sinh_invoke(sigrun_op_context* ctx) {
  sinh_stats* s = sigrun_op_context_user_data(ctx);
  s->invokes++;
  const sigrun_tensor* in = sigrun_op_context_input(ctx, 0);
  sigrun_tensor* out = sigrun_op_context_output(ctx, 0);
  const float* x = sigrun_tensor_data_const(in);
  float* y = sigrun_tensor_data(out);
  for (size_t i = 0; i < sigrun_tensor_element_count(in); i++) y[i] = sinhf(x[i]);
  return SIGRUN_STATUS_OK;
}

static sigrun_model* load_sinh(void) {
  sigrun_model* m = NULL;
  sigrun_error e;
  CHECK(sigrun_model_load_file("tests/data/models/custom_sinh.bin", &m, &e) == SIGRUN_STATUS_OK);
  return m;
}

static sigrun_custom_op sinh_op(sinh_stats* stats) {
  sigrun_custom_op op = {"Sinh", stats, sinh_init, sinh_free, sinh_prepare, sinh_invoke, 0};
  return op;
}

static void test_unregistered_custom_op_names_itself(void) {
  sigrun_model* m = load_sinh();
  sigrun_interpreter* in = NULL;
  sigrun_error e;
  CHECK(sigrun_interpreter_create(m, NULL, &in, &e) == SIGRUN_STATUS_UNSUPPORTED && !in);
  CHECK_CONTAINS(e.message, "Sinh (custom op) at subgraph 0 operator 0");
  CHECK_CONTAINS(e.message, "custom_ops");
  /* A registration for another name does not help. */
  sinh_stats stats = {0};
  sigrun_custom_op op = sinh_op(&stats);
  op.name = "Cosh";
  sigrun_interpreter_options o;
  sigrun_interpreter_options_init(&o);
  o.custom_ops = &op;
  o.custom_op_count = 1;
  CHECK(sigrun_interpreter_create(m, &o, &in, &e) == SIGRUN_STATUS_UNSUPPORTED);
  sigrun_model_destroy(m);
}

static void test_registered_custom_op_runs(void) {
  sigrun_model* m = load_sinh();
  sinh_stats stats = {0};
  sigrun_custom_op op = sinh_op(&stats);
  sigrun_interpreter_options o;
  sigrun_interpreter_options_init(&o);
  o.custom_ops = &op;
  o.custom_op_count = 1;
  sigrun_interpreter* in = NULL;
  sigrun_runner* r = NULL;
  sigrun_error e;
  CHECK(sigrun_interpreter_create(m, &o, &in, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_interpreter_get_runner(in, NULL, &r, &e) == SIGRUN_STATUS_OK);
  CHECK(stats.inits == 1 && stats.options_size == 12);
  int32_t dims[] = {3};
  CHECK(sigrun_runner_resize_input(r, "x", dims, 1, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK);
  float x[] = {0.0f, 1.0f, -2.0f}, y[3];
  CHECK(sigrun_runner_set_input(r, "x", x, sizeof x, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_get_output(r, "Identity", y, sizeof y, &e) == SIGRUN_STATUS_OK);
  for (int i = 0; i < 3; i++) CHECK_NEAR(y[i], sinhf(x[i]), 0);
  CHECK(stats.prepares >= 1 && stats.invokes == 2);
  /* A second runner gets its own node state. */
  sigrun_runner* r2 = NULL;
  CHECK(sigrun_runner_create(in, NULL, &r2, &e) == SIGRUN_STATUS_OK);
  CHECK(stats.inits == 2);
  sigrun_runner_destroy(r2);
  CHECK(stats.frees == 1);
  sigrun_interpreter_destroy(in);
  CHECK(stats.frees == 2);
  sigrun_model_destroy(m);
}

static void test_custom_op_errors_carry_location(void) {
  sigrun_model* m = load_sinh();
  sinh_stats stats = {0};
  stats.fail_prepare = 1;
  sigrun_custom_op op = sinh_op(&stats);
  sigrun_interpreter_options o;
  sigrun_interpreter_options_init(&o);
  o.custom_ops = &op;
  o.custom_op_count = 1;
  sigrun_interpreter* in = NULL;
  sigrun_runner* r = NULL;
  sigrun_error e;
  CHECK(sigrun_interpreter_create(m, &o, &in, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_interpreter_get_runner(in, NULL, &r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK_CONTAINS(e.message, "subgraph 0, operator 0 (Sinh): refusing 42");
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

static sigrun_status failing_init(void* user, const void* options, size_t size, void** state, sigrun_error* error) {
  (void)user, (void)options, (void)size, (void)state;
  error->status = SIGRUN_STATUS_BAD_MODEL;
  snprintf(error->message, sizeof error->message, "options unreadable");
  return SIGRUN_STATUS_BAD_MODEL;
}

static void test_bad_registrations_and_init_failures(void) {
  sigrun_model* m = load_sinh();
  sinh_stats stats = {0};
  sigrun_custom_op op = sinh_op(&stats);
  op.invoke = NULL;
  sigrun_interpreter_options o;
  sigrun_interpreter_options_init(&o);
  o.custom_ops = &op;
  o.custom_op_count = 1;
  sigrun_interpreter* in = NULL;
  sigrun_error e;
  CHECK(sigrun_interpreter_create(m, &o, &in, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK_CONTAINS(e.message, "custom op 0 ('Sinh') needs a name, a prepare and an invoke");
  o.custom_ops = NULL;
  CHECK(sigrun_interpreter_create(m, &o, &in, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  op = sinh_op(&stats);
  op.init = failing_init;
  o.custom_ops = &op;
  CHECK(sigrun_interpreter_create(m, &o, &in, &e) == SIGRUN_STATUS_OK);
  sigrun_runner* r = NULL;
  CHECK(sigrun_interpreter_get_runner(in, NULL, &r, &e) == SIGRUN_STATUS_BAD_MODEL && !r);
  CHECK_CONTAINS(e.message, "subgraph 0, operator 0 (Sinh): custom op init: options unreadable");
  CHECK(stats.frees == 0);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

/* Two runners of one interpreter invoking a non-thread-safe op at once must never overlap inside it. */
typedef struct overlap_probe {
  int inside, max_inside;
  pthread_mutex_t lock;
} overlap_probe;

static sigrun_status probe_invoke(sigrun_op_context* ctx) {
  overlap_probe* p = sigrun_op_context_user_data(ctx);
  pthread_mutex_lock(&p->lock);
  int now = ++p->inside;
  if (now > p->max_inside) p->max_inside = now;
  pthread_mutex_unlock(&p->lock);
  for (volatile int spin = 0; spin < 20000; spin++) {
  }
  pthread_mutex_lock(&p->lock);
  p->inside--;
  pthread_mutex_unlock(&p->lock);
  return SIGRUN_STATUS_OK;
}

static sigrun_status probe_prepare(sigrun_op_context* ctx) {
  const sigrun_tensor* in = sigrun_op_context_input(ctx, 0);
  return sigrun_op_context_resize_output(ctx, 0, sigrun_tensor_rank(in), sigrun_tensor_dims(in));
}

static void* hammer(void* arg) {
  sigrun_runner* r = arg;
  sigrun_error e;
  for (int i = 0; i < 200; i++) sigrun_runner_invoke(r, &e);
  return NULL;
}

static void test_non_thread_safe_ops_are_serialized(void) {
  sigrun_model* m = load_sinh();
  overlap_probe probe = {0, 0, PTHREAD_MUTEX_INITIALIZER};
  sigrun_custom_op op = {"Sinh", &probe, NULL, NULL, probe_prepare, probe_invoke, 0};
  sigrun_interpreter_options o;
  sigrun_interpreter_options_init(&o);
  o.custom_ops = &op;
  o.custom_op_count = 1;
  sigrun_interpreter* in = NULL;
  sigrun_runner *a = NULL, *b = NULL;
  sigrun_error e;
  CHECK(sigrun_interpreter_create(m, &o, &in, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_create(in, NULL, &a, &e) == SIGRUN_STATUS_OK && sigrun_runner_allocate(a, &e) == 0);
  CHECK(sigrun_runner_create(in, NULL, &b, &e) == SIGRUN_STATUS_OK && sigrun_runner_allocate(b, &e) == 0);
  pthread_t ta, tb;
  pthread_create(&ta, NULL, hammer, a);
  pthread_create(&tb, NULL, hammer, b);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  CHECK(probe.max_inside == 1);
  sigrun_runner_destroy(a);
  sigrun_runner_destroy(b);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

int main(void) {
  RUN(test_unregistered_custom_op_names_itself);
  RUN(test_registered_custom_op_runs);
  RUN(test_custom_op_errors_carry_location);
  RUN(test_bad_registrations_and_init_failures);
  RUN(test_non_thread_safe_ops_are_serialized);
  return TEST_SUMMARY();
}
