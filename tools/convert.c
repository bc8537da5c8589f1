/*
 * convert.c — `sigrun convert SAVED_MODEL_DIR -o MODEL.tflite [--signature KEY ...] [--float16 |
 * --dynamic-range] [--quiet]`: runs sigrun_convert_saved_model and writes the bytes. Progress goes to stderr
 * (one line per stage; per signature while importing) unless --quiet; errors are the library's full text.
 */
#include "convert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sigrun.h"

const char* const SR_CONVERT_HELP =
    "usage: sigrun convert SAVED_MODEL_DIR -o MODEL.tflite [--signature KEY ...] [--float16 | --dynamic-range]\n"
    "                      [--quiet]\n"
    "\n"
    "Converts a TensorFlow 2 SavedModel directory (saved_model.pb + variables/) into a LiteRT .tflite model\n"
    "that keeps its signatures, without TensorFlow. Every signature except __saved_model_init_op is converted\n"
    "(for a Keras model.export() directory: serving_default), one subgraph per signature sorted by key.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE     the .tflite file to write (required)\n"
    "  --signature KEY       convert this signature; repeat for several\n"
    "  --float16             store float weights as float16 (DEQUANTIZE'd when the model loads)\n"
    "  --dynamic-range       int8 weights for FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D, float activations\n"
    "  --quiet               no progress on stderr\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit codes: 0 success, 1 the SavedModel could not be read or converted (the message lists every\n"
    "unsupported TensorFlow op), 2 usage error (including an unknown signature key).\n";

typedef struct progress_state {
  struct timespec start;
  const char* last;
} progress_state;

static double seconds_since(const struct timespec* start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + 1e-9 * (double)(now.tv_nsec - start->tv_nsec);
}

static void on_progress(void* user, const char* stage, int done, int total) {
  progress_state* p = user;
  double s = seconds_since(&p->start);
  if (!strcmp(stage, "import") && total > 1 && done < total)
    fprintf(stderr, "sigrun convert: [%5.1fs] importing signature %d of %d\n", s, done + 1, total);
  else if (done == 0 && (!p->last || strcmp(p->last, stage)))
    fprintf(stderr, "sigrun convert: [%5.1fs] %s\n", s,
            !strcmp(stage, "read")       ? "reading the SavedModel"
            : !strcmp(stage, "import")   ? "importing"
            : !strcmp(stage, "optimize") ? "fusing and folding"
            : !strcmp(stage, "quantize") ? "quantizing weights"
                                         : "writing");
  p->last = stage;
}

static int usage(const char* fmt, const char* arg) {
  fputs("sigrun: convert: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs(" (see `sigrun convert --help`)\n", stderr);
  return 2;
}

int sr_convert_main(int argc, char** argv) {
  const char* dir = NULL;
  const char* out = NULL;
  int quiet = 0;
  sigrun_convert_options options;
  sigrun_convert_options_init(&options);
  const char** keys = calloc((size_t)argc + 1, sizeof *keys);
  if (!keys) return fputs("sigrun: out of memory\n", stderr), 1;
  int n_keys = 0, weights_set = 0, rc;
  for (int i = 0; i < argc; i++) {
    const char* a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      free(keys);
      return fputs(SR_CONVERT_HELP, stdout), 0;
    }
    if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--signature")) {
      if (i + 1 >= argc) {
        free(keys);
        return usage("option %s needs a value", a);
      }
      if (a[1] == 'o' || a[2] == 'o')
        out = argv[++i];
      else
        keys[n_keys++] = argv[++i];
    } else if (!strcmp(a, "--float16") || !strcmp(a, "--dynamic-range")) {
      if (weights_set++) {
        free(keys);
        return usage("%s: choose one of --float16 and --dynamic-range", a);
      }
      options.weights = a[2] == 'f' ? SIGRUN_CONVERT_FLOAT16 : SIGRUN_CONVERT_DYNAMIC_RANGE;
    } else if (!strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (a[0] == '-' && a[1]) {
      free(keys);
      return usage("unknown option '%s'", a);
    } else if (dir) {
      free(keys);
      return usage("unexpected argument '%s'", a);
    } else {
      dir = a;
    }
  }
  if (!dir || !out) {
    free(keys);
    return usage("%s", !dir ? "missing SAVED_MODEL_DIR" : "missing -o MODEL.tflite");
  }
  options.signature_keys = keys;
  options.n_signature_keys = n_keys;
  progress_state ps;
  clock_gettime(CLOCK_MONOTONIC, &ps.start);
  ps.last = NULL;
  if (!quiet) {
    options.progress = on_progress;
    options.progress_user = &ps;
  }
  char* details = NULL;
  options.error_details = &details;
  void* data = NULL;
  size_t size = 0;
  sigrun_error e;
  sigrun_status st = sigrun_convert_saved_model(dir, &options, &data, &size, &e);
  free(keys);
  if (st) {
    fprintf(stderr, "sigrun: convert: %s\n", details ? details : e.message);
    sigrun_convert_free(details);
    return st == SIGRUN_STATUS_NOT_FOUND || st == SIGRUN_STATUS_BAD_ARGUMENT ? 2 : 1;
  }
  FILE* f = fopen(out, "wb");
  rc = 0;
  if (!f || fwrite(data, 1, size, f) != size) rc = 1;
  if (f && fclose(f)) rc = 1;
  if (rc)
    fprintf(stderr, "sigrun: convert: cannot write '%s'\n", out);
  else if (!quiet)
    fprintf(stderr, "sigrun convert: [%5.1fs] wrote %s (%zu bytes)\n", seconds_since(&ps.start), out, size);
  sigrun_convert_free(data);
  return rc;
}
