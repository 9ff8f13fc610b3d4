/*
 * strbuf.h — a growable, always NUL-terminated byte string.
 *
 * Used wherever text is assembled piece by piece (help screens, SQL with
 * substitutions, JSON and CSV output). The buffer owns its memory: release it
 * with tn_strbuf_free() or take it over with tn_strbuf_detach().
 *
 *     tn_strbuf sb = TN_STRBUF_INIT;
 *     tn_strbuf_printf(&sb, "%d customers", n);
 *     puts(tn_strbuf_cstr(&sb));
 *     tn_strbuf_free(&sb);
 *
 * Appending functions return false when memory runs out; the buffer then
 * keeps its previous contents.
 */
#ifndef TN_COMMON_STRBUF_H
#define TN_COMMON_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data;      /* NULL until the first append */
    size_t length;   /* bytes used, not counting the terminating NUL */
    size_t capacity; /* bytes allocated */
} tn_strbuf;

#define TN_STRBUF_INIT                                                                             \
    { NULL, 0, 0 }

/* Makes room for at least `extra` more bytes (plus the NUL) without changing the contents. */
bool tn_strbuf_reserve(tn_strbuf *sb, size_t extra);

/* Appends `length` bytes from `bytes` (which may contain NULs). */
bool tn_strbuf_append(tn_strbuf *sb, const char *bytes, size_t length);

/* Appends a NUL-terminated string. */
bool tn_strbuf_puts(tn_strbuf *sb, const char *text);

/* Appends one character. */
bool tn_strbuf_putc(tn_strbuf *sb, char c);

/* Appends printf-style formatted text. */
bool tn_strbuf_printf(tn_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The contents as a C string: "" for an empty buffer, never NULL. Valid until the next change. */
const char *tn_strbuf_cstr(const tn_strbuf *sb);

/* Empties the buffer but keeps its memory for reuse. */
void tn_strbuf_reset(tn_strbuf *sb);

/*
 * Hands the contents to the caller, who must free() them, and leaves the
 * buffer empty. Returns a freshly allocated "" for an empty buffer, or NULL
 * when that allocation fails.
 */
char *tn_strbuf_detach(tn_strbuf *sb);

/* Releases the memory and leaves the buffer empty and reusable. */
void tn_strbuf_free(tn_strbuf *sb);

#endif
