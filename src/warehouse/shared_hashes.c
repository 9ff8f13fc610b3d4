/*
 * shared_hashes.c — the hashes of a column that more than one row has (see
 * shared_hashes.h).
 *
 * One pass: DuckDB streams hash(column) for the rows whose hash falls in
 * the pass's range (its top PASS_BITS bits); each hash is put in the bucket
 * of its next BUCKET_BITS bits, so a bucket holds about rows / passes /
 * 4,096 hashes. Each bucket is then swept with an open-addressing set the
 * size of the largest bucket (a few hundred kilobytes at a hundred million
 * rows), and every hash met a second time is appended to the table once.
 */
#include "warehouse/shared_hashes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/budget.h"
#include "warehouse/query.h"
#include "warehouse/template.h"

enum { BUCKET_BITS = 12, BUCKETS = 1 << BUCKET_BITS, MAX_PASS_BITS = 8 };

/* Bytes a held hash costs: 8, and the slack of buckets that grow by half. */
#define BYTES_PER_HASH 11.0

/* One bucket's hashes (malloc'd array, owned by the bucket). */
typedef struct {
    uint64_t *hashes;
    size_t count;
    size_t capacity;
} bucket;

static bool bucket_push(bucket *b, uint64_t hash) {
    if (b->count == b->capacity) {
        size_t capacity = b->capacity < 64 ? 64 : b->capacity + b->capacity / 2;
        uint64_t *grown = realloc(b->hashes, capacity * sizeof *grown);
        if (grown == NULL)
            return false;
        b->hashes = grown;
        b->capacity = capacity;
    }
    b->hashes[b->count++] = hash;
    return true;
}

static void buckets_empty(bucket *buckets) {
    for (size_t i = 0; i < BUCKETS; i++) {
        free(buckets[i].hashes);
        buckets[i] = (bucket){NULL, 0, 0};
    }
}

/* How many top bits of a hash choose its pass, so that one pass's hashes fit `memory` bytes. */
static unsigned pass_bits_for(uint64_t rows, uint64_t memory) {
    unsigned bits = 0;
    while (bits < MAX_PASS_BITS && (double)rows * BYTES_PER_HASH / (double)(1u << bits) > memory)
        bits++;
    return bits;
}

/* Streams the hashes whose top byte is in [first, last] (sql/cli/shared_hashes_scan.sql, `sql`)
 * into the buckets, by the BUCKET_BITS bits after the pass's `pass_bits`. */
static bool stream_pass(tn_db *db, const char *sql, uint64_t first, uint64_t last,
                        unsigned pass_bits, bucket *buckets, uint64_t *rows, tn_error *err) {
    duckdb_prepared_statement statement = NULL;
    duckdb_pending_result pending = NULL;
    duckdb_result result;
    memset(&result, 0, sizeof result);
    bool ok = true;
    if (duckdb_prepare(tn_db_connection(db), sql, &statement) != DuckDBSuccess)
        ok = tn_db_error(db, duckdb_prepare_error(statement), err);
    else if (duckdb_bind_uint64(statement, 1, first) != DuckDBSuccess ||
             duckdb_bind_uint64(statement, 2, last) != DuckDBSuccess)
        ok = tn_error_set(err, TN_ERR_INTERNAL, "shared_hashes_scan.sql takes two parameters");
    else if (duckdb_pending_prepared_streaming(statement, &pending) != DuckDBSuccess ||
             duckdb_execute_pending(pending, &result) != DuckDBSuccess)
        ok = tn_db_error(db, duckdb_pending_error(pending), err);
    const unsigned shift = 64 - pass_bits - BUCKET_BITS;
    duckdb_data_chunk chunk;
    while (ok && (chunk = duckdb_stream_fetch_chunk(result)) != NULL) {
        idx_t count = duckdb_data_chunk_get_size(chunk);
        const uint64_t *hashes = duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 0));
        for (idx_t i = 0; ok && i < count; i++)
            ok = bucket_push(&buckets[(hashes[i] >> shift) & (BUCKETS - 1)], hashes[i]);
        *rows += count;
        duckdb_destroy_data_chunk(&chunk);
        if (!ok)
            tn_error_set(err, TN_ERR_NOMEM, "out of memory holding %llu hashes",
                         (unsigned long long)*rows);
        else if (count == 0)
            break;
    }
    if (ok && duckdb_result_error(&result) != NULL)
        ok = tn_db_error(db, duckdb_result_error(&result), err);
    duckdb_destroy_result(&result);
    duckdb_destroy_pending(&pending);
    duckdb_destroy_prepare(&statement);
    return ok;
}

/* A set of hashes in one bucket: slots, and per slot 0 (empty), 1 (seen once), 2 (repeated). */
typedef struct {
    uint64_t *slots;
    unsigned char *state;
    size_t mask;
} hash_set;

/* Appends each hash that `b` holds more than once to `appender`, once; counts them. */
static bool append_repeats(const bucket *b, hash_set *set, duckdb_appender appender,
                           uint64_t *shared) {
    memset(set->state, 0, set->mask + 1);
    for (size_t i = 0; i < b->count; i++) {
        uint64_t hash = b->hashes[i];
        /* mixed again: a bucket's hashes share their top bits */
        size_t slot = (size_t)((hash * 0x9E3779B97F4A7C15ULL) >> 20) & set->mask;
        while (set->state[slot] != 0 && set->slots[slot] != hash)
            slot = (slot + 1) & set->mask;
        if (set->state[slot] == 0) {
            set->slots[slot] = hash;
            set->state[slot] = 1;
        } else if (set->state[slot] == 1) {
            set->state[slot] = 2;
            (*shared)++;
            if (duckdb_append_uint64(appender, hash) != DuckDBSuccess ||
                duckdb_appender_end_row(appender) != DuckDBSuccess)
                return false;
        }
    }
    return true;
}

/* Sweeps every bucket into the table `into`. */
static bool store_repeats(tn_db *db, const char *into, const bucket *buckets, uint64_t *shared,
                          tn_error *err) {
    size_t largest = 0;
    for (size_t i = 0; i < BUCKETS; i++)
        largest = buckets[i].count > largest ? buckets[i].count : largest;
    size_t slots = 64;
    while (slots < 2 * largest)
        slots *= 2;
    hash_set set = {tn_alloc_array(slots, sizeof *set.slots, "a bucket of hashes", err),
                    tn_alloc_array(slots, 1, "a bucket of hashes", err), slots - 1};
    duckdb_appender appender = NULL;
    bool ok = set.slots != NULL && set.state != NULL;
    if (ok && duckdb_appender_create_ext(tn_db_connection(db), "temp", "main", into, &appender) !=
                  DuckDBSuccess)
        ok = tn_error_set(err, TN_ERR_DB, "%s: %s", into, duckdb_appender_error(appender));
    else if (ok) {
        for (size_t i = 0; ok && i < BUCKETS; i++)
            ok = append_repeats(&buckets[i], &set, appender, shared);
        ok = ok && duckdb_appender_close(appender) == DuckDBSuccess;
        if (!ok)
            tn_error_set(err, TN_ERR_DB, "%s: %s", into, duckdb_appender_error(appender));
    }
    duckdb_appender_destroy(&appender);
    free(set.slots);
    free(set.state);
    return ok;
}

/* Renders sql/cli/shared_hashes_<name>.sql for `relation`, `column` and `into`. */
static bool render(const char *name, const char *relation, const char *column, const char *into,
                   tn_strbuf *sql, tn_error *err) {
    char path[64];
    snprintf(path, sizeof path, "sql/cli/shared_hashes_%s.sql", name);
    const tn_template_var vars[] = {
        {"relation", relation}, {"column", column}, {"into", into}, {NULL, NULL}};
    tn_strbuf_reset(sql);
    return tn_template_render_file(path, vars, sql, err);
}

/* The passes: each streams its share of the hashes and stores its repeats. */
static bool run_passes(tn_db *db, const char *scan_sql, const char *into, unsigned pass_bits,
                       tn_shared_hashes_stats *stats, tn_error *err) {
    bucket *buckets = tn_alloc_array(BUCKETS, sizeof *buckets, "hash buckets", err);
    bool ok = buckets != NULL;
    const uint64_t passes = 1u << pass_bits, width = 256 / passes;
    for (uint64_t pass = 0; ok && pass < passes; pass++) {
        ok = stream_pass(db, scan_sql, pass * width, (pass + 1) * width - 1, pass_bits, buckets,
                         &stats->rows, err) &&
             store_repeats(db, into, buckets, &stats->shared, err);
        buckets_empty(buckets);
    }
    free(buckets);
    stats->passes = (unsigned)passes;
    return ok;
}

bool tn_shared_hashes_find(tn_db *db, const char *relation, const char *column, const char *into,
                           tn_shared_hashes_stats *stats, tn_error *err) {
    tn_shared_hashes_stats own = {0, 0, 0};
    tn_strbuf sql = TN_STRBUF_INIT;
    uint64_t rows = 0;
    bool ok = render("rows", relation, column, into, &sql, err) &&
              tn_query_count(db, tn_strbuf_cstr(&sql), &rows, err) &&
              render("table", relation, column, into, &sql, err) &&
              tn_db_exec(db, tn_strbuf_cstr(&sql), err) &&
              render("scan", relation, column, into, &sql, err);
    /* the hashes get half the budget, and DuckDB the other half while they are held */
    const uint64_t limit = tn_db_memory_limit(db);
    const uint64_t held = limit != 0 ? limit / 2 : UINT64_MAX;
    bool lowered = ok && limit != 0 && limit - held >= TN_BUDGET_MIN_BYTES;
    if (lowered)
        ok = tn_db_set_memory_limit(db, limit - held, err);
    if (ok)
        ok = run_passes(db, tn_strbuf_cstr(&sql), into, pass_bits_for(rows, held), &own, err);
    if (lowered) {
        tn_error restore_err;
        tn_error_clear(&restore_err);
        if (!tn_db_set_memory_limit(db, limit, &restore_err) && ok)
            ok = (*err = restore_err, false);
    }
    tn_strbuf_free(&sql);
    if (stats != NULL)
        *stats = own;
    return ok;
}
