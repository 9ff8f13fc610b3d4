/*
 * policy.h — who may ask what: the API key, the browser origins allowed by
 * CORS, and the content type a JSON route takes. Pure functions over header
 * values, so each rule is tested on its own.
 */
#ifndef TN_SERVE_POLICY_H
#define TN_SERVE_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* The longest API key accepted in a key file. */
#define TN_API_KEY_MAX 512

/*
 * Reads the API key: the file's first line, surrounding whitespace removed.
 * An unreadable or empty file, or a key with spaces or control characters,
 * is TN_ERR_INPUT naming the file. `key` holds TN_API_KEY_MAX + 1 bytes.
 */
bool tn_api_key_read(const char *path, char *key, tn_error *err);

/*
 * True when an Authorization header value is "Bearer <key>" (scheme
 * case-insensitive). The key is compared in time that depends only on its
 * own length, not on how much of it the client guessed.
 */
bool tn_api_key_accepts(const char *key, const char *authorization);

/* True when `origin` (the Origin header; NULL when absent) is one of `allowed`. */
bool tn_cors_allows(const char *const *allowed, size_t count, const char *origin);

/*
 * True when an Accept-Encoding header value (NULL when absent) accepts gzip:
 * "gzip", "x-gzip" or "*" among its codings, any case, with no "q=0" (RFC
 * 9110 §12.5.3); "gzip;q=0" and "identity" alone do not.
 */
bool tn_accepts_gzip(const char *accept_encoding);

/* True for "application/json", with any parameters ("; charset=utf-8"), any case. */
bool tn_is_json_content_type(const char *content_type);

#endif
