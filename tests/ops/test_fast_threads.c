/*
 * test_fast_threads.c — the fast kernels split their work over the interpreter's threads, and the split must not
 * change a single bit: three real models from tests/data/models (MediaPipe palm detection, hand landmarks, face
 * detection: depthwise 3x3/5x5 at strides 1 and 2, PRELU, ADD, PAD, MAX_POOL_2D, float16 DEQUANTIZE, RESIZE)
 * run with 1, 2 and 3 threads on the same inputs must give identical outputs, and the 1-thread fast outputs must
 * stay close to the reference kernels' (a sanity bound; the oracle tests compare with LiteRT).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sigrun.h"

typedef struct outputs {
  int n;
  float* data[8];
  size_t count[8];
} outputs;

/* Runs the model's primary signature on deterministic inputs in [-1, 1) with `threads` threads (threads 0:
 * reference kernels, one thread), keeping copies of the float outputs. */
static int run_model(const char* path, int threads, outputs* out) {
  sigrun_error err;
  memset(&err, 0, sizeof err);
  sigrun_model* model = NULL;
  if (sigrun_model_load_file(path, &model, &err) != SIGRUN_STATUS_OK) {
    fprintf(stderr, "%s: %s\n", path, err.message);
    return 0;
  }
  sigrun_interpreter_options options;
  sigrun_interpreter_options_init(&options);
  options.num_threads = threads > 0 ? threads : 1;
  options.reference_kernels_only = threads == 0;
  sigrun_interpreter* interp = NULL;
  sigrun_runner* runner = NULL;
  int ok = sigrun_interpreter_create(model, &options, &interp, &err) == SIGRUN_STATUS_OK &&
           sigrun_interpreter_get_primary_runner(interp, &runner, &err) == SIGRUN_STATUS_OK &&
           sigrun_runner_allocate(runner, &err) == SIGRUN_STATUS_OK;
  for (int i = 0; ok && i < sigrun_runner_input_count(runner); i++) {
    sigrun_tensor* t = sigrun_runner_input_at(runner, i);
    float* x = sigrun_tensor_data(t);
    const size_t n = sigrun_tensor_element_count(t);
    ok = sigrun_tensor_type(t) == SIGRUN_TYPE_FLOAT32 && x != NULL;
    uint32_t state = 12345u + (uint32_t)i;
    for (size_t k = 0; ok && k < n; k++) {
      state = state * 1664525u + 1013904223u;
      x[k] = (float)(state >> 8) / 8388608.0f - 1.0f;
    }
  }
  ok = ok && sigrun_runner_invoke(runner, &err) == SIGRUN_STATUS_OK;
  if (!ok) fprintf(stderr, "%s (%d threads): %s\n", path, threads, err.message);
  out->n = 0;
  for (int i = 0; ok && i < sigrun_runner_output_count(runner) && i < 8; i++) {
    const sigrun_tensor* t = sigrun_runner_output_at(runner, i);
    const size_t n = sigrun_tensor_element_count(t);
    out->data[i] = malloc((n + 1) * sizeof(float));
    memcpy(out->data[i], sigrun_tensor_data((sigrun_tensor*)t), n * sizeof(float));
    out->count[i] = n;
    out->n++;
  }
  sigrun_interpreter_destroy(interp);
  sigrun_model_destroy(model);
  return ok;
}

static void free_outputs(outputs* o) {
  for (int i = 0; i < o->n; i++) free(o->data[i]);
  o->n = 0;
}

static void check_model(const char* path) {
  outputs ref, one, more;
  CHECK(run_model(path, 0, &ref));
  CHECK(run_model(path, 1, &one));
  CHECK(ref.n == one.n && one.n > 0);
  for (int i = 0; i < one.n && i < ref.n; i++) {
    double scale = 0, diff = 0;
    for (size_t k = 0; k < one.count[i]; k++) {
      scale = fmax(scale, fabs(ref.data[i][k]));
      diff = fmax(diff, fabs((double)ref.data[i][k] - one.data[i][k]));
    }
    if (!(diff <= 1e-4 * (scale + 1)))
      fprintf(stderr, "%s output %d: fast vs reference differ by %g (scale %g)\n", path, i, diff, scale);
    CHECK(diff <= 1e-4 * (scale + 1));
  }
  for (int threads = 2; threads <= 3; threads++) {
    CHECK(run_model(path, threads, &more));
    CHECK(more.n == one.n);
    for (int i = 0; i < one.n && i < more.n; i++)
      CHECK(one.count[i] == more.count[i] && memcmp(one.data[i], more.data[i], one.count[i] * sizeof(float)) == 0);
    free_outputs(&more);
  }
  free_outputs(&ref);
  free_outputs(&one);
}

static void test_palm_detection(void) { check_model("tests/data/models/palm_detection_lite.tflite"); }
static void test_hand_landmark(void) { check_model("tests/data/models/hand_landmark_lite.tflite"); }
static void test_face_detection(void) { check_model("tests/data/models/face_detection_short_range.tflite"); }

int main(void) {
  RUN(test_palm_detection);
  RUN(test_hand_landmark);
  RUN(test_face_detection);
  return TEST_SUMMARY();
}
