/*
 * main.c — a program written only against LiteRT's stable C API (tensorflow/lite/c/c_api.h), built against
 * sigrun's compatibility headers and linked with sigrun's libtensorflowlite_c (bindings/tflite_c). It runs the
 * signatures guide's flow (TfLiteInterpreterGetSignatureRunner on encode/decode) and the classic flow
 * (TfLiteInterpreterGetInputTensor on the primary subgraph), printing every output as
 * "<flow> <output> v0 v1 ..." so tests/oracle/test_tflite_c_compat.py can compare them with LiteRT.
 *
 *   usage: example_tflite_c_compat [MODEL]   (default examples/encode_decode/encode_decode.tflite)
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tensorflow/lite/c/c_api.h"

static int errors_reported = 0;

static void reporter(void* user_data, const char* format, va_list args) {
  (void)user_data;
  errors_reported++;
  fprintf(stderr, "reported: ");
  vfprintf(stderr, format, args);
  fprintf(stderr, "\n");
}

static void print(const char* flow, const TfLiteTensor* t) {
  float values[64];
  size_t n = TfLiteTensorByteSize(t) / sizeof(float);
  if (TfLiteTensorType(t) != kTfLiteFloat32 || n > 64 || TfLiteTensorCopyToBuffer(t, values, n * sizeof(float)) != kTfLiteOk) {
    printf("%s %s unreadable\n", flow, TfLiteTensorName(t));
    return;
  }
  printf("%s %s", flow, TfLiteTensorName(t));
  for (size_t i = 0; i < n; i++) printf(" %.9g", values[i]);
  printf("\n");
}

#define REQUIRE(cond)                                            \
  do {                                                           \
    if (!(cond)) {                                               \
      fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
      return 1;                                                  \
    }                                                            \
  } while (0)

/* The signatures guide: encode a batch of 2, decode the result. */
static int signature_flow(TfLiteInterpreter* interp) {
  REQUIRE(TfLiteInterpreterGetSignatureCount(interp) == 2);
  REQUIRE(strcmp(TfLiteInterpreterGetSignatureKey(interp, 0), "decode") == 0);
  REQUIRE(strcmp(TfLiteInterpreterGetSignatureKey(interp, 1), "encode") == 0);
  REQUIRE(TfLiteInterpreterGetSignatureKey(interp, 2) == NULL);
  REQUIRE(TfLiteInterpreterGetSignatureRunner(interp, "nope") == NULL);

  TfLiteSignatureRunner* encode = TfLiteInterpreterGetSignatureRunner(interp, "encode");
  REQUIRE(encode && TfLiteSignatureRunnerGetInputCount(encode) == 1);
  REQUIRE(strcmp(TfLiteSignatureRunnerGetInputName(encode, 0), "x") == 0);
  REQUIRE(TfLiteSignatureRunnerGetInputName(encode, 1) == NULL);
  const int bad[2] = {2, 5}, dims[2] = {2, 4};
  REQUIRE(TfLiteSignatureRunnerResizeInputTensor(encode, "x", bad, 2) == kTfLiteError); /* strict: 4 is fixed */
  REQUIRE(TfLiteSignatureRunnerResizeInputTensor(encode, "x", dims, 2) == kTfLiteOk);
  REQUIRE(TfLiteSignatureRunnerAllocateTensors(encode) == kTfLiteOk);
  float x[8];
  for (int i = 0; i < 8; i++) x[i] = (float)(i % 7) * 0.25f - 0.75f;
  TfLiteTensor* in = TfLiteSignatureRunnerGetInputTensor(encode, "x");
  REQUIRE(in && TfLiteTensorNumDims(in) == 2 && TfLiteTensorDim(in, 0) == 2 && TfLiteTensorDim(in, 1) == 4);
  REQUIRE(TfLiteTensorCopyFromBuffer(in, x, 4) == kTfLiteError); /* wrong size */
  REQUIRE(TfLiteTensorCopyFromBuffer(in, x, sizeof x) == kTfLiteOk);
  REQUIRE(TfLiteSignatureRunnerInvoke(encode) == kTfLiteOk);
  const TfLiteTensor* encoded = TfLiteSignatureRunnerGetOutputTensor(encode, "encoded");
  REQUIRE(encoded && TfLiteSignatureRunnerGetOutputTensor(encode, "nope") == NULL);
  print("signature", encoded);

  TfLiteSignatureRunner* decode = TfLiteInterpreterGetSignatureRunner(interp, "decode");
  const int ydims[2] = {2, 2};
  REQUIRE(decode && TfLiteSignatureRunnerResizeInputTensor(decode, "y", ydims, 2) == kTfLiteOk);
  REQUIRE(TfLiteSignatureRunnerAllocateTensors(decode) == kTfLiteOk);
  REQUIRE(TfLiteTensorCopyFromBuffer(TfLiteSignatureRunnerGetInputTensor(decode, "y"), TfLiteTensorData(encoded),
                                     TfLiteTensorByteSize(encoded)) == kTfLiteOk);
  REQUIRE(TfLiteSignatureRunnerInvoke(decode) == kTfLiteOk);
  print("signature", TfLiteSignatureRunnerGetOutputTensor(decode, "decoded"));
  TfLiteSignatureRunnerDelete(encode);
  TfLiteSignatureRunnerDelete(decode);
  return 0;
}

/* The classic flow on the primary subgraph (here: decode), by input and output index. */
static int classic_flow(TfLiteInterpreter* interp) {
  REQUIRE(TfLiteInterpreterGetInputTensorCount(interp) == 1 && TfLiteInterpreterGetOutputTensorCount(interp) == 1);
  const int dims[2] = {3, 2};
  REQUIRE(TfLiteInterpreterResizeInputTensor(interp, 0, dims, 2) == kTfLiteOk);
  REQUIRE(TfLiteInterpreterResizeInputTensor(interp, 5, dims, 2) == kTfLiteError);
  REQUIRE(TfLiteInterpreterAllocateTensors(interp) == kTfLiteOk);
  TfLiteTensor* in = TfLiteInterpreterGetInputTensor(interp, 0);
  REQUIRE(in && TfLiteTensorType(in) == kTfLiteFloat32 && strcmp(TfLiteTypeGetName(TfLiteTensorType(in)), "FLOAT32") == 0);
  REQUIRE(TfLiteInterpreterInputTensorIndices(interp)[0] >= 0);
  REQUIRE(TfLiteInterpreterGetTensor(interp, TfLiteInterpreterInputTensorIndices(interp)[0]) == in);
  float y[6] = {0.5f, -0.25f, 1.0f, 0.0f, -1.0f, 0.75f};
  REQUIRE(TfLiteTensorCopyFromBuffer(in, y, sizeof y) == kTfLiteOk);
  REQUIRE(TfLiteInterpreterInvoke(interp) == kTfLiteOk);
  print("classic", TfLiteInterpreterGetOutputTensor(interp, 0));
  return 0;
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "examples/encode_decode/encode_decode.tflite";
  REQUIRE(TfLiteModelCreateFromFileWithErrorReporter("no/such/model.tflite", reporter, NULL) == NULL);
  REQUIRE(errors_reported == 1);
  TfLiteModel* model = TfLiteModelCreateFromFile(path);
  REQUIRE(model != NULL);
  TfLiteInterpreterOptions* options = TfLiteInterpreterOptionsCreate();
  TfLiteInterpreterOptionsSetNumThreads(options, 1);
  TfLiteInterpreterOptionsSetErrorReporter(options, reporter, NULL);
  TfLiteInterpreter* interp = TfLiteInterpreterCreate(model, options);
  TfLiteInterpreterOptionsDelete(options); /* the interpreter keeps what it needs */
  REQUIRE(interp != NULL);
  int rc = signature_flow(interp) || classic_flow(interp);
  REQUIRE(errors_reported >= 3); /* unknown key, bad strict resize, unknown output name were reported */
  TfLiteInterpreterDelete(interp);
  TfLiteModelDelete(model);
  if (!rc) fprintf(stderr, "TfLite C API flows passed\n");
  return rc;
}
