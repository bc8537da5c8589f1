/*
 * encode_decode.c — the signatures walk-through: load a model with two signatures that share weights,
 * list them, run `encode` on a fixed batch and feed its output to `decode`.
 *
 *   usage: example_encode_decode [MODEL]      (run from the repository root for the default path)
 */
#include <stdio.h>
#include <stdlib.h>

#include "sigrun.h"

#define DEFAULT_MODEL "examples/encode_decode/encode_decode.tflite"

static void print_shape(const sigrun_tensor* t) {
  printf("(");
  for (int i = 0; i < sigrun_tensor_rank(t); i++) printf("%s%d", i ? ", " : "", (int)sigrun_tensor_dims(t)[i]);
  printf(")");
}

static void print_matrix(const char* title, const sigrun_tensor* t) {
  if (sigrun_tensor_type(t) != SIGRUN_TYPE_FLOAT32 || sigrun_tensor_rank(t) != 2) {
    printf("%s: not a float32 matrix\n", title);
    return;
  }
  const float* v = sigrun_tensor_data_const(t);
  int rows = sigrun_tensor_dims(t)[0], cols = sigrun_tensor_dims(t)[1];
  printf("%s ", title);
  print_shape(t);
  printf(":\n");
  for (int r = 0; r < rows; r++) {
    printf("  ");
    for (int c = 0; c < cols; c++) printf(" %9.5f", v[r * cols + c]);
    printf("\n");
  }
}

/* Every signature with its inputs and outputs. Runners are created on first use and cached. */
static sigrun_status list_signatures(const sigrun_model* model, sigrun_interpreter* interp, sigrun_error* err) {
  for (int s = 0; s < sigrun_model_signature_count(model); s++) {
    const char* key = sigrun_model_signature_key(model, s);
    sigrun_runner* runner;
    sigrun_status st = sigrun_interpreter_get_runner(interp, key, &runner, err);
    if (st != SIGRUN_STATUS_OK) return st;
    printf("signature '%s' (subgraph %d)\n", key, sigrun_runner_subgraph_index(runner));
    for (int i = 0; i < sigrun_runner_input_count(runner); i++) {
      const sigrun_tensor* t = sigrun_runner_input_at(runner, i);
      printf("  input  %-8s %s ", sigrun_runner_input_name(runner, i), sigrun_type_name(sigrun_tensor_type(t)));
      print_shape(t);
      printf("\n");
    }
    for (int i = 0; i < sigrun_runner_output_count(runner); i++) {
      const sigrun_tensor* t = sigrun_runner_output_at(runner, i);
      printf("  output %-8s %s ", sigrun_runner_output_name(runner, i), sigrun_type_name(sigrun_tensor_type(t)));
      print_shape(t);
      printf("\n");
    }
  }
  return SIGRUN_STATUS_OK;
}

/* Resizes the runner's one input to data's shape, copies data in and invokes. */
static sigrun_status run(sigrun_runner* runner, const char* input, const int32_t dims[2], const void* data,
                         size_t size, sigrun_error* err) {
  sigrun_status st = sigrun_runner_resize_input(runner, input, dims, 2, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_allocate(runner, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_set_input(runner, input, data, size, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_invoke(runner, err);
  return st;
}

static sigrun_status encode_then_decode(sigrun_interpreter* interp, sigrun_error* err) {
  const float x[2][4] = {{1.0f, 2.0f, 3.0f, 4.0f}, {-1.0f, 0.5f, 0.0f, 2.0f}};
  const int32_t x_dims[2] = {2, 4};
  sigrun_runner *encode, *decode;
  const sigrun_tensor *encoded, *decoded;
  sigrun_status st = sigrun_interpreter_get_runner(interp, "encode", &encode, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_interpreter_get_runner(interp, "decode", &decode, err);
  if (st == SIGRUN_STATUS_OK) st = run(encode, "x", x_dims, x, sizeof x, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_output(encode, "encoded", &encoded, err);
  if (st != SIGRUN_STATUS_OK) return st;
  print_matrix("\nencode(x) -> encoded", encoded);

  /* The encoded tensor belongs to the encode runner; decode reads it as its own input y. */
  st = run(decode, "y", sigrun_tensor_dims(encoded), sigrun_tensor_data_const(encoded),
           sigrun_tensor_byte_size(encoded), err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_output(decode, "decoded", &decoded, err);
  if (st != SIGRUN_STATUS_OK) return st;
  print_matrix("decode(encoded) -> decoded", decoded);
  return SIGRUN_STATUS_OK;
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : DEFAULT_MODEL;
  sigrun_error err;
  sigrun_model* model = NULL;
  sigrun_interpreter* interp = NULL;
  sigrun_status st = sigrun_model_load_file(path, &model, &err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_interpreter_create(model, NULL, &interp, &err);
  if (st == SIGRUN_STATUS_OK) {
    printf("%s: %d signatures\n", path, sigrun_model_signature_count(model));
    st = list_signatures(model, interp, &err);
  }
  if (st == SIGRUN_STATUS_OK) st = encode_then_decode(interp, &err);
  if (st != SIGRUN_STATUS_OK) fprintf(stderr, "error (%s): %s\n", sigrun_status_string(st), err.message);
  sigrun_interpreter_destroy(interp);
  sigrun_model_destroy(model);
  return st == SIGRUN_STATUS_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
