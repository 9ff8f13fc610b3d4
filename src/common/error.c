/*
 * error.c — filling and decorating tn_error values (see error.h).
 */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void tn_error_clear(tn_error *err) {
    if (err == NULL)
        return;
    err->code = TN_OK;
    err->message[0] = '\0';
}

bool tn_error_set(tn_error *err, tn_error_code code, const char *fmt, ...) {
    if (err == NULL)
        return false;
    err->code = code;
    va_list args;
    va_start(args, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, args);
    va_end(args);
    return false;
}

void tn_error_prefix(tn_error *err, const char *fmt, ...) {
    if (err == NULL || err->code == TN_OK)
        return;
    char context[TN_ERROR_MESSAGE_MAX];
    va_list args;
    va_start(args, fmt);
    vsnprintf(context, sizeof context, fmt, args);
    va_end(args);

    /* message := context ": " message, cut at the buffer's end */
    const size_t capacity = sizeof err->message - 1;
    size_t head = strlen(context);
    if (head > capacity - 2)
        head = capacity - 2;
    size_t tail = strlen(err->message);
    if (head + 2 + tail > capacity)
        tail = capacity - head - 2;
    memmove(err->message + head + 2, err->message, tail);
    memcpy(err->message, context, head);
    err->message[head] = ':';
    err->message[head + 1] = ' ';
    err->message[head + 2 + tail] = '\0';
}

const char *tn_error_code_name(tn_error_code code) {
    switch (code) {
    case TN_OK:
        return "ok";
    case TN_ERR_USAGE:
        return "usage";
    case TN_ERR_INPUT:
        return "input";
    case TN_ERR_IO:
        return "io";
    case TN_ERR_DB:
        return "database";
    case TN_ERR_MODEL:
        return "model";
    case TN_ERR_NOMEM:
        return "out of memory";
    case TN_ERR_INTERNAL:
        return "internal";
    case TN_ERR_INTERRUPTED:
        return "interrupted";
    }
    return "unknown";
}

int tn_error_exit_status(const tn_error *err) {
    if (err == NULL || err->code == TN_OK)
        return 0;
    if (err->code == TN_ERR_USAGE)
        return 2;
    return err->code == TN_ERR_INTERRUPTED ? 130 : 1;
}
