/*
 * sigrun_jni.c — the native half of the Java binding (org.sigrun.NativeApi): checked wrappers over
 * include/sigrun.h. Policy (LiteRT's messages and exception types) lives in the Java classes; this file
 * turns a failed sigrun call into org.sigrun.NativeException(status, message bytes), refuses zero handles
 * with IllegalStateException and malformed arguments with IllegalArgumentException, and copies between Java
 * arrays or direct buffers and tensor memory only after checking every length against the tensor's size.
 * Every JNI call that can fail is checked; on a pending exception each function returns at once.
 */
#include <jni.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org_sigrun_NativeApi.h"
#include "sigrun.h"

#define IAE "java/lang/IllegalArgumentException"
#define ISE "java/lang/IllegalStateException"
#define CLOSED "Internal error: The Interpreter has already been closed."

static void throw_new(JNIEnv* env, const char* class_name, const char* format, ...) SIGRUN_PRINTF(3, 4);

static void throw_new(JNIEnv* env, const char* class_name, const char* format, ...) {
  if ((*env)->ExceptionCheck(env)) return; /* the first failure is the one to report */
  char message[768];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  jclass cls = (*env)->FindClass(env, class_name);
  if (!cls) return; /* NoClassDefFoundError is pending */
  (*env)->ThrowNew(env, cls, message);
  (*env)->DeleteLocalRef(env, cls);
}

static jbyteArray new_bytes(JNIEnv* env, const char* data, size_t length) {
  if (length > (size_t)INT32_MAX) {
    throw_new(env, IAE, "a %zu-byte string is too long for a Java array", length);
    return NULL;
  }
  jbyteArray array = (*env)->NewByteArray(env, (jsize)length);
  if (!array) return NULL; /* OutOfMemoryError is pending */
  if (length) (*env)->SetByteArrayRegion(env, array, 0, (jsize)length, (const jbyte*)data);
  if ((*env)->ExceptionCheck(env)) {
    (*env)->DeleteLocalRef(env, array);
    return NULL;
  }
  return array;
}

static jbyteArray new_cstring(JNIEnv* env, const char* text) { return new_bytes(env, text ? text : "", text ? strlen(text) : 0); }

/* Throws org.sigrun.NativeException(status, message). */
static void throw_status(JNIEnv* env, sigrun_status status, const sigrun_error* error) {
  if ((*env)->ExceptionCheck(env)) return;
  jclass cls = (*env)->FindClass(env, "org/sigrun/NativeException");
  if (!cls) return;
  jmethodID init = (*env)->GetMethodID(env, cls, "<init>", "(I[B)V");
  jbyteArray message = init ? new_bytes(env, error->message, strnlen(error->message, SIGRUN_ERROR_MESSAGE_SIZE)) : NULL;
  jobject exception = message ? (*env)->NewObject(env, cls, init, (jint)status, message) : NULL;
  if (exception) (*env)->Throw(env, (jthrowable)exception);
  (*env)->DeleteLocalRef(env, cls);
}

/* Returns non-zero (and throws) if status is a failure. */
static int failed(JNIEnv* env, sigrun_status status, const sigrun_error* error) {
  if (status == SIGRUN_STATUS_OK) return 0;
  throw_status(env, status, error);
  return 1;
}

static void* handle(JNIEnv* env, jlong value, const char* what) {
  if (value == 0) throw_new(env, ISE, "%s (no %s)", CLOSED, what);
  return (void*)(intptr_t)value;
}

/* A NUL-terminated copy of a UTF-8 byte array; the caller frees it. Refuses null and embedded NULs (C would
 * silently cut the name there and find a different one). */
static char* cstring_arg(JNIEnv* env, jbyteArray array, const char* what) {
  if (!array) {
    throw_new(env, IAE, "%s must not be null", what);
    return NULL;
  }
  jsize length = (*env)->GetArrayLength(env, array);
  char* text = malloc((size_t)length + 1);
  if (!text) {
    throw_new(env, ISE, "out of memory copying %s", what);
    return NULL;
  }
  (*env)->GetByteArrayRegion(env, array, 0, length, (jbyte*)text);
  if ((*env)->ExceptionCheck(env)) {
    free(text);
    return NULL;
  }
  text[length] = '\0';
  if (memchr(text, '\0', (size_t)length)) {
    free(text);
    throw_new(env, IAE, "%s contains a NUL character", what);
    return NULL;
  }
  return text;
}

static jobjectArray new_byte_arrays(JNIEnv* env, jsize count) {
  jclass cls = (*env)->FindClass(env, "[B");
  if (!cls) return NULL;
  jobjectArray array = (*env)->NewObjectArray(env, count, cls, NULL);
  (*env)->DeleteLocalRef(env, cls);
  return array;
}

/* Stores element i of a byte[][]; returns non-zero on failure (exception pending). */
static int store_bytes(JNIEnv* env, jobjectArray array, jsize i, const char* data, size_t length) {
  jbyteArray item = new_bytes(env, data, length);
  if (!item) return 1;
  (*env)->SetObjectArrayElement(env, array, i, item);
  (*env)->DeleteLocalRef(env, item);
  return (*env)->ExceptionCheck(env) ? 1 : 0;
}

/* ---- library and models ---------------------------------------------------------------------------- */

JNIEXPORT jbyteArray JNICALL Java_org_sigrun_NativeApi_version(JNIEnv* env, jclass cls) {
  return new_cstring(env, sigrun_version());
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_loadFile(JNIEnv* env, jclass cls, jbyteArray path) {
  char* text = cstring_arg(env, path, "model path");
  if (!text) return 0;
  sigrun_error error;
  sigrun_model* model = NULL;
  sigrun_status status = sigrun_model_load_file(text, &model, &error);
  free(text);
  return failed(env, status, &error) ? 0 : (jlong)(intptr_t)model;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_loadBuffer(JNIEnv* env, jclass cls, jobject buffer, jboolean copy) {
  if (!buffer) {
    throw_new(env, IAE, "model ByteBuffer must not be null");
    return 0;
  }
  void* data = (*env)->GetDirectBufferAddress(env, buffer);
  jlong capacity = (*env)->GetDirectBufferCapacity(env, buffer);
  if ((*env)->ExceptionCheck(env)) return 0;
  if (!data || capacity < 0) {
    throw_new(env, IAE, "model ByteBuffer is not a direct buffer");
    return 0;
  }
  sigrun_error error;
  sigrun_model* model = NULL;
  sigrun_status status = sigrun_model_load_buffer(data, (size_t)capacity, copy ? 1 : 0, &model, &error);
  return failed(env, status, &error) ? 0 : (jlong)(intptr_t)model;
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_destroyModel(JNIEnv* env, jclass cls, jlong model) {
  sigrun_model_destroy((sigrun_model*)(intptr_t)model);
}

JNIEXPORT jobjectArray JNICALL Java_org_sigrun_NativeApi_signatureKeys(JNIEnv* env, jclass cls, jlong handle_value) {
  const sigrun_model* model = handle(env, handle_value, "model");
  if (!model) return NULL;
  int count = sigrun_model_signature_count(model);
  jobjectArray keys = new_byte_arrays(env, count);
  for (int i = 0; keys && i < count; i++) {
    const char* key = sigrun_model_signature_key(model, i);
    if (store_bytes(env, keys, i, key ? key : "", key ? strlen(key) : 0)) return NULL;
  }
  return keys;
}

/* ---- interpreters and runners ------------------------------------------------------------------------- */

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_createInterpreter(JNIEnv* env, jclass cls, jlong model_value,
                                                                   jint num_threads) {
  const sigrun_model* model = handle(env, model_value, "model");
  if (!model) return 0;
  sigrun_interpreter_options options;
  sigrun_interpreter_options_init(&options);
  options.num_threads = num_threads < 1 ? 1 : num_threads;
  sigrun_error error;
  sigrun_interpreter* interpreter = NULL;
  sigrun_status status = sigrun_interpreter_create(model, &options, &interpreter, &error);
  return failed(env, status, &error) ? 0 : (jlong)(intptr_t)interpreter;
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_destroyInterpreter(JNIEnv* env, jclass cls, jlong interpreter) {
  sigrun_interpreter_destroy((sigrun_interpreter*)(intptr_t)interpreter);
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_runner(JNIEnv* env, jclass cls, jlong interpreter_value,
                                                        jbyteArray key) {
  sigrun_interpreter* interpreter = handle(env, interpreter_value, "interpreter");
  char* text = interpreter ? cstring_arg(env, key, "signature key") : NULL;
  if (!text) return 0;
  sigrun_error error;
  sigrun_runner* runner = NULL;
  sigrun_status status = sigrun_interpreter_get_runner(interpreter, text, &runner, &error);
  free(text);
  return failed(env, status, &error) ? 0 : (jlong)(intptr_t)runner;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_primaryRunner(JNIEnv* env, jclass cls, jlong interpreter_value) {
  sigrun_interpreter* interpreter = handle(env, interpreter_value, "interpreter");
  if (!interpreter) return 0;
  sigrun_error error;
  sigrun_runner* runner = NULL;
  sigrun_status status = sigrun_interpreter_get_primary_runner(interpreter, &runner, &error);
  return failed(env, status, &error) ? 0 : (jlong)(intptr_t)runner;
}

JNIEXPORT jint JNICALL Java_org_sigrun_NativeApi_subgraphIndex(JNIEnv* env, jclass cls, jlong runner_value) {
  sigrun_runner* runner = handle(env, runner_value, "runner");
  return runner ? sigrun_runner_subgraph_index(runner) : -1;
}

static jobjectArray names(JNIEnv* env, jlong runner_value, int inputs) {
  sigrun_runner* runner = handle(env, runner_value, "runner");
  if (!runner) return NULL;
  int count = inputs ? sigrun_runner_input_count(runner) : sigrun_runner_output_count(runner);
  jobjectArray result = new_byte_arrays(env, count);
  for (int i = 0; result && i < count; i++) {
    const char* name = inputs ? sigrun_runner_input_name(runner, i) : sigrun_runner_output_name(runner, i);
    if (store_bytes(env, result, i, name ? name : "", name ? strlen(name) : 0)) return NULL;
  }
  return result;
}

JNIEXPORT jobjectArray JNICALL Java_org_sigrun_NativeApi_inputNames(JNIEnv* env, jclass cls, jlong runner) {
  return names(env, runner, 1);
}

JNIEXPORT jobjectArray JNICALL Java_org_sigrun_NativeApi_outputNames(JNIEnv* env, jclass cls, jlong runner) {
  return names(env, runner, 0);
}

static jlong named_tensor(JNIEnv* env, jlong runner_value, jbyteArray name, int input) {
  sigrun_runner* runner = handle(env, runner_value, "runner");
  char* text = runner ? cstring_arg(env, name, input ? "input name" : "output name") : NULL;
  if (!text) return 0;
  sigrun_error error;
  sigrun_status status;
  const sigrun_tensor* tensor = NULL;
  if (input) {
    sigrun_tensor* writable = NULL;
    status = sigrun_runner_input(runner, text, &writable, &error);
    tensor = writable;
  } else {
    status = sigrun_runner_output(runner, text, &tensor, &error);
  }
  free(text);
  return failed(env, status, &error) ? 0 : (jlong)(intptr_t)tensor;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_inputTensor(JNIEnv* env, jclass cls, jlong runner, jbyteArray name) {
  return named_tensor(env, runner, name, 1);
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_outputTensor(JNIEnv* env, jclass cls, jlong runner, jbyteArray name) {
  return named_tensor(env, runner, name, 0);
}

JNIEXPORT jint JNICALL Java_org_sigrun_NativeApi_subgraphInputCount(JNIEnv* env, jclass cls, jlong runner_value) {
  sigrun_runner* runner = handle(env, runner_value, "runner");
  return runner ? sigrun_runner_subgraph_input_count(runner) : 0;
}

JNIEXPORT jint JNICALL Java_org_sigrun_NativeApi_subgraphOutputCount(JNIEnv* env, jclass cls, jlong runner_value) {
  sigrun_runner* runner = handle(env, runner_value, "runner");
  return runner ? sigrun_runner_subgraph_output_count(runner) : 0;
}

/* 0 (no exception) when index is out of range: the Java side words that error. */
JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_subgraphInput(JNIEnv* env, jclass cls, jlong runner_value, jint index) {
  sigrun_runner* runner = handle(env, runner_value, "runner");
  return runner ? (jlong)(intptr_t)sigrun_runner_subgraph_input(runner, index) : 0;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_subgraphOutput(JNIEnv* env, jclass cls, jlong runner_value,
                                                                jint index) {
  sigrun_runner* runner = handle(env, runner_value, "runner");
  return runner ? (jlong)(intptr_t)sigrun_runner_subgraph_output(runner, index) : 0;
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_resizeInput(JNIEnv* env, jclass cls, jlong runner_value,
                                                            jbyteArray name, jintArray dims, jboolean strict) {
  sigrun_runner* runner = handle(env, runner_value, "runner");
  if (!runner) return;
  if (!dims) {
    throw_new(env, IAE, "dims must not be null");
    return;
  }
  jsize rank = (*env)->GetArrayLength(env, dims);
  if (rank > 64) {
    throw_new(env, IAE, "rank %d is too large (at most 64 dimensions)", (int)rank);
    return;
  }
  int32_t shape[64];
  if (rank) (*env)->GetIntArrayRegion(env, dims, 0, rank, (jint*)shape);
  if ((*env)->ExceptionCheck(env)) return;
  char* text = cstring_arg(env, name, "input name");
  if (!text) return;
  sigrun_error error;
  sigrun_status status = strict ? sigrun_runner_resize_input_strict(runner, text, shape, (int)rank, &error)
                                : sigrun_runner_resize_input(runner, text, shape, (int)rank, &error);
  free(text);
  failed(env, status, &error);
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_allocate(JNIEnv* env, jclass cls, jlong runner_value) {
  sigrun_runner* runner = handle(env, runner_value, "runner");
  if (!runner) return;
  sigrun_error error;
  failed(env, sigrun_runner_allocate(runner, &error), &error);
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_invoke(JNIEnv* env, jclass cls, jlong runner_value) {
  sigrun_runner* runner = handle(env, runner_value, "runner");
  if (!runner) return;
  sigrun_error error;
  failed(env, sigrun_runner_invoke(runner, &error), &error);
}

/* Packs byte[][] into LiteRT's string buffer and sets it as the input `name`. */
JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_setStrings(JNIEnv* env, jclass cls, jlong runner_value,
                                                           jbyteArray name, jobjectArray strings) {
  sigrun_runner* runner = handle(env, runner_value, "runner");
  if (!runner) return;
  if (!strings) {
    throw_new(env, IAE, "strings must not be null");
    return;
  }
  jsize count = (*env)->GetArrayLength(env, strings);
  size_t total = 0;
  char** items = calloc((size_t)count + 1, sizeof *items);
  size_t* lengths = calloc((size_t)count + 1, sizeof *lengths);
  char* text = NULL;
  void* packed = NULL;
  if (!items || !lengths) {
    throw_new(env, ISE, "out of memory packing %d strings", (int)count);
    goto done;
  }
  for (jsize i = 0; i < count; i++) {
    jobject item = (*env)->GetObjectArrayElement(env, strings, i);
    if ((*env)->ExceptionCheck(env)) goto done;
    if (!item) {
      throw_new(env, IAE, "string %d is null", (int)i);
      goto done;
    }
    jsize length = (*env)->GetArrayLength(env, (jbyteArray)item);
    items[i] = malloc((size_t)length + 1);
    if (!items[i]) {
      (*env)->DeleteLocalRef(env, item);
      throw_new(env, ISE, "out of memory copying string %d", (int)i);
      goto done;
    }
    (*env)->GetByteArrayRegion(env, (jbyteArray)item, 0, length, (jbyte*)items[i]);
    (*env)->DeleteLocalRef(env, item);
    if ((*env)->ExceptionCheck(env)) goto done;
    lengths[i] = (size_t)length;
    total += (size_t)length;
  }
  text = cstring_arg(env, name, "input name");
  if (!text) goto done;
  sigrun_error error;
  size_t size = 0;
  sigrun_status status =
      sigrun_strings_pack((const char* const*)items, lengths, (size_t)count, NULL, 0, &size, &error);
  if (status != SIGRUN_STATUS_OK && size == 0) { /* refused outright, e.g. beyond int32 offsets */
    failed(env, status, &error);
    goto done;
  }
  packed = malloc(size ? size : 1);
  if (!packed) {
    throw_new(env, ISE, "out of memory packing %zu bytes of strings", total);
    goto done;
  }
  status = sigrun_strings_pack((const char* const*)items, lengths, (size_t)count, packed, size, &size, &error);
  if (status == SIGRUN_STATUS_OK) status = sigrun_runner_set_input(runner, text, packed, size, &error);
  failed(env, status, &error);
done:
  if (items)
    for (jsize i = 0; i < count; i++) free(items[i]);
  free(items);
  free(lengths);
  free(text);
  free(packed);
}

/* ---- tensors ------------------------------------------------------------------------------------------ */

JNIEXPORT jint JNICALL Java_org_sigrun_NativeApi_tensorType(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  return tensor ? (jint)sigrun_tensor_type(tensor) : -1;
}

static jintArray int_array(JNIEnv* env, const int32_t* values, int count) {
  if (count < 0 || (count > 0 && !values)) count = 0;
  jintArray array = (*env)->NewIntArray(env, count);
  if (!array) return NULL;
  if (count) (*env)->SetIntArrayRegion(env, array, 0, count, (const jint*)values);
  return (*env)->ExceptionCheck(env) ? NULL : array;
}

JNIEXPORT jintArray JNICALL Java_org_sigrun_NativeApi_tensorShape(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  return tensor ? int_array(env, sigrun_tensor_dims(tensor), sigrun_tensor_rank(tensor)) : NULL;
}

JNIEXPORT jintArray JNICALL Java_org_sigrun_NativeApi_tensorShapeSignature(JNIEnv* env, jclass cls,
                                                                          jlong tensor_value) {
  const sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  return tensor ? int_array(env, sigrun_tensor_signature_dims(tensor), sigrun_tensor_signature_rank(tensor)) : NULL;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_tensorNumBytes(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  return tensor ? (jlong)sigrun_tensor_byte_size(tensor) : 0;
}

JNIEXPORT jbyteArray JNICALL Java_org_sigrun_NativeApi_tensorName(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  return tensor ? new_cstring(env, sigrun_tensor_name(tensor)) : NULL;
}

JNIEXPORT jint JNICALL Java_org_sigrun_NativeApi_tensorIndex(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  return tensor ? sigrun_tensor_index(tensor) : -1;
}

JNIEXPORT jfloat JNICALL Java_org_sigrun_NativeApi_tensorScale(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  if (!tensor) return 0.0f;
  sigrun_quantization q = sigrun_tensor_quantization(tensor);
  return q.count == 1 && q.scales ? q.scales[0] : 0.0f;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_tensorZeroPoint(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  if (!tensor) return 0;
  sigrun_quantization q = sigrun_tensor_quantization(tensor);
  return q.count == 1 && q.zero_points ? (jlong)q.zero_points[0] : 0;
}

/* ---- copying arrays ------------------------------------------------------------------------------------ */

/* One copy between a (multi-dimensional) primitive Java array and a tensor's bytes. */
typedef struct array_copy {
  jclass leaf_class;   /* float[], int[], ... for the tensor's type */
  jclass object_array; /* Object[] for the outer dimensions */
  sigrun_type type;
  size_t element_size;
  const int32_t* dims;
  int rank;
  char* data;
  size_t size;   /* the tensor's bytes */
  size_t offset; /* bytes copied so far */
  int to_tensor;
} array_copy;

static const char* leaf_signature(sigrun_type type, size_t* element_size) {
  switch (type) {
    case SIGRUN_TYPE_FLOAT32: *element_size = 4; return "[F";
    case SIGRUN_TYPE_INT32: *element_size = 4; return "[I";
    case SIGRUN_TYPE_INT64: *element_size = 8; return "[J";
    case SIGRUN_TYPE_INT16: *element_size = 2; return "[S";
    case SIGRUN_TYPE_UINT8:
    case SIGRUN_TYPE_INT8: *element_size = 1; return "[B";
    case SIGRUN_TYPE_BOOL: *element_size = 1; return "[Z";
    default: *element_size = 0; return NULL;
  }
}

/* Booleans go through a scratch buffer: a tensor byte other than 0/1 must not reach Java as a jboolean. */
static void copy_booleans(JNIEnv* env, array_copy* c, jbooleanArray array, jsize length) {
  jboolean scratch[256];
  unsigned char* bytes = (unsigned char*)c->data + c->offset;
  for (jsize start = 0; start < length && !(*env)->ExceptionCheck(env); start += 256) {
    jsize n = length - start < 256 ? length - start : 256;
    if (c->to_tensor) {
      (*env)->GetBooleanArrayRegion(env, array, start, n, scratch);
      for (jsize i = 0; i < n; i++) bytes[start + i] = scratch[i] ? 1 : 0;
    } else {
      for (jsize i = 0; i < n; i++) scratch[i] = bytes[start + i] ? JNI_TRUE : JNI_FALSE;
      (*env)->SetBooleanArrayRegion(env, array, start, n, scratch);
    }
  }
}

static void copy_leaf(JNIEnv* env, array_copy* c, jarray array, jsize length) {
  void* at = c->data + c->offset;
  switch (c->type) {
    case SIGRUN_TYPE_FLOAT32:
      if (c->to_tensor) (*env)->GetFloatArrayRegion(env, (jfloatArray)array, 0, length, at);
      else (*env)->SetFloatArrayRegion(env, (jfloatArray)array, 0, length, at);
      break;
    case SIGRUN_TYPE_INT32:
      if (c->to_tensor) (*env)->GetIntArrayRegion(env, (jintArray)array, 0, length, at);
      else (*env)->SetIntArrayRegion(env, (jintArray)array, 0, length, at);
      break;
    case SIGRUN_TYPE_INT64:
      if (c->to_tensor) (*env)->GetLongArrayRegion(env, (jlongArray)array, 0, length, at);
      else (*env)->SetLongArrayRegion(env, (jlongArray)array, 0, length, at);
      break;
    case SIGRUN_TYPE_INT16:
      if (c->to_tensor) (*env)->GetShortArrayRegion(env, (jshortArray)array, 0, length, at);
      else (*env)->SetShortArrayRegion(env, (jshortArray)array, 0, length, at);
      break;
    case SIGRUN_TYPE_BOOL: copy_booleans(env, c, (jbooleanArray)array, length); break;
    default: /* uint8, int8 */
      if (c->to_tensor) (*env)->GetByteArrayRegion(env, (jbyteArray)array, 0, length, at);
      else (*env)->SetByteArrayRegion(env, (jbyteArray)array, 0, length, at);
      break;
  }
}

/* Walks dimension `level` of array; returns non-zero with an exception pending on any mismatch. */
static int walk(JNIEnv* env, array_copy* c, jobject array, int level) {
  if (!array) {
    throw_new(env, IAE, "the Java array has a null element at dimension %d", level);
    return 1;
  }
  int leaf = c->rank == 0 || level == c->rank - 1;
  jsize expected = c->rank == 0 ? 1 : c->dims[level];
  if (!(*env)->IsInstanceOf(env, array, leaf ? c->leaf_class : c->object_array)) {
    throw_new(env, IAE, "the Java array does not match the tensor: dimension %d is not %s", level,
              leaf ? "an array of the tensor's element type" : "an array of arrays");
    return 1;
  }
  jsize length = (*env)->GetArrayLength(env, (jarray)array);
  if (length != expected) {
    throw_new(env, IAE, "the Java array has length %d in dimension %d where the tensor has %d", (int)length, level,
              (int)expected);
    return 1;
  }
  if (leaf) {
    size_t bytes = (size_t)length * c->element_size;
    if (bytes > c->size - c->offset) {
      throw_new(env, IAE, "the Java array holds more than the tensor's %zu bytes", c->size);
      return 1;
    }
    copy_leaf(env, c, (jarray)array, length);
    c->offset += bytes;
    return (*env)->ExceptionCheck(env) ? 1 : 0;
  }
  for (jsize i = 0; i < length; i++) {
    jobject item = (*env)->GetObjectArrayElement(env, (jobjectArray)array, i);
    if ((*env)->ExceptionCheck(env)) return 1;
    int bad = walk(env, c, item, level + 1);
    if (item) (*env)->DeleteLocalRef(env, item);
    if (bad) return 1;
  }
  return 0;
}

static void copy_array(JNIEnv* env, jlong tensor_value, jobject array, int to_tensor) {
  sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  if (!tensor) return;
  sigrun_type type = sigrun_tensor_type(tensor);
  array_copy c = {0};
  const char* leaf = leaf_signature(type, &c.element_size);
  if (!leaf) {
    throw_new(env, IAE, "DataType error: a %s tensor cannot be copied to or from a Java array",
              sigrun_type_name(type));
    return;
  }
  c.type = type;
  c.rank = sigrun_tensor_rank(tensor);
  c.dims = sigrun_tensor_dims(tensor);
  c.data = sigrun_tensor_data(tensor);
  c.size = sigrun_tensor_byte_size(tensor);
  c.to_tensor = to_tensor;
  if (!c.data && c.size) {
    throw_new(env, ISE, "Internal error: Tensor hasn't been allocated.");
    return;
  }
  if (c.rank < 0 || (c.rank > 0 && !c.dims) || sigrun_tensor_element_count(tensor) * c.element_size != c.size) {
    throw_new(env, ISE, "Internal error: the tensor's shape and byte size disagree");
    return;
  }
  for (int i = 0; i < c.rank; i++) {
    if (c.dims[i] <= 0) { /* Java arrays of length 0 are refused, so an empty tensor has no array form */
      throw_new(env, IAE, "the tensor has an empty dimension %d; use a ByteBuffer", i);
      return;
    }
  }
  c.leaf_class = (*env)->FindClass(env, leaf);
  c.object_array = c.leaf_class ? (*env)->FindClass(env, "[Ljava/lang/Object;") : NULL;
  if (c.leaf_class && c.object_array && !walk(env, &c, array, 0) && c.offset != c.size)
    throw_new(env, IAE, "the Java array holds %zu bytes, the tensor %zu", c.offset, c.size);
  if (c.leaf_class) (*env)->DeleteLocalRef(env, c.leaf_class);
  if (c.object_array) (*env)->DeleteLocalRef(env, c.object_array);
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_writeArray(JNIEnv* env, jclass cls, jlong tensor, jobject array) {
  copy_array(env, tensor, array, 1);
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_readArray(JNIEnv* env, jclass cls, jlong tensor, jobject array) {
  copy_array(env, tensor, array, 0);
}

/* The buffer's address and capacity, or NULL with an exception pending. */
static char* direct_address(JNIEnv* env, jobject buffer, jlong* capacity) {
  if (!buffer) {
    throw_new(env, IAE, "the ByteBuffer must not be null");
    return NULL;
  }
  char* address = (*env)->GetDirectBufferAddress(env, buffer);
  *capacity = (*env)->GetDirectBufferCapacity(env, buffer);
  if ((*env)->ExceptionCheck(env)) return NULL;
  if (!address || *capacity < 0) {
    throw_new(env, IAE, "the ByteBuffer is not a direct buffer");
    return NULL;
  }
  return address;
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_writeBuffer(JNIEnv* env, jclass cls, jlong tensor_value,
                                                            jobject buffer) {
  sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  jlong capacity = 0;
  char* address = tensor ? direct_address(env, buffer, &capacity) : NULL;
  if (!address) return;
  sigrun_type type = sigrun_tensor_type(tensor);
  if (type == SIGRUN_TYPE_STRING || type == SIGRUN_TYPE_RESOURCE || type == SIGRUN_TYPE_VARIANT) {
    /* Raw bytes could forge string offsets or handles that kernels then trust. */
    throw_new(env, IAE, "a %s tensor cannot be written from a ByteBuffer%s", sigrun_type_name(type),
              type == SIGRUN_TYPE_STRING ? "; pass String[] or byte[][] values" : "");
    return;
  }
  size_t size = sigrun_tensor_byte_size(tensor);
  void* data = sigrun_tensor_data(tensor);
  if ((size_t)capacity != size) {
    throw_new(env, IAE, "the ByteBuffer has %lld bytes, the tensor %zu", (long long)capacity, size);
    return;
  }
  if (!data && size) {
    throw_new(env, ISE, "Internal error: Tensor hasn't been allocated.");
    return;
  }
  if (size) memcpy(data, address, size);
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_readBuffer(JNIEnv* env, jclass cls, jlong tensor_value,
                                                           jobject buffer, jint position) {
  const sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  jlong capacity = 0;
  char* address = tensor ? direct_address(env, buffer, &capacity) : NULL;
  if (!address) return;
  size_t size = sigrun_tensor_byte_size(tensor);
  const void* data = sigrun_tensor_data_const(tensor);
  if (position < 0 || position > capacity || (size_t)(capacity - position) < size) {
    throw_new(env, IAE, "the ByteBuffer has %lld bytes after position %d, the tensor %zu",
              (long long)(capacity - (position < 0 ? 0 : position)), (int)position, size);
    return;
  }
  if (!data && size) {
    throw_new(env, ISE, "Internal error: Tensor hasn't been allocated.");
    return;
  }
  if (size) memcpy(address + position, data, size);
}

JNIEXPORT jobjectArray JNICALL Java_org_sigrun_NativeApi_readStrings(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = handle(env, tensor_value, "tensor");
  if (!tensor) return NULL;
  size_t count = sigrun_tensor_string_count(tensor);
  if (count > (size_t)INT32_MAX) {
    throw_new(env, IAE, "the tensor holds %zu strings, more than a Java array can", count);
    return NULL;
  }
  jobjectArray result = new_byte_arrays(env, (jsize)count);
  for (size_t i = 0; result && i < count; i++) {
    const char* data = NULL;
    size_t length = 0;
    sigrun_error error;
    if (failed(env, sigrun_tensor_string(tensor, i, &data, &length, &error), &error)) return NULL;
    if (store_bytes(env, result, (jsize)i, data, length)) return NULL;
  }
  return result;
}
