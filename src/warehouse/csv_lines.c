/*
 * csv_lines.c — the physical line of each CSV record (see csv_lines.h).
 */
#include "warehouse/csv_lines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "common/alloc.h"
#include "common/utf8.h"

enum { MAX_TEXT = 1000, BLOCK = 1 << 16 };

typedef enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED } field_state;

/* Where the scan is: counters of the record being read. */
typedef struct {
    int64_t physical_line;   /* current line, counting every newline */
    int64_t logical_line;    /* DuckDB's numbering: newlines outside quotes */
    int64_t record_physical; /* where the current record started */
    int64_t record_logical;
    int64_t data_records; /* records after the header seen so far */
    int64_t accepted;     /* accepted rows seen so far */
    bool in_record;       /* a record has started on this logical line */
    field_state state;
    char text[MAX_TEXT + 1];
    size_t text_length;
    tn_csv_dialect dialect;
} scan_state;

typedef struct {
    const int64_t *rejected;
    size_t rejected_count, next_rejected;
    tn_csv_lookup *lookups;
    size_t *by_line, line_count, next_line; /* lookups of rejected records, by line */
    size_t *by_row, row_count, next_row;    /* lookups of accepted rows, by row */
    bool out_of_memory;                     /* a record's text could not be kept */
} targets;

/*
 * The record's text as valid UTF-8, for the rejects table: a byte that is
 * not part of a well-formed UTF-8 character (common/utf8.h: no surrogates
 * or overlong forms either, which DuckDB refuses in a VARCHAR) becomes
 * "\xNN", a NUL byte "\0". Caller frees.
 */
static char *printable_text(const char *text, size_t length) {
    char *out = malloc(length * 4 + 1);
    size_t n = 0;
    for (size_t i = 0; out != NULL && i < length;) {
        size_t sequence = tn_utf8_sequence(text + i, length - i);
        if (text[i] == '\0') {
            memcpy(out + n, "\\0", 2);
            n += 2, i++;
        } else if (sequence == 0) {
            n += (size_t)sprintf(out + n, "\\x%02x", (unsigned char)text[i]);
            i++;
        } else {
            memcpy(out + n, text + i, sequence);
            n += sequence, i += sequence;
        }
    }
    if (out != NULL)
        out[n] = '\0';
    return out;
}

static void resolve(tn_csv_lookup *lookup, const scan_state *s, targets *t) {
    lookup->line = s->record_physical;
    lookup->text = printable_text(s->text, s->text_length);
    t->out_of_memory = t->out_of_memory || lookup->text == NULL;
}

static void fill_matches(targets *t, const scan_state *s, bool rejected, int64_t accepted_index) {
    if (rejected) {
        while (t->next_line < t->line_count &&
               t->lookups[t->by_line[t->next_line]].rejected_line < s->record_logical)
            t->next_line++;
        while (t->next_line < t->line_count &&
               t->lookups[t->by_line[t->next_line]].rejected_line == s->record_logical)
            resolve(&t->lookups[t->by_line[t->next_line++]], s, t);
        return;
    }
    while (t->next_row < t->row_count &&
           t->lookups[t->by_row[t->next_row]].accepted_row < accepted_index)
        t->next_row++;
    while (t->next_row < t->row_count &&
           t->lookups[t->by_row[t->next_row]].accepted_row == accepted_index)
        resolve(&t->lookups[t->by_row[t->next_row++]], s, t);
}

static bool only_spaces(const scan_state *s) {
    for (size_t i = 0; i < s->text_length; i++) {
        if (s->text[i] != ' ' && s->text[i] != '\t')
            return false;
    }
    return true;
}

/* A record ended: count it as accepted or rejected and resolve lookups on it. */
static void end_record(scan_state *s, targets *t) {
    if (!s->in_record)
        return;
    s->in_record = false;
    if (s->dialect.skip_space_lines && only_spaces(s))
        return;
    if (s->dialect.header && s->record_logical == 1) /* the header */
        return;
    s->data_records++;
    while (t->next_rejected < t->rejected_count &&
           t->rejected[t->next_rejected] < s->record_logical)
        t->next_rejected++;
    bool rejected =
        t->next_rejected < t->rejected_count && t->rejected[t->next_rejected] == s->record_logical;
    fill_matches(t, s, rejected, rejected ? -1 : s->accepted);
    if (!rejected)
        s->accepted++;
}

static void scan_byte(scan_state *s, targets *t, char c) {
    if (c == '\r')
        return; /* CRLF counts once, at the LF */
    if (!s->in_record && c != '\n') {
        s->in_record = true;
        s->record_physical = s->physical_line;
        s->record_logical = s->logical_line;
        s->text_length = 0;
        s->state = FIELD_START;
    }
    if (c == '\n') {
        s->physical_line++;
        if (s->state != QUOTED) {
            end_record(s, t);
            s->logical_line++;
            s->state = FIELD_START;
            return;
        }
    }
    if (s->text_length < MAX_TEXT)
        s->text[s->text_length++] = c;
    char quote = s->dialect.quote, delimiter = s->dialect.delimiter;
    bool is_quote = quote != 0 && c == quote;
    switch (s->state) {
    case FIELD_START:
        s->state = is_quote ? QUOTED : c == delimiter ? FIELD_START : UNQUOTED;
        break;
    case UNQUOTED:
        s->state = c == delimiter ? FIELD_START : UNQUOTED;
        break;
    case QUOTED:
        s->state = is_quote ? QUOTE_IN_QUOTED : QUOTED;
        break;
    case QUOTE_IN_QUOTED:
        s->state = is_quote ? QUOTED : c == delimiter ? FIELD_START : UNQUOTED;
        break;
    }
}

static const tn_csv_lookup *sort_base;

static int by_rejected_line(const void *a, const void *b) {
    int64_t x = sort_base[*(const size_t *)a].rejected_line;
    int64_t y = sort_base[*(const size_t *)b].rejected_line;
    return (x > y) - (x < y);
}

static int by_accepted_row(const void *a, const void *b) {
    int64_t x = sort_base[*(const size_t *)a].accepted_row;
    int64_t y = sort_base[*(const size_t *)b].accepted_row;
    return (x > y) - (x < y);
}

/* Index arrays of the lookups of each kind, sorted by what they look for. */
static bool index_lookups(targets *t, size_t lookup_count, tn_error *err) {
    t->by_line = tn_alloc_array(lookup_count, sizeof *t->by_line, "rejected-line lookups", err);
    t->by_row = t->by_line != NULL
                    ? tn_alloc_array(lookup_count, sizeof *t->by_row, "accepted-row lookups", err)
                    : NULL;
    if (t->by_row == NULL)
        return false;
    for (size_t i = 0; i < lookup_count; i++) {
        t->lookups[i].line = -1;
        t->lookups[i].text = NULL;
        if (t->lookups[i].rejected_line >= 0)
            t->by_line[t->line_count++] = i;
        else if (t->lookups[i].accepted_row >= 0)
            t->by_row[t->row_count++] = i;
    }
    sort_base = t->lookups; /* single-threaded use */
    qsort(t->by_line, t->line_count, sizeof *t->by_line, by_rejected_line);
    qsort(t->by_row, t->row_count, sizeof *t->by_row, by_accepted_row);
    return true;
}

bool tn_csv_locate(const char *path, const tn_csv_dialect *dialect, const int64_t *rejected,
                   size_t rejected_count, tn_csv_lookup *lookups, size_t lookup_count,
                   int64_t *records, tn_error *err) {
    targets t = {.rejected = rejected, .rejected_count = rejected_count, .lookups = lookups};
    char *block = tn_alloc_array(BLOCK, 1, "bytes of read buffer", err);
    bool ok = block != NULL && index_lookups(&t, lookup_count, err);
    /* zlib reads gzip'd files and passes any other file through unchanged */
    gzFile file = ok ? gzopen(path, "rb") : NULL;
    if (ok && file == NULL)
        ok = tn_error_set(err, TN_ERR_IO, "%s", strerror(errno));
    if (!ok)
        tn_error_prefix(err, "%s", path);
    scan_state s = {
        .physical_line = 1, .logical_line = 1, .state = FIELD_START, .dialect = *dialect};
    int n;
    bool first_block = true;
    if (ok)
        gzbuffer(file, BLOCK);
    while (ok && (n = gzread(file, block, BLOCK)) > 0) {
        size_t start = 0;
        if (first_block && n >= 3 && memcmp(block, "\xEF\xBB\xBF", 3) == 0)
            start = 3; /* UTF-8 byte order mark */
        first_block = false;
        for (size_t i = start; i < (size_t)n; i++)
            scan_byte(&s, &t, block[i]);
    }
    if (ok) {
        end_record(&s, &t); /* a last line without a newline */
        int code = Z_OK;
        const char *message = gzerror(file, &code);
        if (n < 0 || (code != Z_OK && code != Z_BUF_ERROR))
            ok = tn_error_set(err, TN_ERR_IO, "%s: read error: %s", path, message);
        else if (t.out_of_memory)
            ok = tn_error_set(err, TN_ERR_NOMEM, "%s: out of memory keeping the problem records",
                              path);
    }
    if (file != NULL)
        gzclose(file);
    free(block);
    free(t.by_line);
    free(t.by_row);
    *records = s.data_records;
    return ok;
}
