"""sigrun: run LiteRT (TensorFlow Lite) models by signature with the sigrun C runtime.

`sigrun.Interpreter` mirrors `ai_edge_litert.interpreter.Interpreter` (same constructor, methods, return
formats and error messages), so code written for LiteRT's Python API runs unchanged:

    import sigrun
    interpreter = sigrun.Interpreter(model_path="model.tflite")
    runner = interpreter.get_signature_runner("serving_default")
    outputs = runner(x=numpy_array)
"""
from . import _lib
from .interpreter import Interpreter, OpResolverType, SignatureRunner

__version__ = _lib.decode(_lib.lib.sigrun_version())

__all__ = ["Interpreter", "OpResolverType", "SignatureRunner", "__version__"]
