/*
 * utf8.h — checking and repairing UTF-8 in bytes from outside: what
 * clients send the server, and the records of a company's exports.
 *
 * A client's bytes end up in error messages (an id that is no customer, a
 * query value, a content type), and a JSON string must be UTF-8: jansson
 * refuses anything else. tn_utf8_repair turns any bytes into UTF-8, so an
 * error answer can always quote what it refuses. A record the loader
 * reports goes into a DuckDB VARCHAR, which must be UTF-8 too
 * (csv_lines.h escapes the bytes that are not). "Well formed" is RFC
 * 3629's (no overlong forms, no surrogates, nothing above U+10FFFF), as
 * jansson and DuckDB check it. Pure functions.
 */
#ifndef TN_COMMON_UTF8_H
#define TN_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The length of the well-formed UTF-8 character at `text` (1 to 4 bytes, of
 * the `left` bytes there), or 0 when the bytes there do not start one.
 */
size_t tn_utf8_sequence(const char *text, size_t left);

/* True when the `length` bytes of `text` are well-formed UTF-8. */
bool tn_utf8_valid(const char *text, size_t length);

/*
 * Copies the NUL-terminated `text` into out[size] (size ≥ 4) as well-formed
 * UTF-8: every byte that does not start a well-formed sequence becomes
 * U+FFFD. What does not fit is dropped at a character boundary. Returns out.
 */
char *tn_utf8_repair(const char *text, char *out, size_t size);

#endif
