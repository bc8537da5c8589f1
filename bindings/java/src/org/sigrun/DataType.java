/*
 * DataType — the element types LiteRT's Java API knows (org.tensorflow.lite.DataType), with the same
 * constant names and the same c() numbers (TfLiteType values). Tensors of other types (float16, float64,
 * complex, ...) cannot be read or written from Java, as in LiteRT.
 */
package org.sigrun;

/** Type of the elements of a {@link Tensor}. */
public enum DataType {
  /** 32-bit IEEE float. */
  FLOAT32(1, 4),
  /** 32-bit signed integer. */
  INT32(2, 4),
  /** 8-bit unsigned integer (Java byte holds the raw bits). */
  UINT8(3, 1),
  /** 64-bit signed integer. */
  INT64(4, 8),
  /** Strings (byte sequences). */
  STRING(5, -1),
  /** Boolean. */
  BOOL(6, -1),
  /** 16-bit signed integer. */
  INT16(7, 2),
  /** 8-bit signed integer. */
  INT8(9, 1);

  private final int value;
  private final int size;

  DataType(int value, int size) {
    this.value = value;
    this.size = size;
  }

  /** Bytes per element; -1 where the size is not fixed from Java's point of view (STRING, BOOL), as in LiteRT. */
  public int byteSize() {
    return size;
  }

  /** LiteRT's TfLiteType number. */
  int c() {
    return value;
  }

  /** The DataType of a sigrun_type (the schema's TensorType numbering), or null if Java has none. */
  static DataType fromSigrun(int type) {
    switch (type) {
      case 0: return FLOAT32;
      case 2: return INT32;
      case 3: return UINT8;
      case 4: return INT64;
      case 5: return STRING;
      case 6: return BOOL;
      case 7: return INT16;
      case 9: return INT8;
      default: return null;
    }
  }

  /** LiteRT groups INT8 and UINT8 under one Java name ("byte"): a byte[] fits both. */
  String javaName() {
    switch (this) {
      case FLOAT32: return "float";
      case INT32: return "int";
      case UINT8:
      case INT8: return "byte";
      case INT64: return "long";
      case STRING: return "string";
      case BOOL: return "bool";
      case INT16: return "short";
      default: return name();
    }
  }
}
