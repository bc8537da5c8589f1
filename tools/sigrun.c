/*
 * sigrun.c — the `sigrun` command-line tool: `inspect` shows a model's signatures and subgraphs (text or
 * JSON), `run` feeds one signature from comma lists or .npy files and prints (and optionally saves) every
 * output. It uses only the public API in sigrun.h. Exit codes: 0 success, 1 the model failed to load or
 * run (or an output could not be written), 2 the command line is wrong (unknown option, signature or
 * input, missing input, unparsable value, unreadable .npy or wrong dtype).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"
#include "convert.h"
#include "npy.h"
#include "sigrun.h"

enum { EXIT_MODEL = 1, EXIT_USAGE = 2 };

#define MAX_RANK 8           /* sigrun's own limit; the API rejects larger shapes anyway */
#define SUMMARY_THRESHOLD 1000 /* like numpy: arrays larger than this print only their edges */
#define EDGE_ITEMS 3

static int fail(int code, const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int fail(int code, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("sigrun: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return code;
}

/* Library statuses that mean "the caller asked for something that does not exist / is invalid". */
static int exit_code_of(sigrun_status st) {
  return st == SIGRUN_STATUS_NOT_FOUND || st == SIGRUN_STATUS_BAD_ARGUMENT ? EXIT_USAGE : EXIT_MODEL;
}

/* ---- help ---- */

static const char* const MAIN_HELP =
    "usage: sigrun <command> [arguments]\n"
    "\n"
    "Commands:\n"
    "  inspect MODEL [--json]   show signatures, their inputs and outputs, subgraphs and operators\n"
    "  run MODEL [options]      run one signature and print its outputs\n"
    "  bench MODEL [options]    time load, first invoke and steady-state invokes; memory; --profile\n"
    "  convert DIR -o MODEL     convert a TensorFlow SavedModel to .tflite (no TensorFlow needed)\n"
    "  help [COMMAND]           show this help or a command's help\n"
    "\n"
    "Options:\n"
    "  -h, --help               show help\n"
    "  --version                print the version\n"
    "\n"
    "Exit codes: 0 success, 1 the model failed to load or run, 2 usage error.\n";

static const char* const INSPECT_HELP =
    "usage: sigrun inspect MODEL [--json]\n"
    "\n"
    "Prints the model's description, its signatures in file order (with the subgraph each runs and every\n"
    "input and output: name, dtype, shape, shape signature, tensor name and quantization), and each\n"
    "subgraph with its name and operator counts. A model without signatures shows the placeholder\n"
    "signature that `sigrun run` uses for it.\n"
    "\n"
    "  --json    print one JSON object instead of text\n";

static const char* const RUN_HELP =
    "usage: sigrun run MODEL [--signature KEY] --input NAME=VALUES ... [--output-dir DIR]\n"
    "\n"
    "Runs one signature and prints every output (name, dtype, shape, values; long arrays are elided\n"
    "like numpy does).\n"
    "\n"
    "  -s, --signature KEY   the signature to run. Default: the model's only signature, or the\n"
    "                        placeholder signature of a model without signatures.\n"
    "  -i, --input NAME=1,2,3\n"
    "                        a comma list converted to the input's dtype. If its length equals the\n"
    "                        input's current element count the input keeps its current shape;\n"
    "                        otherwise the input is resized to a 1-D array of that length.\n"
    "  -i, --input NAME=@FILE.npy\n"
    "                        a .npy file; its dtype must equal the input's and the input is resized\n"
    "                        to its shape.\n"
    "  -o, --output-dir DIR  also write each output to DIR/NAME.npy (characters other than letters,\n"
    "                        digits, '.', '-' and '_' become '_'); DIR is created if missing.\n"
    "\n"
    "Every input of the signature must be given. Booleans are true/false or 1/0.\n";

static int is_numeric_type(sigrun_type t) {
  char buf[8];
  uint64_t zero = 0;
  return sigrun_type_size(t) > 0 && sigrun_type_size(t) <= 8 && sr_npy_format_element(buf, sizeof buf, t, &zero, 0);
}

/* ---- printing arrays ---- */

typedef struct array_view {
  sigrun_type type;
  int rank;
  const int32_t* dims;
  const void* data;
  int summarize;
} array_view;

static void print_array_axis(FILE* f, const array_view* a, int axis, size_t offset) {
  char buf[64];
  size_t n = (size_t)a->dims[axis], stride = 1;
  for (int k = axis + 1; k < a->rank; k++) stride *= (size_t)a->dims[k];
  fputc('[', f);
  for (size_t i = 0; i < n; i++) {
    if (a->summarize && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
      fputs(axis == a->rank - 1 ? "..., " : "...,\n", f);
      if (axis < a->rank - 1) fprintf(f, "%*s", axis + 1, "");
      i = n - EDGE_ITEMS;
    }
    if (axis == a->rank - 1) {
      sr_npy_format_element(buf, sizeof buf, a->type, a->data, offset + i);
      fputs(buf, f);
    } else {
      print_array_axis(f, a, axis + 1, offset + i * stride);
    }
    if (i + 1 < n) {
      if (axis == a->rank - 1) {
        fputs(", ", f);
      } else {
        fputc(',', f);
        for (int k = axis; k < a->rank - 1; k++) fputc('\n', f);
        fprintf(f, "%*s", axis + 1, "");
      }
    }
  }
  fputc(']', f);
}

static void print_shape(FILE* f, int rank, const int32_t* dims) {
  fputc('(', f);
  for (int i = 0; i < rank; i++) fprintf(f, "%s%" PRId32, i ? ", " : "", dims[i]);
  fputs(rank == 1 ? ",)" : ")", f);
}

static void print_tensor_values(FILE* f, const sigrun_tensor* t) {
  array_view a = {sigrun_tensor_type(t), sigrun_tensor_rank(t), sigrun_tensor_dims(t),
                  sigrun_tensor_data_const(t), 0};
  size_t count = sigrun_tensor_element_count(t);
  char buf[64];
  if (!is_numeric_type(a.type)) {
    fprintf(f, "(%zu bytes of %s data, not shown)\n", sigrun_tensor_byte_size(t), sigrun_type_name(a.type));
  } else if (!a.data && count) {
    fputs("(no data)\n", f);
  } else if (a.rank == 0) {
    sr_npy_format_element(buf, sizeof buf, a.type, a.data, 0);
    fprintf(f, "%s\n", buf);
  } else {
    a.summarize = count > SUMMARY_THRESHOLD;
    print_array_axis(f, &a, 0, 0);
    fputc('\n', f);
  }
}

/* ---- JSON ---- */

/* Length of a valid UTF-8 sequence at s, or 0 if the bytes are not valid UTF-8. */
static int utf8_length(const unsigned char* s) {
  int n = s[0] < 0x80 ? 1 : (s[0] >> 5) == 0x6 ? 2 : (s[0] >> 4) == 0xe ? 3 : (s[0] >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || (n == 2 && s[0] < 0xc2) || (n == 4 && s[0] > 0xf4)) return 0;
  for (int i = 1; i < n; i++)
    if ((s[i] & 0xc0) != 0x80) return 0;
  if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))) return 0;
  if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))) return 0;
  return n;
}

static void json_string(FILE* f, const char* s) {
  const unsigned char* p = (const unsigned char*)(s ? s : "");
  fputc('"', f);
  while (*p) {
    int n = utf8_length(p);
    if (n == 0) {
      fputs("\\ufffd", f); /* invalid bytes would make the whole document invalid */
      p++;
    } else if (*p == '"' || *p == '\\') {
      fprintf(f, "\\%c", *p++);
    } else if (*p < 0x20) {
      const char* esc = *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : *p == '\r' ? "\\r" : NULL;
      if (esc) fputs(esc, f);
      else fprintf(f, "\\u%04x", *p);
      p++;
    } else {
      fwrite(p, 1, (size_t)n, f);
      p += n;
    }
  }
  fputc('"', f);
}

static void json_dims(FILE* f, int rank, const int32_t* dims) {
  fputc('[', f);
  for (int i = 0; i < rank; i++) fprintf(f, "%s%" PRId32, i ? ", " : "", dims[i]);
  fputc(']', f);
}

/* ---- inspect ---- */

typedef struct op_count {
  const char* name;
  int count;
} op_count;

static int op_count_cmp(const void* a, const void* b) {
  return strcmp(((const op_count*)a)->name, ((const op_count*)b)->name);
}

/* Operator names of subgraph s with their counts, sorted by name; NULL (with *n 0) if empty or OOM. */
static op_count* count_ops(const sigrun_model* m, int s, int* n_out) {
  int n_ops = sigrun_model_operator_count(m, s), n = 0;
  op_count* c = n_ops > 0 ? calloc((size_t)n_ops, sizeof *c) : NULL;
  for (int i = 0; c && i < n_ops; i++) {
    const char* name = sigrun_model_operator_name(m, s, i);
    if (!name) name = "?";
    int j = 0;
    while (j < n && strcmp(c[j].name, name) != 0) j++;
    if (j == n) c[n++].name = name;
    c[j].count++;
  }
  if (c) qsort(c, (size_t)n, sizeof *c, op_count_cmp);
  *n_out = n;
  return c;
}

static void text_tensor(FILE* f, const char* role, const char* name, const sigrun_tensor* t) {
  fprintf(f, "    %s %s: %s ", role, name, sigrun_type_name(sigrun_tensor_type(t)));
  print_shape(f, sigrun_tensor_rank(t), sigrun_tensor_dims(t));
  fputs(" signature ", f);
  print_shape(f, sigrun_tensor_signature_rank(t), sigrun_tensor_signature_dims(t));
  fprintf(f, " tensor %d \"%s\"\n", sigrun_tensor_index(t), sigrun_tensor_name(t));
  sigrun_quantization q = sigrun_tensor_quantization(t);
  if (q.count <= 0) return;
  char buf[48];
  int shown = q.count > 8 ? 8 : q.count;
  fputs("      quantization: scale", f);
  for (int i = 0; i < shown; i++) {
    sr_npy_format_element(buf, sizeof buf, SIGRUN_TYPE_FLOAT32, q.scales, (size_t)i);
    fprintf(f, "%s%s", i ? ", " : " ", buf);
  }
  fputs(q.count > shown ? ", ... zero_point" : " zero_point", f);
  for (int i = 0; i < shown; i++) fprintf(f, "%s%" PRId64, i ? ", " : " ", q.zero_points[i]);
  if (q.count > shown) fprintf(f, ", ... (%d channels)", q.count);
  if (q.count > 1) fprintf(f, " axis %d", q.quantized_dimension);
  fputc('\n', f);
}

static void json_tensor(FILE* f, const char* name, const sigrun_tensor* t) {
  fputs("{\"name\": ", f);
  json_string(f, name);
  fputs(", \"tensor\": ", f);
  json_string(f, sigrun_tensor_name(t));
  fprintf(f, ", \"index\": %d, \"dtype\": \"%s\", \"shape\": ", sigrun_tensor_index(t),
          sigrun_type_name(sigrun_tensor_type(t)));
  json_dims(f, sigrun_tensor_rank(t), sigrun_tensor_dims(t));
  fputs(", \"shape_signature\": ", f);
  json_dims(f, sigrun_tensor_signature_rank(t), sigrun_tensor_signature_dims(t));
  sigrun_quantization q = sigrun_tensor_quantization(t);
  if (q.count > 0) {
    fputs(", \"quantization\": {\"scales\": [", f);
    for (int i = 0; i < q.count; i++) {
      if (isfinite(q.scales[i])) fprintf(f, "%s%.9g", i ? ", " : "", (double)q.scales[i]);
      else fprintf(f, "%snull", i ? ", " : "");
    }
    fputs("], \"zero_points\": [", f);
    for (int i = 0; i < q.count; i++) fprintf(f, "%s%" PRId64, i ? ", " : "", q.zero_points[i]);
    fprintf(f, "], \"quantized_dimension\": %d}", q.quantized_dimension);
  }
  fputc('}', f);
}

/* One signature (or the placeholder when key is NULL). Returns 0, or 1 if its runner failed. */
static int inspect_signature(FILE* f, sigrun_interpreter* in, const char* key, int json) {
  sigrun_runner* r;
  sigrun_error e;
  sigrun_status st = sigrun_interpreter_get_runner(in, key, &r, &e);
  if (json) {
    fputs("{\"key\": ", f);
    json_string(f, key ? key : "<placeholder signature>");
  } else {
    fprintf(f, "  %s", key ? key : "(no signatures; `sigrun run` uses the placeholder signature)");
  }
  if (st != SIGRUN_STATUS_OK) {
    if (json) {
      fputs(", \"error\": ", f);
      json_string(f, e.message);
      fputc('}', f);
    } else {
      fprintf(f, "\n    error: %s\n", e.message);
    }
    return 1;
  }
  if (json) fprintf(f, ", \"subgraph\": %d", sigrun_runner_subgraph_index(r));
  else fprintf(f, " -> subgraph %d\n", sigrun_runner_subgraph_index(r));
  for (int io = 0; io < 2; io++) {
    int n = io ? sigrun_runner_output_count(r) : sigrun_runner_input_count(r);
    if (json) fprintf(f, ", \"%s\": [", io ? "outputs" : "inputs");
    for (int i = 0; i < n; i++) {
      const char* name = io ? sigrun_runner_output_name(r, i) : sigrun_runner_input_name(r, i);
      const sigrun_tensor* t = io ? sigrun_runner_output_at(r, i) : sigrun_runner_input_at(r, i);
      if (!t) continue;
      if (json) {
        if (i) fputs(", ", f);
        json_tensor(f, name, t);
      } else {
        text_tensor(f, io ? "output" : "input ", name, t);
      }
    }
    if (json) fputc(']', f);
  }
  if (json) fputc('}', f);
  return 0;
}

static void inspect_subgraphs(FILE* f, const sigrun_model* m, int json) {
  int n_sub = sigrun_model_subgraph_count(m);
  if (!json) fprintf(f, "subgraphs: %d\n", n_sub);
  for (int s = 0; s < n_sub; s++) {
    int n = 0;
    op_count* c = count_ops(m, s, &n);
    const char* name = sigrun_model_subgraph_name(m, s);
    if (json) {
      fprintf(f, "%s{\"index\": %d, \"name\": ", s ? ", " : "", s);
      json_string(f, name);
      fprintf(f, ", \"operator_count\": %d, \"operators\": {", sigrun_model_operator_count(m, s));
      for (int i = 0; i < n; i++) {
        if (i) fputs(", ", f);
        json_string(f, c[i].name);
        fprintf(f, ": %d", c[i].count);
      }
      fputs("}}", f);
    } else {
      fprintf(f, "  %d \"%s\": %d operators\n", s, name ? name : "", sigrun_model_operator_count(m, s));
      for (int i = 0; i < n; i++) fprintf(f, "    %-24s %d\n", c[i].name, c[i].count);
    }
    free(c);
  }
}

static int inspect_model(const char* path, const sigrun_model* m, sigrun_interpreter* in, int json) {
  FILE* f = stdout;
  int n_sig = sigrun_model_signature_count(m), failed = 0;
  if (json) {
    fputs("{\"model\": ", f);
    json_string(f, path);
    fputs(", \"description\": ", f);
    json_string(f, sigrun_model_description(m));
    fputs(", \"signatures\": [", f);
  } else {
    fprintf(f, "model: %s\ndescription: %s\nsignatures: %d\n", path, sigrun_model_description(m), n_sig);
  }
  for (int i = 0; i < n_sig; i++) {
    if (json && i) fputs(", ", f);
    failed |= inspect_signature(f, in, sigrun_model_signature_key(m, i), json);
  }
  if (json) fputs("], \"placeholder\": ", f);
  if (n_sig == 0 && sigrun_model_subgraph_count(m) > 0) failed |= inspect_signature(f, in, NULL, json);
  else if (json) fputs("null", f);
  if (json) fputs(", \"subgraphs\": [", f);
  inspect_subgraphs(f, m, json);
  if (json) fputs("]}\n", f);
  return failed ? EXIT_MODEL : 0;
}

/* ---- model loading shared by the commands ---- */

static int open_model(const char* path, sigrun_model** m, sigrun_interpreter** in) {
  sigrun_error e;
  *m = NULL;
  *in = NULL;
  if (sigrun_model_load_file(path, m, &e) == SIGRUN_STATUS_OK) {
    if (sigrun_interpreter_create(*m, NULL, in, &e) == SIGRUN_STATUS_OK) return 0;
    sigrun_model_destroy(*m);
    *m = NULL;
  }
  /* The loader's messages usually name the file already. */
  if (strstr(e.message, path)) return fail(EXIT_MODEL, "%s", e.message);
  return fail(EXIT_MODEL, "%s: %s", path, e.message);
}

static int is_help(const char* a) { return !strcmp(a, "-h") || !strcmp(a, "--help"); }

static int cmd_inspect(int argc, char** argv) {
  const char* path = NULL;
  int json = 0;
  for (int i = 0; i < argc; i++) {
    if (is_help(argv[i])) return fputs(INSPECT_HELP, stdout), 0;
    if (!strcmp(argv[i], "--json")) json = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return fail(EXIT_USAGE, "inspect: unknown option '%s'", argv[i]);
    else if (path) return fail(EXIT_USAGE, "inspect: unexpected argument '%s'", argv[i]);
    else path = argv[i];
  }
  if (!path) return fail(EXIT_USAGE, "inspect: missing MODEL (see `sigrun inspect --help`)");
  sigrun_model* m;
  sigrun_interpreter* in;
  int rc = open_model(path, &m, &in);
  if (rc) return rc;
  rc = inspect_model(path, m, in, json);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
  return rc;
}

/* ---- run ---- */

typedef struct run_input {
  const char* name;
  const char* value; /* "1,2,3" or "@file.npy" */
  sigrun_type type;
  int rank; /* -1: keep the input's current shape */
  int32_t dims[MAX_RANK];
  void* data;
  size_t bytes;
} run_input;

typedef struct run_args {
  const char* model;
  const char* key;
  const char* output_dir;
  int n_inputs;
  run_input* inputs;
} run_args;

static int parse_run_args(int argc, char** argv, run_args* a) {
  a->inputs = calloc((size_t)argc + 1, sizeof *a->inputs);
  if (!a->inputs) return fail(EXIT_MODEL, "out of memory");
  for (int i = 0; i < argc; i++) {
    const char* arg = argv[i];
    if (is_help(arg)) return fputs(RUN_HELP, stdout), -1;
    const char** slot = NULL;
    if (!strcmp(arg, "-s") || !strcmp(arg, "--signature")) slot = &a->key;
    else if (!strcmp(arg, "-o") || !strcmp(arg, "--output-dir")) slot = &a->output_dir;
    int is_input = !strcmp(arg, "-i") || !strcmp(arg, "--input");
    if (slot || is_input) {
      if (i + 1 >= argc) return fail(EXIT_USAGE, "run: %s needs a value", arg);
      char* v = argv[++i];
      if (slot) {
        *slot = v;
        continue;
      }
      char* eq = strchr(v, '=');
      if (!eq || eq == v) return fail(EXIT_USAGE, "run: --input expects NAME=VALUES or NAME=@FILE.npy, got '%s'", v);
      run_input* ri = &a->inputs[a->n_inputs++];
      ri->name = v;
      *eq = '\0'; /* argv strings are writable */
      ri->value = eq + 1;
      for (int k = 0; k < a->n_inputs - 1; k++)
        if (!strcmp(a->inputs[k].name, ri->name)) return fail(EXIT_USAGE, "run: input '%s' is given twice", ri->name);
    } else if (arg[0] == '-' && arg[1]) {
      return fail(EXIT_USAGE, "run: unknown option '%s' (see `sigrun run --help`)", arg);
    } else if (a->model) {
      return fail(EXIT_USAGE, "run: unexpected argument '%s'", arg);
    } else {
      a->model = arg;
    }
  }
  if (!a->model) return fail(EXIT_USAGE, "run: missing MODEL (see `sigrun run --help`)");
  return 0;
}

static int load_npy_input(run_input* ri) {
  sr_npy_array arr;
  char err[SR_NPY_ERROR_SIZE];
  if (sr_npy_read_file(ri->value + 1, &arr, err, sizeof err))
    return fail(EXIT_USAGE, "input '%s': %s", ri->name, err);
  int rc = 0;
  if (arr.type != ri->type) {
    rc = fail(EXIT_USAGE, "input '%s' is %s but %s holds %s", ri->name, sigrun_type_name(ri->type), ri->value + 1,
              sigrun_type_name(arr.type));
  } else if (arr.rank > MAX_RANK) {
    rc = fail(EXIT_USAGE, "input '%s': %s has rank %d; sigrun supports at most %d", ri->name, ri->value + 1,
              arr.rank, MAX_RANK);
  }
  for (int k = 0; !rc && k < arr.rank; k++) {
    if (arr.dims[k] > INT32_MAX)
      rc = fail(EXIT_USAGE, "input '%s': dimension %d of %s is too large", ri->name, k, ri->value + 1);
    ri->dims[k] = (int32_t)arr.dims[k];
  }
  ri->rank = arr.rank;
  ri->data = arr.data;
  ri->bytes = arr.bytes;
  return rc;
}

static int parse_list_input(run_input* ri, const sigrun_tensor* t) {
  size_t n = 1, len = strlen(ri->value);
  for (const char* p = ri->value; *p; p++) n += *p == ',';
  if (len == 0) n = 0;
  size_t elem = sigrun_type_size(ri->type);
  ri->data = malloc(n * elem + 1);
  char* copy = malloc(len + 1);
  if (!ri->data || !copy) return free(copy), fail(EXIT_MODEL, "out of memory");
  memcpy(copy, ri->value, len + 1);
  char* tok = copy;
  for (size_t i = 0; i < n; i++) {
    char* comma = strchr(tok, ',');
    if (comma) *comma = '\0';
    while (*tok == ' ') tok++;
    for (char* e = tok + strlen(tok); e > tok && e[-1] == ' '; e--) e[-1] = '\0';
    if (sr_npy_parse_element(tok, ri->type, ri->data, i)) {
      int rc = fail(EXIT_USAGE, "input '%s': value %zu ('%s') is not a valid %s", ri->name, i + 1, tok,
                    sigrun_type_name(ri->type));
      free(copy);
      return rc;
    }
    tok = comma ? comma + 1 : tok;
  }
  free(copy);
  ri->bytes = n * elem;
  ri->rank = 1;
  ri->dims[0] = (int32_t)(n > INT32_MAX ? INT32_MAX : n);
  if (n == sigrun_tensor_element_count(t)) ri->rank = -1; /* keep the current shape */
  return 0;
}

/* Checks names (unknown, missing), then loads every value with the input's dtype. */
static int load_inputs(sigrun_runner* r, run_args* a) {
  int n = sigrun_runner_input_count(r), missing = 0;
  for (int i = 0; i < a->n_inputs; i++) {
    sigrun_tensor* t;
    sigrun_error e;
    if (sigrun_runner_input(r, a->inputs[i].name, &t, &e) != SIGRUN_STATUS_OK) {
      fprintf(stderr, "sigrun: unknown input '%s' for signature '%s'; inputs:", a->inputs[i].name,
              sigrun_runner_signature_key(r));
      for (int k = 0; k < n; k++) fprintf(stderr, " %s", sigrun_runner_input_name(r, k));
      fputc('\n', stderr);
      return EXIT_USAGE;
    }
  }
  for (int k = 0; k < n; k++) {
    const char* name = sigrun_runner_input_name(r, k);
    int given = 0;
    for (int i = 0; i < a->n_inputs; i++) given |= !strcmp(a->inputs[i].name, name);
    if (!given) fprintf(stderr, "%s%s", missing++ ? ", " : "sigrun: missing inputs (use --input NAME=...): ", name);
  }
  if (missing) return fputc('\n', stderr), EXIT_USAGE;
  for (int i = 0; i < a->n_inputs; i++) {
    run_input* ri = &a->inputs[i];
    sigrun_tensor* t;
    sigrun_runner_input(r, ri->name, &t, NULL);
    ri->type = sigrun_tensor_type(t);
    if (!is_numeric_type(ri->type))
      return fail(EXIT_USAGE, "input '%s' has type %s, which `sigrun run` cannot fill", ri->name,
                  sigrun_type_name(ri->type));
    int rc = ri->value[0] == '@' ? load_npy_input(ri) : parse_list_input(ri, t);
    if (rc) return rc;
  }
  return 0;
}

static int feed_and_invoke(sigrun_runner* r, run_args* a) {
  sigrun_error e;
  for (int i = 0; i < a->n_inputs; i++) {
    run_input* ri = &a->inputs[i];
    if (ri->rank >= 0 && sigrun_runner_resize_input(r, ri->name, ri->dims, ri->rank, &e) != SIGRUN_STATUS_OK)
      return fail(exit_code_of(e.status), "input '%s': %s", ri->name, e.message);
  }
  if (sigrun_runner_allocate(r, &e) != SIGRUN_STATUS_OK)
    return fail(EXIT_MODEL, "preparing signature '%s' for the given input shapes: %s", sigrun_runner_signature_key(r),
                e.message);
  for (int i = 0; i < a->n_inputs; i++) {
    run_input* ri = &a->inputs[i];
    if (sigrun_runner_set_input(r, ri->name, ri->data, ri->bytes, &e) != SIGRUN_STATUS_OK)
      return fail(EXIT_USAGE, "input '%s': %s", ri->name, e.message);
  }
  if (sigrun_runner_invoke(r, &e) != SIGRUN_STATUS_OK)
    return fail(EXIT_MODEL, "running signature '%s': %s", sigrun_runner_signature_key(r), e.message);
  return 0;
}

/* NAME -> a safe file name; a "_<n>" suffix keeps names that sanitize alike apart. names[0..index) are
 * the files of the earlier outputs. */
static void output_file_name(char* out, size_t size, const char* name, char (*names)[256], int index) {
  char base[200];
  size_t n = 0;
  for (const char* p = name; *p && n + 1 < sizeof base; p++) {
    char c = *p;
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
             (c == '.' && n > 0);
    base[n++] = ok ? c : '_';
  }
  base[n] = '\0';
  if (n == 0) snprintf(base, sizeof base, "_");
  snprintf(out, size, "%s.npy", base);
  for (int suffix = 2, k = 0; k < index; k++) {
    if (strcmp(names[k], out) == 0) {
      snprintf(out, size, "%s_%d.npy", base, suffix++);
      k = -1; /* recheck the new name against every earlier file */
    }
  }
}

static int write_output(const char* dir, const char* file, const char* name, const sigrun_tensor* t) {
  char path[4096], err[SR_NPY_ERROR_SIZE];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
    return fail(EXIT_MODEL, "output directory path too long");
  int64_t dims[MAX_RANK];
  int rank = sigrun_tensor_rank(t);
  for (int k = 0; k < rank && k < MAX_RANK; k++) dims[k] = sigrun_tensor_dims(t)[k];
  if (sr_npy_write_file(path, sigrun_tensor_type(t), rank, dims, sigrun_tensor_data_const(t),
                        sigrun_tensor_byte_size(t), err, sizeof err))
    return fail(EXIT_MODEL, "output '%s': %s", name, err);
  return 0;
}

static int print_outputs(sigrun_runner* r, const char* dir) {
  if (dir && mkdir(dir, 0777) != 0 && errno != EEXIST)
    return fail(EXIT_MODEL, "cannot create output directory %s: %s", dir, strerror(errno));
  int n = sigrun_runner_output_count(r), rc = 0;
  char (*files)[256] = dir && n > 0 ? calloc((size_t)n, sizeof *files) : NULL;
  if (dir && n > 0 && !files) return fail(EXIT_MODEL, "out of memory");
  for (int i = 0; i < n; i++) {
    const char* name = sigrun_runner_output_name(r, i);
    const sigrun_tensor* t = sigrun_runner_output_at(r, i);
    if (!t) continue;
    printf("%s: %s ", name, sigrun_type_name(sigrun_tensor_type(t)));
    print_shape(stdout, sigrun_tensor_rank(t), sigrun_tensor_dims(t));
    putchar('\n');
    print_tensor_values(stdout, t);
    if (!files || rc) continue;
    output_file_name(files[i], sizeof files[i], name, files, i);
    rc = write_output(dir, files[i], name, t);
  }
  free(files);
  return rc;
}

static int choose_key(const sigrun_model* m, const char* requested, const char** key) {
  int n = sigrun_model_signature_count(m);
  *key = requested;
  if (requested || n == 0) return 0;
  if (n == 1) {
    *key = sigrun_model_signature_key(m, 0);
    return 0;
  }
  fprintf(stderr, "sigrun: the model has %d signatures; choose one with --signature:", n);
  for (int i = 0; i < n; i++) fprintf(stderr, " %s", sigrun_model_signature_key(m, i));
  fputc('\n', stderr);
  return EXIT_USAGE;
}

static int cmd_run(int argc, char** argv) {
  run_args a;
  memset(&a, 0, sizeof a);
  int rc = parse_run_args(argc, argv, &a);
  sigrun_model* m = NULL;
  sigrun_interpreter* in = NULL;
  sigrun_runner* r = NULL;
  const char* key = NULL;
  sigrun_error e;
  if (rc == 0) rc = open_model(a.model, &m, &in);
  if (rc == 0) rc = choose_key(m, a.key, &key);
  if (rc == 0 && sigrun_interpreter_get_runner(in, key, &r, &e) != SIGRUN_STATUS_OK)
    rc = fail(exit_code_of(e.status), "%s", e.message);
  if (rc == 0) rc = load_inputs(r, &a);
  if (rc == 0) rc = feed_and_invoke(r, &a);
  if (rc == 0) rc = print_outputs(r, a.output_dir);
  for (int i = 0; i < a.n_inputs; i++) free(a.inputs[i].data);
  free(a.inputs);
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
  return rc < 0 ? 0 : rc; /* -1: help was printed */
}

int main(int argc, char** argv) {
  if (argc < 2) return fputs(MAIN_HELP, stderr), EXIT_USAGE;
  const char* cmd = argv[1];
  if (is_help(cmd)) return fputs(MAIN_HELP, stdout), 0;
  if (!strcmp(cmd, "--version")) return printf("sigrun %s\n", sigrun_version()), 0;
  if (!strcmp(cmd, "help")) {
    if (argc < 3) return fputs(MAIN_HELP, stdout), 0;
    if (!strcmp(argv[2], "inspect")) return fputs(INSPECT_HELP, stdout), 0;
    if (!strcmp(argv[2], "run")) return fputs(RUN_HELP, stdout), 0;
    if (!strcmp(argv[2], "bench")) return fputs(SR_BENCH_HELP, stdout), 0;
    if (!strcmp(argv[2], "convert")) return fputs(SR_CONVERT_HELP, stdout), 0;
    return fail(EXIT_USAGE, "help: unknown command '%s' (commands: inspect, run, bench, convert)", argv[2]);
  }
  if (!strcmp(cmd, "inspect")) return cmd_inspect(argc - 2, argv + 2);
  if (!strcmp(cmd, "run")) return cmd_run(argc - 2, argv + 2);
  if (!strcmp(cmd, "bench")) return sr_bench_main(argc - 2, argv + 2);
  if (!strcmp(cmd, "convert")) return sr_convert_main(argc - 2, argv + 2);
  return fail(EXIT_USAGE, "unknown command '%s' (commands: inspect, run, bench, convert, help; see `sigrun --help`)",
              cmd);
}
