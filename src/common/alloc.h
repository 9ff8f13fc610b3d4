/*
 * alloc.h — the one checked allocation for arrays.
 *
 * Code outside a hot loop allocates its arrays through tn_alloc_array, so a
 * count × size that overflows and an allocation that fails are both an
 * error the caller returns (TN_ERR_NOMEM, naming what was being allocated),
 * never a NULL that is used unchecked:
 *
 *     double *time = tn_alloc_array(n, sizeof *time, "survival times", err);
 *     if (time == NULL)
 *         return false;
 */
#ifndef TN_COMMON_ALLOC_H
#define TN_COMMON_ALLOC_H

#include <stddef.h>

#include "common/error.h"

/*
 * `count` elements of `size` bytes each, zeroed; the caller frees with
 * free(). A count (or size) of 0 still gives a pointer to free, so NULL
 * always means failure: then `err` holds TN_ERR_NOMEM with a message that
 * names `what` ("survival times") and the sizes asked for.
 */
void *tn_alloc_array(size_t count, size_t size, const char *what, tn_error *err);

#endif
