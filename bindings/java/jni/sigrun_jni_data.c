/*
 * sigrun_jni_data.c — tensors for the Java binding: their facts (type, shape, bytes, quantization) and every
 * copy between Java values and tensor memory — multi-dimensional primitive arrays (walked level by level,
 * each length checked against the tensor's shape), direct ByteBuffers (capacity checked against the tensor's
 * bytes) and strings (packed with sigrun_strings_pack, read with sigrun_tensor_string). Nothing is copied
 * before the total size is known to fit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "org_sigrun_NativeApi.h"
#include "sigrun_jni.h"

/* Packs byte[][] into LiteRT's string buffer and sets it as the input `name`. */
JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_setStrings(JNIEnv* env, jclass cls, jlong runner_value,
                                                           jbyteArray name, jobjectArray strings) {
  sigrun_runner* runner = sr_jni_handle(env, runner_value, "runner");
  if (!runner) return;
  if (!strings) {
    sr_jni_throw(env, SR_JNI_IAE, "strings must not be null");
    return;
  }
  jsize count = (*env)->GetArrayLength(env, strings);
  size_t total = 0;
  char** items = calloc((size_t)count + 1, sizeof *items);
  size_t* lengths = calloc((size_t)count + 1, sizeof *lengths);
  char* text = NULL;
  void* packed = NULL;
  if (!items || !lengths) {
    sr_jni_throw(env, SR_JNI_ISE, "out of memory packing %d strings", (int)count);
    goto done;
  }
  for (jsize i = 0; i < count; i++) {
    jobject item = (*env)->GetObjectArrayElement(env, strings, i);
    if ((*env)->ExceptionCheck(env)) goto done;
    if (!item) {
      sr_jni_throw(env, SR_JNI_IAE, "string %d is null", (int)i);
      goto done;
    }
    jsize length = (*env)->GetArrayLength(env, (jbyteArray)item);
    items[i] = malloc((size_t)length + 1);
    if (!items[i]) {
      (*env)->DeleteLocalRef(env, item);
      sr_jni_throw(env, SR_JNI_ISE, "out of memory copying string %d", (int)i);
      goto done;
    }
    (*env)->GetByteArrayRegion(env, (jbyteArray)item, 0, length, (jbyte*)items[i]);
    (*env)->DeleteLocalRef(env, item);
    if ((*env)->ExceptionCheck(env)) goto done;
    lengths[i] = (size_t)length;
    total += (size_t)length;
  }
  text = sr_jni_cstring_arg(env, name, "input name");
  if (!text) goto done;
  sigrun_error error;
  size_t size = 0;
  sigrun_status status =
      sigrun_strings_pack((const char* const*)items, lengths, (size_t)count, NULL, 0, &size, &error);
  if (status != SIGRUN_STATUS_OK && size == 0) { /* refused outright, e.g. beyond int32 offsets */
    sr_jni_failed(env, status, &error);
    goto done;
  }
  packed = malloc(size ? size : 1);
  if (!packed) {
    sr_jni_throw(env, SR_JNI_ISE, "out of memory packing %zu bytes of strings", total);
    goto done;
  }
  status = sigrun_strings_pack((const char* const*)items, lengths, (size_t)count, packed, size, &size, &error);
  if (status == SIGRUN_STATUS_OK) status = sigrun_runner_set_input(runner, text, packed, size, &error);
  sr_jni_failed(env, status, &error);
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
  const sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
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
  const sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
  return tensor ? int_array(env, sigrun_tensor_dims(tensor), sigrun_tensor_rank(tensor)) : NULL;
}

JNIEXPORT jintArray JNICALL Java_org_sigrun_NativeApi_tensorShapeSignature(JNIEnv* env, jclass cls,
                                                                          jlong tensor_value) {
  const sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
  return tensor ? int_array(env, sigrun_tensor_signature_dims(tensor), sigrun_tensor_signature_rank(tensor)) : NULL;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_tensorNumBytes(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
  return tensor ? (jlong)sigrun_tensor_byte_size(tensor) : 0;
}

JNIEXPORT jbyteArray JNICALL Java_org_sigrun_NativeApi_tensorName(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
  return tensor ? sr_jni_cstring(env, sigrun_tensor_name(tensor)) : NULL;
}

JNIEXPORT jint JNICALL Java_org_sigrun_NativeApi_tensorIndex(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
  return tensor ? sigrun_tensor_index(tensor) : -1;
}

JNIEXPORT jfloat JNICALL Java_org_sigrun_NativeApi_tensorScale(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
  if (!tensor) return 0.0f;
  sigrun_quantization q = sigrun_tensor_quantization(tensor);
  return q.count == 1 && q.scales ? q.scales[0] : 0.0f;
}

JNIEXPORT jlong JNICALL Java_org_sigrun_NativeApi_tensorZeroPoint(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
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
    sr_jni_throw(env, SR_JNI_IAE, "the Java array has a null element at dimension %d", level);
    return 1;
  }
  int leaf = c->rank == 0 || level == c->rank - 1;
  jsize expected = c->rank == 0 ? 1 : c->dims[level];
  if (!(*env)->IsInstanceOf(env, array, leaf ? c->leaf_class : c->object_array)) {
    sr_jni_throw(env, SR_JNI_IAE, "the Java array does not match the tensor: dimension %d is not %s", level,
                 leaf ? "an array of the tensor's element type" : "an array of arrays");
    return 1;
  }
  jsize length = (*env)->GetArrayLength(env, (jarray)array);
  if (length != expected) {
    sr_jni_throw(env, SR_JNI_IAE, "the Java array has length %d in dimension %d where the tensor has %d",
                 (int)length, level, (int)expected);
    return 1;
  }
  if (leaf) {
    size_t bytes = (size_t)length * c->element_size;
    if (bytes > c->size - c->offset) {
      sr_jni_throw(env, SR_JNI_IAE, "the Java array holds more than the tensor's %zu bytes", c->size);
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
  sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
  if (!tensor) return;
  sigrun_type type = sigrun_tensor_type(tensor);
  array_copy c = {0};
  const char* leaf = leaf_signature(type, &c.element_size);
  if (!leaf) {
    sr_jni_throw(env, SR_JNI_IAE, "DataType error: a %s tensor cannot be copied to or from a Java array",
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
    sr_jni_throw(env, SR_JNI_ISE, "Internal error: Tensor hasn't been allocated.");
    return;
  }
  if (c.rank < 0 || (c.rank > 0 && !c.dims) || sigrun_tensor_element_count(tensor) * c.element_size != c.size) {
    sr_jni_throw(env, SR_JNI_ISE, "Internal error: the tensor's shape and byte size disagree");
    return;
  }
  for (int i = 0; i < c.rank; i++) {
    if (c.dims[i] <= 0) { /* Java arrays of length 0 are refused, so an empty tensor has no array form */
      sr_jni_throw(env, SR_JNI_IAE, "the tensor has an empty dimension %d; use a ByteBuffer", i);
      return;
    }
  }
  c.leaf_class = (*env)->FindClass(env, leaf);
  c.object_array = c.leaf_class ? (*env)->FindClass(env, "[Ljava/lang/Object;") : NULL;
  if (c.leaf_class && c.object_array && !walk(env, &c, array, 0) && c.offset != c.size)
    sr_jni_throw(env, SR_JNI_IAE, "the Java array holds %zu bytes, the tensor %zu", c.offset, c.size);
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
    sr_jni_throw(env, SR_JNI_IAE, "the ByteBuffer must not be null");
    return NULL;
  }
  char* address = (*env)->GetDirectBufferAddress(env, buffer);
  *capacity = (*env)->GetDirectBufferCapacity(env, buffer);
  if ((*env)->ExceptionCheck(env)) return NULL;
  if (!address || *capacity < 0) {
    sr_jni_throw(env, SR_JNI_IAE, "the ByteBuffer is not a direct buffer");
    return NULL;
  }
  return address;
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_writeBuffer(JNIEnv* env, jclass cls, jlong tensor_value,
                                                            jobject buffer) {
  sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
  jlong capacity = 0;
  char* address = tensor ? direct_address(env, buffer, &capacity) : NULL;
  if (!address) return;
  sigrun_type type = sigrun_tensor_type(tensor);
  if (type == SIGRUN_TYPE_STRING || type == SIGRUN_TYPE_RESOURCE || type == SIGRUN_TYPE_VARIANT) {
    /* Raw bytes could forge string offsets or handles that kernels then trust. */
    sr_jni_throw(env, SR_JNI_IAE, "a %s tensor cannot be written from a ByteBuffer%s", sigrun_type_name(type),
                 type == SIGRUN_TYPE_STRING ? "; pass String[] or byte[][] values" : "");
    return;
  }
  size_t size = sigrun_tensor_byte_size(tensor);
  void* data = sigrun_tensor_data(tensor);
  if ((size_t)capacity != size) {
    sr_jni_throw(env, SR_JNI_IAE, "the ByteBuffer has %lld bytes, the tensor %zu", (long long)capacity, size);
    return;
  }
  if (!data && size) {
    sr_jni_throw(env, SR_JNI_ISE, "Internal error: Tensor hasn't been allocated.");
    return;
  }
  if (size) memcpy(data, address, size);
}

JNIEXPORT void JNICALL Java_org_sigrun_NativeApi_readBuffer(JNIEnv* env, jclass cls, jlong tensor_value,
                                                           jobject buffer, jint position) {
  const sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
  jlong capacity = 0;
  char* address = tensor ? direct_address(env, buffer, &capacity) : NULL;
  if (!address) return;
  size_t size = sigrun_tensor_byte_size(tensor);
  const void* data = sigrun_tensor_data_const(tensor);
  if (position < 0 || position > capacity || (size_t)(capacity - position) < size) {
    sr_jni_throw(env, SR_JNI_IAE, "the ByteBuffer has %lld bytes after position %d, the tensor %zu",
                 (long long)(capacity - (position < 0 ? 0 : position)), (int)position, size);
    return;
  }
  if (!data && size) {
    sr_jni_throw(env, SR_JNI_ISE, "Internal error: Tensor hasn't been allocated.");
    return;
  }
  if (size) memcpy(address + position, data, size);
}

JNIEXPORT jobjectArray JNICALL Java_org_sigrun_NativeApi_readStrings(JNIEnv* env, jclass cls, jlong tensor_value) {
  const sigrun_tensor* tensor = sr_jni_handle(env, tensor_value, "tensor");
  if (!tensor) return NULL;
  size_t count = sigrun_tensor_string_count(tensor);
  if (count > (size_t)INT32_MAX) {
    sr_jni_throw(env, SR_JNI_IAE, "the tensor holds %zu strings, more than a Java array can", count);
    return NULL;
  }
  jobjectArray result = sr_jni_byte_arrays(env, (jsize)count);
  for (size_t i = 0; result && i < count; i++) {
    const char* data = NULL;
    size_t length = 0;
    sigrun_error error;
    if (sr_jni_failed(env, sigrun_tensor_string(tensor, i, &data, &length, &error), &error)) return NULL;
    if (sr_jni_store_bytes(env, result, (jsize)i, data, length)) return NULL;
  }
  return result;
}
