/*
 * fuzz_convert.c — libFuzzer targets for the converter's reader (not part of the CMake build, whose glob takes
 * only test_*.c here; test_convert_fuzz.c is the replay-style test that runs in ctest). Build with clang:
 *   clang -std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -fsanitize=fuzzer,address,undefined \
 *       -fno-sanitize-recover=undefined -Iinclude -Isrc [-DFUZZ_BUNDLE] tests/convert/fuzz_convert.c \
 *       $(find src/convert -name '*.c') src/core/common.c -o build/fuzz_convert
 *   build/fuzz_convert CORPUS_DIR -max_len=70000     (seed with tests/data/saved_models/<name>/saved_model.pb,
 *                                                      or with FUZZ_BUNDLE, .../variables/variables.index)
 * The saved_model.pb target walks what a successful load returns as the lowering does; the bundle target reads
 * every entry of an index that opens (the data comes from the conv model's shard, so reads meet bad offsets).
 */
#include <stdint.h>
#include <stdlib.h>

#include "convert/saved_model.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#ifdef FUZZ_BUNDLE
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sr_bundle* b;
  sigrun_error e;
  if (sr_bundle_open_index("tests/data/saved_models/conv/variables/variables", data, size, &b, &e) != SIGRUN_STATUS_OK)
    return 0;
  for (size_t i = 0; i < sr_bundle_count(b); i++) {
    const sr_bundle_entry* x = sr_bundle_entry_at(b, i);
    if (x->size > 65536) continue;
    if (x->dtype == SR_TF_STRING) {
      sr_pool pool;
      sr_pool_init(&pool);
      sr_tf_bytes* items;
      size_t n;
      (void)sr_bundle_read_strings(b, x, &pool, &items, &n, &e);
      sr_pool_destroy(&pool);
    } else if (sr_tf_dtype_size(x->dtype)) {
      void* buf = malloc((size_t)x->size + 1);
      (void)sr_bundle_read(b, x, buf, (size_t)x->size, &e);
      free(buf);
    }
  }
  sr_bundle_destroy(b);
  return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sr_saved_model* m;
  sigrun_error e;
  if (sr_saved_model_load_buffer(data, size, "saved_model.pb", NULL, &m, &e) != SIGRUN_STATUS_OK) return 0;
  for (size_t i = 0; i < m->n_functions; i++) {
    const sr_tf_function* f = &m->functions[i];
    for (size_t k = 0; k < f->node_def.count; k++) {
      const sr_tf_node* n = &f->node_def.items[k];
      size_t count, flat, nbytes;
      (void)sr_tf_node_output_count(n, &count, &e);
      for (size_t j = 0; j < n->n_input; j++) {
        sr_tf_tensor_ref ref;
        if (!sr_tf_parse_tensor_ref(n->input[j], &ref) || ref.is_control) continue;
        const sr_tf_node* src = sr_tf_nodes_find_n(&f->node_def, ref.name, ref.name_len);
        if (src) (void)sr_tf_node_output_index(src, ref.arg, ref.arg_len, ref.index, &flat, &e);
      }
      const sr_tf_attr* v = sr_tf_node_attr(n, "value");
      if (v && v->kind == SR_TF_ATTR_TENSOR && sr_tf_tensor_nbytes(v->tensor, &nbytes, &e) == SIGRUN_STATUS_OK &&
          nbytes < (1u << 20)) {
        void* buf = malloc(nbytes + 1);
        (void)sr_tf_tensor_read(v->tensor, buf, nbytes, &e);
        free(buf);
      }
    }
  }
  sr_saved_model_destroy(m);
  return 0;
}
#endif
