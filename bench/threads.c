/*
 * threads.c — bench_threads: what concurrent runners on ONE interpreter buy (issue 9). For one model and
 * signature it measures
 *   throughput  1 thread vs 2 threads sharing one interpreter (one sigrun_runner_create runner each) vs 2
 *               threads on two interpreters (the control: same parallelism, nothing shared), same total work,
 *               after a warm-up, median of interleaved repetitions;
 *   memory      RSS deltas (VmRSS, VmHWM, RssAnon, RssFile) of 1 interpreter with 1 or 2 runners, 2
 *               interpreters over one model and 2 separately loaded models, each measured in a forked child
 *               so every configuration starts from the same clean process; plus the runner's arena size.
 * Prints Markdown tables. Exits 1 on any sigrun error or failed measurement, 2 on bad usage.
 *
 *   usage: bench_threads MODEL [SIGNATURE] [--reps N] [--seconds S] [--invokes N]
 */
#include <pthread.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sigrun.h"

typedef struct options {
  const char* model;
  const char* key; /* NULL: the model's default signature */
  int reps;
  double seconds;  /* target wall time of one 1-thread run, used when invokes is 0 */
  long invokes;    /* total invokes per run, split evenly between the threads */
} options;

static int fail(const char* what, const sigrun_error* err) {
  fprintf(stderr, "bench_threads: %s: %s\n", what, err ? err->message : "failed");
  return 1;
}

static double now_seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- inputs ---- */

static uint64_t next_random(uint64_t* state) { /* splitmix64: deterministic, no libc state */
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Floats uniform in [-1, 1); int32/int64 in [0, 100) (token ids for embeddings); narrow integers and bools
 * over their whole range. Every runner gets the same data, so every invoke does the same work. */
static int fill_input(sigrun_tensor* t, uint64_t* state) {
  size_t n = sigrun_tensor_element_count(t);
  void* data = sigrun_tensor_data(t);
  if (n && !data) return 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t r = next_random(state);
    switch (sigrun_tensor_type(t)) {
      case SIGRUN_TYPE_FLOAT32: ((float*)data)[i] = (float)((double)(r >> 11) * 0x1.0p-52 - 1.0); break;
      case SIGRUN_TYPE_INT32: ((int32_t*)data)[i] = (int32_t)(r % 100); break;
      case SIGRUN_TYPE_INT64: ((int64_t*)data)[i] = (int64_t)(r % 100); break;
      case SIGRUN_TYPE_INT16: ((int16_t*)data)[i] = (int16_t)r; break;
      case SIGRUN_TYPE_INT8: ((int8_t*)data)[i] = (int8_t)r; break;
      case SIGRUN_TYPE_UINT8: ((uint8_t*)data)[i] = (uint8_t)r; break;
      case SIGRUN_TYPE_BOOL: ((uint8_t*)data)[i] = (uint8_t)(r & 1); break;
      default: return 0;
    }
  }
  return 1;
}

/* A new runner, allocated, filled with the fixed inputs and invoked once (so its arena pages are touched). */
static int make_runner(sigrun_interpreter* interp, const char* key, sigrun_runner** out) {
  sigrun_error err;
  sigrun_runner* r = NULL;
  if (sigrun_runner_create(interp, key, &r, &err) || sigrun_runner_allocate(r, &err)) {
    sigrun_runner_destroy(r);
    return fail("creating the runner", &err);
  }
  uint64_t state = 42;
  for (int i = 0; i < sigrun_runner_input_count(r); i++)
    if (!fill_input(sigrun_runner_input_at(r, i), &state)) {
      fprintf(stderr, "bench_threads: input '%s' has type %s, which the bench cannot fill\n",
              sigrun_runner_input_name(r, i), sigrun_type_name(sigrun_tensor_type(sigrun_runner_input_at(r, i))));
      sigrun_runner_destroy(r);
      return 1;
    }
  if (sigrun_runner_invoke(r, &err)) {
    sigrun_runner_destroy(r);
    return fail("invoking", &err);
  }
  *out = r;
  return 0;
}

/* Planned arena bytes of a runner and of the control-flow executors it owns. */
static size_t arena_bytes(const sigrun_runner* runner) { return sigrun_runner_arena_size(runner); }

/* ---- memory, one configuration per forked child ---- */

typedef struct mem_sample {
  long rss, hwm, anon, file; /* kB, from /proc/self/status */
  long pss;                  /* kB, from /proc/self/smaps_rollup: file pages mapped twice count once */
  long heap;                 /* bytes malloc has handed out (glibc mallinfo2), -1 if unknown */
} mem_sample;

typedef struct mem_config {
  const char* name;
  int models, interpreters, runners_per_interpreter;
} mem_config;

typedef struct mem_result {
  int ok;
  mem_sample before, after;
  size_t arena; /* of one runner */
} mem_result;

static long status_field(const char* text, const char* field) {
  const char* p = strstr(text, field);
  return p ? strtol(p + strlen(field), NULL, 10) : -1;
}

static int read_memory(mem_sample* s) {
  char text[4096];
  FILE* f = fopen("/proc/self/status", "r");
  if (!f) return 0;
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = '\0';
  s->rss = status_field(text, "VmRSS:");
  s->hwm = status_field(text, "VmHWM:");
  s->anon = status_field(text, "RssAnon:");
  s->file = status_field(text, "RssFile:");
  f = fopen("/proc/self/smaps_rollup", "r");
  s->pss = -1;
  if (f) {
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    s->pss = status_field(text, "\nPss:");
  }
  s->heap = -1;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 mi = mallinfo2();
  s->heap = (long)(mi.uordblks + mi.hblkhd);
#endif
  return s->rss >= 0 && s->hwm >= 0 && s->anon >= 0 && s->file >= 0;
}

#define MAX_OBJECTS 4

/* Builds the configuration, samples memory, tears it down. Runs in the child. */
static int measure_config(const options* o, const mem_config* c, mem_result* res) {
  sigrun_model* models[MAX_OBJECTS] = {0};
  sigrun_interpreter* interps[MAX_OBJECTS] = {0};
  sigrun_runner* runners[MAX_OBJECTS * MAX_OBJECTS] = {0};
  sigrun_error err;
  int n_runners = 0, rc = 0;
  if (!read_memory(&res->before)) return fail("reading /proc/self/status", NULL);
  for (int m = 0; m < c->models && !rc; m++)
    if (sigrun_model_load_file(o->model, &models[m], &err)) rc = fail("loading the model", &err);
  for (int i = 0; i < c->interpreters && !rc; i++)
    if (sigrun_interpreter_create(models[i % c->models], NULL, &interps[i], &err))
      rc = fail("creating an interpreter", &err);
  for (int i = 0; i < c->interpreters && !rc; i++)
    for (int k = 0; k < c->runners_per_interpreter && !rc; k++) rc = make_runner(interps[i], o->key, &runners[n_runners++]);
  if (!rc && !read_memory(&res->after)) rc = fail("reading /proc/self/status", NULL);
  if (!rc) res->arena = arena_bytes(runners[0]);
  for (int i = 0; i < n_runners; i++) sigrun_runner_destroy(runners[i]);
  for (int i = 0; i < c->interpreters; i++) sigrun_interpreter_destroy(interps[i]);
  for (int m = 0; m < c->models; m++) sigrun_model_destroy(models[m]);
  res->ok = !rc;
  return rc;
}

static int measure_in_child(const options* o, const mem_config* c, mem_result* res) {
  int fds[2];
  memset(res, 0, sizeof *res);
  if (pipe(fds) != 0) return fail("pipe", NULL);
  fflush(NULL); /* the child must not flush a copy of our buffers */
  pid_t pid = fork();
  if (pid < 0) return fail("fork", NULL);
  if (pid == 0) {
    close(fds[0]);
    mem_result mine = {0};
    int rc = measure_config(o, c, &mine);
    ssize_t w = write(fds[1], &mine, sizeof mine);
    _exit(rc || w != (ssize_t)sizeof mine ? 1 : 0);
  }
  close(fds[1]);
  ssize_t got = read(fds[0], res, sizeof *res);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != (ssize_t)sizeof *res || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !res->ok) {
    fprintf(stderr, "bench_threads: memory measurement '%s' failed\n", c->name);
    return 1;
  }
  return 0;
}

static const mem_config MEM_CONFIGS[] = {
    {"1 interpreter, 1 runner", 1, 1, 1},
    {"1 interpreter, 2 runners (shared)", 1, 1, 2},
    {"2 interpreters on one model, 1 runner each", 1, 2, 1},
    {"2 models loaded separately, 1 interpreter + 1 runner each", 2, 2, 1},
};
#define N_MEM (int)(sizeof MEM_CONFIGS / sizeof MEM_CONFIGS[0])

static int report_memory(const options* o) {
  mem_result res[N_MEM];
  for (int i = 0; i < N_MEM; i++)
    if (measure_in_child(o, &MEM_CONFIGS[i], &res[i])) return 1;
  double arena_kb = (double)res[0].arena / 1024.0;
  printf("\nMemory after allocate + one invoke, in KiB, as deltas from the same fresh process (forked child):\n\n");
  printf("| configuration | RSS | peak RSS | PSS | anonymous | file-backed (model mmap, code) | heap in use |\n"
         "|---|---:|---:|---:|---:|---:|---:|\n");
  for (int i = 0; i < N_MEM; i++) {
    const mem_sample *b = &res[i].before, *a = &res[i].after;
    printf("| %s | %ld | %ld | %ld | %ld | %ld | %.0f |\n", MEM_CONFIGS[i].name, a->rss - b->rss, a->hwm - b->rss,
           a->pss - b->pss, a->anon - b->anon, a->file - b->file, (double)(a->heap - b->heap) / 1024.0);
  }
  long one = res[0].after.rss - res[0].before.rss, shared = res[1].after.rss - res[1].before.rss;
  long two = res[2].after.rss - res[2].before.rss, sep = res[3].after.rss - res[3].before.rss;
  printf("\n- arena of one runner: %zu bytes (%.0f KiB)\n", res[0].arena, arena_kb);
  printf("- second runner on the shared interpreter adds %ld KiB of RSS = %.2f x its arena\n", shared - one,
         arena_kb > 0 ? (double)(shared - one) / arena_kb : 0.0);
  if (res[0].before.heap >= 0) {
    long heap_one = res[0].after.heap - res[0].before.heap, heap_shared = res[1].after.heap - res[1].before.heap;
    long extra = heap_shared - heap_one;
    printf("- its heap: %ld bytes = arena %zu + %ld bytes of runner records (tensors, nodes, plan, kernel data)\n",
           extra, res[0].arena, extra - (long)res[0].arena);
  }
  long pss_shared = res[1].after.pss - res[1].before.pss, pss_sep = res[3].after.pss - res[3].before.pss;
  printf("- shared interpreter / two interpreters (RSS): %.2f; shared / two separately loaded models: RSS %.2f, "
         "PSS %.2f\n", two > 0 ? (double)shared / (double)two : 0.0, sep > 0 ? (double)shared / (double)sep : 0.0,
         pss_sep > 0 ? (double)pss_shared / (double)pss_sep : 0.0);
  return 0;
}

/* ---- throughput ---- */

typedef struct worker {
  sigrun_runner* runner;
  long invokes;
  pthread_barrier_t* start;
  double start_time, end_time, cpu_seconds;
  sigrun_status status;
  sigrun_error error;
} worker;

static void* work(void* arg) {
  worker* w = arg;
  pthread_barrier_wait(w->start);
  w->start_time = now_seconds(CLOCK_MONOTONIC);
  double cpu0 = now_seconds(CLOCK_THREAD_CPUTIME_ID);
  w->status = SIGRUN_STATUS_OK;
  for (long i = 0; i < w->invokes && !w->status; i++) w->status = sigrun_runner_invoke(w->runner, &w->error);
  w->cpu_seconds = now_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  w->end_time = now_seconds(CLOCK_MONOTONIC);
  return NULL;
}

#define MAX_THREADS 2

/* Runs `total` invokes split over n runners, one thread each; wall time from the first thread's start to the
 * last thread's end (thread creation is not timed). *cpu_share: the threads' CPU time / (wall x n), below 1 when something else took the CPUs. */
static int timed_run(sigrun_runner** runners, int n, long total, double* wall, double* cpu_share) {
  pthread_t threads[MAX_THREADS];
  worker w[MAX_THREADS];
  pthread_barrier_t start;
  if (pthread_barrier_init(&start, NULL, (unsigned)n + 1) != 0) return fail("pthread_barrier_init", NULL);
  int started = 0, rc = 0;
  for (int i = 0; i < n; i++) {
    w[i] = (worker){runners[i], total / n + (i < total % n), &start, 0.0, 0.0, 0.0, SIGRUN_STATUS_OK, {0}};
    if (pthread_create(&threads[i], NULL, work, &w[i]) != 0) break;
    started++;
  }
  if (started < n) { /* cannot release the barrier: nothing was timed */
    fprintf(stderr, "bench_threads: pthread_create failed\n");
    exit(1);
  }
  pthread_barrier_wait(&start);
  for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
  pthread_barrier_destroy(&start);
  double first = w[0].start_time, last = w[0].end_time, cpu = 0.0;
  for (int i = 0; i < n; i++) {
    if (w[i].status && !rc) rc = fail("invoke in a worker thread", &w[i].error);
    if (w[i].start_time < first) first = w[i].start_time;
    if (w[i].end_time > last) last = w[i].end_time;
    cpu += w[i].cpu_seconds;
  }
  *wall = last - first;
  *cpu_share = *wall > 0 ? cpu / (*wall * n) : 0.0;
  return rc;
}

static int compare_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static double median(double* v, int n) {
  qsort(v, (size_t)n, sizeof *v, compare_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#define N_RUN_CONFIGS 3
#define MAX_REPS 64

typedef struct run_config {
  const char* name;
  int threads;
  sigrun_runner* runners[MAX_THREADS];
  double wall[MAX_REPS], share[MAX_REPS];
} run_config;

/* Invokes per run: the requested count, or enough for o->seconds on one thread; even, so threads split it. */
static long choose_invokes(const options* o, sigrun_runner* r) {
  if (o->invokes > 0) return o->invokes + (o->invokes & 1);
  sigrun_error err;
  double t0 = now_seconds(CLOCK_MONOTONIC);
  for (int i = 0; i < 3; i++)
    if (sigrun_runner_invoke(r, &err)) return -fail("invoking", &err);
  double per = (now_seconds(CLOCK_MONOTONIC) - t0) / 3.0;
  long n = per > 0 ? (long)(o->seconds / per) : 1000;
  if (n < 2) n = 2;
  return n + (n & 1);
}

static void print_throughput(const run_config* cfg, long invokes, int reps) {
  printf("\nThroughput: %ld invokes per run split evenly over the threads, %d interleaved runs, median "
         "(CPU share = threads' CPU time / (wall time x threads)):\n\n", invokes, reps);
  printf("| configuration | median s | min s | max s | invokes/s | vs 1 thread | CPU share |\n"
         "|---|---:|---:|---:|---:|---:|---:|\n");
  double wall[N_RUN_CONFIGS][MAX_REPS], med[N_RUN_CONFIGS], ratio[N_RUN_CONFIGS], cpu[N_RUN_CONFIGS];
  for (int c = 0; c < N_RUN_CONFIGS; c++) {
    double share[MAX_REPS];
    memcpy(wall[c], cfg[c].wall, sizeof wall[c]);
    memcpy(share, cfg[c].share, sizeof share);
    med[c] = median(wall[c], reps); /* sorts wall[c] */
    cpu[c] = median(share, reps);
  }
  for (int c = 0; c < N_RUN_CONFIGS; c++) {
    ratio[c] = med[0] / med[c]; /* same work, so the throughput ratio is the inverse time ratio */
    printf("| %s | %.3f | %.3f | %.3f | %.1f | %.2fx | %.0f%% |\n", cfg[c].name, med[c], wall[c][0],
           wall[c][reps - 1], (double)invokes / med[c], ratio[c], 100.0 * cpu[c]);
  }
  printf("\n- 2 threads sharing one interpreter: %.2fx the throughput of 1 thread (target >= 1.8x: %s); two "
         "interpreters: %.2fx\n", ratio[1], ratio[1] >= 1.8 ? "met" : "NOT met", ratio[2]);
  if (ratio[1] < 1.8 && cpu[1] < 0.9 && cpu[2] >= 0.9)
    printf("- the threads sharing the interpreter were running only %.0f%% of the time, the control's %.0f%%: they "
           "waited for each other on the interpreter's state lock (taken for writing by an invoke that assigns "
           "state; readers contend on it when invokes are very short)\n", 100.0 * cpu[1], 100.0 * cpu[2]);
  else if (ratio[1] < 1.8 && cpu[1] < 0.9)
    printf("- the 2 threads were on a CPU only %.0f%% of the time: other processes held the CPUs during the runs\n",
           100.0 * cpu[1]);
  else if (ratio[1] < 1.8 && ratio[2] < 1.8)
    printf("- two separate interpreters scale no better, so the limit is the machine (shared caches, memory "
           "bandwidth), not the sharing\n");
  else if (ratio[1] < 1.8)
    printf("- two separate interpreters scale better: the shared interpreter serializes something\n");
}

static int report_throughput(const options* o) {
  sigrun_model* model = NULL;
  sigrun_interpreter *shared = NULL, *other = NULL;
  sigrun_runner *a = NULL, *b = NULL, *c = NULL;
  sigrun_error err;
  int rc = 0;
  if (sigrun_model_load_file(o->model, &model, &err)) return fail("loading the model", &err);
  if (sigrun_interpreter_create(model, NULL, &shared, &err) || sigrun_interpreter_create(model, NULL, &other, &err))
    rc = fail("creating an interpreter", &err);
  if (!rc) rc = make_runner(shared, o->key, &a);
  if (!rc) rc = make_runner(shared, o->key, &b);
  if (!rc) rc = make_runner(other, o->key, &c);
  static run_config cfg[N_RUN_CONFIGS];
  cfg[0] = (run_config){.name = "1 thread", .threads = 1, .runners = {a}};
  cfg[1] = (run_config){.name = "2 threads, one shared interpreter", .threads = 2, .runners = {a, b}};
  cfg[2] = (run_config){.name = "2 threads, two interpreters (control)", .threads = 2, .runners = {a, c}};
  long invokes = rc ? 0 : choose_invokes(o, a);
  if (invokes < 0) rc = 1;
  /* Warm-up: a quarter of a run on every runner, through the same threaded path. */
  for (int k = 0; k < N_RUN_CONFIGS && !rc; k++) {
    double wall, share;
    rc = timed_run(cfg[k].runners, cfg[k].threads, invokes / 4 + 2, &wall, &share);
  }
  /* Interleaved: every repetition runs each configuration once, starting from a different one. */
  for (int rep = 0; rep < o->reps && !rc; rep++)
    for (int k = 0; k < N_RUN_CONFIGS && !rc; k++) {
      run_config* x = &cfg[(rep + k) % N_RUN_CONFIGS];
      rc = timed_run(x->runners, x->threads, invokes, &x->wall[rep], &x->share[rep]);
    }
  if (!rc) print_throughput(cfg, invokes, o->reps);
  sigrun_runner_destroy(a);
  sigrun_runner_destroy(b);
  sigrun_runner_destroy(c);
  sigrun_interpreter_destroy(shared);
  sigrun_interpreter_destroy(other);
  sigrun_model_destroy(model);
  return rc;
}

/* ---- main ---- */

static int usage(void) {
  fprintf(stderr, "usage: bench_threads MODEL [SIGNATURE] [--reps N (1-%d, default 7)] [--seconds S (default 1)]"
                  " [--invokes N]\n", MAX_REPS);
  return 2;
}

static int parse(int argc, char** argv, options* o) {
  *o = (options){NULL, NULL, 7, 1.0, 0};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) o->reps = atoi(argv[++i]);
    else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) o->seconds = atof(argv[++i]);
    else if (strcmp(argv[i], "--invokes") == 0 && i + 1 < argc) o->invokes = atol(argv[++i]);
    else if (argv[i][0] == '-') return 0;
    else if (!o->model) o->model = argv[i];
    else if (!o->key) o->key = argv[i];
    else return 0;
  }
  return o->model && o->reps >= 1 && o->reps <= MAX_REPS && o->seconds > 0 && o->invokes >= 0;
}

int main(int argc, char** argv) {
  options o;
  if (!parse(argc, argv, &o)) return usage();
  sigrun_model* model = NULL;
  sigrun_error err;
  if (sigrun_model_load_file(o.model, &model, &err)) return fail(o.model, &err);
  sigrun_interpreter* interp = NULL;
  sigrun_runner* runner = NULL;
  char key[256];
  if (sigrun_interpreter_create(model, NULL, &interp, &err) || sigrun_interpreter_get_runner(interp, o.key, &runner, &err)) {
    sigrun_interpreter_destroy(interp);
    sigrun_model_destroy(model);
    return fail("resolving the signature", &err);
  }
  snprintf(key, sizeof key, "%s", sigrun_runner_signature_key(runner));
  sigrun_interpreter_destroy(interp);
  double load[3] = {0};
  FILE* f = fopen("/proc/loadavg", "r");
  if (f) {
    if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
    fclose(f);
  }
  printf("### %s, signature '%s'\n\n", strrchr(o.model, '/') ? strrchr(o.model, '/') + 1 : o.model, key);
  printf("%ld online CPUs; load average at start %.2f %.2f %.2f\n", sysconf(_SC_NPROCESSORS_ONLN), load[0], load[1],
         load[2]);
  sigrun_model_destroy(model);
  int rc = report_memory(&o); /* first: the children fork from a process that has not loaded anything */
  if (!rc) rc = report_throughput(&o);
  fflush(stdout);
  return rc;
}
