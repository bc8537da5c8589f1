/*
 * tensor.c — the public, read-mostly view of a runner's tensors.
 */
#include "../ops/op.h"

const char* sigrun_tensor_name(const sigrun_tensor* t) { return t ? t->def->name : ""; }
int sigrun_tensor_index(const sigrun_tensor* t) { return t ? t->index : -1; }
sigrun_type sigrun_tensor_type(const sigrun_tensor* t) { return t ? t->type : SIGRUN_TYPE_FLOAT32; }
int sigrun_tensor_rank(const sigrun_tensor* t) { return t ? t->rank : 0; }
const int32_t* sigrun_tensor_dims(const sigrun_tensor* t) { return t ? t->dims : NULL; }
int sigrun_tensor_signature_rank(const sigrun_tensor* t) { return t ? t->def->rank : 0; }
const int32_t* sigrun_tensor_signature_dims(const sigrun_tensor* t) { return t ? t->def->signature : NULL; }
size_t sigrun_tensor_element_count(const sigrun_tensor* t) { return t ? sr_tensor_count(t) : 0; }
size_t sigrun_tensor_byte_size(const sigrun_tensor* t) { return t ? t->bytes : 0; }
/* Constant tensors are views of the read-only model: writers get NULL rather than a pointer into the mapping. */
void* sigrun_tensor_data(sigrun_tensor* t) { return t && t->alloc != SR_ALLOC_CONST ? t->data : NULL; }
const void* sigrun_tensor_data_const(const sigrun_tensor* t) { return t ? t->data : NULL; }

sigrun_quantization sigrun_tensor_quantization(const sigrun_tensor* t) {
  sigrun_quantization q = {0, NULL, NULL, 0};
  if (!t) return q;
  q.count = t->def->quant.count;
  q.scales = t->def->quant.scales;
  q.zero_points = t->def->quant.zero_points;
  q.quantized_dimension = t->def->quant.quantized_dimension;
  return q;
}
