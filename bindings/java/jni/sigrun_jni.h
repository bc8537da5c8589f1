/*
 * sigrun_jni.h — helpers shared by the JNI files of the Java binding (sigrun_jni.c: models, interpreters,
 * runners; sigrun_jni_data.c: tensors and copying data). Every helper leaves at most one Java exception
 * pending and callers return as soon as one is.
 */
#ifndef SIGRUN_JNI_H
#define SIGRUN_JNI_H

#include <jni.h>
#include <stddef.h>

#include "sigrun.h"

#define SR_JNI_IAE "java/lang/IllegalArgumentException"
#define SR_JNI_ISE "java/lang/IllegalStateException"

/* Throws a new exception of class_name unless one is already pending (the first failure is reported). */
void sr_jni_throw(JNIEnv* env, const char* class_name, const char* format, ...) SIGRUN_PRINTF(3, 4);
/* Throws org.sigrun.NativeException(status, error->message as bytes). */
void sr_jni_throw_status(JNIEnv* env, sigrun_status status, const sigrun_error* error);
/* Non-zero (with NativeException pending) if status is a failure. */
int sr_jni_failed(JNIEnv* env, sigrun_status status, const sigrun_error* error);
/* The pointer behind a handle; NULL with IllegalStateException pending for 0 (a closed interpreter). */
void* sr_jni_handle(JNIEnv* env, jlong value, const char* what);
/* A new byte[] holding data / a C string (NULL reads as ""); NULL with an exception pending on failure. */
jbyteArray sr_jni_bytes(JNIEnv* env, const char* data, size_t length);
jbyteArray sr_jni_cstring(JNIEnv* env, const char* text);
/* A malloc'ed NUL-terminated copy of a UTF-8 byte[]; refuses null and embedded NULs. */
char* sr_jni_cstring_arg(JNIEnv* env, jbyteArray array, const char* what);
/* A new byte[][] of count nulls, and storing element i of one; non-zero store = exception pending. */
jobjectArray sr_jni_byte_arrays(JNIEnv* env, jsize count);
int sr_jni_store_bytes(JNIEnv* env, jobjectArray array, jsize i, const char* data, size_t length);

#endif /* SIGRUN_JNI_H */
