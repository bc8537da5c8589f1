/*
 * sigrun_jni.c — the native half of the Java binding (org.sigrun.NativeApi): checked wrappers over
 * include/sigrun.h for models, interpreters and runners, and the shared helpers of sigrun_jni.h. Policy
 * (LiteRT's messages and exception types) lives in the Java classes; this file turns a failed sigrun call
 * into org.sigrun.NativeException(status, message bytes), refuses zero handles with IllegalStateException and
 * malformed arguments with IllegalArgumentException. Every JNI call that can fail is checked; with an
 * exception pending each function returns at once. Tensor access and data copies: sigrun_jni_data.c.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org_sigrun_NativeApi.h"
#include "sigrun_jni.h"

/* ---- helpers -------------------------------------------------------------------------------------------- */

void sr_jni_throw(JNIEnv* env, const char* class_name, const char* format, ...) {
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

jbyteArray sr_jni_bytes(JNIEnv* env, const char* data, size_t length) {
  if (length > (size_t)INT32_MAX) {
    sr_jni_throw(env, SR_JNI_IAE, "a %zu-byte string is too long for a Java array", length);
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

jbyteArray sr_jni_cstring(JNIEnv* env, const char* text) {
  return sr_jni_bytes(env, text ? text : "", text ? strlen(text) : 0);
}

/* Throws org.sigrun.NativeException(status, message). */
void sr_jni_throw_status(JNIEnv* env, sigrun_status status, const sigrun_error* error) {
  if ((*env)->ExceptionCheck(env)) return;
  jclass cls = (*env)->FindClass(env, "org/sigrun/NativeException");
  if (!cls) return;
  jmethodID init = (*env)->GetMethodID(env, cls, "<init>", "(I[B)V");
  const char* end = memchr(error->message, '\0', SIGRUN_ERROR_MESSAGE_SIZE);
  size_t length = end ? (size_t)(end - error->message) : SIGRUN_ERROR_MESSAGE_SIZE;
  jbyteArray message = init ? sr_jni_bytes(env, error->message, length) : NULL;
  jobject exception = message ? (*env)->NewObject(env, cls, init, (jint)status, message) : NULL;
  if (exception) (*env)->Throw(env, (jthrowable)exception);
  (*env)->DeleteLocalRef(env, cls);
}

/* Returns non-zero (and throws) if status is a failure. */
int sr_jni_failed(JNIEnv* env, sigrun_status status, const sigrun_error* error) {
  if (status == SIGRUN_STATUS_OK) return 0;
  sr_jni_throw_status(env, status, error);
  return 1;
}

void* sr_jni_handle(JNIEnv* env, jlong value, const char* what) {
  if (value == 0)
    sr_jni_throw(env, SR_JNI_ISE, "Internal error: The Interpreter has already been closed (no %s).", what);
  return (void*)(intptr_t)value;
}

/* A NUL-terminated copy of a UTF-8 byte array; the caller frees it. Refuses null and embedded NULs (C would
 * silently cut the name there and find a different one). */
char* sr_jni_cstring_arg(JNIEnv* env, jbyteArray array, const char* what) {
  if (!array) {
    sr_jni_throw(env, SR_JNI_IAE, "%s must not be null", what);
    return NULL;
  }
  jsize length = (*env)->GetArrayLength(env, array);
  char* text = malloc((size_t)length + 1);
  if (!text) {
    sr_jni_throw(env, SR_JNI_ISE, "out of memory copying %s", what);
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
    sr_jni_throw(env, SR_JNI_IAE, "%s contains a NUL character", what);
    return NULL;
  }
  return text;
}

jobjectArray sr_jni_byte_arrays(JNIEnv* env, jsize count) {
  jclass cls = (*env)->FindClass(env, "[B");
  if (!cls) return NULL;
  jobjectArray array = (*env)->NewObjectArray(env, count, cls, NULL);
  (*env)->DeleteLocalRef(env, cls);
  return array;
}

/* Stores element i of a byte[][]; returns non-zero on failure (exception pending). */
int sr_jni_store_bytes(JNIEnv* env, jobjectArray array, jsize i, const char* data, size_t length) {
  jbyteArray item = sr_jni_bytes(env, data, length);
  if (!item) return 1;
  (*env)->SetObjectArrayElement(env, array, i, item);
  (*env)->DeleteLocalRef(env, item);
  return (*env)->ExceptionCheck(env) ? 1 : 0;
}

/* ---- library and models ---------------------------------------------------------------------------- */

JNIEXPORT jbyteArray JNICALL Java_org_sigrun_NativeApi_version(JNIEnv* env, jclass cls) {
  return sr_jni_cstring(env, sigrun_version());
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_loadFile(JNIEnv* env, jclass cls, jbyteArray path) {
  char* text = sr_jni_cstring_arg(env, path, "model path");
  if (!text) return 0;
  sigrun_error error;
  sigrun_model* model = NULL;
  sigrun_status status = sigrun_model_load_file(text, &model, &error);
  free(text);
  return sr_jni_failed(env, status, &error) ? 0 : (jlong)(intptr_t)model;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_loadBuffer(JNIEnv* env, jclass cls, jobject buffer, jboolean copy) {
  if (!buffer) {
    sr_jni_throw(env, SR_JNI_IAE, "model ByteBuffer must not be null");
    return 0;
  }
  void* data = (*env)->GetDirectBufferAddress(env, buffer);
  jlong capacity = (*env)->GetDirectBufferCapacity(env, buffer);
  if ((*env)->ExceptionCheck(env)) return 0;
  if (!data || capacity < 0) {
    sr_jni_throw(env, SR_JNI_IAE, "model ByteBuffer is not a direct buffer");
    return 0;
  }
  sigrun_error error;
  sigrun_model* model = NULL;
  sigrun_status status = sigrun_model_load_buffer(data, (size_t)capacity, copy ? 1 : 0, &model, &error);
  return sr_jni_failed(env, status, &error) ? 0 : (jlong)(intptr_t)model;
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_destroyModel(JNIEnv* env, jclass cls, jlong model) {
  sigrun_model_destroy((sigrun_model*)(intptr_t)model);
}

JNIEXPORT jobjectArray JNICALL Java_org_sigrun_NativeApi_signatureKeys(JNIEnv* env, jclass cls, jlong handle_value) {
  const sigrun_model* model = sr_jni_handle(env, handle_value, "model");
  if (!model) return NULL;
  int count = sigrun_model_signature_count(model);
  jobjectArray keys = sr_jni_byte_arrays(env, count);
  for (int i = 0; keys && i < count; i++) {
    const char* key = sigrun_model_signature_key(model, i);
    if (sr_jni_store_bytes(env, keys, i, key ? key : "", key ? strlen(key) : 0)) return NULL;
  }
  return keys;
}

/* ---- interpreters and runners ------------------------------------------------------------------------- */

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_createInterpreter(JNIEnv* env, jclass cls, jlong model_value,
                                                                   jint num_threads) {
  const sigrun_model* model = sr_jni_handle(env, model_value, "model");
  if (!model) return 0;
  sigrun_interpreter_options options;
  sigrun_interpreter_options_init(&options);
  options.num_threads = num_threads < 1 ? 1 : num_threads;
  sigrun_error error;
  sigrun_interpreter* interpreter = NULL;
  sigrun_status status = sigrun_interpreter_create(model, &options, &interpreter, &error);
  return sr_jni_failed(env, status, &error) ? 0 : (jlong)(intptr_t)interpreter;
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_destroyInterpreter(JNIEnv* env, jclass cls, jlong interpreter) {
  sigrun_interpreter_destroy((sigrun_interpreter*)(intptr_t)interpreter);
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_runner(JNIEnv* env, jclass cls, jlong interpreter_value,
                                                        jbyteArray key) {
  sigrun_interpreter* interpreter = sr_jni_handle(env, interpreter_value, "interpreter");
  char* text = interpreter ? sr_jni_cstring_arg(env, key, "signature key") : NULL;
  if (!text) return 0;
  sigrun_error error;
  sigrun_runner* runner = NULL;
  sigrun_status status = sigrun_interpreter_get_runner(interpreter, text, &runner, &error);
  free(text);
  return sr_jni_failed(env, status, &error) ? 0 : (jlong)(intptr_t)runner;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_primaryRunner(JNIEnv* env, jclass cls, jlong interpreter_value) {
  sigrun_interpreter* interpreter = sr_jni_handle(env, interpreter_value, "interpreter");
  if (!interpreter) return 0;
  sigrun_error error;
  sigrun_runner* runner = NULL;
  sigrun_status status = sigrun_interpreter_get_primary_runner(interpreter, &runner, &error);
  return sr_jni_failed(env, status, &error) ? 0 : (jlong)(intptr_t)runner;
}

JNIEXPORT jint JNICALL Java_org_sigrun_NativeApi_subgraphIndex(JNIEnv* env, jclass cls, jlong runner_value) {
  sigrun_runner* runner = sr_jni_handle(env, runner_value, "runner");
  return runner ? sigrun_runner_subgraph_index(runner) : -1;
}

static jobjectArray names(JNIEnv* env, jlong runner_value, int inputs) {
  sigrun_runner* runner = sr_jni_handle(env, runner_value, "runner");
  if (!runner) return NULL;
  int count = inputs ? sigrun_runner_input_count(runner) : sigrun_runner_output_count(runner);
  jobjectArray result = sr_jni_byte_arrays(env, count);
  for (int i = 0; result && i < count; i++) {
    const char* name = inputs ? sigrun_runner_input_name(runner, i) : sigrun_runner_output_name(runner, i);
    if (sr_jni_store_bytes(env, result, i, name ? name : "", name ? strlen(name) : 0)) return NULL;
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
  sigrun_runner* runner = sr_jni_handle(env, runner_value, "runner");
  char* text = runner ? sr_jni_cstring_arg(env, name, input ? "input name" : "output name") : NULL;
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
  return sr_jni_failed(env, status, &error) ? 0 : (jlong)(intptr_t)tensor;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_inputTensor(JNIEnv* env, jclass cls, jlong runner, jbyteArray name) {
  return named_tensor(env, runner, name, 1);
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_outputTensor(JNIEnv* env, jclass cls, jlong runner, jbyteArray name) {
  return named_tensor(env, runner, name, 0);
}

JNIEXPORT jint JNICALL Java_org_sigrun_NativeApi_subgraphInputCount(JNIEnv* env, jclass cls, jlong runner_value) {
  sigrun_runner* runner = sr_jni_handle(env, runner_value, "runner");
  return runner ? sigrun_runner_subgraph_input_count(runner) : 0;
}

JNIEXPORT jint JNICALL Java_org_sigrun_NativeApi_subgraphOutputCount(JNIEnv* env, jclass cls, jlong runner_value) {
  sigrun_runner* runner = sr_jni_handle(env, runner_value, "runner");
  return runner ? sigrun_runner_subgraph_output_count(runner) : 0;
}

/* 0 (no exception) when index is out of range: the Java side words that error. */
JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_subgraphInput(JNIEnv* env, jclass cls, jlong runner_value,
                                                               jint index) {
  sigrun_runner* runner = sr_jni_handle(env, runner_value, "runner");
  return runner ? (jlong)(intptr_t)sigrun_runner_subgraph_input(runner, index) : 0;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_subgraphOutput(JNIEnv* env, jclass cls, jlong runner_value,
                                                                jint index) {
  sigrun_runner* runner = sr_jni_handle(env, runner_value, "runner");
  return runner ? (jlong)(intptr_t)sigrun_runner_subgraph_output(runner, index) : 0;
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_resizeInput(JNIEnv* env, jclass cls, jlong runner_value,
                                                            jbyteArray name, jintArray dims, jboolean strict) {
  sigrun_runner* runner = sr_jni_handle(env, runner_value, "runner");
  if (!runner) return;
  if (!dims) {
    sr_jni_throw(env, SR_JNI_IAE, "dims must not be null");
    return;
  }
  jsize rank = (*env)->GetArrayLength(env, dims);
  if (rank > 64) {
    sr_jni_throw(env, SR_JNI_IAE, "rank %d is too large (at most 64 dimensions)", (int)rank);
    return;
  }
  int32_t shape[64];
  if (rank) (*env)->GetIntArrayRegion(env, dims, 0, rank, (jint*)shape);
  if ((*env)->ExceptionCheck(env)) return;
  char* text = sr_jni_cstring_arg(env, name, "input name");
  if (!text) return;
  sigrun_error error;
  sigrun_status status = strict ? sigrun_runner_resize_input_strict(runner, text, shape, (int)rank, &error)
                                : sigrun_runner_resize_input(runner, text, shape, (int)rank, &error);
  free(text);
  sr_jni_failed(env, status, &error);
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_allocate(JNIEnv* env, jclass cls, jlong runner_value) {
  sigrun_runner* runner = sr_jni_handle(env, runner_value, "runner");
  if (!runner) return;
  sigrun_error error;
  sr_jni_failed(env, sigrun_runner_allocate(runner, &error), &error);
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_invoke(JNIEnv* env, jclass cls, jlong runner_value) {
  sigrun_runner* runner = sr_jni_handle(env, runner_value, "runner");
  if (!runner) return;
  sigrun_error error;
  sr_jni_failed(env, sigrun_runner_invoke(runner, &error), &error);
}
