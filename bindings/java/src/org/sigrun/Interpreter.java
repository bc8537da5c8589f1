/*
 * Interpreter — LiteRT's Java Interpreter (org.tensorflow.lite.Interpreter) over sigrun: signatures
 * (runSignature, getSignatureKeys/Inputs/Outputs, get*TensorFromSignature) and the index-based API of the
 * primary subgraph (run, runForMultipleInputsOutputs, resizeInput, getInputTensor, ...).
 *
 * Ownership: one sigrun_model and one sigrun_interpreter, freed by close() or, if the object is dropped
 * unclosed, by a Cleaner. Runners belong to the C interpreter; their pointers are cached per key. Every
 * public method is synchronized and checks for close() first, so no call can reach freed memory.
 */
package org.sigrun;

import java.io.File;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a LiteRT (.tflite) model. Not meant for concurrent use; calls from several threads are serialized. */
public final class Interpreter implements AutoCloseable {

  /** Interpreter options (LiteRT's Interpreter.Options). Options sigrun has no use for are accepted and ignored. */
  public static class Options {
    int numThreads = -1;

    public Options() {}

    /** Threads for operators; -1 (default) lets the runtime choose. Kept for API compatibility: sigrun's
     *  kernels currently run on the calling thread. */
    public Options setNumThreads(int numThreads) {
      this.numThreads = numThreads;
      return this;
    }

    public int getNumThreads() {
      return numThreads;
    }

    /** Accepted for compatibility; sigrun has no delegates. */
    public Options setUseXNNPACK(boolean useXNNPACK) {
      return this;
    }

    /** Accepted for compatibility; sigrun has no delegates. */
    public Options setUseNNAPI(boolean useNNAPI) {
      return this;
    }
  }

  /** The native objects, separate from the Interpreter so the Cleaner can free them without reviving it. */
  private static final class Handles implements Runnable {
    long model;
    long interpreter;
    ByteBuffer borrowed; // a direct model buffer the model reads from; kept alive as long as the model

    @Override
    public void run() {
      long i = interpreter;
      long m = model;
      interpreter = 0;
      model = 0;
      borrowed = null;
      if (i != 0) {
        NativeApi.destroyInterpreter(i);
      }
      if (m != 0) {
        NativeApi.destroyModel(m);
      }
    }
  }

  private static final Cleaner CLEANER = Cleaner.create();

  private final Handles handles = new Handles();
  private final Cleaner.Cleanable cleanable;
  private final String[] signatureKeys;
  private final Map<String, Long> runners = new HashMap<>();
  private long primary;
  private long lastInferenceNanos = -1;

  /** Loads a model file (memory-mapped, verified). */
  public Interpreter(File modelFile) {
    this(modelFile, null);
  }

  public Interpreter(File modelFile, Options options) {
    cleanable = CLEANER.register(this, handles);
    if (modelFile == null) {
      throw new IllegalArgumentException("Input error: modelFile should not be null.");
    }
    String path = modelFile.getAbsolutePath();
    try {
      handles.model = NativeApi.loadFile(Values.utf8(path));
    } catch (NativeException e) {
      throw new IllegalArgumentException(
          "Contents of " + path + " does not encode a valid TensorFlow Lite model: " + e.getMessage(), e);
    }
    signatureKeys = init(options);
  }

  /**
   * Loads a model from a buffer holding the whole file (from index 0 to its capacity). A direct buffer
   * (e.g. a MappedByteBuffer) is read in place and must not change while the interpreter lives; any other
   * buffer is copied.
   */
  public Interpreter(ByteBuffer byteBuffer) {
    this(byteBuffer, null);
  }

  public Interpreter(ByteBuffer byteBuffer, Options options) {
    cleanable = CLEANER.register(this, handles);
    if (byteBuffer == null) {
      throw new IllegalArgumentException("Input error: model ByteBuffer should not be null.");
    }
    ByteBuffer source = byteBuffer;
    boolean copy = !byteBuffer.isDirect();
    if (copy) {
      ByteBuffer whole = byteBuffer.duplicate();
      whole.clear();
      source = ByteBuffer.allocateDirect(whole.capacity()).order(ByteOrder.nativeOrder());
      source.put(whole);
    }
    try {
      handles.model = NativeApi.loadBuffer(source, copy);
    } catch (NativeException e) {
      throw new IllegalArgumentException(
          "The model ByteBuffer does not encode a valid TensorFlow Lite model: " + e.getMessage(), e);
    }
    if (!copy) {
      handles.borrowed = byteBuffer;
    }
    signatureKeys = init(options);
  }

  private String[] init(Options options) {
    int threads = options == null ? -1 : options.numThreads;
    if (threads < -1) {
      close();
      throw new IllegalArgumentException("Input error: numThreads should be -1 (the default) or at least 0, got "
          + threads + ".");
    }
    try {
      handles.interpreter = NativeApi.createInterpreter(handles.model, threads < 1 ? 1 : threads);
      byte[][] keys = NativeApi.signatureKeys(handles.model);
      String[] result = new String[keys.length];
      for (int i = 0; i < keys.length; i++) {
        result[i] = Values.utf8(keys[i]);
      }
      // LiteRT allocates the primary subgraph when it builds the interpreter; do the same so a model that
      // cannot be prepared fails here.
      primary = NativeApi.primaryRunner(handles.interpreter);
      NativeApi.allocate(primary);
      return result;
    } catch (NativeException e) {
      boolean created = handles.interpreter != 0;
      close();
      if (!created) {
        throw new IllegalArgumentException("Internal error: Cannot create interpreter: " + e.getMessage(), e);
      }
      throw new IllegalStateException(
          "Internal error: Unexpected failure when preparing tensor allocations: " + e.getMessage(), e);
    }
  }

  /** Frees the native interpreter and model. Later calls throw IllegalStateException. Idempotent. */
  @Override
  public synchronized void close() {
    runners.clear();
    primary = 0;
    cleanable.clean();
  }

  private void checkNotClosed() {
    if (handles.interpreter == 0) {
      throw new IllegalStateException("Internal error: The Interpreter has already been closed.");
    }
  }

  // ---- signatures ----------------------------------------------------------------------------------------

  /** Signature keys in file order; empty for a model without SignatureDefs. */
  public synchronized String[] getSignatureKeys() {
    checkNotClosed();
    return signatureKeys.clone();
  }

  /** Input names of a signature, sorted as LiteRT lists them. A null key means the model's only signature. */
  public synchronized String[] getSignatureInputs(String signatureKey) {
    checkNotClosed();
    return names(NativeApi.inputNames(runnerFor(resolveKey(signatureKey))));
  }

  public synchronized String[] getSignatureOutputs(String signatureKey) {
    checkNotClosed();
    return names(NativeApi.outputNames(runnerFor(resolveKey(signatureKey))));
  }

  public synchronized Tensor getInputTensorFromSignature(String inputName, String signatureKey) {
    checkNotClosed();
    return Tensor.snapshot(inputTensor(runnerFor(resolveKey(signatureKey)), inputName));
  }

  public synchronized Tensor getOutputTensorFromSignature(String outputName, String signatureKey) {
    checkNotClosed();
    return Tensor.snapshot(outputTensor(runnerFor(resolveKey(signatureKey)), outputName));
  }

  /** runSignature with the model's only signature. */
  public void runSignature(Map<String, Object> inputs, Map<String, Object> outputs) {
    runSignature(inputs, outputs, null);
  }

  /**
   * Runs a signature: resizes each input whose array shape differs from the tensor's, allocates, copies the
   * inputs in, invokes and copies the requested outputs out (null output values are skipped). Inputs left out
   * of the map are not written.
   */
  public synchronized void runSignature(Map<String, Object> inputs, Map<String, Object> outputs,
      String signatureKey) {
    checkNotClosed();
    String key = resolveKey(signatureKey);
    if (inputs == null || inputs.isEmpty()) {
      throw new IllegalArgumentException("Input error: Inputs should not be null or empty.");
    }
    if (outputs == null) {
      throw new IllegalArgumentException("Input error: Outputs should not be null.");
    }
    long runner = runnerFor(key);
    List<String> names = new ArrayList<>();
    List<Long> tensors = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (Map.Entry<String, Object> input : inputs.entrySet()) {
      long tensor = inputTensor(runner, input.getKey());
      Tensor info = Tensor.snapshot(tensor);
      int[] shape = Values.inputShapeIfDifferent(input.getValue(), info.dataType(), info.shape());
      if (shape != null) {
        try {
          NativeApi.resizeInput(runner, Values.utf8(input.getKey()), shape, false);
        } catch (NativeException e) {
          throw (IllegalArgumentException) new IllegalArgumentException(String.format(
              "Tensor passed for input '%s' of signature '%s' has different shape than expected",
              input.getKey(), key)).initCause(new IllegalArgumentException(e.getMessage(), e));
        }
      }
      names.add(input.getKey());
      tensors.add(tensor);
      values.add(input.getValue());
    }
    Map<Long, Object> out = new HashMap<>();
    List<Long> order = new ArrayList<>();
    for (Map.Entry<String, Object> output : outputs.entrySet()) {
      long tensor = outputTensor(runner, output.getKey());
      if (output.getValue() != null) {
        out.put(tensor, output.getValue());
        order.add(tensor);
      }
    }
    allocate(runner);
    for (int i = 0; i < names.size(); i++) {
      Values.write(runner, names.get(i), tensors.get(i), values.get(i));
    }
    invoke(runner);
    for (Long tensor : order) {
      Values.read(tensor, out.get(tensor));
    }
  }

  // ---- the primary subgraph, by index -------------------------------------------------------------------

  /** Runs a model with one input and one output (LiteRT's run). */
  public void run(Object input, Object output) {
    Map<Integer, Object> outputs = new HashMap<>();
    outputs.put(0, output);
    runForMultipleInputsOutputs(new Object[] {input}, outputs);
  }

  /** Runs the primary subgraph: inputs by position, outputs by index (null values skipped). */
  public synchronized void runForMultipleInputsOutputs(Object[] inputs, Map<Integer, Object> outputs) {
    checkNotClosed();
    if (inputs == null || inputs.length == 0) {
      throw new IllegalArgumentException("Input error: Inputs should not be null or empty.");
    }
    if (outputs == null) {
      throw new IllegalArgumentException("Input error: Outputs should not be null.");
    }
    long runner = primary;
    long[] tensors = new long[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      tensors[i] = inputAt(i);
      Tensor info = Tensor.snapshot(tensors[i]);
      int[] shape = Values.inputShapeIfDifferent(inputs[i], info.dataType(), info.shape());
      if (shape != null) {
        resize(i, shape, false);
      }
    }
    Map<Long, Object> out = new HashMap<>();
    List<Long> order = new ArrayList<>();
    for (Map.Entry<Integer, Object> output : outputs.entrySet()) {
      if (output.getKey() == null) {
        throw new IllegalArgumentException("Invalid output Tensor index: null");
      }
      long tensor = outputAt(output.getKey());
      if (output.getValue() != null) {
        out.put(tensor, output.getValue());
        order.add(tensor);
      }
    }
    allocate(runner);
    for (int i = 0; i < inputs.length; i++) {
      Values.write(runner, primaryInputName(i), tensors[i], inputs[i]);
    }
    invoke(runner);
    for (Long tensor : order) {
      Values.read(tensor, out.get(tensor));
    }
  }

  public synchronized int getInputTensorCount() {
    checkNotClosed();
    return NativeApi.subgraphInputCount(primary);
  }

  public synchronized int getOutputTensorCount() {
    checkNotClosed();
    return NativeApi.subgraphOutputCount(primary);
  }

  public synchronized Tensor getInputTensor(int inputIndex) {
    checkNotClosed();
    return Tensor.snapshot(inputAt(inputIndex));
  }

  public synchronized Tensor getOutputTensor(int outputIndex) {
    checkNotClosed();
    return Tensor.snapshot(outputAt(outputIndex));
  }

  /** Index of the primary subgraph input whose tensor is named opName. */
  public synchronized int getInputIndex(String opName) {
    checkNotClosed();
    return indexOf(opName, true);
  }

  public synchronized int getOutputIndex(String opName) {
    checkNotClosed();
    return indexOf(opName, false);
  }

  /** Changes input idx's shape (any dimension); takes effect at the next allocateTensors or run. */
  public void resizeInput(int idx, int[] dims) {
    resizeInput(idx, dims, false);
  }

  /** strict: only dimensions that are -1 in the shape signature may change (LiteRT's strict resize). */
  public synchronized void resizeInput(int idx, int[] dims, boolean strict) {
    checkNotClosed();
    if (dims == null) {
      throw new IllegalArgumentException("Input error: dims should not be null.");
    }
    inputAt(idx);
    resize(idx, dims.clone(), strict);
  }

  public synchronized void allocateTensors() {
    checkNotClosed();
    allocate(primary);
  }

  /** Wall time of the last invoke in nanoseconds; -1 before the first. */
  public synchronized Long getLastNativeInferenceDurationNanoseconds() {
    checkNotClosed();
    return lastInferenceNanos < 0 ? null : lastInferenceNanos;
  }

  /** sigrun's version string ("major.minor.patch"). */
  public static String version() {
    return Values.utf8(NativeApi.version());
  }

  // ---- helpers (called with the lock held and the interpreter open) -------------------------------------

  private String resolveKey(String signatureKey) {
    if (signatureKey == null && signatureKeys.length == 1) {
      return signatureKeys[0];
    }
    if (signatureKey == null) {
      throw new IllegalArgumentException("Input error: SignatureDef signatureKey should not be null. null is only "
          + "allowed if the model has a single Signature. Available Signatures: " + Arrays.toString(signatureKeys));
    }
    return signatureKey;
  }

  private long runnerFor(String key) {
    Long runner = runners.get(key);
    if (runner == null) {
      if (!Arrays.asList(signatureKeys).contains(key)) { // the C API would also accept its placeholder key
        throw new IllegalArgumentException("Input error: Signature " + key + " not found.");
      }
      try {
        runner = NativeApi.runner(handles.interpreter, Values.utf8(key));
      } catch (NativeException e) {
        throw new IllegalArgumentException("Input error: Signature " + key + " not found. " + e.getMessage(), e);
      }
      runners.put(key, runner);
    }
    return runner;
  }

  private static long inputTensor(long runner, String name) {
    try {
      return NativeApi.inputTensor(runner, Values.utf8(name == null ? "" : name));
    } catch (NativeException e) {
      throw new IllegalArgumentException("Input error: input " + name + " not found.", e);
    }
  }

  private static long outputTensor(long runner, String name) {
    try {
      return NativeApi.outputTensor(runner, Values.utf8(name == null ? "" : name));
    } catch (NativeException e) {
      throw new IllegalArgumentException("Input error: output " + name + " not found.", e);
    }
  }

  private long inputAt(int index) {
    long tensor = index < 0 ? 0 : NativeApi.subgraphInput(primary, index);
    if (tensor == 0) {
      throw new IllegalArgumentException("Invalid input Tensor index: " + index);
    }
    return tensor;
  }

  private long outputAt(int index) {
    long tensor = index < 0 ? 0 : NativeApi.subgraphOutput(primary, index);
    if (tensor == 0) {
      throw new IllegalArgumentException("Invalid output Tensor index: " + index);
    }
    return tensor;
  }

  /** The primary runner's name for subgraph input i (sigrun resizes and packs strings by name). */
  private String primaryInputName(int index) {
    int tensorIndex = NativeApi.tensorIndex(inputAt(index));
    for (String name : names(NativeApi.inputNames(primary))) {
      if (NativeApi.tensorIndex(inputTensor(primary, name)) == tensorIndex) {
        return name;
      }
    }
    throw new IllegalStateException("Internal error: input " + index + " of the primary subgraph has no name");
  }

  private void resize(int index, int[] dims, boolean strict) {
    try {
      NativeApi.resizeInput(primary, Values.utf8(primaryInputName(index)), dims, strict);
    } catch (NativeException e) {
      throw new IllegalArgumentException("Internal error: Failed to resize input " + index + ": " + e.getMessage(), e);
    }
  }

  private int indexOf(String opName, boolean inputs) {
    int count = inputs ? NativeApi.subgraphInputCount(primary) : NativeApi.subgraphOutputCount(primary);
    Map<String, Integer> known = new java.util.LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      long tensor = inputs ? inputAt(i) : outputAt(i);
      known.put(Values.utf8(NativeApi.tensorName(tensor)), i);
    }
    Integer index = known.get(opName);
    if (index == null) {
      throw new IllegalArgumentException(String.format(
          "%s error: '%s' is not a valid name for any %s. Names of %ss and their indexes are %s",
          inputs ? "Input" : "Output", opName, inputs ? "input" : "output", inputs ? "input" : "output", known));
    }
    return index;
  }

  private static void allocate(long runner) {
    try {
      NativeApi.allocate(runner);
    } catch (NativeException e) {
      throw new IllegalStateException(
          "Internal error: Unexpected failure when preparing tensor allocations: " + e.getMessage(), e);
    }
  }

  private void invoke(long runner) {
    long start = System.nanoTime();
    try {
      NativeApi.invoke(runner);
    } catch (NativeException e) {
      throw new IllegalStateException("Internal error: Failed to run on the given Interpreter: " + e.getMessage(), e);
    }
    lastInferenceNanos = System.nanoTime() - start;
  }

  private static String[] names(byte[][] raw) {
    String[] result = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      result[i] = Values.utf8(raw[i]);
    }
    return result;
  }
}
