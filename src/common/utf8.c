/*
 * utf8.c — UTF-8 checks of bytes from outside (see utf8.h).
 */
#include "common/utf8.h"

#include <string.h>

size_t tn_utf8_sequence(const char *text, size_t left) {
    const unsigned char *p = (const unsigned char *)text;
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t length = c >= 0xC2 && c <= 0xDF   ? 2
                    : c >= 0xE0 && c <= 0xEF ? 3
                    : c >= 0xF0 && c <= 0xF4 ? 4
                                             : 0;
    if (length == 0 || length > left)
        return 0;
    /* The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
     */
    unsigned char low = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    unsigned char high = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
    if (p[1] < low || p[1] > high)
        return 0;
    for (size_t i = 2; i < length; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return length;
}

bool tn_utf8_valid(const char *text, size_t length) {
    for (size_t i = 0; i < length;) {
        size_t n = tn_utf8_sequence(text + i, length - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

char *tn_utf8_repair(const char *text, char *out, size_t size) {
    static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
    const char *p = text;
    size_t left = strlen(text), used = 0;
    while (left > 0) {
        size_t n = tn_utf8_sequence(p, left);
        const char *piece = n > 0 ? p : replacement;
        size_t piece_length = n > 0 ? n : 3;
        if (used + piece_length >= size)
            break;
        memcpy(out + used, piece, piece_length);
        used += piece_length;
        p += n > 0 ? n : 1;
        left -= n > 0 ? n : 1;
    }
    out[used] = '\0';
    return out;
}
