/*
 * strbuf.c — growable strings (see strbuf.h). Capacity doubles, so n appends
 * cost O(total length) amortised.
 */
#include "common/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool tn_strbuf_reserve(tn_strbuf *sb, size_t extra) {
    if (extra > SIZE_MAX - sb->length - 1)
        return false;
    size_t needed = sb->length + extra + 1;
    if (needed <= sb->capacity)
        return true;
    size_t capacity = sb->capacity < 64 ? 64 : sb->capacity;
    while (capacity < needed)
        capacity = capacity > SIZE_MAX / 2 ? needed : capacity * 2;
    char *grown = realloc(sb->data, capacity);
    if (grown == NULL)
        return false;
    sb->data = grown;
    sb->capacity = capacity;
    return true;
}

bool tn_strbuf_append(tn_strbuf *sb, const char *bytes, size_t length) {
    if (!tn_strbuf_reserve(sb, length))
        return false;
    if (length > 0)
        memcpy(sb->data + sb->length, bytes, length);
    sb->length += length;
    sb->data[sb->length] = '\0';
    return true;
}

bool tn_strbuf_puts(tn_strbuf *sb, const char *text) {
    return tn_strbuf_append(sb, text, strlen(text));
}

bool tn_strbuf_putc(tn_strbuf *sb, char c) {
    return tn_strbuf_append(sb, &c, 1);
}

bool tn_strbuf_printf(tn_strbuf *sb, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    va_list measure;
    va_copy(measure, args);
    int needed = vsnprintf(NULL, 0, fmt, measure);
    va_end(measure);
    bool ok = needed >= 0 && tn_strbuf_reserve(sb, (size_t)needed);
    if (ok) {
        vsnprintf(sb->data + sb->length, (size_t)needed + 1, fmt, args);
        sb->length += (size_t)needed;
    }
    va_end(args);
    return ok;
}

const char *tn_strbuf_cstr(const tn_strbuf *sb) {
    return sb->data != NULL ? sb->data : "";
}

void tn_strbuf_reset(tn_strbuf *sb) {
    sb->length = 0;
    if (sb->data != NULL)
        sb->data[0] = '\0';
}

char *tn_strbuf_detach(tn_strbuf *sb) {
    char *contents = sb->data;
    if (contents == NULL)
        contents = calloc(1, 1);
    sb->data = NULL;
    sb->length = 0;
    sb->capacity = 0;
    return contents;
}

void tn_strbuf_free(tn_strbuf *sb) {
    free(sb->data);
    sb->data = NULL;
    sb->length = 0;
    sb->capacity = 0;
}
