/*
 * fuzz_model.c — libFuzzer target over the whole model path: load a hostile buffer (copy mode), and when it
 * verifies, build an interpreter with tight limits and allocate + invoke every signature (or the placeholder
 * signature of a model without any) on zeroed inputs. Errors are expected and ignored; only a crash, a
 * sanitizer report, a leak or a hang is a finding. Built with libFuzzer by run_fuzz.sh and, with replay.c, as
 * an ordinary program that CI runs over the corpus and every crasher.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigrun.h"

/* Tight enough that one input costs milliseconds, loose enough that the real models in the corpus run. */
#define FUZZ_MAX_ARENA_BYTES ((size_t)64 << 20)
#define FUZZ_MAX_WHILE_ITERATIONS 1000
#define FUZZ_MAX_CALL_DEPTH 16
/* Inputs larger than this are left unset (the arena limit already bounds them; this bounds the memset). */
#define FUZZ_MAX_INPUT_BYTES ((size_t)16 << 20)
/* A hostile file may declare thousands of signatures; running a few is enough to reach every kernel. */
#define FUZZ_MAX_SIGNATURES 8

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

/* The error contract: a failing call fills the record with its own status and a terminated, non-empty
 * message. A breach traps so the fuzzer records it like a crash. */
static sigrun_status fuzz_checked(sigrun_status status, const sigrun_error* e) {
  if (status != SIGRUN_STATUS_OK &&
      (e->status != status || !memchr(e->message, '\0', sizeof e->message) || e->message[0] == '\0'))
    __builtin_trap();
  return status;
}

/* A packed string buffer of `count` empty strings: int32 count, count + 1 offsets all pointing at the end. */
static void* fuzz_empty_strings(size_t count, size_t* out_size) {
  if (count > (FUZZ_MAX_INPUT_BYTES / 4) - 2) return NULL;
  size_t size = 4 * (count + 2);
  int32_t* p = malloc(size);
  if (!p) return NULL;
  p[0] = (int32_t)count;
  for (size_t i = 0; i <= count; i++) p[1 + i] = (int32_t)size;
  *out_size = size;
  return p;
}

static void fuzz_set_inputs(sigrun_runner* runner) {
  sigrun_error e;
  int n = sigrun_runner_input_count(runner);
  for (int i = 0; i < n; i++) {
    sigrun_tensor* t = sigrun_runner_input_at(runner, i);
    const char* name = sigrun_runner_input_name(runner, i);
    if (!t || !name) continue;
    size_t size = 0;
    void* buf = NULL;
    if (sigrun_tensor_type(t) == SIGRUN_TYPE_STRING) {
      buf = fuzz_empty_strings(sigrun_tensor_element_count(t), &size);
    } else {
      size = sigrun_tensor_byte_size(t);
      if (size == 0 || size > FUZZ_MAX_INPUT_BYTES) continue;
      buf = calloc(1, size);
    }
    if (!buf) continue;
    (void)fuzz_checked(sigrun_runner_set_input(runner, name, buf, size, &e), &e);
    free(buf);
  }
}

static void fuzz_run(sigrun_interpreter* interpreter, const char* key) {
  sigrun_error e;
  sigrun_runner* runner = NULL;
  if (fuzz_checked(sigrun_interpreter_get_runner(interpreter, key, &runner, &e), &e)) return;
  if (fuzz_checked(sigrun_runner_allocate(runner, &e), &e)) return;
  fuzz_set_inputs(runner);
  /* Twice: the second invoke sees state the first one left (variables, initializers, grown outputs). */
  if (!fuzz_checked(sigrun_runner_invoke(runner, &e), &e)) (void)fuzz_checked(sigrun_runner_invoke(runner, &e), &e);
  /* Outputs are read back so a kernel that left one unset or mis-sized shows up under the sanitizers. */
  int outputs = sigrun_runner_output_count(runner);
  for (int i = 0; i < outputs; i++) {
    const sigrun_tensor* t = sigrun_runner_output_at(runner, i);
    const volatile uint8_t* p = t ? sigrun_tensor_data_const(t) : NULL;
    size_t bytes = t ? sigrun_tensor_byte_size(t) : 0;
    if (p && bytes) (void)p[bytes - 1];
  }
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sigrun_error e;
  sigrun_model* model = NULL;
  if (fuzz_checked(sigrun_model_load_buffer(data, size, 1, &model, &e), &e)) return 0;
  sigrun_interpreter_options options;
  sigrun_interpreter_options_init(&options);
  options.max_arena_bytes = FUZZ_MAX_ARENA_BYTES;
  options.max_while_iterations = FUZZ_MAX_WHILE_ITERATIONS;
  options.max_call_depth = FUZZ_MAX_CALL_DEPTH;
  options.allow_unsupported_ops = 1;
  sigrun_interpreter* interpreter = NULL;
  if (!fuzz_checked(sigrun_interpreter_create(model, &options, &interpreter, &e), &e)) {
    int count = sigrun_model_signature_count(model);
    if (count == 0) fuzz_run(interpreter, NULL);
    for (int i = 0; i < count && i < FUZZ_MAX_SIGNATURES; i++) {
      const char* key = sigrun_model_signature_key(model, i);
      if (key) fuzz_run(interpreter, key);
    }
  }
  sigrun_interpreter_destroy(interpreter);
  sigrun_model_destroy(model);
  return 0;
}
