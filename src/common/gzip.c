/*
 * gzip.c — one-shot gzip compression and inflation with zlib (see gzip.h).
 */
#include "common/gzip.h"

#include <stdbool.h>
#include <stdlib.h>

#include <zlib.h>

char *tn_gzip(const char *text, size_t length, size_t *out_length) {
    z_stream stream = {0};
    /*
     * 15 window bits + 16: a gzip header and trailer around the deflate stream.
     * zlib's default level (6): on the 480 KB portfolio of 50,000 customers it
     * takes a tenth of level 9's time for a body 6 % larger.
     */
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return NULL;
    uLong bound = deflateBound(&stream, (uLong)length);
    unsigned char *out = malloc(bound > 0 ? bound : 1);
    stream.next_in = (unsigned char *)text;
    stream.avail_in = (uInt)length;
    stream.next_out = out;
    stream.avail_out = (uInt)bound;
    int result = out != NULL ? deflate(&stream, Z_FINISH) : Z_MEM_ERROR;
    *out_length = stream.total_out;
    deflateEnd(&stream);
    if (result != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    /* the bound is a little over the text's own size: a copy kept for long gives the rest back */
    unsigned char *fitted = realloc(out, *out_length > 0 ? *out_length : 1);
    return (char *)(fitted != NULL ? fitted : out);
}

char *tn_gunzip(const char *gzip, size_t length, size_t text_length) {
    z_stream stream = {0};
    if (inflateInit2(&stream, 15 + 16) != Z_OK) /* a gzip header and trailer only */
        return NULL;
    unsigned char *out = malloc(text_length + 1);
    stream.next_in = (unsigned char *)gzip;
    stream.avail_in = (uInt)length;
    stream.next_out = out;
    stream.avail_out =
        (uInt)text_length + 1; /* one more: a longer text is not taken for this one */
    int result = out != NULL ? inflate(&stream, Z_FINISH) : Z_MEM_ERROR;
    bool whole = result == Z_STREAM_END && stream.total_out == text_length;
    inflateEnd(&stream);
    if (!whole) {
        free(out);
        return NULL;
    }
    out[text_length] = '\0';
    return (char *)out;
}
