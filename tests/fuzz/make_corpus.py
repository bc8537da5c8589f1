#!/usr/bin/env python3
"""make_corpus.py — writes the seed corpus of the fuzz targets (rerun it to regenerate; it is deterministic).

tests/fuzz/corpus/model/  every real model of tests/data/models, tests/data/state and examples/*/ up to
                          MAX_MODEL_BYTES (the big vision models stay out to keep the corpus and the
                          fuzzer's max_len small), plus truncations and byte changes of a few of them.
tests/fuzz/corpus/npy/    valid .npy images of every dtype the reader takes, in several shapes and all three
                          format versions, plus hostile ones (truncated, lying or malformed headers).

Crashers are not touched: tests/fuzz/crashers/ is written by hand and by run_fuzz.sh. Needs only Python 3.
"""
import random
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fuzz" / "corpus"
MAX_MODEL_BYTES = 40_000
# Small files that are slow to run: matmul_quant is a 512x256x1280 int16 BATCH_MATMUL (1.5 s per input under
# ASan), which would dominate both the replay and every mutation the fuzzer derives from it.
EXCLUDED = {"matmul_quant.tflite"}
# Models whose variants (truncated, one byte changed) seed the corners of the flatbuffer reader and verifier:
# plain ops, several signatures, control flow, strings, initializers, state.
MUTATED = ["tests/data/models/add.bin", "tests/data/models/multi_signatures.bin",
           "tests/data/models/nested_while.bin", "tests/data/models/gather_string.tflite",
           "tests/data/models/call_once_mul.bin", "tests/data/state/counter.tflite"]


def model_sources():
    paths = sorted(p for d in ("tests/data/models", "tests/data/state") for p in (ROOT / d).rglob("*")
                   if p.suffix in (".tflite", ".bin"))
    paths += sorted((ROOT / "examples").glob("*/*.tflite"))
    return [p for p in paths if p.stat().st_size <= MAX_MODEL_BYTES and p.name not in EXCLUDED]


def flat_name(path):
    return str(path.relative_to(ROOT)).replace("/", "__")


def write_models():
    out = OUT / "model"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        old.unlink()
    count = 0
    for p in model_sources():
        (out / flat_name(p)).write_bytes(p.read_bytes())
        count += 1
    rng = random.Random(5)
    for rel in MUTATED:
        data = (ROOT / rel).read_bytes()
        name = flat_name(ROOT / rel)
        for frac in (0.1, 0.5, 0.9, 0.99):
            n = int(len(data) * frac)
            (out / f"trunc{n}__{name}").write_bytes(data[:n])
            count += 1
        for _ in range(6):
            i = rng.randrange(len(data))
            v = rng.choice((0x00, 0xff, 0x7f, 0x80, data[i] ^ (1 << rng.randrange(8))))
            (out / f"byte{i}_{v:02x}__{name}").write_bytes(data[:i] + bytes([v]) + data[i + 1:])
            count += 1
    return count


# ---- .npy ----

DTYPES = {"<f4": ("<f", 4), "<f2": ("<e", 2), "<f8": ("<d", 8), "|i1": ("<b", 1), "<i2": ("<h", 2),
          "<i4": ("<i", 4), "<i8": ("<q", 8), "|u1": ("<B", 1), "<u2": ("<H", 2), "<u4": ("<I", 4),
          "<u8": ("<Q", 8), "|b1": ("<?", 1)}


def shape_text(shape):
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(d) for d in shape) + ")"


def header_dict(descr, shape, fortran=False):
    return "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape_text(shape))


def npy_image(header, data=b"", version=1, align=True):
    """A .npy image around a header text, padded like numpy (spaces, newline) to a multiple of 64."""
    length_bytes = 2 if version == 1 else 4
    pre = 6 + 2 + length_bytes
    body = header.encode("latin-1" if version < 3 else "utf-8")
    if align:
        body += b" " * ((64 - (pre + len(body) + 1) % 64) % 64)
    body += b"\n"
    length = struct.pack("<H" if version == 1 else "<I", len(body))
    return b"\x93NUMPY" + bytes([version, 0]) + length + body + data


def values(fmt, size, count):
    if fmt == "<?":
        return bytes(i % 2 for i in range(count))
    if fmt in ("<f", "<e", "<d"):
        vals = [0.0, -1.5, 3.25, float("inf"), float("nan"), 65504.0, 1e-8, -0.0]
        return b"".join(struct.pack(fmt, vals[i % len(vals)]) for i in range(count))
    lim = 1 << (8 * size - (0 if fmt[1].isupper() else 1))
    return b"".join(struct.pack(fmt, (i * 37 - 5) % lim if fmt[1].isupper() else ((i * 37) % lim) - (i % 2) * lim // 2)
                    for i in range(count))


def valid_npys():
    out = {}
    shapes = [(), (0,), (3,), (2, 3), (1, 2, 2, 1), (2, 0, 3)]
    for descr, (fmt, size) in DTYPES.items():
        for shape in shapes:
            count = 1
            for d in shape:
                count *= d
            tag = "x".join(str(d) for d in shape) or "scalar"
            out[f"valid_{descr[1:]}_{tag}.npy"] = npy_image(header_dict(descr, shape), values(fmt, size, count))
    f4 = values("<f", 4, 6)
    out["valid_v2_f4_2x3.npy"] = npy_image(header_dict("<f4", (2, 3)), f4, version=2)
    out["valid_v3_f4_2x3.npy"] = npy_image(header_dict("<f4", (2, 3)), f4, version=3)
    out["valid_unaligned_f4_2x3.npy"] = npy_image(header_dict("<f4", (2, 3)), f4, align=False)
    out["valid_reordered_keys.npy"] = npy_image("{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}", f4)
    out["valid_no_trailing_comma.npy"] = npy_image("{'descr':'<i4','fortran_order':False,'shape':(2,)}",
                                                   values("<i", 4, 2))
    out["valid_rank8.npy"] = npy_image(header_dict("|u1", (1,) * 7 + (2,)), b"\x01\x02")
    out["valid_native_descr.npy"] = npy_image(header_dict("=f4", (1,)), b"\0\0\x80\x3f")
    return out


def hostile_npys():
    good = npy_image(header_dict("<f4", (2, 3)), values("<f", 4, 6))
    h = {}
    for n in (0, 5, 6, 8, 9, 10, 20, len(good) - 25, len(good) - 1):
        h[f"trunc{n}.npy"] = good[:n]
    h["trailing_bytes.npy"] = good + b"\0\0\0\0"
    h["bad_magic.npy"] = b"\x93NUMPZ" + good[6:]
    h["version_9.npy"] = good[:6] + b"\x09\x00" + good[8:]
    h["header_len_huge_v1.npy"] = good[:8] + b"\xff\xff" + good[10:]
    h["header_len_huge_v2.npy"] = b"\x93NUMPY\x02\x00\xff\xff\xff\xff" + good[10:]
    h["header_len_zero.npy"] = good[:8] + b"\x00\x00" + good[10:]
    bad_headers = {
        "big_endian": header_dict(">f4", (2, 3)),
        "fortran_order": header_dict("<f4", (2, 3), fortran=True),
        "negative_dim": header_dict("<f4", (-1, 3)),
        "overflow_shape": header_dict("<f4", (1 << 62, 4)),
        "overflow_shape_zero": header_dict("<f4", (1 << 62, 1 << 62, 0)),
        "dim_beyond_int64": header_dict("<f4", (1 << 70,)),
        "rank33": header_dict("|u1", (1,) * 33),
        "unicode_dtype": header_dict("<U4", (2,)),
        "object_dtype": header_dict("|O", (2,)),
        "structured_dtype": "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
        "complex_dtype": header_dict("<c8", (2,)),
        "missing_shape": "{'descr': '<f4', 'fortran_order': False, }",
        "duplicate_key": "{'descr': '<f4', 'descr': '<i4', 'fortran_order': False, 'shape': (2,), }",
        "extra_key": "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1, }",
        "unterminated_string": "{'descr': '<f4, 'fortran_order': False, 'shape': (2,), }",
        "nested_tuple": "{'descr': '<f4', 'fortran_order': False, 'shape': ((2,),), }",
        "shape_not_tuple": "{'descr': '<f4', 'fortran_order': False, 'shape': 2, }",
        "shape_list": "{'descr': '<f4', 'fortran_order': False, 'shape': [2], }",
        "bool_as_int": "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }",
        "double_quotes": '{"descr": "<f4", "fortran_order": False, "shape": (2,), }',
        "no_close_brace": "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), ",
        "empty_dict": "{}",
        "not_a_dict": "[1, 2, 3]",
        "long_string": "{'descr': '%s', 'fortran_order': False, 'shape': (2,), }" % ("<" * 300),
        "many_commas": "{'descr': '<f4',, 'fortran_order': False, 'shape': (2,,), }",
        "nul_in_header": "{'descr': '<f4\0', 'fortran_order': False, 'shape': (2,), }",
    }
    for name, text in bad_headers.items():
        h[f"bad_{name}.npy"] = npy_image(text, b"\0" * 8)
    h["header_no_newline.npy"] = good[:8] + struct.pack("<H", 20) + b"{'descr': '<f4'     "
    h["header_non_ascii_v3.npy"] = npy_image("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'é': 1}",
                                             b"\0" * 8, version=3)
    return h


def write_npys():
    out = OUT / "npy"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        old.unlink()
    files = {**valid_npys(), **hostile_npys()}
    for name, data in files.items():
        (out / name).write_bytes(data)
    return len(files)


def main():
    models = write_models()
    npys = write_npys()
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"{models} model inputs, {npys} npy inputs, {total} bytes in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
