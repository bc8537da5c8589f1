/*
 * proto.h — a protobuf wire-format reader over one bounded byte span (a whole file held in memory).
 * It yields (field number, wire type, value) triples; message decoders pick the fields they know and ignore
 * the rest, which is how unknown fields get skipped. It owns the wire rules (varint limits, lengths inside
 * their parent, groups skipped, packed or unpacked repeated scalars) and the error text: every failure
 * names the file, the message type, the field number and the absolute byte offset.
 */
#ifndef SR_CONVERT_PROTO_H
#define SR_CONVERT_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/common.h"

/* Deepest nesting of sub-messages and groups accepted (protobuf's own default recursion limit). */
#define SR_PB_MAX_DEPTH 100

typedef enum sr_pb_wire {
  SR_PB_VARINT = 0,
  SR_PB_I64 = 1,
  SR_PB_LEN = 2,
  SR_PB_SGROUP = 3,
  SR_PB_EGROUP = 4,
  SR_PB_I32 = 5
} sr_pb_wire;

typedef struct sr_pb_reader {
  const uint8_t* base; /* start of the file: every offset below and in messages is relative to it */
  size_t pos;          /* next byte to read */
  size_t end;          /* one past the last byte of this message */
  const char* file;    /* names the input in messages */
  const char* msg;     /* message type being decoded, e.g. "NodeDef" */
  int depth;
  sigrun_error* error;
} sr_pb_reader;

typedef struct sr_pb_field {
  uint32_t number;
  sr_pb_wire wire;
  size_t offset;       /* of the tag */
  uint64_t u64;        /* VARINT value, or the raw bits of I64 / I32 */
  const uint8_t* data; /* LEN payload (and a skipped group's content) */
  size_t size;
  size_t data_offset;  /* of the payload */
} sr_pb_field;

/* Scalar kinds for repeated fields: what the wire holds and the C element it becomes. */
typedef enum sr_pb_kind {
  SR_PB_K_INT32,  /* varint -> int32_t (enums too) */
  SR_PB_K_INT64,  /* varint -> int64_t */
  SR_PB_K_UINT32, /* varint -> uint32_t */
  SR_PB_K_UINT64, /* varint -> uint64_t */
  SR_PB_K_BOOL,   /* varint -> uint8_t 0/1 */
  SR_PB_K_SINT64, /* zigzag varint -> int64_t */
  SR_PB_K_FLOAT,  /* I32 -> float */
  SR_PB_K_DOUBLE, /* I64 -> double */
  SR_PB_K_FIXED32 /* I32 -> uint32_t */
} sr_pb_kind;

void sr_pb_init(sr_pb_reader* r, const uint8_t* base, size_t size, const char* file, const char* msg,
                sigrun_error* error);
/* Reads the next field: 1 = *f filled, 0 = end of the message, -1 = malformed (r->error filled). A group
 * (wire type 3) is skipped whole and returned with its content span, so callers treat it as unknown. */
int sr_pb_next(sr_pb_reader* r, sr_pb_field* f);
/* A reader over the payload of LEN field f, decoding message type msg. Fails past SR_PB_MAX_DEPTH. */
sigrun_status sr_pb_sub(const sr_pb_reader* parent, const sr_pb_field* f, const char* msg, sr_pb_reader* sub);
/* "<file>: <msg> field <n> at offset <o>: <text>" into r->error; returns status. f may be NULL. */
sigrun_status sr_pb_fail(const sr_pb_reader* r, const sr_pb_field* f, sigrun_status status, const char* fmt, ...)
    SR_PRINTF(4, 5);

/* Low-level varint decoding shared with the SSTable reader: reads at most 10 bytes from p[0..n). Returns the
 * number of bytes used, 0 if truncated, -1 if longer than 10 bytes or beyond 64 bits. */
int sr_pb_varint(const uint8_t* p, size_t n, uint64_t* out);
static inline int64_t sr_pb_zigzag64(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

/* Typed access to one field's value; a wire type that does not fit the declared type is an error. */
sigrun_status sr_pb_u64(const sr_pb_reader* r, const sr_pb_field* f, uint64_t* out);
sigrun_status sr_pb_i64(const sr_pb_reader* r, const sr_pb_field* f, int64_t* out);
sigrun_status sr_pb_i32(const sr_pb_reader* r, const sr_pb_field* f, int32_t* out); /* low 32 bits, as protobuf */
sigrun_status sr_pb_u32(const sr_pb_reader* r, const sr_pb_field* f, uint32_t* out);
sigrun_status sr_pb_bool(const sr_pb_reader* r, const sr_pb_field* f, int* out);
sigrun_status sr_pb_sint64(const sr_pb_reader* r, const sr_pb_field* f, int64_t* out);
sigrun_status sr_pb_fixed32(const sr_pb_reader* r, const sr_pb_field* f, uint32_t* out);
sigrun_status sr_pb_fixed64(const sr_pb_reader* r, const sr_pb_field* f, uint64_t* out);
sigrun_status sr_pb_float(const sr_pb_reader* r, const sr_pb_field* f, float* out);
sigrun_status sr_pb_double(const sr_pb_reader* r, const sr_pb_field* f, double* out);
sigrun_status sr_pb_bytes(const sr_pb_reader* r, const sr_pb_field* f, const uint8_t** data, size_t* size);
/* A NUL-terminated copy in pool; *size (if not NULL) gets the length, which may include embedded NULs. */
sigrun_status sr_pb_string(const sr_pb_reader* r, const sr_pb_field* f, sr_pool* pool, const char** out,
                           size_t* size);

/* Pool arrays grown one element at a time. array_ptr is the address of the array's pointer (any element
 * type; it is read and written with memcpy so no type punning happens). The capacity is implied by *count
 * (the next power of two, at least 4), so an array must only ever grow through these functions. */
void* sr_pb_push(sr_pool* pool, void* array_ptr, size_t* count, size_t elem_size);
#define SR_PB_PUSH(pool, arr, count) sr_pb_push((pool), &(arr), &(count), sizeof *(arr))

/* Appends the value(s) of a repeated scalar field, packed (one LEN) or unpacked (one value), to a pool array
 * whose elements are the C type of kind. */
sigrun_status sr_pb_repeated(const sr_pb_reader* r, const sr_pb_field* f, sr_pb_kind kind, sr_pool* pool,
                             void* array_ptr, size_t* count);

/* Reports an out-of-memory failure at the reader's position. */
sigrun_status sr_pb_oom(const sr_pb_reader* r);

#endif /* SR_CONVERT_PROTO_H */
