// encode_decode.cpp — the signatures guide's encode/decode model through the C++ wrapper (include/sigrun.hpp):
// list the signatures, encode a batch of two, decode the result, print both.
//   usage: example_cpp_encode_decode [MODEL]   (default examples/encode_decode/encode_decode.tflite)
#include <cstdio>
#include <string>
#include <vector>

#include "sigrun.hpp"

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "examples/encode_decode/encode_decode.tflite";
  try {
    sigrun::Model model = sigrun::Model::FromFile(path);
    sigrun::Interpreter interpreter(model);
    for (const std::string& key : interpreter.signature_keys()) {
      sigrun::SignatureRunner& runner = interpreter.GetSignatureRunner(key);
      std::printf("signature %s:", key.c_str());
      for (const std::string& name : runner.input_names()) std::printf(" in %s", name.c_str());
      for (const std::string& name : runner.output_names()) std::printf(" out %s", name.c_str());
      std::printf("\n");
    }
    sigrun::SignatureRunner& encode = interpreter.GetSignatureRunner("encode");
    encode.ResizeInputTensor("x", {2, 4});
    encode.AllocateTensors();
    encode.SetInput("x", std::vector<float>{1, 2, 3, 4, -1, -0.5f, 0, 0.5f});
    encode.Invoke();
    std::vector<float> encoded = encode.GetOutput<float>("encoded");

    sigrun::SignatureRunner& decode = interpreter.GetSignatureRunner("decode");
    decode.ResizeInputTensor("y", {2, 2});
    decode.AllocateTensors();
    decode.SetInput("y", encoded);
    decode.Invoke();
    std::printf("encoded:");
    for (float v : encoded) std::printf(" %.6f", v);
    std::printf("\ndecoded:");
    for (float v : decode.output_tensor("decoded").data<float>()) std::printf(" %.6f", v);
    std::printf("\n");
  } catch (const sigrun::Error& e) {
    std::fprintf(stderr, "error (%s): %s\n", sigrun_status_string(e.status()), e.what());
    return 1;
  }
  return 0;
}
