/*
 * fuzz_npy.c — libFuzzer target for the CLI's .npy reader (tools/npy.c, which works on memory buffers). A
 * parsed array must be self-consistent, survive printing of its elements and re-encode to an image that
 * parses back to the same array; the input is also fed, as text, to the element parser the CLI uses for
 * values given on the command line. Any inconsistency traps so the fuzzer records it like a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

/* Elements printed per input: enough to reach every dtype's formatter without making large arrays slow. */
#define FUZZ_MAX_PRINTED 64
#define FUZZ_MAX_TEXT 64

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static void fuzz_require(int ok) {
  if (!ok) __builtin_trap();
}

static void fuzz_check_array(const sr_npy_array* a) {
  fuzz_require(a->rank >= 0 && a->rank <= SR_NPY_MAX_RANK);
  size_t count = 1;
  for (int i = 0; i < a->rank; i++) {
    fuzz_require(a->dims[i] >= 0);
    count *= (size_t)a->dims[i]; /* no overflow: the reader checked the same product */
  }
  fuzz_require(count == a->count);
  fuzz_require(a->bytes == a->count * sigrun_type_size(a->type));
  fuzz_require((a->bytes == 0) == (a->data == NULL));
  char text[64];
  for (size_t i = 0; i < a->count && i < FUZZ_MAX_PRINTED; i++) {
    if (!sr_npy_format_element(text, sizeof text, a->type, a->data, i)) continue;
    fuzz_require(memchr(text, '\0', sizeof text) != NULL);
  }
}

/* Encoding what was read and reading it back gives the same dtype, shape and bytes. */
static void fuzz_round_trip(const sr_npy_array* a) {
  void* image = NULL;
  size_t image_size = 0;
  char err[SR_NPY_ERROR_SIZE];
  fuzz_require(sr_npy_encode(a->type, a->rank, a->dims, a->data, a->bytes, &image, &image_size, err, sizeof err) == 0);
  sr_npy_array b;
  fuzz_require(sr_npy_parse(image, image_size, &b, err, sizeof err) == 0);
  fuzz_require(b.type == a->type && b.rank == a->rank && b.bytes == a->bytes);
  fuzz_require(memcmp(b.dims, a->dims, sizeof(int64_t) * (size_t)a->rank) == 0);
  fuzz_require(a->bytes == 0 || memcmp(b.data, a->data, a->bytes) == 0);
  sr_npy_free(&b);
  free(image);
}

static void fuzz_parse_text(const uint8_t* data, size_t size) {
  static const sigrun_type types[] = {
      SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_FLOAT16, SIGRUN_TYPE_FLOAT64, SIGRUN_TYPE_BFLOAT16, SIGRUN_TYPE_INT8,
      SIGRUN_TYPE_INT16,   SIGRUN_TYPE_INT32,   SIGRUN_TYPE_INT64,   SIGRUN_TYPE_UINT8,    SIGRUN_TYPE_UINT16,
      SIGRUN_TYPE_UINT32,  SIGRUN_TYPE_UINT64,  SIGRUN_TYPE_BOOL};
  char text[FUZZ_MAX_TEXT + 1];
  size_t n = size < FUZZ_MAX_TEXT ? size : FUZZ_MAX_TEXT;
  memcpy(text, data, n);
  text[n] = '\0';
  uint64_t out[2];
  for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) (void)sr_npy_parse_element(text, types[k], out, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sr_npy_array a;
  char err[SR_NPY_ERROR_SIZE];
  err[0] = '\0';
  if (sr_npy_parse(data, size, &a, err, sizeof err) == 0) {
    fuzz_check_array(&a);
    fuzz_round_trip(&a);
    sr_npy_free(&a);
  } else {
    /* A rejection always explains itself, in a terminated message, and leaves nothing owned. */
    fuzz_require(err[0] != '\0' && memchr(err, '\0', sizeof err) != NULL);
    fuzz_require(a.data == NULL && a.bytes == 0);
  }
  fuzz_parse_text(data, size);
  return 0;
}
