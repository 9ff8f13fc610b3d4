/*
 * gzip.h — a text compressed once, sent many times: the server keeps a gzip
 * copy of its large shared answers (the dashboard's views, the movers) and
 * sends it to clients that accept gzip, a tenth of the bytes. A body kept
 * only compressed is inflated for the clients that do not.
 */
#ifndef TN_COMMON_GZIP_H
#define TN_COMMON_GZIP_H

#include <stddef.h>

/*
 * `length` bytes of `text` in the gzip format (RFC 1952, zlib's best
 * compression), malloc'd (the caller frees it) with its size in *out_length;
 * NULL when memory runs out.
 */
char *tn_gzip(const char *text, size_t length, size_t *out_length);

/*
 * The text of `length` bytes of gzip (as tn_gzip makes it) that inflates to
 * exactly `text_length` bytes, malloc'd with a NUL after it (the caller
 * frees it); NULL when memory runs out or the data is not such a text.
 */
char *tn_gunzip(const char *gzip, size_t length, size_t text_length);

#endif
