/*
 * fixture.h — helpers for unit tests that compare with reference values
 * recorded in tests/fixtures (JSON written by R or SciPy scripts there).
 */
#ifndef TN_TEST_FIXTURE_H
#define TN_TEST_FIXTURE_H

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Loads tests/fixtures/<name> (the source tree comes from TN_SOURCE_DIR). */
static inline json_t *fixture_load(const char *name) {
    const char *root = getenv("TN_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/%s", root != NULL ? root : ".", name);
    json_error_t error;
    json_t *document = json_load_file(path, 0, &error);
    if (document == NULL)
        fprintf(stderr, "%s:%d: %s\n", path, error.line, error.text);
    return document;
}

/* A JSON array of numbers as a malloc'd array (null → NAN); *count receives its length. */
static inline double *fixture_numbers(const json_t *array, size_t *count) {
    size_t n = json_array_size(array);
    double *values = malloc((n ? n : 1) * sizeof *values);
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(array, i);
        values[i] = json_is_number(item) ? json_number_value(item) : NAN;
    }
    if (count != NULL)
        *count = n;
    return values;
}

static inline int *fixture_ints(const json_t *array, size_t *count) {
    size_t n = json_array_size(array);
    int *values = malloc((n ? n : 1) * sizeof *values);
    for (size_t i = 0; i < n; i++)
        values[i] = (int)json_number_value(json_array_get(array, i));
    if (count != NULL)
        *count = n;
    return values;
}

static inline double fixture_number(const json_t *object, const char *key) {
    const json_t *item = json_object_get(object, key);
    return json_is_number(item) ? json_number_value(item) : NAN;
}

/*
 * |a − b| ≤ 1e-6 · |b| (or ≤ 1e-9 near zero). The fixtures write R's NA and
 * Inf alike as null (read as NAN), so NAN expects NAN or an infinity.
 */
static inline int close_enough(double actual, double expected) {
    if (isnan(expected) || isinf(expected))
        return isnan(actual) || isinf(actual);
    return fabs(actual - expected) <= 1e-6 * fabs(expected) + 1e-9;
}

#define assert_close(actual, expected, what)                                                       \
    do {                                                                                           \
        double actual_ = (actual), expected_ = (expected);                                         \
        if (!close_enough(actual_, expected_))                                                     \
            fail_msg("%s: %.12g, expected %.12g", (what), actual_, expected_);                     \
    } while (0)

#endif
