/*
 * test_runner.c — the runner state machine and signature-key rules on LiteRT's multi_signatures.bin
 * (signatures add: x + 2 and sub: x - 3 per ai_edge_litert, each x float32[-1]), and the placeholder runner.
 */
#include "harness.h"

static sigrun_model* model;
static sigrun_interpreter* interp;

static void setup(const char* path) {
  sigrun_error e;
  model = NULL;
  interp = NULL;
  if (sigrun_model_load_file(path, &model, &e)) fprintf(stderr, "load: %s\n", e.message);
  if (model && sigrun_interpreter_create(model, NULL, &interp, &e)) fprintf(stderr, "create: %s\n", e.message);
}

static void teardown(void) {
  sigrun_interpreter_destroy(interp);
  sigrun_model_destroy(model);
}

static void test_keys(void) {
  setup("tests/data/models/multi_signatures.bin");
  CHECK(interp != NULL);
  if (!interp) return;
  CHECK(sigrun_model_signature_count(model) == 2);
  CHECK(strcmp(sigrun_model_signature_key(model, 0), "add") == 0);
  CHECK(strcmp(sigrun_model_signature_key(model, 1), "sub") == 0);
  CHECK(sigrun_model_signature_key(model, 2) == NULL);
  CHECK(sigrun_model_signature_key(model, -1) == NULL);
  sigrun_runner *r, *again, *def;
  sigrun_error e;
  CHECK(sigrun_interpreter_get_runner(interp, "mul", &r, &e) == SIGRUN_STATUS_NOT_FOUND);
  CHECK_CONTAINS(e.message, "signature 'mul' not found; the model's signatures are: 'add', 'sub'");
  CHECK(sigrun_interpreter_get_runner(interp, "sub", &r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_interpreter_get_runner(interp, "sub", &again, &e) == SIGRUN_STATUS_OK);
  CHECK(r == again); /* one cached runner per key, as in LiteRT */
  CHECK(sigrun_interpreter_get_runner(interp, NULL, &def, &e) == SIGRUN_STATUS_OK);
  CHECK(strcmp(sigrun_runner_signature_key(def), "add") == 0); /* first signature on subgraph 0 */
  CHECK(sigrun_runner_subgraph_index(r) == 1);
  sigrun_runner_destroy(r); /* ignored for cached runners */
  teardown();
}

static void test_state_machine(void) {
  setup("tests/data/models/multi_signatures.bin");
  if (!interp) return;
  sigrun_runner* r;
  sigrun_error e;
  CHECK(sigrun_interpreter_get_runner(interp, "add", &r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_input_count(r) == 1 && strcmp(sigrun_runner_input_name(r, 0), "x") == 0);
  CHECK(strcmp(sigrun_runner_output_name(r, 0), "output_0") == 0);
  CHECK(sigrun_runner_input_name(r, 1) == NULL);
  float x[3] = {1, 2, 3}, y[3];
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_BAD_STATE);
  CHECK_CONTAINS(e.message, "invoke before allocate");
  CHECK(sigrun_runner_set_input(r, "x", x, 4, &e) == SIGRUN_STATUS_BAD_STATE);
  sigrun_tensor* t;
  CHECK(sigrun_runner_input(r, "y", &t, &e) == SIGRUN_STATUS_NOT_FOUND);
  CHECK_CONTAINS(e.message, "signature 'add' has no input named 'y'; its inputs are: x");
  int32_t dims[1] = {3};
  CHECK(sigrun_runner_resize_input_strict(r, "x", dims, 1, &e) == SIGRUN_STATUS_OK); /* dim 0 is -1 */
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_set_input(r, "x", x, 8, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK_CONTAINS(e.message, "got 8 bytes, shape [3] float32 needs 12");
  CHECK(sigrun_runner_set_input(r, "x", x, sizeof x, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK);
  if (e.status) fprintf(stderr, "invoke: %s\n", e.message);
  CHECK(sigrun_runner_get_output(r, "output_0", y, sizeof y, &e) == SIGRUN_STATUS_OK);
  CHECK_NEAR(y[0], 3, 0);
  CHECK_NEAR(y[2], 5, 0);
  /* A resize sends the runner back to NEEDS_ALLOCATION. */
  int32_t two[1] = {2};
  CHECK(sigrun_runner_resize_input(r, "x", two, 1, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_BAD_STATE);
  CHECK(sigrun_tensor_data_const(sigrun_runner_input_at(r, 0)) == NULL); /* old slot no longer describes it */
  int32_t bad[1] = {-4};
  CHECK(sigrun_runner_resize_input(r, "x", bad, 1, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  int32_t rank2[2] = {1, 2};
  CHECK(sigrun_runner_resize_input_strict(r, "x", rank2, 2, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK_CONTAINS(e.message, "strict resize cannot change rank");
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK);
  const sigrun_tensor* out;
  CHECK(sigrun_runner_output(r, "output_0", &out, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_tensor_rank(out) == 1 && sigrun_tensor_dims(out)[0] == 2);
  CHECK(sigrun_tensor_signature_dims(sigrun_runner_input_at(r, 0))[0] == -1);
  CHECK(strcmp(sigrun_tensor_name(sigrun_runner_input_at(r, 0)), "add_x:0") == 0);
  teardown();
}

static void test_independent_runners(void) {
  setup("tests/data/models/multi_signatures.bin");
  if (!interp) return;
  sigrun_runner *a, *b;
  sigrun_error e;
  CHECK(sigrun_runner_create(interp, "sub", &a, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_create(interp, "sub", &b, &e) == SIGRUN_STATUS_OK);
  CHECK(a != b);
  float x1[1] = {10}, x2[1] = {20}, y[1];
  CHECK(sigrun_runner_allocate(a, &e) == SIGRUN_STATUS_OK && sigrun_runner_allocate(b, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_set_input(a, "x", x1, 4, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_set_input(b, "x", x2, 4, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(a, &e) == SIGRUN_STATUS_OK && sigrun_runner_invoke(b, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_get_output(a, "output_0", y, 4, &e) == SIGRUN_STATUS_OK);
  CHECK_NEAR(y[0], 7, 0);
  CHECK(sigrun_runner_get_output(b, "output_0", y, 4, &e) == SIGRUN_STATUS_OK);
  CHECK_NEAR(y[0], 17, 0);
  sigrun_runner_destroy(a);
  sigrun_runner_destroy(b);
  teardown();
}

static void test_placeholder(void) {
  setup("tests/data/models/no_signatures_no_tensor_names.bin");
  if (!interp) return;
  sigrun_runner* r;
  sigrun_error e;
  CHECK(sigrun_model_signature_count(model) == 0);
  CHECK(sigrun_interpreter_get_runner(interp, NULL, &r, &e) == SIGRUN_STATUS_OK);
  CHECK(strcmp(sigrun_runner_signature_key(r), "<placeholder signature>") == 0);
  CHECK(strncmp(sigrun_runner_input_name(r, 0), "input", 5) == 0);
  CHECK(sigrun_interpreter_get_runner(interp, "serving_default", &r, &e) == SIGRUN_STATUS_NOT_FOUND);
  CHECK_CONTAINS(e.message, "the model has no signatures");
  teardown();
}

extern long sr_test_alloc_count; /* SIGRUN_TESTING build: counts every allocation */

/* Weights are never copied: two runners see the same constant bytes, inside the model's mapping. Invoke
 * allocates nothing for a static-shape graph. */
static void test_weights_shared_and_invoke_allocation_free(void) {
  setup("tests/data/models/multi_signatures.bin");
  if (!interp) return;
  sigrun_runner *a, *b;
  sigrun_error e;
  CHECK(sigrun_runner_create(interp, "add", &a, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_create(interp, "add", &b, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(a, &e) == SIGRUN_STATUS_OK && sigrun_runner_allocate(b, &e) == SIGRUN_STATUS_OK);
  int constants = 0;
  for (int i = 0; i < sigrun_runner_tensor_count(a); i++) {
    sigrun_tensor *ta = sigrun_runner_tensor(a, i), *tb = sigrun_runner_tensor(b, i);
    if (sigrun_tensor_data(ta) == NULL && sigrun_tensor_data_const(ta) != NULL) { /* a model constant */
      constants++;
      CHECK(sigrun_tensor_data_const(ta) == sigrun_tensor_data_const(tb));
    }
  }
  CHECK(constants > 0);
  float x[1] = {1};
  CHECK(sigrun_runner_set_input(a, "x", x, 4, &e) == SIGRUN_STATUS_OK);
  long before = sr_test_alloc_count;
  for (int k = 0; k < 10; k++) CHECK(sigrun_runner_invoke(a, &e) == SIGRUN_STATUS_OK);
  CHECK(sr_test_alloc_count == before);
  sigrun_runner_destroy(a);
  sigrun_runner_destroy(b);
  teardown();
}

int main(void) {
  RUN(test_weights_shared_and_invoke_allocation_free);
  RUN(test_keys);
  RUN(test_state_machine);
  RUN(test_independent_runners);
  RUN(test_placeholder);
  return TEST_SUMMARY();
}
