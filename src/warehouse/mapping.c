/*
 * mapping.c — reading and checking the project file (see mapping.h).
 *
 * libyaml loads the file as a document tree; every node keeps its line and
 * column, so each problem is reported where it is. The walk never stops at
 * the first problem: it records each one and goes on, so a user fixes the
 * whole file in one round.
 */
#include "warehouse/mapping.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "warehouse/load_sql.h"
#include "warehouse/yaml_walk.h"

/* ---- formats --------------------------------------------------------------------------------- */

/* Named date and timestamp formats; each also reads an optional time of day. */
static const struct {
    const char *name, *date_pattern, *text;
} named_formats[] = {
    {"YYYY-MM-DD", "%Y-%m-%d", "YYYY-MM-DD"}, {"MM/DD/YYYY", "%m/%d/%Y", "MM/DD/YYYY"},
    {"DD/MM/YYYY", "%d/%m/%Y", "DD/MM/YYYY"}, {"DD.MM.YYYY", "%d.%m.%Y", "DD.MM.YYYY"},
    {"DD-MM-YYYY", "%d-%m-%Y", "DD-MM-YYYY"}, {"YYYY/MM/DD", "%Y/%m/%d", "YYYY/MM/DD"},
    {"MM/DD/YY", "%m/%d/%y", "MM/DD/YY"},     {"DD/MM/YY", "%d/%m/%y", "DD/MM/YY"},
    {"DD.MM.YY", "%d.%m.%y", "DD.MM.YY"},
};

/* Times of day a named format accepts after the date (none first). */
static const char *const time_suffixes[] = {
    "", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", " %I:%M %p", " %I:%M:%S %p", "T%H:%M:%S", "T%H:%M",
};

static int named_format(const char *format) {
    for (size_t i = 0; i < sizeof named_formats / sizeof named_formats[0]; i++) {
        if (strcmp(named_formats[i].name, format) == 0)
            return (int)i;
    }
    return -1;
}

static bool is_builtin_time_format(const char *format) {
    return format == NULL || strcmp(format, "iso") == 0 || strcmp(format, "epoch_s") == 0 ||
           strcmp(format, "epoch_ms") == 0;
}

bool tn_mapping_time_format_known(const char *format) {
    return is_builtin_time_format(format) || named_format(format) >= 0 ||
           strchr(format, '%') != NULL;
}

const char *tn_mapping_time_format_text(const char *format) {
    if (format == NULL || strcmp(format, "iso") == 0)
        return "ISO 8601 (YYYY-MM-DD, optionally with a time and an offset)";
    if (strcmp(format, "epoch_s") == 0)
        return "seconds since 1970-01-01 UTC";
    if (strcmp(format, "epoch_ms") == 0)
        return "milliseconds since 1970-01-01 UTC";
    int named = named_format(format);
    return named >= 0 ? named_formats[named].text : format;
}

bool tn_mapping_time_patterns(const char *format, tn_strbuf *out) {
    if (is_builtin_time_format(format))
        return false;
    int named = named_format(format);
    tn_strbuf_putc(out, '[');
    if (named < 0) {
        tn_load_sql_string(out, format);
    } else {
        for (size_t s = 0; s < sizeof time_suffixes / sizeof time_suffixes[0]; s++) {
            char pattern[64];
            snprintf(pattern, sizeof pattern, "%s%s", named_formats[named].date_pattern,
                     time_suffixes[s]);
            if (s > 0)
                tn_strbuf_puts(out, ", ");
            tn_load_sql_string(out, pattern);
        }
    }
    tn_strbuf_putc(out, ']');
    return true;
}

static const char *const format_names[] = {[TN_FILE_CSV] = "csv",
                                           [TN_FILE_TSV] = "tsv",
                                           [TN_FILE_JSONL] = "jsonl",
                                           [TN_FILE_PARQUET] = "parquet"};

const char *tn_file_format_name(tn_file_format format) {
    return format_names[format];
}

static bool ends_with(const char *text, const char *suffix) {
    size_t n = strlen(text), m = strlen(suffix);
    return n >= m && strcasecmp(text + n - m, suffix) == 0;
}

bool tn_mapping_format_from_name(const char *name, tn_file_format *format) {
    static const struct {
        const char *suffix;
        tn_file_format format;
    } suffixes[] = {
        {".csv", TN_FILE_CSV},        {".csv.gz", TN_FILE_CSV},    {".tsv", TN_FILE_TSV},
        {".tsv.gz", TN_FILE_TSV},     {".tab", TN_FILE_TSV},       {".jsonl", TN_FILE_JSONL},
        {".jsonl.gz", TN_FILE_JSONL}, {".ndjson", TN_FILE_JSONL},  {".ndjson.gz", TN_FILE_JSONL},
        {".json", TN_FILE_JSONL},     {".json.gz", TN_FILE_JSONL}, {".parquet", TN_FILE_PARQUET},
        {".txt", TN_FILE_CSV},        {".txt.gz", TN_FILE_CSV},
    };
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if (ends_with(name, suffixes[i].suffix)) {
            *format = suffixes[i].format;
            return true;
        }
    }
    return false;
}

/* ---- the walk -------------------------------------------------------------------------------- */

/* What the walk over one file carries: the document, where problems go, how many. */
typedef struct {
    tn_yaml_walk yaml;
    const tn_contract *contract;
} walk;

static bool single_char(walk *w, const yaml_node_t *node, const char *where, bool allow_empty,
                        const char *expected, char *out) {
    const char *text = tn_yaml_expect_text(&w->yaml, node, where, expected);
    if (text == NULL)
        return false;
    if (strcmp(text, "\\t") == 0 || strcasecmp(text, "tab") == 0 || strcmp(text, "\t") == 0) {
        *out = '\t';
        return true;
    }
    if (strlen(text) == 1 && (unsigned char)text[0] < 0x80) {
        *out = text[0];
        return true;
    }
    if (allow_empty && text[0] == '\0') {
        *out = 0;
        return true;
    }
    tn_yaml_problem(&w->yaml, node, where, "'%s' — expected %s", text, expected);
    return false;
}

static void read_decimal(walk *w, const yaml_node_t *node, const char *where, char *out) {
    const char *text = tn_yaml_expect_text(&w->yaml, node, where, "'.' or ','");
    if (text == NULL)
        return;
    if (strcmp(text, ".") == 0 || strcmp(text, ",") == 0)
        *out = text[0];
    else
        tn_yaml_problem(&w->yaml, node, where, "'%s' — expected '.' or ','", text);
}

static void read_timezone(walk *w, const yaml_node_t *node, const char *where, char **out) {
    const char *text = tn_yaml_expect_text(&w->yaml, node, where,
                                           "a time zone name such as UTC or America/New_York");
    if (text != NULL) {
        free(*out);
        *out = tn_yaml_copy(&w->yaml, text);
    }
}

/* ---- one column ------------------------------------------------------------------------------ */

static void read_column_option(walk *w, const tn_contract_column *column, tn_column_source *source,
                               const yaml_node_t *key_node, const yaml_node_t *value,
                               const char *where) {
    const char *key = tn_yaml_scalar(key_node) ? tn_yaml_scalar(key_node) : "?";
    char here[256];
    snprintf(here, sizeof here, "%.120s.%.120s", where, key);
    if (strcmp(key, "column") == 0 || strcmp(key, "sql") == 0) {
        const char *text = tn_yaml_expect_text(
            &w->yaml, value, here,
            strcmp(key, "sql") == 0 ? "a SQL expression" : "the name of a source column");
        if (text != NULL)
            *(strcmp(key, "sql") == 0 ? &source->sql : &source->column) =
                tn_yaml_copy(&w->yaml, text);
    } else if (strcmp(key, "format") == 0) {
        const char *text = tn_yaml_expect_text(&w->yaml, value, here, "a date or timestamp format");
        if (text != NULL && !tn_column_kind_is_time(column->kind))
            tn_yaml_problem(&w->yaml, value, here,
                            "%s is not a date or timestamp: it takes no format", column->name);
        else if (text != NULL && !tn_mapping_time_format_known(text))
            tn_yaml_problem(
                &w->yaml, value, here,
                "'%s' — expected iso, epoch_s, epoch_ms, YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY, "
                "DD.MM.YYYY, DD-MM-YYYY, YYYY/MM/DD, MM/DD/YY, DD/MM/YY, DD.MM.YY, or a "
                "strptime pattern with %% fields",
                text);
        else if (text != NULL)
            source->format = tn_yaml_copy(&w->yaml, text);
    } else if (strcmp(key, "timezone") == 0) {
        if (column->kind != TN_KIND_TIMESTAMP)
            tn_yaml_problem(
                &w->yaml, value, here,
                "%s is not a timestamp: it takes no time zone (a date is taken as written; "
                "one with an offset such as +02:00 is taken to UTC)",
                column->name);
        else
            read_timezone(w, value, here, &source->timezone);
    } else if (strcmp(key, "decimal") == 0) {
        if (!tn_column_kind_is_number(column->kind))
            tn_yaml_problem(&w->yaml, value, here,
                            "%s is not a number: it takes no decimal separator", column->name);
        else
            read_decimal(w, value, here, &source->decimal);
    } else {
        tn_yaml_problem(&w->yaml, key_node, where,
                        "unknown key '%s' — expected column, sql, format, timezone or decimal",
                        key);
    }
}

static void read_column(walk *w, const tn_contract_column *column, tn_column_source *source,
                        const yaml_node_t *node, const char *where) {
    source->line = (int)node->start_mark.line + 1;
    if (tn_yaml_is_null(node)) {
        if (!column->optional)
            tn_yaml_problem(&w->yaml, node, where, "%s is required: %s", column->name,
                            column->description);
        return;
    }
    source->mapped = true;
    if (node->type == YAML_SCALAR_NODE) {
        const char *text =
            tn_yaml_expect_text(&w->yaml, node, where, "the name of a source column");
        if (text != NULL)
            source->column = tn_yaml_copy(&w->yaml, text);
        return;
    }
    if (!tn_yaml_expect_mapping(&w->yaml, node, where,
                                "a source column's name, or {column: NAME} or {sql: EXPRESSION} "
                                "with format, timezone or decimal"))
        return;
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = tn_yaml_node(&w->yaml, pair->key);
        if (tn_yaml_repeated_key(&w->yaml, node, pair)) {
            tn_yaml_problem(&w->yaml, key, where, "'%s' appears twice", tn_yaml_scalar(key));
            continue;
        }
        read_column_option(w, column, source, key, tn_yaml_node(&w->yaml, pair->value), where);
    }
    if (source->column != NULL && source->sql != NULL)
        tn_yaml_problem(&w->yaml, node, where, "give either column or sql, not both");
    else if (source->column == NULL && source->sql == NULL)
        tn_yaml_problem(&w->yaml, node, where,
                        "lacks column or sql: where do the values come from?");
}

static void read_columns(walk *w, const tn_contract_table *table, tn_table_source *source,
                         const yaml_node_t *node, const char *where) {
    if (!tn_yaml_expect_mapping(&w->yaml, node, where,
                                "one entry per contract column: column: Source Column"))
        return;
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = tn_yaml_node(&w->yaml, pair->key);
        const char *name = tn_yaml_scalar(key) ? tn_yaml_scalar(key) : "?";
        int c = tn_contract_column_index(table, name);
        char here[256];
        snprintf(here, sizeof here, "%.120s.%.120s", where, name);
        if (tn_yaml_repeated_key(&w->yaml, node, pair)) {
            tn_yaml_problem(&w->yaml, key, where, "'%s' appears twice", name);
        } else if (c < 0) {
            tn_strbuf known = TN_STRBUF_INIT;
            for (int k = 0; k < table->column_count; k++)
                tn_strbuf_printf(&known, "%s%s", k ? ", " : "", table->columns[k].name);
            tn_yaml_problem(&w->yaml, key, where, "'%s' is not a column of %s — expected one of %s",
                            name, table->name, tn_strbuf_cstr(&known));
            tn_strbuf_free(&known);
        } else {
            read_column(w, &table->columns[c], &source->columns[c],
                        tn_yaml_node(&w->yaml, pair->value), here);
        }
    }
    for (int c = 0; c < table->column_count; c++) {
        const tn_contract_column *column = &table->columns[c];
        if (!source->columns[c].mapped && source->columns[c].line == 0 && !column->optional)
            tn_yaml_problem(&w->yaml, node, where, "lacks %s (%s)", column->name,
                            column->description);
    }
}

/* ---- value maps and event roles -------------------------------------------------------------- */

static void add_rule(walk *w, tn_table_source *source, int column, const char *pattern,
                     const char *value) {
    tn_value_rule *grown = realloc(source->rules, (source->rule_count + 1) * sizeof *grown);
    if (grown == NULL) {
        w->yaml.out_of_memory = true;
        return;
    }
    source->rules = grown;
    tn_value_rule *rule = &source->rules[source->rule_count++];
    rule->column = column;
    rule->pattern = tn_yaml_copy(&w->yaml, pattern);
    for (char *c = rule->pattern; c != NULL && *c != '\0'; c++)
        *c = (char)tolower((unsigned char)*c);
    rule->glob = strpbrk(pattern, "*?[") != NULL;
    rule->value = tn_yaml_copy(&w->yaml, value);
}

static void accepted_list(const tn_contract_column *column, tn_strbuf *out) {
    for (int i = 0; i < column->accepted_count; i++)
        tn_strbuf_printf(out, "%s%s", i ? ", " : "", column->accepted[i]);
}

/* values: {column: {Source Value: contract_value}} */
static void read_value_map(walk *w, const tn_contract_table *table, tn_table_source *source,
                           const yaml_node_t *node, const char *where) {
    if (!tn_yaml_expect_mapping(&w->yaml, node, where, "one map per categorical column"))
        return;
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const char *name = tn_yaml_scalar(tn_yaml_node(&w->yaml, pair->key))
                               ? tn_yaml_scalar(tn_yaml_node(&w->yaml, pair->key))
                               : "?";
        int c = tn_contract_column_index(table, name);
        char here[256];
        snprintf(here, sizeof here, "%.120s.%.120s", where, name);
        if (c < 0 || table->columns[c].kind != TN_KIND_CATEGORY) {
            tn_yaml_problem(&w->yaml, tn_yaml_node(&w->yaml, pair->key), where,
                            "'%s' is not a categorical column of %s: only those take a value map",
                            name, table->name);
            continue;
        }
        const tn_contract_column *column = &table->columns[c];
        const yaml_node_t *map = tn_yaml_node(&w->yaml, pair->value);
        if (!tn_yaml_expect_mapping(&w->yaml, map, here, "Source Value: contract value"))
            continue;
        for (yaml_node_pair_t *entry = map->data.mapping.pairs.start;
             entry < map->data.mapping.pairs.top; entry++) {
            const char *from = tn_yaml_scalar(tn_yaml_node(&w->yaml, entry->key));
            const yaml_node_t *to_node = tn_yaml_node(&w->yaml, entry->value);
            tn_strbuf accepted = TN_STRBUF_INIT;
            accepted_list(column, &accepted);
            char expected[512];
            snprintf(expected, sizeof expected, "one of %s", tn_strbuf_cstr(&accepted));
            tn_strbuf_free(&accepted);
            char entry_where[320];
            snprintf(entry_where, sizeof entry_where, "%.200s.%.100s", here, from ? from : "?");
            const char *to = tn_yaml_expect_text(&w->yaml, to_node, entry_where, expected);
            if (from == NULL || to == NULL)
                continue;
            if (!tn_contract_accepts(column, to))
                tn_yaml_problem(&w->yaml, to_node, entry_where, "'%s' — expected %s", to, expected);
            else
                add_rule(w, source, c, from, to);
        }
    }
}

/* events: {role: [Source Event, "Pattern *"]} */
static void read_event_roles(walk *w, const tn_contract_table *table, tn_table_source *source,
                             const yaml_node_t *node, const char *where) {
    int c = tn_contract_column_index(table, "event_type");
    const tn_contract_column *column = &table->columns[c];
    if (!tn_yaml_expect_mapping(&w->yaml, node, where, "role: [event names]"))
        return;
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = tn_yaml_node(&w->yaml, pair->key);
        const char *role = tn_yaml_scalar(key) ? tn_yaml_scalar(key) : "?";
        char here[256];
        snprintf(here, sizeof here, "%.120s.%.120s", where, role);
        if (!tn_contract_accepts(column, role)) {
            tn_strbuf accepted = TN_STRBUF_INIT;
            accepted_list(column, &accepted);
            tn_yaml_problem(&w->yaml, key, where, "'%s' is not an event role — expected one of %s",
                            role, tn_strbuf_cstr(&accepted));
            tn_strbuf_free(&accepted);
            continue;
        }
        const yaml_node_t *names = tn_yaml_node(&w->yaml, pair->value);
        if (tn_yaml_is_null(names))
            continue; /* a role the product has no event for */
        if (names->type == YAML_SCALAR_NODE) {
            const char *name = tn_yaml_expect_text(&w->yaml, names, here, "an event name");
            if (name != NULL)
                add_rule(w, source, c, name, role);
            continue;
        }
        if (names->type != YAML_SEQUENCE_NODE) {
            tn_yaml_problem(&w->yaml, names, here, "expected an event name or a list of them");
            continue;
        }
        for (yaml_node_item_t *item = names->data.sequence.items.start;
             item < names->data.sequence.items.top; item++) {
            const char *name =
                tn_yaml_expect_text(&w->yaml, tn_yaml_node(&w->yaml, *item), here, "an event name");
            if (name != NULL)
                add_rule(w, source, c, name, role);
        }
    }
}

/* ---- one table ------------------------------------------------------------------------------- */

static void read_files(walk *w, tn_table_source *source, const yaml_node_t *node,
                       const char *where) {
    size_t count = node->type == YAML_SEQUENCE_NODE
                       ? (size_t)(node->data.sequence.items.top - node->data.sequence.items.start)
                       : 1;
    source->files = calloc(count + 1, sizeof *source->files);
    if (source->files == NULL) {
        w->yaml.out_of_memory = true;
        return;
    }
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item = node->type == YAML_SEQUENCE_NODE
                                      ? tn_yaml_node(&w->yaml, node->data.sequence.items.start[i])
                                      : node;
        const char *text =
            tn_yaml_expect_text(&w->yaml, item, where, "a file path or glob, or a list of them");
        if (text != NULL)
            source->files[source->file_count++] = tn_yaml_copy(&w->yaml, text);
    }
    if (count == 0)
        tn_yaml_problem(&w->yaml, node, where, "expected at least one file");
}

static void read_format(walk *w, tn_table_source *source, const yaml_node_t *node,
                        const char *where, bool *given) {
    const char *text = tn_yaml_expect_text(&w->yaml, node, where, "csv, tsv, jsonl or parquet");
    for (size_t f = 0; text != NULL && f < sizeof format_names / sizeof format_names[0]; f++) {
        if (strcasecmp(text, format_names[f]) == 0) {
            source->format = (tn_file_format)f;
            *given = true;
            return;
        }
    }
    if (text != NULL)
        tn_yaml_problem(&w->yaml, node, where, "'%s' — expected csv, tsv, jsonl or parquet", text);
}

static void read_encoding(walk *w, tn_table_source *source, const yaml_node_t *node,
                          const char *where) {
    const char *text = tn_yaml_expect_text(&w->yaml, node, where, "utf-8, latin-1 or utf-16");
    if (text == NULL)
        return;
    const char *known[] = {"utf-8", "latin-1", "utf-16"};
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(text, known[i]) == 0) {
            snprintf(source->encoding, sizeof source->encoding, "%s", known[i]);
            return;
        }
    }
    tn_yaml_problem(&w->yaml, node, where, "'%s' — expected utf-8, latin-1 or utf-16", text);
}

static void read_unmapped(walk *w, tn_table_source *source, const yaml_node_t *node,
                          const char *where, bool *given) {
    const char *expected = "usage (count them as generic usage) or refuse (an error)";
    const char *text = tn_yaml_expect_text(&w->yaml, node, where, expected);
    if (text != NULL && strcmp(text, "usage") == 0)
        source->unmapped_usage = true;
    else if (text != NULL && strcmp(text, "refuse") != 0)
        tn_yaml_problem(&w->yaml, node, where, "'%s' — expected %s", text, expected);
    *given = text != NULL;
}

/* The format the table's first file name implies, when none is given. */
static void infer_format(walk *w, tn_table_source *source, const yaml_node_t *node,
                         const char *where) {
    if (source->file_count == 0)
        return;
    if (!tn_mapping_format_from_name(source->files[0], &source->format))
        tn_yaml_problem(
            &w->yaml, node, where,
            "cannot tell the format of '%s' from its name: add format: csv, tsv, jsonl or "
            "parquet",
            source->files[0]);
    else if (source->format == TN_FILE_TSV && source->delimiter == ',')
        source->delimiter = '\t';
}

/* Reads the table's keys; returns which of files, columns, events, unmapped_events were given. */
typedef struct {
    const yaml_node_t *files, *columns, *events, *unmapped;
    bool format_given, unmapped_given;
} table_keys;

static void read_table_key(walk *w, const tn_contract_table *table, tn_table_source *source,
                           const char *key, const yaml_node_t *value, const char *where,
                           table_keys *keys) {
    char here[256];
    snprintf(here, sizeof here, "%.120s.%.120s", where, key);
    bool events_table = strcmp(table->name, "usage_events") == 0;
    if (strcmp(key, "files") == 0) {
        keys->files = value;
        read_files(w, source, value, here);
    } else if (strcmp(key, "format") == 0) {
        read_format(w, source, value, here, &keys->format_given);
    } else if (strcmp(key, "delimiter") == 0) {
        single_char(w, value, here, false, "one character, or tab", &source->delimiter);
    } else if (strcmp(key, "quote") == 0) {
        single_char(w, value, here, true, "one character, or '' for none", &source->quote);
    } else if (strcmp(key, "encoding") == 0) {
        read_encoding(w, source, value, here);
    } else if (strcmp(key, "timezone") == 0) {
        read_timezone(w, value, here, &source->timezone);
    } else if (strcmp(key, "decimal") == 0) {
        read_decimal(w, value, here, &source->decimal);
    } else if (strcmp(key, "columns") == 0) {
        keys->columns = value;
        read_columns(w, table, source, value, here);
    } else if (strcmp(key, "values") == 0) {
        read_value_map(w, table, source, value, here);
    } else if (events_table && strcmp(key, "events") == 0) {
        keys->events = value;
        read_event_roles(w, table, source, value, here);
    } else if (events_table && strcmp(key, "unmapped_events") == 0) {
        keys->unmapped = value;
        read_unmapped(w, source, value, here, &keys->unmapped_given);
    }
}

static void read_table(walk *w, int t, tn_table_source *source, const yaml_node_t *node) {
    const tn_contract_table *table = &w->contract->tables[t];
    const char *where = table->name;
    source->line = (int)node->start_mark.line + 1;
    if (tn_yaml_is_null(node) && table->optional)
        return; /* `risk_signals: ~` says the company has none */
    if (!tn_yaml_expect_mapping(&w->yaml, node, where,
                                "files:, columns: and the table's other keys"))
        return;
    source->present = true;
    table_keys keys = {0};
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = tn_yaml_node(&w->yaml, pair->key);
        const char *name = tn_yaml_scalar(key) ? tn_yaml_scalar(key) : "?";
        if (tn_yaml_repeated_key(&w->yaml, node, pair)) {
            tn_yaml_problem(&w->yaml, key, where, "'%s' appears twice", name);
            continue;
        }
        static const char *const known[] = {"files",    "format",   "delimiter",      "quote",
                                            "encoding", "timezone", "decimal",        "columns",
                                            "values",   "events",   "unmapped_events"};
        bool is_known = false;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            is_known = is_known || strcmp(name, known[k]) == 0;
        if (!is_known || (strcmp(table->name, "usage_events") != 0 &&
                          (strcmp(name, "events") == 0 || strcmp(name, "unmapped_events") == 0))) {
            tn_yaml_problem(
                &w->yaml, key, where,
                "unknown key '%s' — expected files, format, delimiter, quote, encoding, "
                "timezone, decimal, columns, values%s",
                name, strcmp(table->name, "usage_events") == 0 ? ", events, unmapped_events" : "");
            continue;
        }
        read_table_key(w, table, source, name, tn_yaml_node(&w->yaml, pair->value), where, &keys);
    }
    if (keys.files == NULL)
        tn_yaml_problem(&w->yaml, node, where, "lacks files: which exports hold this table?");
    if (keys.columns == NULL)
        tn_yaml_problem(&w->yaml, node, where,
                        "lacks columns: how does each contract column come from them?");
    if (!keys.format_given)
        infer_format(w, source, keys.files != NULL ? keys.files : node, where);
    else if (source->format == TN_FILE_TSV && source->delimiter == ',')
        source->delimiter = '\t';
    if (keys.events != NULL && !keys.unmapped_given && keys.unmapped == NULL)
        tn_yaml_problem(
            &w->yaml, keys.events, where,
            "lacks unmapped_events: say whether event names the roles do not name count as "
            "generic usage (usage) or are an error (refuse)");
}

/* ---- the whole file -------------------------------------------------------------------------- */

static void set_table_defaults(tn_table_source *source, const char *timezone, char decimal,
                               walk *w) {
    source->format = TN_FILE_CSV;
    source->delimiter = ',';
    source->quote = '"';
    snprintf(source->encoding, sizeof source->encoding, "utf-8");
    source->timezone = tn_yaml_copy(&w->yaml, timezone);
    source->decimal = decimal;
}

/* timezone: and decimal: at the top, which every table inherits. */
static void read_globals(walk *w, const yaml_node_t *root, char **timezone, char *decimal) {
    for (yaml_node_pair_t *pair = root->data.mapping.pairs.start;
         pair < root->data.mapping.pairs.top; pair++) {
        const char *key = tn_yaml_scalar(tn_yaml_node(&w->yaml, pair->key));
        if (key != NULL && strcmp(key, "timezone") == 0)
            read_timezone(w, tn_yaml_node(&w->yaml, pair->value), "timezone", timezone);
        else if (key != NULL && strcmp(key, "decimal") == 0)
            read_decimal(w, tn_yaml_node(&w->yaml, pair->value), "decimal", decimal);
    }
}

static void read_root(walk *w, const yaml_node_t *root, tn_mapping *out) {
    if (root == NULL) {
        tn_yaml_problem(&w->yaml, NULL, "(file)",
                        "is empty: expected the five tables of the data contract");
        return;
    }
    if (!tn_yaml_expect_mapping(&w->yaml, root, "(file)", "a mapping with one entry per table"))
        return;
    char *timezone = tn_yaml_copy(&w->yaml, "UTC"), decimal = '.';
    read_globals(w, root, &timezone, &decimal);
    bool seen[TN_RAW_TABLE_COUNT] = {false};
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++)
        set_table_defaults(&out->tables[t], timezone ? timezone : "UTC", decimal, w);
    for (yaml_node_pair_t *pair = root->data.mapping.pairs.start;
         pair < root->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = tn_yaml_node(&w->yaml, pair->key);
        const char *name = tn_yaml_scalar(key) ? tn_yaml_scalar(key) : "?";
        int t = tn_contract_table_index(name);
        if (tn_yaml_repeated_key(&w->yaml, root, pair)) {
            tn_yaml_problem(&w->yaml, key, "(file)", "'%s' appears twice", name);
        } else if (t >= 0) {
            seen[t] = true;
            /* the table's own time zone replaces the global one when given */
            read_table(w, t, &out->tables[t], tn_yaml_node(&w->yaml, pair->value));
        } else if (strcmp(name, "timezone") != 0 && strcmp(name, "decimal") != 0 &&
                   strcmp(name, "version") != 0 && strcmp(name, "alerts") != 0) {
            tn_yaml_problem(
                &w->yaml, key, "(file)",
                "unknown key '%s' — expected customers, usage_events, gtm_opportunities, "
                "support_tickets, risk_signals, timezone, decimal, version or alerts",
                name);
        } /* alerts: is insight/alert_rules.h's to read and check */
    }
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        if (!seen[t] && !w->contract->tables[t].optional)
            tn_yaml_problem(&w->yaml, root, "(file)", "lacks %s (%s)", tn_raw_tables[t],
                            w->contract->tables[t].grain);
    }
    free(timezone);
}

typedef struct {
    walk *w;
    tn_mapping *out;
} mapping_read;

static void read_mapping_root(const yaml_node_t *root, void *context) {
    mapping_read *read = context;
    read_root(read->w, root, read->out);
}

static bool set_base_dir(tn_mapping *out, const char *dir_of, tn_error *err) {
    char *copy_path = strdup(dir_of);
    if (copy_path == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    out->base_dir = strdup(dirname(copy_path));
    free(copy_path);
    return out->base_dir != NULL || tn_error_set(err, TN_ERR_NOMEM, "out of memory");
}

bool tn_mapping_load(const tn_contract *contract, const char *path, tn_mapping *out,
                     tn_strbuf *problems, tn_error *err) {
    memset(out, 0, sizeof *out);
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return tn_error_set(err, errno == ENOENT ? TN_ERR_INPUT : TN_ERR_IO, "%s: %s", path,
                            errno == ENOENT ? "no such project file" : strerror(errno));
    walk w = {.yaml = {.path = path, .problems = problems}, .contract = contract};
    out->path = strdup(path);
    bool ok = out->path != NULL && set_base_dir(out, path, err);
    if (ok)
        tn_yaml_read(&w.yaml, file, read_mapping_root, &(mapping_read){&w, out});
    fclose(file);
    if (ok && w.yaml.out_of_memory)
        ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    else if (ok && w.yaml.problem_count > 0)
        ok = tn_error_set(err, TN_ERR_INPUT, "%s: %d problem%s in the mapping", path,
                          w.yaml.problem_count, w.yaml.problem_count == 1 ? "" : "s");
    if (!ok)
        tn_mapping_free(out);
    return ok;
}

bool tn_mapping_canonical(const tn_contract *contract, const char *dir, tn_mapping *out,
                          tn_error *err) {
    memset(out, 0, sizeof *out);
    walk w = {.contract = contract};
    out->base_dir = tn_yaml_copy(&w.yaml, dir);
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        const tn_contract_table *table = &contract->tables[t];
        tn_table_source *source = &out->tables[t];
        set_table_defaults(source, "UTC", '.', &w);
        source->present = true;
        source->strict_header = true;
        char file[64];
        snprintf(file, sizeof file, "%s.csv", table->name);
        source->files = calloc(2, sizeof *source->files);
        if (source->files != NULL)
            source->files[source->file_count++] = tn_yaml_copy(&w.yaml, file);
        else
            w.yaml.out_of_memory = true;
        for (int c = 0; c < table->column_count; c++) {
            tn_column_source *column = &source->columns[c];
            column->mapped = true;
            /* the account columns are new: exports written before them still load */
            column->if_present =
                strcmp(table->name, "customers") == 0 && table->columns[c].optional;
            column->column = tn_yaml_copy(&w.yaml, table->columns[c].name);
        }
    }
    if (w.yaml.out_of_memory || out->base_dir == NULL) {
        tn_mapping_free(out);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    return true;
}

void tn_mapping_free(tn_mapping *mapping) {
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        tn_table_source *source = &mapping->tables[t];
        for (size_t f = 0; f < source->file_count; f++)
            free(source->files[f]);
        free(source->files);
        free(source->timezone);
        for (int c = 0; c < TN_CONTRACT_MAX_COLUMNS; c++) {
            free(source->columns[c].column);
            free(source->columns[c].sql);
            free(source->columns[c].format);
            free(source->columns[c].timezone);
        }
        for (size_t r = 0; r < source->rule_count; r++) {
            free(source->rules[r].pattern);
            free(source->rules[r].value);
        }
        free(source->rules);
    }
    free(mapping->path);
    free(mapping->base_dir);
    memset(mapping, 0, sizeof *mapping);
}
