/*
 * crc32c.h — CRC-32C (Castagnoli), the checksum of LevelDB tables and TensorFlow bundles, and the "mask"
 * both apply to a CRC stored next to the data it covers.
 */
#ifndef SR_CONVERT_CRC32C_H
#define SR_CONVERT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32C of data[0..n) continuing from crc (0 for a fresh checksum). */
uint32_t sr_crc32c_extend(uint32_t crc, const void* data, size_t n);
static inline uint32_t sr_crc32c(const void* data, size_t n) { return sr_crc32c_extend(0, data, n); }

/* Stored CRCs are rotated right by 15 bits and offset, so a CRC of bytes that embed CRCs stays well mixed. */
#define SR_CRC32C_MASK_DELTA 0xa282ead8u
static inline uint32_t sr_crc32c_mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + SR_CRC32C_MASK_DELTA; }
static inline uint32_t sr_crc32c_unmask(uint32_t masked) {
  uint32_t rot = masked - SR_CRC32C_MASK_DELTA;
  return (rot >> 17) | (rot << 15);
}

#endif /* SR_CONVERT_CRC32C_H */
