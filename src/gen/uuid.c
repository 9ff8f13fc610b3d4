/*
 * uuid.c — formatting version-4 UUIDs (see uuid.h).
 */
#include "gen/uuid.h"

static const char hex_digits[] = "0123456789abcdef";

static char *put_hex(uint64_t value, int digits, char *out) {
    for (int i = digits - 1; i >= 0; i--) {
        out[i] = hex_digits[value & 0xf];
        value >>= 4;
    }
    return out + digits;
}

void tn_uuid_format(uint64_t high, uint64_t low, char *out) {
    high = (high & ~0xf000ULL) | 0x4000ULL;                      /* version 4 */
    low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* variant 10 */
    out = put_hex(high >> 32, 8, out);
    *out++ = '-';
    out = put_hex(high >> 16, 4, out);
    *out++ = '-';
    out = put_hex(high, 4, out);
    *out++ = '-';
    out = put_hex(low >> 48, 4, out);
    *out++ = '-';
    put_hex(low, 12, out);
}
