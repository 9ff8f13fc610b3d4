/*
 * embedded.c — looking up embedded files by path (see embedded.h); the
 * table itself is generated into the build directory.
 */
#include "common/embedded.h"

#include <string.h>

const char *tn_embedded_text(const char *path) {
    size_t count;
    const tn_embedded_file *files = tn_embedded_files(&count);
    for (size_t i = 0; i < count; i++) {
        if (strcmp(files[i].path, path) == 0)
            return files[i].contents;
    }
    return NULL;
}
