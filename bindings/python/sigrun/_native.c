/*
 * _native.c — the entry point that makes the compiled sigrun library importable as `sigrun._native`.
 * The extension file also carries every sigrun_* function (compiled in by setup.py); the Python side
 * reaches them through ctypes, which releases the GIL around each call. So this module defines nothing.
 */
#include <Python.h>

static struct PyModuleDef sr_native_module = {
    PyModuleDef_HEAD_INIT, "_native", "sigrun's C library; used through ctypes by sigrun._lib.", -1, NULL,
    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__native(void);

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&sr_native_module); }
