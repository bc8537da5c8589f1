/*
 * sigrun.hpp — a header-only C++17 wrapper over sigrun.h: RAII ownership, LiteRT's C++ names where they fit
 * (signature_keys(), GetSignatureRunner(key), input_names(), output_names(), input_tensor(name),
 * output_tensor(name), ResizeInputTensor, AllocateTensors, Invoke) and typed views of tensor memory.
 *
 * Errors: every failing call throws sigrun::Error (a std::runtime_error carrying sigrun's message and its
 * sigrun_status). Nothing returns a status; nothing fails silently. Destructors never throw.
 *
 * Ownership and lifetimes, as in the C API:
 *   Model          owns the loaded model; must outlive every Interpreter made from it.
 *   Interpreter    owns its runners and state; must outlive every SignatureRunner and tensor view from it.
 *   SignatureRunner  from GetSignatureRunner(key): owned by the Interpreter (one per key, as in LiteRT; use from one
 *                  thread at a time). From CreateSignatureRunner(key): a std::unique_ptr the caller owns; each may run
 *                  on its own thread concurrently with the others (see docs/threading.md).
 *   TensorView     borrowed; valid until its runner is next allocated or destroyed.
 */
#ifndef SIGRUN_HPP
#define SIGRUN_HPP

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sigrun.h"

namespace sigrun {

/* A failed sigrun call: what() is sigrun's message, status() its code. */
class Error : public std::runtime_error {
 public:
  Error(sigrun_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  sigrun_status status() const noexcept { return status_; }

 private:
  sigrun_status status_;
};

namespace detail {
inline void check(sigrun_status status, const sigrun_error& error) {
  if (status != SIGRUN_STATUS_OK)
    throw Error(status, error.message[0] ? error.message : sigrun_status_string(status));
}
template <typename T> struct type_of;
template <> struct type_of<float> { static constexpr sigrun_type value = SIGRUN_TYPE_FLOAT32; };
template <> struct type_of<double> { static constexpr sigrun_type value = SIGRUN_TYPE_FLOAT64; };
template <> struct type_of<int8_t> { static constexpr sigrun_type value = SIGRUN_TYPE_INT8; };
template <> struct type_of<uint8_t> { static constexpr sigrun_type value = SIGRUN_TYPE_UINT8; };
template <> struct type_of<int16_t> { static constexpr sigrun_type value = SIGRUN_TYPE_INT16; };
template <> struct type_of<uint16_t> { static constexpr sigrun_type value = SIGRUN_TYPE_UINT16; };
template <> struct type_of<int32_t> { static constexpr sigrun_type value = SIGRUN_TYPE_INT32; };
template <> struct type_of<uint32_t> { static constexpr sigrun_type value = SIGRUN_TYPE_UINT32; };
template <> struct type_of<int64_t> { static constexpr sigrun_type value = SIGRUN_TYPE_INT64; };
template <> struct type_of<uint64_t> { static constexpr sigrun_type value = SIGRUN_TYPE_UINT64; };
template <> struct type_of<bool> { static constexpr sigrun_type value = SIGRUN_TYPE_BOOL; };
}  // namespace detail

/* A contiguous run of T (std::span's essentials, for C++17). */
template <typename T>
class Span {
 public:
  Span() = default;
  Span(T* data, std::size_t size) : data_(data), size_(size) {}
  T* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() const noexcept { return data_; }
  T* end() const noexcept { return data_ + size_; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

/* A borrowed view of one tensor of a runner. */
class TensorView {
 public:
  explicit TensorView(const sigrun_tensor* tensor) : tensor_(tensor) {}
  std::string name() const { return sigrun_tensor_name(tensor_); }
  sigrun_type type() const { return sigrun_tensor_type(tensor_); }
  std::vector<int32_t> dims() const {
    const int32_t* d = sigrun_tensor_dims(tensor_);
    return std::vector<int32_t>(d, d + sigrun_tensor_rank(tensor_));
  }
  /* LiteRT's shape signature: -1 marks a dimension that may be resized. */
  std::vector<int32_t> dims_signature() const {
    const int32_t* d = sigrun_tensor_signature_dims(tensor_);
    return std::vector<int32_t>(d, d + sigrun_tensor_signature_rank(tensor_));
  }
  std::size_t bytes() const { return sigrun_tensor_byte_size(tensor_); }
  std::size_t element_count() const { return sigrun_tensor_element_count(tensor_); }
  sigrun_quantization quantization() const { return sigrun_tensor_quantization(tensor_); }

  /* The elements as T; throws if T is not the tensor's type or the tensor has no memory yet. */
  template <typename T>
  Span<const T> data() const {
    require<T>();
    return Span<const T>(static_cast<const T*>(sigrun_tensor_data_const(tensor_)), element_count());
  }
  /* The strings of a string tensor (views into the tensor's memory). */
  std::vector<std::string_view> strings() const {
    std::vector<std::string_view> out;
    const std::size_t n = sigrun_tensor_string_count(tensor_);
    out.reserve(n);
    for (std::size_t i = 0; i < n; i++) {
      const char* text = nullptr;
      std::size_t len = 0;
      sigrun_error error;
      detail::check(sigrun_tensor_string(tensor_, i, &text, &len, &error), error);
      out.emplace_back(text, len);
    }
    return out;
  }
  const sigrun_tensor* get() const noexcept { return tensor_; }

 protected:
  template <typename T>
  void require() const {
    if (detail::type_of<T>::value != type())
      throw Error(SIGRUN_STATUS_BAD_ARGUMENT, "tensor '" + name() + "' is " + sigrun_type_name(type()) +
                                                  ", not " + sigrun_type_name(detail::type_of<T>::value));
    if (!sigrun_tensor_data_const(tensor_) && bytes() != 0)
      throw Error(SIGRUN_STATUS_BAD_STATE, "tensor '" + name() + "' has no memory yet (AllocateTensors first)");
  }
  const sigrun_tensor* tensor_;
};

/* An input's view: writable in place after AllocateTensors. */
class MutableTensorView : public TensorView {
 public:
  explicit MutableTensorView(sigrun_tensor* tensor) : TensorView(tensor), mutable_(tensor) {}
  template <typename T>
  Span<T> mutable_data() {
    require<T>();
    return Span<T>(static_cast<T*>(sigrun_tensor_data(mutable_)), element_count());
  }

 private:
  sigrun_tensor* mutable_;
};

/* LiteRT's SignatureRunner: one signature with named inputs and outputs. */
class SignatureRunner {
 public:
  SignatureRunner(const SignatureRunner&) = delete;
  SignatureRunner& operator=(const SignatureRunner&) = delete;
  ~SignatureRunner() {
    if (owned_) sigrun_runner_destroy(runner_);
  }

  std::string signature_key() const { return sigrun_runner_signature_key(runner_); }
  /* Names in LiteRT's order (byte order of the names). */
  std::vector<std::string> input_names() const {
    std::vector<std::string> names;
    for (int i = 0; i < sigrun_runner_input_count(runner_); i++) names.emplace_back(sigrun_runner_input_name(runner_, i));
    return names;
  }
  std::vector<std::string> output_names() const {
    std::vector<std::string> names;
    for (int i = 0; i < sigrun_runner_output_count(runner_); i++)
      names.emplace_back(sigrun_runner_output_name(runner_, i));
    return names;
  }
  MutableTensorView input_tensor(const std::string& name) {
    sigrun_tensor* t = nullptr;
    sigrun_error error;
    detail::check(sigrun_runner_input(runner_, name.c_str(), &t, &error), error);
    return MutableTensorView(t);
  }
  TensorView output_tensor(const std::string& name) const {
    const sigrun_tensor* t = nullptr;
    sigrun_error error;
    detail::check(sigrun_runner_output(runner_, name.c_str(), &t, &error), error);
    return TensorView(t);
  }
  /* Any dimension may change (LiteRT's ResizeInputTensor); takes effect at the next AllocateTensors. */
  void ResizeInputTensor(const std::string& name, const std::vector<int32_t>& dims) {
    sigrun_error error;
    detail::check(sigrun_runner_resize_input(runner_, name.c_str(), dims.data(), static_cast<int>(dims.size()), &error),
                  error);
  }
  /* Only dimensions that are -1 in the shape signature may change (LiteRT's ResizeInputTensorStrict). */
  void ResizeInputTensorStrict(const std::string& name, const std::vector<int32_t>& dims) {
    sigrun_error error;
    detail::check(
        sigrun_runner_resize_input_strict(runner_, name.c_str(), dims.data(), static_cast<int>(dims.size()), &error),
        error);
  }
  void AllocateTensors() {
    sigrun_error error;
    detail::check(sigrun_runner_allocate(runner_, &error), error);
  }
  void Invoke() {
    sigrun_error error;
    detail::check(sigrun_runner_invoke(runner_, &error), error);
  }

  /* Copies values into an input (sizes checked by sigrun). */
  template <typename T>
  void SetInput(const std::string& name, const std::vector<T>& values) {
    static_assert(!std::is_same<T, bool>::value, "std::vector<bool> is not contiguous; use SetInputBytes");
    SetInputBytes(name, values.data(), values.size() * sizeof(T));
  }
  void SetInputBytes(const std::string& name, const void* data, std::size_t size) {
    sigrun_error error;
    detail::check(sigrun_runner_set_input(runner_, name.c_str(), data, size, &error), error);
  }
  /* Packs strings into LiteRT's layout and sets a string input (its element count must match). */
  void SetInputStrings(const std::string& name, const std::vector<std::string>& values) {
    std::vector<const char*> ptrs;
    std::vector<std::size_t> lens;
    for (const std::string& v : values) {
      ptrs.push_back(v.data());
      lens.push_back(v.size());
    }
    std::size_t size = 0;
    sigrun_error error;
    sigrun_strings_pack(ptrs.data(), lens.data(), values.size(), nullptr, 0, &size, &error);
    if (size == 0) detail::check(SIGRUN_STATUS_BAD_ARGUMENT, error);
    std::vector<unsigned char> packed(size);
    detail::check(sigrun_strings_pack(ptrs.data(), lens.data(), values.size(), packed.data(), packed.size(), &size,
                                      &error),
                  error);
    SetInputBytes(name, packed.data(), size);
  }
  /* A copy of an output's elements. */
  template <typename T>
  std::vector<T> GetOutput(const std::string& name) const {
    Span<const T> values = output_tensor(name).data<T>();
    return std::vector<T>(values.begin(), values.end());
  }

  sigrun_runner* get() const noexcept { return runner_; }

 private:
  friend class Interpreter;
  SignatureRunner(sigrun_runner* runner, bool owned) : runner_(runner), owned_(owned) {}
  sigrun_runner* runner_;
  bool owned_;
};

/* The loaded, verified model: read-only, shareable between interpreters and threads. */
class Model {
 public:
  static Model FromFile(const std::string& path) {
    sigrun_model* m = nullptr;
    sigrun_error error;
    detail::check(sigrun_model_load_file(path.c_str(), &m, &error), error);
    return Model(m);
  }
  /* Copies the bytes (copy = true) or borrows them (they must then outlive the Model). */
  static Model FromBuffer(const void* data, std::size_t size, bool copy = true) {
    sigrun_model* m = nullptr;
    sigrun_error error;
    detail::check(sigrun_model_load_buffer(data, size, copy ? 1 : 0, &m, &error), error);
    return Model(m);
  }
  Model(Model&& other) noexcept : model_(std::exchange(other.model_, nullptr)) {}
  Model& operator=(Model&& other) noexcept {
    if (this != &other) {
      sigrun_model_destroy(model_);
      model_ = std::exchange(other.model_, nullptr);
    }
    return *this;
  }
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  ~Model() { sigrun_model_destroy(model_); }

  std::vector<std::string> signature_keys() const {
    std::vector<std::string> keys;
    for (int i = 0; i < sigrun_model_signature_count(model_); i++) keys.emplace_back(sigrun_model_signature_key(model_, i));
    return keys;
  }
  const sigrun_model* get() const noexcept { return model_; }

 private:
  explicit Model(sigrun_model* model) : model_(model) {}
  sigrun_model* model_;
};

/* Interpreter options; defaults as sigrun_interpreter_options_init. */
struct Options {
  int num_threads = 1;
  std::size_t max_arena_bytes = 0;
  bool reference_kernels_only = false;
  bool allow_unsupported_ops = false;
  int max_call_depth = 0;
  int64_t max_while_iterations = 0;
  bool preserve_all_tensors = false;
};

/* The mutable state over a Model: runners, variables, tables. */
class Interpreter {
 public:
  explicit Interpreter(const Model& model, const Options& options = Options()) {
    sigrun_interpreter_options o;
    sigrun_interpreter_options_init(&o);
    o.num_threads = options.num_threads;
    o.max_arena_bytes = options.max_arena_bytes;
    o.reference_kernels_only = options.reference_kernels_only ? 1 : 0;
    o.allow_unsupported_ops = options.allow_unsupported_ops ? 1 : 0;
    o.max_call_depth = options.max_call_depth;
    o.max_while_iterations = options.max_while_iterations;
    o.preserve_all_tensors = options.preserve_all_tensors ? 1 : 0;
    sigrun_error error;
    detail::check(sigrun_interpreter_create(model.get(), &o, &interpreter_, &error), error);
  }
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;
  ~Interpreter() {
    runners_.clear(); /* wrappers of runners the C interpreter owns: nothing to free */
    sigrun_interpreter_destroy(interpreter_);
  }

  std::vector<std::string> signature_keys() const {
    const sigrun_model* m = sigrun_interpreter_model(interpreter_);
    std::vector<std::string> keys;
    for (int i = 0; i < sigrun_model_signature_count(m); i++) keys.emplace_back(sigrun_model_signature_key(m, i));
    return keys;
  }
  /* The interpreter's runner for a key (created once, owned by the interpreter); an empty key is LiteRT's
   * NULL key (the only signature, or the placeholder of a model without signatures). */
  SignatureRunner& GetSignatureRunner(const std::string& key = std::string()) {
    auto found = runners_.find(key);
    if (found != runners_.end()) return *found->second;
    sigrun_runner* r = nullptr;
    sigrun_error error;
    detail::check(sigrun_interpreter_get_runner(interpreter_, key.empty() ? nullptr : key.c_str(), &r, &error), error);
    auto wrapper = std::unique_ptr<SignatureRunner>(new SignatureRunner(r, false));
    SignatureRunner& ref = *wrapper;
    runners_.emplace(key, std::move(wrapper));
    return ref;
  }
  /* sigrun's addition: an independent runner for one thread (its own arena), owned by the caller; destroy it
   * before the interpreter. */
  std::unique_ptr<SignatureRunner> CreateSignatureRunner(const std::string& key = std::string()) {
    sigrun_runner* r = nullptr;
    sigrun_error error;
    detail::check(sigrun_runner_create(interpreter_, key.empty() ? nullptr : key.c_str(), &r, &error), error);
    return std::unique_ptr<SignatureRunner>(new SignatureRunner(r, true));
  }
  /* LiteRT's ResetVariableTensors (resource variables keep their values, as in LiteRT). */
  void ResetVariableTensors() {
    sigrun_error error;
    detail::check(sigrun_interpreter_reset_variables(interpreter_, &error), error);
  }
  /* Back to a fresh interpreter's state: variables unassigned, tables empty, initializer due again. */
  void ResetState() {
    sigrun_error error;
    detail::check(sigrun_interpreter_reset_state(interpreter_, &error), error);
  }
  /* Stops the invokes running now (LiteRT's Cancel); safe from any thread. */
  void Cancel() {
    sigrun_error error;
    detail::check(sigrun_interpreter_cancel(interpreter_, &error), error);
  }
  sigrun_interpreter* get() const noexcept { return interpreter_; }

 private:
  sigrun_interpreter* interpreter_ = nullptr;
  std::map<std::string, std::unique_ptr<SignatureRunner>> runners_;
};

}  // namespace sigrun

#endif /* SIGRUN_HPP */
