/*
 * resource_ops.h — params of the operators that name interpreter-wide resources, shared with
 * src/core/resources.c (which walks the model to build every slot before any runner exists), and the hash
 * table object the interpreter owns.
 */
#ifndef SR_RESOURCE_OPS_H
#define SR_RESOURCE_OPS_H

#include "op.h"

typedef struct sr_var_handle_params {
  const char* container;   /* "" when absent */
  const char* shared_name; /* "" when absent */
} sr_var_handle_params;

typedef struct sr_hashtable_params {
  int table_id;
  sigrun_type key_type;
  sigrun_type value_type;
} sr_hashtable_params;

typedef struct sr_subgraph_call_params {
  int subgraph;       /* CALL_ONCE init subgraph, STABLEHLO_COMPOSITE decomposition */
} sr_subgraph_call_params;

typedef struct sr_if_params {
  int then_subgraph;
  int else_subgraph;
} sr_if_params;

typedef struct sr_while_params {
  int cond_subgraph;
  int body_subgraph;
} sr_while_params;

/* Implemented in src/ops/hashtable.c. */
struct sr_hashtable;
struct sr_hashtable* sr_hashtable_create(sigrun_type key_type, sigrun_type value_type);
void sr_hashtable_destroy(struct sr_hashtable* table);
void sr_hashtable_clear(struct sr_hashtable* table);

#endif
