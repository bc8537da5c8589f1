/*
 * resources.h — the interpreter-wide state that signatures share, as LiteRT keeps it per interpreter:
 * resource variables (identified by container + shared_name, ids numbered in the order the VAR_HANDLE ops
 * appear, subgraph by subgraph), hash tables (identified by HashtableOptions.table_id) and the "initializer
 * has run" flags of CALL_ONCE. Every slot is created when the interpreter is created, so no op ever has to
 * insert into a shared map while other runners read it; ops only fill slots.
 *
 * Concurrency: a runner whose graph writes state (ASSIGN_VARIABLE, HASHTABLE_IMPORT, a CALL_ONCE that has not
 * run yet) holds the interpreter's state lock for writing during its whole invoke; one that only reads
 * (READ_VARIABLE, HASHTABLE_FIND/SIZE) holds it for reading; others take no lock. So an invoke that assigns a
 * variable is atomic with respect to every other invoke that touches state.
 */
#ifndef SR_RESOURCES_H
#define SR_RESOURCES_H

#include <pthread.h>
#include <stdatomic.h>

#include "model.h"

/* A resource variable: created empty, defined by its first ASSIGN_VARIABLE (which fixes nothing: a later
 * assignment may change type and shape, as in LiteRT). */
typedef struct sr_variable {
  const char* container;   /* "" when the file has none */
  const char* shared_name;
  int assigned;
  sigrun_type type;
  int rank;
  int32_t dims[SR_MAX_RANK];
  void* data;
  size_t bytes;
  size_t capacity;
} sr_variable;

struct sr_hashtable; /* defined by src/ops/hashtable.c */

typedef struct sr_table_slot {
  int table_id;
  sigrun_type key_type;
  sigrun_type value_type;
  struct sr_hashtable* table;
} sr_table_slot;

typedef struct sr_resources {
  int n_variables;
  sr_variable* variables; /* index = resource id held by VAR_HANDLE's output */
  int n_tables;
  sr_table_slot* tables;
  int n_subgraphs;
  atomic_int* initialized; /* per subgraph: 1 once CALL_ONCE ran it as an initializer */
  pthread_rwlock_t lock;
  int lock_ready;
} sr_resources;

/* Builds every slot from the model's VAR_HANDLE and HASHTABLE operators. */
sigrun_status sr_resources_init(sr_resources* res, const sigrun_model* model, sigrun_error* error);
void sr_resources_destroy(sr_resources* res);
/* Resets every variable to "never assigned" and empties every table (LiteRT's state of a fresh interpreter);
 * the caller holds the lock for writing. */
void sr_resources_reset(sr_resources* res);

struct sr_node;
/* The resources of the interpreter that owns the node's runner. */
sr_resources* sr_node_resources(struct sr_node* node);

/* Resource id of (container, shared_name), or -1 (only for names not in the model). */
int sr_resources_variable_id(const sr_resources* res, const char* container, const char* shared_name);
/* The slot for table_id, or NULL. */
sr_table_slot* sr_resources_table(sr_resources* res, int table_id);

#endif
