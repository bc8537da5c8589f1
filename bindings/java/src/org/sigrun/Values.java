/*
 * Values — what LiteRT's Java API accepts as tensor data and how it is checked and copied: primitive arrays
 * of any rank (float[], int[][], byte[] for uint8/int8, boolean[], long[], short[]), boxed scalars,
 * String / byte[] values for string tensors, direct or heap ByteBuffers (any tensor type, raw bytes) and
 * Float/Int/Long/ShortBuffers. Type and shape errors are LiteRT's IllegalArgumentExceptions with its texts;
 * the native side checks the same facts again before touching memory.
 */
package org.sigrun;

import java.lang.reflect.Array;
import java.nio.Buffer;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

final class Values {
  private Values() {}

  static String utf8(byte[] bytes) {
    return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static boolean isBuffer(Object o) {
    return o instanceof Buffer;
  }

  /** The innermost component class of an array class, or the class itself. */
  private static Class<?> leafClass(Object o) {
    Class<?> c = o.getClass();
    while (c.isArray()) {
      c = c.getComponentType();
    }
    return c;
  }

  /** LiteRT's DataType of a Java value (for a byte[] the tensor's type decides between UINT8 and STRING). */
  static DataType dataTypeOf(Object o, DataType tensorType) {
    Class<?> c = o.getClass();
    if (c.isArray()) {
      c = leafClass(o);
      if (c == float.class) return DataType.FLOAT32;
      if (c == int.class) return DataType.INT32;
      if (c == short.class) return DataType.INT16;
      if (c == byte.class) return tensorType == DataType.STRING ? DataType.STRING : DataType.UINT8;
      if (c == long.class) return DataType.INT64;
      if (c == boolean.class) return DataType.BOOL;
      if (c == String.class) return DataType.STRING;
    } else {
      if (c == Float.class || o instanceof FloatBuffer) return DataType.FLOAT32;
      if (c == Integer.class || o instanceof IntBuffer) return DataType.INT32;
      if (c == Short.class || o instanceof ShortBuffer) return DataType.INT16;
      if (c == Byte.class) return DataType.UINT8;
      if (c == Long.class || o instanceof LongBuffer) return DataType.INT64;
      if (c == Boolean.class) return DataType.BOOL;
      if (c == String.class) return DataType.STRING;
    }
    throw new IllegalArgumentException("DataType error: cannot resolve DataType of " + o.getClass().getName());
  }

  static void checkType(Object o, DataType tensorType) {
    if (o instanceof ByteBuffer) {
      return; // raw bytes fit any type
    }
    DataType type = dataTypeOf(o, tensorType);
    if (type != tensorType && !type.javaName().equals(tensorType.javaName())) {
      throw new IllegalArgumentException(String.format(
          "Cannot convert between a TensorFlowLite tensor with type %s and a Java object of type %s (which is "
              + "compatible with the TensorFlowLite type %s).",
          tensorType, o.getClass().getName(), type));
    }
  }

  /** The shape of a Java value: one entry per array dimension (a string's byte[] is one value). */
  static int[] shapeOf(Object o, DataType tensorType) {
    int rank = 0;
    for (Class<?> c = o.getClass(); c.isArray(); c = c.getComponentType()) {
      rank++;
    }
    if (tensorType == DataType.STRING && rank > 0 && leafClass(o) == byte.class) {
      rank--;
    }
    int[] shape = new int[rank];
    fillShape(o, 0, shape);
    return shape;
  }

  private static void fillShape(Object o, int dim, int[] shape) {
    if (dim == shape.length) {
      return;
    }
    if (o == null) {
      throw new IllegalArgumentException("Array element in dimension " + (dim - 1) + " is null.");
    }
    int length = Array.getLength(o);
    if (length == 0) {
      throw new IllegalArgumentException("Array lengths cannot be 0.");
    }
    if (shape[dim] == 0) {
      shape[dim] = length;
    } else if (shape[dim] != length) {
      throw new IllegalArgumentException(
          String.format("Mismatched lengths (%d and %d) in dimension %d", shape[dim], length, dim));
    }
    if (dim + 1 < shape.length) {
      for (int i = 0; i < length; i++) {
        fillShape(Array.get(o, i), dim + 1, shape);
      }
    }
  }

  /** The shape to resize an input to, or null if the value fits the tensor as it is (LiteRT: buffers never resize). */
  static int[] inputShapeIfDifferent(Object value, DataType tensorType, int[] tensorShape) {
    if (value == null || isBuffer(value)) {
      return null;
    }
    checkType(value, tensorType);
    int[] shape = shapeOf(value, tensorType);
    return Arrays.equals(shape, tensorShape) ? null : shape;
  }

  // ---- into a tensor -----------------------------------------------------------------------------------

  /** Copies value into an allocated input tensor; runner and name address it for string packing. */
  static void write(long runner, String name, long tensor, Object value) {
    if (value == null) {
      throw new IllegalArgumentException("Null inputs are allowed only if the Tensor is bound to a buffer handle.");
    }
    Tensor info = Tensor.snapshot(tensor);
    checkType(value, info.dataType());
    if (isBuffer(value)) {
      writeBuffer(tensor, info, (Buffer) value);
      return;
    }
    int[] shape = shapeOf(value, info.dataType());
    if (!Arrays.equals(shape, info.shape())) {
      throw new IllegalArgumentException(String.format(
          "Cannot copy to a TensorFlowLite tensor (%s) with shape %s from a Java object with shape %s.",
          info.name(), Arrays.toString(info.shape()), Arrays.toString(shape)));
    }
    if (info.dataType() == DataType.STRING) {
      List<byte[]> strings = new ArrayList<>();
      flattenStrings(value, shape.length, strings);
      NativeApi.setStrings(runner, utf8(name), strings.toArray(new byte[0][]));
    } else {
      NativeApi.writeArray(tensor, value.getClass().isArray() ? value : boxedToArray(value));
    }
  }

  private static Object boxedToArray(Object v) {
    if (v instanceof Float) return new float[] {(Float) v};
    if (v instanceof Integer) return new int[] {(Integer) v};
    if (v instanceof Long) return new long[] {(Long) v};
    if (v instanceof Short) return new short[] {(Short) v};
    if (v instanceof Byte) return new byte[] {(Byte) v};
    if (v instanceof Boolean) return new boolean[] {(Boolean) v};
    throw new IllegalArgumentException("DataType error: cannot resolve DataType of " + v.getClass().getName());
  }

  private static void flattenStrings(Object o, int levels, List<byte[]> out) {
    if (o == null) {
      throw new IllegalArgumentException("Null string values are not allowed.");
    }
    if (levels == 0) {
      out.add(o instanceof String ? utf8((String) o) : ((byte[]) o).clone());
      return;
    }
    int length = Array.getLength(o);
    for (int i = 0; i < length; i++) {
      flattenStrings(Array.get(o, i), levels - 1, out);
    }
  }

  private static int bufferBytes(Buffer buffer, DataType type) {
    long bytes = buffer instanceof ByteBuffer ? buffer.capacity() : (long) buffer.capacity() * type.byteSize();
    return bytes > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) bytes;
  }

  private static void writeBuffer(long tensor, Tensor info, Buffer src) {
    int srcBytes = bufferBytes(src, info.dataType());
    if (srcBytes != info.numBytes()) {
      throw new IllegalArgumentException(String.format(
          "Cannot copy to a TensorFlowLite tensor (%s) with %d bytes from a Java Buffer with %d bytes.",
          info.name(), info.numBytes(), srcBytes));
    }
    if (src instanceof ByteBuffer && src.isDirect() && ((ByteBuffer) src).order() == ByteOrder.nativeOrder()) {
      NativeApi.writeBuffer(tensor, (ByteBuffer) src); // whole buffer, position ignored, as LiteRT does
      return;
    }
    // Everything else goes through a native-order staging buffer with Buffer.put, which (as in LiteRT)
    // copies from the source's position and advances it; typed buffers convert their elements' byte order.
    ByteBuffer staging = ByteBuffer.allocateDirect(info.numBytes()).order(ByteOrder.nativeOrder());
    if (src instanceof ByteBuffer) {
      staging.put((ByteBuffer) src);
    } else if (src instanceof FloatBuffer) {
      staging.asFloatBuffer().put((FloatBuffer) src);
    } else if (src instanceof IntBuffer) {
      staging.asIntBuffer().put((IntBuffer) src);
    } else if (src instanceof LongBuffer) {
      staging.asLongBuffer().put((LongBuffer) src);
    } else if (src instanceof ShortBuffer) {
      staging.asShortBuffer().put((ShortBuffer) src);
    } else {
      throw new IllegalArgumentException("Unexpected input buffer type: " + src);
    }
    NativeApi.writeBuffer(tensor, staging);
  }

  // ---- out of a tensor ---------------------------------------------------------------------------------

  /** Copies an output tensor into dst (an array of the tensor's shape, or a buffer with room for it). */
  static void read(long tensor, Object dst) {
    if (dst == null) {
      throw new IllegalArgumentException("Null outputs are allowed only if the Tensor is bound to a buffer handle.");
    }
    Tensor info = Tensor.snapshot(tensor);
    checkType(dst, info.dataType());
    if (isBuffer(dst)) {
      readBuffer(tensor, info, (Buffer) dst);
      return;
    }
    int[] shape = shapeOf(dst, info.dataType());
    if (!dst.getClass().isArray() || !Arrays.equals(shape, info.shape())) {
      throw new IllegalArgumentException(String.format(
          "Cannot copy from a TensorFlowLite tensor (%s) with shape %s to a Java object with shape %s.",
          info.name(), Arrays.toString(info.shape()), Arrays.toString(shape))
          + (dst.getClass().isArray() ? "" : " A scalar output needs an array or a ByteBuffer."));
    }
    if (info.dataType() == DataType.STRING) {
      byte[][] strings = NativeApi.readStrings(tensor);
      int expected = 1;
      for (int d : shape) {
        expected *= d;
      }
      if (strings.length != expected) {
        throw new IllegalStateException("Internal error: string tensor " + info.name() + " holds " + strings.length
            + " strings for shape " + Arrays.toString(shape));
      }
      fillStrings(dst, shape.length, strings, new int[] {0});
    } else {
      NativeApi.readArray(tensor, dst);
    }
  }

  private static void fillStrings(Object dst, int levels, byte[][] strings, int[] next) {
    int length = Array.getLength(dst);
    boolean asText = leafClass(dst) == String.class;
    for (int i = 0; i < length; i++) {
      if (levels > 1) {
        fillStrings(Array.get(dst, i), levels - 1, strings, next);
      } else {
        byte[] value = strings[next[0]++];
        Array.set(dst, i, asText ? utf8(value) : value);
      }
    }
  }

  private static void readBuffer(long tensor, Tensor info, Buffer dst) {
    int dstBytes = bufferBytes(dst, info.dataType());
    if (info.numBytes() > dstBytes) {
      throw new IllegalArgumentException(String.format(
          "Cannot copy from a TensorFlowLite tensor (%s) with %d bytes to a Java Buffer with %d bytes.",
          info.name(), info.numBytes(), dstBytes));
    }
    if (dst.isReadOnly()) {
      throw new ReadOnlyBufferException();
    }
    if (dst instanceof ByteBuffer && dst.isDirect()) {
      // Written at the position, which advances, as ByteBuffer.put does in LiteRT.
      if (dst.remaining() < info.numBytes()) {
        throw new BufferOverflowException();
      }
      NativeApi.readBuffer(tensor, (ByteBuffer) dst, dst.position());
      dst.position(dst.position() + info.numBytes());
      return;
    }
    ByteBuffer staging = ByteBuffer.allocateDirect(info.numBytes()).order(ByteOrder.nativeOrder());
    NativeApi.readBuffer(tensor, staging, 0);
    if (dst instanceof ByteBuffer) {
      ((ByteBuffer) dst).put(staging);
    } else if (dst instanceof FloatBuffer) {
      ((FloatBuffer) dst).put(staging.asFloatBuffer());
    } else if (dst instanceof IntBuffer) {
      ((IntBuffer) dst).put(staging.asIntBuffer());
    } else if (dst instanceof LongBuffer) {
      ((LongBuffer) dst).put(staging.asLongBuffer());
    } else if (dst instanceof ShortBuffer) {
      ((ShortBuffer) dst).put(staging.asShortBuffer());
    } else {
      throw new IllegalArgumentException("Unexpected output buffer type: " + dst);
    }
  }
}
