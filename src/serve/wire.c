/*
 * wire.c — raw JSON error answers (see wire.h).
 */
#include "serve/wire.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

const char *tn_wire_reason(int status) {
    switch (status) {
    case 400:
        return "Bad Request";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

/* Appends `text` to out[*used..size) as the inside of a JSON string; false when it does not fit. */
static bool put_escaped(char *out, size_t size, size_t *used, const char *text) {
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        int n = *p == '"' || *p == '\\' ? snprintf(out + *used, size - *used, "\\%c", *p)
                : *p < 0x20             ? snprintf(out + *used, size - *used, "\\u%04x", *p)
                                        : snprintf(out + *used, size - *used, "%c", *p);
        if (n < 0 || (size_t)n >= size - *used)
            return false;
        *used += (size_t)n;
    }
    return true;
}

bool tn_wire_error(int fd, int status, const char *code, const char *message, bool retry_after) {
    char body[768];
    size_t length =
        (size_t)snprintf(body, sizeof body, "{\"error\":{\"code\":\"%s\",\"message\":\"", code);
    if (length >= sizeof body || !put_escaped(body, sizeof body - 4, &length, message))
        return false;
    memcpy(body + length, "\"}}", 4);
    length += 3;
    char answer[1024];
    int head =
        snprintf(answer, sizeof answer,
                 "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: "
                 "%zu\r\nConnection: close\r\n%s\r\n",
                 status, tn_wire_reason(status), length, retry_after ? "Retry-After: 1\r\n" : "");
    if (head < 0 || (size_t)head + length > sizeof answer)
        return false;
    memcpy(answer + head, body, length);
    size_t total = (size_t)head + length;
    return send(fd, answer, total, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)total;
}
