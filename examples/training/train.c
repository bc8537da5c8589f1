/*
 * train.c — on-device training with builtin operators only: train a small classifier through its `train`
 * signature, save its weights with `get_weights` to a file, and restore them with `set_weights` in a fresh
 * interpreter, whose `infer` must then give the trained outputs bit for bit.
 *
 *   usage: example_train [--steps N] [--model MODEL] [--weights FILE]   train, save, restore, compare
 *          example_train --restore FILE [--model MODEL]                 restore FILE and report accuracy
 *
 * Exit status: 0 on success, 1 on any failure (sigrun's message is printed), 2 on a usage error.
 * The weights file format is described above write_weights.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigrun.h"

#define DEFAULT_MODEL "examples/training/training.tflite"
#define DEFAULT_WEIGHTS "training.weights"
#define DEFAULT_STEPS 30
#define MAX_STEPS 1000000L

#define SAMPLES 120
#define FEATURES 4
#define CLASSES 3

#define MAX_WEIGHTS 16
#define MAX_NAME 63
#define MAX_RANK 8
#define MAGIC "SRWT"
#define FORMAT_VERSION 1u

/* ---- the dataset: three blobs in 4-D drawn with a 32-bit LCG, so any language can rebuild it exactly ---- */

typedef struct dataset {
  float x[SAMPLES][FEATURES];
  float y[SAMPLES][CLASSES]; /* one-hot */
  int label[SAMPLES];
} dataset;

static uint32_t lcg_next(uint32_t* state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

/* Sum of four uniforms (the top 24 bits of four draws), centred: in [-2, 2), mean 0, sd 1/sqrt(3). Every
 * step is exact in double, so the value does not depend on the compiler's floating-point choices. */
static double gaussianish(uint32_t* state) {
  uint32_t sum = 0;
  for (int i = 0; i < 4; i++) sum += lcg_next(state) >> 8;
  return ((double)sum - 2.0 * 16777216.0) / 16777216.0;
}

/* Sample i has class i % 3; feature f is centre[class][f] + gaussianish, rounded once to float. */
static void make_dataset(dataset* d) {
  static const double centre[CLASSES][FEATURES] = {
      {1.0, 0.0, -1.0, 0.5}, {0.0, -1.0, 1.0, 0.0}, {-1.0, 1.0, 0.0, -0.5}};
  uint32_t state = 12345u;
  memset(d, 0, sizeof *d);
  for (int i = 0; i < SAMPLES; i++) {
    int c = i % CLASSES;
    d->label[i] = c;
    d->y[i][c] = 1.0f;
    for (int f = 0; f < FEATURES; f++) d->x[i][f] = (float)(centre[c][f] + gaussianish(&state));
  }
}

/* ---- errors: sigrun's own, or ours written into the same record ---- */

static sigrun_status fail(sigrun_error* err, sigrun_status status, const char* format, ...) {
  va_list args;
  va_start(args, format);
  err->status = status;
  vsnprintf(err->message, sizeof err->message, format, args);
  va_end(args);
  return status;
}

/* ---- weights held in memory: one record per get_weights output ---- */

typedef struct weight {
  char name[MAX_NAME + 1];
  sigrun_type type;
  int rank;
  int32_t dims[MAX_RANK];
  size_t bytes;
  unsigned char* data;
} weight;

typedef struct weight_set {
  int count;
  weight items[MAX_WEIGHTS];
} weight_set;

static void weight_set_free(weight_set* set) {
  for (int i = 0; i < set->count; i++) free(set->items[i].data);
  set->count = 0;
}

static const weight* weight_set_find(const weight_set* set, const char* name) {
  for (int i = 0; i < set->count; i++)
    if (strcmp(set->items[i].name, name) == 0) return &set->items[i];
  return NULL;
}

/* ---- running signatures ---- */

/* Sets the runner's input `x` to n samples (resizing its batch) and invokes. */
static sigrun_status run_with_x(sigrun_runner* runner, const float (*x)[FEATURES], int n, sigrun_error* err) {
  const int32_t dims[2] = {n, FEATURES};
  sigrun_status st = sigrun_runner_resize_input(runner, "x", dims, 2, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_allocate(runner, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_set_input(runner, "x", x, sizeof(float) * FEATURES * (size_t)n, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_invoke(runner, err);
  return st;
}

typedef struct predictions {
  float logits[SAMPLES][CLASSES];
  float probabilities[SAMPLES][CLASSES];
} predictions;

/* `infer` over the whole dataset. */
static sigrun_status infer(sigrun_interpreter* interp, const dataset* d, predictions* out, sigrun_error* err) {
  sigrun_runner* runner;
  sigrun_status st = sigrun_interpreter_get_runner(interp, "infer", &runner, err);
  if (st == SIGRUN_STATUS_OK) st = run_with_x(runner, d->x, SAMPLES, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_get_output(runner, "logits", out->logits, sizeof out->logits, err);
  if (st == SIGRUN_STATUS_OK)
    st = sigrun_runner_get_output(runner, "probabilities", out->probabilities, sizeof out->probabilities, err);
  return st;
}

static int correct_count(const dataset* d, const predictions* p) {
  int correct = 0;
  for (int i = 0; i < SAMPLES; i++) {
    int best = 0;
    for (int c = 1; c < CLASSES; c++)
      if (p->probabilities[i][c] > p->probabilities[i][best]) best = c;
    correct += best == d->label[i];
  }
  return correct;
}

static void print_accuracy(const char* what, const dataset* d, const predictions* p) {
  int correct = correct_count(d, p);
  printf("%s accuracy %d/%d (%.1f%%)\n", what, correct, SAMPLES, 100.0 * correct / SAMPLES);
}

/* `train` on consecutive batches of the dataset (the model fixes the batch size), one line per step. */
static sigrun_status train(sigrun_interpreter* interp, const dataset* d, long steps, sigrun_error* err) {
  sigrun_runner* runner;
  sigrun_tensor* x;
  sigrun_status st = sigrun_interpreter_get_runner(interp, "train", &runner, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_allocate(runner, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_input(runner, "x", &x, err);
  if (st != SIGRUN_STATUS_OK) return st;
  int batch = sigrun_tensor_rank(x) == 2 ? (int)sigrun_tensor_dims(x)[0] : 0;
  if (batch <= 0 || batch > SAMPLES || sigrun_tensor_dims(x)[1] != FEATURES)
    return fail(err, SIGRUN_STATUS_BAD_ARGUMENT, "train input x must be [batch <= %d, %d]", SAMPLES, FEATURES);
  int batches = SAMPLES / batch;
  printf("training %ld steps, batch %d\n", steps, batch);
  for (long step = 0; step < steps; step++) {
    int first = (int)(step % batches) * batch;
    float loss;
    st = sigrun_runner_set_input(runner, "x", d->x[first], sizeof(float) * FEATURES * (size_t)batch, err);
    if (st == SIGRUN_STATUS_OK)
      st = sigrun_runner_set_input(runner, "y", d->y[first], sizeof(float) * CLASSES * (size_t)batch, err);
    if (st == SIGRUN_STATUS_OK) st = sigrun_runner_invoke(runner, err);
    if (st == SIGRUN_STATUS_OK) st = sigrun_runner_get_output(runner, "loss", &loss, sizeof loss, err);
    if (st != SIGRUN_STATUS_OK) return st;
    printf("step %ld loss %.9g\n", step + 1, loss);
  }
  return SIGRUN_STATUS_OK;
}

/* Copies every output of `get_weights` (a name per weight, in name order) into *set. */
static sigrun_status get_weights(sigrun_interpreter* interp, weight_set* set, sigrun_error* err) {
  sigrun_runner* runner;
  sigrun_status st = sigrun_interpreter_get_runner(interp, "get_weights", &runner, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_allocate(runner, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_invoke(runner, err);
  if (st != SIGRUN_STATUS_OK) return st;
  int count = sigrun_runner_output_count(runner);
  if (count < 1 || count > MAX_WEIGHTS)
    return fail(err, SIGRUN_STATUS_BAD_ARGUMENT, "get_weights has %d outputs, expected 1..%d", count, MAX_WEIGHTS);
  for (int i = 0; i < count; i++) {
    const sigrun_tensor* t = sigrun_runner_output_at(runner, i);
    const char* name = sigrun_runner_output_name(runner, i);
    weight* w = &set->items[set->count];
    if (strlen(name) > MAX_NAME || sigrun_tensor_rank(t) > MAX_RANK || sigrun_type_size(sigrun_tensor_type(t)) == 0)
      return fail(err, SIGRUN_STATUS_BAD_ARGUMENT, "get_weights output '%s' cannot be saved (name, rank or type)",
                  name);
    snprintf(w->name, sizeof w->name, "%s", name);
    w->type = sigrun_tensor_type(t);
    w->rank = sigrun_tensor_rank(t);
    memcpy(w->dims, sigrun_tensor_dims(t), sizeof(int32_t) * (size_t)w->rank);
    w->bytes = sigrun_tensor_byte_size(t);
    w->data = malloc(w->bytes ? w->bytes : 1);
    if (w->data == NULL) return fail(err, SIGRUN_STATUS_NO_MEMORY, "no memory for weight '%s'", name);
    memcpy(w->data, sigrun_tensor_data_const(t), w->bytes);
    set->count++;
  }
  return SIGRUN_STATUS_OK;
}

/* Feeds `set_weights` one input per weight, matched by name; types and shapes must agree exactly. */
static sigrun_status set_weights(sigrun_interpreter* interp, const weight_set* set, sigrun_error* err) {
  sigrun_runner* runner;
  sigrun_status st = sigrun_interpreter_get_runner(interp, "set_weights", &runner, err);
  if (st == SIGRUN_STATUS_OK) st = sigrun_runner_allocate(runner, err);
  if (st != SIGRUN_STATUS_OK) return st;
  if (sigrun_runner_input_count(runner) != set->count)
    return fail(err, SIGRUN_STATUS_BAD_ARGUMENT, "set_weights takes %d weights, the file has %d",
                sigrun_runner_input_count(runner), set->count);
  for (int i = 0; i < sigrun_runner_input_count(runner); i++) {
    const char* name = sigrun_runner_input_name(runner, i);
    const sigrun_tensor* t = sigrun_runner_input_at(runner, i);
    const weight* w = weight_set_find(set, name);
    if (w == NULL) return fail(err, SIGRUN_STATUS_NOT_FOUND, "weight '%s' is missing from the file", name);
    int same = w->type == sigrun_tensor_type(t) && w->rank == sigrun_tensor_rank(t);
    for (int r = 0; same && r < w->rank; r++) same = w->dims[r] == sigrun_tensor_dims(t)[r];
    if (!same)
      return fail(err, SIGRUN_STATUS_BAD_ARGUMENT, "weight '%s': the file's type or shape differs from the model's",
                  name);
    st = sigrun_runner_set_input(runner, name, w->data, w->bytes, err);
    if (st != SIGRUN_STATUS_OK) return st;
  }
  float sum_of_squares;
  st = sigrun_runner_invoke(runner, err);
  if (st == SIGRUN_STATUS_OK)
    st = sigrun_runner_get_output(runner, "sum_of_squares", &sum_of_squares, sizeof sum_of_squares, err);
  if (st == SIGRUN_STATUS_OK) printf("set_weights: sum of squares of the weights %.9g\n", sum_of_squares);
  return st;
}

/* ---- the weights file ----
 *
 * All integers are unsigned little-endian; tensor data is little-endian elements.
 *   magic "SRWT" (4 bytes), u32 version = 1, u32 count (1..16)
 *   count times: u32 name length (1..63), name bytes (no NUL), u32 type (sigrun_type, fixed-size types only),
 *                u32 rank (0..8), rank x u32 dims (each < 2^31), u64 data bytes (= element count x type size),
 *                data
 *   nothing after the last tensor.
 */

static int host_is_little_endian(void) {
  const uint16_t one = 1;
  return *(const unsigned char*)&one == 1;
}

/* Reverses the bytes of each element on a big-endian host; the file is always little-endian. */
static void to_or_from_little_endian(unsigned char* data, size_t bytes, size_t element) {
  if (host_is_little_endian() || element < 2) return;
  for (size_t at = 0; at + element <= bytes; at += element)
    for (size_t i = 0; i < element / 2; i++) {
      unsigned char tmp = data[at + i];
      data[at + i] = data[at + element - 1 - i];
      data[at + element - 1 - i] = tmp;
    }
}

static int put_uint(FILE* f, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; i++)
    if (fputc((int)((value >> (8 * i)) & 0xFF), f) == EOF) return 0;
  return 1;
}

static sigrun_status write_weights(const char* path, const weight_set* set, sigrun_error* err) {
  FILE* f = fopen(path, "wb");
  if (f == NULL) return fail(err, SIGRUN_STATUS_IO, "cannot create '%s'", path);
  int ok = fwrite(MAGIC, 1, 4, f) == 4 && put_uint(f, FORMAT_VERSION, 4) && put_uint(f, (uint64_t)set->count, 4);
  for (int i = 0; ok && i < set->count; i++) {
    const weight* w = &set->items[i];
    size_t name_length = strlen(w->name);
    ok = put_uint(f, name_length, 4) && fwrite(w->name, 1, name_length, f) == name_length &&
         put_uint(f, (uint64_t)w->type, 4) && put_uint(f, (uint64_t)w->rank, 4);
    for (int r = 0; ok && r < w->rank; r++) ok = put_uint(f, (uint64_t)w->dims[r], 4);
    unsigned char* copy = ok ? malloc(w->bytes ? w->bytes : 1) : NULL;
    ok = copy != NULL && put_uint(f, w->bytes, 8);
    if (ok) {
      memcpy(copy, w->data, w->bytes);
      to_or_from_little_endian(copy, w->bytes, sigrun_type_size(w->type));
      ok = fwrite(copy, 1, w->bytes, f) == w->bytes;
    }
    free(copy);
  }
  if (fclose(f) != 0) ok = 0;
  return ok ? SIGRUN_STATUS_OK : fail(err, SIGRUN_STATUS_IO, "writing '%s' failed", path);
}

/* Reads `bytes` (<= 8) little-endian bytes; 0 at end of file. */
static int get_uint(FILE* f, uint64_t* value, int bytes) {
  *value = 0;
  for (int i = 0; i < bytes; i++) {
    int c = fgetc(f);
    if (c == EOF) return 0;
    *value |= (uint64_t)c << (8 * i);
  }
  return 1;
}

/* One tensor record; `where` names it in messages. */
static sigrun_status read_weight(FILE* f, const char* where, const weight_set* set, weight* w, sigrun_error* err) {
  uint64_t name_length, type, rank, bytes, elements = 1;
  if (!get_uint(f, &name_length, 4) || name_length == 0 || name_length > MAX_NAME)
    return fail(err, SIGRUN_STATUS_IO, "%s: name length missing or not in 1..%d", where, MAX_NAME);
  if (fread(w->name, 1, (size_t)name_length, f) != name_length)
    return fail(err, SIGRUN_STATUS_IO, "%s: the file ends inside the name", where);
  w->name[name_length] = '\0';
  if (strlen(w->name) != name_length) return fail(err, SIGRUN_STATUS_IO, "%s: NUL in the name", where);
  if (weight_set_find(set, w->name) != NULL)
    return fail(err, SIGRUN_STATUS_IO, "%s: weight '%s' appears twice", where, w->name);
  if (!get_uint(f, &type, 4) || type > SIGRUN_TYPE_BFLOAT16 || sigrun_type_size((sigrun_type)type) == 0)
    return fail(err, SIGRUN_STATUS_IO, "%s ('%s'): type missing or not a fixed-size sigrun_type", where,
                w->name);
  if (!get_uint(f, &rank, 4) || rank > MAX_RANK)
    return fail(err, SIGRUN_STATUS_IO, "%s ('%s'): rank missing or above %d", where, w->name, MAX_RANK);
  w->type = (sigrun_type)type;
  w->rank = (int)rank;
  for (int r = 0; r < w->rank; r++) {
    uint64_t dim;
    if (!get_uint(f, &dim, 4) || dim > INT32_MAX)
      return fail(err, SIGRUN_STATUS_IO, "%s ('%s'): dimension %d missing or too large", where, w->name,
                  r);
    w->dims[r] = (int32_t)dim;
    /* Each factor is < 2^31, so checking against 2^32 before multiplying keeps the product within 64 bits. */
    elements *= dim;
    if (elements > UINT32_MAX)
      return fail(err, SIGRUN_STATUS_IO, "%s ('%s'): too many elements", where, w->name);
  }
  if (!get_uint(f, &bytes, 8) || bytes != elements * sigrun_type_size(w->type))
    return fail(err, SIGRUN_STATUS_IO, "%s ('%s'): data size missing or not %llu x %zu bytes", where,
                w->name, (unsigned long long)elements, sigrun_type_size(w->type));
  w->bytes = (size_t)bytes;
  w->data = malloc(w->bytes ? w->bytes : 1);
  if (w->data == NULL) return fail(err, SIGRUN_STATUS_NO_MEMORY, "%s: no memory for %zu bytes", where, w->bytes);
  if (fread(w->data, 1, w->bytes, f) != w->bytes) {
    free(w->data);
    return fail(err, SIGRUN_STATUS_IO, "%s ('%s'): the file ends inside the data", where, w->name);
  }
  to_or_from_little_endian(w->data, w->bytes, sigrun_type_size(w->type));
  return SIGRUN_STATUS_OK;
}

static sigrun_status read_weights_from(FILE* f, const char* path, weight_set* set, sigrun_error* err) {
  char magic[4];
  uint64_t version, count;
  if (fread(magic, 1, 4, f) != 4 || memcmp(magic, MAGIC, 4) != 0)
    return fail(err, SIGRUN_STATUS_IO, "'%s' is not a weights file (magic \"%s\" expected)", path, MAGIC);
  if (!get_uint(f, &version, 4) || version != FORMAT_VERSION)
    return fail(err, SIGRUN_STATUS_IO, "'%s': version missing or not %u", path, FORMAT_VERSION);
  if (!get_uint(f, &count, 4) || count == 0 || count > MAX_WEIGHTS)
    return fail(err, SIGRUN_STATUS_IO, "'%s': tensor count missing or not in 1..%d", path, MAX_WEIGHTS);
  for (int i = 0; i < (int)count; i++) {
    char where[64];
    snprintf(where, sizeof where, "tensor %d of %d", i, (int)count);
    sigrun_status st = read_weight(f, where, set, &set->items[set->count], err);
    if (st != SIGRUN_STATUS_OK) return st;
    set->count++;
  }
  if (fgetc(f) != EOF) return fail(err, SIGRUN_STATUS_IO, "'%s': unexpected bytes after the last tensor",
                                    path);
  return SIGRUN_STATUS_OK;
}

static sigrun_status read_weights(const char* path, weight_set* set, sigrun_error* err) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return fail(err, SIGRUN_STATUS_IO, "cannot open '%s'", path);
  sigrun_status st = read_weights_from(f, path, set, err);
  if (ferror(f) && st == SIGRUN_STATUS_OK) st = fail(err, SIGRUN_STATUS_IO, "reading '%s' failed", path);
  fclose(f);
  return st;
}

/* ---- the two modes ---- */

/* Largest |a - b| over the logits; NaN-free inputs assumed (the model's outputs are finite). */
static double max_difference(const predictions* a, const predictions* b) {
  double worst = 0.0;
  for (int i = 0; i < SAMPLES; i++)
    for (int c = 0; c < CLASSES; c++) {
      double d = (double)a->logits[i][c] - (double)b->logits[i][c];
      if (d < 0) d = -d;
      if (d > worst) worst = d;
    }
  return worst;
}

static int same_bits(const predictions* a, const predictions* b) {
  return memcmp(a->logits, b->logits, sizeof a->logits) == 0 &&
         memcmp(a->probabilities, b->probabilities, sizeof a->probabilities) == 0;
}

/* A fresh interpreter starts from the model's initial weights: its `infer` must differ from the trained one. */
static sigrun_status check_fresh(sigrun_interpreter* interp, const dataset* d, const predictions* trained,
                                 sigrun_error* err) {
  static predictions fresh;
  sigrun_status st = infer(interp, d, &fresh, err);
  if (st != SIGRUN_STATUS_OK) return st;
  print_accuracy("fresh interpreter (initial weights)", d, &fresh);
  if (same_bits(&fresh, trained))
    return fail(err, SIGRUN_STATUS_RUNTIME, "a fresh interpreter already gives the trained outputs");
  printf("fresh interpreter logits differ from the trained ones by up to %.9g\n", max_difference(&fresh, trained));
  return SIGRUN_STATUS_OK;
}

/* A fresh interpreter, restored from `path`; *out gets its `infer` over the dataset. With `trained`, the
 * fresh interpreter is first checked to differ from it. */
static sigrun_status restore_and_infer(const sigrun_model* model, const char* path, const dataset* d,
                                       const predictions* trained, predictions* out, sigrun_error* err) {
  sigrun_interpreter* interp = NULL;
  weight_set loaded = {0};
  sigrun_status st = sigrun_interpreter_create(model, NULL, &interp, err);
  if (st == SIGRUN_STATUS_OK && trained != NULL) st = check_fresh(interp, d, trained, err);
  if (st == SIGRUN_STATUS_OK) st = read_weights(path, &loaded, err);
  if (st == SIGRUN_STATUS_OK) printf("read %d weights from %s\n", loaded.count, path);
  if (st == SIGRUN_STATUS_OK) st = set_weights(interp, &loaded, err);
  if (st == SIGRUN_STATUS_OK) st = infer(interp, d, out, err);
  if (st == SIGRUN_STATUS_OK) print_accuracy("restored", d, out);
  weight_set_free(&loaded);
  sigrun_interpreter_destroy(interp);
  return st;
}

static sigrun_status train_save_restore(const sigrun_model* model, const char* weights_path, long steps,
                                        const dataset* d, sigrun_error* err) {
  static predictions trained, restored;
  sigrun_interpreter* interp = NULL;
  weight_set saved = {0};
  sigrun_status st = sigrun_interpreter_create(model, NULL, &interp, err);
  if (st == SIGRUN_STATUS_OK) st = train(interp, d, steps, err);
  if (st == SIGRUN_STATUS_OK) st = infer(interp, d, &trained, err);
  if (st == SIGRUN_STATUS_OK) print_accuracy("trained", d, &trained);
  if (st == SIGRUN_STATUS_OK) st = get_weights(interp, &saved, err);
  if (st == SIGRUN_STATUS_OK) st = write_weights(weights_path, &saved, err);
  if (st == SIGRUN_STATUS_OK) printf("saved %d weights to %s\n", saved.count, weights_path);
  weight_set_free(&saved);
  sigrun_interpreter_destroy(interp); /* the trained variables go with it */
  if (st != SIGRUN_STATUS_OK) return st;

  /* With no training step there is nothing to tell apart, only the round trip to check. */
  st = restore_and_infer(model, weights_path, d, steps > 0 ? &trained : NULL, &restored, err);
  if (st != SIGRUN_STATUS_OK) return st;
  if (!same_bits(&restored, &trained))
    return fail(err, SIGRUN_STATUS_RUNTIME, "restored outputs differ from the trained ones by up to %.9g",
                max_difference(&restored, &trained));
  printf("restored outputs equal the trained ones bit for bit\n");
  return SIGRUN_STATUS_OK;
}

/* ---- command line ---- */

typedef struct options {
  long steps;
  const char* model;
  const char* weights;
  const char* restore;
} options;

/* 0 on a usage error, including --restore together with a training option (they would be ignored). */
static int parse_options(int argc, char** argv, options* o) {
  int training_option = 0;
  *o = (options){DEFAULT_STEPS, DEFAULT_MODEL, DEFAULT_WEIGHTS, NULL};
  for (int i = 1; i < argc; i += 2) {
    const char* value = i + 1 < argc ? argv[i + 1] : NULL;
    if (value == NULL) return 0;
    if (strcmp(argv[i], "--steps") == 0) {
      char* end;
      o->steps = strtol(value, &end, 10);
      if (*value == '\0' || *end != '\0' || o->steps < 0 || o->steps > MAX_STEPS) return 0;
      training_option = 1;
    } else if (strcmp(argv[i], "--model") == 0) {
      o->model = value;
    } else if (strcmp(argv[i], "--weights") == 0) {
      o->weights = value;
      training_option = 1;
    } else if (strcmp(argv[i], "--restore") == 0) {
      o->restore = value;
    } else {
      return 0;
    }
  }
  return !(training_option && o->restore != NULL);
}

int main(int argc, char** argv) {
  options o;
  if (!parse_options(argc, argv, &o)) {
    fprintf(stderr,
            "usage: %s [--steps N] [--model MODEL] [--weights FILE]\n"
            "       %s --restore FILE [--model MODEL]\n"
            "N in 0..%ld (default %d), MODEL defaults to %s, FILE to %s\n",
            argv[0], argv[0], MAX_STEPS, DEFAULT_STEPS, DEFAULT_MODEL, DEFAULT_WEIGHTS);
    return 2;
  }
  static dataset data;
  make_dataset(&data);
  sigrun_error err;
  sigrun_model* model = NULL;
  sigrun_status st = sigrun_model_load_file(o.model, &model, &err);
  if (st == SIGRUN_STATUS_OK && o.restore != NULL) {
    static predictions restored;
    st = restore_and_infer(model, o.restore, &data, NULL, &restored, &err);
  } else if (st == SIGRUN_STATUS_OK) {
    st = train_save_restore(model, o.weights, o.steps, &data, &err);
  }
  if (st != SIGRUN_STATUS_OK) fprintf(stderr, "error (%s): %s\n", sigrun_status_string(st), err.message);
  sigrun_model_destroy(model);
  return st == SIGRUN_STATUS_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
