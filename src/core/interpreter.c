/*
 * interpreter.c — the mutable state over a model: options, the cache of one runner per signature key (as
 * LiteRT keeps one SignatureRunner per key), the placeholder runner, and the signature-key rules of
 * LiteRT's C API. The cache is guarded by a mutex so runners may be fetched from several threads.
 */
#include <stdio.h>

#include "call.h"
#include "cpu.h"
#include "runner.h"

void sigrun_interpreter_options_init(sigrun_interpreter_options* options) {
  if (!options) return;
  memset(options, 0, sizeof *options);
  options->num_threads = 1;
}

/* Every operator must have a kernel. The message names each distinct missing operator once (with where it
 * first appears and how often), so a model with many Flex ops of one kind still shows every kind. */
enum { SR_MAX_LISTED = 12 };

static int listed_index(const char* const* names, int n, const char* name) {
  for (int i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0) return i;
  return -1;
}

static sigrun_status check_supported(const sigrun_model* m, const sigrun_interpreter_options* options,
                                     sigrun_error* error) {
  const char* names[SR_MAX_LISTED];
  int first_sg[SR_MAX_LISTED], first_op[SR_MAX_LISTED], times[SR_MAX_LISTED], is_custom[SR_MAX_LISTED];
  int kinds = 0, missing = 0, flex = 0, custom = 0, unlisted = 0;
  for (int s = 0; s < m->n_subgraphs; s++) {
    const sr_subgraph* sg = &m->subgraphs[s];
    for (int i = 0; i < sg->n_operators; i++) {
      const sr_operator* op = &sg->operators[i];
      if (op->kind || sr_custom_find(options, op->custom_code)) continue;
      missing++;
      if (op->custom_code && strncmp(op->custom_code, "Flex", 4) == 0) flex++;
      else if (op->custom_code) custom++;
      int k = listed_index(names, kinds, op->name);
      if (k >= 0) {
        times[k]++;
      } else if (kinds < SR_MAX_LISTED) {
        names[kinds] = op->name;
        first_sg[kinds] = s;
        first_op[kinds] = i;
        times[kinds] = 1;
        is_custom[kinds++] = op->custom_code != NULL;
      } else {
        unlisted++;
      }
    }
  }
  if (!missing) return SIGRUN_STATUS_OK;
  char list[SIGRUN_ERROR_MESSAGE_SIZE];
  size_t used = 0;
  list[0] = '\0';
  for (int k = 0; k < kinds && used < sizeof list; k++) {
    char kind[32];
    if (is_custom[k]) snprintf(kind, sizeof kind, "custom op");
    else snprintf(kind, sizeof kind, "builtin code %d", m->subgraphs[first_sg[k]].operators[first_op[k]].builtin_code);
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s (%s) at subgraph %d operator %d%s", k ? "; " : "",
                             names[k], kind, first_sg[k], first_op[k], times[k] > 1 ? " and more" : "");
  }
  const char* advice = flex ? ". Flex ops are TensorFlow (Select TF ops) kernels, which sigrun does not embed: "
                              "convert with target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS], or set "
                              "allow_unsupported_ops to run the signatures that do not use them"
                       : custom ? ". Custom ops must be registered by the application "
                                  "(sigrun_interpreter_options.custom_ops in C, custom_ops= in Python)"
                                : ". sigrun has no kernel for these builtin operators yet";
  return sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "the model uses %d unsupported operator%s: %s%s%s", missing,
                 missing == 1 ? "" : "s", list, unlisted ? "; and other kinds" : "", advice);
}

sigrun_status sigrun_interpreter_create(const sigrun_model* model, const sigrun_interpreter_options* options,
                                        sigrun_interpreter** out_interpreter, sigrun_error* error) {
  if (!model) return sr_null_argument(error, "sigrun_interpreter_create", "model");
  if (!out_interpreter) return sr_null_argument(error, "sigrun_interpreter_create", "out_interpreter");
  *out_interpreter = NULL;
  sigrun_interpreter_options defaults;
  sigrun_interpreter_options_init(&defaults);
  if (!options) options = &defaults;
  sigrun_status st = sr_custom_check_options(options, error);
  if (st || (!options->allow_unsupported_ops && (st = check_supported(model, options, error)))) return st;
  sigrun_interpreter* in = sr_calloc(1, sizeof *in);
  if (!in) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  in->model = model;
  in->options = *options;
  if (in->options.num_threads < 1) in->options.num_threads = 1;
  if (in->options.num_threads > SR_MAX_THREADS) in->options.num_threads = SR_MAX_THREADS;
  in->isa = in->options.reference_kernels_only ? 0 : sr_cpu_isa();
  in->cached = sr_calloc((size_t)model->n_signatures + 1, sizeof(sigrun_runner*));
  if (!in->cached || pthread_mutex_init(&in->lock, NULL) != 0) {
    sr_free(in->cached);
    sr_free(in);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  atomic_init(&in->cancel_epoch, 0u);
  if (in->options.max_call_depth <= 0) in->options.max_call_depth = SR_MAX_CALL_DEPTH;
  if (in->options.max_while_iterations < 0) in->options.max_while_iterations = 0;
  if (pthread_mutex_init(&in->custom_lock, NULL) != 0) {
    pthread_mutex_destroy(&in->lock);
    sr_free(in->cached);
    sr_free(in);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  if ((st = sr_resources_init(&in->resources, model, error))) {
    pthread_mutex_destroy(&in->custom_lock);
    pthread_mutex_destroy(&in->lock);
    sr_free(in->cached);
    sr_free(in);
    return st;
  }
  /* Without worker threads (the system refused them) kernels run on the caller: slower, never wrong. */
  in->pool = in->options.num_threads > 1 ? sr_threadpool_create(in->options.num_threads) : NULL;
  *out_interpreter = in;
  return sr_ok(error);
}

void sigrun_interpreter_destroy(sigrun_interpreter* interpreter) {
  if (!interpreter) return;
  for (int i = 0; i < interpreter->model->n_signatures; i++) sr_runner_free(interpreter->cached[i]);
  sr_runner_free(interpreter->placeholder);
  sr_free(interpreter->cached);
  sr_resources_destroy(&interpreter->resources);
  sr_threadpool_destroy(interpreter->pool);
  pthread_mutex_destroy(&interpreter->lock);
  pthread_mutex_destroy(&interpreter->custom_lock);
  sr_free(interpreter);
}

const sigrun_model* sigrun_interpreter_model(const sigrun_interpreter* interpreter) {
  return interpreter ? interpreter->model : NULL;
}

/* Resolves a key to a signature index, or -1 for the placeholder, following LiteRT's C API. */
static sigrun_status resolve_key(const sigrun_model* m, const char* key, int* out, sigrun_error* error) {
  if (!key) {
    if (m->n_signatures == 0) {
      *out = -1;
      return SIGRUN_STATUS_OK;
    }
    for (int i = 0; i < m->n_signatures; i++)
      if (m->signatures[i].subgraph == 0) {
        *out = i;
        return SIGRUN_STATUS_OK;
      }
    return sr_fail(error, SIGRUN_STATUS_NOT_FOUND,
                   "no signature key given, and none of the model's %d signatures points to the primary subgraph",
                   m->n_signatures);
  }
  for (int i = 0; i < m->n_signatures; i++)
    if (strcmp(m->signatures[i].key, key) == 0) {
      *out = i;
      return SIGRUN_STATUS_OK;
    }
  char list[384];
  size_t used = 0;
  list[0] = '\0';
  for (int i = 0; i < m->n_signatures && used < sizeof list; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, i ? ", '%s'" : "'%s'", m->signatures[i].key);
  if (m->n_signatures == 0)
    return sr_fail(error, SIGRUN_STATUS_NOT_FOUND,
                   "signature '%s' not found: the model has no signatures (pass a NULL key for its placeholder runner)", key);
  return sr_fail(error, SIGRUN_STATUS_NOT_FOUND, "signature '%s' not found; the model's signatures are: %s", key, list);
}

static sigrun_status cached_runner(sigrun_interpreter* in, int sig, sigrun_runner** out, sigrun_error* error) {
  sigrun_runner** slot = sig >= 0 ? &in->cached[sig] : &in->placeholder;
  sigrun_status st = SIGRUN_STATUS_OK;
  pthread_mutex_lock(&in->lock);
  if (!*slot) {
    st = sr_runner_new(in, sig, slot, error);
    if (st == SIGRUN_STATUS_OK) (*slot)->impl.owned_by_interpreter = 1;
  }
  *out = *slot;
  pthread_mutex_unlock(&in->lock);
  return st ? st : sr_ok(error);
}

sigrun_status sigrun_interpreter_get_runner(sigrun_interpreter* interpreter, const char* signature_key,
                                            sigrun_runner** out_runner, sigrun_error* error) {
  if (!interpreter) return sr_null_argument(error, "sigrun_interpreter_get_runner", "interpreter");
  if (!out_runner) return sr_null_argument(error, "sigrun_interpreter_get_runner", "out_runner");
  *out_runner = NULL;
  int sig;
  sigrun_status st = resolve_key(interpreter->model, signature_key, &sig, error);
  if (st) return st;
  return cached_runner(interpreter, sig, out_runner, error);
}

sigrun_status sigrun_interpreter_get_primary_runner(sigrun_interpreter* interpreter, sigrun_runner** out_runner,
                                                    sigrun_error* error) {
  if (!interpreter) return sr_null_argument(error, "sigrun_interpreter_get_primary_runner", "interpreter");
  if (!out_runner) return sr_null_argument(error, "sigrun_interpreter_get_primary_runner", "out_runner");
  const sigrun_model* m = interpreter->model;
  int sig = -1;
  for (int i = 0; i < m->n_signatures && sig < 0; i++)
    if (m->signatures[i].subgraph == 0) sig = i;
  return cached_runner(interpreter, sig, out_runner, error);
}

sigrun_status sigrun_runner_create(sigrun_interpreter* interpreter, const char* signature_key, sigrun_runner** out_runner,
                                   sigrun_error* error) {
  if (!interpreter) return sr_null_argument(error, "sigrun_runner_create", "interpreter");
  if (!out_runner) return sr_null_argument(error, "sigrun_runner_create", "out_runner");
  *out_runner = NULL;
  int sig;
  sigrun_status st = resolve_key(interpreter->model, signature_key, &sig, error);
  if (st) return st;
  return sr_runner_new(interpreter, sig, out_runner, error);
}

void sigrun_runner_destroy(sigrun_runner* runner) {
  if (!runner || runner->impl.owned_by_interpreter) return;
  sr_runner_free(runner);
}

/* ---- shared state ---- */

static void reset_runner_variables(sigrun_interpreter* in) {
  for (int i = 0; i < in->model->n_signatures; i++) sr_runner_reset_variables(in->cached[i]);
  sr_runner_reset_variables(in->placeholder);
}

sigrun_status sigrun_interpreter_reset_variables(sigrun_interpreter* interpreter, sigrun_error* error) {
  if (!interpreter) return sr_null_argument(error, "sigrun_interpreter_reset_variables", "interpreter");
  pthread_mutex_lock(&interpreter->lock);
  reset_runner_variables(interpreter);
  pthread_mutex_unlock(&interpreter->lock);
  return sr_ok(error);
}

sigrun_status sigrun_interpreter_reset_state(sigrun_interpreter* interpreter, sigrun_error* error) {
  if (!interpreter) return sr_null_argument(error, "sigrun_interpreter_reset_state", "interpreter");
  pthread_rwlock_wrlock(&interpreter->resources.lock);
  sr_resources_reset(&interpreter->resources);
  pthread_mutex_lock(&interpreter->lock);
  reset_runner_variables(interpreter);
  pthread_mutex_unlock(&interpreter->lock);
  pthread_rwlock_unlock(&interpreter->resources.lock);
  return sr_ok(error);
}

sr_resources* sr_node_resources(sr_node* node) { return &node->runner->interpreter->resources; }

sigrun_status sigrun_interpreter_cancel(sigrun_interpreter* interpreter, sigrun_error* error) {
  if (!interpreter) return sr_null_argument(error, "sigrun_interpreter_cancel", "interpreter");
  atomic_fetch_add(&interpreter->cancel_epoch, 1u);
  return sr_ok(error);
}
