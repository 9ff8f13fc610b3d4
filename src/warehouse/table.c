/*
 * table.c — query results as columns (see table.h).
 */
#include "warehouse/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * A query's texts are copied into blocks rather than one allocation each:
 * a serve load reads millions of cells (the score history's points, the
 * facts), and a malloc and a free per cell cost more than the copy. A
 * cell equal to the one above it (the as-of date, a tier, a model version
 * of row after row) is not copied again.
 */
struct tn_text_block {
    tn_text_block *next;
    size_t used, size;
    char data[];
};

enum { TEXT_BLOCK_SIZE = 256 * 1024 };

/* A copy of text[0, length) with its NUL in the table's blocks, or NULL when memory runs out. */
static char *keep_text(tn_table *table, const char *text, size_t length) {
    tn_text_block *block = table->blocks;
    if (block == NULL || block->size - block->used < length + 1) {
        size_t size = length + 1 > TEXT_BLOCK_SIZE ? length + 1 : TEXT_BLOCK_SIZE;
        tn_text_block *added = malloc(sizeof *added + size);
        if (added == NULL)
            return NULL;
        added->next = block;
        added->used = 0;
        added->size = size;
        table->blocks = block = added;
    }
    char *kept = block->data + block->used;
    memcpy(kept, text, length);
    kept[length] = '\0';
    block->used += length + 1;
    return kept;
}

static bool grow_columns(tn_table *table, size_t capacity) {
    for (size_t c = 0; c < table->columns; c++) {
        if (table->is_text[c]) {
            char **texts = realloc(table->texts[c], capacity * sizeof *texts);
            if (texts == NULL)
                return false;
            table->texts[c] = texts;
        } else {
            double *numbers = realloc(table->numbers[c], capacity * sizeof *numbers);
            if (numbers == NULL)
                return false;
            table->numbers[c] = numbers;
        }
    }
    return true;
}

static bool describe_columns(duckdb_result *result, tn_table *table, tn_error *err) {
    table->columns = duckdb_column_count(result);
    table->names = calloc(table->columns, sizeof *table->names);
    table->is_text = calloc(table->columns, sizeof *table->is_text);
    table->numbers = calloc(table->columns, sizeof *table->numbers);
    table->texts = calloc(table->columns, sizeof *table->texts);
    if (!table->names || !table->is_text || !table->numbers || !table->texts)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < table->columns; c++) {
        duckdb_type type = duckdb_column_type(result, c);
        table->names[c] = strdup(duckdb_column_name(result, c));
        if (table->names[c] == NULL)
            return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
        if (type != DUCKDB_TYPE_DOUBLE && type != DUCKDB_TYPE_VARCHAR)
            return tn_error_set(err, TN_ERR_INTERNAL, "column '%s' is neither DOUBLE nor VARCHAR",
                                table->names[c]);
        table->is_text[c] = type == DUCKDB_TYPE_VARCHAR;
    }
    return true;
}

/* Appends the chunk's rows; false when a text could not be copied (out of memory). */
static bool copy_chunk(duckdb_data_chunk chunk, idx_t size, tn_table *table) {
    bool ok = true;
    for (size_t c = 0; c < table->columns; c++) {
        duckdb_vector vector = duckdb_data_chunk_get_vector(chunk, c);
        uint64_t *validity = duckdb_vector_get_validity(vector);
        void *data = duckdb_vector_get_data(vector);
        for (idx_t r = 0; r < size; r++) {
            bool valid = validity == NULL || duckdb_validity_row_is_valid(validity, r);
            size_t row = table->rows + r;
            if (table->is_text[c]) {
                duckdb_string_t *text = &((duckdb_string_t *)data)[r];
                const char *chars = valid ? duckdb_string_t_data(text) : NULL;
                size_t length = valid ? duckdb_string_t_length(*text) : 0;
                const char *above = row > 0 ? table->texts[c][row - 1] : NULL;
                if (!valid)
                    table->texts[c][row] = NULL;
                else if (above != NULL && strnlen(above, length + 1) == length &&
                         memcmp(above, chars, length) == 0)
                    table->texts[c][row] = (char *)above;
                else
                    table->texts[c][row] = keep_text(table, chars, length);
                ok = ok && (!valid || table->texts[c][row] != NULL);
            } else {
                table->numbers[c][row] = valid ? ((double *)data)[r] : NAN;
            }
        }
    }
    table->rows += size; /* the rows copied so far are freed with the table either way */
    return ok;
}

/* Reads every row of `result` (when `ok`: the query ran) into `out`, and destroys it. */
static bool read_result(duckdb_result *result, bool ok, tn_table *out, tn_error *err) {
    ok = ok && describe_columns(result, out, err);
    size_t capacity = 1; /* so an empty result still has (empty) columns */
    if (ok && !grow_columns(out, capacity))
        ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    duckdb_data_chunk chunk;
    while (ok && (chunk = duckdb_fetch_chunk(*result)) != NULL) {
        idx_t size = duckdb_data_chunk_get_size(chunk);
        if (out->rows + size > capacity) {
            capacity = capacity < 1024 ? 1024 : capacity;
            while (capacity < out->rows + size)
                capacity *= 2;
            if (!grow_columns(out, capacity))
                ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory");
        }
        if (ok && !copy_chunk(chunk, size, out))
            ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory");
        duckdb_destroy_data_chunk(&chunk);
    }
    duckdb_destroy_result(result);
    return ok;
}

bool tn_table_query(tn_db *db, const char *sql, tn_table *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    duckdb_result result;
    bool ok = tn_db_query(db, sql, &result, err);
    return read_result(&result, ok, out, err);
}

bool tn_table_query_params(tn_db *db, const char *sql, const char *const *params, size_t count,
                           tn_table *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    duckdb_result result;
    bool ok = tn_db_query_params(db, sql, params, count, &result, err);
    return read_result(&result, ok, out, err);
}

static long find_column(const tn_table *table, const char *name, bool text) {
    for (size_t c = 0; c < table->columns; c++)
        if (table->names[c] != NULL && strcmp(table->names[c], name) == 0 &&
            table->is_text[c] == text)
            return (long)c;
    return -1;
}

const double *tn_table_numbers(const tn_table *table, const char *name) {
    long c = find_column(table, name, false);
    return c < 0 ? NULL : table->numbers[c];
}

char *const *tn_table_texts(const tn_table *table, const char *name) {
    long c = find_column(table, name, true);
    return c < 0 ? NULL : table->texts[c];
}

const char *tn_table_text_at(const tn_table *table, const char *name, size_t row) {
    char *const *texts = tn_table_texts(table, name);
    return texts != NULL ? texts[row] : NULL;
}

double tn_table_number_at(const tn_table *table, const char *name, size_t row) {
    const double *numbers = tn_table_numbers(table, name);
    return numbers != NULL ? numbers[row] : NAN;
}

void tn_table_free(tn_table *table) {
    for (size_t c = 0; c < table->columns; c++) {
        if (table->names != NULL)
            free(table->names[c]);
        if (table->texts != NULL && table->texts[c] != NULL) {
            for (size_t r = 0; table->blocks == NULL && r < table->rows; r++)
                free(table->texts[c][r]); /* a table built by hand */
            free(table->texts[c]);
        }
        if (table->numbers != NULL)
            free(table->numbers[c]);
    }
    free(table->names), free(table->is_text), free(table->numbers), free(table->texts);
    for (tn_text_block *block = table->blocks, *next; block != NULL; block = next) {
        next = block->next;
        free(block);
    }
    memset(table, 0, sizeof *table);
}
