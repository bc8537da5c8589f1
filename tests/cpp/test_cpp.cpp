// test_cpp.cpp — the C++ wrapper (include/sigrun.hpp) on real and converted models. Run by ctest, it checks
// names, shapes, state, strings, threads and the exceptions; it also prints every output it computed
// ("<case> <output> v0 v1 ...", floats with %.9g) so tests/oracle/test_cpp.py can compare them with LiteRT on
// the same inputs. Compiled with -Wall -Wextra -Werror -std=c++17.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "sigrun.hpp"

static int failures = 0;

#define EXPECT(cond)                                                    \
  do {                                                                  \
    if (!(cond)) {                                                      \
      std::fprintf(stderr, "%s:%d: EXPECT failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                       \
    }                                                                   \
  } while (0)

template <typename T>
static void print(const std::string& label, const std::vector<T>& values) {
  std::printf("%s", label.c_str());
  for (const T& v : values) std::printf(" %.9g", static_cast<double>(v));
  std::printf("\n");
}

template <typename F>
static bool throws(sigrun_status status, const char* fragment, F&& f) {
  try {
    f();
  } catch (const sigrun::Error& e) {
    if (e.status() != status || std::strstr(e.what(), fragment) == nullptr) {
      std::fprintf(stderr, "unexpected error %d: %s\n", static_cast<int>(e.status()), e.what());
      return false;
    }
    return true;
  }
  return false;
}

// x[i] = (i % 7) * 0.25 - 0.75: the same inputs tests/oracle/test_cpp.py builds.
static std::vector<float> pattern(std::size_t n) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; i++) x[i] = static_cast<float>(i % 7) * 0.25f - 0.75f;
  return x;
}

static void encode_decode(const std::string& root) {
  sigrun::Model model = sigrun::Model::FromFile(root + "/examples/encode_decode/encode_decode.tflite");
  sigrun::Interpreter interp(model);
  EXPECT((interp.signature_keys() == std::vector<std::string>{"decode", "encode"}));
  sigrun::SignatureRunner& encode = interp.GetSignatureRunner("encode");
  EXPECT(&encode == &interp.GetSignatureRunner("encode"));  // one runner per key, as in LiteRT
  EXPECT((encode.input_names() == std::vector<std::string>{"x"}));
  EXPECT((encode.output_names() == std::vector<std::string>{"encoded"}));
  EXPECT((encode.input_tensor("x").dims_signature() == std::vector<int32_t>{-1, 4}));
  encode.ResizeInputTensor("x", {3, 4});
  encode.AllocateTensors();
  encode.SetInput("x", pattern(12));
  encode.Invoke();
  std::vector<float> encoded = encode.GetOutput<float>("encoded");
  EXPECT((encode.output_tensor("encoded").dims() == std::vector<int32_t>{3, 2}));
  print("encode_decode encoded", encoded);

  sigrun::SignatureRunner& decode = interp.GetSignatureRunner("decode");
  decode.ResizeInputTensorStrict("y", {3, 2});
  decode.AllocateTensors();
  sigrun::MutableTensorView y = decode.input_tensor("y");
  sigrun::Span<float> in = y.mutable_data<float>();  // write the input in place
  for (std::size_t i = 0; i < in.size(); i++) in[i] = encoded[i];
  decode.Invoke();
  print("encode_decode decoded", decode.GetOutput<float>("decoded"));

  EXPECT(throws(SIGRUN_STATUS_NOT_FOUND, "the model's signatures are: 'decode', 'encode'",
                [&] { interp.GetSignatureRunner("nope"); }));
  EXPECT(throws(SIGRUN_STATUS_NOT_FOUND, "has no input named 'z'", [&] { decode.input_tensor("z"); }));
  EXPECT(throws(SIGRUN_STATUS_BAD_ARGUMENT, "is float32, not int32", [&] { decode.output_tensor("decoded").data<int32_t>(); }));
  EXPECT(throws(SIGRUN_STATUS_BAD_ARGUMENT, "got 4 bytes", [&] { decode.SetInput("y", std::vector<float>{1.0f}); }));
  EXPECT(throws(SIGRUN_STATUS_BAD_ARGUMENT, "strict resize", [&] { decode.ResizeInputTensorStrict("y", {3, 5}); }));

  // Independent runners on two threads give the sequential results.
  std::vector<float> results[2];
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; t++)
    threads.emplace_back([&, t] {
      std::unique_ptr<sigrun::SignatureRunner> r = interp.CreateSignatureRunner("encode");
      r->ResizeInputTensor("x", {3, 4});
      r->AllocateTensors();
      for (int i = 0; i < 50; i++) {
        r->SetInput("x", pattern(12));
        r->Invoke();
      }
      results[t] = r->GetOutput<float>("encoded");
    });
  for (std::thread& t : threads) t.join();
  EXPECT(results[0] == encoded && results[1] == encoded);
}

static void counter(const std::string& root) {
  sigrun::Model model = sigrun::Model::FromFile(root + "/tests/data/state/counter.tflite");
  sigrun::Interpreter interp(model);
  sigrun::SignatureRunner& add = interp.GetSignatureRunner("add");
  add.AllocateTensors();
  for (int i = 0; i < 3; i++) {
    add.SetInput("x", std::vector<float>{0.5f, 1.0f, 2.0f});
    add.Invoke();
  }
  sigrun::SignatureRunner& get = interp.GetSignatureRunner("get");
  get.AllocateTensors();
  get.Invoke();
  std::vector<float> v = get.GetOutput<float>("v");
  print("counter after_adds", v);
  EXPECT((v == std::vector<float>{2.5f, 5.0f, 9.0f}));
  interp.ResetVariableTensors();  // LiteRT's reset_all_variables: resource variables keep their values
  get.Invoke();
  EXPECT(get.GetOutput<float>("v") == v);
  interp.ResetState();
  get.Invoke();
  EXPECT((get.GetOutput<float>("v") == std::vector<float>{1.0f, 2.0f, 3.0f}));
}

static void vocabulary(const std::string& root) {
  sigrun::Model model = sigrun::Model::FromFile(root + "/tests/data/state/vocabulary.tflite");
  sigrun::Interpreter interp(model);
  sigrun::SignatureRunner& lookup = interp.GetSignatureRunner("lookup");
  std::vector<std::string> words{"gamma", "zeta", "alpha", "", "delta"};
  lookup.ResizeInputTensor("words", {5});
  lookup.AllocateTensors();
  lookup.SetInputStrings("words", words);
  lookup.Invoke();
  std::vector<int64_t> ids = lookup.GetOutput<int64_t>("ids");
  print("vocabulary ids", ids);
  EXPECT((ids == std::vector<int64_t>{30, -1, 10, -1, 40}));
  sigrun::SignatureRunner& pick = interp.GetSignatureRunner("pick");
  pick.ResizeInputTensor("words", {5});
  pick.ResizeInputTensor("i", {3});
  pick.AllocateTensors();
  pick.SetInputStrings("words", words);
  pick.SetInput("i", std::vector<int32_t>{4, 0, 0});
  pick.Invoke();
  std::vector<std::string_view> picked = pick.output_tensor("picked").strings();
  EXPECT(picked.size() == 3 && picked[0] == "delta" && picked[1] == "gamma" && picked[2] == "gamma");
  EXPECT(throws(SIGRUN_STATUS_BAD_ARGUMENT, "expected 5", [&] { pick.SetInputStrings("words", {"a"}); }));
}

int main(int argc, char** argv) {
  const std::string root = argc > 1 ? argv[1] : ".";
  try {
    encode_decode(root);
    counter(root);
    vocabulary(root);
    EXPECT(throws(SIGRUN_STATUS_IO, "", [&] { sigrun::Model::FromFile(root + "/no/such/file.tflite"); }));
  } catch (const sigrun::Error& e) {
    std::fprintf(stderr, "unexpected sigrun::Error (%d): %s\n", static_cast<int>(e.status()), e.what());
    return 1;
  }
  std::fprintf(stderr, "%s\n", failures ? "FAILED" : "all C++ checks passed");
  return failures ? 1 : 0;
}
