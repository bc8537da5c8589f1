/*
 * EncodeDecode — the signatures walk-through of examples/encode_decode in Java: load a model with two
 * signatures that share weights, list them, run `encode` on a fixed batch with runSignature and feed its
 * output to `decode`. Prints the same report as the C example (build/example_encode_decode).
 *
 *   java -Djava.library.path=OUT -cp OUT/sigrun.jar:OUT/test-classes EncodeDecode [MODEL]
 */
import java.io.File;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.sigrun.Interpreter;
import org.sigrun.Tensor;

public final class EncodeDecode {
  private static String shape(int[] dims) {
    StringBuilder text = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      text.append(i > 0 ? ", " : "").append(dims[i]);
    }
    return text.append(")").toString();
  }

  private static void printMatrix(String title, float[][] m) {
    System.out.printf("%s (%d, %d):%n", title, m.length, m[0].length);
    for (float[] row : m) {
      StringBuilder line = new StringBuilder("  ");
      for (float v : row) {
        line.append(String.format(" %9.5f", v));
      }
      System.out.println(line);
    }
  }

  public static void main(String[] args) {
    String path = args.length > 0 ? args[0] : "examples/encode_decode/encode_decode.tflite";
    try (Interpreter interpreter = new Interpreter(new File(path))) {
      String[] keys = interpreter.getSignatureKeys();
      System.out.printf("%s: %d signatures%n", path, keys.length);
      for (String key : keys) {
        System.out.printf("signature '%s'%n", key);
        for (String name : interpreter.getSignatureInputs(key)) {
          Tensor t = interpreter.getInputTensorFromSignature(name, key);
          System.out.printf("  input  %-8s %s %s%n", name, t.dataType().toString().toLowerCase(), shape(t.shape()));
        }
        for (String name : interpreter.getSignatureOutputs(key)) {
          Tensor t = interpreter.getOutputTensorFromSignature(name, key);
          System.out.printf("  output %-8s %s %s%n", name, t.dataType().toString().toLowerCase(), shape(t.shape()));
        }
      }

      // runSignature resizes x from (1, 4) to the array's (2, 4); the output array must have the new shape.
      float[][] x = {{1.0f, 2.0f, 3.0f, 4.0f}, {-1.0f, 0.5f, 0.0f, 2.0f}};
      float[][] encoded = new float[2][2];
      Map<String, Object> inputs = new HashMap<>();
      Map<String, Object> outputs = new HashMap<>();
      inputs.put("x", x);
      outputs.put("encoded", encoded);
      interpreter.runSignature(inputs, outputs, "encode");
      System.out.println();
      printMatrix("encode(x) -> encoded", encoded);

      float[][] decoded = new float[2][4];
      inputs.clear();
      outputs.clear();
      inputs.put("y", encoded);
      outputs.put("decoded", decoded);
      interpreter.runSignature(inputs, outputs, "decode");
      printMatrix("decode(encoded) -> decoded", decoded);
      System.out.println("output shape after the run: "
          + Arrays.toString(interpreter.getOutputTensorFromSignature("decoded", "decode").shape()));
    }
  }
}
