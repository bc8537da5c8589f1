/*
 * bench.c — `sigrun bench`: times one signature of a model the way LiteRT's benchmark_model does (load,
 * allocate, first invoke, then steady-state invokes), reports peak memory (the process's VmHWM and the
 * runner's arena) and, with --profile, where the time goes per operator type, through the public profiler
 * hook. Inputs are deterministic pseudo-random values of each input's dtype. Text or JSON output.
 */
#include "bench.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sigrun.h"

enum { BENCH_EXIT_MODEL = 1, BENCH_EXIT_USAGE = 2 };

const char* const SR_BENCH_HELP =
    "usage: sigrun bench MODEL [--signature KEY] [--threads N] [--runs N] [--warmup N] [--profile] [--json]\n"
    "\n"
    "Times one signature like LiteRT's benchmark_model: model load, allocation, the first invoke (load +\n"
    "allocate + first run), then --warmup untimed and --runs timed invokes (min / median / p90 / mean), and\n"
    "peak memory: the process's peak resident set (VmHWM of /proc/self/status), its increase over the\n"
    "resident set just before loading, and the runner's activation arena. Inputs are set once, before the\n"
    "first invoke, to deterministic pseudo-random values of their dtype (floats in [-1, 1), int8/uint8/\n"
    "int16 over their full range, other integers in [0, 100), booleans 0/1); string inputs are refused.\n"
    "\n"
    "  -s, --signature KEY  the signature to time. Default: the model's only signature, else the\n"
    "                       signature on subgraph 0 (the placeholder signature without any).\n"
    "  -t, --threads N      interpreter threads (num_threads), default 1\n"
    "  -n, --runs N         timed invokes, default 20\n"
    "  -w, --warmup N       untimed invokes after the first one, default 2\n"
    "  -p, --profile        then run --runs more invokes with the operator profiler on and print, per\n"
    "                       operator type: node count, milliseconds per invoke and share of the total.\n"
    "                       Operators of called subgraphs (WHILE/IF bodies) are listed separately; their\n"
    "                       time is already inside the calling operator's.\n"
    "  --json               print one JSON object instead of text\n";

typedef struct bench_args {
  const char* model;
  const char* key;
  int threads, runs, warmup, profile, json;
} bench_args;

typedef struct op_slot {
  uint64_t ns;
  uint64_t calls;
  const char* name;
} op_slot;

typedef struct profile {
  int n_subgraphs;
  int* base;   /* index of subgraph s's first operator in slots */
  int* counts; /* operators per subgraph */
  op_slot* slots;
} profile;

typedef struct op_row {
  int subgraph;
  const char* name;
  int nodes;
  uint64_t calls, ns;
} op_row;

typedef struct bench_result {
  double load_ms, init_ms, first_run_ms, first_invoke_ms;
  double min_ms, median_ms, p90_ms, mean_ms;
  long rss_before_kib, hwm_kib, rss_kib;
  size_t arena_bytes;
  op_row* rows;
  int n_rows;
  uint64_t top_ns; /* the signature's own operators, per all profiled runs */
} bench_result;

static int bench_fail(int code, const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int bench_fail(int code, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("sigrun: bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return code;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* A field of /proc/self/status in KiB ("VmHWM", "VmRSS"); -1 where there is no such file (not Linux). */
static long status_kib(const char* field) {
  FILE* f = fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long value = -1;
  size_t n = strlen(field);
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, field, n) && line[n] == ':') {
      value = strtol(line + n + 1, NULL, 10);
      break;
    }
  fclose(f);
  return value;
}

/* ---- arguments ---- */

static int parse_count(const char* option, const char* text, int min, int* out) {
  char* end;
  errno = 0;
  long v = text ? strtol(text, &end, 10) : 0;
  if (!text || !*text || *end || errno || v < min || v > 1000000)
    return bench_fail(BENCH_EXIT_USAGE, "%s needs an integer from %d to 1000000, got '%s'", option, min,
                      text ? text : "(nothing)");
  *out = (int)v;
  return 0;
}

static int parse_args(int argc, char** argv, bench_args* a) {
  a->threads = 1;
  a->runs = 20;
  a->warmup = 2;
  for (int i = 0; i < argc; i++) {
    const char* arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : NULL;
    int rc = 0;
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) return fputs(SR_BENCH_HELP, stdout), -1;
    if (!strcmp(arg, "--profile") || !strcmp(arg, "-p")) a->profile = 1;
    else if (!strcmp(arg, "--json")) a->json = 1;
    else if (!strcmp(arg, "-s") || !strcmp(arg, "--signature")) {
      if (!value) return bench_fail(BENCH_EXIT_USAGE, "%s needs a signature key", arg);
      a->key = argv[++i];
    } else if (!strcmp(arg, "-t") || !strcmp(arg, "--threads")) rc = parse_count(arg, value, 1, &a->threads), i++;
    else if (!strcmp(arg, "-n") || !strcmp(arg, "--runs")) rc = parse_count(arg, value, 1, &a->runs), i++;
    else if (!strcmp(arg, "-w") || !strcmp(arg, "--warmup")) rc = parse_count(arg, value, 0, &a->warmup), i++;
    else if (arg[0] == '-' && arg[1]) return bench_fail(BENCH_EXIT_USAGE, "unknown option '%s' (see `sigrun help bench`)", arg);
    else if (a->model) return bench_fail(BENCH_EXIT_USAGE, "one model only; got '%s' and '%s'", a->model, arg);
    else a->model = arg;
    if (rc) return rc;
  }
  if (!a->model) return bench_fail(BENCH_EXIT_USAGE, "no model given\n%s", SR_BENCH_HELP);
  return 0;
}

/* ---- inputs ---- */

static uint64_t next_random(uint64_t* state) { /* splitmix64: fixed seed, same values on every platform */
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static float unit_float(uint64_t* state) { return (float)((double)(next_random(state) >> 11) / 9007199254740992.0 * 2.0 - 1.0); }

static void fill_element(unsigned char* p, sigrun_type type, uint64_t* state) {
  uint64_t r = next_random(state);
  float f;
  uint32_t bits;
  switch (type) {
    case SIGRUN_TYPE_FLOAT32: case SIGRUN_TYPE_COMPLEX64:
      f = unit_float(state), memcpy(p, &f, 4);
      if (type == SIGRUN_TYPE_COMPLEX64) f = unit_float(state), memcpy(p + 4, &f, 4);
      break;
    case SIGRUN_TYPE_FLOAT64: case SIGRUN_TYPE_COMPLEX128: {
      double d = unit_float(state);
      memcpy(p, &d, 8);
      if (type == SIGRUN_TYPE_COMPLEX128) d = unit_float(state), memcpy(p + 8, &d, 8);
      break;
    }
    case SIGRUN_TYPE_FLOAT16: { /* a random value in [-1, 1) with a 10-bit mantissa, exponent 14 */
      uint16_t h = (uint16_t)(((r & 1) << 15) | (14u << 10) | ((r >> 1) & 0x3FF));
      memcpy(p, &h, 2);
      break;
    }
    case SIGRUN_TYPE_BFLOAT16:
      f = unit_float(state), memcpy(&bits, &f, 4);
      bits >>= 16, memcpy(p, &bits, 2); /* little-endian: the low two bytes */
      break;
    case SIGRUN_TYPE_INT8: case SIGRUN_TYPE_UINT8: *p = (unsigned char)r; break;
    case SIGRUN_TYPE_INT16: case SIGRUN_TYPE_UINT16: memcpy(p, &r, 2); break;
    case SIGRUN_TYPE_BOOL: *p = (unsigned char)(r & 1); break;
    case SIGRUN_TYPE_INT32: case SIGRUN_TYPE_UINT32: bits = (uint32_t)(r % 100), memcpy(p, &bits, 4); break;
    default: { uint64_t v = r % 100; memcpy(p, &v, 8); break; } /* int64, uint64 */
  }
}

static int fill_inputs(sigrun_runner* r) {
  uint64_t state = 20240601;
  for (int i = 0; i < sigrun_runner_input_count(r); i++) {
    const char* name = sigrun_runner_input_name(r, i);
    sigrun_tensor* t = sigrun_runner_input_at(r, i);
    sigrun_type type = sigrun_tensor_type(t);
    size_t size = sigrun_type_size(type), count = sigrun_tensor_element_count(t);
    if (type == SIGRUN_TYPE_STRING)
      return bench_fail(BENCH_EXIT_USAGE, "input '%s' is a string tensor; bench feeds only numeric inputs", name);
    if (size == 0 || type == SIGRUN_TYPE_RESOURCE || type == SIGRUN_TYPE_VARIANT)
      return bench_fail(BENCH_EXIT_USAGE, "input '%s' has dtype %s, which bench cannot fill", name,
                        sigrun_type_name(type));
    unsigned char* data = sigrun_tensor_data(t);
    if (!data && count) return bench_fail(BENCH_EXIT_MODEL, "input '%s' has no memory after allocate", name);
    for (size_t k = 0; k < count; k++) fill_element(data + k * size, type, &state);
  }
  return 0;
}

/* ---- profile ---- */

static void on_op(void* user, int subgraph, int op_index, const char* op_name, uint64_t ns) {
  profile* p = user;
  if (subgraph < 0 || subgraph >= p->n_subgraphs || op_index < 0 || op_index >= p->counts[subgraph]) return;
  op_slot* s = &p->slots[p->base[subgraph] + op_index];
  s->ns += ns;
  s->calls++;
  s->name = op_name;
}

static int profile_init(profile* p, const sigrun_model* m) {
  p->n_subgraphs = sigrun_model_subgraph_count(m);
  p->base = calloc((size_t)p->n_subgraphs + 1, sizeof *p->base);
  p->counts = calloc((size_t)p->n_subgraphs + 1, sizeof *p->counts);
  if (!p->base || !p->counts) return -1;
  for (int s = 0; s < p->n_subgraphs; s++) {
    p->counts[s] = sigrun_model_operator_count(m, s);
    p->base[s + 1] = p->base[s] + p->counts[s];
  }
  p->slots = calloc((size_t)p->base[p->n_subgraphs] + 1, sizeof *p->slots);
  return p->slots ? 0 : -1;
}

static void profile_free(profile* p) {
  free(p->base);
  free(p->counts);
  free(p->slots);
}

/* Rows per (subgraph, op type): the runner's own subgraph first, then called subgraphs; by time within each. */
static int row_order(const void* a, const void* b) {
  const op_row *x = a, *y = b;
  if (x->subgraph != y->subgraph) return x->subgraph < y->subgraph ? -1 : 1;
  return x->ns != y->ns ? (x->ns > y->ns ? -1 : 1) : strcmp(x->name, y->name);
}

static int profile_rows(const profile* p, int top, bench_result* res) {
  res->rows = calloc((size_t)p->base[p->n_subgraphs] + 1, sizeof *res->rows);
  if (!res->rows) return -1;
  for (int s = 0; s < p->n_subgraphs; s++)
    for (int i = 0; i < p->counts[s]; i++) {
      const op_slot* slot = &p->slots[p->base[s] + i];
      if (!slot->calls) continue;
      if (s == top) res->top_ns += slot->ns;
      int k = 0;
      while (k < res->n_rows && !(res->rows[k].subgraph == s && !strcmp(res->rows[k].name, slot->name))) k++;
      if (k == res->n_rows) res->rows[res->n_rows++] = (op_row){s, slot->name, 0, 0, 0};
      res->rows[k].nodes++;
      res->rows[k].calls += slot->calls;
      res->rows[k].ns += slot->ns;
    }
  for (int k = 0; k < res->n_rows; k++) /* the runner's own subgraph sorts first */
    if (res->rows[k].subgraph == top) res->rows[k].subgraph = -1;
  qsort(res->rows, (size_t)res->n_rows, sizeof *res->rows, row_order);
  for (int k = 0; k < res->n_rows; k++)
    if (res->rows[k].subgraph == -1) res->rows[k].subgraph = top;
  return 0;
}

/* ---- measuring ---- */

static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static int invoke(sigrun_runner* r) {
  sigrun_error e;
  if (sigrun_runner_invoke(r, &e) != SIGRUN_STATUS_OK) return bench_fail(BENCH_EXIT_MODEL, "invoke: %s", e.message);
  return 0;
}

static int timed_runs(sigrun_runner* r, const bench_args* a, bench_result* res) {
  double* t = malloc(sizeof *t * (size_t)a->runs);
  if (!t) return bench_fail(BENCH_EXIT_MODEL, "out of memory");
  int rc = 0;
  double sum = 0;
  for (int i = 0; i < a->warmup && !rc; i++) rc = invoke(r);
  for (int i = 0; i < a->runs && !rc; i++) {
    double t0 = now_ms();
    rc = invoke(r);
    t[i] = now_ms() - t0;
    sum += t[i];
  }
  if (!rc) {
    qsort(t, (size_t)a->runs, sizeof *t, cmp_double);
    int n = a->runs;
    res->min_ms = t[0];
    res->median_ms = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    res->p90_ms = t[(9 * n + 9) / 10 - 1]; /* nearest rank: ceil(0.9 n) */
    res->mean_ms = sum / n;
  }
  free(t);
  return rc;
}

static int run_profile(sigrun_runner* r, const sigrun_model* m, const bench_args* a, bench_result* res) {
  profile p;
  memset(&p, 0, sizeof p);
  if (profile_init(&p, m)) return profile_free(&p), bench_fail(BENCH_EXIT_MODEL, "out of memory");
  sigrun_runner_set_profiler(r, on_op, &p);
  int rc = 0;
  for (int i = 0; i < a->runs && !rc; i++) rc = invoke(r);
  sigrun_runner_set_profiler(r, NULL, NULL);
  if (!rc && profile_rows(&p, sigrun_runner_subgraph_index(r), res)) rc = bench_fail(BENCH_EXIT_MODEL, "out of memory");
  profile_free(&p);
  return rc;
}

static const char* choose_key(const sigrun_model* m, const char* requested) {
  if (requested) return requested;
  return sigrun_model_signature_count(m) == 1 ? sigrun_model_signature_key(m, 0) : NULL;
}

static int measure(const bench_args* a, sigrun_model** m, sigrun_interpreter** in, sigrun_runner** r,
                   bench_result* res) {
  sigrun_error e;
  sigrun_interpreter_options options;
  sigrun_interpreter_options_init(&options);
  options.num_threads = a->threads;
  res->rss_before_kib = status_kib("VmRSS");
  double t0 = now_ms();
  if (sigrun_model_load_file(a->model, m, &e) != SIGRUN_STATUS_OK)
    return bench_fail(BENCH_EXIT_MODEL, "%s", e.message);
  double t1 = now_ms();
  if (sigrun_interpreter_create(*m, &options, in, &e) != SIGRUN_STATUS_OK)
    return bench_fail(BENCH_EXIT_MODEL, "%s", e.message);
  if (sigrun_interpreter_get_runner(*in, choose_key(*m, a->key), r, &e) != SIGRUN_STATUS_OK)
    return bench_fail(e.status == SIGRUN_STATUS_NOT_FOUND ? BENCH_EXIT_USAGE : BENCH_EXIT_MODEL, "%s", e.message);
  if (sigrun_runner_allocate(*r, &e) != SIGRUN_STATUS_OK) return bench_fail(BENCH_EXIT_MODEL, "allocate: %s", e.message);
  int rc = fill_inputs(*r);
  if (rc) return rc;
  double t2 = now_ms();
  if ((rc = invoke(*r))) return rc;
  double t3 = now_ms();
  res->load_ms = t1 - t0;
  res->init_ms = t2 - t1;
  res->first_run_ms = t3 - t2;
  res->first_invoke_ms = t3 - t0;
  res->arena_bytes = sigrun_runner_arena_size(*r);
  if ((rc = timed_runs(*r, a, res))) return rc;
  res->hwm_kib = status_kib("VmHWM");
  res->rss_kib = status_kib("VmRSS");
  return a->profile ? run_profile(*r, *m, a, res) : 0;
}

/* ---- printing ---- */

static void print_shape(FILE* f, const sigrun_tensor* t) {
  const int32_t* dims = sigrun_tensor_dims(t);
  fputc('[', f);
  for (int k = 0; k < sigrun_tensor_rank(t); k++) fprintf(f, k ? ", %d" : "%d", (int)dims[k]);
  fputc(']', f);
}

static void json_string(FILE* f, const char* s) {
  fputc('"', f);
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static double share(uint64_t ns, uint64_t total) { return total ? 100.0 * (double)ns / (double)total : 0.0; }

static void print_text(const bench_args* a, sigrun_runner* r, const bench_result* res) {
  printf("model:            %s\n", a->model);
  printf("signature:        %s (subgraph %d)\n", sigrun_runner_signature_key(r), sigrun_runner_subgraph_index(r));
  for (int i = 0; i < sigrun_runner_input_count(r); i++) {
    const sigrun_tensor* t = sigrun_runner_input_at(r, i);
    printf("input:            %s %s ", sigrun_runner_input_name(r, i), sigrun_type_name(sigrun_tensor_type(t)));
    print_shape(stdout, t);
    putchar('\n');
  }
  printf("threads:          %d\n", a->threads);
  printf("load:             %.4f ms\n", res->load_ms);
  printf("allocate:         %.4f ms (interpreter, runner, allocate, inputs)\n", res->init_ms);
  printf("first run:        %.4f ms\n", res->first_run_ms);
  printf("first invoke:     %.4f ms (load + allocate + first run)\n", res->first_invoke_ms);
  printf("latency:          min %.4f ms, median %.4f ms, p90 %.4f ms, mean %.4f ms (%d runs after %d warm-up)\n",
         res->min_ms, res->median_ms, res->p90_ms, res->mean_ms, a->runs, a->warmup);
  printf("peak memory:      %ld KiB VmHWM, +%ld KiB over VmRSS before load\n", res->hwm_kib,
         res->hwm_kib - res->rss_before_kib);
  printf("arena:            %zu bytes\n", res->arena_bytes);
  if (!a->profile) return;
  double runs = a->runs;
  int top = sigrun_runner_subgraph_index(r), nested = 0, nodes = 0;
  printf("\nprofile over %d runs, per invoke (operators of subgraph %d):\n", a->runs, top);
  printf("%-28s %6s %12s %8s\n", "op type", "count", "ms/invoke", "share");
  for (int k = 0; k < res->n_rows; k++) {
    const op_row* w = &res->rows[k];
    if (w->subgraph != top) { nested = 1; continue; }
    nodes += w->nodes;
    printf("%-28s %6d %12.4f %7.2f%%\n", w->name, w->nodes, (double)w->ns / 1e6 / runs, share(w->ns, res->top_ns));
  }
  printf("%-28s %6d %12.4f %7.2f%%\n", "total", nodes, (double)res->top_ns / 1e6 / runs, 100.0);
  if (!nested) return;
  printf("\ncalled subgraphs (their time is inside the calling operator's):\n");
  printf("%-8s %-28s %6s %12s %12s %8s\n", "subgraph", "op type", "count", "calls/invoke", "ms/invoke", "share");
  for (int k = 0; k < res->n_rows; k++) {
    const op_row* w = &res->rows[k];
    if (w->subgraph == top) continue;
    printf("%-8d %-28s %6d %12.1f %12.4f %7.2f%%\n", w->subgraph, w->name, w->nodes, (double)w->calls / runs,
           (double)w->ns / 1e6 / runs, share(w->ns, res->top_ns));
  }
}

static void print_json(const bench_args* a, sigrun_runner* r, const bench_result* res) {
  printf("{\"model\": ");
  json_string(stdout, a->model);
  printf(", \"signature\": ");
  json_string(stdout, sigrun_runner_signature_key(r));
  printf(", \"subgraph\": %d, \"sigrun_version\": \"%s\", \"inputs\": [", sigrun_runner_subgraph_index(r),
         sigrun_version());
  for (int i = 0; i < sigrun_runner_input_count(r); i++) {
    const sigrun_tensor* t = sigrun_runner_input_at(r, i);
    printf(i ? ", {\"name\": " : "{\"name\": ");
    json_string(stdout, sigrun_runner_input_name(r, i));
    printf(", \"dtype\": \"%s\", \"shape\": ", sigrun_type_name(sigrun_tensor_type(t)));
    print_shape(stdout, t);
    putchar('}');
  }
  printf("], \"threads\": %d, \"runs\": %d, \"warmup\": %d", a->threads, a->runs, a->warmup);
  printf(", \"load_ms\": %.6f, \"allocate_ms\": %.6f, \"first_run_ms\": %.6f, \"first_invoke_ms\": %.6f", res->load_ms,
         res->init_ms, res->first_run_ms, res->first_invoke_ms);
  printf(", \"latency_ms\": {\"min\": %.6f, \"median\": %.6f, \"p90\": %.6f, \"mean\": %.6f}", res->min_ms,
         res->median_ms, res->p90_ms, res->mean_ms);
  printf(", \"peak_rss_kib\": %ld, \"peak_rss_increase_kib\": %ld, \"arena_bytes\": %zu", res->hwm_kib,
         res->hwm_kib - res->rss_before_kib, res->arena_bytes);
  if (a->profile) {
    printf(", \"profile_runs\": %d, \"profile\": [", a->runs);
    for (int k = 0; k < res->n_rows; k++) {
      const op_row* w = &res->rows[k];
      printf("%s{\"subgraph\": %d, \"op\": ", k ? ", " : "", w->subgraph);
      json_string(stdout, w->name);
      printf(", \"count\": %d, \"calls_per_invoke\": %.3f, \"ms_per_invoke\": %.6f, \"share_pct\": %.3f}", w->nodes,
             (double)w->calls / a->runs, (double)w->ns / 1e6 / a->runs, share(w->ns, res->top_ns));
    }
    putchar(']');
  }
  printf("}\n");
}

int sr_bench_main(int argc, char** argv) {
  bench_args a;
  memset(&a, 0, sizeof a);
  int rc = parse_args(argc, argv, &a);
  if (rc) return rc < 0 ? 0 : rc;
  bench_result res;
  memset(&res, 0, sizeof res);
  sigrun_model* m = NULL;
  sigrun_interpreter* in = NULL;
  sigrun_runner* r = NULL;
  rc = measure(&a, &m, &in, &r, &res);
  if (!rc) (a.json ? print_json : print_text)(&a, r, &res);
  free(res.rows);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
  return rc;
}
