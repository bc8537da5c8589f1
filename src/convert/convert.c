/*
 * convert.c — sigrun_convert_saved_model: read the SavedModel, pick the signatures, import each into a subgraph
 * (twice when some variable turns out to be assigned: variables are frozen on the first walk, and a second walk
 * keeps the assigned ones as resource variables), report every unsupported op at once, fuse, quantize, write.
 */
#include <stdio.h>
#include <string.h>

#include "convert/convert_internal.h"
#include "convert/fuse.h"
#include "convert/import.h"
#include "convert/quantize.h"
#include "convert/tflite_write.h"
#include "sigrun.h"

void sigrun_convert_options_init(sigrun_convert_options* options) {
  if (!options) return;
  memset(options, 0, sizeof *options);
  options->weights = SIGRUN_CONVERT_FLOAT32;
}

void sigrun_convert_free(void* data) { sr_free(data); }

static void progress(const sigrun_convert_options* o, const char* stage, int done, int total) {
  if (o->progress) o->progress(o->progress_user, stage, done, total);
}

/* ---- which signatures ---- */

static int root_has_child(const sr_saved_model* sm, const char* name) {
  if (!sm->n_objects) return 0;
  for (size_t i = 0; i < sm->objects[0].n_children; i++)
    if (strcmp(sm->objects[0].children[i].local_name, name) == 0) return 1;
  return 0;
}

/* Fills keys (pointers into sm) with the signatures to convert, sorted by key as the subgraphs will be. */
static sigrun_status pick_signatures(const sr_saved_model* sm, const sigrun_convert_options* o,
                                     const sr_tf_signature** keys, int* n, sigrun_error* error) {
  *n = 0;
  if (o->n_signature_keys > 0) {
    for (size_t i = 0; i < sm->n_signatures; i++)
      for (int k = 0; k < o->n_signature_keys; k++)
        if (o->signature_keys[k] && strcmp(o->signature_keys[k], sm->signatures[i].key) == 0 &&
            strcmp(sm->signatures[i].key, SR_SAVED_MODEL_INIT_OP_KEY) != 0) {
          keys[(*n)++] = &sm->signatures[i];
          break;
        }
    for (int k = 0; k < o->n_signature_keys; k++) {
      const sr_tf_signature* s = o->signature_keys[k] ? sr_saved_model_signature(sm, o->signature_keys[k]) : NULL;
      if (s && strcmp(s->key, SR_SAVED_MODEL_INIT_OP_KEY) != 0) continue;
      char valid[384] = "";
      size_t len = 0;
      for (size_t i = 0; i < sm->n_signatures && len < sizeof valid - 1; i++) {
        if (strcmp(sm->signatures[i].key, SR_SAVED_MODEL_INIT_OP_KEY) == 0) continue;
        len += (size_t)snprintf(valid + len, sizeof valid - len, "%s%s", len ? "," : "", sm->signatures[i].key);
      }
      return sr_fail(error, SIGRUN_STATUS_NOT_FOUND, "Invalid signature key '%s' found. Valid keys are '%s'.",
                     o->signature_keys[k] ? o->signature_keys[k] : "(null)", valid);
    }
    return SIGRUN_STATUS_OK;
  }
  for (size_t i = 0; i < sm->n_signatures; i++)
    if (strcmp(sm->signatures[i].key, SR_SAVED_MODEL_INIT_OP_KEY) != 0) keys[(*n)++] = &sm->signatures[i];
  /* Keras' model.export() writes "serve" and a copy "serving_default"; LiteRT's converter keeps only the
   * latter when the root object has a "serve" endpoint and no "_default_save_signature". */
  const sr_tf_signature* def = sr_saved_model_signature(sm, "serving_default");
  if (*n > 1 && def && root_has_child(sm, "serve") && !root_has_child(sm, "_default_save_signature")) {
    keys[0] = def;
    *n = 1;
  }
  if (!*n) return sr_fail(error, SIGRUN_STATUS_NOT_FOUND, "the SavedModel has no signature to convert");
  return SIGRUN_STATUS_OK;
}

/* ---- the unsupported-op report ---- */

static char* problem_report(const sr_cv_ctx* c) {
  size_t cap = 256 + (size_t)c->n_problems * 160, len = 0;
  for (int i = 0; i < c->n_problems; i++) {
    const sr_cv_problem* p = &c->problems[i];
    cap += strlen(p->op) + strlen(p->node) + strlen(p->function) + (p->why ? strlen(p->why) : 0);
  }
  char* s = sr_malloc(cap);
  if (!s) return NULL;
  len += (size_t)snprintf(s, cap,
                          "%d TensorFlow op%s cannot be converted to LiteRT builtins (sigrun writes no TF Select / "
                          "Flex ops):",
                          c->n_problems, c->n_problems == 1 ? "" : "s");
  for (int i = 0; i < c->n_problems && len < cap; i++) {
    const sr_cv_problem* p = &c->problems[i];
    len += (size_t)snprintf(s + len, cap - len, "\n  tf.%s: node '%s' in function '%s'%s%s", p->op, p->node,
                            p->function, p->why ? ": " : "", p->why ? p->why : "");
  }
  return s;
}

static sigrun_status report_problems(const sr_cv_ctx* c, const sigrun_convert_options* o, sigrun_error* error) {
  char* text = problem_report(c);
  if (!text) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory while reporting unsupported ops");
  sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "%s", text);
  if (o->error_details)
    *o->error_details = text;
  else
    sr_free(text);
  return SIGRUN_STATUS_UNSUPPORTED;
}

/* Pseudo-operators a fusion did not absorb (Erf outside a GELU) are unsupported ops after all. */
static sigrun_status leftover_pseudo_ops(sr_cv_ctx* c) {
  for (int gi = 0; gi < c->m->n_graphs; gi++) {
    sr_cv_graph* g = &c->m->graphs[gi];
    for (int o = 0; o < g->n_ops; o++) {
      const sr_cv_op* op = &g->ops[o];
      if (op->dead || op->code < SR_CV_PSEUDO_ERF) continue;
      /* op->where is "node@function" */
      char node_name[512], fn[512];
      const char* at = strrchr(op->where, '@');
      snprintf(node_name, sizeof node_name, "%.*s", at ? (int)(at - op->where) : (int)strlen(op->where), op->where);
      snprintf(fn, sizeof fn, "%s", at ? at + 1 : "");
      sr_tf_node fake;
      memset(&fake, 0, sizeof fake);
      fake.op = op->code == SR_CV_PSEUDO_ERF ? "Erf" : "Erfc";
      fake.name = sr_pool_strdup(&c->m->pool, node_name);
      const char* saved = c->fn_name;
      c->fn_name = sr_pool_strdup(&c->m->pool, fn);
      if (!fake.name || !c->fn_name) return sr_cv_oom(c);
      sigrun_status st = sr_cv_unsupported(c, &fake, "outside a GELU pattern");
      c->fn_name = saved;
      if (st != SR_CV_RECORDED) return st;
    }
  }
  return SIGRUN_STATUS_OK;
}

/* ---- the pipeline ---- */

static void ctx_free(sr_cv_ctx* c) {
  for (int i = 0; i < c->n_vars; i++) sr_free((void*)c->vars[i].shared_name);
  sr_free(c->vars);
  sr_free(c->var_tensor);
  sr_free(c->problems);
}

/* One import of every chosen signature; *assigned tells whether some frozen variable is assigned. */
static sigrun_status import_all(sr_cv_ctx* c, const sr_tf_signature** keys, int n, const sigrun_convert_options* o,
                                int* assigned) {
  c->m->signatures = sr_pool_array(&c->m->pool, (size_t)n, sizeof *c->m->signatures);
  if (!c->m->signatures) return sr_cv_oom(c);
  for (int i = 0; i < n; i++) {
    progress(o, "import", i, n);
    sigrun_status st = sr_cv_import_signature(c, keys[i], n == 1 ? "main" : keys[i]->key, &c->m->signatures[i]);
    if (st) return st;
    c->m->n_signatures++;
  }
  progress(o, "import", n, n);
  *assigned = 0;
  for (int i = 0; i < c->n_vars; i++) *assigned |= c->vars[i].assigned && !c->vars[i].is_mutable;
  return SIGRUN_STATUS_OK;
}

static sigrun_status finish_model(sr_cv_ctx* c, int n, const sigrun_convert_options* o) {
  sigrun_status st = sr_cv_add_initializer(c, n);
  if (st) return st;
  for (int gi = 0; gi < n; gi++) {
    sr_cv_graph* g = &c->m->graphs[gi];
    for (int k = 0; k < g->n_ops; k++)
      if (g->ops[k].code == SR_BUILTIN_CALL_ONCE) g->ops[k].o.subgraph = n;
  }
  for (int gi = 0; gi < c->m->n_graphs; gi++) {
    progress(o, "optimize", gi, c->m->n_graphs);
    if ((st = sr_cv_fuse_graph(c->m, gi, c->error))) return st;
  }
  progress(o, "optimize", c->m->n_graphs, c->m->n_graphs);
  if ((st = leftover_pseudo_ops(c))) return st;
  if (c->n_problems) return SR_CV_RECORDED;
  for (int gi = 0; gi < c->m->n_graphs; gi++) sr_cv_remove_dead(&c->m->graphs[gi]);
  if (o->weights != SIGRUN_CONVERT_FLOAT32) {
    progress(o, "quantize", 0, 1);
    if ((st = sr_cv_quantize(c->m, o->weights == SIGRUN_CONVERT_FLOAT16 ? SR_CV_QUANT_FLOAT16 : SR_CV_QUANT_DYNAMIC_INT8,
                             c->error)))
      return st;
    progress(o, "quantize", 1, 1);
  }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_cv_convert_loaded(const sr_saved_model* sm, const sigrun_convert_options* o, uint8_t** out,
                                   size_t* size, sigrun_error* error) {
  const sr_tf_signature** keys = sr_malloc((sm->n_signatures + 1) * sizeof *keys);
  if (!keys) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  int n;
  sigrun_status st = pick_signatures(sm, o, keys, &n, error);
  sr_cv_ctx c;
  memset(&c, 0, sizeof c);
  c.sm = sm;
  c.error = error;
  sr_cv_model m;
  sr_cv_model_init(&m);
  c.m = &m;
  for (int pass = 0; !st && pass < 2; pass++) {
    int assigned = 0;
    st = import_all(&c, keys, n, o, &assigned);
    if (st || c.n_problems || !assigned) break;
    /* Some variable is assigned: it stays a resource variable everywhere. Start over with that known. */
    for (int i = 0; i < c.n_vars; i++) c.vars[i].is_mutable = c.vars[i].assigned;
    sr_cv_model_free(&m);
    sr_cv_model_init(&m);
    for (int i = 0; i < c.n_vars; i++) c.vars[i].data = NULL; /* they lived in the freed model's pool */
  }
  /* Even with problems already found, the passes run: an Erf a GELU fusion does not absorb is one more. */
  if (!st) st = finish_model(&c, n, o);
  if (st == SR_CV_RECORDED || (!st && c.n_problems)) st = report_problems(&c, o, error);
  if (!st) {
    progress(o, "write", 0, 1);
    st = sr_cv_write_tflite(&m, out, size, error);
    progress(o, "write", 1, 1);
  }
  sr_cv_model_free(&m);
  ctx_free(&c);
  sr_free(keys);
  return st;
}

sigrun_status sigrun_convert_saved_model(const char* saved_model_dir, const sigrun_convert_options* options,
                                         void** out_data, size_t* out_size, sigrun_error* error) {
  sigrun_convert_options defaults;
  sigrun_error local;
  if (!error) error = &local;
  if (!options) {
    sigrun_convert_options_init(&defaults);
    options = &defaults;
  }
  if (options->error_details) *options->error_details = NULL;
  if (!saved_model_dir)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_convert_saved_model: saved_model_dir is NULL");
  if (!out_data) return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_convert_saved_model: out_data is NULL");
  if (!out_size) return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_convert_saved_model: out_size is NULL");
  *out_data = NULL;
  *out_size = 0;
  if (options->n_signature_keys > 0 && !options->signature_keys)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "sigrun_convert_saved_model: signature_keys is NULL with "
                   "n_signature_keys %d", options->n_signature_keys);
  if (options->weights < SIGRUN_CONVERT_FLOAT32 || options->weights > SIGRUN_CONVERT_DYNAMIC_RANGE)
    return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "unknown weights option %d", (int)options->weights);
  progress(options, "read", 0, 1);
  sr_saved_model* sm;
  sigrun_status st = sr_saved_model_load(saved_model_dir, &sm, error);
  if (st) return st;
  progress(options, "read", 1, 1);
  uint8_t* bytes = NULL;
  size_t size = 0;
  st = sr_cv_convert_loaded(sm, options, &bytes, &size, error);
  sr_saved_model_destroy(sm);
  if (st) {
    if (options->error_details && !*options->error_details) {
      *options->error_details = sr_malloc(strlen(error->message) + 1);
      if (*options->error_details) memcpy(*options->error_details, error->message, strlen(error->message) + 1);
    }
    return st;
  }
  *out_data = bytes;
  *out_size = size;
  return sr_ok(error);
}
