/*
 * InterpreterTest — a self-contained assertion main for the Java binding (Debian ships no JUnit with the
 * JDK): API facts and every error path on the shipped encode/decode model, plus an optional model without
 * signatures. Prints one line per failed check and "N passed, N failed"; exits 1 on any failure.
 *
 *   java ... org.sigrun.tests.InterpreterTest ENCODE_DECODE.tflite [NO_SIGNATURE.tflite]
 */
package org.sigrun.tests;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.sigrun.DataType;
import org.sigrun.Interpreter;
import org.sigrun.Tensor;

public final class InterpreterTest {
  private static int passed;
  private static int failed;

  interface Body {
    void run() throws Exception;
  }

  private static void check(String name, boolean ok) {
    if (ok) {
      passed++;
    } else {
      failed++;
      System.out.println("FAIL " + name);
    }
  }

  /** body must throw `type` whose message contains every `parts`. */
  private static void raises(String name, Class<? extends Throwable> type, Body body, String... parts) {
    try {
      body.run();
      check(name + ": no exception", false);
    } catch (Throwable t) {
      boolean ok = type.isInstance(t);
      String message = String.valueOf(t.getMessage());
      for (String part : parts) {
        ok &= message.contains(part);
      }
      if (!ok) {
        System.out.println("  got " + t.getClass().getName() + ": " + message);
      }
      check(name, ok);
    }
  }

  private static Map<String, Object> map(String key, Object value) {
    Map<String, Object> m = new HashMap<>();
    m.put(key, value);
    return m;
  }

  private static float[][] encode(Interpreter interpreter, float[][] x) {
    float[][] out = new float[x.length][2];
    interpreter.runSignature(map("x", x), map("encoded", out), "encode");
    return out;
  }

  private static boolean close(float[][] a, float[][] b) {
    if (a.length != b.length) return false;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        if (Math.abs(a[i][j] - b[i][j]) > 1e-6f) return false;
      }
    }
    return true;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: InterpreterTest ENCODE_DECODE.tflite [NO_SIGNATURE.tflite]");
      System.exit(2);
    }
    File model = new File(args[0]);
    float[][] x = {{1f, 2f, 3f, 4f}, {-1f, 0.5f, 0f, 2f}};
    float[][] reference;
    try (Interpreter interpreter = new Interpreter(model)) {
      signatureFacts(interpreter);
      reference = encode(interpreter, x);
      check("output tensor shape follows the resize",
          Arrays.equals(interpreter.getOutputTensorFromSignature("encoded", "encode").shape(), new int[] {2, 2}));
      float[][] rowByRow = {encode(interpreter, new float[][] {x[0]})[0], encode(interpreter, new float[][] {x[1]})[0]};
      check("batch of 2 equals two batches of 1", close(reference, rowByRow));
      encode(interpreter, x); // back to (2, 4) for the buffer checks
      buffers(interpreter, x, reference);
      errors(interpreter);
      indexApi(interpreter);
    }
    loading(model, x, reference);
    closed(model);
    threads(model, x, reference);
    if (args.length > 1) {
      noSignatures(new File(args[1]));
    }
    System.out.println(passed + " passed, " + failed + " failed");
    System.exit(failed == 0 ? 0 : 1);
  }

  private static void signatureFacts(Interpreter interpreter) {
    check("signature keys in file order",
        Arrays.equals(interpreter.getSignatureKeys(), new String[] {"decode", "encode"}));
    check("inputs of encode", Arrays.equals(interpreter.getSignatureInputs("encode"), new String[] {"x"}));
    check("outputs of decode", Arrays.equals(interpreter.getSignatureOutputs("decode"), new String[] {"decoded"}));
    Tensor x = interpreter.getInputTensorFromSignature("x", "encode");
    check("x is float32", x.dataType() == DataType.FLOAT32);
    check("x shape (1, 4)", Arrays.equals(x.shape(), new int[] {1, 4}));
    check("x shape signature (-1, 4)", Arrays.equals(x.shapeSignature(), new int[] {-1, 4}));
    check("x numBytes", x.numBytes() == 16 && x.numElements() == 4 && x.numDimensions() == 2);
    check("x tensor name", x.name().contains("x"));
    check("x is not quantized", x.quantizationParams().getScale() == 0f);
    Tensor decoded = interpreter.getOutputTensorFromSignature("decoded", "decode");
    check("decoded shape (1, 4)", Arrays.equals(decoded.shape(), new int[] {1, 4}));
    check("DataType numbers are LiteRT's", DataType.FLOAT32.byteSize() == 4 && DataType.INT64.byteSize() == 8);
    check("version", Interpreter.version().matches("\\d+\\.\\d+\\.\\d+"));
  }

  private static void buffers(Interpreter interpreter, float[][] x, float[][] reference) {
    // Buffers never resize: a (2, 4) input needs the tensor at (2, 4) already (it is, after the array run).
    ByteBuffer in = ByteBuffer.allocateDirect(32).order(ByteOrder.nativeOrder());
    for (float[] row : x) {
      for (float v : row) in.putFloat(v);
    }
    in.rewind();
    ByteBuffer out = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    interpreter.runSignature(map("x", in), map("encoded", out), "encode");
    check("direct output buffer position advanced", out.position() == 16);
    out.rewind();
    float[][] got = {{out.getFloat(), out.getFloat()}, {out.getFloat(), out.getFloat()}};
    check("direct ByteBuffer in and out", close(got, reference));

    FloatBuffer typed = FloatBuffer.allocate(4);
    FloatBuffer typedIn = FloatBuffer.wrap(new float[] {1f, 2f, 3f, 4f, -1f, 0.5f, 0f, 2f});
    interpreter.runSignature(map("x", typedIn), map("encoded", typed), "encode");
    check("FloatBuffer in and out", close(new float[][] {{typed.get(0), typed.get(1)}, {typed.get(2), typed.get(3)}},
        reference));
    ByteBuffer heap = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    interpreter.runSignature(map("x", x), map("encoded", heap), "encode");
    check("heap ByteBuffer output", Math.abs(heap.getFloat(0) - reference[0][0]) < 1e-6f);

    raises("input buffer of the wrong size", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", ByteBuffer.allocateDirect(12)), map("encoded", new float[2][2]),
            "encode"),
        "Cannot copy to a TensorFlowLite tensor", "with 32 bytes from a Java Buffer with 12 bytes");
    raises("output buffer too small", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", x), map("encoded", ByteBuffer.allocateDirect(8)), "encode"),
        "with 16 bytes to a Java Buffer with 8 bytes");
    raises("read-only output buffer", ReadOnlyBufferException.class,
        () -> interpreter.runSignature(map("x", x), map("encoded", ByteBuffer.allocateDirect(16).asReadOnlyBuffer()),
            "encode"));
  }

  private static void errors(Interpreter interpreter) {
    float[][] x = {{1f, 2f, 3f, 4f}};
    Map<String, Object> out = map("encoded", new float[1][2]);
    raises("null inputs", IllegalArgumentException.class, () -> interpreter.runSignature(null, out, "encode"),
        "Input error: Inputs should not be null or empty.");
    raises("empty inputs", IllegalArgumentException.class,
        () -> interpreter.runSignature(new HashMap<>(), out, "encode"), "Inputs should not be null or empty.");
    raises("null outputs", IllegalArgumentException.class, () -> interpreter.runSignature(map("x", x), null, "encode"),
        "Input error: Outputs should not be null.");
    raises("null key with two signatures", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", x), out), "signatureKey should not be null",
        "Available Signatures: [decode, encode]");
    raises("null key for getSignatureInputs", IllegalArgumentException.class,
        () -> interpreter.getSignatureInputs(null), "Available Signatures");
    raises("unknown key", IllegalArgumentException.class, () -> interpreter.runSignature(map("x", x), out, "nope"),
        "Input error: Signature nope not found.");
    raises("unknown key for tensors", IllegalArgumentException.class,
        () -> interpreter.getInputTensorFromSignature("x", "nope"), "Signature nope not found.");
    raises("unknown input name", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("nope", x), out, "encode"), "Input error: input nope not found.");
    raises("null input name", IllegalArgumentException.class,
        () -> interpreter.runSignature(map(null, x), out, "encode"), "Input error: input null not found.");
    raises("unknown output name", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", x), map("nope", new float[1][2]), "encode"),
        "Input error: output nope not found.");
    raises("unknown tensor name", IllegalArgumentException.class,
        () -> interpreter.getOutputTensorFromSignature("nope", "encode"), "Input error: output nope not found.");
    raises("int array for a float tensor", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", new int[1][4]), out, "encode"),
        "Cannot convert between a TensorFlowLite tensor with type FLOAT32 and a Java object of type [[I",
        "compatible with the TensorFlowLite type INT32");
    raises("double array", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", new double[1][4]), out, "encode"),
        "DataType error: cannot resolve DataType of [[D");
    raises("boxed Float array", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", new Float[1][4]), out, "encode"), "cannot resolve DataType");
    raises("ragged array", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", new float[][] {{1f, 2f, 3f, 4f}, {1f}}), out, "encode"),
        "Mismatched lengths (4 and 1) in dimension 1");
    raises("null row", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", new float[][] {{1f, 2f, 3f, 4f}, null}), out, "encode"), "null");
    raises("zero-length array", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", new float[0][4]), out, "encode"), "Array lengths cannot be 0.");
    raises("null input value", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", null), out, "encode"), "Null inputs are allowed only");
    raises("output array of the wrong shape", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", x), map("encoded", new float[3][2]), "encode"),
        "Cannot copy from a TensorFlowLite tensor", "with shape [1, 2] to a Java object with shape [3, 2]");
    raises("output array of the wrong type", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", x), map("encoded", new long[1][2]), "encode"),
        "Cannot convert between a TensorFlowLite tensor with type FLOAT32");
    raises("scalar output", IllegalArgumentException.class,
        () -> interpreter.runSignature(map("x", x), map("encoded", 1.0f), "encode"), "Cannot copy from");
    // (1, 3) is a legal resize for the dynamic batch but FULLY_CONNECTED refuses it when preparing.
    raises("inner dimension that the model refuses", IllegalStateException.class,
        () -> interpreter.runSignature(map("x", new float[1][3]), out, "encode"),
        "Internal error: Unexpected failure when preparing tensor allocations: ");
    // ... and the interpreter recovers with a good shape.
    float[][] good = new float[1][2];
    interpreter.runSignature(map("x", x), map("encoded", good), "encode");
    check("runs again after a failed allocation", good[0][0] != 0f);
    Map<String, Object> skipped = map("encoded", null);
    interpreter.runSignature(map("x", x), skipped, "encode");
    check("null output values are skipped", true);
  }

  private static void indexApi(Interpreter interpreter) {
    // The primary subgraph (0) is `decode`'s: one input y, one output.
    check("input count", interpreter.getInputTensorCount() == 1 && interpreter.getOutputTensorCount() == 1);
    float[][] decoded = new float[1][4];
    interpreter.run(new float[][] {{0.5f, -0.5f}}, decoded);
    float[][] viaSignature = new float[1][4];
    interpreter.runSignature(map("y", new float[][] {{0.5f, -0.5f}}), map("decoded", viaSignature), "decode");
    check("run() on subgraph 0 equals the decode signature", close(decoded, viaSignature));
    check("last inference duration", interpreter.getLastNativeInferenceDurationNanoseconds() >= 0);
    raises("input index out of range", IllegalArgumentException.class, () -> interpreter.getInputTensor(5),
        "Invalid input Tensor index: 5");
    raises("output index out of range", IllegalArgumentException.class,
        () -> interpreter.runForMultipleInputsOutputs(new Object[] {new float[1][2]}, Map.of(3, new float[1][4])),
        "Invalid output Tensor index: 3");
    raises("too many inputs", IllegalArgumentException.class,
        () -> interpreter.runForMultipleInputsOutputs(new Object[] {new float[1][2], new float[1][2]}, Map.of()),
        "Invalid input Tensor index: 1");
    raises("null input array", IllegalArgumentException.class,
        () -> interpreter.runForMultipleInputsOutputs(null, Map.of()), "Inputs should not be null or empty.");
    String name = interpreter.getInputTensor(0).name();
    check("getInputIndex", interpreter.getInputIndex(name) == 0);
    raises("getInputIndex unknown", IllegalArgumentException.class, () -> interpreter.getInputIndex("nope"),
        "'nope' is not a valid name for any input");
    interpreter.resizeInput(0, new int[] {3, 2});
    interpreter.allocateTensors();
    check("resizeInput + allocateTensors", Arrays.equals(interpreter.getOutputTensor(0).shape(), new int[] {3, 4}));
    raises("strict resize of a static dimension", IllegalArgumentException.class,
        () -> interpreter.resizeInput(0, new int[] {3, 5}, true), "Failed to resize input 0");
    raises("null dims", IllegalArgumentException.class, () -> interpreter.resizeInput(0, null), "dims");
  }

  private static void loading(File model, float[][] x, float[][] reference) throws IOException {
    byte[] bytes = Files.readAllBytes(model.toPath());
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
    direct.put(bytes);
    try (Interpreter fromDirect = new Interpreter(direct)) {
      check("direct ByteBuffer model", close(encode(fromDirect, x), reference));
    }
    ByteBuffer heap = ByteBuffer.wrap(bytes);
    heap.position(100); // the whole buffer is the model, whatever its position
    try (Interpreter fromHeap = new Interpreter(heap, new Interpreter.Options().setNumThreads(2))) {
      check("heap ByteBuffer model (copied)", close(encode(fromHeap, x), reference));
    }
    raises("missing file", IllegalArgumentException.class, () -> new Interpreter(new File("/nonexistent/m.tflite")),
        "does not encode a valid TensorFlow Lite model");
    raises("garbage buffer", IllegalArgumentException.class,
        () -> new Interpreter(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})),
        "does not encode a valid TensorFlow Lite model");
    raises("truncated model", IllegalArgumentException.class,
        () -> new Interpreter(ByteBuffer.wrap(Arrays.copyOf(bytes, bytes.length / 2))), "valid TensorFlow Lite model");
    raises("null file", IllegalArgumentException.class, () -> new Interpreter((File) null), "null");
    raises("null buffer", IllegalArgumentException.class, () -> new Interpreter((ByteBuffer) null), "null");
    raises("negative thread count", IllegalArgumentException.class,
        () -> new Interpreter(model, new Interpreter.Options().setNumThreads(-2)), "numThreads");
    // Interpreters dropped without close() are freed by the Cleaner.
    for (int i = 0; i < 50; i++) {
      new Interpreter(model).getSignatureKeys();
    }
    System.gc();
    check("unclosed interpreters are collectable", true);
  }

  private static void closed(File model) {
    Interpreter interpreter = new Interpreter(model);
    Tensor tensor = interpreter.getInputTensorFromSignature("x", "encode");
    interpreter.close();
    interpreter.close();
    check("close is idempotent", true);
    check("a Tensor outlives its interpreter", Arrays.equals(tensor.shape(), new int[] {1, 4}));
    String message = "has already been closed";
    raises("closed: runSignature", IllegalStateException.class,
        () -> interpreter.runSignature(map("x", new float[1][4]), map("encoded", new float[1][2]), "encode"), message);
    raises("closed: getSignatureKeys", IllegalStateException.class, interpreter::getSignatureKeys, message);
    raises("closed: getSignatureInputs", IllegalStateException.class, () -> interpreter.getSignatureInputs("encode"),
        message);
    raises("closed: tensor", IllegalStateException.class,
        () -> interpreter.getOutputTensorFromSignature("encoded", "encode"), message);
    raises("closed: run", IllegalStateException.class, () -> interpreter.run(new float[1][2], new float[1][4]),
        message);
    raises("closed: getInputTensor", IllegalStateException.class, () -> interpreter.getInputTensor(0), message);
    raises("closed: allocateTensors", IllegalStateException.class, interpreter::allocateTensors, message);
  }

  private static void threads(File model, float[][] x, float[][] reference) throws InterruptedException {
    // Calls from several threads are serialized; close() during them never frees memory under a call.
    Interpreter interpreter = new Interpreter(model);
    AtomicInteger wrong = new AtomicInteger();
    Thread[] workers = new Thread[3];
    for (int t = 0; t < workers.length; t++) {
      workers[t] = new Thread(() -> {
        for (int i = 0; i < 200; i++) {
          try {
            if (!close(encode(interpreter, x), reference)) wrong.incrementAndGet();
          } catch (IllegalStateException closedMeanwhile) {
            return;
          }
        }
      });
      workers[t].start();
    }
    Thread.sleep(20);
    interpreter.close();
    for (Thread worker : workers) worker.join();
    check("concurrent calls and close", wrong.get() == 0);
  }

  private static void noSignatures(File model) {
    try (Interpreter interpreter = new Interpreter(model)) {
      check("no signatures: empty key list", interpreter.getSignatureKeys().length == 0);
      raises("no signatures: runSignature", IllegalArgumentException.class,
          () -> interpreter.runSignature(map("a", new float[1]), new HashMap<>()), "Available Signatures: []");
      raises("no signatures: the placeholder key is not a Java key", IllegalArgumentException.class,
          () -> interpreter.getSignatureInputs("<placeholder signature>"), "not found");
      check("no signatures: index API has inputs", interpreter.getInputTensorCount() >= 1);
    }
  }
}
