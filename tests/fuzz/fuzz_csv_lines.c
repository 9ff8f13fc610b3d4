/*
 * fuzz_csv_lines.c — libFuzzer target: the loader's own reading of CSV,
 * TSV and JSON-lines files. First the scan for the physical line and text
 * of each record (warehouse/csv_lines.h), which turns DuckDB's numbering
 * of a problem into file:line and keeps the record's text for the report;
 * then the splitting of the file's first line into column names
 * (tn_load_split_header, load_files.h), as for a CSV or TSV header.
 *
 * The input is two bytes of parameters and the file. The first byte picks
 * the dialect: bits 0-1 the delimiter (',', tab, ';', '|'), bit 2 no
 * quoting, bit 3 no header, bit 4 JSON lines (as the loader reads them:
 * delimiter 0x01, no quote, no header, lines of spaces skipped). The second
 * byte's low three bits say how many of the next bytes are lookups: each is
 * a DuckDB line of a rejected record (high bit set) or the index of an
 * accepted row (the low 7 bits); the rejected lines are also the list of
 * rejected records. The rest is the file (gzip'd or not, as in an export).
 *
 * It fails when a record's text is not valid UTF-8 (it goes into a DuckDB
 * VARCHAR) or longer than the 1,000 bytes it is cut to once escaped, when
 * a line lies past the file's last line, or when a column name ends in
 * a space (names are trimmed).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "memfile.h"
#include "warehouse/csv_lines.h"
#include "warehouse/load_files.h"

enum { MAX_LOOKUPS = 7, MAX_ESCAPED = 4 * 1000, MAX_NAMES = 64 };

static tn_csv_dialect dialect_of(uint8_t flags) {
    static const char delimiters[] = {',', '\t', ';', '|'};
    if (flags & 16)
        return (tn_csv_dialect){
            .delimiter = '\x01', .quote = 0, .header = false, .skip_space_lines = true};
    return (tn_csv_dialect){
        .delimiter = delimiters[flags & 3], .quote = (flags & 4) ? 0 : '"', .header = !(flags & 8)};
}

static int compare_lines(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void fail(const char *what, const tn_csv_lookup *lookup) {
    fprintf(stderr, "fuzz_csv_lines: %s: line %lld, text '%s'\n", what, (long long)lookup->line,
            lookup->text ? lookup->text : "(none)");
    abort();
}

/* The physical lines a file has: one more than its newlines (a last line may lack one). */
static int64_t lines_in(const uint8_t *data, size_t size) {
    int64_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    return lines;
}

static void check(const tn_csv_lookup *lookup, int64_t lines, bool gzipped) {
    if (lookup->line == -1) {
        if (lookup->text != NULL)
            fail("a text without a line", lookup);
        return;
    }
    if (lookup->text == NULL || lookup->line < 1 || (!gzipped && lookup->line > lines))
        fail("a line outside the file", lookup);
    size_t length = strlen(lookup->text);
    json_t *utf8 = json_stringn(lookup->text, length); /* NULL unless well-formed UTF-8 */
    if (utf8 == NULL)
        fail("a record text that is not UTF-8", lookup);
    json_decref(utf8);
    if (length > MAX_ESCAPED)
        fail("a record text longer than its limit", lookup);
}

/* The file's first line as a header, split as the loader splits it. */
static void split_header(const uint8_t *file, size_t size, const tn_csv_dialect *dialect) {
    const uint8_t *newline = memchr(file, '\n', size);
    char *line = strndup((const char *)file, newline ? (size_t)(newline - file) : size);
    char *names[MAX_NAMES];
    int count = tn_load_split_header(line, dialect->delimiter, dialect->quote, names, MAX_NAMES);
    if (count < 1 || count > MAX_NAMES)
        abort();
    for (int i = 0; i < count; i++) {
        size_t length = strlen(names[i]);
        if (length > 0 && isspace((unsigned char)names[i][length - 1])) {
            fprintf(stderr, "fuzz_csv_lines: column name '%s' ends in a space\n", names[i]);
            abort();
        }
        free(names[i]);
    }
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2)
        return 0;
    tn_csv_dialect dialect = dialect_of(data[0]);
    size_t count = data[1] & MAX_LOOKUPS;
    if (size < 2 + count)
        return 0;
    tn_csv_lookup lookups[MAX_LOOKUPS];
    int64_t rejected[MAX_LOOKUPS];
    size_t rejected_count = 0;
    for (size_t i = 0; i < count; i++) {
        uint8_t b = data[2 + i];
        bool is_rejected = b & 0x80;
        lookups[i] = (tn_csv_lookup){is_rejected ? (int64_t)(b & 0x7F) : -1,
                                     is_rejected ? -1 : (int64_t)(b & 0x7F), 0, NULL};
        if (is_rejected)
            rejected[rejected_count++] = b & 0x7F;
    }
    qsort(rejected, rejected_count, sizeof *rejected, compare_lines);
    size_t unique = 0;
    for (size_t i = 0; i < rejected_count; i++)
        if (unique == 0 || rejected[unique - 1] != rejected[i])
            rejected[unique++] = rejected[i];
    const uint8_t *file = data + 2 + count;
    size_t file_size = size - 2 - count;
    int64_t records = -1;
    tn_error err;
    const char *path = tn_fuzz_memfile(file, file_size);
    bool read = tn_csv_locate(path, &dialect, rejected, unique, lookups, count, &records, &err);
    bool gzipped = file_size >= 2 && file[0] == 0x1f && file[1] == 0x8b;
    for (size_t i = 0; i < count; i++) {
        if (read)
            check(&lookups[i], lines_in(file, file_size), gzipped);
        free(lookups[i].text);
    }
    if (read && records < 0)
        abort();
    split_header(file, file_size, &dialect);
    return 0;
}
