/*
 * embedded.h — files built into the tenure binary: the SQL under sql/ and
 * the API description api/openapi.json.
 *
 * CMake turns each of them into a C array at build time
 * (cmake/embed_files.cmake), so `tenure` runs from anywhere with nothing
 * beside it. Paths are relative to the repository: "sql/raw/schema.sql".
 */
#ifndef TN_COMMON_EMBEDDED_H
#define TN_COMMON_EMBEDDED_H

#include <stddef.h>

typedef struct {
    const char *path;     /* "sql/raw/schema.sql" */
    const char *contents; /* NUL-terminated */
    size_t length;        /* bytes, without the NUL */
} tn_embedded_file;

/* Every embedded file, sorted by path; `*count` receives how many. */
const tn_embedded_file *tn_embedded_files(size_t *count);

/* The contents of the file at `path`, or NULL when no such file is embedded. */
const char *tn_embedded_text(const char *path);

#endif
