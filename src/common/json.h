/*
 * json.h — the one rule for numbers in Tenure's JSON output: a value that is
 * NaN or infinite is written as null, never as a number JSON cannot hold.
 */
#ifndef TN_COMMON_JSON_H
#define TN_COMMON_JSON_H

#include <math.h>

#include <jansson.h>

/* A JSON real, or null when `value` is NaN or infinite. */
static inline json_t *tn_json_real(double value) {
    return isfinite(value) ? json_real(value) : json_null();
}

/* A JSON string, or null when `text` is NULL. */
static inline json_t *tn_json_text(const char *text) {
    return text != NULL ? json_string(text) : json_null();
}

#endif
