/*
 * load_report.c — the problems of a load, for people (see load_report.h).
 */
#include "warehouse/load_report.h"

#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "warehouse/query.h"

/* A value as one short line: control characters shown, at most 80 bytes. */
static void put_value(FILE *out, const char *value) {
    size_t shown = 0;
    for (const char *c = value; *c != '\0'; c++) {
        if (shown >= 80) {
            fputs("...", out);
            break;
        }
        if (*c == '\n')
            fputs("\\n", out);
        else if (*c == '\r')
            fputs("\\r", out);
        else if ((unsigned char)*c < 0x20)
            fprintf(out, "\\x%02x", (unsigned char)*c);
        else
            fputc(*c, out);
        shown++;
    }
}

/* The kinds of one file (or, with file_index < -1, of all files) as "2 a, 1 b". */
static void put_kinds(FILE *out, const char *cells, size_t rows, const char *table_order,
                      const char *file_index) {
    const char *cell = cells;
    bool first = true;
    for (size_t r = 0; r < rows; r++) {
        const char *fields[4];
        for (int f = 0; f < 4; f++) {
            fields[f] = cell;
            cell += strlen(cell) + 1;
        }
        if (strcmp(fields[0], table_order) != 0 || strcmp(fields[1], file_index) != 0)
            continue;
        fprintf(out, "%s%s %s", first ? "" : ", ", fields[3], fields[2]);
        first = false;
    }
}

/* One file's header line: "crm/opps.csv: 3 problems; 12 rows of rejected customers". */
static void put_file_header(FILE *out, const char *display, const char *own,
                            const char *consequences) {
    long problems = strtol(own, NULL, 10), refused = strtol(consequences, NULL, 10);
    fprintf(out, "%s: ", display);
    if (problems > 0)
        fprintf(out, "%ld problem%s", problems, problems == 1 ? "" : "s");
    if (refused > 0)
        fprintf(out, "%s%ld row%s of rejected customers", problems > 0 ? "; " : "", refused,
                refused == 1 ? "" : "s");
    fputc('\n', out);
}

/* "  by kind: ..." for the file whose key ("<table order>/<file index>") is `key`. */
static void put_file_kinds(FILE *out, const char *key, const tn_strbuf *kinds, size_t kind_rows) {
    const char *slash = strchr(key, '/');
    char order[16];
    snprintf(order, sizeof order, "%.*s", (int)(slash - key), key);
    fputs("  by kind: ", out);
    put_kinds(out, kinds->data, kind_rows, order, slash + 1);
    fputc('\n', out);
}

/* One problem: f[2] file, f[3] line, f[4] column, f[5] value, f[6] what was expected. */
static void put_problem(FILE *out, const char *const f[9]) {
    if (strcmp(f[4], "(file)") == 0) { /* the file as a whole */
        fprintf(out, "  %s%s%s: %s\n", f[2], f[3][0] ? ":" : "", f[3], f[6]);
        return;
    }
    if (f[3][0] == '\0') /* a problem of the file, not of a row */
        fprintf(out, "  %s: %s: '", f[2], f[4]);
    else
        fprintf(out, "  %s:%s: %s: '", f[2], f[3], f[4]);
    put_value(out, f[5]);
    fprintf(out, "' — expected %s\n", f[6]);
}

bool tn_load_report_write(tn_db *db, int per_file, FILE *out, tn_error *err) {
    char per_file_text[16];
    snprintf(per_file_text, sizeof per_file_text, "%d", per_file);
    const char *params[] = {per_file_text};
    tn_strbuf problems = TN_STRBUF_INIT, kinds = TN_STRBUF_INIT;
    size_t problem_rows = 0, kind_rows = 0;
    bool ok =
        tn_db_exec_params(db, tn_embedded_text("sql/load/report_params.sql"), params, 1, err) &&
        tn_query_cells(db, tn_embedded_text("sql/load/report.sql"), &problems, &problem_rows, 9,
                       err) &&
        tn_query_cells(db, tn_embedded_text("sql/load/report_kinds.sql"), &kinds, &kind_rows, 4,
                       err);
    const char *cell = problems.data;
    char current[64] = "";
    for (size_t r = 0; ok && r < problem_rows; r++) {
        const char *f[9];
        for (int i = 0; i < 9; i++) {
            f[i] = cell;
            cell += strlen(cell) + 1;
        }
        char key[64];
        snprintf(key, sizeof key, "%s/%s", f[0], f[1]);
        if (strcmp(key, current) != 0) {
            if (current[0] != '\0')
                put_file_kinds(out, current, &kinds, kind_rows);
            snprintf(current, sizeof current, "%s", key);
            put_file_header(out, f[2], f[7], f[8]);
        }
        put_problem(out, f);
    }
    if (ok && current[0] != '\0') {
        put_file_kinds(out, current, &kinds, kind_rows);
        fputs("problems by kind: ", out);
        put_kinds(out, kinds.data, kind_rows, "", "");
        fputc('\n', out);
    }
    tn_strbuf_free(&problems);
    tn_strbuf_free(&kinds);
    return ok;
}
