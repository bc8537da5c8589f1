/*
 * runner.h — internal layout of runners and interpreters.
 * A runner executes one subgraph: it owns its tensors, nodes, arena and per-node data; it shares the model
 * (weights, parsed options) read-only. State machine: NEEDS_ALLOCATION --allocate--> READY --invoke--> READY;
 * any shape change (resize) returns it to NEEDS_ALLOCATION.
 */
#ifndef SR_RUNNER_H
#define SR_RUNNER_H

#include <pthread.h>

#include "../ops/op.h"
#include "plan.h"
#include "resources.h"
#include "threadpool.h"

#define SR_PLACEHOLDER_KEY "<placeholder signature>"

typedef enum sr_state_access {
  SR_STATE_NONE = 0,  /* touches no variable or table */
  SR_STATE_READ,      /* reads them */
  SR_STATE_WRITE,     /* assigns a variable or fills a table */
} sr_state_access;

typedef enum sr_runner_state {
  SR_RUNNER_NEEDS_ALLOCATION = 0,
  SR_RUNNER_READY,
} sr_runner_state;

struct sr_runner {
  sigrun_interpreter* interpreter;
  const sigrun_model* model;
  const sr_subgraph* subgraph;
  int subgraph_index;
  const char* key;
  int owned_by_interpreter;
  sr_pool pool; /* names, tables: lives as long as the runner */

  int n_inputs;
  const sr_io_name* inputs; /* sorted by name */
  int n_outputs;
  const sr_io_name* outputs;

  int n_tensors;
  sr_tensor* tensors;
  int n_nodes;
  sr_node* nodes;
  sr_tensor** node_io; /* backing store of every node's inputs/outputs pointer arrays */

  sr_runner_state state;
  uint8_t* arena;
  size_t arena_capacity;
  size_t arena_size;
  sr_plan_item* plan;    /* n_tensors + n_nodes items: tensors, then node scratch */
  int* plan_order;
  int* first_use;        /* scratch for lifetime analysis, n_tensors each */
  int* last_use;
  void** deferred_scratch; /* heap scratch for deferred nodes, per node */
  size_t* deferred_scratch_size;

  /* Control flow: a signature runner (the root) owns one executor per subgraph its graph calls (IF/WHILE
   * bodies, CALL_ONCE initializers), made on first use and shared by every call site in its tree, so
   * concurrent roots never share activation memory. */
  sr_runner* root;       /* itself for a signature runner */
  sr_runner** children;  /* root only: indexed by subgraph, NULL until used */
  int active;            /* being allocated or invoked: entering it again means recursion */
  int depth;             /* call depth below the root */
  sr_state_access access; /* root only: how its invoke locks the interpreter's shared state */
  const uint8_t* initializers; /* root only: per subgraph, 1 if its tree may run it through CALL_ONCE */
  unsigned epoch;        /* root only: the interpreter's cancel_epoch when the running invoke started */
  sr_mem_account mem;    /* root only: the tree's activation memory against max_arena_bytes */
  sr_mem_account* account; /* the root's mem */
  sigrun_op_profiler profiler; /* root only: sigrun_runner_set_profiler; its tree's nodes report to it */
  void* profiler_user;
};

struct sigrun_runner {
  struct sr_runner impl;
};

struct sigrun_interpreter {
  const sigrun_model* model;
  sr_resources resources;   /* variables, tables, initializer flags: shared by every runner */
  atomic_uint cancel_epoch; /* bumped by sigrun_interpreter_cancel; invokes started before it stop */
  sigrun_interpreter_options options;
  unsigned isa;             /* SR_ISA_* the fast kernels may use (cpu.h); 0 with reference_kernels_only */
  sr_threadpool* pool;      /* num_threads - 1 workers, NULL for one thread; one kernel job at a time */
  pthread_mutex_t lock;     /* guards the runner cache */
  pthread_mutex_t custom_lock; /* serializes custom ops that are not thread-safe */
  sigrun_runner** cached;   /* one per signature, created on demand */
  sigrun_runner* placeholder;
  sigrun_runner* primary;   /* borrowed: a cached runner or the placeholder */
};

/* Creates a runner for signature `sig_index` (or -1 for the placeholder over subgraph 0). */
sigrun_status sr_runner_new(sigrun_interpreter* interp, int sig_index, sigrun_runner** out, sigrun_error* error);
void sr_runner_free(sigrun_runner* runner);
/* Zeroes the runner tree's is_variable tensors (LiteRT's ResetVariableTensors). */
void sr_runner_reset_variables(sigrun_runner* runner);

/* Application custom ops (custom.c). */
const sigrun_custom_op* sr_custom_find(const sigrun_interpreter_options* options, const char* custom_code);
sigrun_status sr_custom_check_options(const sigrun_interpreter_options* options, sigrun_error* error);
/* Sets node->kind (builtin kernel or custom adapter) and runs the custom op's init. */
sigrun_status sr_custom_bind(sr_node* node, const sigrun_interpreter_options* options, sigrun_error* error);
void sr_custom_release(sr_node* node);

#endif
