/*
 * resources.c — building and resetting the interpreter-wide resources (see resources.h). Slots are made
 * once, from the model, so concurrent runners never insert into shared tables.
 */
#include "resources.h"

#include "../format/schema_enums.h"
#include "../ops/resource_ops.h"

static int same_name(const sr_variable* v, const char* container, const char* shared_name) {
  return strcmp(v->container, container) == 0 && strcmp(v->shared_name, shared_name) == 0;
}

int sr_resources_variable_id(const sr_resources* res, const char* container, const char* shared_name) {
  for (int i = 0; i < res->n_variables; i++)
    if (same_name(&res->variables[i], container, shared_name)) return i;
  return -1;
}

sr_table_slot* sr_resources_table(sr_resources* res, int table_id) {
  for (int i = 0; i < res->n_tables; i++)
    if (res->tables[i].table_id == table_id) return &res->tables[i];
  return NULL;
}

static int count_ops(const sigrun_model* m, int code) {
  int n = 0;
  for (int s = 0; s < m->n_subgraphs; s++)
    for (int i = 0; i < m->subgraphs[s].n_operators; i++) n += m->subgraphs[s].operators[i].builtin_code == code;
  return n;
}

/* Ids follow LiteRT: the first VAR_HANDLE naming a pair (in subgraph, then operator order) gets the next id. */
static void add_variables(sr_resources* res, const sigrun_model* m) {
  for (int s = 0; s < m->n_subgraphs; s++)
    for (int i = 0; i < m->subgraphs[s].n_operators; i++) {
      const sr_operator* op = &m->subgraphs[s].operators[i];
      const sr_var_handle_params* p = op->params;
      if (op->builtin_code != SR_BUILTIN_VAR_HANDLE || !p) continue;
      if (sr_resources_variable_id(res, p->container, p->shared_name) >= 0) continue;
      sr_variable* v = &res->variables[res->n_variables++];
      v->container = p->container;
      v->shared_name = p->shared_name;
    }
}

static sigrun_status add_tables(sr_resources* res, const sigrun_model* m, sigrun_error* error) {
  for (int s = 0; s < m->n_subgraphs; s++)
    for (int i = 0; i < m->subgraphs[s].n_operators; i++) {
      const sr_operator* op = &m->subgraphs[s].operators[i];
      const sr_hashtable_params* p = op->params;
      if (op->builtin_code != SR_BUILTIN_HASHTABLE || !p) continue;
      sr_table_slot* slot = sr_resources_table(res, p->table_id);
      if (slot) {
        if (slot->key_type != p->key_type || slot->value_type != p->value_type)
          return sr_fail(error, SIGRUN_STATUS_BAD_MODEL,
                         "subgraph %d, operator %d (HASHTABLE): table %d is declared %s->%s here but %s->%s elsewhere",
                         s, i, p->table_id, sigrun_type_name(p->key_type), sigrun_type_name(p->value_type),
                         sigrun_type_name(slot->key_type), sigrun_type_name(slot->value_type));
        continue;
      }
      slot = &res->tables[res->n_tables++];
      slot->table_id = p->table_id;
      slot->key_type = p->key_type;
      slot->value_type = p->value_type;
      slot->table = sr_hashtable_create(p->key_type, p->value_type);
      if (!slot->table) return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory for hash table %d", p->table_id);
    }
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_resources_init(sr_resources* res, const sigrun_model* m, sigrun_error* error) {
  memset(res, 0, sizeof *res);
  int n_vars = count_ops(m, SR_BUILTIN_VAR_HANDLE), n_tables = count_ops(m, SR_BUILTIN_HASHTABLE);
  res->variables = sr_calloc((size_t)n_vars + 1, sizeof(sr_variable));
  res->tables = sr_calloc((size_t)n_tables + 1, sizeof(sr_table_slot));
  res->initialized = sr_calloc((size_t)m->n_subgraphs + 1, sizeof(atomic_int));
  res->n_subgraphs = m->n_subgraphs;
  if (!res->variables || !res->tables || !res->initialized) {
    sr_resources_destroy(res);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "out of memory");
  }
  for (int i = 0; i < m->n_subgraphs; i++) atomic_init(&res->initialized[i], 0);
  if (pthread_rwlock_init(&res->lock, NULL) != 0) {
    sr_resources_destroy(res);
    return sr_fail(error, SIGRUN_STATUS_NO_MEMORY, "cannot create the state lock");
  }
  res->lock_ready = 1;
  add_variables(res, m);
  sigrun_status st = add_tables(res, m, error);
  if (st) sr_resources_destroy(res);
  return st;
}

static void clear_variable(sr_variable* v) {
  sr_aligned_free(v->data);
  v->data = NULL;
  v->bytes = v->capacity = 0;
  v->assigned = 0;
  v->rank = 0;
}

void sr_resources_reset(sr_resources* res) {
  for (int i = 0; i < res->n_variables; i++) clear_variable(&res->variables[i]);
  for (int i = 0; i < res->n_tables; i++)
    if (res->tables[i].table) sr_hashtable_clear(res->tables[i].table);
  for (int i = 0; i < res->n_subgraphs; i++) atomic_store(&res->initialized[i], 0);
}

void sr_resources_destroy(sr_resources* res) {
  if (res->variables)
    for (int i = 0; i < res->n_variables; i++) clear_variable(&res->variables[i]);
  if (res->tables)
    for (int i = 0; i < res->n_tables; i++) sr_hashtable_destroy(res->tables[i].table);
  if (res->lock_ready) pthread_rwlock_destroy(&res->lock);
  sr_free(res->variables);
  sr_free(res->tables);
  sr_free(res->initialized);
  memset(res, 0, sizeof *res);
}
