/*
 * strings.h — LiteRT's string tensor layout, checked. A STRING tensor's data is one buffer:
 *   int32 count; int32 offset[count + 1]; bytes...
 * where offsets are from the start of the buffer, non-decreasing, offset[0] == 4 * (count + 2) and
 * offset[count] == the buffer's length. count equals the tensor's element count. A string tensor's `bytes`
 * is that buffer length; non-constant string tensors are always SR_ALLOC_DYNAMIC because their size depends
 * on their contents.
 */
#ifndef SR_STRINGS_H
#define SR_STRINGS_H

#include "../ops/op.h"

/* Checks a packed buffer that should hold `count` strings; on failure writes why into msg and returns 0. */
int sr_strings_check(const void* data, size_t bytes, size_t count, char* msg, size_t msg_size);
/* Number of strings in a checked buffer (0 for an empty/NULL buffer). */
size_t sr_strings_count(const sr_tensor* t);
/* String i of a checked tensor (i < count). */
void sr_strings_get(const sr_tensor* t, size_t i, const char** data, size_t* len);

/* Writes a string output: sr_strings_begin sizes output `index` (which must be dynamic: every non-constant
 * string tensor is) for `rank`/`dims` and `payload` bytes of text in total, then each sr_strings_put
 * appends the next string; after count puts the tensor is complete. */
typedef struct sr_strings_writer {
  uint8_t* base;
  size_t count;
  size_t next;
  size_t offset;
  size_t end;
} sr_strings_writer;
sigrun_status sr_strings_begin(sr_node* node, int index, int rank, const int32_t* dims, size_t payload,
                               sr_strings_writer* w);
void sr_strings_put(sr_strings_writer* w, const char* data, size_t len);

/* Copies a whole string tensor (shape and contents) into a dynamic tensor; used by control flow and
 * variables. */
sigrun_status sr_strings_copy(sr_node* node, sr_tensor* dst, const sr_tensor* src);

#endif
