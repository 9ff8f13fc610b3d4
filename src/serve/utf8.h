/*
 * utf8.h — checking and repairing UTF-8 in what clients send.
 *
 * A client's bytes end up in error messages (an id that is no customer, a
 * query value, a content type), and a JSON string must be UTF-8: jansson
 * refuses anything else. tn_utf8_repair turns any bytes into UTF-8, so an
 * error answer can always quote what it refuses. "Well formed" is RFC 3629's
 * (no overlong forms, no surrogates, nothing above U+10FFFF), as jansson
 * checks it. Pure functions.
 */
#ifndef TN_SERVE_UTF8_H
#define TN_SERVE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when the `length` bytes of `text` are well-formed UTF-8. */
bool tn_utf8_valid(const char *text, size_t length);

/*
 * Copies the NUL-terminated `text` into out[size] (size ≥ 4) as well-formed
 * UTF-8: every byte that does not start a well-formed sequence becomes
 * U+FFFD. What does not fit is dropped at a character boundary. Returns out.
 */
char *tn_utf8_repair(const char *text, char *out, size_t size);

#endif
