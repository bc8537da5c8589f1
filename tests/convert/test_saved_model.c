/*
 * test_saved_model.c — the SavedModel reader against TensorFlow's own view of five real SavedModels
 * (tests/data/saved_models/NAME, written with NAME.expected.txt by tests/convert/make_saved_models.py):
 * signatures and TensorInfos, the values TF's loader bound to every signature capture, every checkpoint tensor,
 * the object-graph variable keys, Const tensors, "node:out_arg:K" resolution (TF's function_def_to_graph is the
 * oracle) and stripped attribute defaults. Plus load errors on missing and non-SavedModel inputs.
 */
#include <errno.h>
#include <stdlib.h>

#include "convert/saved_model.h"
#include "harness.h"

#define MODELS_DIR "tests/data/saved_models/"

typedef struct line {
  char** tok; /* grown as needed: a checkpoint line holds one token per element */
  int n, cap;
} line;

static int split_line(char* text, line* l) {
  l->n = 0;
  for (char* save = NULL, *t = strtok_r(text, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
    if (l->n == l->cap) {
      l->cap = l->cap ? 2 * l->cap : 1024;
      l->tok = realloc(l->tok, (size_t)l->cap * sizeof *l->tok);
    }
    l->tok[l->n++] = t;
  }
  return l->n;
}

static int parse_shape(const char* text, int64_t* dims, size_t* rank, int* unknown) {
  *rank = 0;
  *unknown = strcmp(text, "?") == 0;
  if (*unknown) return 1;
  if (text[0] != '[') return 0;
  const char* p = text + 1;
  while (*p && *p != ']') {
    char* end;
    dims[(*rank)++] = strtoll(p, &end, 10);
    p = *end == ',' ? end + 1 : end;
  }
  return 1;
}

static int shape_equal(const sr_tf_shape* s, const char* text) {
  int64_t dims[16];
  size_t rank;
  int unknown;
  if (!parse_shape(text, dims, &rank, &unknown)) return 0;
  if (unknown) return s->unknown_rank;
  if (s->unknown_rank || s->rank != rank) return 0;
  for (size_t i = 0; i < rank; i++)
    if (s->dims[i] != dims[i]) return 0;
  return 1;
}

static int hex_equal(const char* hex, const char* data, size_t size) {
  if (strcmp(hex, "-") == 0) return size == 0;
  if (strlen(hex) != 2 * size) return 0;
  for (size_t i = 0; i < size; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1 || (unsigned char)data[i] != v) return 0;
  }
  return 1;
}

/* Compares dense little-endian elements with the value tokens tok[0..n). */
static int values_equal(int32_t dtype, const uint8_t* data, size_t count, char** tok, int n) {
  if ((size_t)n != count) return 0;
  for (size_t i = 0; i < count; i++) {
    const uint8_t* p = data + i * sr_tf_dtype_size(dtype);
    switch (dtype) {
      case SR_TF_FLOAT: {
        float v;
        memcpy(&v, p, 4);
        if (v != (float)strtod(tok[i], NULL)) return 0;
        break;
      }
      case SR_TF_DOUBLE: {
        double v;
        memcpy(&v, p, 8);
        if (v != strtod(tok[i], NULL)) return 0;
        break;
      }
      case SR_TF_INT32: {
        int32_t v;
        memcpy(&v, p, 4);
        if (v != (int32_t)strtoll(tok[i], NULL, 10)) return 0;
        break;
      }
      case SR_TF_INT64: {
        int64_t v;
        memcpy(&v, p, 8);
        if (v != strtoll(tok[i], NULL, 10)) return 0;
        break;
      }
      case SR_TF_BOOL:
      case SR_TF_UINT8:
        if (p[0] != (uint8_t)strtol(tok[i], NULL, 10)) return 0;
        break;
      default:
        fprintf(stderr, "values_equal: dtype %d not handled by the test\n", (int)dtype);
        return 0;
    }
  }
  return 1;
}

/* A dense tensor (TensorProto) equals dtype/shape/values tokens; strings compare as hex. */
static int tensor_equal(const sr_tf_tensor* t, char** tok, int n) {
  if (t->dtype != atoi(tok[0]) || !shape_equal(&t->shape, tok[1])) return 0;
  if (t->dtype == SR_TF_STRING) {
    if ((size_t)(n - 2) != t->num_elements) return 0;
    for (size_t i = 0; i < t->num_elements; i++) {
      const sr_tf_bytes* s = &t->string_val[i < t->n_string_val ? i : t->n_string_val - 1];
      if (!hex_equal(tok[2 + i], s->data, s->size)) return 0;
    }
    return 1;
  }
  size_t nbytes;
  sigrun_error e;
  if (sr_tf_tensor_nbytes(t, &nbytes, &e) != SIGRUN_STATUS_OK) return 0;
  uint8_t* buf = malloc(nbytes + 1);
  int ok = buf && sr_tf_tensor_read(t, buf, nbytes, &e) == SIGRUN_STATUS_OK &&
           values_equal(t->dtype, buf, t->num_elements, tok + 2, n - 2);
  free(buf);
  return ok;
}

static const sr_tf_node* function_node(const sr_saved_model* m, const char* function, const char* node) {
  const sr_tf_function* f = sr_saved_model_function(m, function);
  return f ? sr_tf_nodes_find(&f->node_def, node) : NULL;
}

/* ---- record checks ---- */

static void check_count(const sr_saved_model* m, line* l) {
  size_t want = (size_t)atol(l->tok[2]);
  if (strcmp(l->tok[1], "objects") == 0) CHECK(m->n_objects == want);
  if (strcmp(l->tok[1], "graph_nodes") == 0) CHECK(m->graph.count == want);
  if (strcmp(l->tok[1], "functions") == 0) CHECK(m->n_functions == want);
}

static void check_signature(const sr_saved_model* m, line* l, size_t* n_signatures) {
  const sr_tf_signature* s = sr_saved_model_signature(m, l->tok[1]);
  CHECK(s != NULL);
  if (!s) return;
  (*n_signatures)++;
  CHECK(strcmp(s->method_name, strcmp(l->tok[2], "-") ? l->tok[2] : "") == 0);
  if (strcmp(s->key, SR_SAVED_MODEL_INIT_OP_KEY) == 0) {
    CHECK(s->call == NULL && s->unbound_reason != NULL);
  } else {
    CHECK(s->call != NULL);
    if (!s->call) fprintf(stderr, "signature %s unbound: %s\n", s->key, s->unbound_reason);
  }
}

static void check_tensor_info(const sr_saved_model* m, line* l, size_t* n_infos) {
  const sr_tf_signature* s = sr_saved_model_signature(m, l->tok[1]);
  if (!s) return;
  int is_input = strcmp(l->tok[0], "input") == 0;
  const sr_tf_tensor_info* items = is_input ? s->inputs : s->outputs;
  size_t n = is_input ? s->n_inputs : s->n_outputs;
  const sr_tf_tensor_info* t = NULL;
  for (size_t i = 0; i < n; i++)
    if (strcmp(items[i].key, l->tok[2]) == 0) t = &items[i];
  CHECK(t != NULL);
  if (!t) return;
  (*n_infos)++;
  CHECK(t->encoding == SR_TF_TENSOR_INFO_NAME);
  CHECK(strcmp(t->name, l->tok[3]) == 0);
  CHECK(t->dtype == atoi(l->tok[4]));
  CHECK(shape_equal(&t->shape, l->tok[5]));
  /* Entries are sorted by key, and an output's call index is the K of its TensorInfo name. */
  CHECK(t == items || strcmp(t[-1].key, t->key) < 0);
  if (!is_input && s->call) {
    const char* colon = strrchr(t->name, ':');
    CHECK(colon && s->call->output_index[t - s->outputs] == (size_t)atol(colon + 1));
    CHECK(strncmp(t->name, s->call->node->name, (size_t)(colon - t->name)) == 0);
  }
  if (is_input && s->call) {
    int fed = 0;
    for (size_t i = 0; i < s->call->n_args; i++)
      fed += s->call->args[i].kind == SR_SAVED_CALL_ARG_INPUT && s->call->args[i].input == t;
    CHECK(fed == 1);
  }
}

/* capture SIG INDEX KIND DTYPE SHAPE VALUES...: the INDEX-th captured argument of the call. */
static void check_capture(const sr_saved_model* m, line* l) {
  const sr_tf_signature* s = sr_saved_model_signature(m, l->tok[1]);
  if (!s || !s->call) return;
  size_t index = (size_t)atol(l->tok[2]), seen = 0;
  const sr_saved_call_arg* a = NULL;
  for (size_t i = 0; i < s->call->n_args; i++) {
    if (s->call->args[i].kind != SR_SAVED_CALL_ARG_CAPTURE) continue;
    if (seen++ == index) a = &s->call->args[i];
  }
  CHECK(a != NULL && a->object_id >= 0);
  if (!a || a->object_id < 0) return;
  const sr_saved_object* o = &m->objects[a->object_id];
  if (strcmp(l->tok[3], "variable") == 0) {
    CHECK(o->kind == SR_SAVED_OBJECT_VARIABLE && o->variable.entry != NULL);
    CHECK(strcmp(a->graph_node->op, "VarHandleOp") == 0);
    if (o->kind != SR_SAVED_OBJECT_VARIABLE || !o->variable.entry) return;
    const sr_bundle_entry* e = o->variable.entry;
    CHECK(e->dtype == atoi(l->tok[4]) && shape_equal(&e->shape, l->tok[5]));
    uint8_t* buf = malloc(e->size + 1);
    sigrun_error err;
    CHECK(sr_saved_model_read_variable(m, a->object_id, buf, e->size, &err) == SIGRUN_STATUS_OK);
    CHECK(values_equal(e->dtype, buf, e->num_elements, l->tok + 6, l->n - 6));
    free(buf);
  } else {
    CHECK(o->kind == SR_SAVED_OBJECT_CONSTANT);
    const sr_tf_node* c = sr_tf_nodes_find(&m->graph, o->constant.operation);
    CHECK(c != NULL && c == a->graph_node);
    const sr_tf_attr* v = c ? sr_tf_node_attr(c, "value") : NULL;
    CHECK(v && v->kind == SR_TF_ATTR_TENSOR && tensor_equal(v->tensor, l->tok + 4, l->n - 4));
  }
}

static void check_checkpoint(const sr_saved_model* m, line* l) {
  const sr_bundle_entry* e = m->variables ? sr_bundle_find(m->variables, l->tok[1]) : NULL;
  CHECK(e != NULL);
  if (!e) return;
  CHECK(e->dtype == atoi(l->tok[2]) && shape_equal(&e->shape, l->tok[3]));
  uint8_t* buf = malloc(e->size + 1);
  sigrun_error err;
  CHECK(sr_bundle_read(m->variables, e, buf, e->size, &err) == SIGRUN_STATUS_OK);
  CHECK(values_equal(e->dtype, buf, e->num_elements, l->tok + 4, l->n - 4));
  free(buf);
}

static void check_variable(const sr_saved_model* m, line* l, size_t* n_variables) {
  size_t id = (size_t)atol(l->tok[1]);
  CHECK(id < m->n_objects);
  if (id >= m->n_objects) return;
  (*n_variables)++;
  const sr_saved_object* o = &m->objects[id];
  CHECK(o->kind == SR_SAVED_OBJECT_VARIABLE && o->variable.entry && strcmp(o->variable.entry->key, l->tok[2]) == 0);
}

static void check_const(const sr_saved_model* m, line* l) {
  const sr_tf_node* n = function_node(m, l->tok[1], l->tok[2]);
  CHECK(n && strcmp(n->op, "Const") == 0);
  const sr_tf_attr* v = n ? sr_tf_node_attr(n, "value") : NULL;
  CHECK(v && v->kind == SR_TF_ATTR_TENSOR);
  if (v && v->kind == SR_TF_ATTR_TENSOR) {
    int ok = tensor_equal(v->tensor, l->tok + 3, l->n - 3);
    CHECK(ok);
    if (!ok) fprintf(stderr, "  const %s / %s differs\n", l->tok[1], l->tok[2]);
  }
}

/* inputs FUNCTION NODE "src:flat"...: each data input resolved through the source node's OpDef. */
static void check_inputs(const sr_saved_model* m, line* l) {
  const sr_tf_function* f = sr_saved_model_function(m, l->tok[1]);
  const sr_tf_node* n = f ? sr_tf_nodes_find(&f->node_def, l->tok[2]) : NULL;
  CHECK(n != NULL);
  if (!n) return;
  int k = 3;
  for (size_t i = 0; i < n->n_input; i++) {
    sr_tf_tensor_ref ref;
    CHECK(sr_tf_parse_tensor_ref(n->input[i], &ref));
    if (ref.is_control) continue;
    char got[512];
    if (ref.arg_len == 0) {
      snprintf(got, sizeof got, "%.*s:%lld", (int)ref.name_len, ref.name, (long long)ref.index);
    } else {
      const sr_tf_node* src = sr_tf_nodes_find_n(&f->node_def, ref.name, ref.name_len);
      size_t flat = 0;
      sigrun_error e;
      CHECK(src && sr_tf_node_output_index(src, ref.arg, ref.arg_len, ref.index, &flat, &e) == SIGRUN_STATUS_OK);
      snprintf(got, sizeof got, "%s:%zu", src ? src->name : "?", flat);
    }
    CHECK(k < l->n && strcmp(got, l->tok[k]) == 0);
    if (k < l->n && strcmp(got, l->tok[k]) != 0) {
      fprintf(stderr, "  %s: %s -> %s, TF says %s\n", n->name, n->input[i], got, l->tok[k]);
    }
    k++;
  }
  CHECK(k == l->n);
}

static void check_attr(const sr_saved_model* m, line* l) {
  const sr_tf_node* n = function_node(m, l->tok[1], l->tok[2]);
  CHECK(n != NULL);
  if (!n) return;
  const sr_tf_attr* a = sr_tf_node_attr(n, l->tok[3]);
  const char* kind = l->tok[4];
  int stripped = atoi(l->tok[5]);
  CHECK(a != NULL);
  if (!a) return;
  CHECK((sr_tf_attr_find(&n->attr, l->tok[3]) == NULL) == stripped);
  if (strcmp(kind, "s") == 0) CHECK(a->kind == SR_TF_ATTR_S && hex_equal(l->tok[6], a->s.data, a->s.size));
  if (strcmp(kind, "i") == 0) CHECK(a->kind == SR_TF_ATTR_I && a->i == strtoll(l->tok[6], NULL, 10));
  if (strcmp(kind, "b") == 0) CHECK(a->kind == SR_TF_ATTR_B && a->b == atoi(l->tok[6]));
  if (strcmp(kind, "type") == 0) CHECK(a->kind == SR_TF_ATTR_TYPE && a->type == atoi(l->tok[6]));
  if (strcmp(kind, "f") == 0) CHECK(a->kind == SR_TF_ATTR_F && a->f == (float)strtod(l->tok[6], NULL));
  if (strcmp(kind, "list") == 0) {
    CHECK(a->kind == SR_TF_ATTR_LIST && a->list->n_i == (size_t)(l->n - 6));
    for (size_t i = 0; a->kind == SR_TF_ATTR_LIST && i < a->list->n_i && 6 + (int)i < l->n; i++)
      CHECK(a->list->i[i] == strtoll(l->tok[6 + i], NULL, 10));
  }
}

/* ---- per model ---- */

static const char* models_dir = MODELS_DIR;

static void check_model(const char* name) {
  char dir[512], path[600];
  snprintf(dir, sizeof dir, "%s%s", models_dir, name);
  snprintf(path, sizeof path, "%s%s.expected.txt", models_dir, name);
  sr_saved_model* m;
  sigrun_error e;
  sigrun_status st = sr_saved_model_load(dir, &m, &e);
  CHECK(st == SIGRUN_STATUS_OK);
  if (st != SIGRUN_STATUS_OK) {
    fprintf(stderr, "%s: %s\n", name, e.message);
    return;
  }
  FILE* f = fopen(path, "r");
  CHECK(f != NULL);
  char* text = NULL;
  size_t text_cap = 0;
  line l = {NULL, 0, 0};
  size_t n_signatures = 0, n_infos = 0, n_variables = 0, records = 0;
  while (f && getline(&text, &text_cap, f) > 0) {
    if (text[0] == '#' || !split_line(text, &l)) continue;
    records++;
    const char* kind = l.tok[0];
    if (strcmp(kind, "count") == 0) check_count(m, &l);
    else if (strcmp(kind, "signature") == 0) check_signature(m, &l, &n_signatures);
    else if (strcmp(kind, "input") == 0 || strcmp(kind, "output") == 0) check_tensor_info(m, &l, &n_infos);
    else if (strcmp(kind, "capture") == 0) check_capture(m, &l);
    else if (strcmp(kind, "checkpoint") == 0) check_checkpoint(m, &l);
    else if (strcmp(kind, "variable") == 0) check_variable(m, &l, &n_variables);
    else if (strcmp(kind, "const") == 0) check_const(m, &l);
    else if (strcmp(kind, "inputs") == 0) check_inputs(m, &l);
    else if (strcmp(kind, "attr") == 0) check_attr(m, &l);
    else CHECK(!"unknown record kind");
  }
  if (f) fclose(f);
  free(text);
  free(l.tok);
  CHECK(records > 10);
  CHECK(n_signatures == m->n_signatures);
  size_t infos = 0, bound_variables = 0;
  for (size_t i = 0; i < m->n_signatures; i++) infos += m->signatures[i].n_inputs + m->signatures[i].n_outputs;
  CHECK(n_infos == infos);
  for (size_t i = 0; i < m->n_objects; i++) bound_variables += m->objects[i].variable.entry != NULL;
  CHECK(n_variables == bound_variables);
  sr_saved_model_destroy(m);
}

static void test_encode_decode(void) { check_model("encode_decode"); }
static void test_dense(void) { check_model("dense"); }
static void test_conv(void) { check_model("conv"); }
static void test_train(void) { check_model("train"); }
static void test_multi(void) { check_model("multi"); }
static void test_lstm(void) { check_model("lstm"); }

/* Facts of the models that the expected files do not spell out. */
static void test_binding_details(void) {
  sr_saved_model* m;
  sigrun_error e;
  CHECK(sr_saved_model_load(MODELS_DIR "encode_decode", &m, &e) == SIGRUN_STATUS_OK);
  /* Sorted keys: decode before encode; a stateless signature calls through PartitionedCall with no captures. */
  CHECK(m->n_signatures == 3 && strcmp(m->signatures[0].key, SR_SAVED_MODEL_INIT_OP_KEY) == 0);
  CHECK(strcmp(m->signatures[1].key, "decode") == 0 && strcmp(m->signatures[2].key, "encode") == 0);
  const sr_tf_signature* enc = sr_saved_model_signature(m, "encode");
  CHECK(enc && enc->call && strcmp(enc->call->node->op, "PartitionedCall") == 0 && enc->call->n_args == 1);
  CHECK(m->variables != NULL && sr_bundle_count(m->variables) == 1); /* only the object graph */
  CHECK(sr_saved_model_signature(m, "nope") == NULL);
  sr_saved_model_destroy(m);

  CHECK(sr_saved_model_load(MODELS_DIR "dense", &m, &e) == SIGRUN_STATUS_OK);
  /* Stripped defaults: MatMul's transpose_a is absent from the node but comes back from the op list. */
  size_t matmuls = 0;
  for (size_t i = 0; i < m->n_functions; i++) {
    const sr_tf_node_list* nodes = &m->functions[i].node_def;
    for (size_t k = 0; k < nodes->count; k++) {
      const sr_tf_node* n = &nodes->items[k];
      if (strcmp(n->op, "MatMul") != 0) continue;
      matmuls++;
      CHECK(sr_tf_attr_find(&n->attr, "transpose_a") == NULL);
      const sr_tf_attr* a = sr_tf_node_attr(n, "transpose_a");
      CHECK(a && a->kind == SR_TF_ATTR_B && a->b == 0);
      CHECK(n->op_def && strcmp(n->op_def->name, "MatMul") == 0 && n->function == NULL);
    }
  }
  CHECK(matmuls >= 2);
  /* A call node of the graph resolves its op def; its outputs are a list(type) arg. */
  const sr_tf_node* call = sr_tf_nodes_find(&m->graph, "StatefulPartitionedCall");
  size_t count = 0;
  CHECK(call && call->op_def && sr_tf_node_output_count(call, &count, &e) == SIGRUN_STATUS_OK && count == 1);
  size_t flat = 9;
  CHECK(sr_tf_node_output_index(call, "output", 6, 0, &flat, &e) == SIGRUN_STATUS_OK && flat == 0);
  CHECK(sr_tf_node_output_index(call, "output", 6, 1, &flat, &e) == SIGRUN_STATUS_NOT_FOUND);
  CHECK_CONTAINS(e.message, "StatefulPartitionedCall");
  CHECK(sr_tf_node_output_index(call, "nothere", 7, 0, &flat, &e) == SIGRUN_STATUS_NOT_FOUND);
  CHECK_CONTAINS(e.message, "nothere");
  sr_saved_model_destroy(m);

  CHECK(sr_saved_model_load(MODELS_DIR "multi", &m, &e) == SIGRUN_STATUS_OK);
  /* The nested helper is called by a node whose op names... a call op; the library function it calls exists. */
  const sr_tf_signature* add = sr_saved_model_signature(m, "add");
  CHECK(add && add->call);
  const sr_saved_concrete_function* cf = sr_saved_model_concrete_function(m, add->call->function->signature.name);
  CHECK(cf && cf->n_bound_inputs == 2);
  sr_saved_model_destroy(m);
}

/* TF leaves ops used only in While cond/body functions out of stripped_op_list; the reader falls back on its copy
 * of TF's registry for those, and the file's own OpDefs win for the rest. */
static void test_op_registry_fallback(void) {
  sr_saved_model* m;
  sigrun_error e;
  CHECK(sr_saved_model_load(MODELS_DIR "lstm", &m, &e) == SIGRUN_STATUS_OK);
  if (!m) return;
  const sr_tf_op_def* get = sr_saved_model_op_def(m, "TensorListGetItem");
  const sr_tf_op_def* less = sr_saved_model_op_def(m, "Less");
  const sr_tf_op_def* matmul = sr_saved_model_op_def(m, "MatMul");
  CHECK(get && get->from_registry && get->n_output_arg == 1 && strcmp(get->output_arg[0].name, "item") == 0);
  CHECK(less && less->from_registry && strcmp(less->output_arg[0].name, "z") == 0);
  CHECK(matmul && !matmul->from_registry);
  CHECK(sr_saved_model_op_def(m, "While") && !sr_saved_model_op_def(m, "While")->from_registry);
  /* Every node of every function now has an OpDef (op list, registry or a called function). */
  size_t unresolved = 0, from_registry = 0;
  for (size_t i = 0; i < m->n_functions; i++) {
    for (size_t k = 0; k < m->functions[i].node_def.count; k++) {
      const sr_tf_node* n = &m->functions[i].node_def.items[k];
      unresolved += n->op_def == NULL;
      from_registry += n->op_def && n->op_def->from_registry;
    }
  }
  CHECK(unresolved == 0 && from_registry >= 4);
  for (size_t i = 1; i < m->n_ops; i++) CHECK(strcmp(m->ops[i - 1].name, m->ops[i].name) < 0);
  sr_saved_model_destroy(m);
}

static void test_load_errors(void) {
  sr_saved_model* m = (sr_saved_model*)1;
  sigrun_error e;
  CHECK(sr_saved_model_load("tests/data/saved_models/does_not_exist", &m, &e) == SIGRUN_STATUS_IO);
  CHECK(m == NULL);
  CHECK_CONTAINS(e.message, "saved_model.pb");
  /* A directory that holds something else. */
  CHECK(sr_saved_model_load("tests/data", &m, &e) == SIGRUN_STATUS_IO);
  /* Bytes that are not a SavedModel: a .tflite file decodes as protobuf garbage or finds no MetaGraphDef. */
  static const uint8_t junk[] = {0x0a, 0x05, 'h', 'e', 'l', 'l'};
  CHECK(sr_saved_model_load_buffer(junk, sizeof junk, "junk.pb", NULL, &m, &e) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(e.message, "junk.pb: SavedModel");
  static const uint8_t empty_model[] = {0x08, 0x01}; /* schema version 1, no MetaGraphDef */
  CHECK(sr_saved_model_load_buffer(empty_model, sizeof empty_model, NULL, NULL, &m, &e) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(e.message, "no MetaGraphDef");
  /* A MetaGraphDef tagged "train" only. */
  static const uint8_t train_only[] = {0x12, 0x09, 0x0a, 0x07, 0x22, 0x05, 't', 'r', 'a', 'i', 'n'};
  CHECK(sr_saved_model_load_buffer(train_only, sizeof train_only, NULL, NULL, &m, &e) == SIGRUN_STATUS_NOT_FOUND);
  CHECK_CONTAINS(e.message, "serve");
  /* An untagged lone MetaGraphDef is accepted, and without an object graph has no objects. */
  static const uint8_t untagged[] = {0x12, 0x00};
  CHECK(sr_saved_model_load_buffer(untagged, sizeof untagged, NULL, NULL, &m, &e) == SIGRUN_STATUS_OK);
  CHECK(m && m->n_objects == 0 && m->n_signatures == 0 && m->variables == NULL);
  sr_saved_model_destroy(m);
}

/* With arguments DIR/ NAME..., checks other models written by make_saved_models.py (e.g. large ones kept out of
 * the repository); without, the repository's models. */
int main(int argc, char** argv) {
  if (argc > 2) {
    models_dir = argv[1];
    for (int i = 2; i < argc; i++) {
      int before = sr_test_checks_failed;
      check_model(argv[i]);
      printf("%s: %s\n", argv[i], sr_test_checks_failed == before ? "ok" : "FAILED");
      if (sr_test_checks_failed == before) sr_test_passed++;
      else sr_test_failed++;
    }
    return TEST_SUMMARY();
  }
  RUN(test_encode_decode);
  RUN(test_dense);
  RUN(test_conv);
  RUN(test_train);
  RUN(test_multi);
  RUN(test_lstm);
  RUN(test_binding_details);
  RUN(test_op_registry_fallback);
  RUN(test_load_errors);
  return TEST_SUMMARY();
}
