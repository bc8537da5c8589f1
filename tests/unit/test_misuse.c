/*
 * test_misuse.c — every public function of sigrun.h called the wrong way (issue 5): NULL for each pointer
 * argument, calls in the wrong state, wrong byte sizes, string/non-string mismatches, bad resize shapes,
 * out-of-range indices, unknown names, outputs read before they exist. Each case asserts the status and a
 * fragment of the message; every status case runs twice (with an error record pre-filled with junk, which
 * must come back NUL-terminated and agreeing with the status, and with a NULL error record). Getters and
 * void functions get their documented NULL / no-op results. Custom-op callbacks and the profiler misuse
 * their own runner in test_misuse_callbacks.c.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../harness.h"
#include "../../include/sigrun.h"

/* multi_signatures.bin: signatures add (x float32[-1] -> output_0 = x + 2) and sub (x - 3).
 * string_input_model_with_signature.bin: serving_default, a: string [1,3] (signature [-1,3]) passed through.
 * simple_topk_op_runtime_k.tflite: serving_default, k int32 scalar and x float32[1,128] -> two outputs whose
 * shape depends on k (dynamic). */
#define MULTI "tests/data/models/multi_signatures.bin"
#define STRINGS "tests/data/models/string_input_model_with_signature.bin"
#define TOPK "tests/data/models/simple_topk_op_runtime_k.tflite"
#define SINH "tests/data/models/custom_sinh.bin"

static struct fixture {
  sigrun_model *multi, *strings, *topk, *sinh;
  sigrun_interpreter *interp, *strings_interp, *topk_interp, *tiny_interp;
  sigrun_runner* fresh;      /* "add", never allocated */
  sigrun_runner* ready;      /* "add", x resized to [3] and allocated */
  sigrun_runner* resized;    /* "add", allocated, then resized without a new allocate */
  sigrun_runner* failed;     /* "add" under max_arena_bytes = 1: its allocate failed */
  sigrun_runner* str;        /* string model, allocated, no input set yet */
  sigrun_runner* dyn;        /* top-k with a runtime k, allocated, not invoked */
  const sigrun_tensor* x;    /* ready's input x (float32 [3]) */
  const sigrun_tensor* a;    /* str's input a (string [1,3]) */
  /* Out-parameters the cases write to; anything a failing call leaves there is destroyed at the end. */
  sigrun_model* out_model;
  sigrun_interpreter* out_interp;
  sigrun_runner* out_runner;
  sigrun_tensor* out_tensor;
  const sigrun_tensor* out_const_tensor;
  const char* out_str;
  size_t out_len;
  char fifo[64], empty[64];
} F;

static const float x3[3] = {1, 2, 3};
static float y3[3];
static const int32_t dims_neg[1] = {-4};
static const int32_t dims_3[1] = {3};
static const int32_t dims_1x3[2] = {1, 3};
static const int32_t dims_1x4[2] = {1, 4};
static const int32_t dims_big2[2] = {65536, 65536};
static const int32_t dims_max8[8] = {INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX,
                                     INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX};
static const int32_t dims_9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};

/* Packed string buffers for a [1,3] string input (LiteRT layout: count, count + 1 offsets, bytes). */
static const int32_t str_ok[6] = {3, 20, 21, 22, 24, 0x64636261}; /* "a", "b", "cd" */
static const int32_t str_two[5] = {2, 16, 17, 18, 0};           /* 2 strings for 3 elements */
static const int32_t str_past_end[6] = {3, 20, 21, 22, 99, 0};  /* last offset past the end */
static const int32_t str_backwards[6] = {3, 20, 22, 21, 24, 0}; /* offset 2 before offset 1 */
static const int32_t str_negative[6] = {-1, 20, 21, 22, 23, 0};
static const int32_t str_truncated[2] = {3, 20};                /* header cut short */
static const char* const two_strings[2] = {"ab", "c"};
static const size_t two_lengths[2] = {2, 1};
static const char* const null_string[1] = {NULL};
static const size_t three[1] = {3};
static const size_t huge_lengths[2] = {(size_t)INT32_MAX, 10};
static const size_t max_length[1] = {SIZE_MAX};
static char pack_buffer[64];

static sigrun_custom_op no_name = {NULL, NULL, NULL, NULL, NULL, NULL, 0};
static sigrun_custom_op ops_bad[4];
static sigrun_interpreter_options opts_negative_count, opts_null_ops, opts_bad_op[4];

static sigrun_tensor* const_tensor(void);
static sigrun_status noop_callback(sigrun_op_context* context) {
  (void)context;
  return SIGRUN_STATUS_OK;
}

/* ---- status cases: X(name, expected status, message fragment, call) ---- */

#define STATUS_CASES(X)                                                                                          \
  /* model loading */                                                                                            \
  X(load_file_null_path, BAD_ARGUMENT, "sigrun_model_load_file: path is NULL",                                   \
    sigrun_model_load_file(NULL, &F.out_model, e))                                                               \
  X(load_file_null_out, BAD_ARGUMENT, "sigrun_model_load_file: out_model is NULL",                               \
    sigrun_model_load_file(MULTI, NULL, e))                                                                      \
  X(load_file_missing, IO, "cannot open 'tests/data/models/nope.tflite'",                                        \
    sigrun_model_load_file("tests/data/models/nope.tflite", &F.out_model, e))                                    \
  X(load_file_directory, IO, "'tests/data' is not a regular file", sigrun_model_load_file("tests/data", &F.out_model, e)) \
  X(load_file_fifo_does_not_hang, IO, "is not a regular file", sigrun_model_load_file(F.fifo, &F.out_model, e))  \
  X(load_file_empty, BAD_MODEL, "is empty", sigrun_model_load_file(F.empty, &F.out_model, e))                    \
  X(load_file_not_tflite, BAD_MODEL, "expected 'TFL3'",                                                          \
    sigrun_model_load_file("tests/data/models/invalid_model.bin", &F.out_model, e))                              \
  X(load_buffer_null_data, BAD_ARGUMENT, "sigrun_model_load_buffer: data is NULL",                               \
    sigrun_model_load_buffer(NULL, 16, 0, &F.out_model, e))                                                      \
  X(load_buffer_null_out, BAD_ARGUMENT, "sigrun_model_load_buffer: out_model is NULL",                           \
    sigrun_model_load_buffer(x3, sizeof x3, 0, NULL, e))                                                         \
  X(load_buffer_empty, BAD_MODEL, "the model is 0 bytes", sigrun_model_load_buffer(x3, 0, 0, &F.out_model, e))   \
  X(load_buffer_empty_copy, BAD_MODEL, "the model is 0 bytes", sigrun_model_load_buffer(x3, 0, 1, &F.out_model, e)) \
  X(load_buffer_short, BAD_MODEL, "the model is 3 bytes", sigrun_model_load_buffer(x3, 3, 1, &F.out_model, e))   \
  /* interpreters and options */                                                                                 \
  X(create_null_model, BAD_ARGUMENT, "sigrun_interpreter_create: model is NULL",                                 \
    sigrun_interpreter_create(NULL, NULL, &F.out_interp, e))                                                     \
  X(create_null_out, BAD_ARGUMENT, "sigrun_interpreter_create: out_interpreter is NULL",                         \
    sigrun_interpreter_create(F.multi, NULL, NULL, e))                                                           \
  X(create_negative_custom_op_count, BAD_ARGUMENT, "custom_op_count -1",                                         \
    sigrun_interpreter_create(F.multi, &opts_negative_count, &F.out_interp, e))                                  \
  X(create_custom_ops_null, BAD_ARGUMENT, "custom_op_count 1 with custom_ops NULL",                              \
    sigrun_interpreter_create(F.multi, &opts_null_ops, &F.out_interp, e))                                        \
  X(create_custom_op_null_name, BAD_ARGUMENT, "custom op 0 ('(null)') needs a name, a prepare and an invoke",     \
    sigrun_interpreter_create(F.sinh, &opts_bad_op[0], &F.out_interp, e))                                        \
  X(create_custom_op_empty_name, BAD_ARGUMENT, "custom op 0 ('') needs a name",                                  \
    sigrun_interpreter_create(F.sinh, &opts_bad_op[1], &F.out_interp, e))                                        \
  X(create_custom_op_no_prepare, BAD_ARGUMENT, "custom op 0 ('Sinh') needs a name, a prepare",                   \
    sigrun_interpreter_create(F.sinh, &opts_bad_op[2], &F.out_interp, e))                                        \
  X(create_custom_op_no_invoke, BAD_ARGUMENT, "custom op 0 ('Sinh') needs a name, a prepare and an invoke",      \
    sigrun_interpreter_create(F.sinh, &opts_bad_op[3], &F.out_interp, e))                                        \
  X(create_unregistered_custom_op, UNSUPPORTED, "Sinh (custom op) at subgraph 0 operator 0",                     \
    sigrun_interpreter_create(F.sinh, NULL, &F.out_interp, e))                                                   \
  X(get_runner_null_interpreter, BAD_ARGUMENT, "sigrun_interpreter_get_runner: interpreter is NULL",             \
    sigrun_interpreter_get_runner(NULL, "add", &F.out_runner, e))                                                \
  X(get_runner_null_out, BAD_ARGUMENT, "sigrun_interpreter_get_runner: out_runner is NULL",                      \
    sigrun_interpreter_get_runner(F.interp, "add", NULL, e))                                                     \
  X(get_runner_unknown_key, NOT_FOUND, "signature 'mul' not found; the model's signatures are: 'add', 'sub'",     \
    sigrun_interpreter_get_runner(F.interp, "mul", &F.out_runner, e))                                            \
  X(get_runner_empty_key, NOT_FOUND, "signature '' not found", sigrun_interpreter_get_runner(F.interp, "", &F.out_runner, e)) \
  X(get_primary_runner_null_interpreter, BAD_ARGUMENT, "sigrun_interpreter_get_primary_runner: interpreter is NULL", \
    sigrun_interpreter_get_primary_runner(NULL, &F.out_runner, e))                                               \
  X(get_primary_runner_null_out, BAD_ARGUMENT, "sigrun_interpreter_get_primary_runner: out_runner is NULL",      \
    sigrun_interpreter_get_primary_runner(F.interp, NULL, e))                                                    \
  X(runner_create_null_interpreter, BAD_ARGUMENT, "sigrun_runner_create: interpreter is NULL",                   \
    sigrun_runner_create(NULL, "add", &F.out_runner, e))                                                         \
  X(runner_create_null_out, BAD_ARGUMENT, "sigrun_runner_create: out_runner is NULL",                            \
    sigrun_runner_create(F.interp, "add", NULL, e))                                                              \
  X(runner_create_unknown_key, NOT_FOUND, "signature 'mul' not found",                                           \
    sigrun_runner_create(F.interp, "mul", &F.out_runner, e))                                                     \
  X(reset_variables_null, BAD_ARGUMENT, "sigrun_interpreter_reset_variables: interpreter is NULL",               \
    sigrun_interpreter_reset_variables(NULL, e))                                                                 \
  X(reset_state_null, BAD_ARGUMENT, "sigrun_interpreter_reset_state: interpreter is NULL",                       \
    sigrun_interpreter_reset_state(NULL, e))                                                                     \
  X(cancel_null, BAD_ARGUMENT, "sigrun_interpreter_cancel: interpreter is NULL", sigrun_interpreter_cancel(NULL, e)) \
  /* tensors by name */                                                                                          \
  X(input_null_runner, BAD_ARGUMENT, "sigrun_runner_input: runner is NULL",                                      \
    sigrun_runner_input(NULL, "x", &F.out_tensor, e))                                                            \
  X(input_null_name, BAD_ARGUMENT, "sigrun_runner_input: name is NULL",                                          \
    sigrun_runner_input(F.ready, NULL, &F.out_tensor, e))                                                        \
  X(input_null_out, BAD_ARGUMENT, "sigrun_runner_input: out_tensor is NULL", sigrun_runner_input(F.ready, "x", NULL, e)) \
  X(input_unknown_name, NOT_FOUND, "signature 'add' has no input named 'y'; its inputs are: x",                  \
    sigrun_runner_input(F.ready, "y", &F.out_tensor, e))                                                         \
  X(input_named_like_output, NOT_FOUND, "has no input named 'output_0'",                                         \
    sigrun_runner_input(F.ready, "output_0", &F.out_tensor, e))                                                  \
  X(output_null_runner, BAD_ARGUMENT, "sigrun_runner_output: runner is NULL",                                    \
    sigrun_runner_output(NULL, "output_0", &F.out_const_tensor, e))                                              \
  X(output_null_name, BAD_ARGUMENT, "sigrun_runner_output: name is NULL",                                        \
    sigrun_runner_output(F.ready, NULL, &F.out_const_tensor, e))                                                 \
  X(output_null_out, BAD_ARGUMENT, "sigrun_runner_output: out_tensor is NULL",                                   \
    sigrun_runner_output(F.ready, "output_0", NULL, e))                                                          \
  X(output_unknown_name, NOT_FOUND, "signature 'add' has no output named 'y'; its outputs are: output_0",        \
    sigrun_runner_output(F.ready, "y", &F.out_const_tensor, e))                                                  \
  X(output_named_like_input, NOT_FOUND, "has no output named 'x'", sigrun_runner_output(F.ready, "x", &F.out_const_tensor, e)) \
  /* resize */                                                                                                   \
  X(resize_null_runner, BAD_ARGUMENT, "sigrun_runner_resize_input: runner is NULL",                              \
    sigrun_runner_resize_input(NULL, "x", dims_3, 1, e))                                                         \
  X(resize_null_name, BAD_ARGUMENT, "sigrun_runner_resize_input: name is NULL",                                  \
    sigrun_runner_resize_input(F.ready, NULL, dims_3, 1, e))                                                     \
  X(resize_null_dims, BAD_ARGUMENT, "sigrun_runner_resize_input: dims is NULL with rank 1",                      \
    sigrun_runner_resize_input(F.ready, "x", NULL, 1, e))                                                        \
  X(resize_unknown_name, NOT_FOUND, "has no input named 'y'", sigrun_runner_resize_input(F.ready, "y", dims_3, 1, e)) \
  X(resize_an_output, NOT_FOUND, "has no input named 'output_0'",                                                \
    sigrun_runner_resize_input(F.ready, "output_0", dims_3, 1, e))                                               \
  X(resize_negative_rank, BAD_ARGUMENT, "input 'x': rank -1 is outside 0..8",                                    \
    sigrun_runner_resize_input(F.ready, "x", dims_3, -1, e))                                                     \
  X(resize_int_min_rank, BAD_ARGUMENT, "is outside 0..8", sigrun_runner_resize_input(F.ready, "x", dims_3, INT_MIN, e)) \
  X(resize_rank_9, BAD_ARGUMENT, "input 'x': rank 9 is outside 0..8", sigrun_runner_resize_input(F.ready, "x", dims_9, 9, e)) \
  X(resize_negative_dim, BAD_ARGUMENT, "input 'x': shape [-4] has a negative dimension or is too large",         \
    sigrun_runner_resize_input(F.ready, "x", dims_neg, 1, e))                                                    \
  X(resize_overflowing_count, BAD_ARGUMENT, "shape [65536,65536] has a negative dimension or is too large",      \
    sigrun_runner_resize_input(F.ready, "x", dims_big2, 2, e))                                                   \
  X(resize_overflowing_size_t, BAD_ARGUMENT, "is too large",                                                     \
    sigrun_runner_resize_input(F.ready, "x", dims_max8, 8, e))                                                   \
  X(resize_strict_null_runner, BAD_ARGUMENT, "sigrun_runner_resize_input_strict: runner is NULL",                \
    sigrun_runner_resize_input_strict(NULL, "x", dims_3, 1, e))                                                  \
  X(resize_strict_null_dims, BAD_ARGUMENT, "sigrun_runner_resize_input_strict: dims is NULL with rank 1",        \
    sigrun_runner_resize_input_strict(F.ready, "x", NULL, 1, e))                                                 \
  X(resize_strict_rank_change, BAD_ARGUMENT, "input 'x': strict resize cannot change rank 1 to 2",               \
    sigrun_runner_resize_input_strict(F.ready, "x", dims_1x3, 2, e))                                             \
  X(resize_strict_fixed_dim, BAD_ARGUMENT, "may only change dimensions that are -1 in the shape signature [-1,3]", \
    sigrun_runner_resize_input_strict(F.str, "a", dims_1x4, 2, e))                                               \
  X(resize_strict_negative_dim, BAD_ARGUMENT, "negative dimension", sigrun_runner_resize_input_strict(F.ready, "x", dims_neg, 1, e)) \
  /* allocate, set_input, invoke, get_output */                                                                  \
  X(allocate_null_runner, BAD_ARGUMENT, "sigrun_runner_allocate: runner is NULL", sigrun_runner_allocate(NULL, e)) \
  X(allocate_over_limit, LIMIT, "past max_arena_bytes (1)", sigrun_runner_allocate(F.failed, e))                 \
  X(set_input_null_runner, BAD_ARGUMENT, "sigrun_runner_set_input: runner is NULL",                              \
    sigrun_runner_set_input(NULL, "x", x3, sizeof x3, e))                                                        \
  X(set_input_null_name, BAD_ARGUMENT, "sigrun_runner_set_input: name is NULL",                                  \
    sigrun_runner_set_input(F.ready, NULL, x3, sizeof x3, e))                                                    \
  X(set_input_null_data, BAD_ARGUMENT, "sigrun_runner_set_input: data is NULL with size 12",                     \
    sigrun_runner_set_input(F.ready, "x", NULL, sizeof x3, e))                                                   \
  X(set_input_unknown_name, NOT_FOUND, "has no input named 'y'", sigrun_runner_set_input(F.ready, "y", x3, sizeof x3, e)) \
  X(set_input_an_output, NOT_FOUND, "has no input named 'output_0'",                                             \
    sigrun_runner_set_input(F.ready, "output_0", x3, sizeof x3, e))                                              \
  X(set_input_before_allocate, BAD_STATE, "input 'x': set before allocate",                                      \
    sigrun_runner_set_input(F.fresh, "x", x3, 4, e))                                                             \
  X(set_input_after_resize, BAD_STATE, "input 'x': set before allocate",                                         \
    sigrun_runner_set_input(F.resized, "x", x3, sizeof x3, e))                                                   \
  X(set_input_after_failed_allocate, BAD_STATE, "set before allocate",                                           \
    sigrun_runner_set_input(F.failed, "x", x3, 4, e))                                                            \
  X(set_input_too_small, BAD_ARGUMENT, "input 'x': got 8 bytes, shape [3] float32 needs 12",                     \
    sigrun_runner_set_input(F.ready, "x", x3, 8, e))                                                             \
  X(set_input_too_large, BAD_ARGUMENT, "got 16 bytes, shape [3] float32 needs 12",                               \
    sigrun_runner_set_input(F.ready, "x", pack_buffer, 16, e))                                                   \
  X(set_input_empty, BAD_ARGUMENT, "got 0 bytes", sigrun_runner_set_input(F.ready, "x", NULL, 0, e))             \
  X(set_input_size_max, BAD_ARGUMENT, "got 18446744073709551615 bytes",                                          \
    sigrun_runner_set_input(F.ready, "x", x3, SIZE_MAX, e))                                                      \
  X(set_input_strings_into_float, BAD_ARGUMENT, "got 24 bytes, shape [3] float32 needs 12",                      \
    sigrun_runner_set_input(F.ready, "x", str_ok, sizeof str_ok, e))                                             \
  X(set_input_floats_into_string, BAD_ARGUMENT, "string buffer holds 1065353216 strings, expected 3",            \
    sigrun_runner_set_input(F.str, "a", x3, sizeof x3, e))                                                       \
  X(set_input_string_count_mismatch, BAD_ARGUMENT, "input 'a' (string, shape [1,3]): string buffer holds 2 strings, expected 3", \
    sigrun_runner_set_input(F.str, "a", str_two, sizeof str_two, e))                                             \
  X(set_input_string_offset_past_end, BAD_ARGUMENT, "offset 3 is 99, past the end of the 24-byte buffer",        \
    sigrun_runner_set_input(F.str, "a", str_past_end, sizeof str_past_end, e))                                   \
  X(set_input_string_offsets_backwards, BAD_ARGUMENT, "offset 2 is 21, before offset 1 (22)",                    \
    sigrun_runner_set_input(F.str, "a", str_backwards, sizeof str_backwards, e))                                 \
  X(set_input_string_negative_count, BAD_ARGUMENT, "string buffer holds -1 strings",                             \
    sigrun_runner_set_input(F.str, "a", str_negative, sizeof str_negative, e))                                   \
  X(set_input_string_truncated, BAD_ARGUMENT, "is truncated: the header of 3 strings needs 20 bytes",            \
    sigrun_runner_set_input(F.str, "a", str_truncated, sizeof str_truncated, e))                                 \
  X(set_input_string_too_short, BAD_ARGUMENT, "string buffer of 2 bytes is too short",                           \
    sigrun_runner_set_input(F.str, "a", str_ok, 2, e))                                                           \
  X(set_input_string_empty, BAD_ARGUMENT, "string buffer of 0 bytes is too short", sigrun_runner_set_input(F.str, "a", NULL, 0, e)) \
  X(invoke_null_runner, BAD_ARGUMENT, "sigrun_runner_invoke: runner is NULL", sigrun_runner_invoke(NULL, e))     \
  X(invoke_before_allocate, BAD_STATE, "signature 'add': invoke before allocate", sigrun_runner_invoke(F.fresh, e)) \
  X(invoke_after_resize, BAD_STATE, "invoke before allocate", sigrun_runner_invoke(F.resized, e))                \
  X(invoke_after_failed_allocate, BAD_STATE, "invoke before allocate", sigrun_runner_invoke(F.failed, e))        \
  X(get_output_null_runner, BAD_ARGUMENT, "sigrun_runner_get_output: runner is NULL",                            \
    sigrun_runner_get_output(NULL, "output_0", y3, sizeof y3, e))                                                \
  X(get_output_null_name, BAD_ARGUMENT, "sigrun_runner_get_output: name is NULL",                                \
    sigrun_runner_get_output(F.ready, NULL, y3, sizeof y3, e))                                                   \
  X(get_output_null_data, BAD_ARGUMENT, "sigrun_runner_get_output: data is NULL with size 12",                   \
    sigrun_runner_get_output(F.ready, "output_0", NULL, sizeof y3, e))                                           \
  X(get_output_unknown_name, NOT_FOUND, "has no output named 'y'", sigrun_runner_get_output(F.ready, "y", y3, sizeof y3, e)) \
  X(get_output_an_input, NOT_FOUND, "has no output named 'x'", sigrun_runner_get_output(F.ready, "x", y3, sizeof y3, e)) \
  X(get_output_too_small, BAD_ARGUMENT, "output 'output_0' holds 12 bytes; the destination has 8",               \
    sigrun_runner_get_output(F.ready, "output_0", y3, 8, e))                                                     \
  X(get_output_before_allocate, BAD_STATE, "output 'output_0' has no data yet",                                  \
    sigrun_runner_get_output(F.fresh, "output_0", y3, sizeof y3, e))                                             \
  X(get_output_after_failed_allocate, BAD_STATE, "has no data yet",                                              \
    sigrun_runner_get_output(F.failed, "output_0", y3, sizeof y3, e))                                            \
  X(get_output_dynamic_before_invoke, BAD_STATE, "output 'output_0' has no data yet",                            \
    sigrun_runner_get_output(F.dyn, "output_0", pack_buffer, sizeof pack_buffer, e))                             \
  X(get_output_string_before_set, BAD_STATE, "output 'output_0' has no data yet",                                \
    sigrun_runner_get_output(F.str, "output_0", pack_buffer, sizeof pack_buffer, e))                             \
  /* strings */                                                                                                  \
  X(tensor_string_null_tensor, BAD_ARGUMENT, "sigrun_tensor_string: tensor is NULL",                             \
    sigrun_tensor_string(NULL, 0, &F.out_str, &F.out_len, e))                                                    \
  X(tensor_string_null_data, BAD_ARGUMENT, "sigrun_tensor_string: data is NULL",                                 \
    sigrun_tensor_string(F.a, 0, NULL, &F.out_len, e))                                                           \
  X(tensor_string_null_length, BAD_ARGUMENT, "sigrun_tensor_string: length is NULL",                             \
    sigrun_tensor_string(F.a, 0, &F.out_str, NULL, e))                                                           \
  X(tensor_string_not_string, BAD_ARGUMENT, "('add_x:0') is float32, not string",                                \
    sigrun_tensor_string(F.x, 0, &F.out_str, &F.out_len, e))                                                     \
  X(tensor_string_unset, BAD_ARGUMENT, "string 0 requested, it holds 0",                                         \
    sigrun_tensor_string(F.a, 0, &F.out_str, &F.out_len, e))                                                     \
  X(tensor_string_index_max, BAD_ARGUMENT, "string 18446744073709551615 requested",                              \
    sigrun_tensor_string(F.a, SIZE_MAX, &F.out_str, &F.out_len, e))                                              \
  X(strings_pack_null_size, BAD_ARGUMENT, "sigrun_strings_pack: size is NULL",                                   \
    sigrun_strings_pack(two_strings, two_lengths, 2, pack_buffer, sizeof pack_buffer, NULL, e))                  \
  X(strings_pack_null_strings, BAD_ARGUMENT, "sigrun_strings_pack: strings is NULL with count 2",                \
    sigrun_strings_pack(NULL, two_lengths, 2, pack_buffer, sizeof pack_buffer, &F.out_len, e))                   \
  X(strings_pack_null_lengths, BAD_ARGUMENT, "sigrun_strings_pack: lengths is NULL with count 2",                \
    sigrun_strings_pack(two_strings, NULL, 2, pack_buffer, sizeof pack_buffer, &F.out_len, e))                   \
  X(strings_pack_null_string, BAD_ARGUMENT, "string 0 is NULL or too long",                                      \
    sigrun_strings_pack(null_string, three, 1, pack_buffer, sizeof pack_buffer, &F.out_len, e))                  \
  X(strings_pack_too_many, BAD_ARGUMENT, "18446744073709551615 strings are too many",                            \
    sigrun_strings_pack(two_strings, two_lengths, SIZE_MAX, pack_buffer, sizeof pack_buffer, &F.out_len, e))     \
  X(strings_pack_length_max, BAD_ARGUMENT, "string 0 is NULL or too long",                                       \
    sigrun_strings_pack(two_strings, max_length, 1, pack_buffer, sizeof pack_buffer, &F.out_len, e))             \
  X(strings_pack_over_int32, BAD_ARGUMENT, "exceed what a string tensor's int32 offsets address",                \
    sigrun_strings_pack(two_strings, huge_lengths, 2, pack_buffer, sizeof pack_buffer, &F.out_len, e))           \
  X(strings_pack_null_buffer, BAD_ARGUMENT, "the buffer holds 0 bytes, 19 needed",                               \
    sigrun_strings_pack(two_strings, two_lengths, 2, NULL, 100, &F.out_len, e))                                  \
  X(strings_pack_small_buffer, BAD_ARGUMENT, "the buffer holds 18 bytes, 19 needed",                             \
    sigrun_strings_pack(two_strings, two_lengths, 2, pack_buffer, 18, &F.out_len, e))

#define CASE_FUNCTION(name, status, fragment, call) \
  static sigrun_status case_##name(sigrun_error* e) { return (call); }
STATUS_CASES(CASE_FUNCTION)

typedef struct status_case {
  const char* name;
  sigrun_status (*call)(sigrun_error* e);
  sigrun_status expected;
  const char* fragment;
} status_case;

#define CASE_ROW(name, status, fragment, call) {#name, case_##name, SIGRUN_STATUS_##status, fragment},
static const status_case status_cases[] = {STATUS_CASES(CASE_ROW)};

static int cases_run;

/* Frees whatever a case that should have failed created anyway, so one wrong result does not leak. */
static void drop_outputs(void) {
  if (F.out_runner && F.out_runner != F.fresh) sigrun_runner_destroy(F.out_runner);
  sigrun_interpreter_destroy(F.out_interp);
  sigrun_model_destroy(F.out_model);
  F.out_runner = NULL;
  F.out_interp = NULL;
  F.out_model = NULL;
}

static void test_status_cases(void) {
  for (size_t i = 0; i < sizeof status_cases / sizeof status_cases[0]; i++) {
    const status_case* c = &status_cases[i];
    sigrun_error e;
    memset(&e, 0x55, sizeof e); /* junk: every call must overwrite it */
    sigrun_status got = c->call(&e);
    drop_outputs();
    cases_run++;
    int terminated = memchr(e.message, '\0', sizeof e.message) != NULL;
    if (got != c->expected || e.status != got || !terminated || !strstr(e.message, c->fragment)) {
      fprintf(stderr, "case %s: status %d (record %d), expected %d \"%s\"; message: %.*s\n", c->name, (int)got,
              (int)e.status, (int)c->expected, c->fragment, terminated ? (int)sizeof e.message : 80, e.message);
      sr_test_checks_failed++;
    }
    sigrun_status again = c->call(NULL); /* a NULL error record is allowed everywhere */
    drop_outputs();
    if (again != c->expected) {
      fprintf(stderr, "case %s with a NULL error record: status %d, expected %d\n", c->name, (int)again,
              (int)c->expected);
      sr_test_checks_failed++;
    }
  }
}

/* ---- value cases: getters and no-ops ---- */

#define EXPECT(cond)  \
  do {                \
    cases_run++;      \
    CHECK(cond);      \
  } while (0)

#define IS(str, expected) ((str) != NULL && strcmp((str), (expected)) == 0)

static void test_library_getters(void) {
  EXPECT(IS(sigrun_version(), "0.1.0"));
  EXPECT(IS(sigrun_status_string(SIGRUN_STATUS_LIMIT), "a limit set in the interpreter options was exceeded"));
  EXPECT(IS(sigrun_status_string((sigrun_status)99), "unknown status"));
  EXPECT(IS(sigrun_status_string((sigrun_status)-1), "unknown status"));
  EXPECT(IS(sigrun_type_name((sigrun_type)99), "unknown"));
  EXPECT(IS(sigrun_type_name((sigrun_type)-1), "unknown"));
  EXPECT(sigrun_type_size((sigrun_type)99) == 0);
  EXPECT(sigrun_type_size((sigrun_type)-1) == 0);
  EXPECT(sigrun_type_size(SIGRUN_TYPE_STRING) == 0 && sigrun_type_size(SIGRUN_TYPE_INT4) == 0);
}

static void test_model_getters(void) {
  EXPECT(sigrun_model_signature_count(NULL) == 0);
  EXPECT(sigrun_model_signature_key(NULL, 0) == NULL);
  EXPECT(sigrun_model_subgraph_count(NULL) == 0);
  EXPECT(sigrun_model_subgraph_name(NULL, 0) == NULL);
  EXPECT(sigrun_model_operator_count(NULL, 0) == 0);
  EXPECT(sigrun_model_operator_name(NULL, 0, 0) == NULL);
  EXPECT(IS(sigrun_model_description(NULL), ""));
  const int bad[] = {-1, 2, INT_MAX, INT_MIN};
  for (int i = 0; i < 4; i++) {
    EXPECT(sigrun_model_signature_key(F.multi, bad[i]) == NULL);
    EXPECT(sigrun_model_subgraph_name(F.multi, bad[i]) == NULL);
    EXPECT(sigrun_model_operator_count(F.multi, bad[i]) == 0);
    EXPECT(sigrun_model_operator_name(F.multi, bad[i], 0) == NULL);
    EXPECT(sigrun_model_operator_name(F.multi, 0, bad[i] == 2 ? 1 : bad[i]) == NULL);
  }
  EXPECT(IS(sigrun_model_operator_name(F.multi, 0, 0), "ADD"));
  sigrun_model_destroy(NULL);
  cases_run++;
  EXPECT(sigrun_interpreter_model(NULL) == NULL);
  sigrun_interpreter_destroy(NULL);
  cases_run++;
  sigrun_interpreter_options_init(NULL);
  cases_run++;
}

static void test_runner_getters(void) {
  EXPECT(sigrun_runner_arena_size(NULL) == 0);
  EXPECT(sigrun_runner_arena_size(F.fresh) == 0);
  EXPECT(sigrun_runner_signature_key(NULL) == NULL);
  EXPECT(sigrun_runner_subgraph_index(NULL) == -1);
  EXPECT(sigrun_runner_input_count(NULL) == 0 && sigrun_runner_output_count(NULL) == 0);
  EXPECT(sigrun_runner_input_name(NULL, 0) == NULL && sigrun_runner_output_name(NULL, 0) == NULL);
  EXPECT(sigrun_runner_input_at(NULL, 0) == NULL && sigrun_runner_output_at(NULL, 0) == NULL);
  EXPECT(sigrun_runner_subgraph_input_count(NULL) == 0 && sigrun_runner_subgraph_output_count(NULL) == 0);
  EXPECT(sigrun_runner_subgraph_input(NULL, 0) == NULL && sigrun_runner_subgraph_output(NULL, 0) == NULL);
  EXPECT(sigrun_runner_tensor_count(NULL) == 0 && sigrun_runner_tensor(NULL, 0) == NULL);
  const int bad[] = {-1, 1, INT_MAX, INT_MIN};
  for (int i = 0; i < 4; i++) {
    EXPECT(sigrun_runner_input_name(F.ready, bad[i]) == NULL);
    EXPECT(sigrun_runner_output_name(F.ready, bad[i]) == NULL);
    EXPECT(sigrun_runner_input_at(F.ready, bad[i]) == NULL);
    EXPECT(sigrun_runner_output_at(F.ready, bad[i]) == NULL);
    EXPECT(sigrun_runner_subgraph_input(F.ready, bad[i]) == NULL);
    EXPECT(sigrun_runner_subgraph_output(F.ready, bad[i]) == NULL);
    EXPECT(sigrun_runner_tensor(F.ready, bad[i] == 1 ? sigrun_runner_tensor_count(F.ready) : bad[i]) == NULL);
  }
  /* No-ops: destroying NULL or a runner the interpreter owns, a profiler on NULL. */
  sigrun_runner_destroy(NULL);
  cases_run++;
  sigrun_runner* cached = NULL;
  CHECK(sigrun_interpreter_get_runner(F.interp, "sub", &cached, NULL) == SIGRUN_STATUS_OK);
  sigrun_runner_destroy(cached);
  EXPECT(IS(sigrun_runner_signature_key(cached), "sub")); /* still alive: owned by the interpreter */
  sigrun_runner_set_profiler(NULL, NULL, NULL);
  cases_run++;
}

static void test_tensor_getters(void) {
  EXPECT(IS(sigrun_tensor_name(NULL), ""));
  EXPECT(sigrun_tensor_index(NULL) == -1);
  EXPECT(IS(sigrun_type_name(sigrun_tensor_type(NULL)), "unknown"));
  EXPECT(sigrun_tensor_rank(NULL) == 0 && sigrun_tensor_dims(NULL) == NULL);
  EXPECT(sigrun_tensor_signature_rank(NULL) == 0 && sigrun_tensor_signature_dims(NULL) == NULL);
  EXPECT(sigrun_tensor_element_count(NULL) == 0 && sigrun_tensor_byte_size(NULL) == 0);
  EXPECT(sigrun_tensor_data(NULL) == NULL && sigrun_tensor_data_const(NULL) == NULL);
  sigrun_quantization q = sigrun_tensor_quantization(NULL);
  EXPECT(q.count == 0 && q.scales == NULL && q.zero_points == NULL);
  EXPECT(sigrun_tensor_string_count(NULL) == 0);
  EXPECT(sigrun_tensor_string_count(F.x) == 0); /* not a string tensor */
  EXPECT(sigrun_tensor_string_count(F.a) == 0); /* nothing set yet */
  /* A model constant is read-only: no writable pointer, but its bytes are readable. */
  sigrun_tensor* c = const_tensor();
  EXPECT(c && sigrun_tensor_data(c) == NULL && sigrun_tensor_data_const(c) != NULL);
  /* A resized input has no memory until the next allocate. */
  EXPECT(sigrun_tensor_data(sigrun_runner_input_at(F.resized, 0)) == NULL);
}

/* A string input's memory is writable in place after set_input; a buffer broken there must fail invoke and the
 * string readers, not send a kernel past the buffer. */
static void test_string_input_broken_in_place(void) {
  sigrun_runner* r = NULL;
  CHECK(sigrun_runner_create(F.strings_interp, NULL, &r, NULL) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, NULL) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_set_input(r, "a", str_ok, sizeof str_ok, NULL) == SIGRUN_STATUS_OK);
  sigrun_tensor* a = sigrun_runner_input_at(r, 0);
  const char* s = NULL;
  size_t n = 0;
  sigrun_error e;
  EXPECT(sigrun_tensor_string_count(a) == 3 && sigrun_tensor_string(a, 2, &s, &n, &e) == 0 && n == 2);
  int32_t* words = sigrun_tensor_data(a);
  CHECK(words != NULL && sigrun_tensor_byte_size(a) == sizeof str_ok);
  if (!words) return;
  words[3] = 1000; /* offset 2 far past the end */
  EXPECT(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_BAD_ARGUMENT &&
         strstr(e.message, "offset 2 is 1000, past the end of the 24-byte buffer (was it changed in place"));
  EXPECT(sigrun_tensor_string(a, 1, &s, &n, &e) == SIGRUN_STATUS_BAD_ARGUMENT &&
         strstr(e.message, "string 1 has offsets 21..1000 outside its 24-byte buffer"));
  EXPECT(sigrun_tensor_string(a, 0, &s, &n, &e) == SIGRUN_STATUS_OK && n == 1 && s[0] == 'a');
  words[0] = 1 << 30; /* a count whose header cannot fit */
  EXPECT(sigrun_tensor_string_count(a) == 0);
  EXPECT(sigrun_tensor_string(a, 5, &s, &n, &e) == SIGRUN_STATUS_BAD_ARGUMENT && strstr(e.message, "it holds 0"));
  EXPECT(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_BAD_ARGUMENT && strstr(e.message, "expected 3"));
  words[0] = -7;
  EXPECT(sigrun_tensor_string_count(a) == 0 && sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  memcpy(words, str_ok, sizeof str_ok); /* repaired: runs again */
  EXPECT(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK);
  sigrun_runner_destroy(r);
}

/* Options out of range are clamped or defaulted, never trusted: a huge thread count must not start a
 * thread per unit, negative limits mean their defaults. */
static void test_options_out_of_range(void) {
  sigrun_interpreter_options o;
  sigrun_interpreter_options_init(&o);
  o.num_threads = 1 << 30;
  o.max_call_depth = -5;
  o.max_while_iterations = -5;
  sigrun_interpreter* in = NULL;
  sigrun_runner* r = NULL;
  float y[1];
  EXPECT(sigrun_interpreter_create(F.multi, &o, &in, NULL) == SIGRUN_STATUS_OK);
  EXPECT(sigrun_interpreter_get_runner(in, "add", &r, NULL) == SIGRUN_STATUS_OK &&
         sigrun_runner_allocate(r, NULL) == SIGRUN_STATUS_OK &&
         sigrun_runner_set_input(r, "x", x3, 4, NULL) == SIGRUN_STATUS_OK &&
         sigrun_runner_invoke(r, NULL) == SIGRUN_STATUS_OK &&
         sigrun_runner_get_output(r, "output_0", y, sizeof y, NULL) == SIGRUN_STATUS_OK && y[0] == 3);
  sigrun_interpreter_destroy(in);
  o.num_threads = -3;
  EXPECT(sigrun_interpreter_create(F.multi, &o, &in, NULL) == SIGRUN_STATUS_OK);
  sigrun_interpreter_destroy(in);
}

/* ---- fixture ---- */

static sigrun_tensor* const_tensor(void) {
  for (int i = 0; i < sigrun_runner_tensor_count(F.ready); i++) {
    sigrun_tensor* t = sigrun_runner_tensor(F.ready, i);
    if (sigrun_tensor_data(t) == NULL && sigrun_tensor_data_const(t) != NULL) return t;
  }
  return NULL;
}

static sigrun_model* load(const char* path) {
  sigrun_model* m = NULL;
  sigrun_error e;
  if (sigrun_model_load_file(path, &m, &e)) fprintf(stderr, "%s: %s\n", path, e.message);
  return m;
}

static sigrun_runner* allocated(sigrun_interpreter* in, const char* key) {
  sigrun_runner* r = NULL;
  sigrun_error e;
  if (sigrun_runner_create(in, key, &r, &e) || sigrun_runner_allocate(r, &e)) fprintf(stderr, "%s\n", e.message);
  return r;
}

static void bad_options(void) {
  sigrun_interpreter_options_init(&opts_negative_count);
  opts_negative_count.custom_op_count = -1;
  opts_null_ops = opts_negative_count;
  opts_null_ops.custom_op_count = 1;
  for (int i = 0; i < 4; i++) {
    ops_bad[i] = no_name;
    ops_bad[i].name = i == 0 ? NULL : i == 1 ? "" : "Sinh";
    ops_bad[i].prepare = i == 2 ? NULL : noop_callback;
    ops_bad[i].invoke = i == 3 ? NULL : noop_callback;
    opts_bad_op[i] = opts_null_ops;
    opts_bad_op[i].custom_ops = &ops_bad[i];
  }
}

static int setup(void) {
  snprintf(F.fifo, sizeof F.fifo, "/tmp/sigrun_misuse_fifo_%d", (int)getpid());
  snprintf(F.empty, sizeof F.empty, "/tmp/sigrun_misuse_empty_%d", (int)getpid());
  unlink(F.fifo);
  if (mkfifo(F.fifo, 0600) != 0) return 0;
  int fd = open(F.empty, O_CREAT | O_TRUNC | O_WRONLY, 0600);
  if (fd < 0) return 0;
  close(fd);
  F.multi = load(MULTI);
  F.strings = load(STRINGS);
  F.topk = load(TOPK);
  F.sinh = load(SINH);
  if (!F.multi || !F.strings || !F.topk || !F.sinh) return 0;
  sigrun_interpreter_options tiny;
  sigrun_interpreter_options_init(&tiny);
  tiny.max_arena_bytes = 1;
  if (sigrun_interpreter_create(F.multi, NULL, &F.interp, NULL) ||
      sigrun_interpreter_create(F.multi, &tiny, &F.tiny_interp, NULL) ||
      sigrun_interpreter_create(F.strings, NULL, &F.strings_interp, NULL) ||
      sigrun_interpreter_create(F.topk, NULL, &F.topk_interp, NULL))
    return 0;
  if (sigrun_runner_create(F.interp, "add", &F.fresh, NULL) || sigrun_runner_create(F.interp, "add", &F.ready, NULL) ||
      sigrun_runner_create(F.tiny_interp, "add", &F.failed, NULL))
    return 0;
  if (sigrun_runner_resize_input(F.ready, "x", dims_3, 1, NULL) || sigrun_runner_allocate(F.ready, NULL)) return 0;
  F.resized = allocated(F.interp, "add");
  F.str = allocated(F.strings_interp, NULL);
  F.dyn = allocated(F.topk_interp, NULL);
  if (!F.resized || !F.str || !F.dyn || sigrun_runner_resize_input(F.resized, "x", dims_3, 1, NULL)) return 0;
  if (sigrun_runner_allocate(F.failed, NULL) == SIGRUN_STATUS_OK) return 0;
  F.x = sigrun_runner_input_at(F.ready, 0);
  F.a = sigrun_runner_input_at(F.str, 0);
  bad_options();
  return 1;
}

static void teardown(void) {
  sigrun_runner_destroy(F.fresh);
  sigrun_runner_destroy(F.ready);
  sigrun_runner_destroy(F.resized);
  sigrun_runner_destroy(F.failed);
  sigrun_runner_destroy(F.str);
  sigrun_runner_destroy(F.dyn);
  sigrun_interpreter_destroy(F.interp);
  sigrun_interpreter_destroy(F.tiny_interp);
  sigrun_interpreter_destroy(F.strings_interp);
  sigrun_interpreter_destroy(F.topk_interp);
  sigrun_model_destroy(F.multi);
  sigrun_model_destroy(F.strings);
  sigrun_model_destroy(F.topk);
  sigrun_model_destroy(F.sinh);
  unlink(F.fifo);
  unlink(F.empty);
}

int main(void) {
  if (!setup()) {
    fprintf(stderr, "test_misuse: fixture setup failed\n");
    teardown();
    return 1;
  }
  RUN(test_status_cases);
  RUN(test_library_getters);
  RUN(test_model_getters);
  RUN(test_runner_getters);
  RUN(test_tensor_getters);
  RUN(test_string_input_broken_in_place);
  RUN(test_options_out_of_range);
  teardown();
  printf("%d misuse cases\n", cases_run);
  return TEST_SUMMARY();
}
