"""sigrun's limits for untrusted models through the Python API (max_arena_bytes, max_while_iterations,
max_call_depth): exceeding one raises RuntimeError with status LIMIT and a message naming it; within the limits
the same model gives LiteRT's results."""
import pathlib

import numpy as np
import pytest

import sigrun
from sigrun import _lib
from ai_edge_litert.interpreter import Interpreter as LiteRTInterpreter

MODELS = pathlib.Path(__file__).resolve().parents[1] / "data" / "models"


def _where(interp, x):
    interp.resize_tensor_input(0, x.shape)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"])


def test_max_arena_bytes_bounds_data_dependent_outputs():
    path = str(MODELS / "where.bin")
    limited = sigrun.Interpreter(model_path=path, max_arena_bytes=32 * 1024)
    small = np.zeros((1000, 4), np.bool_)
    small[::7, 1] = True
    reference = _where(LiteRTInterpreter(model_path=path), small)
    np.testing.assert_array_equal(_where(limited, small), reference)
    with pytest.raises(RuntimeError, match=r"max_arena_bytes \(32768\)") as info:
        _where(limited, np.ones((1000, 4), np.bool_))
    assert info.value.status == _lib.STATUS_LIMIT
    np.testing.assert_array_equal(_where(limited, small), reference)  # still usable
    unlimited = sigrun.Interpreter(model_path=path)
    assert _where(unlimited, np.ones((1000, 4), np.bool_)).shape == (4000, 2)


def test_max_while_iterations_and_call_depth():
    path = str(MODELS / "nested_while.bin")
    interp = sigrun.Interpreter(model_path=path, max_while_iterations=1000)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], np.zeros(interp.get_input_details()[0]["shape"], np.float32))
    with pytest.raises(RuntimeError, match=r"max_while_iterations \(1000\)") as info:
        interp.invoke()
    assert info.value.status == _lib.STATUS_LIMIT
    shallow = sigrun.Interpreter(model_path=path, max_call_depth=1)
    with pytest.raises(RuntimeError, match=r"max_call_depth \(1\)"):
        shallow.allocate_tensors()


@pytest.mark.parametrize("name,value", [("max_arena_bytes", -1), ("max_call_depth", 1.5), ("max_while_iterations", True)])
def test_bad_limit_values(name, value):
    with pytest.raises(ValueError, match=name):
        sigrun.Interpreter(model_path=str(MODELS / "where.bin"), **{name: value})
