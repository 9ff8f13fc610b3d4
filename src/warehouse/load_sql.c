/*
 * load_sql.c — the SQL that reads one source file (see load_sql.h).
 */
#include "warehouse/load_sql.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "warehouse/load_state.h"

void tn_load_sql_string(tn_strbuf *out, const char *text) {
    tn_strbuf_putc(out, '\'');
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '\'')
            tn_strbuf_putc(out, '\'');
        tn_strbuf_putc(out, *c);
    }
    tn_strbuf_putc(out, '\'');
}

void tn_load_sql_ident(tn_strbuf *out, const char *name) {
    tn_strbuf_putc(out, '"');
    for (const char *c = name; *c != '\0'; c++) {
        if (*c == '"')
            tn_strbuf_putc(out, '"');
        tn_strbuf_putc(out, *c);
    }
    tn_strbuf_putc(out, '"');
}

bool tn_load_sql_is_parsed(tn_column_kind kind) {
    return tn_column_kind_is_time(kind) || tn_column_kind_is_number(kind);
}

const char *tn_load_sql_timezone(const tn_column_source *column, const tn_table_source *source) {
    return column->timezone != NULL   ? column->timezone
           : source->timezone != NULL ? source->timezone
                                      : "UTC";
}

char tn_load_sql_decimal(const tn_column_source *column, const tn_table_source *source) {
    return column->decimal != 0 ? column->decimal : source->decimal != 0 ? source->decimal : '.';
}

static bool is_utc(const char *zone) {
    return strcasecmp(zone, "UTC") == 0 || strcasecmp(zone, "Etc/UTC") == 0 ||
           strcasecmp(zone, "GMT") == 0 || strcasecmp(zone, "Etc/GMT") == 0;
}

/* ---- L0: where a column's value comes from --------------------------------------------------- */

/* The JSON path of a dotted column name: properties.$time → $."properties"."$time". */
static void json_path(tn_strbuf *out, const char *dotted) {
    tn_strbuf path = TN_STRBUF_INIT;
    tn_strbuf_putc(&path, '$');
    const char *segment = dotted;
    while (true) {
        const char *end = strchr(segment, '.');
        size_t length = end != NULL ? (size_t)(end - segment) : strlen(segment);
        tn_strbuf_puts(&path, ".\"");
        for (size_t i = 0; i < length; i++) {
            if (segment[i] == '"' || segment[i] == '\\')
                tn_strbuf_putc(&path, '\\');
            tn_strbuf_putc(&path, segment[i]);
        }
        tn_strbuf_putc(&path, '"');
        if (end == NULL)
            break;
        segment = end + 1;
    }
    tn_load_sql_string(out, tn_strbuf_cstr(&path));
    tn_strbuf_free(&path);
}

/* The mapped columns a JSON lines file reads by path, in column order (1-based list indexes). */
static int json_index(const tn_contract_table *table, const tn_table_source *source, int column) {
    int index = 0;
    for (int c = 0; c <= column && c < table->column_count; c++) {
        if (source->columns[c].mapped && source->columns[c].sql == NULL)
            index++;
    }
    return index;
}

static bool column_present(const tn_column_source *column, const tn_load_file *file,
                           tn_file_format format) {
    if (!column->mapped)
        return false;
    if (!column->if_present || column->sql != NULL || format == TN_FILE_JSONL || file == NULL)
        return true;
    return tn_load_file_column(file, column->column) >= 0;
}

/* A dotted path as nested struct access: properties.$time → "properties"."$time". */
static void struct_access(tn_strbuf *out, const char *dotted) {
    char copy_path[512];
    snprintf(copy_path, sizeof copy_path, "%s", dotted);
    int n = 0;
    for (char *save = NULL, *part = strtok_r(copy_path, ".", &save); part != NULL;
         part = strtok_r(NULL, ".", &save)) {
        if (n++ > 0)
            tn_strbuf_putc(out, '.');
        tn_load_sql_ident(out, part);
    }
}

static void source_value(const tn_contract_table *table, const tn_table_source *source, int c,
                         const tn_load_file *file, bool structured, tn_strbuf *out) {
    const tn_column_source *column = &source->columns[c];
    if (file == NULL || !column_present(column, file, source->format)) {
        tn_strbuf_puts(out, "NULL::VARCHAR");
    } else if (column->sql != NULL) {
        tn_strbuf_printf(out, "CAST(try(%s) AS VARCHAR)", column->sql);
    } else if (source->format == TN_FILE_JSONL && structured) {
        tn_strbuf_puts(out, "CAST(");
        struct_access(out, column->column);
        tn_strbuf_puts(out, " AS VARCHAR)");
    } else if (source->format == TN_FILE_JSONL) {
        tn_strbuf_printf(out, "tn_json[%d]", json_index(table, source, c));
    } else {
        int index = tn_load_file_column(file, column->column);
        tn_strbuf_puts(out, "CAST(");
        tn_load_sql_ident(out, file->columns[index >= 0 ? index : 0]);
        tn_strbuf_puts(out, " AS VARCHAR)");
    }
}

/* The mapped JSON paths (dotted), in column order; returns how many. */
static int json_paths(const tn_contract_table *table, const tn_table_source *source,
                      const char *paths[TN_CONTRACT_MAX_COLUMNS]) {
    int n = 0;
    for (int c = 0; c < table->column_count; c++) {
        if (source->columns[c].mapped && source->columns[c].sql == NULL)
            paths[n++] = source->columns[c].column;
    }
    return n;
}

/* Length of the segment of `path` that starts at `from` (up to the next dot). */
static size_t segment_length(const char *from) {
    const char *dot = strchr(from, '.');
    return dot != NULL ? (size_t)(dot - from) : strlen(from);
}

static bool struct_type(const char **paths, int count, size_t offset[], tn_strbuf *out);

/*
 * The fields that hold `paths`, each read from byte offset[i] on: one field
 * per distinct next segment, VARCHAR at a leaf, a STRUCT above. At the top
 * they are written as read_json's columns ('name': 'TYPE'), below as a
 * STRUCT's fields ("name" TYPE). False when a path is both a leaf and the
 * parent of another, or appears twice.
 */
static bool struct_fields(const char **paths, int count, size_t offset[], tn_strbuf *out,
                          bool top) {
    bool done[TN_CONTRACT_MAX_COLUMNS] = {false};
    int written = 0;
    for (int i = 0; i < count; i++) {
        if (done[i])
            continue;
        const char *name = paths[i] + offset[i];
        size_t length = segment_length(name);
        const char *group[TN_CONTRACT_MAX_COLUMNS];
        size_t group_offset[TN_CONTRACT_MAX_COLUMNS];
        int members = 0;
        bool leaf = false;
        for (int j = i; j < count; j++) {
            const char *other = paths[j] + offset[j];
            if (done[j] || segment_length(other) != length || strncmp(other, name, length) != 0)
                continue;
            done[j] = true;
            if (other[length] == '\0') {
                if (leaf || members > 0)
                    return false; /* the same path twice, or a leaf that is also a parent */
                leaf = true;
            } else if (leaf) {
                return false;
            }
            group[members] = paths[j];
            group_offset[members++] = offset[j] + length + (other[length] == '.' ? 1 : 0);
        }
        tn_strbuf field = TN_STRBUF_INIT;
        tn_strbuf_append(&field, name, length);
        if (written++ > 0)
            tn_strbuf_puts(out, ", ");
        if (top) {
            tn_load_sql_string(out, tn_strbuf_cstr(&field));
            tn_strbuf_puts(out, ": ");
        } else {
            tn_load_sql_ident(out, tn_strbuf_cstr(&field));
            tn_strbuf_putc(out, ' ');
        }
        tn_strbuf_free(&field);
        tn_strbuf type = TN_STRBUF_INIT;
        bool ok = leaf ? tn_strbuf_puts(&type, "VARCHAR")
                       : struct_type(group, members, group_offset, &type);
        if (ok && top)
            tn_load_sql_string(out, tn_strbuf_cstr(&type));
        else if (ok)
            tn_strbuf_puts(out, tn_strbuf_cstr(&type));
        tn_strbuf_free(&type);
        if (!ok)
            return false;
    }
    return true;
}

static bool struct_type(const char **paths, int count, size_t offset[], tn_strbuf *out) {
    tn_strbuf_puts(out, "STRUCT(");
    bool ok = struct_fields(paths, count, offset, out, false);
    tn_strbuf_puts(out, ")");
    return ok;
}

bool tn_load_sql_json_structured(const tn_contract_table *table, const tn_table_source *source) {
    const char *paths[TN_CONTRACT_MAX_COLUMNS];
    size_t offset[TN_CONTRACT_MAX_COLUMNS] = {0};
    int count = json_paths(table, source, paths);
    for (int c = 0; c < table->column_count; c++) {
        if (source->columns[c].mapped && source->columns[c].sql != NULL)
            return false; /* expressions read the record's text */
    }
    tn_strbuf spec = TN_STRBUF_INIT;
    bool ok = count > 0 && struct_fields(paths, count, offset, &spec, true);
    tn_strbuf_free(&spec);
    return ok;
}

/* DuckDB's JSON reader with the mapped paths as typed columns: fast, but all or nothing. */
static void structured_json_reader(const tn_contract_table *table, const tn_table_source *source,
                                   const tn_load_file *file, tn_strbuf *out) {
    const char *paths[TN_CONTRACT_MAX_COLUMNS];
    size_t offset[TN_CONTRACT_MAX_COLUMNS] = {0};
    int count = json_paths(table, source, paths);
    tn_strbuf_puts(out, "read_json(");
    tn_load_sql_string(out, file->path);
    tn_strbuf_puts(out, ", format = 'newline_delimited', records = true, auto_detect = false, "
                        "compression = 'auto', columns = {");
    struct_fields(paths, count, offset, out, true);
    tn_strbuf_puts(out, "})");
}

/* The table function that reads the file (FROM ...). */
static void reader(const tn_contract_table *table, const tn_table_source *source, int t, size_t k,
                   const tn_load_file *file, tn_strbuf *out) {
    if (source->format == TN_FILE_PARQUET) {
        tn_strbuf_puts(out, "read_parquet(");
        tn_load_sql_string(out, file->path);
        tn_strbuf_puts(out, ")");
        return;
    }
    bool jsonl = source->format == TN_FILE_JSONL;
    if (jsonl) {
        tn_strbuf_puts(out, "(SELECT record, ");
        int paths = json_index(table, source, table->column_count - 1);
        if (paths > 0) {
            tn_strbuf_puts(out, "try(json_extract_string(record, [");
            for (int c = 0, n = 0; c < table->column_count; c++) {
                const tn_column_source *column = &source->columns[c];
                if (!column->mapped || column->sql != NULL)
                    continue;
                if (n++ > 0)
                    tn_strbuf_puts(out, ", ");
                json_path(out, column->column);
            }
            tn_strbuf_puts(out, "])) AS tn_json, tn_json IS NULL AS _invalid ");
        } else {
            tn_strbuf_puts(out, "NULL AS tn_json, NOT coalesce(json_valid(record), false) AS "
                                "_invalid ");
        }
        tn_strbuf_puts(out, "FROM ");
    }
    tn_strbuf_puts(out, "read_csv(");
    tn_load_sql_string(out, file->path);
    if (jsonl) {
        tn_strbuf_puts(out, ", header = false, delim = E'\\x01', quote = '', escape = '', "
                            "columns = {'record': 'VARCHAR'}");
    } else {
        char delimiter[2] = {source->delimiter, 0}, quote[2] = {source->quote, 0};
        tn_strbuf_puts(out, ", header = true, delim = ");
        tn_load_sql_string(out, delimiter);
        tn_strbuf_puts(out, ", quote = ");
        tn_load_sql_string(out, quote);
        tn_strbuf_puts(out, ", escape = ");
        tn_load_sql_string(out, quote);
        tn_strbuf_puts(out, ", columns = {");
        for (size_t c = 0; c < file->column_count; c++) {
            if (c > 0)
                tn_strbuf_puts(out, ", ");
            tn_load_sql_string(out, file->columns[c]);
            tn_strbuf_puts(out, ": 'VARCHAR'");
        }
        tn_strbuf_puts(out, "}");
    }
    tn_strbuf_printf(out,
                     ", auto_detect = false, encoding = '%s', compression = 'auto', "
                     "store_rejects = true, rejects_table = 'tn_rejects_%d_%zu', "
                     "rejects_scan = 'tn_scans_%d_%zu', rejects_limit = 0)",
                     source->encoding, t, k, t, k);
    if (jsonl) /* DuckDB's JSON reader and the line scan skip blank lines too */
        tn_strbuf_puts(out, " WHERE trim(record, ' \t\r') <> '')");
}

/* ---- L2, L3: parsing ------------------------------------------------------------------------- */

static bool has_zone_field(const char *format) {
    return format != NULL && (strstr(format, "%z") != NULL || strstr(format, "%Z") != NULL);
}

static void parse_time(const tn_contract_column *contract, const tn_column_source *column,
                       const tn_table_source *source, const char *text, tn_strbuf *out) {
    const char *format = column->format;
    bool date = contract->kind == TN_KIND_DATE;
    const char *zone = tn_load_sql_timezone(column, source);
    bool utc = date || is_utc(zone);
    tn_strbuf patterns = TN_STRBUF_INIT;
    if (format != NULL && (strcmp(format, "epoch_s") == 0 || strcmp(format, "epoch_ms") == 0)) {
        tn_strbuf_printf(out, "tn_ts_epoch(%s, %s)", text,
                         strcmp(format, "epoch_s") == 0 ? "1" : "0.001");
    } else if (tn_mapping_time_patterns(format, &patterns)) {
        if (utc || has_zone_field(format)) {
            tn_strbuf_printf(out, "tn_ts_pattern_utc(%s, %s)", text, tn_strbuf_cstr(&patterns));
        } else {
            tn_strbuf_printf(out, "tn_ts_pattern_zone(%s, %s, ", text, tn_strbuf_cstr(&patterns));
            tn_load_sql_string(out, zone);
            tn_strbuf_putc(out, ')');
        }
    } else if (date) {
        tn_strbuf_printf(out, "tn_date_iso(%s)", text);
    } else if (utc) {
        tn_strbuf_printf(out, "tn_ts_iso_utc(%s)", text);
    } else {
        tn_strbuf_printf(out, "tn_ts_iso_zone(%s, ", text);
        tn_load_sql_string(out, zone);
        tn_strbuf_putc(out, ')');
    }
    tn_strbuf_free(&patterns);
}

/* L3: the parsed value of column c, from its text t_c (or plain number n_c). */
static void parse_value(const tn_contract_column *contract, const tn_column_source *column,
                        const tn_table_source *source, int c, tn_strbuf *out) {
    char text[32], number[32];
    snprintf(text, sizeof text, "t_%d", c);
    snprintf(number, sizeof number, "n_%d", c);
    tn_strbuf_puts(out, "CAST(");
    switch (contract->kind) {
    case TN_KIND_DATE:
    case TN_KIND_TIMESTAMP:
        parse_time(contract, column, source, text, out);
        break;
    case TN_KIND_MONEY:
        tn_strbuf_printf(out, "tn_money_from(%s)", number);
        break;
    case TN_KIND_HOURS:
    case TN_KIND_COUNT:
        tn_strbuf_printf(out, "tn_integer_from(%s)", number);
        break;
    case TN_KIND_SCORE:
        tn_strbuf_printf(
            out, "%s(%s)",
            tn_load_sql_decimal(column, source) == ',' ? "tn_float_comma" : "tn_float_point", text);
        break;
    default:
        tn_strbuf_puts(out, text);
        break;
    }
    tn_strbuf_printf(out, " AS %s)", contract->sql_type);
}

static bool needs_number_text(tn_column_kind kind) {
    return kind == TN_KIND_MONEY || kind == TN_KIND_HOURS || kind == TN_KIND_COUNT;
}

/* ---- the whole statement --------------------------------------------------------------------- */

/*
 * L4 of a parsed column: its value, and its text where the value is NULL.
 * DuckDB reads 'infinity' and '-infinity' as dates and times (its casts, and
 * strptime whatever the pattern): no export means them, so an infinite date
 * or time is refused like any text that does not parse.
 */
static void parsed_column(tn_strbuf *out, int c, const char *name, bool time) {
    if (time)
        tn_strbuf_printf(out, "CASE WHEN isfinite(v_%d) THEN v_%d END AS ", c, c);
    else
        tn_strbuf_printf(out, "v_%d AS ", c);
    tn_load_sql_ident(out, name);
    tn_strbuf_printf(out, ", CASE WHEN v_%d IS NULL", c);
    if (time)
        tn_strbuf_printf(out, " OR NOT isfinite(v_%d)", c);
    tn_strbuf_printf(out, " THEN t_%d END AS \"%s__bad\"", c, name);
}

void tn_load_sql_create(const tn_contract_table *table, const tn_table_source *source,
                        int table_index, size_t file_index, const tn_load_file *file,
                        bool structured, tn_strbuf *out) {
    tn_strbuf_printf(out, "CREATE OR REPLACE TABLE " TN_LOAD_FILE_TABLE " AS\nSELECT ", table_index,
                     file_index);
    for (int c = 0; c < table->column_count; c++) { /* L4 */
        const char *name = table->columns[c].name;
        if (c > 0)
            tn_strbuf_puts(out, ", ");
        if (tn_load_sql_is_parsed(table->columns[c].kind)) {
            parsed_column(out, c, name, tn_column_kind_is_time(table->columns[c].kind));
        } else {
            tn_strbuf_printf(out, "t_%d AS ", c);
            tn_load_sql_ident(out, name);
        }
    }
    tn_strbuf_puts(out, ", _invalid\nFROM (SELECT *"); /* L3 */
    for (int c = 0; c < table->column_count; c++) {
        if (!tn_load_sql_is_parsed(table->columns[c].kind))
            continue;
        tn_strbuf_puts(out, ", ");
        if (file == NULL) /* no rows to parse, and a format DuckDB refuses must not fail it */
            tn_strbuf_printf(out, "CAST(NULL AS %s)", table->columns[c].sql_type);
        else
            parse_value(&table->columns[c], &source->columns[c], source, c, out);
        tn_strbuf_printf(out, " AS v_%d", c);
    }
    tn_strbuf_puts(out, "\nFROM (SELECT *"); /* L2 */
    for (int c = 0; c < table->column_count; c++) {
        if (needs_number_text(table->columns[c].kind))
            tn_strbuf_printf(out, ", tn_number_text(t_%d, '%c') AS n_%d", c,
                             tn_load_sql_decimal(&source->columns[c], source), c);
    }
    tn_strbuf_puts(out, "\nFROM (SELECT "); /* L1 */
    for (int c = 0; c < table->column_count; c++)
        tn_strbuf_printf(out, "tn_text(s_%d) AS t_%d, ", c, c);
    tn_strbuf_puts(out, "_invalid\nFROM (SELECT "); /* L0 */
    for (int c = 0; c < table->column_count; c++) {
        source_value(table, source, c, file, structured, out);
        tn_strbuf_printf(out, " AS s_%d, ", c);
    }
    if (file == NULL) {
        tn_strbuf_puts(out, "false AS _invalid FROM (SELECT 1) AS nothing WHERE false");
    } else if (structured) {
        tn_strbuf_puts(out, "false AS _invalid\nFROM ");
        structured_json_reader(table, source, file, out);
    } else {
        tn_strbuf_puts(out, source->format == TN_FILE_JSONL ? "_invalid" : "false AS _invalid");
        tn_strbuf_puts(out, "\nFROM ");
        reader(table, source, table_index, file_index, file, out);
    }
    tn_strbuf_puts(out, "))))");
}

void tn_load_sql_probe(const tn_table_source *source, const tn_column_source *column,
                       const tn_load_file *file, tn_strbuf *out) {
    tn_strbuf_printf(out, "SELECT CAST((%s) AS VARCHAR) FROM ", column->sql);
    if (source->format == TN_FILE_PARQUET) {
        tn_strbuf_puts(out, "read_parquet(");
        tn_load_sql_string(out, file->path);
        tn_strbuf_puts(out, ")");
    } else if (source->format == TN_FILE_JSONL) {
        tn_strbuf_puts(out, "(SELECT NULL::VARCHAR AS record)");
    } else {
        tn_strbuf_puts(out, "(SELECT ");
        for (size_t c = 0; c < file->column_count; c++) {
            tn_strbuf_puts(out, c ? ", NULL::VARCHAR AS " : "NULL::VARCHAR AS ");
            tn_load_sql_ident(out, file->columns[c]);
        }
        if (file->column_count == 0)
            tn_strbuf_puts(out, "1");
        tn_strbuf_puts(out, ")");
    }
    tn_strbuf_puts(out, " LIMIT 0");
}

/* ---- messages -------------------------------------------------------------------------------- */

static void expected_time(const tn_contract_column *column, const tn_column_source *source,
                          const tn_table_source *table_source, tn_strbuf *out) {
    bool date = column->kind == TN_KIND_DATE;
    const char *format = source->format;
    if (format == NULL || strcmp(format, "iso") == 0) {
        if (date)
            tn_strbuf_puts(out, "a date, YYYY-MM-DD");
        else if (table_source->strict_header)
            tn_strbuf_puts(out, "a timestamp, YYYY-MM-DD HH:MM:SS (UTC)");
        else
            tn_strbuf_printf(out,
                             "a timestamp, YYYY-MM-DD HH:MM:SS (in %s unless it has an offset "
                             "such as +02:00 or Z)",
                             tn_load_sql_timezone(source, table_source));
        return;
    }
    tn_strbuf_printf(out, "a %s, %s", date ? "date" : "timestamp",
                     tn_mapping_time_format_text(format));
}

void tn_load_sql_expected(const tn_contract_column *column, const tn_column_source *source,
                          const tn_table_source *table_source, tn_strbuf *out) {
    char decimal = tn_load_sql_decimal(source, table_source);
    switch (column->kind) {
    case TN_KIND_DATE:
    case TN_KIND_TIMESTAMP:
        expected_time(column, source, table_source, out);
        return;
    case TN_KIND_MONEY:
        tn_strbuf_puts(out, "a number with at most 2 decimals");
        break;
    case TN_KIND_HOURS:
    case TN_KIND_COUNT:
        tn_strbuf_puts(out, "a whole number");
        break;
    case TN_KIND_SCORE:
        tn_strbuf_puts(out, "a number");
        break;
    default:
        tn_strbuf_puts(out, "a value");
        return;
    }
    if (decimal == ',')
        tn_strbuf_puts(out, ", with ',' as the decimal separator");
}
