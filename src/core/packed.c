/*
 * packed.c — the model's cache of packed weights. A short mutex-guarded list: entries are few (one per weight
 * tensor and layout), looked up only at allocation, and never removed before the model is destroyed, so a
 * pointer handed out stays valid for the model's lifetime.
 */
#include "packed.h"

#include <pthread.h>
#include <string.h>

#include "common.h"
#include "model.h"

typedef struct sr_pack_entry {
  struct sr_pack_entry* next;
  const void* source;
  const void* aux;
  uint64_t format;
  size_t bytes;
  void* data;
} sr_pack_entry;

struct sr_pack_cache {
  pthread_mutex_t lock;
  sr_pack_entry* entries;
  size_t total_bytes;
};

sr_pack_cache* sr_pack_cache_create(void) {
  sr_pack_cache* cache = sr_calloc(1, sizeof *cache);
  if (cache && pthread_mutex_init(&cache->lock, NULL) != 0) {
    sr_free(cache);
    return NULL;
  }
  return cache;
}

void sr_pack_cache_destroy(sr_pack_cache* cache) {
  if (!cache) return;
  for (sr_pack_entry *e = cache->entries, *next; e; e = next) {
    next = e->next;
    sr_aligned_free(e->data);
    sr_free(e);
  }
  pthread_mutex_destroy(&cache->lock);
  sr_free(cache);
}

static sr_pack_entry* find(const sr_pack_cache* cache, const void* source, const void* aux, uint64_t format,
                           size_t bytes) {
  for (sr_pack_entry* e = cache->entries; e; e = e->next)
    if (e->source == source && e->aux == aux && e->format == format && e->bytes == bytes) return e;
  return NULL;
}

/* Packing runs under the lock: two runners preparing the same weights at once must not both pack them, and
 * packing happens once per model, so the wait is bounded by one pack. */
const void* sr_packed_get(const sigrun_model* model, const void* source, const void* aux, uint64_t format,
                          size_t bytes, sr_pack_fn pack, const void* arg) {
  sr_pack_cache* cache = model->packs;
  if (!cache || bytes == 0) return NULL;
  pthread_mutex_lock(&cache->lock);
  sr_pack_entry* e = find(cache, source, aux, format, bytes);
  if (!e) {
    e = sr_calloc(1, sizeof *e);
    void* data = e ? sr_aligned_alloc(bytes) : NULL;
    if (!data) {
      sr_free(e);
      e = NULL;
    } else {
      pack(data, bytes, arg);
      sr_model_release_constant(model, source);
      *e = (sr_pack_entry){cache->entries, source, aux, format, bytes, data};
      cache->entries = e;
      cache->total_bytes += bytes;
    }
  }
  pthread_mutex_unlock(&cache->lock);
  return e ? e->data : NULL;
}

size_t sr_packed_bytes(const sigrun_model* model) {
  sr_pack_cache* cache = model->packs;
  if (!cache) return 0;
  pthread_mutex_lock(&cache->lock);
  const size_t total = cache->total_bytes;
  pthread_mutex_unlock(&cache->lock);
  return total;
}
