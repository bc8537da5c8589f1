/*
 * test_oom.c — allocation-failure sweep. For N = 1, 2, ... the Nth allocation fails while a real model is
 * loaded, an interpreter created and every signature allocated and invoked; each run must end in a clean
 * error (NO_MEMORY with a message), never a crash, and with every allocation freed. The sweep ends at the
 * first N past the last allocation, which must then run to completion.
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=aligned_alloc,--wrap=free (the only
 * allocator calls of src/), so every allocation of the statically linked library passes through the
 * counting wrappers below; under ASan __real_malloc is ASan's. Without --wrap (the weak __real_* stay NULL)
 * the test falls back to the SIGRUN_TESTING seam of src/core/common.c and relies on LSan for leaks.
 */
#include <stdint.h>

#include "harness.h"
#include "sigrun.h"

/* ---- counting wrappers ---- */

void* __real_malloc(size_t size) __attribute__((weak));
void* __real_calloc(size_t count, size_t size) __attribute__((weak));
void* __real_realloc(void* ptr, size_t size) __attribute__((weak));
void* __real_aligned_alloc(size_t alignment, size_t size) __attribute__((weak));
void __real_free(void* ptr) __attribute__((weak));
void* __wrap_malloc(size_t size);
void* __wrap_calloc(size_t count, size_t size);
void* __wrap_realloc(void* ptr, size_t size);
void* __wrap_aligned_alloc(size_t alignment, size_t size);
void __wrap_free(void* ptr);

extern long sr_test_alloc_fail_at; /* the SIGRUN_TESTING seam, for the fallback */
extern long sr_test_alloc_count;

static long calls;     /* allocation calls since the run started */
static long fail_at;   /* 0: none fails */
static int injected;   /* the run hit its failing allocation */

/* Live pointers made by the wrappers (open addressing, linear probing, backward-shift deletion): counts
 * only what the wrappers allocated, so a free of foreign memory cannot skew the leak count. */
enum { LIVE_SLOTS = 1 << 20 };
static uintptr_t live_table[LIVE_SLOTS];
static long live;

static size_t slot_of(uintptr_t p) { return (size_t)((p >> 4) * 0x9E3779B97F4A7C15ull >> 44) & (LIVE_SLOTS - 1); }

static void live_add(void* ptr) {
  if (!ptr) return;
  size_t i = slot_of((uintptr_t)ptr);
  while (live_table[i]) i = (i + 1) & (LIVE_SLOTS - 1);
  live_table[i] = (uintptr_t)ptr;
  live++;
}

static void live_remove(void* ptr) {
  if (!ptr) return;
  size_t i = slot_of((uintptr_t)ptr);
  while (live_table[i] && live_table[i] != (uintptr_t)ptr) i = (i + 1) & (LIVE_SLOTS - 1);
  if (!live_table[i]) return;
  live_table[i] = 0;
  live--;
  for (size_t j = (i + 1) & (LIVE_SLOTS - 1); live_table[j]; j = (j + 1) & (LIVE_SLOTS - 1)) {
    size_t home = slot_of(live_table[j]);
    /* Move j back into the hole when its home is not cyclically within (i, j]. */
    if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
      live_table[i] = live_table[j];
      live_table[j] = 0;
      i = j;
    }
  }
}

static int should_fail(void) {
  calls++;
  if (fail_at > 0 && calls == fail_at) {
    injected = 1;
    return 1;
  }
  return 0;
}

void* __wrap_malloc(size_t size) {
  if (should_fail()) return NULL;
  void* p = __real_malloc(size);
  live_add(p);
  return p;
}

void* __wrap_calloc(size_t count, size_t size) {
  if (should_fail()) return NULL;
  void* p = __real_calloc(count, size);
  live_add(p);
  return p;
}

void* __wrap_realloc(void* ptr, size_t size) {
  if (should_fail()) return NULL; /* the old block stays valid, as realloc's contract says */
  void* p = __real_realloc(ptr, size);
  if (p) {
    live_remove(ptr);
    live_add(p);
  }
  return p;
}

void* __wrap_aligned_alloc(size_t alignment, size_t size) {
  if (should_fail()) return NULL;
  void* p = __real_aligned_alloc(alignment, size);
  live_add(p);
  return p;
}

void __wrap_free(void* ptr) {
  live_remove(ptr);
  __real_free(ptr);
}

static int wrapped(void) { return __real_malloc != NULL; }

/* ---- one run: load, create, allocate and invoke every signature, destroy ---- */

static uint8_t* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t* buf = n > 0 ? malloc((size_t)n) : NULL;
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *size = buf ? (size_t)n : 0;
  return buf;
}

/* Zeroes (or, for strings, empty-string-packs) one input; a string input of n elements takes 4(n+2) bytes. */
static sigrun_status fill_input(sigrun_runner* r, int i, sigrun_error* e) {
  sigrun_tensor* t = sigrun_runner_input_at(r, i);
  size_t bytes = sigrun_tensor_type(t) == SIGRUN_TYPE_STRING ? 4 * (sigrun_tensor_element_count(t) + 2)
                                                              : sigrun_tensor_byte_size(t);
  uint8_t stack[4096];
  uint8_t* buf = bytes <= sizeof stack ? stack : calloc(1, bytes);
  if (!buf) { /* the failure was injected into the test's own calloc */
    e->status = SIGRUN_STATUS_NO_MEMORY;
    snprintf(e->message, sizeof e->message, "test_oom: no memory for an input buffer");
    return e->status;
  }
  memset(buf, 0, bytes);
  if (sigrun_tensor_type(t) == SIGRUN_TYPE_STRING) {
    int32_t n = (int32_t)sigrun_tensor_element_count(t), off = 4 * (n + 2);
    memcpy(buf, &n, 4);
    for (int32_t k = 0; k <= n; k++) memcpy(buf + 4 * (k + 1), &off, 4);
  }
  sigrun_status st = sigrun_runner_set_input(r, sigrun_runner_input_name(r, i), buf, bytes, e);
  if (buf != stack) free(buf);
  return st;
}

static sigrun_status run_signature(sigrun_interpreter* in, const char* key, sigrun_error* e) {
  sigrun_runner* r;
  sigrun_status st = sigrun_runner_create(in, key, &r, e);
  if (st) return st;
  if (!(st = sigrun_runner_allocate(r, e)))
    for (int i = 0; i < sigrun_runner_input_count(r) && !st; i++) st = fill_input(r, i, e);
  for (int k = 0; k < 2 && !st; k++) st = sigrun_runner_invoke(r, e);
  for (int i = 0; i < sigrun_runner_output_count(r) && !st; i++) {
    const sigrun_tensor* t = sigrun_runner_output_at(r, i);
    const uint8_t* p = sigrun_tensor_data_const(t);
    volatile uint8_t sink = 0;
    for (size_t b = 0; p && b < sigrun_tensor_byte_size(t); b++) sink ^= p[b];
    (void)sink;
  }
  sigrun_runner_destroy(r);
  return st;
}

/* Also drives the interpreter's cached runner of the first signature, so interpreter-owned runners and their
 * control-flow children are swept too. */
static sigrun_status run_model(const uint8_t* bytes, size_t size, sigrun_error* e) {
  sigrun_model* m;
  sigrun_status st = sigrun_model_load_buffer(bytes, size, 1, &m, e);
  if (st) return st;
  sigrun_interpreter* in;
  if ((st = sigrun_interpreter_create(m, NULL, &in, e))) {
    sigrun_model_destroy(m);
    return st;
  }
  int n = sigrun_model_signature_count(m);
  for (int s = 0; s < (n ? n : 1) && !st; s++) st = run_signature(in, n ? sigrun_model_signature_key(m, s) : NULL, e);
  sigrun_runner* cached;
  if (!st && !(st = sigrun_interpreter_get_primary_runner(in, &cached, e)) && !(st = sigrun_runner_allocate(cached, e)))
    for (int i = 0; i < sigrun_runner_input_count(cached) && !st; i++) st = fill_input(cached, i, e);
  if (!st) st = sigrun_runner_invoke(cached, e);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
  return st;
}

/* ---- the sweep ---- */

static void arm(long n) {
  calls = 0;
  injected = 0;
  if (wrapped()) {
    fail_at = n;
  } else {
    sr_test_alloc_count = 0;
    sr_test_alloc_fail_at = n;
  }
}

static long points_swept;

static void sweep(const char* path) {
  size_t size;
  uint8_t* bytes = read_file(path, &size);
  CHECK(bytes != NULL);
  if (!bytes) return;
  sigrun_error e;
  long n, bad_status = 0, leaks = 0;
  for (n = 1; n < 200000; n++) {
    long live_before = live;
    arm(n);
    memset(&e, 0, sizeof e);
    sigrun_status st = run_model(bytes, size, &e);
    int hit = wrapped() ? injected : sr_test_alloc_count >= n;
    fail_at = 0;
    sr_test_alloc_fail_at = 0;
    if (live != live_before) {
      if (leaks++ < 5)
        fprintf(stderr, "%s: failing allocation %ld leaks %ld allocation(s) (status %d: %s)\n", path, n,
                live - live_before, (int)st, e.message);
    }
    if (!hit) {
      if (st != SIGRUN_STATUS_OK) fprintf(stderr, "%s: clean run failed: %s\n", path, e.message);
      CHECK(st == SIGRUN_STATUS_OK);
      break;
    }
    if (getenv("TEST_OOM_VERBOSE")) printf("  %ld: %s\n", n, e.message);
    if (st != SIGRUN_STATUS_NO_MEMORY || !e.message[0]) {
      if (bad_status++ < 5)
        fprintf(stderr, "%s: failing allocation %ld gave status %d (%s), expected NO_MEMORY with a message\n", path,
                n, (int)st, e.message);
    }
  }
  CHECK(n < 200000);
  CHECK(leaks == 0);
  CHECK(bad_status == 0);
  printf("%s: %ld allocation points swept%s\n", path, n - 1, wrapped() ? "" : " (fallback seam, no leak count)");
  points_swept += n - 1;
  free(bytes);
}

static void test_counter(void) { sweep("tests/data/state/counter.tflite"); }
static void test_vocabulary(void) { sweep("tests/data/state/vocabulary.tflite"); }
static void test_while(void) { sweep("tests/data/models/multi_subgraphs_while.bin"); }
static void test_call_once(void) { sweep("tests/data/models/call_once_mul.bin"); }
static void test_dynamic(void) { sweep("tests/data/models/dynamic_shapes.bin"); }
static void test_conv(void) { sweep("tests/data/models/seanet_int16/conv0.tflite"); }
static void test_strings(void) { sweep("tests/data/models/gather_string.tflite"); }
static void test_lstm(void) { sweep("tests/data/models/keras_lstm_mnist_ptq.tflite"); }
static void test_micro_speech(void) { sweep("tests/data/models/micro_speech_quantized.tflite"); }
static void test_sparse(void) { sweep("tests/data/models/pc_conv.bin"); }

/* The wrappers must actually see the library's allocations, or the sweep proves nothing. */
static void test_wrappers_active(void) {
  if (!wrapped()) {
    fprintf(stderr, "note: not linked with --wrap; sweeping through the SIGRUN_TESTING seam\n");
    return;
  }
  long before = live;
  arm(0);
  sigrun_model* m;
  sigrun_error e;
  size_t size;
  uint8_t* bytes = read_file("tests/data/state/counter.tflite", &size);
  CHECK(bytes != NULL);
  if (!bytes) return;
  long base = calls;
  CHECK(sigrun_model_load_buffer(bytes, size, 1, &m, &e) == SIGRUN_STATUS_OK);
  CHECK(calls > base);
  CHECK(live > before + 1);
  sigrun_model_destroy(m);
  free(bytes);
  CHECK(live == before);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  RUN(test_wrappers_active);
  RUN(test_counter);
  RUN(test_vocabulary);
  RUN(test_while);
  RUN(test_call_once);
  RUN(test_dynamic);
  RUN(test_conv);
  RUN(test_strings);
  RUN(test_lstm);
  RUN(test_micro_speech);
  RUN(test_sparse);
  printf("%ld allocation points swept in all\n", points_swept);
  return TEST_SUMMARY();
}
