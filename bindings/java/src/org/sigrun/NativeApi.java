/*
 * NativeApi — the native methods of the binding (bindings/java/jni/sigrun_jni.c), one per C call it needs.
 * Handles are sigrun pointers as longs; 0 means closed/absent and is refused by the native side. Names and
 * strings cross as UTF-8 byte arrays (not jstrings) so that no model name can trip JNI's modified UTF-8.
 * sigrun failures arrive as NativeException; bad arguments as IllegalArgumentException/IllegalStateException.
 */
package org.sigrun;

import java.nio.ByteBuffer;

final class NativeApi {
  private NativeApi() {}

  static {
    // -Dsigrun.jni.library=/path/libsigrun_jni.so wins; otherwise java.library.path is searched.
    String path = System.getProperty("sigrun.jni.library");
    if (path != null && !path.isEmpty()) {
      System.load(path);
    } else {
      System.loadLibrary("sigrun_jni");
    }
  }

  static void ensureLoaded() {}

  static native byte[] version();

  // Models
  static native long loadFile(byte[] path);

  static native long loadBuffer(ByteBuffer direct, boolean copy);

  static native void destroyModel(long model);

  static native byte[][] signatureKeys(long model);

  // Interpreters
  static native long createInterpreter(long model, int numThreads);

  static native void destroyInterpreter(long interpreter);

  static native long runner(long interpreter, byte[] key);

  static native long primaryRunner(long interpreter);

  // Runners
  static native int subgraphIndex(long runner);

  static native byte[][] inputNames(long runner);

  static native byte[][] outputNames(long runner);

  static native long inputTensor(long runner, byte[] name);

  static native long outputTensor(long runner, byte[] name);

  static native int subgraphInputCount(long runner);

  static native int subgraphOutputCount(long runner);

  static native long subgraphInput(long runner, int index);

  static native long subgraphOutput(long runner, int index);

  static native void resizeInput(long runner, byte[] name, int[] dims, boolean strict);

  static native void allocate(long runner);

  static native void invoke(long runner);

  static native void setStrings(long runner, byte[] name, byte[][] strings);

  // Tensors (borrowed pointers, valid while their interpreter is open)
  static native int tensorType(long tensor);

  static native int[] tensorShape(long tensor);

  static native int[] tensorShapeSignature(long tensor);

  static native long tensorNumBytes(long tensor);

  static native byte[] tensorName(long tensor);

  static native int tensorIndex(long tensor);

  /** {scale} and {zero point} of per-tensor quantization; scale 0 when not per-tensor quantized. */
  static native float tensorScale(long tensor);

  static native long tensorZeroPoint(long tensor);

  /** Copies a primitive (possibly multi-dimensional) array into the tensor; its shape must equal the tensor's. */
  static native void writeArray(long tensor, Object array);

  /** Copies the tensor into a primitive array of the tensor's shape. */
  static native void readArray(long tensor, Object array);

  /** Copies a direct buffer (capacity = tensor bytes) into the tensor. */
  static native void writeBuffer(long tensor, ByteBuffer direct);

  /** Copies the tensor into a direct buffer at byte offset `position`. */
  static native void readBuffer(long tensor, ByteBuffer direct, int position);

  static native byte[][] readStrings(long tensor);
}
