/*
 * sigrun.h — the one public header of sigrun, a C11 runtime for LiteRT (TensorFlow Lite) models built
 * around signatures.
 *
 * Objects and lifetimes
 *   sigrun_model        the verified, read-only model. Immutable after load; safe to share between threads
 *                       and between interpreters. Must outlive every interpreter created from it.
 *   sigrun_interpreter  the mutable state built from a model (options, later: variables and tables).
 *                       Must outlive every runner obtained from it.
 *   sigrun_runner       one signature (one subgraph) with named inputs and outputs, its own activation
 *                       arena and its own tensors. A runner is used by one thread at a time.
 *   sigrun_tensor       a borrowed view of one of a runner's tensors; valid until the runner is destroyed.
 *                       Its data pointer and shape may change at the next resize, allocate or invoke.
 *
 * Errors
 *   Every fallible call returns a sigrun_status. Pass a caller-owned sigrun_error (or NULL) to receive a
 *   message that says where, what was found and what was expected. No call prints, aborts or exits.
 *
 * Strings returned by the library are NUL-terminated, owned by the object named in the function's
 * comment, and live as long as that object.
 *
 * Misuse
 *   Any pointer argument may be NULL: a fallible call then fails with SIGRUN_STATUS_BAD_ARGUMENT and a message
 *   naming the function and the argument ("sigrun_runner_set_input: data is NULL with size 12"); a getter
 *   returns 0, -1, NULL or "" (an index out of range too); destroy functions and sigrun_runner_set_profiler do
 *   nothing. Calls in the wrong state fail with SIGRUN_STATUS_BAD_STATE: set_input or invoke before allocate,
 *   after a resize or after a failed allocate; get_output of an output that has no memory yet; a call back
 *   into a runner from its own custom op or profiler callback (allocate, resize, set_input, invoke).
 *   What sigrun cannot detect, and the caller must not do (tests/unit/test_misuse.c covers the rest):
 *     - use a model, interpreter, runner, tensor or returned pointer after it was destroyed (a runner from
 *       sigrun_interpreter_get_runner dies with its interpreter);
 *     - destroy a model before its interpreters, or an interpreter before the runners made for it with
 *       sigrun_runner_create;
 *     - drive one runner from two threads at once (two runners, even of one interpreter, are fine; the
 *       busy check above is not a lock and may or may not catch it);
 *     - pass a buffer shorter than the size given with it, a string without its NUL, write past
 *       sigrun_tensor_byte_size through sigrun_tensor_data, or keep a callback's context or tensors after
 *       the callback returns;
 *     - change or truncate a model file on disk while its model is loaded (the file is mapped).
 */
#ifndef SIGRUN_H
#define SIGRUN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define SIGRUN_API __declspec(dllexport)
#elif defined(__GNUC__)
#define SIGRUN_API __attribute__((visibility("default")))
#else
#define SIGRUN_API
#endif

#if defined(__GNUC__)
#define SIGRUN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SIGRUN_PRINTF(f, a)
#endif

#define SIGRUN_VERSION_MAJOR 0
#define SIGRUN_VERSION_MINOR 1
#define SIGRUN_VERSION_PATCH 0

/* Statuses. X(name, value, description). */
#define SIGRUN_STATUS_LIST(X)                                                        \
  X(OK, 0, "ok")                                                                     \
  X(BAD_MODEL, 1, "the model file is malformed")                                     \
  X(UNSUPPORTED, 2, "the model uses an operator or type sigrun does not support")    \
  X(BAD_ARGUMENT, 3, "an argument is invalid")                                       \
  X(NOT_FOUND, 4, "a signature, input or output name does not exist")                \
  X(BAD_STATE, 5, "the call is not valid in the object's current state")             \
  X(NO_MEMORY, 6, "an allocation failed or a memory limit was exceeded")             \
  X(IO, 7, "a file could not be read")                                               \
  X(RUNTIME, 8, "an operator failed while running")                                  \
  X(CANCELLED, 9, "the invoke was cancelled")                                        \
  X(LIMIT, 10, "a limit set in the interpreter options was exceeded")

typedef enum sigrun_status {
#define SIGRUN_X_(name, value, desc) SIGRUN_STATUS_##name = value,
  SIGRUN_STATUS_LIST(SIGRUN_X_)
#undef SIGRUN_X_
} sigrun_status;

#define SIGRUN_ERROR_MESSAGE_SIZE 512

/* Caller-owned error record. Needs no initialisation; every fallible call overwrites it. */
typedef struct sigrun_error {
  sigrun_status status;
  char message[SIGRUN_ERROR_MESSAGE_SIZE];
} sigrun_error;

/* Tensor element types. The numbers are LiteRT's TensorType values. X(name, value, lowercase name, bytes). */
#define SIGRUN_TYPE_LIST(X)             \
  X(FLOAT32, 0, "float32", 4)           \
  X(FLOAT16, 1, "float16", 2)           \
  X(INT32, 2, "int32", 4)               \
  X(UINT8, 3, "uint8", 1)               \
  X(INT64, 4, "int64", 8)               \
  X(STRING, 5, "string", 0)             \
  X(BOOL, 6, "bool", 1)                 \
  X(INT16, 7, "int16", 2)               \
  X(COMPLEX64, 8, "complex64", 8)       \
  X(INT8, 9, "int8", 1)                 \
  X(FLOAT64, 10, "float64", 8)          \
  X(COMPLEX128, 11, "complex128", 16)   \
  X(UINT64, 12, "uint64", 8)            \
  X(RESOURCE, 13, "resource", 4)        \
  X(VARIANT, 14, "variant", 0)          \
  X(UINT32, 15, "uint32", 4)            \
  X(UINT16, 16, "uint16", 2)            \
  X(INT4, 17, "int4", 0)                \
  X(BFLOAT16, 18, "bfloat16", 2)

typedef enum sigrun_type {
#define SIGRUN_X_(name, value, str, bytes) SIGRUN_TYPE_##name = value,
  SIGRUN_TYPE_LIST(SIGRUN_X_)
#undef SIGRUN_X_
} sigrun_type;

typedef struct sigrun_model sigrun_model;
typedef struct sigrun_interpreter sigrun_interpreter;
typedef struct sigrun_runner sigrun_runner;
typedef struct sigrun_tensor sigrun_tensor;

/* ---------------------------------------------------------------------------------------------------------
 * Library
 */

/* "major.minor.patch"; static storage. */
SIGRUN_API const char* sigrun_version(void);
/* Short description of a status, e.g. "the model file is malformed"; static storage. */
SIGRUN_API const char* sigrun_status_string(sigrun_status status);
/* "float32", "int8", ...; "unknown" for values outside the enum. Static storage. */
SIGRUN_API const char* sigrun_type_name(sigrun_type type);
/* Bytes per element; 0 for types without a fixed element size (string, variant, int4). */
SIGRUN_API size_t sigrun_type_size(sigrun_type type);

/* ---------------------------------------------------------------------------------------------------------
 * Model: load once, verify once, share everywhere.
 */

/* Maps the file read-only (weights are never copied) and verifies the whole flatbuffer. On success
 * *out_model owns the mapping; release it with sigrun_model_destroy. Anything but a regular file (a directory,
 * FIFO or device) fails with SIGRUN_STATUS_IO without blocking. */
SIGRUN_API sigrun_status sigrun_model_load_file(const char* path, sigrun_model** out_model, sigrun_error* error);

/* Verifies a model held in caller memory. If copy is zero the bytes are borrowed and must stay valid and
 * unchanged until sigrun_model_destroy; if copy is non-zero sigrun copies them into aligned memory it owns. */
SIGRUN_API sigrun_status sigrun_model_load_buffer(const void* data, size_t size, int copy,
                                                  sigrun_model** out_model, sigrun_error* error);

/* Frees the model. NULL is a no-op. Every interpreter of the model must have been destroyed first (not
 * detected; LiteRT's C API layer, bindings/tflite_c, counts references and allows either order). */
SIGRUN_API void sigrun_model_destroy(sigrun_model* model);

/* Number of SignatureDefs in the file (a model without any has 0; the placeholder signature is not counted). */
SIGRUN_API int sigrun_model_signature_count(const sigrun_model* model);
/* Key of signature i in file order; NULL if i is out of range. Owned by the model. */
SIGRUN_API const char* sigrun_model_signature_key(const sigrun_model* model, int index);
/* Number of subgraphs and the name of subgraph i ("" if unnamed, NULL if out of range). */
SIGRUN_API int sigrun_model_subgraph_count(const sigrun_model* model);
SIGRUN_API const char* sigrun_model_subgraph_name(const sigrun_model* model, int index);
/* Number of operators in subgraph i (0 if out of range); name of operator j's op ("CONV_2D", custom name). */
SIGRUN_API int sigrun_model_operator_count(const sigrun_model* model, int subgraph);
SIGRUN_API const char* sigrun_model_operator_name(const sigrun_model* model, int subgraph, int op);
/* The converter's description string ("MLIR Converted."), "" if absent. Owned by the model. */
SIGRUN_API const char* sigrun_model_description(const sigrun_model* model);

/* ---------------------------------------------------------------------------------------------------------
 * Interpreter
 */

typedef struct sigrun_custom_op sigrun_custom_op;

typedef struct sigrun_interpreter_options {
  /* Intra-op threads: the calling thread plus num_threads - 1 workers the interpreter starts and owns. Default
   * 1, as in LiteRT; values below 1 mean 1, values above 256 mean 256. Kernels split their work into
   * independent pieces, so outputs are the same at every thread count. One kernel uses the workers at a time:
   * when several runners of the interpreter invoke concurrently, a kernel that finds them busy runs on its own
   * calling thread. */
  int num_threads;
  /* Upper bound, in bytes, on the activation memory of one runner: its planned arena plus the arenas of the
   * subgraphs it calls (IF/WHILE/CALL_ONCE), heap buffers of outputs whose shape depends on data and of
   * string tensors, values copied by control flow, kernel data and scratch of nodes prepared at invoke.
   * 0 = no limit. The allocate, set_input or invoke that would exceed it fails with SIGRUN_STATUS_LIMIT
   * and leaves the runner usable. */
  size_t max_arena_bytes;
  /* Non-zero forces the portable reference kernels even where faster ones exist. Default 0. */
  int reference_kernels_only;
  /* Application-supplied custom operators (see "Custom operators" below), looked up by the model's
   * custom_code; they take precedence over sigrun's built-in custom kernels of the same name. The array and
   * everything it points to are borrowed and must outlive the interpreter. NULL/0 = none. */
  const sigrun_custom_op* custom_ops;
  int custom_op_count;
  /* Non-zero lets an interpreter be created over a model with operators sigrun cannot run (TF Select "Flex"
   * ops, unregistered custom ops). Signatures that never reach such an operator run normally; invoking one
   * that does fails with SIGRUN_STATUS_UNSUPPORTED naming the operator. Default 0: creation fails and
   * lists them, as LiteRT's AllocateTensors does. */
  int allow_unsupported_ops;
  /* Deepest nesting of subgraph calls (IF / WHILE / CALL_ONCE / composite) an invoke may reach; 0 (or less) =
   * the default of 64. Deeper calls fail with SIGRUN_STATUS_LIMIT. (Recursion is refused at load.) */
  int max_call_depth;
  /* Iterations one WHILE operator may run per invoke before failing with SIGRUN_STATUS_LIMIT; 0 (or less) = no
   * cap, as in LiteRT (a loop whose condition never turns false then runs until cancelled). */
  int64_t max_while_iterations;
  /* Non-zero gives every intermediate tensor memory of its own, so after an invoke each one still holds the
   * value its operator wrote (LiteRT's experimental_preserve_all_tensors; for debugging: arenas grow to the
   * sum of all tensors). Default 0: tensors whose lifetimes do not overlap share memory. */
  int preserve_all_tensors;
} sigrun_interpreter_options;

/* Fills *options with the defaults. */
SIGRUN_API void sigrun_interpreter_options_init(sigrun_interpreter_options* options);

/* Creates an interpreter over a model. options may be NULL for the defaults. The model is borrowed. A custom op
 * entry without a name, prepare or invoke, or custom_op_count < 0, fails with SIGRUN_STATUS_BAD_ARGUMENT. */
SIGRUN_API sigrun_status sigrun_interpreter_create(const sigrun_model* model,
                                                   const sigrun_interpreter_options* options,
                                                   sigrun_interpreter** out_interpreter, sigrun_error* error);

/* Destroys the interpreter and every runner it owns. NULL is a no-op. Runners made with
 * sigrun_runner_create must have been destroyed first (not detected). */
SIGRUN_API void sigrun_interpreter_destroy(sigrun_interpreter* interpreter);

/* The model this interpreter was created from (borrowed). */
SIGRUN_API const sigrun_model* sigrun_interpreter_model(const sigrun_interpreter* interpreter);

/* State shared by signatures. An interpreter owns the model's resource variables (VAR_HANDLE / READ_VARIABLE /
 * ASSIGN_VARIABLE: one variable per (container, shared_name), seen by every signature of this interpreter and
 * by no other interpreter), its hash tables, and whether the SavedModel initializer (CALL_ONCE) has run: it
 * runs lazily, once per interpreter, on the first invoke of any signature that reaches it.
 *
 * sigrun_interpreter_reset_variables is LiteRT's ResetVariableTensors / Python reset_all_variables: every
 * stateful tensor of the old kind (is_variable, e.g. LSTM state) of the interpreter's own runners (those from
 * sigrun_interpreter_get_runner / get_primary_runner) goes back to zero (int8: its zero point). A runner from
 * sigrun_runner_create keeps such state per runner (it is its own stream); destroy and recreate it to reset. Resource variables are left as they are, as in LiteRT; to restore their
 * initial values use sigrun_interpreter_reset_state. Must not run concurrently with an invoke. */
SIGRUN_API sigrun_status sigrun_interpreter_reset_variables(sigrun_interpreter* interpreter, sigrun_error* error);
/* Cancels every invoke of this interpreter's runners that is running when it is called (LiteRT's Cancel):
 * each returns SIGRUN_STATUS_CANCELLED at its next operator boundary (and at every WHILE iteration). Invokes
 * that start afterwards run normally. Safe to call from any thread, including a signal-free watchdog. */
SIGRUN_API sigrun_status sigrun_interpreter_cancel(sigrun_interpreter* interpreter, sigrun_error* error);
/* Returns the interpreter to the state of a fresh one: resource variables unassigned, hash tables empty,
 * initializers not yet run (they run again on the next invoke), is_variable tensors zeroed. Waits for running
 * invokes that touch state. */
SIGRUN_API sigrun_status sigrun_interpreter_reset_state(sigrun_interpreter* interpreter, sigrun_error* error);

/* ---------------------------------------------------------------------------------------------------------
 * Runners
 *
 * Signature key rules (LiteRT's C API):
 *   key names a SignatureDef           that signature.
 *   key NULL, the model has SignatureDefs   the first SignatureDef whose subgraph is 0; NOT_FOUND if none.
 *   key NULL, the model has none       a placeholder signature "<placeholder signature>" over subgraph 0, whose
 *                                      inputs and outputs are named after their tensors ("input<i>" /
 *                                      "output<i>" for unnamed tensors).
 *   unknown key                        NOT_FOUND; the message lists the valid keys.
 */

/* The interpreter's runner for a key, created on first use and cached (one per key, as in LiteRT). The
 * runner is owned by the interpreter (do not destroy it) and lives until the interpreter is destroyed. */
SIGRUN_API sigrun_status sigrun_interpreter_get_runner(sigrun_interpreter* interpreter, const char* signature_key,
                                                       sigrun_runner** out_runner, sigrun_error* error);

/* A new, independent runner for a key, owned by the caller (sigrun_runner_destroy). It has its own arena and
 * tensors and shares the model's weights. Use one per thread to run signatures of one interpreter
 * concurrently. */
SIGRUN_API sigrun_status sigrun_runner_create(sigrun_interpreter* interpreter, const char* signature_key,
                                              sigrun_runner** out_runner, sigrun_error* error);
/* Destroys a runner made by sigrun_runner_create. NULL is a no-op; runners from get_runner are ignored. */
SIGRUN_API void sigrun_runner_destroy(sigrun_runner* runner);

/* The runner over the primary subgraph (0) that index-based APIs use (LiteRT's Interpreter::inputs(),
 * Python's interpreter-level get_input_details/set_tensor). It is the cached runner of the signature whose
 * subgraph is 0 if there is one, otherwise the placeholder runner, so both views share tensors as in
 * LiteRT. Owned by the interpreter. */
SIGRUN_API sigrun_status sigrun_interpreter_get_primary_runner(sigrun_interpreter* interpreter,
                                                               sigrun_runner** out_runner, sigrun_error* error);

/* Bytes of activation memory the runner's last allocate planned: its arena plus those of the subgraphs it calls
 * (IF/WHILE bodies, initializers). Weights are not counted: they stay in the model. 0 before allocation. */
SIGRUN_API size_t sigrun_runner_arena_size(const sigrun_runner* runner);

/* The runner's signature key (owned by the runner). */
SIGRUN_API const char* sigrun_runner_signature_key(const sigrun_runner* runner);
/* Index of the subgraph this runner executes. */
SIGRUN_API int sigrun_runner_subgraph_index(const sigrun_runner* runner);

/* Inputs and outputs are listed in byte order of their names, as LiteRT lists them. */
SIGRUN_API int sigrun_runner_input_count(const sigrun_runner* runner);
SIGRUN_API int sigrun_runner_output_count(const sigrun_runner* runner);
/* Name of input/output i; NULL if out of range. Owned by the runner. */
SIGRUN_API const char* sigrun_runner_input_name(const sigrun_runner* runner, int index);
SIGRUN_API const char* sigrun_runner_output_name(const sigrun_runner* runner, int index);

/* The tensor behind an input or output name. NOT_FOUND (listing the valid names) for an unknown name. */
SIGRUN_API sigrun_status sigrun_runner_input(sigrun_runner* runner, const char* name, sigrun_tensor** out_tensor,
                                             sigrun_error* error);
SIGRUN_API sigrun_status sigrun_runner_output(sigrun_runner* runner, const char* name,
                                              const sigrun_tensor** out_tensor, sigrun_error* error);
/* The same by position in the sorted name list; NULL if out of range. */
SIGRUN_API sigrun_tensor* sigrun_runner_input_at(sigrun_runner* runner, int index);
SIGRUN_API const sigrun_tensor* sigrun_runner_output_at(sigrun_runner* runner, int index);

/* The subgraph's own inputs and outputs in subgraph order (LiteRT's index-based view); NULL if out of range. */
SIGRUN_API int sigrun_runner_subgraph_input_count(const sigrun_runner* runner);
SIGRUN_API int sigrun_runner_subgraph_output_count(const sigrun_runner* runner);
SIGRUN_API sigrun_tensor* sigrun_runner_subgraph_input(sigrun_runner* runner, int index);
SIGRUN_API const sigrun_tensor* sigrun_runner_subgraph_output(sigrun_runner* runner, int index);
/* Any tensor of the runner's subgraph by its index in the file; NULL if out of range. Intermediate tensors
 * share arena memory, so their contents after invoke are unspecified (as in LiteRT). */
SIGRUN_API int sigrun_runner_tensor_count(const sigrun_runner* runner);
SIGRUN_API sigrun_tensor* sigrun_runner_tensor(sigrun_runner* runner, int tensor_index);

/* Changes an input's shape. Takes effect at the next sigrun_runner_allocate (which invoke requires).
 * sigrun_runner_resize_input lets any dimension change (LiteRT's ResizeInputTensor, used by Python);
 * the strict form only changes dimensions that are -1 in the shape signature and keeps the rank
 * (LiteRT's C API TfLiteSignatureRunnerResizeInputTensor). */
SIGRUN_API sigrun_status sigrun_runner_resize_input(sigrun_runner* runner, const char* name, const int32_t* dims,
                                                    int rank, sigrun_error* error);
SIGRUN_API sigrun_status sigrun_runner_resize_input_strict(sigrun_runner* runner, const char* name,
                                                           const int32_t* dims, int rank, sigrun_error* error);

/* Plans the arena and prepares every operator for the current input shapes. Cheap when nothing changed. */
SIGRUN_API sigrun_status sigrun_runner_allocate(sigrun_runner* runner, sigrun_error* error);

/* Copies size bytes into an input; size must equal the tensor's byte size (BAD_ARGUMENT otherwise; the C API
 * has no dtype to check, so the size is the check). A string input takes a packed buffer, which is verified.
 * Requires an allocated runner (BAD_STATE). */
SIGRUN_API sigrun_status sigrun_runner_set_input(sigrun_runner* runner, const char* name, const void* data,
                                                 size_t size, sigrun_error* error);

/* Runs the signature. BAD_STATE if the runner is not allocated (or was resized since). Data that a kernel
 * cannot use (an index out of range, an integer division by zero, a shape that does not fit, a WHILE condition
 * that is not one bool) fails with an error naming the operator; the runner stays usable. Does not allocate
 * memory unless an operator's output shape depends on data (then such outputs grow to their largest size). */
SIGRUN_API sigrun_status sigrun_runner_invoke(sigrun_runner* runner, sigrun_error* error);

/* Per-operator profiling (LiteRT's op profiler; `sigrun bench --profile` uses it). While a profiler is set,
 * every invoke of the runner calls it once per operator that ran, right after the operator, on the invoking
 * thread: `subgraph` and `op_index` locate the operator in the file, `op_name` is its op ("CONV_2D", or a
 * custom op's custom_code; owned by the model) and `nanoseconds` its wall time (CLOCK_MONOTONIC), a deferred
 * prepare included. Operators of subgraphs the runner calls (IF/WHILE bodies, CALL_ONCE initializers) report
 * with their own subgraph index, and the calling operator's time includes theirs. The callback must not call
 * this runner (allocate, resize, set_input and invoke fail with BAD_STATE; destroying it is undetected). fn NULL disables profiling; without a profiler an invoke reads no clock. Set it only while
 * the runner is not invoking. NULL runner: no-op. */
typedef void (*sigrun_op_profiler)(void* user, int subgraph, int op_index, const char* op_name,
                                   uint64_t nanoseconds);
SIGRUN_API void sigrun_runner_set_profiler(sigrun_runner* runner, sigrun_op_profiler fn, void* user);

/* Copies an output out; size must be at least the tensor's byte size. BAD_STATE while the output has no
 * memory: before allocate, and for outputs whose shape depends on data (and string outputs) until the invoke
 * that produces them. After allocate, before invoke, a planned output holds unspecified bytes (as in LiteRT). */
SIGRUN_API sigrun_status sigrun_runner_get_output(sigrun_runner* runner, const char* name, void* data, size_t size,
                                                  sigrun_error* error);

/* ---------------------------------------------------------------------------------------------------------
 * Tensors (borrowed views owned by a runner)
 */

typedef struct sigrun_quantization {
  /* Number of scales and zero points: 0 = not quantized, 1 = per tensor, >1 = per channel. */
  int count;
  const float* scales;
  const int64_t* zero_points;
  /* The channel dimension for per-channel quantization. */
  int quantized_dimension;
} sigrun_quantization;

/* The tensor getters return "", -1, 0 or NULL for a NULL tensor; sigrun_tensor_type returns (sigrun_type)-1,
 * whose sigrun_type_name is "unknown". */
/* The tensor's name in the model file (e.g. "serving_default_x:0"); "" if unnamed. */
SIGRUN_API const char* sigrun_tensor_name(const sigrun_tensor* tensor);
/* Index of the tensor in its subgraph. */
SIGRUN_API int sigrun_tensor_index(const sigrun_tensor* tensor);
SIGRUN_API sigrun_type sigrun_tensor_type(const sigrun_tensor* tensor);
/* Current shape (after resize/allocate). dims points at rank values, owned by the tensor. */
SIGRUN_API int sigrun_tensor_rank(const sigrun_tensor* tensor);
SIGRUN_API const int32_t* sigrun_tensor_dims(const sigrun_tensor* tensor);
/* Shape signature (LiteRT's TensorSizeSignature): the file's shape_signature, where -1 marks a dynamic dimension,
 * or the current shape when the file gives none. */
SIGRUN_API int sigrun_tensor_signature_rank(const sigrun_tensor* tensor);
SIGRUN_API const int32_t* sigrun_tensor_signature_dims(const sigrun_tensor* tensor);
SIGRUN_API size_t sigrun_tensor_element_count(const sigrun_tensor* tensor);
SIGRUN_API size_t sigrun_tensor_byte_size(const sigrun_tensor* tensor);
/* The tensor's memory; NULL before allocation, after a resize until the next allocate, and for the model's
 * constants (read them with sigrun_tensor_data_const). Input data may be written in place after allocation; a
 * string input written in place must stay a valid packed buffer (invoke checks it again: BAD_ARGUMENT). */
SIGRUN_API void* sigrun_tensor_data(sigrun_tensor* tensor);
SIGRUN_API const void* sigrun_tensor_data_const(const sigrun_tensor* tensor);
SIGRUN_API sigrun_quantization sigrun_tensor_quantization(const sigrun_tensor* tensor);

/* String tensors (SIGRUN_TYPE_STRING) hold LiteRT's packed buffer: int32 count, int32 offsets[count + 1] from
 * the buffer's start, then the bytes; sigrun_tensor_byte_size is the buffer's length. To set a string input,
 * pack the strings with sigrun_strings_pack and pass the buffer to sigrun_runner_set_input (which checks it).
 *
 * sigrun_strings_pack writes `count` strings (strings[i] of lengths[i] bytes, not NUL-terminated) into
 * buffer (capacity bytes) and stores the packed size in *size. With buffer NULL or too small it only computes
 * *size and returns SIGRUN_STATUS_BAD_ARGUMENT (size the buffer and call again); fails if the total exceeds
 * what int32 offsets address. */
SIGRUN_API sigrun_status sigrun_strings_pack(const char* const* strings, const size_t* lengths, size_t count,
                                             void* buffer, size_t capacity, size_t* size, sigrun_error* error);
/* Number of strings in a string tensor (0 for other types or before it holds data). */
SIGRUN_API size_t sigrun_tensor_string_count(const sigrun_tensor* tensor);
/* String `index` of a string tensor: *data points into the tensor (valid until its runner next allocates,
 * invokes or is destroyed; not NUL-terminated), *length is its size in bytes. BAD_ARGUMENT for an index out of
 * range, a tensor that is not a string, or offsets outside the buffer (a buffer changed in place). */
SIGRUN_API sigrun_status sigrun_tensor_string(const sigrun_tensor* tensor, size_t index, const char** data,
                                              size_t* length, sigrun_error* error);

/* ---------------------------------------------------------------------------------------------------------
 * Custom operators
 *
 * A model may contain operators with a custom_code that no builtin covers (LiteRT's custom ops). The
 * application supplies them through sigrun_interpreter_options.custom_ops. Each operator instance (node)
 * of each runner gets its own state from init; prepare sets output shapes; invoke computes. Callbacks
 * receive a sigrun_op_context, valid only during the call. A Flex* op (TensorFlow kernels) can be
 * registered like any other custom op. Callbacks must not destroy their runner or interpreter; calling
 * allocate, resize, set_input or invoke on their own runner fails with SIGRUN_STATUS_BAD_STATE. Several
 * entries with one name: the first is used.
 */

typedef struct sigrun_op_context sigrun_op_context;

struct sigrun_custom_op {
  /* The custom_code it implements, e.g. "Sinh". */
  const char* name;
  /* Passed back to every callback. */
  void* user_data;
  /* Optional: called once per node when a runner is created, with the operator's custom options (the bytes
   * the converter wrote, often a FlexBuffer; borrowed, valid as long as the model). Stores the node's state
   * in *state. On failure fill *error (its message gains the node's location) and return non-OK. */
  sigrun_status (*init)(void* user_data, const void* options, size_t options_size, void** state,
                        sigrun_error* error);
  /* Optional: releases what init stored. */
  void (*free)(void* user_data, void* state);
  /* Required: checks the inputs and sets every output's shape (sigrun_op_context_resize_output). Runs at
   * allocation, and again before each invoke when an input's shape is only known then. Tensor data is not
   * available here, except for constant inputs. */
  sigrun_status (*prepare)(sigrun_op_context* context);
  /* Required: computes the outputs from the inputs. Must not keep tensor pointers after returning. */
  sigrun_status (*invoke)(sigrun_op_context* context);
  /* Non-zero if invoke may run in several runners of one interpreter at the same time; otherwise sigrun
   * serializes this op's invokes across the interpreter's runners. */
  int thread_safe;
};

SIGRUN_API void* sigrun_op_context_user_data(const sigrun_op_context* context);
/* The state init stored for this node (NULL without init). */
SIGRUN_API void* sigrun_op_context_state(const sigrun_op_context* context);
SIGRUN_API int sigrun_op_context_input_count(const sigrun_op_context* context);
SIGRUN_API int sigrun_op_context_output_count(const sigrun_op_context* context);
/* Input i; NULL if i is out of range or the input is an omitted optional one. Borrowed. */
SIGRUN_API const sigrun_tensor* sigrun_op_context_input(sigrun_op_context* context, int index);
/* Output i; NULL if out of range. Borrowed; write its data in invoke. */
SIGRUN_API sigrun_tensor* sigrun_op_context_output(sigrun_op_context* context, int index);
/* Sets output i's shape (in prepare; in invoke only for outputs whose shape changes with the data).
 * BAD_ARGUMENT for an index outside the outputs, a rank outside 0..8, NULL dims with rank > 0, or a negative or
 * overflowing shape; RUNTIME when a planned output's shape changes during invoke. */
SIGRUN_API sigrun_status sigrun_op_context_resize_output(sigrun_op_context* context, int index, int rank,
                                                         const int32_t* dims);
/* Records a failure with the node's location prepended and returns status, so callbacks can
 * `return sigrun_op_context_fail(ctx, SIGRUN_STATUS_BAD_ARGUMENT, "...", ...)`. SIGRUN_STATUS_OK becomes
 * SIGRUN_STATUS_RUNTIME (a failure is never OK). A callback that fails without calling it still leaves a
 * message ("custom op invoke failed without a message"). */
SIGRUN_API sigrun_status sigrun_op_context_fail(sigrun_op_context* context, sigrun_status status, const char* format,
                                                ...) SIGRUN_PRINTF(3, 4);

/* ---------------------------------------------------------------------------------------------------------
 * Converter: TensorFlow SavedModel -> .tflite, without TensorFlow
 *
 * Lives in the separate library sigrun_convert (the runtime library does not contain it); the CLI
 * (`sigrun convert`) and the Python package link it. Reads a TF2 SavedModel directory (saved_model.pb and the
 * variables/ checkpoint) and writes a .tflite model with one SignatureDef per converted signature, laid out as
 * LiteRT's converter lays it out (one subgraph per signature sorted by key, a lone one named "main"). Read-only
 * variables become constants; variables a converted signature assigns become resource variables
 * (VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE with a CALL_ONCE initializer). docs/converter.md lists the
 * TensorFlow ops it lowers. Thread-safe: calls share nothing.
 */

typedef enum sigrun_convert_weights {
  SIGRUN_CONVERT_FLOAT32 = 0,      /* weights stay float32 */
  SIGRUN_CONVERT_FLOAT16 = 1,      /* float constants stored as float16, DEQUANTIZE'd at load (half the size) */
  SIGRUN_CONVERT_DYNAMIC_RANGE = 2 /* int8 weights of FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D / BATCH_MATMUL,
                                      float activations (LiteRT's dynamic-range quantization) */
} sigrun_convert_weights;

/* Progress of a conversion: stage is "read", "import", "optimize", "quantize" or "write"; done / total count
 * the stage's steps (signatures for "import"). Called on the converting thread. */
typedef void (*sigrun_convert_progress_fn)(void* user, const char* stage, int done, int total);

typedef struct sigrun_convert_options {
  /* Signature keys to convert. NULL / 0: every signature except "__saved_model_init_op"; for a Keras
   * `model.export()` directory (which holds both "serve" and "serving_default") only "serving_default", as
   * tf.lite.TFLiteConverter.from_saved_model does. */
  const char* const* signature_keys;
  int n_signature_keys;
  sigrun_convert_weights weights;
  sigrun_convert_progress_fn progress; /* optional */
  void* progress_user;
  /* Optional: on failure receives the whole error text (every unsupported op, which may not fit
   * sigrun_error's buffer); NULL on success. Free with sigrun_convert_free. */
  char** error_details;
} sigrun_convert_options;

/* Defaults: every signature, float32 weights, no progress, no details. */
SIGRUN_API void sigrun_convert_options_init(sigrun_convert_options* options);
/* Converts the SavedModel directory saved_model_dir (options may be NULL for the defaults). On success
 * *out_data (free with sigrun_convert_free) holds *out_size bytes of .tflite. Errors: IO (unreadable files),
 * BAD_MODEL (malformed SavedModel, with the file, message and offset or node at fault), NOT_FOUND (an unknown
 * signature key; the message lists the valid ones), UNSUPPORTED (TF ops without a LiteRT builtin lowering:
 * one error listing every such op with its node and function, as LiteRT's converter does), NO_MEMORY. */
SIGRUN_API sigrun_status sigrun_convert_saved_model(const char* saved_model_dir, const sigrun_convert_options* options,
                                                    void** out_data, size_t* out_size, sigrun_error* error);
/* Frees what sigrun_convert_saved_model or error_details returned; NULL is a no-op. */
SIGRUN_API void sigrun_convert_free(void* data);

#ifdef __cplusplus
}
#endif

#endif /* SIGRUN_H */
