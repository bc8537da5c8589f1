/*
 * worker_pool.c — serving requests from a pool of threads through ONE interpreter: the model is loaded
 * once, each worker makes its own runner per signature (sigrun_runner_create: its own arena and tensors, the
 * weights shared), a producer queues requests, workers answer them concurrently, and the results are printed
 * in request order and checked bit for bit against a single-threaded pass over the same requests.
 *
 *   usage: example_worker_pool [MODEL] [--workers N] [--requests M]
 *          (run from the repository root for the default model, examples/encode_decode/encode_decode.tflite)
 * Requests cycle over the model's signatures; float32 inputs only, a dynamic first dimension gets a batch
 * size from 1 to 3. Exit status: 0 all results match, 1 an error or a mismatch, 2 bad usage.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigrun.h"

#define DEFAULT_MODEL "examples/encode_decode/encode_decode.tflite"
#define MAX_IO 8
#define MAX_WORKERS 16
#define MAX_SIGNATURES 16
#define QUEUE_SLOTS 4 /* small on purpose: the producer waits for the workers, as a server would */

/* One tensor's value: shape and float32 data. */
typedef struct value {
  int rank;
  int32_t dims[8];
  size_t count;
  float* data;
} value;

typedef struct request {
  int id;
  int signature;
  int n_inputs, n_outputs;
  value inputs[MAX_IO];  /* in the runner's (sorted) input order */
  value outputs[MAX_IO]; /* filled by a worker */
  value expected[MAX_IO]; /* filled by the single-threaded pass */
  int served_by;
  sigrun_status status;
  sigrun_error error;
} request;

/* A bounded queue of request pointers; closed once the producer is done. */
typedef struct queue {
  pthread_mutex_t lock;
  pthread_cond_t not_empty, not_full;
  request* slots[QUEUE_SLOTS];
  int head, count, closed;
} queue;

static void queue_push(queue* q, request* r) {
  pthread_mutex_lock(&q->lock);
  while (q->count == QUEUE_SLOTS) pthread_cond_wait(&q->not_full, &q->lock);
  q->slots[(q->head + q->count) % QUEUE_SLOTS] = r;
  q->count++;
  pthread_cond_signal(&q->not_empty);
  pthread_mutex_unlock(&q->lock);
}

/* The next request, or NULL once the queue is closed and drained. */
static request* queue_pop(queue* q) {
  pthread_mutex_lock(&q->lock);
  while (q->count == 0 && !q->closed) pthread_cond_wait(&q->not_empty, &q->lock);
  request* r = NULL;
  if (q->count > 0) {
    r = q->slots[q->head];
    q->head = (q->head + 1) % QUEUE_SLOTS;
    q->count--;
    pthread_cond_signal(&q->not_full);
  }
  pthread_mutex_unlock(&q->lock);
  return r;
}

static void queue_close(queue* q) {
  pthread_mutex_lock(&q->lock);
  q->closed = 1;
  pthread_cond_broadcast(&q->not_empty);
  pthread_mutex_unlock(&q->lock);
}

/* ---- one request on one runner ---- */

static sigrun_status copy_out(const sigrun_tensor* t, value* out, sigrun_error* err) {
  if (sigrun_tensor_type(t) != SIGRUN_TYPE_FLOAT32) {
    snprintf(err->message, sizeof err->message, "output '%s' is %s; this example handles float32 only",
             sigrun_tensor_name(t), sigrun_type_name(sigrun_tensor_type(t)));
    return err->status = SIGRUN_STATUS_UNSUPPORTED;
  }
  out->rank = sigrun_tensor_rank(t);
  if (out->rank > 8) out->rank = 8;
  memcpy(out->dims, sigrun_tensor_dims(t), sizeof(int32_t) * (size_t)out->rank);
  out->count = sigrun_tensor_element_count(t);
  out->data = malloc(out->count * sizeof(float) + 1);
  if (!out->data) {
    snprintf(err->message, sizeof err->message, "out of memory");
    return err->status = SIGRUN_STATUS_NO_MEMORY;
  }
  memcpy(out->data, sigrun_tensor_data_const(t), out->count * sizeof(float));
  return SIGRUN_STATUS_OK;
}

/* Resize every input to the request's shape, allocate (cheap when nothing changed), copy in, invoke, copy
 * every output into `out`. A runner is used by one thread at a time; here, always by the same one. */
static sigrun_status serve(sigrun_runner* runner, request* r, value* out, sigrun_error* err) {
  sigrun_status st = SIGRUN_STATUS_OK;
  for (int i = 0; i < r->n_inputs && !st; i++)
    st = sigrun_runner_resize_input(runner, sigrun_runner_input_name(runner, i), r->inputs[i].dims,
                                    r->inputs[i].rank, err);
  if (!st) st = sigrun_runner_allocate(runner, err);
  for (int i = 0; i < r->n_inputs && !st; i++)
    st = sigrun_runner_set_input(runner, sigrun_runner_input_name(runner, i), r->inputs[i].data,
                                 r->inputs[i].count * sizeof(float), err);
  if (!st) st = sigrun_runner_invoke(runner, err);
  for (int i = 0; i < r->n_outputs && !st; i++) st = copy_out(sigrun_runner_output_at(runner, i), &out[i], err);
  return st;
}

/* ---- the pool ---- */

typedef struct worker {
  int index;
  sigrun_interpreter* interp;
  const sigrun_model* model;
  queue* q;
  int served;
} worker;

static void* worker_main(void* arg) {
  worker* w = arg;
  sigrun_runner* runners[MAX_SIGNATURES] = {0}; /* this worker's own, made on first use */
  request* r;
  while ((r = queue_pop(w->q)) != NULL) {
    r->served_by = w->index;
    sigrun_runner** runner = &runners[r->signature];
    r->status = SIGRUN_STATUS_OK;
    if (!*runner)
      r->status = sigrun_runner_create(w->interp, sigrun_model_signature_key(w->model, r->signature), runner, &r->error);
    if (!r->status) r->status = serve(*runner, r, r->outputs, &r->error);
    w->served++;
  }
  for (int s = 0; s < MAX_SIGNATURES; s++) sigrun_runner_destroy(runners[s]);
  return NULL;
}

/* ---- requests ---- */

/* Request `id`: signature id % count, inputs with deterministic values; a dynamic first dimension gets a
 * batch of 1 + id % 3. Shapes come from a runner of the interpreter. */
static int make_request(sigrun_interpreter* interp, const sigrun_model* model, int id, request* r) {
  sigrun_error err;
  sigrun_runner* runner;
  memset(r, 0, sizeof *r);
  r->id = id;
  r->signature = id % sigrun_model_signature_count(model);
  if (sigrun_interpreter_get_runner(interp, sigrun_model_signature_key(model, r->signature), &runner, &err)) {
    fprintf(stderr, "worker_pool: %s\n", err.message);
    return 0;
  }
  r->n_inputs = sigrun_runner_input_count(runner);
  r->n_outputs = sigrun_runner_output_count(runner);
  if (r->n_inputs > MAX_IO || r->n_outputs > MAX_IO) {
    fprintf(stderr, "worker_pool: more than %d inputs or outputs\n", MAX_IO);
    return 0;
  }
  for (int i = 0; i < r->n_inputs; i++) {
    const sigrun_tensor* t = sigrun_runner_input_at(runner, i);
    value* v = &r->inputs[i];
    if (sigrun_tensor_type(t) != SIGRUN_TYPE_FLOAT32 || sigrun_tensor_signature_rank(t) > 8) {
      fprintf(stderr, "worker_pool: input '%s' is not a float32 tensor of rank <= 8\n", sigrun_runner_input_name(runner, i));
      return 0;
    }
    v->rank = sigrun_tensor_signature_rank(t);
    v->count = 1;
    for (int d = 0; d < v->rank; d++) {
      int32_t dim = sigrun_tensor_signature_dims(t)[d];
      v->dims[d] = dim >= 0 ? dim : d == 0 ? 1 + id % 3 : 1;
      v->count *= (size_t)v->dims[d];
    }
    v->data = malloc(v->count * sizeof(float) + 1);
    if (!v->data) return 0;
    for (size_t k = 0; k < v->count; k++) v->data[k] = (float)((id * 7 + (int)k * 3 + i) % 11 - 5) * 0.25f;
  }
  return 1;
}

static void free_request(request* r) {
  for (int i = 0; i < MAX_IO; i++) {
    free(r->inputs[i].data);
    free(r->outputs[i].data);
    free(r->expected[i].data);
  }
}

static int same_value(const value* a, const value* b) {
  return a->rank == b->rank && a->count == b->count && memcmp(a->dims, b->dims, sizeof(int32_t) * (size_t)a->rank) == 0 &&
         (a->count == 0 || memcmp(a->data, b->data, a->count * sizeof(float)) == 0);
}

static void print_value(const value* v) {
  printf("[");
  for (int d = 0; d < v->rank; d++) printf("%s%d", d ? "x" : "", (int)v->dims[d]);
  printf("]");
  for (size_t k = 0; k < v->count && k < 8; k++) printf(" %.5f", v->data[k]);
  if (v->count > 8) printf(" ...");
}

/* Prints every request in order; returns the number that failed or differ from the single-threaded pass.
 * Output names come from the interpreter's runner of the request's signature (made by make_request). */
static int report(sigrun_interpreter* interp, const sigrun_model* model, request* reqs, int n) {
  int bad = 0;
  for (int i = 0; i < n; i++) {
    request* r = &reqs[i];
    const char* key = sigrun_model_signature_key(model, r->signature);
    sigrun_runner* names = NULL;
    printf("request %2d  %-8s worker %d ", r->id, key, r->served_by);
    if (r->status || sigrun_interpreter_get_runner(interp, key, &names, NULL)) {
      printf(" FAILED: %s\n", r->status ? r->error.message : "no runner");
      bad++;
      continue;
    }
    int same = 1;
    for (int o = 0; o < r->n_outputs; o++) {
      same &= same_value(&r->outputs[o], &r->expected[o]);
      printf(" %s ", sigrun_runner_output_name(names, o));
      print_value(&r->outputs[o]);
    }
    printf("%s\n", same ? "" : "  MISMATCH with the single-threaded pass");
    bad += !same;
  }
  return bad;
}

static int parse(int argc, char** argv, const char** path, int* workers, int* requests) {
  *path = DEFAULT_MODEL;
  *workers = 4;
  *requests = 24;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) *workers = atoi(argv[++i]);
    else if (strcmp(argv[i], "--requests") == 0 && i + 1 < argc) *requests = atoi(argv[++i]);
    else if (argv[i][0] != '-') *path = argv[i];
    else return 0;
  }
  return *workers >= 1 && *workers <= MAX_WORKERS && *requests >= 1 && *requests <= 100000;
}

/* The single-threaded pass: the interpreter's own runners, one request after another. */
static int run_sequential(sigrun_interpreter* interp, const sigrun_model* model, request* reqs, int n) {
  for (int i = 0; i < n; i++) {
    sigrun_error err;
    sigrun_runner* runner;
    if (sigrun_interpreter_get_runner(interp, sigrun_model_signature_key(model, reqs[i].signature), &runner, &err) ||
        serve(runner, &reqs[i], reqs[i].expected, &err)) {
      fprintf(stderr, "worker_pool: single-threaded pass, request %d: %s\n", i, err.message);
      return 0;
    }
  }
  return 1;
}

static int run_pool(sigrun_interpreter* interp, const sigrun_model* model, request* reqs, int n, int n_workers) {
  queue q = {.head = 0};
  pthread_mutex_init(&q.lock, NULL);
  pthread_cond_init(&q.not_empty, NULL);
  pthread_cond_init(&q.not_full, NULL);
  pthread_t threads[MAX_WORKERS];
  worker workers[MAX_WORKERS];
  int started = 0;
  for (int i = 0; i < n_workers; i++) {
    workers[i] = (worker){i, interp, model, &q, 0};
    if (pthread_create(&threads[i], NULL, worker_main, &workers[i]) != 0) break;
    started++;
  }
  if (started > 0)
    for (int i = 0; i < n; i++) queue_push(&q, &reqs[i]);
  queue_close(&q);
  for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
  pthread_cond_destroy(&q.not_full);
  pthread_cond_destroy(&q.not_empty);
  pthread_mutex_destroy(&q.lock);
  if (started == 0) {
    fprintf(stderr, "worker_pool: could not start a worker thread\n");
    return 0;
  }
  printf("%d requests served by %d workers (", n, started);
  for (int i = 0; i < started; i++) printf("%s%d", i ? ", " : "", workers[i].served);
  printf(" each) through one interpreter\n");
  return 1;
}

int main(int argc, char** argv) {
  const char* path;
  int n_workers, n;
  if (!parse(argc, argv, &path, &n_workers, &n)) {
    fprintf(stderr, "usage: example_worker_pool [MODEL] [--workers 1-%d] [--requests N]\n", MAX_WORKERS);
    return 2;
  }
  sigrun_error err;
  sigrun_model* model = NULL;
  sigrun_interpreter* interp = NULL;
  if (sigrun_model_load_file(path, &model, &err) || sigrun_interpreter_create(model, NULL, &interp, &err)) {
    fprintf(stderr, "worker_pool: %s: %s\n", path, err.message);
    sigrun_model_destroy(model);
    return 1;
  }
  int count = sigrun_model_signature_count(model), ok = count > 0 && count <= MAX_SIGNATURES;
  if (!ok) fprintf(stderr, "worker_pool: the model needs 1 to %d signatures, it has %d\n", MAX_SIGNATURES, count);
  request* reqs = calloc((size_t)n, sizeof *reqs);
  if (!reqs) ok = 0;
  for (int i = 0; i < n && ok; i++) ok = make_request(interp, model, i, &reqs[i]);
  if (ok) ok = run_sequential(interp, model, reqs, n);
  if (ok) ok = run_pool(interp, model, reqs, n, n_workers);
  int bad = ok ? report(interp, model, reqs, n) : 0;
  if (ok && bad) printf("%d of %d requests failed or differ from the single-threaded pass\n", bad, n);
  if (ok && !bad) printf("all %d results equal the single-threaded pass bit for bit\n", n);
  for (int i = 0; reqs && i < n; i++) free_request(&reqs[i]);
  free(reqs);
  sigrun_interpreter_destroy(interp);
  sigrun_model_destroy(model);
  return ok && !bad ? 0 : 1;
}
