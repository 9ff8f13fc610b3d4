/*
 * sha256.h — the SHA-256 digest (FIPS 180-4), for keys that must be the
 * same on every run and safe to send anywhere: an alert's idempotency key
 * (insight/alerts.h) is the hex digest of what identifies the alert, so a
 * customer id holding any bytes still gives 64 characters of [0-9a-f].
 * OpenSSL's libcrypto computes it (libssl-dev, which libcurl's OpenSSL
 * flavour brings). Pure functions; no allocation.
 */
#ifndef TN_COMMON_SHA256_H
#define TN_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define TN_SHA256_BYTES 32
#define TN_SHA256_HEX (2 * TN_SHA256_BYTES + 1) /* 64 hex digits and the NUL */

/* The digest of `length` bytes at `data` into digest[32]. */
void tn_sha256(const void *data, size_t length, uint8_t digest[TN_SHA256_BYTES]);

/* The digest as 64 lower-case hex digits and a NUL into out[65]; returns `out`. */
char *tn_sha256_hex(const void *data, size_t length, char out[TN_SHA256_HEX]);

#endif
