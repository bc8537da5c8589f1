/*
 * npy.h — reading and writing NumPy .npy files (format versions 1.0, 2.0 and 3.0) for the sigrun tool.
 * Only little-endian, C-ordered arrays of plain numeric and bool dtypes are supported. The reader treats
 * its input as hostile: every length, offset and size product is checked, and a malformed file yields a
 * message that says what is wrong and at which byte, never a crash. It works on memory buffers (so a
 * fuzzer can drive it) with thin file helpers on top, plus the text form of single elements of these
 * dtypes (printing and parsing) that the tool shares.
 */
#ifndef SR_NPY_H
#define SR_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "sigrun.h"

/* numpy's own limit (NPY_MAXDIMS in numpy 1.x); sigrun itself accepts fewer. */
#define SR_NPY_MAX_RANK 32
#define SR_NPY_ERROR_SIZE 256

typedef struct sr_npy_array {
  sigrun_type type;
  int rank;
  int64_t dims[SR_NPY_MAX_RANK];
  size_t count; /* product of dims */
  size_t bytes; /* count * element size */
  void* data;   /* owned (malloc); NULL when bytes is 0 */
} sr_npy_array;

/* Parses a whole .npy image. On success fills *out (release with sr_npy_free) and returns 0; on failure
 * returns -1, leaves *out empty and writes a message to err (err_size bytes; err may be NULL). */
int sr_npy_parse(const void* buf, size_t size, sr_npy_array* out, char* err, size_t err_size);

/* Reads and parses a regular file. Messages start with the path. */
int sr_npy_read_file(const char* path, sr_npy_array* out, char* err, size_t err_size);

/* Builds a .npy image in newly malloc'd memory (*out_buf, *out_size). dims may be NULL when rank is 0.
 * Fails for types .npy cannot carry (string, resource, ...), negative dims or a wrong data size. */
int sr_npy_encode(sigrun_type type, int rank, const int64_t* dims, const void* data, size_t data_bytes,
                  void** out_buf, size_t* out_size, char* err, size_t err_size);

/* sr_npy_encode + write to path (created or truncated). */
int sr_npy_write_file(const char* path, sigrun_type type, int rank, const int64_t* dims, const void* data,
                      size_t data_bytes, char* err, size_t err_size);

/* Frees the data and empties the struct. NULL is a no-op. */
void sr_npy_free(sr_npy_array* array);

/* The .npy descr for a sigrun type ("<f4", "|b1", ...); NULL if the type has no .npy equivalent. */
const char* sr_npy_descr(sigrun_type type);

/* numpy-like text of element i of data: the fewest digits that round-trip for floats, True/False for
 * bool. Returns 0 (and writes nothing) for types without a text form (string, complex, int4, ...). */
int sr_npy_format_element(char* buf, size_t size, sigrun_type type, const void* data, size_t i);

/* Parses decimal text (floats also "nan", "inf"; bool true/false/True/False/1/0) into element i of out,
 * rounding to the type's precision. Returns -1 for text that is not a whole value in the type's range. */
int sr_npy_parse_element(const char* text, sigrun_type type, void* out, size_t i);

/* IEEE half precision conversions (round to nearest even). */
uint16_t sr_npy_f32_to_f16(float f);
float sr_npy_f16_to_f32(uint16_t h);

#endif /* SR_NPY_H */
