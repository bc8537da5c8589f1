/*
 * model.c — the public model object: maps a file read-only (weights are never copied) or borrows/copies a
 * caller buffer, then hands the bytes to the verifier (format/model_load.c). Read-only after load.
 */
/* madvise(MADV_DONTNEED) (posix_madvise's POSIX_MADV_DONTNEED is a no-op in glibc). */
#define _DEFAULT_SOURCE
#include "model.h"
#include "packed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

static sigrun_status finish_load(sigrun_model* m, sigrun_model** out, sigrun_error* error) {
  sigrun_status st = sr_model_parse(m, error);
  if (st != SIGRUN_STATUS_OK) {
    sigrun_model_destroy(m);
    return st;
  }
  *out = m;
  return SIGRUN_STATUS_OK;
}

static sigrun_model* new_model(void) {
  sigrun_model* m = sr_calloc(1, sizeof *m);
  if (!m) return NULL;
  sr_pool_init(&m->pool);
  if (!(m->packs = sr_pack_cache_create())) {
    sr_free(m);
    return NULL;
  }
  return m;
}

sigrun_status sigrun_model_load_file(const char* path, sigrun_model** out_model, sigrun_error* error) {
  if (!path) return sr_null_argument(error, "sigrun_model_load_file", "path");
  if (!out_model) return sr_null_argument(error, "sigrun_model_load_file", "out_model");
  *out_model = NULL;
  /* Non-blocking, so opening a FIFO (or a device) returns at once instead of waiting for a writer; anything
   * but a regular file is refused below. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return sr_fail(error, SIGRUN_STATUS_IO, "cannot open '%s': %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return sr_fail(error, SIGRUN_STATUS_IO, "'%s' is not a regular file", path);
  }
  size_t size = (size_t)st.st_size;
  if (size == 0) {
    close(fd);
    return sr_fail(error, SIGRUN_STATUS_BAD_MODEL, "'%s' is empty", path);
  }
  void* map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return sr_fail(error, SIGRUN_STATUS_IO, "cannot map '%s': %s", path, strerror(errno));
  sigrun_model* m = new_model();
  if (!m) {
    munmap(map, size);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  m->mapping = map;
  m->mapping_size = size;
  m->bytes = map;
  m->size = size;
  sigrun_status s = finish_load(m, out_model, error);
  if (s != SIGRUN_STATUS_OK && error) sr_error_prefix(error, "%s", path);
  return s;
}

sigrun_status sigrun_model_load_buffer(const void* data, size_t size, int copy, sigrun_model** out_model,
                                       sigrun_error* error) {
  if (!data) return sr_null_argument(error, "sigrun_model_load_buffer", "data");
  if (!out_model) return sr_null_argument(error, "sigrun_model_load_buffer", "out_model");
  *out_model = NULL;
  sigrun_model* m = new_model();
  if (!m) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  if (copy) {
    void* owned = sr_aligned_alloc(size);
    if (!owned) {
      sigrun_model_destroy(m);
      return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory copying a %zu-byte model", size);
    }
    memcpy(owned, data, size);
    m->owned = owned;
    m->bytes = owned;
  } else {
    m->bytes = data;
  }
  m->size = size;
  return finish_load(m, out_model, error);
}

void sigrun_model_destroy(sigrun_model* model) {
  if (!model) return;
  sr_pack_cache_destroy(model->packs);
  sr_pool_destroy(&model->pool);
  if (model->mapping) munmap(model->mapping, model->mapping_size);
  sr_aligned_free(model->owned);
  sr_free(model);
}

int sigrun_model_signature_count(const sigrun_model* model) { return model ? model->n_signatures : 0; }

const char* sigrun_model_signature_key(const sigrun_model* model, int index) {
  if (!model || index < 0 || index >= model->n_signatures) return NULL;
  return model->signatures[index].key;
}

int sigrun_model_subgraph_count(const sigrun_model* model) { return model ? model->n_subgraphs : 0; }

const char* sigrun_model_subgraph_name(const sigrun_model* model, int index) {
  if (!model || index < 0 || index >= model->n_subgraphs) return NULL;
  return model->subgraphs[index].name;
}

int sigrun_model_operator_count(const sigrun_model* model, int subgraph) {
  if (!model || subgraph < 0 || subgraph >= model->n_subgraphs) return 0;
  return model->subgraphs[subgraph].n_operators;
}

const char* sigrun_model_operator_name(const sigrun_model* model, int subgraph, int op) {
  if (!model || subgraph < 0 || subgraph >= model->n_subgraphs) return NULL;
  const sr_subgraph* sg = &model->subgraphs[subgraph];
  if (op < 0 || op >= sg->n_operators) return NULL;
  return sg->operators[op].name;
}

const char* sigrun_model_description(const sigrun_model* model) { return model ? model->description : ""; }

/* Bytes of the constant tensor data starting at `data` (the largest, if tensors share the start). */
static size_t constant_bytes(const sigrun_model* m, const void* data) {
  size_t bytes = 0;
  for (int s = 0; s < m->n_subgraphs; s++)
    for (int t = 0; t < m->subgraphs[s].n_tensors; t++) {
      const sr_tensor_def* d = &m->subgraphs[s].tensors[t];
      if (d->data == data && d->data_bytes > bytes) bytes = d->data_bytes;
    }
  return bytes;
}

void sr_model_release_constant(const sigrun_model* model, const void* data) {
  if (!model || !model->mapping || !data) return;
  const uintptr_t base = (uintptr_t)model->mapping, end_of_map = base + model->mapping_size;
  const uintptr_t start = (uintptr_t)data;
  if (start < base || start >= end_of_map) return;
  size_t bytes = constant_bytes(model, data);
  const long page = sysconf(_SC_PAGESIZE);
  if (bytes == 0 || page <= 0) return;
  const uintptr_t end = start + bytes < end_of_map ? start + bytes : end_of_map;
  /* Whole pages inside the tensor only: its neighbours' bytes stay where they are. */
  const uintptr_t first = (start + (uintptr_t)page - 1) & ~((uintptr_t)page - 1), last = end & ~((uintptr_t)page - 1);
  if (last > first) madvise((void*)first, last - first, MADV_DONTNEED);
}

