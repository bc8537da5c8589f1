/*
 * Tensor — LiteRT's Java Tensor view (dataType, shape, numBytes, ...) as a snapshot: the values are read
 * from the runtime when the Tensor is obtained, and the object holds no native pointer, so it stays safe to
 * use after the interpreter is closed or resized. Obtain a fresh one to see a later shape.
 */
package org.sigrun;

import java.util.Arrays;

/** An input or output tensor of a signature or of the primary subgraph, as LiteRT's Java API exposes it. */
public final class Tensor {
  /** Per-tensor quantization (LiteRT's Tensor.QuantizationParams): scale 0 and zero point 0 when unquantized. */
  public static final class QuantizationParams {
    private final float scale;
    private final int zeroPoint;

    public QuantizationParams(float scale, int zeroPoint) {
      this.scale = scale;
      this.zeroPoint = zeroPoint;
    }

    public float getScale() {
      return scale;
    }

    public int getZeroPoint() {
      return zeroPoint;
    }
  }

  private final String name;
  private final int index;
  private final DataType dataType;
  private final int[] shape;
  private final int[] shapeSignature;
  private final int numBytes;
  private final QuantizationParams quantization;

  private Tensor(String name, int index, DataType dataType, int[] shape, int[] shapeSignature, int numBytes,
      QuantizationParams quantization) {
    this.name = name;
    this.index = index;
    this.dataType = dataType;
    this.shape = shape;
    this.shapeSignature = shapeSignature;
    this.numBytes = numBytes;
    this.quantization = quantization;
  }

  /** Reads everything from a live tensor pointer; the caller holds the interpreter's lock. */
  static Tensor snapshot(long tensor) {
    int type = NativeApi.tensorType(tensor);
    DataType dataType = DataType.fromSigrun(type);
    if (dataType == null) {
      throw new IllegalArgumentException(
          "DataType error: DataType " + type + " (sigrun_type) of tensor '" + Values.utf8(NativeApi.tensorName(tensor))
              + "' is not recognized in Java (Java supports " + Arrays.toString(DataType.values()) + ")");
    }
    long bytes = NativeApi.tensorNumBytes(tensor);
    return new Tensor(
        Values.utf8(NativeApi.tensorName(tensor)),
        NativeApi.tensorIndex(tensor),
        dataType,
        NativeApi.tensorShape(tensor),
        NativeApi.tensorShapeSignature(tensor),
        bytes > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) bytes,
        new QuantizationParams(NativeApi.tensorScale(tensor), (int) NativeApi.tensorZeroPoint(tensor)));
  }

  public DataType dataType() {
    return dataType;
  }

  public int numDimensions() {
    return shape.length;
  }

  /** Size of the tensor's data in bytes (for strings: LiteRT's packed buffer). */
  public int numBytes() {
    return numBytes;
  }

  public int numElements() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  public int[] shape() {
    return shape.clone();
  }

  /** The shape with -1 for dynamic dimensions, as the model file declares it. */
  public int[] shapeSignature() {
    return shapeSignature.clone();
  }

  /** The tensor's index in its subgraph. */
  public int index() {
    return index;
  }

  /** The tensor's name in the model file (e.g. "serving_default_x:0"). */
  public String name() {
    return name;
  }

  public QuantizationParams quantizationParams() {
    return quantization;
  }

  @Override
  public String toString() {
    return "Tensor(" + name + ", " + dataType + ", " + Arrays.toString(shape) + ")";
  }
}
