/*
 * dump_saved_model.c — prints what the converter's reader decoded from a SavedModel directory: signatures with
 * their bound call, captures and checkpoint keys, the objects, the bundle entries, and (with -f) every function
 * body with resolved output indices. For inspecting models while developing the converter:
 *   gcc -std=c11 -O1 -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc tools/dev/dump_saved_model.c \
 *       build/libsigrun_convert.a build/libsigrun.a -lm -lpthread -o build/dump_saved_model
 *   build/dump_saved_model [-f] tests/data/saved_models/dense
 */
#include <stdio.h>
#include <string.h>

#include "convert/saved_model.h"

static void print_shape(const sr_tf_shape* s) {
  if (s->unknown_rank) {
    printf("<unknown rank>");
    return;
  }
  printf("[");
  for (size_t i = 0; i < s->rank; i++) printf("%s%lld", i ? "," : "", (long long)s->dims[i]);
  printf("]");
}

static void print_info(const char* what, const sr_tf_tensor_info* t) {
  printf("    %s %-16s %-32s %s ", what, t->key, t->name, sr_tf_dtype_name(t->dtype));
  print_shape(&t->shape);
  printf("\n");
}

static void print_signature(const sr_saved_model* m, const sr_tf_signature* s) {
  printf("signature '%s' (%s)\n", s->key, s->method_name);
  for (size_t i = 0; i < s->n_inputs; i++) print_info("in ", &s->inputs[i]);
  for (size_t i = 0; i < s->n_outputs; i++) print_info("out", &s->outputs[i]);
  if (!s->call) {
    printf("    unbound: %s\n", s->unbound_reason);
    return;
  }
  printf("    call %s (%s) -> %s; outputs at", s->call->node->name, s->call->node->op,
         s->call->function->signature.name);
  for (size_t i = 0; i < s->n_outputs; i++) printf(" %zu", s->call->output_index[i]);
  printf("\n");
  for (size_t i = 0; i < s->call->n_args; i++) {
    const sr_saved_call_arg* a = &s->call->args[i];
    printf("    arg %zu %-24s <- %s (%s)", i, s->call->function->signature.input_arg[i].name, a->graph_node->name,
           a->graph_node->op);
    if (a->kind == SR_SAVED_CALL_ARG_INPUT) printf(" input '%s'", a->input->key);
    if (a->kind == SR_SAVED_CALL_ARG_CAPTURE && a->object_id >= 0) {
      const sr_saved_object* o = &m->objects[a->object_id];
      printf(" object %d kind %d", (int)a->object_id, (int)o->kind);
      if (o->kind == SR_SAVED_OBJECT_VARIABLE)
        printf(" variable '%s' key '%s'", o->variable.name, o->variable.entry ? o->variable.entry->key : "(none)");
    }
    printf("\n");
  }
}

static void print_function(const sr_tf_function* f) {
  printf("function %s (", f->signature.name);
  for (size_t i = 0; i < f->signature.n_input_arg; i++)
    printf("%s%s:%s", i ? ", " : "", f->signature.input_arg[i].name, sr_tf_dtype_name(f->signature.input_arg[i].type));
  printf(") -> %zu results\n", f->signature.n_output_arg);
  for (size_t i = 0; i < f->node_def.count; i++) {
    const sr_tf_node* n = &f->node_def.items[i];
    printf("    %-40s %-24s", n->name, n->op);
    for (size_t k = 0; k < n->n_input; k++) {
      sr_tf_tensor_ref ref;
      printf(" %s", n->input[k]);
      if (!sr_tf_parse_tensor_ref(n->input[k], &ref) || ref.is_control || !ref.arg_len) continue;
      const sr_tf_node* src = sr_tf_nodes_find_n(&f->node_def, ref.name, ref.name_len);
      size_t flat;
      sigrun_error e;
      if (src && sr_tf_node_output_index(src, ref.arg, ref.arg_len, ref.index, &flat, &e) == SIGRUN_STATUS_OK)
        printf("(=%zu)", flat);
      else if (src)
        printf("(? %s)", e.message);
    }
    printf("  attrs:");
    for (size_t k = 0; k < n->attr.count; k++) printf(" %s", n->attr.items[k].key);
    printf("\n");
  }
  for (size_t i = 0; i < f->n_ret; i++) printf("    ret %s = %s\n", f->ret[i].key, f->ret[i].value);
}

int main(int argc, char** argv) {
  int functions = argc > 2 && strcmp(argv[1], "-f") == 0;
  if (argc < 2 + functions) {
    fprintf(stderr, "usage: %s [-f] SAVED_MODEL_DIR\n", argv[0]);
    return 2;
  }
  sr_saved_model* m;
  sigrun_error e;
  if (sr_saved_model_load(argv[1 + functions], &m, &e) != SIGRUN_STATUS_OK) {
    fprintf(stderr, "error: %s\n", e.message);
    return 1;
  }
  printf("schema %lld, TF %s, producer %d, %zu graph nodes, %zu functions, %zu ops, %zu objects\n",
         (long long)m->schema_version, m->tensorflow_version, (int)m->producer, m->graph.count, m->n_functions,
         m->n_ops, m->n_objects);
  for (size_t i = 0; i < m->n_signatures; i++) print_signature(m, &m->signatures[i]);
  for (size_t i = 0; i < m->n_objects; i++) {
    const sr_saved_object* o = &m->objects[i];
    printf("object %zu kind %d", i, (int)o->kind);
    for (size_t k = 0; k < o->n_children; k++) printf(" %s=%d", o->children[k].local_name, (int)o->children[k].node_id);
    if (o->kind == SR_SAVED_OBJECT_VARIABLE) {
      printf(" variable '%s' %s ", o->variable.name, sr_tf_dtype_name(o->variable.dtype));
      print_shape(&o->variable.shape);
      printf(" key '%s'", o->variable.entry ? o->variable.entry->key : "(none)");
    }
    printf("\n");
  }
  if (m->variables) {
    for (size_t i = 0; i < sr_bundle_count(m->variables); i++) {
      const sr_bundle_entry* x = sr_bundle_entry_at(m->variables, i);
      printf("entry %-60s %s ", x->key, sr_tf_dtype_name(x->dtype));
      print_shape(&x->shape);
      printf(" shard %d offset %llu size %llu\n", (int)x->shard_id, (unsigned long long)x->offset,
             (unsigned long long)x->size);
    }
  }
  for (size_t i = 0; functions && i < m->n_functions; i++) print_function(&m->functions[i]);
  sr_saved_model_destroy(m);
  return 0;
}
