/*
 * activations.h — parameters of the activation ops that have options (SOFTMAX), shared by activations.c
 * and its tests.
 */
#ifndef SR_ACTIVATIONS_H
#define SR_ACTIVATIONS_H

/* SoftmaxOptions. LiteRT reads beta as 0 when the options table or the field is absent (a uniform output). */
typedef struct sr_softmax_params {
  float beta;
} sr_softmax_params;

#endif /* SR_ACTIVATIONS_H */
