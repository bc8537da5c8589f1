/*
 * tflite_write.c — IR → .tflite bytes (see tflite_write.h). Two steps: plan (which tensors survive, their new
 * indices, operator codes, deduplicated buffers) then build the flatbuffer children-first with fb_builder.
 * Field ids are those of LiteRT's schema.fbs (id = declaration order, a union takes two).
 */
#include "convert/tflite_write.h"

#include <stdio.h>
#include <string.h>

#include "convert/tflite_options.h"
#include "format/fb_builder.h"

/* ---- the plan ---- */

typedef struct opcode_entry {
  int code, version;
} opcode_entry;

typedef struct buffer_entry {
  const void* data;
  size_t size;
  uint64_t hash;
} buffer_entry;

typedef struct writer {
  const sr_cv_model* m;
  sr_fbb b;
  opcode_entry* codes;
  int n_codes;
  buffer_entry* buffers; /* [0] = the empty sentinel */
  int n_buffers, cap_buffers;
  int* table; /* open addressing: buffer index + 1, 0 = empty */
  size_t table_size;
  int** remap;     /* per graph: old tensor index -> new index or -1 */
  int** buffer_of; /* per graph: old tensor index -> buffer */
  sigrun_error* error;
} writer;

static sigrun_status oom(writer* w) { return sr_fail(w->error, SIGRUN_STATUS_NO_MEMORY, "out of memory while writing"); }

static uint64_t hash_bytes(const void* data, size_t n) {
  const uint8_t* p = data;
  uint64_t h = 1469598103934665603ull ^ n;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

static int opcode_index(writer* w, int code, int version) {
  for (int i = 0; i < w->n_codes; i++)
    if (w->codes[i].code == code && w->codes[i].version == version) return i;
  return -1;
}

static sigrun_status add_opcode(writer* w, int code, int version) {
  if (opcode_index(w, code, version) >= 0) return SIGRUN_STATUS_OK;
  opcode_entry* c = sr_realloc(w->codes, (size_t)(w->n_codes + 1) * sizeof *c);
  if (!c) return oom(w);
  w->codes = c;
  w->codes[w->n_codes].code = code;
  w->codes[w->n_codes].version = version;
  w->n_codes++;
  return SIGRUN_STATUS_OK;
}

static int push_buffer(writer* w, const void* data, size_t size, uint64_t hash) {
  if (w->n_buffers == w->cap_buffers) {
    int cap = w->cap_buffers ? w->cap_buffers * 2 : 64;
    buffer_entry* nb = sr_realloc(w->buffers, (size_t)cap * sizeof *nb);
    if (!nb) return -1;
    w->buffers = nb;
    w->cap_buffers = cap;
  }
  w->buffers[w->n_buffers].data = data;
  w->buffers[w->n_buffers].size = size;
  w->buffers[w->n_buffers].hash = hash;
  return w->n_buffers++;
}

static int rehash(writer* w) {
  size_t size = w->table_size ? w->table_size * 2 : 256;
  int* t = sr_calloc(size, sizeof *t);
  if (!t) return 0;
  for (int i = 1; i < w->n_buffers; i++) {
    size_t h = (size_t)w->buffers[i].hash & (size - 1);
    while (t[h]) h = (h + 1) & (size - 1);
    t[h] = i + 1;
  }
  sr_free(w->table);
  w->table = t;
  w->table_size = size;
  return 1;
}

/* The buffer holding these bytes, reusing an identical one: LiteRT's exporter deduplicates the same way. */
static int buffer_for(writer* w, const void* data, size_t size) {
  if ((size_t)w->n_buffers * 2 >= w->table_size && !rehash(w)) return -1;
  uint64_t hash = hash_bytes(data, size);
  size_t h = (size_t)hash & (w->table_size - 1);
  for (; w->table[h]; h = (h + 1) & (w->table_size - 1)) {
    const buffer_entry* e = &w->buffers[w->table[h] - 1];
    if (e->hash == hash && e->size == size && memcmp(e->data, data, size) == 0) return w->table[h] - 1;
  }
  int id = push_buffer(w, data, size, hash);
  if (id >= 0) w->table[h] = id + 1;
  return id;
}

static sigrun_status plan_graph(writer* w, int gi) {
  const sr_cv_graph* g = &w->m->graphs[gi];
  int* remap = sr_malloc((size_t)(g->n_t ? g->n_t : 1) * sizeof *remap);
  int* buf = sr_calloc((size_t)(g->n_t ? g->n_t : 1), sizeof *buf);
  w->remap[gi] = remap;
  w->buffer_of[gi] = buf;
  if (!remap || !buf) return oom(w);
  for (int i = 0; i < g->n_t; i++) remap[i] = -1;
  for (int i = 0; i < g->n_inputs; i++) remap[g->inputs[i]] = 0;
  for (int i = 0; i < g->n_outputs; i++) remap[g->outputs[i]] = 0;
  for (int o = 0; o < g->n_ops; o++) {
    const sr_cv_op* op = &g->ops[o];
    if (op->dead) continue;
    for (int i = 0; i < op->n_in; i++)
      if (op->in[i] >= 0) remap[op->in[i]] = 0;
    for (int i = 0; i < op->n_out; i++) remap[op->out[i]] = 0;
    sigrun_status st = add_opcode(w, op->code, op->version);
    if (st) return st;
  }
  int next = 0;
  for (int i = 0; i < g->n_t; i++) {
    if (remap[i] < 0) continue;
    remap[i] = next++;
    const sr_cv_tensor* t = &g->t[i];
    if (t->data && t->nbytes) {
      int b = buffer_for(w, t->data, t->nbytes);
      if (b < 0) return oom(w);
      buf[i] = b;
    }
  }
  return SIGRUN_STATUS_OK;
}

/* ---- building ---- */

static sr_fbo write_quant(writer* w, const sr_cv_quant* q) {
  sr_fbb* b = &w->b;
  sr_fbo scale = sr_fbb_vec_f32(b, q->scale, (size_t)q->n);
  sr_fbo zp = sr_fbb_vec_i64(b, q->zero_point, (size_t)q->n);
  sr_fbb_table_start(b);
  sr_fbb_add_offset(b, 2, scale);
  sr_fbb_add_offset(b, 3, zp);
  sr_fbb_add_i32(b, 6, q->dim, 0);
  return sr_fbb_table_end(b);
}

static sr_fbo write_tensor(writer* w, const sr_cv_tensor* t, int buffer) {
  sr_fbb* b = &w->b;
  int32_t shape[SR_MAX_RANK], sig[SR_MAX_RANK];
  int dynamic = 0;
  for (int i = 0; i < t->rank; i++) {
    /* LiteRT writes 1 in shape where shape_signature has -1 (the size to allocate before any resize). */
    shape[i] = t->dims[i] < 0 ? 1 : (int32_t)t->dims[i];
    sig[i] = (int32_t)t->dims[i];
    dynamic |= t->dims[i] < 0;
  }
  sr_fbo shape_v = t->rank >= 0 ? sr_fbb_vec_i32(b, shape, (size_t)t->rank) : 0;
  sr_fbo sig_v = dynamic ? sr_fbb_vec_i32(b, sig, (size_t)t->rank) : 0;
  sr_fbo name = sr_fbb_cstring(b, t->name);
  sr_fbo quant = t->quant ? write_quant(w, t->quant) : 0;
  sr_fbb_table_start(b);
  sr_fbb_add_offset(b, 0, shape_v);
  sr_fbb_add_i8(b, 1, (int8_t)t->type, 0);
  sr_fbb_add_u32(b, 2, (uint32_t)buffer, 0);
  sr_fbb_add_offset(b, 3, name);
  sr_fbb_add_offset(b, 4, quant);
  sr_fbb_add_offset(b, 7, sig_v);
  sr_fbb_add_bool(b, 8, t->rank >= 0, 0);
  return sr_fbb_table_end(b);
}

static sr_fbo write_op(writer* w, int gi, const sr_cv_op* op) {
  sr_fbb* b = &w->b;
  const int* remap = w->remap[gi];
  int32_t* ins = sr_malloc((size_t)(op->n_in + op->n_out + 1) * sizeof *ins);
  if (!ins) {
    oom(w);
    return 0;
  }
  int32_t* outs = ins + op->n_in;
  for (int i = 0; i < op->n_in; i++) ins[i] = op->in[i] < 0 ? -1 : remap[op->in[i]];
  for (int i = 0; i < op->n_out; i++) outs[i] = remap[op->out[i]];
  sr_fbo in_v = sr_fbb_vec_i32(b, ins, (size_t)op->n_in);
  sr_fbo out_v = sr_fbb_vec_i32(b, outs, (size_t)op->n_out);
  sr_free(ins);
  uint8_t options_type = 0;
  sr_fbo options = sr_cv_write_options(b, op, &options_type);
  sr_fbb_table_start(b);
  sr_fbb_add_u32(b, 0, (uint32_t)opcode_index(w, op->code, op->version), 0);
  sr_fbb_add_offset(b, 1, in_v);
  sr_fbb_add_offset(b, 2, out_v);
  sr_fbb_add_union(b, 3, options_type, options);
  return sr_fbb_table_end(b);
}

static sr_fbo write_graph(writer* w, int gi) {
  sr_fbb* b = &w->b;
  const sr_cv_graph* g = &w->m->graphs[gi];
  const int* remap = w->remap[gi];
  int n_live = 0, n_ops = 0;
  for (int i = 0; i < g->n_t; i++) n_live += remap[i] >= 0;
  for (int o = 0; o < g->n_ops; o++) n_ops += !g->ops[o].dead;
  sr_fbo* offs = sr_malloc((size_t)(n_live + n_ops + 1) * sizeof *offs);
  int32_t* io = sr_malloc((size_t)(g->n_inputs + g->n_outputs + 1) * sizeof *io);
  if (!offs || !io) {
    sr_free(offs);
    sr_free(io);
    oom(w);
    return 0;
  }
  int k = 0;
  for (int i = 0; i < g->n_t; i++)
    if (remap[i] >= 0) offs[k++] = write_tensor(w, &g->t[i], w->buffer_of[gi][i]);
  sr_fbo tensors = sr_fbb_vec_offsets(b, offs, (size_t)n_live);
  k = 0;
  for (int o = 0; o < g->n_ops; o++)
    if (!g->ops[o].dead) offs[k++] = write_op(w, gi, &g->ops[o]);
  sr_fbo ops = sr_fbb_vec_offsets(b, offs, (size_t)n_ops);
  for (int i = 0; i < g->n_inputs; i++) io[i] = remap[g->inputs[i]];
  sr_fbo ins = sr_fbb_vec_i32(b, io, (size_t)g->n_inputs);
  for (int i = 0; i < g->n_outputs; i++) io[i] = remap[g->outputs[i]];
  sr_fbo outs = sr_fbb_vec_i32(b, io, (size_t)g->n_outputs);
  sr_fbo name = sr_fbb_cstring(b, g->name);
  sr_free(offs);
  sr_free(io);
  sr_fbb_table_start(b);
  sr_fbb_add_offset(b, 0, tensors);
  sr_fbb_add_offset(b, 1, ins);
  sr_fbb_add_offset(b, 2, outs);
  sr_fbb_add_offset(b, 3, ops);
  sr_fbb_add_offset(b, 4, name);
  return sr_fbb_table_end(b);
}

static sr_fbo write_tensor_maps(writer* w, int gi, const sr_cv_tensor_map* maps, int n) {
  sr_fbb* b = &w->b;
  sr_fbo* offs = sr_malloc((size_t)(n ? n : 1) * sizeof *offs);
  if (!offs) {
    oom(w);
    return 0;
  }
  for (int i = 0; i < n; i++) {
    sr_fbo name = sr_fbb_cstring(b, maps[i].name);
    sr_fbb_table_start(b);
    sr_fbb_add_offset(b, 0, name);
    sr_fbb_add_u32(b, 1, (uint32_t)w->remap[gi][maps[i].tensor], 0);
    offs[i] = sr_fbb_table_end(b);
  }
  sr_fbo v = sr_fbb_vec_offsets(b, offs, (size_t)n);
  sr_free(offs);
  return v;
}

static sr_fbo write_signatures(writer* w) {
  sr_fbb* b = &w->b;
  const sr_cv_model* m = w->m;
  sr_fbo* offs = sr_malloc((size_t)(m->n_signatures ? m->n_signatures : 1) * sizeof *offs);
  if (!offs) {
    oom(w);
    return 0;
  }
  for (int i = 0; i < m->n_signatures; i++) {
    const sr_cv_signature* s = &m->signatures[i];
    sr_fbo ins = write_tensor_maps(w, s->subgraph, s->inputs, s->n_inputs);
    sr_fbo outs = write_tensor_maps(w, s->subgraph, s->outputs, s->n_outputs);
    sr_fbo key = sr_fbb_cstring(b, s->key);
    sr_fbb_table_start(b);
    sr_fbb_add_offset(b, 0, ins);
    sr_fbb_add_offset(b, 1, outs);
    sr_fbb_add_offset(b, 2, key);
    sr_fbb_add_u32(b, 4, (uint32_t)s->subgraph, 0);
    offs[i] = sr_fbb_table_end(b);
  }
  sr_fbo v = sr_fbb_vec_offsets(b, offs, (size_t)m->n_signatures);
  sr_free(offs);
  return v;
}

static sr_fbo write_opcodes(writer* w) {
  sr_fbb* b = &w->b;
  sr_fbo* offs = sr_malloc((size_t)(w->n_codes ? w->n_codes : 1) * sizeof *offs);
  if (!offs) {
    oom(w);
    return 0;
  }
  for (int i = 0; i < w->n_codes; i++) {
    int code = w->codes[i].code;
    sr_fbb_table_start(b);
    /* Codes above 127 do not fit the old byte field: it holds 127 (PLACEHOLDER_FOR_GREATER_OP_CODES). */
    sr_fbb_add_i8(b, 0, (int8_t)(code < 127 ? code : 127), 0);
    sr_fbb_add_i32(b, 2, w->codes[i].version, 1);
    sr_fbb_add_i32(b, 3, code, 0);
    offs[i] = sr_fbb_table_end(b);
  }
  sr_fbo v = sr_fbb_vec_offsets(b, offs, (size_t)w->n_codes);
  sr_free(offs);
  return v;
}

/* The highest minimum runtime over the operators, compared numerically part by part ("1.14.0" > "1.5.0"). */
static int version_less(const char* a, const char* b) {
  while (*a || *b) {
    long x = 0, y = 0;
    while (*a >= '0' && *a <= '9') x = x * 10 + (*a++ - '0');
    while (*b >= '0' && *b <= '9') y = y * 10 + (*b++ - '0');
    if (x != y) return x < y;
    if (*a == '.') a++;
    if (*b == '.') b++;
    if (!*a && !*b) break;
  }
  return 0;
}

static void min_runtime(const sr_cv_model* m, char out[16]) {
  const char* best = "";
  for (int gi = 0; gi < m->n_graphs; gi++)
    for (int o = 0; o < m->graphs[gi].n_ops; o++) {
      const sr_cv_op* op = &m->graphs[gi].ops[o];
      const char* v = op->dead ? NULL : sr_cv_min_runtime(op->code, op->version);
      if (v && version_less(best, v)) best = v;
    }
  memset(out, 0, 16);
  memcpy(out, best, strlen(best) < 15 ? strlen(best) : 15);
}

static sr_fbo write_buffers(writer* w, const char* runtime) {
  sr_fbb* b = &w->b;
  int n = w->n_buffers + 1; /* + the metadata buffer */
  sr_fbo* offs = sr_malloc((size_t)n * sizeof *offs);
  if (!offs) {
    oom(w);
    return 0;
  }
  for (int i = 0; i < n; i++) {
    const void* data = i < w->n_buffers ? w->buffers[i].data : runtime;
    size_t size = i < w->n_buffers ? w->buffers[i].size : 16;
    sr_fbo d = i == 0 ? 0 : sr_fbb_vec_u8(b, data, size, 16);
    sr_fbb_table_start(b);
    sr_fbb_add_offset(b, 0, d);
    offs[i] = sr_fbb_table_end(b);
  }
  sr_fbo v = sr_fbb_vec_offsets(b, offs, (size_t)n);
  sr_free(offs);
  return v;
}

static sr_fbo write_metadata(writer* w) {
  sr_fbb* b = &w->b;
  sr_fbo name = sr_fbb_cstring(b, "min_runtime_version");
  sr_fbb_table_start(b);
  sr_fbb_add_offset(b, 0, name);
  sr_fbb_add_u32(b, 1, (uint32_t)w->n_buffers, 0);
  sr_fbo entry = sr_fbb_table_end(b);
  return sr_fbb_vec_offsets(b, &entry, 1);
}

static sigrun_status build(writer* w, uint8_t** out, size_t* size) {
  const sr_cv_model* m = w->m;
  sr_fbb* b = &w->b;
  char runtime[16];
  min_runtime(m, runtime);
  /* Buffers first: the builder writes back to front, so they end up last in the file, after the small tables
   * a loader reads first. */
  sr_fbo buffers = write_buffers(w, runtime);
  sr_fbo* graphs = sr_malloc((size_t)(m->n_graphs ? m->n_graphs : 1) * sizeof *graphs);
  if (!graphs) return oom(w);
  for (int gi = 0; gi < m->n_graphs; gi++) graphs[gi] = write_graph(w, gi);
  sr_fbo subgraphs = sr_fbb_vec_offsets(b, graphs, (size_t)m->n_graphs);
  sr_free(graphs);
  sr_fbo signatures = write_signatures(w);
  sr_fbo opcodes = write_opcodes(w);
  sr_fbo metadata = write_metadata(w);
  sr_fbo description = sr_fbb_cstring(b, "MLIR Converted.");
  if (w->error->status) return w->error->status;
  sr_fbb_table_start(b);
  sr_fbb_add_u32(b, 0, 3, 0);
  sr_fbb_add_offset(b, 1, opcodes);
  sr_fbb_add_offset(b, 2, subgraphs);
  sr_fbb_add_offset(b, 3, description);
  sr_fbb_add_offset(b, 4, buffers);
  sr_fbb_add_offset(b, 6, metadata);
  sr_fbb_add_offset(b, 7, signatures);
  sr_fbo root = sr_fbb_table_end(b);
  sigrun_status st = sr_fbb_finish(b, root, "TFL3", w->error);
  if (st) return st;
  *out = sr_fbb_release(b, size);
  return *out ? SIGRUN_STATUS_OK : oom(w);
}

sigrun_status sr_cv_write_tflite(const sr_cv_model* m, uint8_t** out, size_t* size, sigrun_error* error) {
  *out = NULL;
  *size = 0;
  writer w;
  memset(&w, 0, sizeof w);
  w.m = m;
  w.error = error;
  sr_ok(error);
  sr_fbb_init(&w.b);
  sigrun_status st = SIGRUN_STATUS_OK;
  w.remap = sr_calloc((size_t)(m->n_graphs ? m->n_graphs : 1), sizeof *w.remap);
  w.buffer_of = sr_calloc((size_t)(m->n_graphs ? m->n_graphs : 1), sizeof *w.buffer_of);
  if (!w.remap || !w.buffer_of || push_buffer(&w, NULL, 0, 0) < 0) st = oom(&w);
  for (int gi = 0; !st && gi < m->n_graphs; gi++) st = plan_graph(&w, gi);
  if (!st) st = build(&w, out, size);
  if (st && !error->status) sr_fail(error, st, "writing the model failed");
  for (int gi = 0; w.remap && gi < m->n_graphs; gi++) sr_free(w.remap[gi]);
  for (int gi = 0; w.buffer_of && gi < m->n_graphs; gi++) sr_free(w.buffer_of[gi]);
  sr_free(w.remap);
  sr_free(w.buffer_of);
  sr_free(w.codes);
  sr_free(w.buffers);
  sr_free(w.table);
  sr_fbb_free(&w.b);
  return st;
}
