/*
 * OracleDriver — runs the cases tests/oracle/test_java.py writes and records what the Java API returned, so
 * the test can compare it with the Python oracle (sigrun's Python package and ai_edge_litert).
 *
 *   java ... org.sigrun.tests.OracleDriver SPEC RESULT
 *
 * SPEC is a line-based script (fields separated by single tabs):
 *   model <path> <file|direct|heap>          open an Interpreter (closing the previous one)
 *   signatures                                 record every signature's inputs and outputs
 *   run <signature|index> <key or ->          start a run (runSignature / runForMultipleInputsOutputs)
 *   in <name|index> <dtype> <shape> <file> <array|direct|heap|typed>
 *   out <name|index> <dtype> <shape> <file> <array|direct|heap|typed>
 *   end                                        run it; outputs are written to their files
 * Shapes are comma-separated ("" for a scalar). Numbers in files are little-endian; string tensors are
 * int32 count, then per string int32 length and bytes. RESULT gets one line per event:
 *   signature <key>, input|output <key> <name> <DTYPE> <shape> <shape signature> <bytes>
 *   ok | error <exception class> <message>
 */
package org.sigrun.tests;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sigrun.Interpreter;
import org.sigrun.Tensor;

public final class OracleDriver {
  private static final class Value {
    String key;
    String dtype;
    int[] shape;
    String file;
    String form;
    Object object;
  }

  private Interpreter interpreter;
  private final PrintWriter result;

  private OracleDriver(PrintWriter result) {
    this.result = result;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: OracleDriver SPEC RESULT");
      System.exit(2);
    }
    List<String> lines = Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Paths.get(args[1]), StandardCharsets.UTF_8))) {
      new OracleDriver(out).execute(lines);
    }
  }

  private void execute(List<String> lines) throws IOException {
    String mode = null;
    String key = null;
    List<Value> ins = new ArrayList<>();
    List<Value> outs = new ArrayList<>();
    for (String line : lines) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "model":
          open(f[1], f[2]);
          break;
        case "signatures":
          signatures();
          break;
        case "run":
          mode = f[1];
          key = f[2].equals("-") ? null : f[2];
          ins.clear();
          outs.clear();
          break;
        case "in":
        case "out":
          (f[0].equals("in") ? ins : outs).add(parse(f));
          break;
        case "end":
          run(mode, key, ins, outs);
          break;
        default:
          throw new IllegalArgumentException("bad spec line: " + line);
      }
    }
    if (interpreter != null) {
      interpreter.close();
    }
  }

  private void open(String path, String how) throws IOException {
    if (interpreter != null) {
      interpreter.close();
    }
    if (how.equals("file")) {
      interpreter = new Interpreter(new File(path));
      return;
    }
    byte[] bytes = Files.readAllBytes(Paths.get(path));
    ByteBuffer buffer =
        how.equals("direct") ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(bytes.length);
    buffer.put(bytes);
    buffer.rewind();
    interpreter = new Interpreter(buffer);
  }

  private static String csv(int[] dims) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      text.append(i > 0 ? "," : "").append(dims[i]);
    }
    return text.toString();
  }

  private void describe(String kind, String key, String name, Tensor t) {
    result.printf("%s\t%s\t%s\t%s\t%s\t%s\t%d%n", kind, key, name, t.dataType(), csv(t.shape()),
        csv(t.shapeSignature()), t.numBytes());
  }

  private void signatures() {
    for (String key : interpreter.getSignatureKeys()) {
      result.println("signature\t" + key);
      for (String name : interpreter.getSignatureInputs(key)) {
        describe("input", key, name, interpreter.getInputTensorFromSignature(name, key));
      }
      for (String name : interpreter.getSignatureOutputs(key)) {
        describe("output", key, name, interpreter.getOutputTensorFromSignature(name, key));
      }
    }
  }

  private static Value parse(String[] f) {
    Value v = new Value();
    v.key = f[1];
    v.dtype = f[2];
    v.shape = f[3].isEmpty() ? new int[0]
        : java.util.Arrays.stream(f[3].split(",")).mapToInt(Integer::parseInt).toArray();
    v.file = f[4];
    v.form = f[5];
    return v;
  }

  private void run(String mode, String key, List<Value> ins, List<Value> outs) throws IOException {
    try {
      for (Value v : ins) {
        v.object = load(v);
      }
      for (Value v : outs) {
        v.object = blank(v);
      }
      if (mode.equals("signature")) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        Map<String, Object> outputs = new LinkedHashMap<>();
        ins.forEach(v -> inputs.put(v.key, v.object));
        outs.forEach(v -> outputs.put(v.key, v.object));
        if (key == null) {
          interpreter.runSignature(inputs, outputs);
        } else {
          interpreter.runSignature(inputs, outputs, key);
        }
      } else {
        Object[] inputs = new Object[ins.size()];
        for (Value v : ins) {
          inputs[Integer.parseInt(v.key)] = v.object;
        }
        Map<Integer, Object> outputs = new LinkedHashMap<>();
        outs.forEach(v -> outputs.put(Integer.parseInt(v.key), v.object));
        if (inputs.length == 1 && outputs.size() == 1 && outputs.containsKey(0)) {
          interpreter.run(inputs[0], outputs.get(0));
        } else {
          interpreter.runForMultipleInputsOutputs(inputs, outputs);
        }
      }
      for (Value v : outs) {
        store(v);
      }
      result.println("ok");
    } catch (RuntimeException e) {
      result.println("error\t" + e.getClass().getName() + "\t" + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
  }

  // ---- values ----------------------------------------------------------------------------------------------

  private static Class<?> component(String dtype) {
    switch (dtype) {
      case "float32": return float.class;
      case "int32": return int.class;
      case "int64": return long.class;
      case "int16": return short.class;
      case "uint8":
      case "int8": return byte.class;
      case "bool": return boolean.class;
      case "string": return String.class;
      default: throw new IllegalArgumentException("driver: no Java type for " + dtype);
    }
  }

  private static int elementSize(String dtype) {
    switch (dtype) {
      case "int64": return 8;
      case "float32":
      case "int32": return 4;
      case "int16": return 2;
      default: return 1;
    }
  }

  private static int count(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  private static Object load(Value v) throws IOException {
    ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(Paths.get(v.file))).order(ByteOrder.LITTLE_ENDIAN);
    if (v.dtype.equals("string")) {
      int n = data.getInt();
      String[] flat = new String[n];
      for (int i = 0; i < n; i++) {
        byte[] bytes = new byte[data.getInt()];
        data.get(bytes);
        flat[i] = new String(bytes, StandardCharsets.UTF_8);
      }
      if (v.shape.length == 0) {
        return flat[0];
      }
      Object array = Array.newInstance(String.class, v.shape);
      fill(array, v.shape.length, flat, new int[] {0});
      return array;
    }
    if (!v.form.equals("array")) {
      return toBuffer(v, data);
    }
    if (v.shape.length == 0) {
      Object one = Array.newInstance(component(v.dtype), 1);
      readInto(one, 1, data, v.dtype);
      return Array.get(one, 0);
    }
    Object array = Array.newInstance(component(v.dtype), v.shape);
    readNested(array, v.shape.length, data, v.dtype);
    return array;
  }

  private static Object toBuffer(Value v, ByteBuffer data) {
    ByteBuffer buffer = v.form.equals("heap") ? ByteBuffer.allocate(data.remaining())
        : ByteBuffer.allocateDirect(data.remaining());
    buffer.order(ByteOrder.nativeOrder());
    // The file is little-endian; element-wise copy keeps values right on any host order.
    int size = elementSize(v.dtype);
    while (data.hasRemaining()) {
      if (size == 8) buffer.putLong(data.getLong());
      else if (size == 4) buffer.putInt(data.getInt());
      else if (size == 2) buffer.putShort(data.getShort());
      else buffer.put(data.get());
    }
    buffer.rewind();
    if (v.form.equals("typed")) {
      switch (v.dtype) {
        case "float32": return buffer.asFloatBuffer();
        case "int32": return buffer.asIntBuffer();
        case "int64": return buffer.asLongBuffer();
        case "int16": return buffer.asShortBuffer();
        default: return buffer;
      }
    }
    return buffer;
  }

  private static void fill(Object array, int levels, Object[] flat, int[] next) {
    for (int i = 0; i < Array.getLength(array); i++) {
      if (levels > 1) {
        fill(Array.get(array, i), levels - 1, flat, next);
      } else {
        Array.set(array, i, flat[next[0]++]);
      }
    }
  }

  private static void readNested(Object array, int levels, ByteBuffer data, String dtype) {
    if (levels == 1) {
      readInto(array, Array.getLength(array), data, dtype);
      return;
    }
    for (int i = 0; i < Array.getLength(array); i++) {
      readNested(Array.get(array, i), levels - 1, data, dtype);
    }
  }

  private static void readInto(Object leaf, int n, ByteBuffer data, String dtype) {
    for (int i = 0; i < n; i++) {
      switch (dtype) {
        case "float32": Array.setFloat(leaf, i, data.getFloat()); break;
        case "int32": Array.setInt(leaf, i, data.getInt()); break;
        case "int64": Array.setLong(leaf, i, data.getLong()); break;
        case "int16": Array.setShort(leaf, i, data.getShort()); break;
        case "bool": Array.setBoolean(leaf, i, data.get() != 0); break;
        default: Array.setByte(leaf, i, data.get()); break;
      }
    }
  }

  private static void writeNested(Object array, int levels, ByteBuffer out, String dtype) {
    for (int i = 0; i < Array.getLength(array); i++) {
      if (levels > 1) {
        writeNested(Array.get(array, i), levels - 1, out, dtype);
        continue;
      }
      switch (dtype) {
        case "float32": out.putFloat(Array.getFloat(array, i)); break;
        case "int32": out.putInt(Array.getInt(array, i)); break;
        case "int64": out.putLong(Array.getLong(array, i)); break;
        case "int16": out.putShort(Array.getShort(array, i)); break;
        case "bool": out.put((byte) (Array.getBoolean(array, i) ? 1 : 0)); break;
        default: out.put(Array.getByte(array, i)); break;
      }
    }
  }

  private static Object blank(Value v) {
    int bytes = count(v.shape) * elementSize(v.dtype);
    switch (v.form) {
      case "array":
        return Array.newInstance(component(v.dtype), v.shape);
      case "heap":
        return ByteBuffer.allocate(bytes).order(ByteOrder.nativeOrder());
      default: {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        if (!v.form.equals("typed")) {
          return buffer;
        }
        switch (v.dtype) {
          case "float32": return buffer.asFloatBuffer();
          case "int32": return buffer.asIntBuffer();
          case "int64": return buffer.asLongBuffer();
          case "int16": return buffer.asShortBuffer();
          default: return buffer;
        }
      }
    }
  }

  private static void store(Value v) throws IOException {
    if (v.dtype.equals("string")) {
      List<byte[]> flat = new ArrayList<>();
      collect(v.object, v.shape.length, flat);
      int size = 4;
      for (byte[] s : flat) {
        size += 4 + s.length;
      }
      ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
      out.putInt(flat.size());
      for (byte[] s : flat) {
        out.putInt(s.length).put(s);
      }
      Files.write(Paths.get(v.file), out.array());
      return;
    }
    ByteBuffer out = ByteBuffer.allocate(count(v.shape) * elementSize(v.dtype)).order(ByteOrder.LITTLE_ENDIAN);
    if (v.form.equals("array")) {
      writeNested(v.object, v.shape.length, out, v.dtype);
    } else {
      // Buffers were filled in native order at their start; re-read them element-wise.
      java.nio.Buffer buffer = (java.nio.Buffer) v.object;
      buffer.rewind();
      ByteBuffer bytes = buffer instanceof ByteBuffer ? (ByteBuffer) buffer : null;
      for (int i = 0; i < count(v.shape); i++) {
        if (bytes == null) {
          if (buffer instanceof java.nio.FloatBuffer) out.putFloat(((java.nio.FloatBuffer) buffer).get());
          else if (buffer instanceof java.nio.IntBuffer) out.putInt(((java.nio.IntBuffer) buffer).get());
          else if (buffer instanceof java.nio.LongBuffer) out.putLong(((java.nio.LongBuffer) buffer).get());
          else out.putShort(((java.nio.ShortBuffer) buffer).get());
        } else {
          int size = elementSize(v.dtype);
          if (size == 8) out.putLong(bytes.getLong());
          else if (size == 4) out.putInt(bytes.getInt());
          else if (size == 2) out.putShort(bytes.getShort());
          else out.put(bytes.get());
        }
      }
    }
    Files.write(Paths.get(v.file), out.array());
  }

  private static void collect(Object array, int levels, List<byte[]> out) {
    for (int i = 0; i < Array.getLength(array); i++) {
      Object item = Array.get(array, i);
      if (levels > 1) {
        collect(item, levels - 1, out);
      } else {
        out.add(((String) item).getBytes(StandardCharsets.UTF_8));
      }
    }
  }
}
