/*
 * sha256.c — the SHA-256 digest by OpenSSL's libcrypto (see sha256.h).
 */
#include "common/sha256.h"

#include <stdio.h>

#include <openssl/sha.h>

void tn_sha256(const void *data, size_t length, uint8_t digest[TN_SHA256_BYTES]) {
    SHA256(data, length, digest);
}

char *tn_sha256_hex(const void *data, size_t length, char out[TN_SHA256_HEX]) {
    uint8_t digest[TN_SHA256_BYTES];
    tn_sha256(data, length, digest);
    for (int i = 0; i < TN_SHA256_BYTES; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
    return out;
}
