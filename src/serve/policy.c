/*
 * policy.c — API keys, CORS origins, content types (see policy.h).
 */
#include "serve/policy.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool tn_api_key_read(const char *path, char *key, tn_error *err) {
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return tn_error_set(err, TN_ERR_INPUT, "--api-key-file %s: %s", path, strerror(errno));
    char line[TN_API_KEY_MAX + 2] = "";
    bool read = fgets(line, sizeof line, file) != NULL;
    fclose(file);
    size_t start = 0, end = read ? strlen(line) : 0;
    while (start < end && isspace((unsigned char)line[start]))
        start++;
    while (end > start && isspace((unsigned char)line[end - 1]))
        end--;
    if (end == start)
        return tn_error_set(err, TN_ERR_INPUT, "--api-key-file %s: the first line holds no key",
                            path);
    if (end - start > TN_API_KEY_MAX)
        return tn_error_set(err, TN_ERR_INPUT, "--api-key-file %s: the key is longer than %d bytes",
                            path, TN_API_KEY_MAX);
    for (size_t i = start; i < end; i++)
        if (!isgraph((unsigned char)line[i]))
            return tn_error_set(err, TN_ERR_INPUT,
                                "--api-key-file %s: the key holds a space or control character at "
                                "column %zu",
                                path, i + 1);
    memcpy(key, line + start, end - start);
    key[end - start] = '\0';
    return true;
}

bool tn_api_key_accepts(const char *key, const char *authorization) {
    static const char scheme[] = "Bearer ";
    size_t prefix = sizeof scheme - 1;
    if (authorization == NULL || strncasecmp(authorization, scheme, prefix) != 0)
        return false;
    const char *given = authorization + prefix;
    size_t key_length = strlen(key), given_length = strlen(given);
    /* Every byte of the key is compared, whatever the client sent. */
    unsigned char difference = key_length != given_length;
    for (size_t i = 0; i < key_length; i++) {
        unsigned char other = i < given_length ? (unsigned char)given[i] : 0;
        difference |= (unsigned char)key[i] ^ other;
    }
    return difference == 0;
}

bool tn_cors_allows(const char *const *allowed, size_t count, const char *origin) {
    for (size_t i = 0; origin != NULL && i < count; i++)
        if (strcmp(allowed[i], origin) == 0)
            return true;
    return false;
}

bool tn_is_json_content_type(const char *content_type) {
    static const char json[] = "application/json";
    size_t length = sizeof json - 1;
    if (content_type == NULL)
        return false;
    while (*content_type == ' ' || *content_type == '\t')
        content_type++;
    if (strncasecmp(content_type, json, length) != 0)
        return false;
    const char *rest = content_type + length;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    return *rest == '\0' || *rest == ';';
}

/* Whether the parameters after a coding (";q=0.5") leave it acceptable: a q of 0 does not. */
static bool weight_positive(const char *parameters, size_t length) {
    const char *end = parameters + length;
    for (const char *p = parameters; p < end; p++) {
        if (*p != ';')
            continue;
        const char *q = p + 1;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (end - q >= 2 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=')
            return strtod(q + 2, NULL) > 0;
    }
    return true;
}

bool tn_accepts_gzip(const char *accept_encoding) {
    int named = -1, any = -1; /* gzip (or x-gzip) and "*": -1 not listed, else acceptable */
    for (const char *p = accept_encoding; p != NULL && *p != '\0';) {
        p += strspn(p, " \t,");
        size_t item = strcspn(p, ",");
        size_t name = strcspn(p, ";, \t");
        bool gzip = (name == 4 && strncasecmp(p, "gzip", 4) == 0) ||
                    (name == 6 && strncasecmp(p, "x-gzip", 6) == 0);
        if (gzip || (name == 1 && p[0] == '*'))
            *(gzip ? &named : &any) = weight_positive(p + name, item - name);
        p += item;
    }
    return named >= 0 ? named == 1 : any == 1; /* "gzip;q=0" wins over "*" */
}
