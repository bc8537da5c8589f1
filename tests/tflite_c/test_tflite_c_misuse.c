/*
 * test_tflite_c_misuse.c — LiteRT's C API layer (bindings/tflite_c) called the wrong way (issue 5): NULL for
 * every pointer, indices out of range, unknown names, wrong byte sizes, calls in the wrong state. Each case
 * asserts the result (kTfLiteError, NULL, 0 or -1) and, where a reporter can hear it, a fragment of the reason.
 * Also the lifetimes LiteRT allows: a model deleted right after its interpreter is created, options deleted
 * right after, a signature runner wrapper deleted after its interpreter; and cancellation only when enabled.
 * Links libtensorflowlite_c only, like a LiteRT program would.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tensorflow/lite/c/c_api.h"

static int failures, cases_run;

#define EXPECT(cond)                                                              \
  do {                                                                            \
    cases_run++;                                                                  \
    if (!(cond)) {                                                                \
      fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);         \
      failures++;                                                                 \
    }                                                                             \
  } while (0)

/* The reporter keeps the last message. */
static char heard[1024];

static void reporter(void* user_data, const char* format, va_list args) {
  (void)user_data;
  vsnprintf(heard, sizeof heard, format, args);
}

static int heard_says(const char* fragment) {
  int ok = strstr(heard, fragment) != NULL;
  if (!ok) fprintf(stderr, "reporter heard \"%s\", expected \"%s\"\n", heard, fragment);
  heard[0] = '\0';
  return ok;
}

#define MULTI "tests/data/models/multi_signatures.bin" /* add: x float32[-1] -> output_0 = x + 2; sub: x - 3 */

static void test_models_and_options(void) {
  static const char junk[64] = "not a flatbuffer, just bytes: 0123456789";
  EXPECT(TfLiteModelCreate(NULL, 16) == NULL);
  EXPECT(TfLiteModelCreateWithErrorReporter(NULL, 16, reporter, NULL) == NULL && heard_says("data is NULL"));
  EXPECT(TfLiteModelCreateWithErrorReporter(junk, sizeof junk, reporter, NULL) == NULL && heard_says("TFL3"));
  EXPECT(TfLiteModelCreateWithErrorReporter(junk, 0, reporter, NULL) == NULL && heard_says("the model is 0 bytes"));
  EXPECT(TfLiteModelCreateFromFile(NULL) == NULL);
  EXPECT(TfLiteModelCreateFromFileWithErrorReporter(NULL, reporter, NULL) == NULL && heard_says("path is NULL"));
  EXPECT(TfLiteModelCreateFromFileWithErrorReporter("nope.tflite", reporter, NULL) == NULL &&
         heard_says("cannot open 'nope.tflite'"));
  EXPECT(TfLiteModelCreateFromFileWithErrorReporter("tests", reporter, NULL) == NULL &&
         heard_says("not a regular file"));
  TfLiteModelDelete(NULL);
  cases_run++;
  EXPECT(TfLiteInterpreterOptionsCopy(NULL) == NULL);
  TfLiteInterpreterOptionsDelete(NULL);
  TfLiteInterpreterOptionsSetNumThreads(NULL, 4);
  TfLiteInterpreterOptionsSetErrorReporter(NULL, reporter, NULL);
  TfLiteInterpreterOptionsAddDelegate(NULL, NULL);
  cases_run += 4;
  EXPECT(TfLiteInterpreterOptionsEnableCancellation(NULL, true) == kTfLiteError);
  EXPECT(TfLiteInterpreterCreate(NULL, NULL) == NULL);
  TfLiteInterpreterOptions* o = TfLiteInterpreterOptionsCreate();
  TfLiteInterpreterOptionsSetErrorReporter(o, reporter, NULL);
  EXPECT(TfLiteInterpreterCreate(NULL, o) == NULL && heard_says("NULL model"));
  TfLiteInterpreterOptionsDelete(o);
  EXPECT(strcmp(TfLiteTypeGetName((TfLiteType)-1), "Unknown type") == 0);
  EXPECT(strcmp(TfLiteTypeGetName((TfLiteType)999), "Unknown type") == 0);
}

static void test_null_interpreter_and_tensor(void) {
  EXPECT(TfLiteInterpreterGetInputTensorCount(NULL) == 0 && TfLiteInterpreterGetOutputTensorCount(NULL) == 0);
  EXPECT(TfLiteInterpreterInputTensorIndices(NULL) == NULL && TfLiteInterpreterOutputTensorIndices(NULL) == NULL);
  EXPECT(TfLiteInterpreterGetInputTensor(NULL, 0) == NULL && TfLiteInterpreterGetOutputTensor(NULL, 0) == NULL);
  EXPECT(TfLiteInterpreterGetTensor(NULL, 0) == NULL);
  static const int dims[1] = {2};
  EXPECT(TfLiteInterpreterResizeInputTensor(NULL, 0, dims, 1) == kTfLiteError);
  EXPECT(TfLiteInterpreterAllocateTensors(NULL) == kTfLiteError);
  EXPECT(TfLiteInterpreterInvoke(NULL) == kTfLiteError);
  EXPECT(TfLiteInterpreterCancel(NULL) == kTfLiteError);
  EXPECT(TfLiteInterpreterGetSignatureCount(NULL) == 0 && TfLiteInterpreterGetSignatureKey(NULL, 0) == NULL);
  EXPECT(TfLiteInterpreterGetSignatureRunner(NULL, "add") == NULL);
  TfLiteInterpreterDelete(NULL);
  cases_run++;
  EXPECT(TfLiteSignatureRunnerGetInputCount(NULL) == 0 && TfLiteSignatureRunnerGetOutputCount(NULL) == 0);
  EXPECT(TfLiteSignatureRunnerGetInputName(NULL, 0) == NULL && TfLiteSignatureRunnerGetOutputName(NULL, 0) == NULL);
  EXPECT(TfLiteSignatureRunnerResizeInputTensor(NULL, "x", dims, 1) == kTfLiteError);
  EXPECT(TfLiteSignatureRunnerAllocateTensors(NULL) == kTfLiteError);
  EXPECT(TfLiteSignatureRunnerInvoke(NULL) == kTfLiteError);
  EXPECT(TfLiteSignatureRunnerCancel(NULL) == kTfLiteError);
  EXPECT(TfLiteSignatureRunnerGetInputTensor(NULL, "x") == NULL);
  EXPECT(TfLiteSignatureRunnerGetOutputTensor(NULL, "output_0") == NULL);
  TfLiteSignatureRunnerDelete(NULL);
  cases_run++;
  EXPECT(TfLiteTensorType(NULL) == kTfLiteNoType);
  EXPECT(TfLiteTensorNumDims(NULL) == -1 && TfLiteTensorDim(NULL, 0) == -1);
  EXPECT(TfLiteTensorByteSize(NULL) == 0 && TfLiteTensorData(NULL) == NULL && TfLiteTensorName(NULL) == NULL);
  TfLiteQuantizationParams q = TfLiteTensorQuantizationParams(NULL);
  EXPECT(q.scale == 0.0f && q.zero_point == 0);
  float x[1] = {1};
  EXPECT(TfLiteTensorCopyFromBuffer(NULL, x, sizeof x) == kTfLiteError);
  EXPECT(TfLiteTensorCopyToBuffer(NULL, x, sizeof x) == kTfLiteError);
}

/* A model deleted right after TfLiteInterpreterCreate and the options too: both are allowed by LiteRT. */
static TfLiteInterpreter* interpreter_outliving_its_model(int cancellation) {
  TfLiteModel* model = TfLiteModelCreateFromFile(MULTI);
  TfLiteInterpreterOptions* o = TfLiteInterpreterOptionsCreate();
  TfLiteInterpreterOptionsSetErrorReporter(o, reporter, NULL);
  if (cancellation) TfLiteInterpreterOptionsEnableCancellation(o, true);
  TfLiteInterpreter* in = TfLiteInterpreterCreate(model, o);
  TfLiteInterpreterOptionsDelete(o);
  TfLiteModelDelete(model);
  return in;
}

static void test_interpreter_misuse(void) {
  TfLiteInterpreter* in = interpreter_outliving_its_model(0);
  EXPECT(in != NULL);
  if (!in) return;
  int n_in = TfLiteInterpreterGetInputTensorCount(in), n_out = TfLiteInterpreterGetOutputTensorCount(in);
  EXPECT(n_in == 1 && n_out == 1);
  const int bad[] = {-1, 1, INT_MAX, INT_MIN};
  for (int i = 0; i < 4; i++) {
    EXPECT(TfLiteInterpreterGetInputTensor(in, bad[i]) == NULL);
    EXPECT(TfLiteInterpreterGetOutputTensor(in, bad[i]) == NULL);
    EXPECT(TfLiteInterpreterGetSignatureKey(in, bad[i] == 1 ? 2 : bad[i]) == NULL);
  }
  EXPECT(TfLiteInterpreterGetTensor(in, -1) == NULL && TfLiteInterpreterGetTensor(in, 1 << 20) == NULL);
  TfLiteTensor* x = TfLiteInterpreterGetInputTensor(in, 0);
  float v[2] = {1, 2}, y[2] = {0, 0};
  /* Before allocation: no memory to copy into or out of, and no invoke. */
  EXPECT(TfLiteTensorCopyFromBuffer(x, v, sizeof v[0]) == kTfLiteError);
  EXPECT(TfLiteInterpreterInvoke(in) == kTfLiteError && heard_says("invoke before allocate"));
  /* Resize: index out of range, NULL dims, negative rank and dimension, too many dimensions. */
  static const int two[1] = {2}, neg[1] = {-2}, nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT(TfLiteInterpreterResizeInputTensor(in, 1, two, 1) == kTfLiteError && heard_says("input index 1 is out of range"));
  EXPECT(TfLiteInterpreterResizeInputTensor(in, -1, two, 1) == kTfLiteError && heard_says("input index -1"));
  EXPECT(TfLiteInterpreterResizeInputTensor(in, 0, NULL, 1) == kTfLiteError && heard_says("dims is NULL with rank 1"));
  EXPECT(TfLiteInterpreterResizeInputTensor(in, 0, two, -1) == kTfLiteError && heard_says("rank -1 is outside 0..8"));
  EXPECT(TfLiteInterpreterResizeInputTensor(in, 0, nine, 9) == kTfLiteError && heard_says("rank 9 is outside 0..8"));
  EXPECT(TfLiteInterpreterResizeInputTensor(in, 0, neg, 1) == kTfLiteError && heard_says("negative dimension"));
  EXPECT(TfLiteInterpreterResizeInputTensor(in, 0, two, 1) == kTfLiteOk);
  EXPECT(TfLiteInterpreterAllocateTensors(in) == kTfLiteOk);
  x = TfLiteInterpreterGetInputTensor(in, 0);
  /* Sizes must match exactly, as in LiteRT; NULL buffers with a size fail. */
  EXPECT(TfLiteTensorCopyFromBuffer(x, v, sizeof v[0]) == kTfLiteError);
  EXPECT(TfLiteTensorCopyFromBuffer(x, v, sizeof v + 4) == kTfLiteError);
  EXPECT(TfLiteTensorCopyFromBuffer(x, NULL, sizeof v) == kTfLiteError);
  EXPECT(TfLiteTensorDim(x, -1) == -1 && TfLiteTensorDim(x, 1) == -1 && TfLiteTensorDim(x, 0) == 2);
  EXPECT(TfLiteTensorCopyFromBuffer(x, v, sizeof v) == kTfLiteOk);
  EXPECT(TfLiteInterpreterInvoke(in) == kTfLiteOk);
  const TfLiteTensor* out = TfLiteInterpreterGetOutputTensor(in, 0);
  EXPECT(TfLiteTensorCopyToBuffer(out, y, sizeof y[0]) == kTfLiteError);
  EXPECT(TfLiteTensorCopyToBuffer(out, NULL, sizeof y) == kTfLiteError);
  EXPECT(TfLiteTensorCopyToBuffer(out, y, sizeof y) == kTfLiteOk && y[0] == 3 && y[1] == 4);
  /* A constant of the model cannot be written. */
  TfLiteTensor* constant = NULL;
  for (int i = 0; TfLiteInterpreterGetTensor(in, i); i++)
    if (i != TfLiteInterpreterInputTensorIndices(in)[0] && i != TfLiteInterpreterOutputTensorIndices(in)[0])
      constant = TfLiteInterpreterGetTensor(in, i);
  EXPECT(constant && TfLiteTensorCopyFromBuffer(constant, v, TfLiteTensorByteSize(constant)) == kTfLiteError);
  /* After a resize the input has no memory until the next allocate. */
  static const int three[1] = {3};
  EXPECT(TfLiteInterpreterResizeInputTensor(in, 0, three, 1) == kTfLiteOk);
  EXPECT(TfLiteTensorCopyFromBuffer(TfLiteInterpreterGetInputTensor(in, 0), v, 3 * sizeof(float)) == kTfLiteError);
  EXPECT(TfLiteInterpreterInvoke(in) == kTfLiteError && heard_says("invoke before allocate"));
  /* Cancellation was not enabled in the options: LiteRT refuses. */
  EXPECT(TfLiteInterpreterCancel(in) == kTfLiteError);
  TfLiteInterpreterDelete(in);
  in = interpreter_outliving_its_model(1);
  EXPECT(in && TfLiteInterpreterCancel(in) == kTfLiteOk);
  TfLiteInterpreterDelete(in);
}

static void test_signature_runner_misuse(void) {
  TfLiteInterpreter* in = interpreter_outliving_its_model(0);
  EXPECT(in != NULL);
  if (!in) return;
  EXPECT(TfLiteInterpreterGetSignatureRunner(in, "mul") == NULL && heard_says("signature 'mul' not found"));
  TfLiteSignatureRunner* s = TfLiteInterpreterGetSignatureRunner(in, "sub");
  EXPECT(s != NULL);
  if (!s) return;
  EXPECT(TfLiteSignatureRunnerGetInputName(s, -1) == NULL && TfLiteSignatureRunnerGetInputName(s, 1) == NULL);
  EXPECT(TfLiteSignatureRunnerGetOutputName(s, -1) == NULL && TfLiteSignatureRunnerGetOutputName(s, 1) == NULL);
  EXPECT(TfLiteSignatureRunnerGetInputTensor(s, NULL) == NULL && heard_says("name is NULL"));
  EXPECT(TfLiteSignatureRunnerGetInputTensor(s, "y") == NULL && heard_says("has no input named 'y'"));
  EXPECT(TfLiteSignatureRunnerGetOutputTensor(s, NULL) == NULL && heard_says("name is NULL"));
  EXPECT(TfLiteSignatureRunnerGetOutputTensor(s, "x") == NULL && heard_says("has no output named 'x'"));
  EXPECT(TfLiteSignatureRunnerInvoke(s) == kTfLiteError && heard_says("invoke before allocate"));
  static const int rank2[2] = {1, 2}, two[1] = {2};
  EXPECT(TfLiteSignatureRunnerResizeInputTensor(s, "x", rank2, 2) == kTfLiteError &&
         heard_says("strict resize cannot change rank 1 to 2"));
  EXPECT(TfLiteSignatureRunnerResizeInputTensor(s, "y", two, 1) == kTfLiteError && heard_says("no input named 'y'"));
  EXPECT(TfLiteSignatureRunnerResizeInputTensor(s, NULL, two, 1) == kTfLiteError && heard_says("name is NULL"));
  EXPECT(TfLiteSignatureRunnerResizeInputTensor(s, "x", NULL, 1) == kTfLiteError && heard_says("dims is NULL"));
  EXPECT(TfLiteSignatureRunnerCancel(s) == kTfLiteError); /* not enabled */
  EXPECT(TfLiteSignatureRunnerAllocateTensors(s) == kTfLiteOk);
  float x[1] = {10}, y[1] = {0};
  EXPECT(TfLiteTensorCopyFromBuffer(TfLiteSignatureRunnerGetInputTensor(s, "x"), x, sizeof x) == kTfLiteOk);
  EXPECT(TfLiteSignatureRunnerInvoke(s) == kTfLiteOk);
  EXPECT(TfLiteTensorCopyToBuffer(TfLiteSignatureRunnerGetOutputTensor(s, "output_0"), y, sizeof y) == kTfLiteOk &&
         y[0] == 7);
  /* The wrapper may be deleted after its interpreter (it is never used again). */
  TfLiteInterpreterDelete(in);
  TfLiteSignatureRunnerDelete(s);
  cases_run++;
}

int main(void) {
  test_models_and_options();
  test_null_interpreter_and_tensor();
  test_interpreter_misuse();
  test_signature_runner_misuse();
  printf("%d misuse cases of the LiteRT C API, %d failed\n", cases_run, failures);
  return failures ? 1 : 0;
}
