/*
 * test_limits.c — max_arena_bytes bounds all of a runner's activation memory, not only its planned arena:
 * outputs whose size depends on data (WHERE), string inputs, and the executors of called subgraphs fail with
 * SIGRUN_STATUS_LIMIT and a message naming the limit, leave the runner usable, and succeed again once the data
 * fits; without a limit the same calls succeed.
 */
#include <string.h>

#include "harness.h"
#include "sigrun.h"

static sigrun_interpreter* open_with_limit(const char* path, size_t limit, sigrun_model** model) {
  sigrun_interpreter_options options;
  sigrun_interpreter_options_init(&options);
  options.max_arena_bytes = limit;
  sigrun_interpreter* in = NULL;
  *model = NULL;
  CHECK(sigrun_model_load_file(path, model, NULL) == SIGRUN_STATUS_OK);
  if (*model) CHECK(sigrun_interpreter_create(*model, &options, &in, NULL) == SIGRUN_STATUS_OK);
  return in;
}

/* where.bin: bool input (-1, 4) -> WHERE -> int64 indices (n_true, 2). */
static sigrun_status run_where(sigrun_runner* r, int rows, int value, sigrun_error* e) {
  static uint8_t x[4000];
  int32_t dims[2] = {rows, 4};
  memset(x, value, sizeof x);
  sigrun_status st;
  if ((st = sigrun_runner_resize_input(r, "input", dims, 2, e)) || (st = sigrun_runner_allocate(r, e)) ||
      (st = sigrun_runner_set_input(r, "input", x, (size_t)rows * 4, e)))
    return st;
  return sigrun_runner_invoke(r, e);
}

static void test_dynamic_output(void) {
  sigrun_model* m;
  sigrun_interpreter* in = open_with_limit("tests/data/models/where.bin", 32 * 1024, &m);
  sigrun_runner* r = NULL;
  sigrun_error e;
  CHECK(sigrun_interpreter_get_runner(in, NULL, &r, NULL) == SIGRUN_STATUS_OK);
  /* 1000 x 4 false: 4 KB of input, an empty output. */
  CHECK(run_where(r, 1000, 0, &e) == SIGRUN_STATUS_OK);
  /* All true: 4000 indices x 2 x 8 bytes = 64000 bytes of output, over 32 KiB. */
  CHECK(run_where(r, 1000, 1, &e) == SIGRUN_STATUS_LIMIT);
  CHECK_CONTAINS(e.message, "max_arena_bytes (32768)");
  CHECK_CONTAINS(e.message, "64000 bytes");
  /* The runner stays usable and its account was not charged for the refused buffer. */
  CHECK(run_where(r, 100, 1, &e) == SIGRUN_STATUS_OK);
  for (int k = 0; k < 5; k++) CHECK(run_where(r, 1000, 0, &e) == SIGRUN_STATUS_OK);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
  /* No limit: the large output is fine. */
  in = open_with_limit("tests/data/models/where.bin", 0, &m);
  CHECK(sigrun_interpreter_get_runner(in, NULL, &r, NULL) == SIGRUN_STATUS_OK);
  CHECK(run_where(r, 1000, 1, &e) == SIGRUN_STATUS_OK);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

static void test_planned_arena(void) {
  sigrun_model* m;
  sigrun_interpreter* in = open_with_limit("tests/data/models/where.bin", 1024, &m);
  sigrun_runner* r = NULL;
  sigrun_error e;
  CHECK(sigrun_interpreter_get_runner(in, NULL, &r, NULL) == SIGRUN_STATUS_OK);
  int32_t dims[2] = {1000, 4};
  CHECK(sigrun_runner_resize_input(r, "input", dims, 2, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_LIMIT);
  CHECK_CONTAINS(e.message, "over max_arena_bytes (1024)");
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

/* vocabulary.tflite takes a string input; a string larger than the limit is refused at set_input. */
static void test_string_input(void) {
  sigrun_model* m;
  sigrun_interpreter* in = open_with_limit("tests/data/state/vocabulary.tflite", 64 * 1024, &m);
  sigrun_runner* r = NULL;
  sigrun_error e;
  CHECK(sigrun_interpreter_get_primary_runner(in, &r, NULL) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK);
  const char* name = sigrun_runner_input_name(r, 0);
  const sigrun_tensor* t = sigrun_runner_input_at(r, 0);
  CHECK(t && sigrun_tensor_type(t) == SIGRUN_TYPE_STRING);
  size_t count = sigrun_tensor_element_count(t);
  static char big[100 * 1024];
  memset(big, 'a', sizeof big);
  const char* strings[64];
  size_t lengths[64];
  CHECK(count >= 1 && count <= 64);
  for (size_t i = 0; i < count; i++) {
    strings[i] = big;
    lengths[i] = i == 0 ? sizeof big : 1;
  }
  static uint8_t packed[110 * 1024];
  size_t size = 0;
  CHECK(sigrun_strings_pack(strings, lengths, count, packed, sizeof packed, &size, NULL) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_set_input(r, name, packed, size, &e) == SIGRUN_STATUS_LIMIT);
  CHECK_CONTAINS(e.message, "max_arena_bytes (65536)");
  lengths[0] = 3;
  CHECK(sigrun_strings_pack(strings, lengths, count, packed, sizeof packed, &size, NULL) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_set_input(r, name, packed, size, &e) == SIGRUN_STATUS_OK);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

int main(void) {
  RUN(test_dynamic_output);
  RUN(test_planned_arena);
  RUN(test_string_input);
  return TEST_SUMMARY();
}
