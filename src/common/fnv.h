/*
 * fnv.h — 64-bit FNV-1a, the one hash Tenure names things by (model
 * versions and sets, the survival model's held-out customers) and spreads
 * hash-table keys with.
 *
 * TN_FNV1A_SEED is the seed the model versions have always been hashed
 * from: the standard offset basis (14695981039346656037) with its last digit
 * dropped. Any 64-bit seed hashes as well; this one stays so that the same
 * models keep their ids. A table that only needs spread may use either.
 */
#ifndef TN_COMMON_FNV_H
#define TN_COMMON_FNV_H

#include <stddef.h>
#include <stdint.h>

#define TN_FNV1A_SEED 1469598103934665603ULL
#define TN_FNV1A_OFFSET_BASIS 14695981039346656037ULL

/* `hash` continued over `size` bytes. */
static inline uint64_t tn_fnv1a(uint64_t hash, const void *bytes, size_t size) {
    const unsigned char *at = bytes;
    for (size_t i = 0; i < size; i++)
        hash = (hash ^ at[i]) * 1099511628211ULL;
    return hash;
}

/* `hash` continued over the bytes of `text` (NULL: none), without its NUL. */
static inline uint64_t tn_fnv1a_text(uint64_t hash, const char *text) {
    for (const unsigned char *at = (const unsigned char *)(text ? text : ""); *at; at++)
        hash = (hash ^ *at) * 1099511628211ULL;
    return hash;
}

#endif
