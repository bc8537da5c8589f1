/*
 * convert_io.c — POSIX file reads for the converter: whole files into memory and ranges with pread. No state
 * outlives a call; every descriptor opened is closed before returning.
 */
#include "convert/convert_io.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Non-blocking, so a FIFO (or device) in place of a file returns at once instead of waiting for a writer; it is
 * refused below. */
static sigrun_status open_regular(const char* path, int* fd, uint64_t* size, sigrun_error* error) {
  *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (*fd < 0) return sr_fail(error, SIGRUN_STATUS_IO, "cannot open '%s': %s", path, strerror(errno));
  struct stat st;
  if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(*fd);
    return sr_fail(error, SIGRUN_STATUS_IO, "'%s' is not a regular file", path);
  }
  *size = (uint64_t)st.st_size;
  return SIGRUN_STATUS_OK;
}

/* pread until size bytes are in or the file ends early. */
static sigrun_status read_at(int fd, const char* path, uint64_t offset, uint8_t* dst, size_t size,
                             sigrun_error* error) {
  size_t done = 0;
  while (done < size) {
    size_t want = size - done;
    if (want > ((size_t)1 << 30)) want = (size_t)1 << 30;
    ssize_t got = pread(fd, dst + done, want, (off_t)(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return sr_fail(error, SIGRUN_STATUS_IO, "cannot read '%s': %s", path, strerror(errno));
    if (got == 0) {
      return sr_fail(error, SIGRUN_STATUS_IO, "'%s' ended after %llu bytes while reading %zu at offset %llu", path,
                     (unsigned long long)(offset + done), size, (unsigned long long)offset);
    }
    done += (size_t)got;
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cvio_read_file(const char* path, size_t max_size, uint8_t** data, size_t* size, sigrun_error* error) {
  *data = NULL;
  *size = 0;
  int fd;
  uint64_t file_size;
  sigrun_status st = open_regular(path, &fd, &file_size, error);
  if (st != SIGRUN_STATUS_OK) return st;
  if (file_size > max_size) {
    close(fd);
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "'%s' has %llu bytes, more than the %zu accepted", path,
                   (unsigned long long)file_size, max_size);
  }
  uint8_t* buf = sr_malloc((size_t)file_size + 1);
  if (!buf) {
    close(fd);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory reading '%s' (%llu bytes)", path,
                   (unsigned long long)file_size);
  }
  st = read_at(fd, path, 0, buf, (size_t)file_size, error);
  close(fd);
  if (st != SIGRUN_STATUS_OK) {
    sr_free(buf);
    return st;
  }
  buf[file_size] = 0;
  *data = buf;
  *size = (size_t)file_size;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cvio_file_size(const char* path, uint64_t* size, sigrun_error* error) {
  int fd;
  sigrun_status st = open_regular(path, &fd, size, error);
  if (st == SIGRUN_STATUS_OK) close(fd);
  return st;
}

int sr_cvio_is_file(const char* path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

sigrun_status sr_cvio_read_range(const char* path, uint64_t offset, void* dst, size_t size, sigrun_error* error) {
  int fd;
  uint64_t file_size;
  sigrun_status st = open_regular(path, &fd, &file_size, error);
  if (st != SIGRUN_STATUS_OK) return st;
  if (offset > file_size || size > file_size - offset) {
    close(fd);
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "'%s' has %llu bytes: [%llu, +%zu) runs past its end", path,
                   (unsigned long long)file_size, (unsigned long long)offset, size);
  }
  st = read_at(fd, path, offset, dst, size, error);
  close(fd);
  return st;
}

char* sr_cvio_join(const char* a, const char* b) {
  size_t la = strlen(a), lb = strlen(b);
  char* s = sr_malloc(la + lb + 2);
  if (!s) return NULL;
  size_t n = 0;
  if (la) {
    memcpy(s, a, la);
    n = la;
    if (a[la - 1] != '/') s[n++] = '/';
  }
  memcpy(s + n, b, lb + 1);
  return s;
}
