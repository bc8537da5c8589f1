/*
 * tflite_c_api.c — LiteRT's stable C API (tensorflow/lite/core/c/c_api.h) over sigrun's C API, built as
 * libtensorflowlite_c. The interpreter-level functions act on sigrun's primary runner (subgraph 0), which is
 * also the signature runner of subgraph 0, so both views share tensors as in LiteRT. TfLiteTensor is sigrun's
 * tensor under LiteRT's opaque name. Errors go to the reporter given with the model or the options; without
 * one they are dropped (sigrun never prints). As in LiteRT, every interpreter holds a reference to its model, so
 * the application may delete the model right after creating its interpreters.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sigrun.h"
#include "tensorflow/lite/core/c/c_api.h"

typedef void (*reporter_fn)(void* user_data, const char* format, va_list args);

struct TfLiteModel {
  sigrun_model* model;
  atomic_int refs; /* the application's (until TfLiteModelDelete) plus one per interpreter */
};

struct TfLiteInterpreterOptions {
  int32_t num_threads;
  reporter_fn reporter;
  void* reporter_data;
  bool cancellation; /* TfLiteInterpreterCancel fails unless enabled, as in LiteRT */
};

struct TfLiteInterpreter {
  TfLiteModel* model; /* a reference: keeps the sigrun model alive as long as the interpreter */
  sigrun_interpreter* interp;
  bool cancellation;
  sigrun_runner* primary;
  reporter_fn reporter;
  void* reporter_data;
  int n_inputs, n_outputs;
  int* input_indices;
  int* output_indices;
};

struct TfLiteSignatureRunner {
  sigrun_runner* runner;
  const TfLiteInterpreter* owner;
};

static void report(reporter_fn reporter, void* data, const char* format, ...) {
  if (!reporter) return;
  va_list args;
  va_start(args, format);
  reporter(data, format, args);
  va_end(args);
}

static TfLiteStatus status_of(const TfLiteInterpreter* in, sigrun_status st, const sigrun_error* e) {
  if (st == SIGRUN_STATUS_OK) return kTfLiteOk;
  report(in ? in->reporter : NULL, in ? in->reporter_data : NULL, "%s", e->message);
  return st == SIGRUN_STATUS_CANCELLED ? kTfLiteCancelled : kTfLiteError;
}

static sigrun_tensor* as_sigrun(const TfLiteTensor* t) { return (sigrun_tensor*)(void*)(uintptr_t)t; }
static TfLiteTensor* as_tflite(const sigrun_tensor* t) { return (TfLiteTensor*)(void*)(uintptr_t)t; }

const char* TfLiteVersion(void) { return sigrun_version(); }
int TfLiteSchemaVersion(void) { return 3; }

/* ---- models ---- */

static TfLiteModel* wrap_model(sigrun_status st, sigrun_model* m, const sigrun_error* e, reporter_fn reporter,
                               void* data) {
  if (st) {
    report(reporter, data, "%s", e->message);
    return NULL;
  }
  TfLiteModel* model = calloc(1, sizeof *model);
  if (!model) {
    sigrun_model_destroy(m);
    report(reporter, data, "out of memory");
    return NULL;
  }
  model->model = m;
  atomic_init(&model->refs, 1);
  return model;
}

static void release_model(TfLiteModel* model) {
  if (atomic_fetch_sub(&model->refs, 1) != 1) return;
  sigrun_model_destroy(model->model);
  free(model);
}

TfLiteModel* TfLiteModelCreateWithErrorReporter(const void* model_data, size_t model_size, reporter_fn reporter,
                                                void* user_data) {
  sigrun_model* m = NULL;
  sigrun_error e;
  /* LiteRT borrows the bytes; so does sigrun (the caller keeps them alive as LiteRT documents). */
  sigrun_status st = sigrun_model_load_buffer(model_data, model_size, 0, &m, &e);
  return wrap_model(st, m, &e, reporter, user_data);
}

TfLiteModel* TfLiteModelCreate(const void* model_data, size_t model_size) {
  return TfLiteModelCreateWithErrorReporter(model_data, model_size, NULL, NULL);
}

TfLiteModel* TfLiteModelCreateFromFileWithErrorReporter(const char* model_path, reporter_fn reporter, void* user_data) {
  sigrun_model* m = NULL;
  sigrun_error e;
  sigrun_status st = sigrun_model_load_file(model_path, &m, &e);
  return wrap_model(st, m, &e, reporter, user_data);
}

TfLiteModel* TfLiteModelCreateFromFile(const char* model_path) {
  return TfLiteModelCreateFromFileWithErrorReporter(model_path, NULL, NULL);
}

void TfLiteModelDelete(TfLiteModel* model) {
  if (model) release_model(model);
}

/* ---- options ---- */

TfLiteInterpreterOptions* TfLiteInterpreterOptionsCreate(void) {
  TfLiteInterpreterOptions* o = calloc(1, sizeof *o);
  if (o) o->num_threads = 1;
  return o;
}

TfLiteInterpreterOptions* TfLiteInterpreterOptionsCopy(const TfLiteInterpreterOptions* from) {
  if (!from) return NULL;
  TfLiteInterpreterOptions* o = malloc(sizeof *o);
  if (o) *o = *from;
  return o;
}

void TfLiteInterpreterOptionsDelete(TfLiteInterpreterOptions* options) { free(options); }

void TfLiteInterpreterOptionsSetNumThreads(TfLiteInterpreterOptions* options, int32_t num_threads) {
  if (options) options->num_threads = num_threads;
}

void TfLiteInterpreterOptionsAddDelegate(TfLiteInterpreterOptions* options, TfLiteOpaqueDelegate* delegate) {
  (void)options;
  (void)delegate;
}

void TfLiteInterpreterOptionsSetErrorReporter(TfLiteInterpreterOptions* options, reporter_fn reporter,
                                              void* user_data) {
  if (!options) return;
  options->reporter = reporter;
  options->reporter_data = user_data;
}

TfLiteStatus TfLiteInterpreterOptionsEnableCancellation(TfLiteInterpreterOptions* options, bool enable) {
  if (!options) return kTfLiteError;
  options->cancellation = enable;
  return kTfLiteOk;
}

/* ---- interpreters ---- */

static int* tensor_indices(sigrun_runner* r, int n, int outputs) {
  int* indices = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  if (!indices) return NULL;
  for (int i = 0; i < n; i++)
    indices[i] = sigrun_tensor_index(outputs ? sigrun_runner_subgraph_output(r, i) : sigrun_runner_subgraph_input(r, i));
  return indices;
}

void TfLiteInterpreterDelete(TfLiteInterpreter* interpreter) {
  if (!interpreter) return;
  sigrun_interpreter_destroy(interpreter->interp);
  if (interpreter->model) release_model(interpreter->model);
  free(interpreter->input_indices);
  free(interpreter->output_indices);
  free(interpreter);
}

TfLiteInterpreter* TfLiteInterpreterCreate(const TfLiteModel* model, const TfLiteInterpreterOptions* optional_options) {
  reporter_fn reporter = optional_options ? optional_options->reporter : NULL;
  void* data = optional_options ? optional_options->reporter_data : NULL;
  if (!model) {
    report(reporter, data, "TfLiteInterpreterCreate: NULL model");
    return NULL;
  }
  TfLiteInterpreter* in = calloc(1, sizeof *in);
  if (!in) return NULL;
  in->reporter = reporter;
  in->reporter_data = data;
  in->cancellation = optional_options && optional_options->cancellation;
  in->model = (TfLiteModel*)(uintptr_t)model; /* the reference count is not part of the model's constness */
  atomic_fetch_add(&in->model->refs, 1);
  sigrun_interpreter_options options;
  sigrun_interpreter_options_init(&options);
  if (optional_options && optional_options->num_threads > 0) options.num_threads = optional_options->num_threads;
  sigrun_error e;
  if (sigrun_interpreter_create(model->model, &options, &in->interp, &e) ||
      sigrun_interpreter_get_primary_runner(in->interp, &in->primary, &e)) {
    report(reporter, data, "%s", e.message);
    TfLiteInterpreterDelete(in);
    return NULL;
  }
  in->n_inputs = sigrun_runner_subgraph_input_count(in->primary);
  in->n_outputs = sigrun_runner_subgraph_output_count(in->primary);
  in->input_indices = tensor_indices(in->primary, in->n_inputs, 0);
  in->output_indices = tensor_indices(in->primary, in->n_outputs, 1);
  if (!in->input_indices || !in->output_indices) {
    TfLiteInterpreterDelete(in);
    return NULL;
  }
  return in;
}

int32_t TfLiteInterpreterGetInputTensorCount(const TfLiteInterpreter* in) { return in ? in->n_inputs : 0; }
int32_t TfLiteInterpreterGetOutputTensorCount(const TfLiteInterpreter* in) { return in ? in->n_outputs : 0; }
const int* TfLiteInterpreterInputTensorIndices(const TfLiteInterpreter* in) { return in ? in->input_indices : NULL; }
const int* TfLiteInterpreterOutputTensorIndices(const TfLiteInterpreter* in) { return in ? in->output_indices : NULL; }

TfLiteTensor* TfLiteInterpreterGetInputTensor(const TfLiteInterpreter* in, int32_t input_index) {
  return in ? as_tflite(sigrun_runner_subgraph_input(in->primary, input_index)) : NULL;
}

const TfLiteTensor* TfLiteInterpreterGetOutputTensor(const TfLiteInterpreter* in, int32_t output_index) {
  return in ? as_tflite(sigrun_runner_subgraph_output(in->primary, output_index)) : NULL;
}

TfLiteTensor* TfLiteInterpreterGetTensor(const TfLiteInterpreter* in, int index) {
  return in ? as_tflite(sigrun_runner_tensor(in->primary, index)) : NULL;
}

/* The primary runner's name for subgraph input i (its signature name, or the placeholder's). */
static const char* input_name_of(const TfLiteInterpreter* in, int32_t input_index) {
  const sigrun_tensor* t = sigrun_runner_subgraph_input(in->primary, input_index);
  for (int k = 0; t && k < sigrun_runner_input_count(in->primary); k++)
    if (sigrun_runner_input_at(in->primary, k) == t) return sigrun_runner_input_name(in->primary, k);
  return NULL;
}

TfLiteStatus TfLiteInterpreterResizeInputTensor(TfLiteInterpreter* in, int32_t input_index, const int* input_dims,
                                                int32_t input_dims_size) {
  if (!in) return kTfLiteError;
  const char* name = input_name_of(in, input_index);
  if (!name) {
    report(in->reporter, in->reporter_data, "input index %d is out of range (%d inputs)", (int)input_index,
           in->n_inputs);
    return kTfLiteError;
  }
  sigrun_error e;
  return status_of(in, sigrun_runner_resize_input(in->primary, name, input_dims, input_dims_size, &e), &e);
}

TfLiteStatus TfLiteInterpreterAllocateTensors(TfLiteInterpreter* in) {
  if (!in) return kTfLiteError;
  sigrun_error e;
  return status_of(in, sigrun_runner_allocate(in->primary, &e), &e);
}

TfLiteStatus TfLiteInterpreterInvoke(TfLiteInterpreter* in) {
  if (!in) return kTfLiteError;
  sigrun_error e;
  return status_of(in, sigrun_runner_invoke(in->primary, &e), &e);
}

/* LiteRT refuses to cancel unless TfLiteInterpreterOptionsEnableCancellation asked for it. */
TfLiteStatus TfLiteInterpreterCancel(const TfLiteInterpreter* in) {
  if (!in || !in->cancellation) return kTfLiteError;
  return sigrun_interpreter_cancel(in->interp, NULL) == SIGRUN_STATUS_OK ? kTfLiteOk : kTfLiteError;
}

/* ---- signatures ---- */

int32_t TfLiteInterpreterGetSignatureCount(const TfLiteInterpreter* in) {
  return in ? sigrun_model_signature_count(sigrun_interpreter_model(in->interp)) : 0;
}

const char* TfLiteInterpreterGetSignatureKey(const TfLiteInterpreter* in, int32_t signature_index) {
  return in ? sigrun_model_signature_key(sigrun_interpreter_model(in->interp), signature_index) : NULL;
}

TfLiteSignatureRunner* TfLiteInterpreterGetSignatureRunner(const TfLiteInterpreter* in, const char* signature_key) {
  if (!in) return NULL;
  sigrun_runner* r = NULL;
  sigrun_error e;
  if (sigrun_interpreter_get_runner(in->interp, signature_key, &r, &e)) {
    report(in->reporter, in->reporter_data, "%s", e.message);
    return NULL;
  }
  TfLiteSignatureRunner* w = malloc(sizeof *w);
  if (!w) return NULL;
  w->runner = r;
  w->owner = in;
  return w;
}

/* LiteRT counts the subgraph's inputs and outputs here (not the signature's names). */
size_t TfLiteSignatureRunnerGetInputCount(const TfLiteSignatureRunner* s) {
  return s ? (size_t)sigrun_runner_subgraph_input_count(s->runner) : 0;
}

size_t TfLiteSignatureRunnerGetOutputCount(const TfLiteSignatureRunner* s) {
  return s ? (size_t)sigrun_runner_subgraph_output_count(s->runner) : 0;
}

const char* TfLiteSignatureRunnerGetInputName(const TfLiteSignatureRunner* s, int32_t input_index) {
  return s ? sigrun_runner_input_name(s->runner, input_index) : NULL;
}

const char* TfLiteSignatureRunnerGetOutputName(const TfLiteSignatureRunner* s, int32_t output_index) {
  return s ? sigrun_runner_output_name(s->runner, output_index) : NULL;
}

TfLiteStatus TfLiteSignatureRunnerResizeInputTensor(TfLiteSignatureRunner* s, const char* input_name,
                                                    const int* input_dims, int32_t input_dims_size) {
  if (!s) return kTfLiteError;
  sigrun_error e;
  return status_of(s->owner,
                   sigrun_runner_resize_input_strict(s->runner, input_name, input_dims, input_dims_size, &e), &e);
}

TfLiteStatus TfLiteSignatureRunnerAllocateTensors(TfLiteSignatureRunner* s) {
  if (!s) return kTfLiteError;
  sigrun_error e;
  return status_of(s->owner, sigrun_runner_allocate(s->runner, &e), &e);
}

TfLiteStatus TfLiteSignatureRunnerInvoke(TfLiteSignatureRunner* s) {
  if (!s) return kTfLiteError;
  sigrun_error e;
  return status_of(s->owner, sigrun_runner_invoke(s->runner, &e), &e);
}

TfLiteTensor* TfLiteSignatureRunnerGetInputTensor(TfLiteSignatureRunner* s, const char* input_name) {
  if (!s) return NULL;
  sigrun_tensor* t = NULL;
  sigrun_error e;
  if (sigrun_runner_input(s->runner, input_name, &t, &e)) {
    report(s->owner->reporter, s->owner->reporter_data, "%s", e.message);
    return NULL;
  }
  return as_tflite(t);
}

const TfLiteTensor* TfLiteSignatureRunnerGetOutputTensor(const TfLiteSignatureRunner* s, const char* output_name) {
  if (!s) return NULL;
  const sigrun_tensor* t = NULL;
  sigrun_error e;
  if (sigrun_runner_output(s->runner, output_name, &t, &e)) {
    report(s->owner->reporter, s->owner->reporter_data, "%s", e.message);
    return NULL;
  }
  return as_tflite(t);
}

TfLiteStatus TfLiteSignatureRunnerCancel(TfLiteSignatureRunner* s) {
  return s ? TfLiteInterpreterCancel(s->owner) : kTfLiteError;
}

void TfLiteSignatureRunnerDelete(TfLiteSignatureRunner* s) { free(s); }

/* ---- tensors ---- */

/* sigrun_type follows the flatbuffer's TensorType numbering; TfLiteType numbers the same types differently. */
static const TfLiteType tflite_types[] = {
    kTfLiteFloat32, kTfLiteFloat16, kTfLiteInt32,   kTfLiteUInt8,   kTfLiteInt64,  kTfLiteString,     kTfLiteBool,
    kTfLiteInt16,   kTfLiteComplex64, kTfLiteInt8,  kTfLiteFloat64, kTfLiteComplex128, kTfLiteUInt64, kTfLiteResource,
    kTfLiteVariant, kTfLiteUInt32,  kTfLiteUInt16,  kTfLiteInt4,    kTfLiteBFloat16};

TfLiteType TfLiteTensorType(const TfLiteTensor* tensor) {
  if (!tensor) return kTfLiteNoType;
  unsigned t = (unsigned)sigrun_tensor_type(as_sigrun(tensor));
  return t < sizeof tflite_types / sizeof tflite_types[0] ? tflite_types[t] : kTfLiteNoType;
}

const char* TfLiteTypeGetName(TfLiteType type) {
  static const char* const names[] = {"NOTYPE",  "FLOAT32",    "INT32",  "UINT8",    "INT64",   "STRING", "BOOL",
                                      "INT16",   "COMPLEX64",  "INT8",   "FLOAT16",  "FLOAT64", "COMPLEX128",
                                      "UINT64",  "RESOURCE",   "VARIANT", "UINT32",  "UINT16",  "INT4", "BFLOAT16"};
  unsigned t = (unsigned)type;
  return t < sizeof names / sizeof names[0] ? names[t] : "Unknown type";
}

int32_t TfLiteTensorNumDims(const TfLiteTensor* tensor) { return tensor ? sigrun_tensor_rank(as_sigrun(tensor)) : -1; }

int32_t TfLiteTensorDim(const TfLiteTensor* tensor, int32_t dim_index) {
  if (!tensor || dim_index < 0 || dim_index >= sigrun_tensor_rank(as_sigrun(tensor))) return -1;
  return sigrun_tensor_dims(as_sigrun(tensor))[dim_index];
}

size_t TfLiteTensorByteSize(const TfLiteTensor* tensor) { return tensor ? sigrun_tensor_byte_size(as_sigrun(tensor)) : 0; }

void* TfLiteTensorData(const TfLiteTensor* tensor) {
  return tensor ? (void*)(uintptr_t)sigrun_tensor_data_const(as_sigrun(tensor)) : NULL;
}

const char* TfLiteTensorName(const TfLiteTensor* tensor) { return tensor ? sigrun_tensor_name(as_sigrun(tensor)) : NULL; }

TfLiteQuantizationParams TfLiteTensorQuantizationParams(const TfLiteTensor* tensor) {
  TfLiteQuantizationParams p = {0.0f, 0};
  if (!tensor) return p;
  sigrun_quantization q = sigrun_tensor_quantization(as_sigrun(tensor));
  if (q.count == 1 && q.scales && q.zero_points) {
    p.scale = q.scales[0];
    p.zero_point = (int32_t)q.zero_points[0];
  }
  return p;
}

TfLiteStatus TfLiteTensorCopyFromBuffer(TfLiteTensor* tensor, const void* input_data, size_t input_data_size) {
  if (!tensor) return kTfLiteError;
  sigrun_tensor* t = as_sigrun(tensor);
  void* dst = sigrun_tensor_data(t);
  if (input_data_size != sigrun_tensor_byte_size(t) || (!dst && input_data_size) || (!input_data && input_data_size))
    return kTfLiteError;
  if (input_data_size) memcpy(dst, input_data, input_data_size);
  return kTfLiteOk;
}

TfLiteStatus TfLiteTensorCopyToBuffer(const TfLiteTensor* output_tensor, void* output_data, size_t output_data_size) {
  if (!output_tensor) return kTfLiteError;
  const sigrun_tensor* t = as_sigrun(output_tensor);
  const void* src = sigrun_tensor_data_const(t);
  if (output_data_size != sigrun_tensor_byte_size(t) || (!src && output_data_size) || (!output_data && output_data_size))
    return kTfLiteError;
  if (output_data_size) memcpy(output_data, src, output_data_size);
  return kTfLiteOk;
}
