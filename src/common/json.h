/*
 * json.h — the one rule for numbers in Tenure's JSON output: a value that is
 * NaN or infinite is written as null, never as a number JSON cannot hold;
 * and the few ways Tenure reads its own documents back (a member as a number
 * or text with a stand-in when absent, an array of numbers).
 */
#ifndef TN_COMMON_JSON_H
#define TN_COMMON_JSON_H

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <jansson.h>

/* A JSON real, or null when `value` is NaN or infinite. */
static inline json_t *tn_json_real(double value) {
    return isfinite(value) ? json_real(value) : json_null();
}

/* A JSON string, or null when `text` is NULL. */
static inline json_t *tn_json_text(const char *text) {
    return text != NULL ? json_string(text) : json_null();
}

/* `object`.`key` as a number, or NAN when it is absent or not a number. */
static inline double tn_json_number_or_nan(const json_t *object, const char *key) {
    const json_t *value = json_object_get(object, key);
    return json_is_number(value) ? json_number_value(value) : NAN;
}

/* `object`.`key` as text, or "" when it is absent or not a string. */
static inline const char *tn_json_text_or_empty(const json_t *object, const char *key) {
    const char *value = json_string_value(json_object_get(object, key));
    return value != NULL ? value : "";
}

/*
 * A JSON array of numbers into *out (malloc'd, the caller frees it) and *count.
 * False, with *out NULL, when `array` is not an array of numbers or memory runs out.
 */
static inline bool tn_json_numbers(const json_t *array, double **out, size_t *count) {
    *count = json_array_size(array);
    *out = json_is_array(array) ? malloc((*count + 1) * sizeof **out) : NULL;
    for (size_t i = 0; *out != NULL && i < *count; i++) {
        const json_t *item = json_array_get(array, i);
        if (!json_is_number(item)) {
            free(*out);
            *out = NULL;
            break;
        }
        (*out)[i] = json_number_value(item);
    }
    return *out != NULL;
}

#endif
