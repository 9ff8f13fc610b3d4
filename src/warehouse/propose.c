/*
 * propose.c — proposing a project file for a folder of exports (see propose.h).
 *
 * Reading: files → columns with sample values (sample_*). Matching: files to
 * tables, columns to contract columns (match_*), by normalized names against
 * the names real tools give them (the synonym table). Writing: the YAML,
 * with formats, value maps and event roles read off the data (write_*).
 */
#include "warehouse/propose.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "common/embedded.h"
#include "warehouse/db.h"
#include "warehouse/load_files.h"
#include "warehouse/load_sql.h"
#include "warehouse/mapping.h"
#include "warehouse/template.h"
#include "warehouse/value_text.h"

enum { SAMPLE_ROWS = 2000, MAX_FILES = 64, MAX_DISTINCT = 60, MAX_COLUMNS = 512 };

typedef struct {
    char *name;     /* header name, or dotted path in JSON lines */
    char **samples; /* non-empty values of the first rows */
    size_t sample_count;
} source_column;

typedef struct {
    char *path;     /* as opened */
    char *relative; /* relative to the folder */
    tn_file_format format;
    char delimiter;
    source_column *columns;
    size_t column_count;
    int table; /* the contract table it feeds, or -1 */
    int score;
    int chosen[TN_CONTRACT_MAX_COLUMNS]; /* per contract column: the source column, or -1 */
    bool out_of_memory; /* a column or sample could not be kept: reading it failed */
} source_file;

typedef struct {
    source_file files[MAX_FILES];
    int count;
    bool out_of_memory; /* a file's path could not be kept */
} folder;

/* ---- names ----------------------------------------------------------------------------------- */

/* Lower-case letters and digits only: "Account: Product Account ID" → "accountproductaccountid". */
static void normalize(const char *name, char *out, size_t size) {
    size_t n = 0;
    for (const char *c = name; *c != '\0' && n + 1 < size; c++) {
        if (isalnum((unsigned char)*c))
            out[n++] = (char)tolower((unsigned char)*c);
    }
    out[n] = '\0';
}

/* What real exports call each contract column, most telling first (normalized). */
static const struct {
    const char *table, *column, *names;
} synonyms[] = {
    {"customers", "customer_id",
     "customerid accountid productaccountid companyid organizationid orgid clientid tenantid "
     "workspaceid externalid customer account id"},
    {"customers", "industry", "industry vertical sector industryname"},
    {"customers", "plan_tier",
     "plantier plan planname tier subscriptionplan edition package product"},
    {"customers", "signup_date",
     "signupdate signedupat signedup customersince contractstart contractstartdate "
     "subscriptionstart startdate createdutc createdat createddate created activationdate"},
    {"customers", "mrr", "mrr mrrusd monthlyrecurringrevenue monthlyrevenue recurringrevenue"},
    {"customers", "churn_date",
     "churndate churnedat churned canceledat cancelledat cancellationdate canceled cancelled "
     "enddate endedat"},
    {"customers", "upgrade_date", "upgradedate upgradedat upgraded planchangedat planchangedate"},
    {"customers", "name",
     "name customername accountname companyname organizationname displayname company"},
    {"customers", "owner",
     "owner accountowner csm customersuccessmanager successmanager accountmanager csmowner"},
    {"customers", "renewal_date",
     "renewaldate renewsat nextrenewal nextrenewaldate currentperiodend contractend "
     "contractenddate renewal"},
    {"customers", "crm_id",
     "crmid salesforceid salesforceaccountid sfdcid sfdcaccountid hubspotid hubspotcompanyid crm"},

    {"usage_events", "event_id", "eventid insertid uuid messageid id"},
    {"usage_events", "customer_id",
     "customerid accountid productaccountid companyid groupid organizationid orgid tenantid "
     "workspaceid account"},
    {"usage_events", "timestamp",
     "timestamp time eventtime occurredat eventtimestamp clienteventtime servertime datetime "
     "createdat ts date"},
    {"usage_events", "event_type", "eventtype eventname event action name type"},
    {"usage_events", "feature_adoption_score",
     "featureadoptionscore adoptionscore adoption featureadoption"},

    {"gtm_opportunities", "opp_id", "oppid opportunityid dealid recordid id"},
    {"gtm_opportunities", "customer_id",
     "productaccountid customerid accountid companyid organizationid externalaccountid"},
    {"gtm_opportunities", "stage",
     "stage stagename dealstage opportunitystage pipelinestage status"},
    {"gtm_opportunities", "close_date", "closedate expectedclosedate closedat closedon closed"},
    {"gtm_opportunities", "amount",
     "amount amountusd dealamount opportunityamount value totalvalue"},
    {"gtm_opportunities", "sales_owner",
     "opportunityowner salesowner dealowner owner salesrep rep accountexecutive ae"},
    {"gtm_opportunities", "opportunity_type", "opportunitytype dealtype type businesstype kind"},

    {"support_tickets", "ticket_id", "ticketid ticketnumber casenumber caseid id number"},
    {"support_tickets", "customer_id",
     "organizationexternalid orgexternalid customerid accountid companyid organizationid "
     "requesterorganizationid productaccountid"},
    {"support_tickets", "created_date",
     "createddate createdat created openedat opened submittedat dateopened requestedat"},
    {"support_tickets", "priority", "priority severity urgency"},
    {"support_tickets", "resolution_time",
     "resolutiontime resolutionhours fullresolutiontime fullresolutiontimeinhours "
     "fullresolutiontimemin fullresolutiontimeinminutes timetoresolution resolutionminutes"},
    {"support_tickets", "topic", "topic category tags tag type subjectcategory"},

    {"risk_signals", "customer_id",
     "customerid accountid accountexternalid externalid companyid organizationid productaccountid"},
    {"risk_signals", "compliance_gap_score",
     "compliancegapscore compliancegap compliancegaps gapscore gapratio openfindingsratio"},
    {"risk_signals", "vendor_risk_flags",
     "vendorriskflags vendorflags vendoralerts vendorriskalerts vendorrisk vendorissues"},
};

/* How well a source column name fits a contract column: 0 (not at all) to 100. */
static int name_score(const char *table, const char *column, const char *source) {
    char full[256], last[256];
    normalize(source, full, sizeof full);
    const char *dot = strrchr(source, '.');
    normalize(dot != NULL ? dot + 1 : source, last, sizeof last);
    for (size_t s = 0; s < sizeof synonyms / sizeof synonyms[0]; s++) {
        if (strcmp(synonyms[s].table, table) != 0 || strcmp(synonyms[s].column, column) != 0)
            continue;
        int best = 0, rank = 0;
        char names[512];
        snprintf(names, sizeof names, "%s", synonyms[s].names);
        for (char *save = NULL, *name = strtok_r(names, " ", &save); name != NULL;
             name = strtok_r(NULL, " ", &save), rank++) {
            int score = 0;
            if (strcmp(full, name) == 0 || strcmp(last, name) == 0)
                score = 100 - rank;
            else if (strlen(name) >= 6 && (strstr(full, name) != NULL))
                score = 50 - rank;
            if (score > best)
                best = score;
        }
        return best;
    }
    return 0;
}

/* ---- reading the folder ---------------------------------------------------------------------- */

static void add_sample(source_column *column, const char *value, bool *out_of_memory) {
    if (value == NULL || value[0] == '\0' || column->sample_count >= SAMPLE_ROWS)
        return;
    if (column->samples == NULL)
        column->samples = calloc(SAMPLE_ROWS, sizeof *column->samples);
    char *copy = column->samples != NULL ? strdup(value) : NULL;
    if (copy != NULL)
        column->samples[column->sample_count++] = copy;
    else
        *out_of_memory = true;
}

/* The column called `name`, added when new; NULL when there is no room (or memory) for it. */
static source_column *find_or_add_column(source_file *file, const char *name) {
    for (size_t c = 0; c < file->column_count; c++) {
        if (strcmp(file->columns[c].name, name) == 0)
            return &file->columns[c];
    }
    if (file->column_count >= MAX_COLUMNS)
        return NULL;
    if (file->columns == NULL)
        file->columns = calloc(MAX_COLUMNS, sizeof *file->columns);
    char *copy = file->columns != NULL ? strdup(name) : NULL;
    if (copy == NULL) {
        file->out_of_memory = true;
        return NULL;
    }
    source_column *column = &file->columns[file->column_count++];
    column->name = copy;
    return column;
}

/* The delimiter a CSV header uses: the one of , ; tab | that splits it most. */
static char guess_delimiter(const char *line, tn_file_format format) {
    if (format == TN_FILE_TSV)
        return '\t';
    const char candidates[] = {',', ';', '\t', '|'};
    char best = ',';
    int best_count = 0;
    for (size_t i = 0; i < sizeof candidates; i++) {
        int count = 0;
        bool quoted = false;
        for (const char *c = line; *c != '\0'; c++) {
            if (*c == '"')
                quoted = !quoted;
            else if (!quoted && *c == candidates[i])
                count++;
        }
        if (count > best_count) {
            best_count = count;
            best = candidates[i];
        }
    }
    return best;
}

/* The first rows of a query (its parameters bound to params) as samples of the file's columns. */
static bool sample_query(tn_db *db, const char *sql, const char *const *params, size_t count,
                         source_file *file, tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query_params(db, sql, params, count, &result, err);
    duckdb_data_chunk chunk;
    while (ok && (chunk = duckdb_fetch_chunk(result)) != NULL) {
        idx_t columns = duckdb_data_chunk_get_column_count(chunk);
        if (columns > file->column_count)
            columns = file->column_count;
        for (idx_t r = 0; r < duckdb_data_chunk_get_size(chunk); r++) {
            for (idx_t c = 0; c < columns; c++) {
                tn_strbuf text = TN_STRBUF_INIT;
                if (tn_value_text(duckdb_data_chunk_get_vector(chunk, c), r, &text))
                    add_sample(&file->columns[c], tn_strbuf_cstr(&text), &file->out_of_memory);
                tn_strbuf_free(&text);
            }
        }
        duckdb_destroy_data_chunk(&chunk);
    }
    duckdb_destroy_result(&result);
    return ok;
}

/*
 * The read_csv() that reads a CSV or TSV file as text, its columns named
 * c0, c1, ...: the path is parameter $1 and the delimiter $2 (csv_params).
 */
static void csv_reader(const source_file *file, tn_strbuf *sql) {
    tn_strbuf_puts(sql, "read_csv($1, header = true, auto_detect = false, quote = '\"', "
                        "escape = '\"', ignore_errors = true, delim = $2, columns = {");
    for (size_t c = 0; c < file->column_count; c++)
        tn_strbuf_printf(sql, "%s'c%zu': 'VARCHAR'", c ? ", " : "", c);
    tn_strbuf_puts(sql, "})");
}

/* The values of csv_reader's parameters; `delimiter` holds 2 bytes. */
static void csv_params(const source_file *file, char *delimiter, const char *params[2]) {
    delimiter[0] = file->delimiter;
    delimiter[1] = '\0';
    params[0] = file->path;
    params[1] = delimiter;
}

static bool sample_csv(tn_db *db, source_file *file, tn_error *err) {
    tn_strbuf line = TN_STRBUF_INIT, sql = TN_STRBUF_INIT;
    bool empty = true;
    bool ok = tn_load_files_first_line(db, file->path, "utf-8", &line, &empty, err);
    if (ok && !empty) {
        file->delimiter = guess_delimiter(tn_strbuf_cstr(&line), file->format);
        char *names[MAX_COLUMNS];
        int count =
            tn_load_split_header(tn_strbuf_cstr(&line), file->delimiter, '"', names, MAX_COLUMNS);
        for (int c = 0; c < count; c++) {
            find_or_add_column(file, names[c]);
            free(names[c]);
        }
    }
    tn_strbuf_free(&line);
    if (ok && file->column_count > 0) {
        tn_strbuf_reset(&sql);
        tn_strbuf_puts(&sql, "SELECT * FROM ");
        csv_reader(file, &sql);
        tn_strbuf_printf(&sql, " LIMIT %d", SAMPLE_ROWS);
        char delimiter[2];
        const char *params[2];
        csv_params(file, delimiter, params);
        ok = sample_query(db, tn_strbuf_cstr(&sql), params, 2, file, err);
    }
    tn_strbuf_free(&sql);
    return ok;
}

/* Every scalar of a JSON object, under its dotted path. */
static void flatten(source_file *file, const char *prefix, json_t *value) {
    const char *key;
    json_t *child;
    json_object_foreach(value, key, child) {
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", key);
        if (json_is_object(child)) {
            flatten(file, path, child);
            continue;
        }
        source_column *column = find_or_add_column(file, path);
        if (column == NULL || json_is_null(child) || json_is_array(child))
            continue;
        char text[256];
        if (json_is_string(child))
            snprintf(text, sizeof text, "%s", json_string_value(child));
        else if (json_is_integer(child))
            snprintf(text, sizeof text, "%lld", (long long)json_integer_value(child));
        else if (json_is_real(child))
            snprintf(text, sizeof text, "%.17g", json_real_value(child));
        else
            snprintf(text, sizeof text, "%s", json_is_true(child) ? "true" : "false");
        add_sample(column, text, &file->out_of_memory);
    }
}

/* `name` (sql/propose/...) with var('limit') SAMPLE_ROWS into `sql`. */
static bool render_sample(const char *name, tn_strbuf *sql, tn_error *err) {
    char limit[16];
    snprintf(limit, sizeof limit, "%d", SAMPLE_ROWS);
    const tn_template_var vars[] = {{"limit", limit}, {NULL, NULL}};
    return tn_template_render_file(name, vars, sql, err);
}

static bool sample_jsonl(tn_db *db, source_file *file, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    const char *params[] = {file->path};
    duckdb_result result;
    bool ok = render_sample("sql/propose/sample_jsonl.sql", &sql, err);
    if (ok)
        ok = tn_db_query_params(db, tn_strbuf_cstr(&sql), params, 1, &result, err);
    else
        memset(&result, 0, sizeof result);
    tn_strbuf_free(&sql);
    for (idx_t r = 0; ok && r < duckdb_row_count(&result); r++) {
        char *line = duckdb_value_varchar(&result, 0, r);
        json_t *object = line != NULL ? json_loads(line, 0, NULL) : NULL;
        if (json_is_object(object))
            flatten(file, "", object);
        json_decref(object);
        duckdb_free(line);
    }
    duckdb_destroy_result(&result);
    return ok;
}

static bool sample_parquet(tn_db *db, source_file *file, tn_error *err) {
    const char *params[] = {file->path};
    duckdb_result result;
    bool ok = tn_db_query_params(db, tn_embedded_text("sql/load/parquet_columns.sql"), params, 1,
                                 &result, err);
    for (idx_t r = 0; ok && r < duckdb_row_count(&result); r++) {
        char *name = duckdb_value_varchar(&result, 0, r);
        if (name != NULL)
            find_or_add_column(file, name);
        duckdb_free(name);
    }
    duckdb_destroy_result(&result);
    tn_strbuf sql = TN_STRBUF_INIT;
    ok = ok && render_sample("sql/propose/sample_parquet.sql", &sql, err) &&
         sample_query(db, tn_strbuf_cstr(&sql), params, 1, file, err);
    tn_strbuf_free(&sql);
    return ok;
}

static bool is_data_file(const char *name, tn_file_format *format) {
    return name[0] != '.' && strcmp(name, "tenure.yml") != 0 &&
           tn_mapping_format_from_name(name, format);
}

/* The data files under `dir` (and one level of subfolders), sorted by path. */
static void list_files(const char *dir, const char *relative, int depth, folder *out) {
    struct dirent **entries = NULL;
    int n = scandir(dir, &entries, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *name = entries[i]->d_name;
        char path[4096], rel[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        snprintf(rel, sizeof rel, "%s%s%s", relative, relative[0] ? "/" : "", name);
        struct stat info;
        tn_file_format format;
        if (name[0] == '.' || stat(path, &info) != 0) {
            /* hidden or gone */
        } else if (S_ISDIR(info.st_mode) && depth < 1) {
            list_files(path, rel, depth + 1, out);
        } else if (S_ISREG(info.st_mode) && is_data_file(name, &format) && out->count < MAX_FILES) {
            source_file *file = &out->files[out->count++];
            memset(file, 0, sizeof *file);
            file->path = strdup(path);
            file->relative = strdup(rel);
            file->format = format;
            file->table = -1;
            out->out_of_memory = out->out_of_memory || file->path == NULL || file->relative == NULL;
        }
        free(entries[i]);
    }
    free(entries);
}

static void free_folder(folder *f) {
    for (int i = 0; i < f->count; i++) {
        source_file *file = &f->files[i];
        for (size_t c = 0; c < file->column_count; c++) {
            for (size_t s = 0; s < file->columns[c].sample_count; s++)
                free(file->columns[c].samples[s]);
            free(file->columns[c].samples);
            free(file->columns[c].name);
        }
        free(file->columns);
        free(file->path);
        free(file->relative);
    }
}

/* ---- matching -------------------------------------------------------------------------------- */

static bool is_key(tn_column_kind kind) {
    return kind == TN_KIND_ID || kind == TN_KIND_REFERENCE;
}

/*
 * Chooses a source column for each contract column (keys first, each source
 * column used once) and returns how well the file fits the table.
 */
static int match_columns(const tn_contract_table *table, source_file *file, int chosen[]) {
    bool used[MAX_COLUMNS] = {false};
    int total = 0, matched_required = 0;
    for (int c = 0; c < table->column_count; c++)
        chosen[c] = -1;
    for (int pass = 0; pass < 2; pass++) {
        for (int c = 0; c < table->column_count; c++) {
            const tn_contract_column *column = &table->columns[c];
            if (is_key(column->kind) != (pass == 0))
                continue;
            int best = -1, best_score = 0;
            for (size_t s = 0; s < file->column_count; s++) {
                int score =
                    used[s] ? 0 : name_score(table->name, column->name, file->columns[s].name);
                if (score > best_score) {
                    best_score = score;
                    best = (int)s;
                }
            }
            chosen[c] = best;
            if (best < 0)
                continue;
            used[best] = true;
            total += column->optional ? best_score / 4 : best_score;
            matched_required += !column->optional;
        }
    }
    if (file->format == TN_FILE_JSONL && strcmp(table->name, "usage_events") == 0)
        total += 60; /* event streams are what JSON lines exports hold */
    return matched_required >= 2 ? total : 0;
}

static bool same_columns(const source_file *a, const source_file *b) {
    if (a->column_count != b->column_count)
        return false;
    for (size_t c = 0; c < a->column_count; c++) {
        if (strcmp(a->columns[c].name, b->columns[c].name) != 0)
            return false;
    }
    return true;
}

/* Each file to its best table; a table keeps the best file and those shaped like it. */
static void match_files(const tn_contract *contract, folder *f) {
    int scores[MAX_FILES][TN_RAW_TABLE_COUNT];
    int chosen[MAX_FILES][TN_RAW_TABLE_COUNT][TN_CONTRACT_MAX_COLUMNS];
    for (int i = 0; i < f->count; i++) {
        for (int t = 0; t < TN_RAW_TABLE_COUNT; t++)
            scores[i][t] = match_columns(&contract->tables[t], &f->files[i], chosen[i][t]);
    }
    bool taken[MAX_FILES] = {false};
    for (int round = 0; round < TN_RAW_TABLE_COUNT; round++) {
        /* the strongest remaining (file, table) pair wins; its look-alikes join it */
        int best_file = -1, best_table = -1, best = 0;
        for (int i = 0; i < f->count; i++) {
            for (int t = 0; t < TN_RAW_TABLE_COUNT && !taken[i]; t++) {
                bool table_used = false;
                for (int j = 0; j < f->count; j++)
                    table_used = table_used || f->files[j].table == t;
                if (!table_used && scores[i][t] > best) {
                    best = scores[i][t];
                    best_file = i;
                    best_table = t;
                }
            }
        }
        if (best_file < 0)
            break;
        for (int i = 0; i < f->count; i++) {
            if (taken[i] || (i != best_file && !same_columns(&f->files[i], &f->files[best_file])))
                continue;
            taken[i] = true;
            f->files[i].table = best_table;
            f->files[i].score = scores[i][best_table];
            memcpy(f->files[i].chosen, chosen[i][best_table], sizeof f->files[i].chosen);
        }
    }
}

/* ---- reading values -------------------------------------------------------------------------- */

static bool all_samples(const source_column *column, bool (*test)(const char *)) {
    if (column->sample_count == 0)
        return false;
    for (size_t s = 0; s < column->sample_count; s++) {
        if (!test(column->samples[s]))
            return false;
    }
    return true;
}

static bool digits(const char *text, size_t least, size_t most) {
    size_t n = 0;
    while (isdigit((unsigned char)text[n]))
        n++;
    return n >= least && n <= most && (text[n] == '\0' || text[n] == '.');
}

static bool is_epoch_seconds(const char *text) {
    return digits(text, 9, 10);
}

static bool is_epoch_millis(const char *text) {
    return digits(text, 12, 13);
}

static bool is_iso(const char *text) {
    return strlen(text) >= 10 && isdigit((unsigned char)text[0]) && text[4] == '-' &&
           text[7] == '-';
}

/* "1/28/2026", "28.01.2026", "2026/01/28": the separator and the three numbers. */
static bool date_parts(const char *text, char *separator, int parts[3], int *year_digits) {
    int a, b, c, n = 0;
    char s1, s2;
    if (sscanf(text, "%d%c%d%c%d%n", &a, &s1, &b, &s2, &c, &n) != 5 || s1 != s2 ||
        (s1 != '/' && s1 != '.' && s1 != '-'))
        return false;
    const char *third = strrchr(text, s1) + 1;
    int length = 0;
    while (isdigit((unsigned char)third[length]))
        length++;
    *separator = s1;
    parts[0] = a, parts[1] = b, parts[2] = c;
    *year_digits = length;
    return true;
}

/* The format of a date or timestamp column's samples, NULL when it cannot be told. */
static const char *detect_time_format(const source_column *column, bool *ambiguous) {
    *ambiguous = false;
    if (all_samples(column, is_epoch_seconds))
        return "epoch_s";
    if (all_samples(column, is_epoch_millis))
        return "epoch_ms";
    if (all_samples(column, is_iso))
        return "iso";
    char separator = 0;
    bool first_big = false, second_big = false, year_first = false, short_year = false;
    for (size_t s = 0; s < column->sample_count; s++) {
        char sep;
        int parts[3], year_digits;
        if (!date_parts(column->samples[s], &sep, parts, &year_digits) ||
            (separator != 0 && sep != separator))
            return NULL;
        separator = sep;
        year_first = year_first || parts[0] > 31;
        first_big = first_big || parts[0] > 12;
        second_big = second_big || parts[1] > 12;
        short_year = short_year || year_digits == 2;
    }
    if (separator == 0)
        return NULL;
    if (year_first)
        return separator == '/' ? "YYYY/MM/DD" : NULL;
    if (separator == '.')
        return short_year ? "DD.MM.YY" : "DD.MM.YYYY";
    if (separator == '-')
        return "DD-MM-YYYY";
    if (first_big && !second_big)
        return short_year ? "DD/MM/YY" : "DD/MM/YYYY";
    *ambiguous = !second_big; /* every day ≤ 12: the order cannot be told */
    return short_year ? "MM/DD/YY" : "MM/DD/YYYY";
}

/* A number written with a decimal comma: "1.234,56 €", "12,5". */
static bool has_decimal_comma(const char *text) {
    const char *comma = strrchr(text, ',');
    if (comma == NULL)
        return false;
    size_t after = 0;
    while (isdigit((unsigned char)comma[1 + after]))
        after++;
    return (after == 1 || after == 2) && strchr(comma, '.') == NULL;
}

static char detect_decimal(const source_column *column) {
    for (size_t s = 0; s < column->sample_count; s++) {
        if (has_decimal_comma(column->samples[s]))
            return ',';
    }
    return '.';
}

/* The distinct values of a source column over the whole file, most frequent first. */
typedef struct {
    char *values[MAX_DISTINCT];
    long long counts[MAX_DISTINCT];
    int count;
    bool more; /* there were more than MAX_DISTINCT */
} distinct_values;

static bool read_distinct(tn_db *db, const source_file *file, int column, distinct_values *out,
                          tn_error *err) {
    memset(out, 0, sizeof *out);
    /* the file's path is $1; a JSON path $2, a CSV file's delimiter $2 */
    tn_strbuf sql = TN_STRBUF_INIT, path = TN_STRBUF_INIT;
    char delimiter[2];
    const char *params[2] = {file->path, NULL};
    size_t count = 1;
    if (file->format == TN_FILE_JSONL) {
        tn_strbuf_puts(&path, "$");
        char copy_name[512];
        snprintf(copy_name, sizeof copy_name, "%s", file->columns[column].name);
        for (char *save = NULL, *part = strtok_r(copy_name, ".", &save); part != NULL;
             part = strtok_r(NULL, ".", &save))
            tn_strbuf_printf(&path, ".\"%s\"", part);
        params[1] = tn_strbuf_cstr(&path), count = 2;
        tn_strbuf_puts(&sql, "SELECT v, count(*) FROM (SELECT try(json_extract_string(record, $2)) "
                             "AS v FROM read_csv($1, header = false, auto_detect = false, "
                             "columns = {'record': 'VARCHAR'}, delim = E'\\x01', quote = '', "
                             "escape = '', ignore_errors = true))");
    } else if (file->format == TN_FILE_PARQUET) {
        tn_strbuf_puts(&sql, "SELECT CAST(");
        tn_load_sql_ident(&sql, file->columns[column].name);
        tn_strbuf_puts(&sql, " AS VARCHAR) AS v, count(*) FROM read_parquet($1)");
    } else {
        tn_strbuf_printf(&sql, "SELECT trim(c%d) AS v, count(*) FROM ", column);
        csv_reader(file, &sql);
        csv_params(file, delimiter, params);
        count = 2;
    }
    tn_strbuf_printf(&sql,
                     " WHERE v IS NOT NULL AND v <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT %d",
                     MAX_DISTINCT + 1);
    duckdb_result result;
    bool ok = tn_db_query_params(db, tn_strbuf_cstr(&sql), params, count, &result, err);
    tn_strbuf_free(&path);
    for (idx_t r = 0; ok && r < duckdb_row_count(&result); r++) {
        if (r == MAX_DISTINCT) {
            out->more = true;
            break;
        }
        char *value = duckdb_value_varchar(&result, 0, r);
        out->values[out->count] = strdup(value != NULL ? value : "");
        duckdb_free(value);
        if (out->values[out->count] == NULL) {
            ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory reading %s's values",
                              file->relative);
            break;
        }
        out->counts[out->count++] = duckdb_value_int64(&result, 1, r);
    }
    duckdb_destroy_result(&result);
    tn_strbuf_free(&sql);
    for (int i = 0; !ok && i < out->count; i++) /* nothing is left to free after a failure */
        free(out->values[i]);
    if (!ok)
        out->count = 0;
    return ok;
}

static void free_distinct(distinct_values *d) {
    for (int i = 0; i < d->count; i++)
        free(d->values[i]);
}

/* Words that give a source value's meaning away, per categorical column. */
static const struct {
    const char *column, *value, *words;
} hints[] = {
    {"plan_tier", "starter", "starter basic essential lite free small"},
    {"plan_tier", "growth", "growth pro professional team business standard plus"},
    {"plan_tier", "enterprise", "enterprise premium corporate scale ultimate"},
    {"stage", "closed_won", "won"},
    {"stage", "closed_lost", "lost"},
    {"stage", "prospecting", "prospect lead"},
    {"stage", "qualification", "qualif discovery"},
    {"stage", "proposal", "proposal quote negotiat"},
    {"opportunity_type", "expansion", "expansion upsell upgrade existing cross"},
    {"opportunity_type", "new_business", "new"},
    {"priority", "low", "low minor p4"},
    {"priority", "medium", "medium normal moderate p3"},
    {"priority", "high", "high major p2"},
    {"priority", "critical", "critical urgent blocker p1 emergency"},
    {"topic", "compliance", "compliance audit policy"},
    {"topic", "integration", "integration api connector connect sync"},
    {"topic", "billing", "billing invoice payment refund"},
    {"topic", "onboarding", "onboarding setup getting_started training"},
    {"topic", "feature_request", "feature_request feature request idea"},
    {"event_type", "evidence_upload", "evidence upload"},
    {"event_type", "monitoring_run", "monitor scan check"},
    {"event_type", "report_view", "report dashboard"},
    {"event_type", "user_invite", "invite teammate"},
    {"event_type", "integration_connect", "integration connect"},
    {"event_type", "api_call", "api"},
    {"event_type", "premium_feature_trial", "premium trial"},
};

/* `value` with every run of other characters than letters and digits as one '_', lower case. */
static void snake(const char *value, char *out, size_t size) {
    size_t n = 0;
    bool gap = false;
    for (const char *c = value; *c != '\0' && n + 2 < size; c++) {
        if (isalnum((unsigned char)*c)) {
            if (gap && n > 0)
                out[n++] = '_';
            out[n++] = (char)tolower((unsigned char)*c);
            gap = false;
        } else {
            gap = true;
        }
    }
    out[n] = '\0';
}

/* The accepted value a source value most likely means, or NULL; *guessed when by hint only. */
static const char *suggest(const tn_contract_column *column, const char *value, bool *guessed) {
    char plain[256];
    snake(value, plain, sizeof plain);
    *guessed = false;
    for (int a = 0; a < column->accepted_count; a++) {
        if (strcmp(column->accepted[a], plain) == 0)
            return column->accepted[a];
    }
    const char *best = NULL;
    int best_hits = 0;
    for (size_t h = 0; h < sizeof hints / sizeof hints[0]; h++) {
        if (strcmp(hints[h].column, column->name) != 0)
            continue;
        int hits = 0;
        char words[128];
        snprintf(words, sizeof words, "%s", hints[h].words);
        for (char *save = NULL, *word = strtok_r(words, " ", &save); word != NULL;
             word = strtok_r(NULL, " ", &save))
            hits += strstr(plain, word) != NULL;
        if (hits > best_hits) {
            best_hits = hits;
            best = hints[h].value;
        }
    }
    *guessed = best != NULL;
    return best;
}

/* ---- writing --------------------------------------------------------------------------------- */

/* `text` as a YAML double-quoted scalar. */
static void yaml_string(tn_strbuf *out, const char *text) {
    tn_strbuf_putc(out, '"');
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\')
            tn_strbuf_putc(out, '\\');
        if ((unsigned char)*c < 0x20)
            tn_strbuf_printf(out, "\\x%02x", (unsigned char)*c);
        else
            tn_strbuf_putc(out, *c);
    }
    tn_strbuf_putc(out, '"');
}

static void todo(tn_strbuf *out, tn_proposal_summary *summary, const char *why) {
    tn_strbuf_printf(out, "TODO   # %s\n", why);
    summary->todos++;
}

/* A few samples of a column, for a comment: "1/28/2026, 2/3/2026". */
static void sample_text(const source_column *column, tn_strbuf *out) {
    for (size_t s = 0; s < column->sample_count && s < 3; s++)
        tn_strbuf_printf(out, "%s%.40s", s ? ", " : "", column->samples[s]);
}

static void write_column(const tn_contract_column *column, const source_file *file, int source,
                         tn_strbuf *out, tn_proposal_summary *summary) {
    tn_strbuf_printf(out, "    %s: ", column->name);
    if (source < 0) {
        if (column->optional) {
            tn_strbuf_printf(out, "~   # no column found: %s (left out)\n", column->description);
        } else {
            char why[256];
            snprintf(why, sizeof why, "no column looks like it: %s", column->description);
            todo(out, summary, why);
        }
        return;
    }
    const source_column *from = &file->columns[source];
    char plain[256];
    normalize(from->name, plain, sizeof plain);
    if (column->kind == TN_KIND_HOURS && strstr(plain, "min") != NULL) {
        tn_strbuf_puts(out, "{sql: ");
        tn_strbuf tmp = TN_STRBUF_INIT;
        tn_strbuf_puts(&tmp, "CAST(");
        tn_load_sql_ident(&tmp, from->name);
        tn_strbuf_puts(&tmp, " AS DOUBLE) / 60");
        yaml_string(out, tn_strbuf_cstr(&tmp));
        tn_strbuf_free(&tmp);
        tn_strbuf_puts(out,
                       "}   # minutes to hours; a value that is not a whole hour is refused\n");
        return;
    }
    if (tn_column_kind_is_time(column->kind)) {
        bool ambiguous = false;
        const char *format = detect_time_format(from, &ambiguous);
        tn_strbuf_puts(out, "{column: ");
        yaml_string(out, from->name);
        tn_strbuf_puts(out, ", format: ");
        tn_strbuf samples = TN_STRBUF_INIT;
        sample_text(from, &samples);
        if (format == NULL) {
            tn_strbuf_puts(out, "TODO}   # cannot tell the format of ");
            tn_strbuf_printf(out, "%s\n", tn_strbuf_cstr(&samples));
            summary->todos++;
        } else {
            tn_strbuf_printf(out, "%s}%s%s\n", format,
                             ambiguous ? "   # TODO check: no day above 12, so month and day "
                                         "could be either way round, e.g. "
                                       : "",
                             ambiguous ? tn_strbuf_cstr(&samples) : "");
        }
        tn_strbuf_free(&samples);
        return;
    }
    if (tn_column_kind_is_number(column->kind) && detect_decimal(from) == ',') {
        tn_strbuf_puts(out, "{column: ");
        yaml_string(out, from->name);
        tn_strbuf_puts(out, ", decimal: \",\"}\n");
        return;
    }
    yaml_string(out, from->name);
    tn_strbuf_putc(out, '\n');
}

/* Values that are lists of tags ("vip topic_billing plan_growth"), not one name each. */
static bool looks_like_tags(const distinct_values *d) {
    int lists = 0;
    for (int i = 0; i < d->count; i++)
        lists += strpbrk(d->values[i], " ,;|") != NULL;
    return d->count > 8 && lists * 2 > d->count;
}

/*
 * A tag column's map as patterns: each tag that suggests a contract value
 * becomes "*tag*": value (most frequent first); the other tags are listed.
 */
static void write_tag_patterns(const tn_contract_column *column, const distinct_values *d,
                               tn_strbuf *out, tn_proposal_summary *summary) {
    enum { MAX_TAGS = 256 };
    char *tags[MAX_TAGS];
    long long counts[MAX_TAGS];
    int tag_count = 0;
    for (int i = 0; i < d->count; i++) {
        char copy_value[512];
        snprintf(copy_value, sizeof copy_value, "%s", d->values[i]);
        for (char *save = NULL, *tag = strtok_r(copy_value, " ,;|", &save); tag != NULL;
             tag = strtok_r(NULL, " ,;|", &save)) {
            int t = 0;
            while (t < tag_count && strcmp(tags[t], tag) != 0)
                t++;
            if (t == tag_count && tag_count < MAX_TAGS) {
                tags[tag_count] = strdup(tag);
                if (tags[tag_count] == NULL)
                    break;
                counts[tag_count++] = 0;
            }
            if (t < tag_count)
                counts[t] += d->counts[i];
        }
    }
    tn_strbuf_puts(out,
                   "      # tags: each value holds several, so the map matches them by pattern\n");
    tn_strbuf others = TN_STRBUF_INIT;
    for (int done = 0; done < tag_count; done++) {
        int best = -1;
        for (int t = 0; t < tag_count; t++) {
            if (tags[t] != NULL && (best < 0 || counts[t] > counts[best]))
                best = t;
        }
        bool guessed;
        const char *meaning = suggest(column, tags[best], &guessed);
        if (meaning != NULL) {
            tn_strbuf pattern = TN_STRBUF_INIT;
            tn_strbuf_printf(&pattern, "*%s*", tags[best]);
            tn_strbuf_puts(out, "      ");
            yaml_string(out, tn_strbuf_cstr(&pattern));
            tn_strbuf_printf(out, ": %s   # tag on %lld row%s%s\n", meaning, counts[best],
                             counts[best] == 1 ? "" : "s",
                             guessed ? "; guessed from the name" : "");
            tn_strbuf_free(&pattern);
        } else {
            tn_strbuf_printf(&others, "%s%s", others.length ? ", " : "", tags[best]);
        }
        free(tags[best]);
        tags[best] = NULL;
    }
    if (others.length > 0) {
        tn_strbuf_printf(out, "      # TODO check: tags that suggest no %s: %s\n", column->name,
                         tn_strbuf_cstr(&others));
        summary->todos++;
    }
    tn_strbuf_free(&others);
}

/* The value map of one categorical column: every distinct value, with its likely meaning. */
static bool write_values(tn_db *db, const tn_contract_column *column, const source_file *file,
                         int source, tn_strbuf *out, tn_proposal_summary *summary, tn_error *err) {
    distinct_values d;
    if (!read_distinct(db, file, source, &d, err))
        return false;
    tn_strbuf_printf(out, "    %s:   # %s%d distinct value%s in %s\n", column->name,
                     d.more ? "more than " : "", d.count, d.count == 1 ? "" : "s",
                     file->columns[source].name);
    if (looks_like_tags(&d)) {
        write_tag_patterns(column, &d, out, summary);
        free_distinct(&d);
        return true;
    }
    for (int i = 0; i < d.count; i++) {
        bool guessed = false;
        const char *meaning = suggest(column, d.values[i], &guessed);
        tn_strbuf_puts(out, "      ");
        yaml_string(out, d.values[i]);
        tn_strbuf_puts(out, ": ");
        if (meaning == NULL) {
            tn_strbuf accepted = TN_STRBUF_INIT;
            for (int a = 0; a < column->accepted_count; a++)
                tn_strbuf_printf(&accepted, "%s%s", a ? ", " : "", column->accepted[a]);
            char why[512];
            snprintf(why, sizeof why, "%lld row%s; one of %s", d.counts[i],
                     d.counts[i] == 1 ? "" : "s", tn_strbuf_cstr(&accepted));
            todo(out, summary, why);
            tn_strbuf_free(&accepted);
        } else {
            tn_strbuf_printf(out, "%s   # %lld row%s%s\n", meaning, d.counts[i],
                             d.counts[i] == 1 ? "" : "s",
                             guessed ? "; guessed from the name: check it" : "");
        }
    }
    if (d.more)
        tn_strbuf_puts(out, "      # ... and more: values with * and ? match patterns, e.g. "
                            "\"*billing*\": billing\n");
    free_distinct(&d);
    return true;
}

/* Event roles: each product event name under the role its name suggests; the rest listed. */
static bool write_events(tn_db *db, const tn_contract_column *column, const source_file *file,
                         int source, tn_strbuf *out, tn_proposal_summary *summary, tn_error *err) {
    distinct_values d;
    if (!read_distinct(db, file, source, &d, err))
        return false;
    tn_strbuf_puts(out, "  # Each role lists the product's own event names that play it (* and ? "
                        "match\n  # any text). Roles guessed from the names: check every one.\n"
                        "  events:\n");
    bool placed[MAX_DISTINCT] = {false};
    for (int a = 0; a < column->accepted_count; a++) {
        if (strcmp(column->accepted[a], "other") == 0)
            continue;
        tn_strbuf_printf(out, "    %s: [", column->accepted[a]);
        int n = 0;
        for (int i = 0; i < d.count; i++) {
            bool guessed;
            const char *role = suggest(column, d.values[i], &guessed);
            if (role == NULL || strcmp(role, column->accepted[a]) != 0)
                continue;
            tn_strbuf_puts(out, n++ ? ", " : "");
            yaml_string(out, d.values[i]);
            placed[i] = true;
        }
        tn_strbuf_puts(out, "]\n");
    }
    int unplaced = 0;
    for (int i = 0; i < d.count; i++)
        unplaced += !placed[i];
    if (unplaced > 0 || d.more) {
        tn_strbuf_printf(out,
                         "  # TODO: %s%d event name%s without a role; give each one a role "
                         "above, or leave it\n  # to unmapped_events:\n",
                         d.more ? "more than " : "", unplaced, unplaced == 1 ? "" : "s");
        for (int i = 0; i < d.count; i++) {
            if (!placed[i])
                tn_strbuf_printf(out, "  #   \"%s\" (%lld events)\n", d.values[i], d.counts[i]);
        }
    }
    tn_strbuf_puts(out, "  unmapped_events: ");
    todo(out, summary, "usage (count the other event names as generic usage) or refuse (an error)");
    free_distinct(&d);
    return true;
}

static void write_files(const folder *f, int t, const source_file *first, tn_strbuf *out) {
    int count = 0;
    for (int i = 0; i < f->count; i++)
        count += f->files[i].table == t;
    tn_strbuf_puts(out, "  files: ");
    if (count > 1)
        tn_strbuf_puts(out, "[");
    for (int i = 0, n = 0; i < f->count; i++) {
        if (f->files[i].table != t)
            continue;
        tn_strbuf_puts(out, n++ ? ", " : "");
        yaml_string(out, f->files[i].relative);
    }
    tn_strbuf_puts(out, count > 1 ? "]\n" : "\n");
    tn_strbuf_printf(out, "  format: %s\n", tn_file_format_name(first->format));
    if ((first->format == TN_FILE_CSV && first->delimiter != ',' && first->delimiter != 0) ||
        (first->format == TN_FILE_TSV && first->delimiter != '\t')) {
        char delimiter[2] = {first->delimiter, 0};
        tn_strbuf_puts(out, "  delimiter: ");
        yaml_string(out, first->delimiter == '\t' ? "\\t" : delimiter);
        tn_strbuf_putc(out, '\n');
    }
}

static bool write_table(tn_db *db, const tn_contract_table *table, int t, const folder *f,
                        tn_strbuf *out, tn_proposal_summary *summary, tn_error *err) {
    const source_file *file = NULL;
    for (int i = 0; i < f->count && file == NULL; i++)
        file = f->files[i].table == t ? &f->files[i] : NULL;
    tn_strbuf_printf(out, "\n# %s: %s.\n", table->name, table->grain);
    if (file == NULL && table->optional) {
        tn_strbuf_printf(out,
                         "%s: ~   # no export looks like it: the risk score then uses the "
                         "usage decay alone\n",
                         table->name);
        return true;
    }
    tn_strbuf_printf(out, "%s:\n", table->name);
    if (file == NULL) {
        tn_strbuf_puts(out, "  files: ");
        todo(out, summary, "no file in the folder looks like this table");
    } else {
        summary->tables++;
        write_files(f, t, file, out);
    }
    tn_strbuf_puts(out, "  columns:\n");
    for (int c = 0; c < table->column_count; c++)
        write_column(&table->columns[c], file, file != NULL ? file->chosen[c] : -1, out, summary);
    bool ok = true, has_values = false;
    for (int c = 0; ok && file != NULL && c < table->column_count; c++) {
        const tn_contract_column *column = &table->columns[c];
        if (column->kind != TN_KIND_CATEGORY || file->chosen[c] < 0)
            continue;
        if (strcmp(column->name, "event_type") == 0) {
            ok = write_events(db, column, file, file->chosen[c], out, summary, err);
            continue;
        }
        if (!has_values)
            tn_strbuf_puts(out, "  # Each source value and the contract value it means. Guesses "
                                "are marked: check them.\n  values:\n");
        has_values = true;
        ok = write_values(db, column, file, file->chosen[c], out, summary, err);
    }
    return ok;
}

static bool read_folder(tn_db *db, folder *f, tn_error *err) {
    bool ok = true;
    for (int i = 0; ok && i < f->count; i++) {
        source_file *file = &f->files[i];
        if (file->format == TN_FILE_JSONL)
            ok = sample_jsonl(db, file, err);
        else if (file->format == TN_FILE_PARQUET)
            ok = sample_parquet(db, file, err);
        else
            ok = sample_csv(db, file, err);
        if (ok && file->out_of_memory)
            ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory keeping its columns and samples");
        if (!ok)
            tn_error_prefix(err, "%s", file->relative);
    }
    return ok;
}

bool tn_propose_mapping(const tn_contract *contract, const char *dir, tn_strbuf *out,
                        tn_proposal_summary *summary, tn_error *err) {
    memset(summary, 0, sizeof *summary);
    struct stat info;
    if (stat(dir, &info) != 0 || !S_ISDIR(info.st_mode))
        return tn_error_set(err, TN_ERR_INPUT, "--from %s: no such directory", dir);
    folder *f = calloc(1, sizeof *f);
    if (f == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    list_files(dir, "", 0, f);
    if (f->out_of_memory) {
        free_folder(f);
        free(f);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory listing %s", dir);
    }
    summary->files = f->count;
    tn_db *db = NULL;
    bool ok =
        f->count > 0 ||
        tn_error_set(err, TN_ERR_INPUT,
                     "%s holds no exports (.csv, .txt, .tsv, .jsonl, .ndjson, .json, .parquet, "
                     "optionally .gz)",
                     dir);
    ok = ok && tn_db_open(":memory:", TN_DB_READ_WRITE, &db, err) && read_folder(db, f, err);
    if (ok) {
        match_files(contract, f);
        tn_strbuf_puts(out,
                       "# tenure.yml — how the exports in this folder fill Tenure's data "
                       "contract\n# (docs/data-contract.md; the keys are in docs/your-data.md)."
                       " Proposed by\n# `tenure init`: check every line, replace each TODO, "
                       "then run\n# `tenure validate --raw <this folder>`.\n\n"
                       "# The zone of timestamps written without an offset (+02:00, Z).\n"
                       "timezone: UTC\n");
        for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++)
            ok = write_table(db, &contract->tables[t], t, f, out, summary, err);
        for (int i = 0; i < f->count; i++) {
            if (f->files[i].table >= 0)
                continue;
            size_t used = strlen(summary->unmatched);
            snprintf(summary->unmatched + used, sizeof summary->unmatched - used, "%s%s",
                     used ? ", " : "", f->files[i].relative);
        }
    }
    tn_db_close(db);
    free_folder(f);
    free(f);
    return ok;
}
