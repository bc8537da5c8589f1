/*
 * cast.h — IEEE half-precision conversions, exact in both directions (f32 -> f16 rounds to nearest even,
 * keeps subnormals, overflows to infinity and keeps NaN a NaN), for CAST, DEQUANTIZE and any kernel that
 * reads float16 data.
 */
#ifndef SR_CAST_H
#define SR_CAST_H

#include <stdint.h>

float sr_cast_f16_to_f32(uint16_t h);
uint16_t sr_cast_f32_to_f16(float f);

#endif /* SR_CAST_H */
