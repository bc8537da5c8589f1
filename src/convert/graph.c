/*
 * graph.c — building and editing the converter's IR (graph.h): growable tensor and operator arrays, constants,
 * use counts, dead-operator removal. Every size that comes from the SavedModel is checked here before it
 * becomes a dim: a dim above INT32_MAX or a rank above SR_MAX_RANK is an error, never a wrap.
 */
#include "convert/graph.h"

#include <stdio.h>
#include <string.h>

static sigrun_status oom(sigrun_error* error) {
  return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory while converting");
}

void sr_cv_model_init(sr_cv_model* m) {
  memset(m, 0, sizeof *m);
  sr_pool_init(&m->pool);
}

void sr_cv_model_free(sr_cv_model* m) {
  for (int i = 0; i < m->n_graphs; i++) {
    sr_free(m->graphs[i].t);
    sr_free(m->graphs[i].ops);
  }
  sr_free(m->graphs);
  sr_pool_destroy(&m->pool);
  memset(m, 0, sizeof *m);
}

/* Grows *arr (elements of size elem) so that index n fits; 0 on failure. */
static int grow(void** arr, int* cap, int n, size_t elem) {
  if (n < *cap) return 1;
  if (*cap > (INT32_MAX / 2)) return 0;
  int nc = *cap ? *cap * 2 : 16;
  void* p = sr_realloc(*arr, (size_t)nc * elem);
  if (!p) return 0;
  *arr = p;
  *cap = nc;
  return 1;
}

int sr_cv_add_graph(sr_cv_model* m, const char* name, sigrun_error* error) {
  if (!grow((void**)&m->graphs, &m->cap_graphs, m->n_graphs, sizeof *m->graphs)) return oom(error), -1;
  sr_cv_graph* g = &m->graphs[m->n_graphs];
  memset(g, 0, sizeof *g);
  g->name = sr_pool_strdup(&m->pool, name ? name : "");
  if (!g->name) return oom(error), -1;
  return m->n_graphs++;
}

int sr_cv_add_tensor(sr_cv_model* m, sr_cv_graph* g, const char* name, sigrun_type type, int rank,
                     const int64_t* dims, sigrun_error* error) {
  if (rank > SR_MAX_RANK) {
    sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "tensor '%s' has rank %d; sigrun handles ranks up to %d", name, rank,
            SR_MAX_RANK);
    return -1;
  }
  for (int i = 0; i < rank; i++)
    if (dims[i] < -1 || dims[i] > INT32_MAX) {
      sr_fail(error, SIGRUN_STATUS_UNSUPPORTED, "tensor '%s': dim %d is %lld, outside LiteRT's int32 dims", name, i,
              (long long)dims[i]);
      return -1;
    }
  if (!grow((void**)&g->t, &g->cap_t, g->n_t, sizeof *g->t)) return oom(error), -1;
  sr_cv_tensor* t = &g->t[g->n_t];
  memset(t, 0, sizeof *t);
  t->name = sr_pool_strdup(&m->pool, name ? name : "");
  if (!t->name) return oom(error), -1;
  t->type = type;
  t->rank = rank < 0 ? -1 : rank;
  for (int i = 0; i < rank; i++) t->dims[i] = dims[i];
  t->producer = -1;
  t->variable = -1;
  return g->n_t++;
}

int sr_cv_count(const sr_cv_tensor* t, size_t* count) {
  size_t n = 1;
  *count = 0;
  if (t->rank < 0) return 0;
  for (int i = 0; i < t->rank; i++)
    if (t->dims[i] < 0 || !sr_mul_size(n, (size_t)t->dims[i], &n)) return 0;
  *count = n;
  return 1;
}

int sr_cv_static(const sr_cv_tensor* t) {
  size_t n;
  return sr_cv_count(t, &n);
}

static int is_int_type(sigrun_type type) {
  return type == SIGRUN_TYPE_INT32 || type == SIGRUN_TYPE_INT64 || type == SIGRUN_TYPE_INT16 ||
         type == SIGRUN_TYPE_INT8 || type == SIGRUN_TYPE_UINT8 || type == SIGRUN_TYPE_BOOL;
}

static int64_t read_int(const void* data, sigrun_type type, size_t i) {
  switch (type) {
    case SIGRUN_TYPE_INT32: {
      int32_t v;
      memcpy(&v, (const uint8_t*)data + 4 * i, 4);
      return v;
    }
    case SIGRUN_TYPE_INT64: {
      int64_t v;
      memcpy(&v, (const uint8_t*)data + 8 * i, 8);
      return v;
    }
    case SIGRUN_TYPE_INT16: {
      int16_t v;
      memcpy(&v, (const uint8_t*)data + 2 * i, 2);
      return v;
    }
    case SIGRUN_TYPE_INT8: return ((const int8_t*)data)[i];
    case SIGRUN_TYPE_UINT8:
    case SIGRUN_TYPE_BOOL: return ((const uint8_t*)data)[i];
    default: return SR_CV_UNKNOWN;
  }
}

int sr_cv_add_const(sr_cv_model* m, sr_cv_graph* g, const char* name, sigrun_type type, int rank,
                    const int64_t* dims, const void* data, size_t nbytes, sigrun_error* error) {
  int id = sr_cv_add_tensor(m, g, name, type, rank, dims, error);
  if (id < 0) return -1;
  sr_cv_tensor* t = &g->t[id];
  size_t count, need;
  if (!sr_cv_count(t, &count) || !sr_mul_size(count, sigrun_type_size(type), &need) || need != nbytes ||
      sigrun_type_size(type) == 0) {
    sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "constant '%s': %zu bytes do not fit its %s shape", name, nbytes,
            sigrun_type_name(type));
    return -1;
  }
  t->data = data ? data : (const void*)"";
  t->nbytes = nbytes;
  return id;
}

int sr_cv_add_const_alloc(sr_cv_model* m, sr_cv_graph* g, const char* name, sigrun_type type, int rank,
                          const int64_t* dims, void** data, sigrun_error* error) {
  sr_cv_tensor probe;
  memset(&probe, 0, sizeof probe);
  probe.rank = rank;
  for (int i = 0; i < rank && i < SR_MAX_RANK; i++) probe.dims[i] = dims[i];
  size_t count, nbytes;
  if (rank > SR_MAX_RANK || !sr_cv_count(&probe, &count) || !sr_mul_size(count, sigrun_type_size(type), &nbytes)) {
    sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "constant '%s': shape too large", name);
    return -1;
  }
  void* bytes = sr_pool_alloc(&m->pool, nbytes);
  if (!bytes) return oom(error), -1;
  *data = bytes;
  return sr_cv_add_const(m, g, name, type, rank, dims, bytes, nbytes, error);
}

int sr_cv_const_i32(sr_cv_model* m, sr_cv_graph* g, const char* name, const int32_t* v, int n, int as_scalar,
                    sigrun_error* error) {
  int64_t dims[1] = {n};
  void* data;
  int id = sr_cv_add_const_alloc(m, g, name, SIGRUN_TYPE_INT32, as_scalar ? 0 : 1, dims, &data, error);
  if (id < 0) return -1;
  if (n) memcpy(data, v, (size_t)n * 4);
  return id;
}

int sr_cv_const_f32(sr_cv_model* m, sr_cv_graph* g, const char* name, const float* v, int n, int as_scalar,
                    sigrun_error* error) {
  int64_t dims[1] = {n};
  void* data;
  int id = sr_cv_add_const_alloc(m, g, name, SIGRUN_TYPE_FLOAT32, as_scalar ? 0 : 1, dims, &data, error);
  if (id >= 0 && n) memcpy(data, v, (size_t)n * 4);
  return id;
}

int sr_cv_set_known(sr_cv_model* m, sr_cv_tensor* t, const int64_t* v, size_t n) {
  if (n > SR_CV_MAX_KNOWN) return 1; /* not tracked: fine */
  int64_t* k = sr_pool_array(&m->pool, n ? n : 1, sizeof *k);
  if (!k) return 0;
  if (n) memcpy(k, v, n * sizeof *k);
  t->known = k;
  t->n_known = n;
  return 1;
}

size_t sr_cv_n_values(const sr_cv_tensor* t) {
  size_t count;
  if (t->data) {
    if (!is_int_type(t->type) || t->rank > 1 || !sr_cv_count(t, &count) || count > SR_CV_MAX_KNOWN) return 0;
    return count;
  }
  return t->known ? t->n_known : 0;
}

int64_t sr_cv_value(const sr_cv_tensor* t, size_t i) {
  if (t->data) return i < sr_cv_n_values(t) ? read_int(t->data, t->type, i) : SR_CV_UNKNOWN;
  return t->known && i < t->n_known ? t->known[i] : SR_CV_UNKNOWN;
}

int sr_cv_all_known(const sr_cv_tensor* t) {
  size_t n = sr_cv_n_values(t);
  if (!n && !(t->known || (t->data && is_int_type(t->type) && t->rank >= 0 && t->rank <= 1))) return 0;
  for (size_t i = 0; i < n; i++)
    if (sr_cv_value(t, i) == SR_CV_UNKNOWN) return 0;
  return 1;
}

int sr_cv_add_op(sr_cv_model* m, sr_cv_graph* g, int code, const int* in, int n_in, const int* out, int n_out,
                 const sr_cv_opts* opts, const char* where, sigrun_error* error) {
  if (!grow((void**)&g->ops, &g->cap_ops, g->n_ops, sizeof *g->ops)) return oom(error), -1;
  sr_cv_op* op = &g->ops[g->n_ops];
  memset(op, 0, sizeof *op);
  op->code = code;
  op->version = 1;
  op->in = sr_pool_array(&m->pool, (size_t)(n_in ? n_in : 1), sizeof(int));
  op->out = sr_pool_array(&m->pool, (size_t)(n_out ? n_out : 1), sizeof(int));
  if (!op->in || !op->out) return oom(error), -1;
  if (n_in) memcpy(op->in, in, (size_t)n_in * sizeof(int));
  if (n_out) memcpy(op->out, out, (size_t)n_out * sizeof(int));
  op->n_in = n_in;
  op->n_out = n_out;
  if (opts) op->o = *opts;
  op->where = where ? where : "";
  for (int i = 0; i < n_out; i++) g->t[out[i]].producer = g->n_ops;
  return g->n_ops++;
}

void sr_cv_count_uses(sr_cv_graph* g) {
  for (int i = 0; i < g->n_t; i++) g->t[i].uses = 0;
  for (int o = 0; o < g->n_ops; o++) {
    const sr_cv_op* op = &g->ops[o];
    if (op->dead) continue;
    for (int i = 0; i < op->n_in; i++)
      if (op->in[i] >= 0) g->t[op->in[i]].uses++;
  }
  for (int i = 0; i < g->n_outputs; i++) g->t[g->outputs[i]].uses++;
}

static int stateful(int code) {
  return code == SR_BUILTIN_ASSIGN_VARIABLE || code == SR_BUILTIN_CALL_ONCE;
}

void sr_cv_remove_dead(sr_cv_graph* g) {
  sr_cv_count_uses(g);
  /* Operators only read earlier tensors, so one backward sweep removes whole dead chains. */
  for (int o = g->n_ops - 1; o >= 0; o--) {
    sr_cv_op* op = &g->ops[o];
    if (op->dead || stateful(op->code)) continue;
    int used = 0;
    for (int i = 0; i < op->n_out; i++) used |= g->t[op->out[i]].uses > 0;
    if (used) continue;
    op->dead = 1;
    for (int i = 0; i < op->n_in; i++)
      if (op->in[i] >= 0) g->t[op->in[i]].uses--;
  }
}

void sr_cv_replace_uses(sr_cv_graph* g, int from, int to) {
  for (int o = 0; o < g->n_ops; o++) {
    sr_cv_op* op = &g->ops[o];
    if (op->dead) continue;
    for (int i = 0; i < op->n_in; i++)
      if (op->in[i] == from) op->in[i] = to;
  }
  for (int i = 0; i < g->n_outputs; i++)
    if (g->outputs[i] == from) g->outputs[i] = to;
}

int sr_cv_sole_reader(sr_cv_graph* g, int t) {
  int found = -1, count = 0;
  for (int i = 0; i < g->n_outputs; i++)
    if (g->outputs[i] == t) return -1;
  for (int o = 0; o < g->n_ops; o++) {
    const sr_cv_op* op = &g->ops[o];
    if (op->dead) continue;
    int reads = 0;
    for (int i = 0; i < op->n_in; i++) reads += op->in[i] == t;
    if (reads) {
      count += reads;
      found = o;
    }
  }
  return count == 1 ? found : -1;
}

const char* sr_cv_op_name(int code) {
  switch (code) {
#define SR_X(name, value) \
  case value: return #name;
    SR_BUILTIN_OPERATOR_LIST(SR_X)
#undef SR_X
    default: return "UNKNOWN";
  }
}

const char* sr_cv_join_names(sr_cv_model* m, const char* a, const char* b) {
  size_t la = strlen(a), lb = strlen(b);
  if (!la) return b;
  if (!lb || strcmp(a, b) == 0) return a;
  char* s = sr_pool_alloc(&m->pool, la + lb + 2);
  if (!s) return a;
  memcpy(s, a, la);
  s[la] = ';';
  memcpy(s + la + 1, b, lb + 1);
  return s;
}

const char* sr_cv_dims_str(const sr_cv_tensor* t, char* buf, size_t size) {
  if (t->rank < 0) {
    snprintf(buf, size, "<unknown rank>");
    return buf;
  }
  size_t n = 0;
  buf[0] = 0;
  n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "[");
  for (int i = 0; i < t->rank && n < size; i++)
    n += (size_t)snprintf(buf + n, size - n, "%s%lld", i ? "," : "", (long long)t->dims[i]);
  if (n < size) snprintf(buf + n, size - n, "]");
  return buf;
}
