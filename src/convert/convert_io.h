/*
 * convert_io.h — internal: the converter's file access. Whole small files (saved_model.pb, the bundle index)
 * are read into memory; tensor data is read by range from the shard files, so a checkpoint is never held whole.
 * Errors name the path and the OS reason.
 */
#ifndef SR_CONVERT_IO_H
#define SR_CONVERT_IO_H

#include <stddef.h>
#include <stdint.h>

#include "core/common.h"

/* Reads the regular file path into a new sr_malloc buffer (one NUL byte past *size, so text is terminated).
 * IO when it cannot be opened or read, BAD_MODEL when it is larger than max_size, NO_MEMORY. Free with sr_free. */
sigrun_status sr_cvio_read_file(const char* path, size_t max_size, uint8_t** data, size_t* size, sigrun_error* error);
/* The size of the regular file path; IO when it cannot be opened. */
sigrun_status sr_cvio_file_size(const char* path, uint64_t* size, sigrun_error* error);
/* 1 when path names an existing regular file. */
int sr_cvio_is_file(const char* path);
/* Reads size bytes at offset of the regular file path into dst. IO when it cannot be read; BAD_MODEL (naming
 * the file length) when [offset, offset + size) runs past its end. */
sigrun_status sr_cvio_read_range(const char* path, uint64_t offset, void* dst, size_t size, sigrun_error* error);
/* "a/b" (or "b" when a is empty) in a new sr_malloc string; NULL when out of memory. */
char* sr_cvio_join(const char* a, const char* b);

#endif /* SR_CONVERT_IO_H */
