/*
 * alloc.c — checked array allocation (see alloc.h).
 */
#include "common/alloc.h"

#include <stdint.h>
#include <stdlib.h>

void *tn_alloc_array(size_t count, size_t size, const char *what, tn_error *err) {
    if (size != 0 && count > SIZE_MAX / size) {
        tn_error_set(err, TN_ERR_NOMEM, "out of memory: %zu %s of %zu bytes each overflow a size",
                     count, what, size);
        return NULL;
    }
    /* calloc(0, ...) may return NULL: ask for one byte so NULL only ever means failure */
    void *memory = count == 0 || size == 0 ? calloc(1, 1) : calloc(count, size);
    if (memory == NULL)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory allocating %zu %s of %zu bytes each", count,
                     what, size);
    return memory;
}
