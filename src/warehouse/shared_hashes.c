/*
 * shared_hashes.c — the hashes of a column that more than one row has (see
 * shared_hashes.h).
 *
 * DuckDB streams hash(column) once. When every hash fits the memory they
 * may take, each goes into the bucket of its top BUCKET_BITS bits. When
 * not, each goes first to the file of its pass (its top bits: 2, 4, …, 256
 * passes) in the database's spill directory, and each pass then reads its
 * file back into the buckets, by the BUCKET_BITS bits after the pass's. A
 * bucket holds about rows / passes / 4,096 hashes; each is swept with an
 * open-addressing set the size of the largest bucket (a few hundred
 * kilobytes at a hundred million rows), and every hash met a second time is
 * appended to the table once.
 */
#include "warehouse/shared_hashes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/budget.h"
#include "common/file.h"
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

/* Where streamed hashes go: a function given each chunk's (false: stop, err set). */
typedef bool (*hash_sink)(void *context, const uint64_t *hashes, size_t count, tn_error *err);

/* Streams every hash of sql/cli/shared_hashes_scan.sql (`sql`) to `sink`, counting them. */
static bool stream_hashes(tn_db *db, const char *sql, hash_sink sink, void *context, uint64_t *rows,
                          tn_error *err) {
    duckdb_prepared_statement statement = NULL;
    duckdb_pending_result pending = NULL;
    duckdb_result result;
    memset(&result, 0, sizeof result);
    bool ok = true;
    if (duckdb_prepare(tn_db_connection(db), sql, &statement) != DuckDBSuccess)
        ok = tn_db_error(db, duckdb_prepare_error(statement), err);
    else if (duckdb_pending_prepared_streaming(statement, &pending) != DuckDBSuccess ||
             duckdb_execute_pending(pending, &result) != DuckDBSuccess)
        ok = tn_db_error(db, duckdb_pending_error(pending), err);
    duckdb_data_chunk chunk;
    while (ok && (chunk = duckdb_stream_fetch_chunk(result)) != NULL) {
        idx_t count = duckdb_data_chunk_get_size(chunk);
        ok = sink(context, duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 0)),
                  (size_t)count, err);
        *rows += count;
        duckdb_destroy_data_chunk(&chunk);
        if (count == 0)
            break;
    }
    if (ok && duckdb_result_error(&result) != NULL)
        ok = tn_db_error(db, duckdb_result_error(&result), err);
    duckdb_destroy_result(&result);
    duckdb_destroy_pending(&pending);
    duckdb_destroy_prepare(&statement);
    return ok;
}

/* Hashes into buckets, by the BUCKET_BITS bits after the top `pass_bits`. */
typedef struct {
    bucket *buckets;
    unsigned shift;
    uint64_t held;
} bucket_sink;

static bool to_buckets(void *context, const uint64_t *hashes, size_t count, tn_error *err) {
    bucket_sink *sink = context;
    for (size_t i = 0; i < count; i++)
        if (!bucket_push(&sink->buckets[(hashes[i] >> sink->shift) & (BUCKETS - 1)], hashes[i]))
            return tn_error_set(err, TN_ERR_NOMEM, "out of memory holding %llu hashes",
                                (unsigned long long)(sink->held + i));
    sink->held += count;
    return true;
}

/*
 * Hashes into one file per pass (by their top `pass_bits`), in the database's
 * spill directory, through a buffer per file: one scan of the column, then
 * each pass reads its file back.
 */
enum { FILE_BUFFER = 4096 };

typedef struct {
    FILE **files;
    uint64_t *buffer; /* FILE_BUFFER per file */
    size_t *buffered;
    unsigned pass_bits;
} file_sink;

static bool flush_file(file_sink *sink, size_t part, tn_error *err) {
    size_t n = sink->buffered[part];
    sink->buffered[part] = 0;
    if (n > 0 &&
        fwrite(sink->buffer + part * FILE_BUFFER, sizeof(uint64_t), n, sink->files[part]) != n)
        return tn_error_set(err, TN_ERR_IO, "writing hashes to the spill directory: %s",
                            strerror(errno));
    return true;
}

static bool to_files(void *context, const uint64_t *hashes, size_t count, tn_error *err) {
    file_sink *sink = context;
    for (size_t i = 0; i < count; i++) {
        size_t part = (size_t)(hashes[i] >> (64 - sink->pass_bits));
        sink->buffer[part * FILE_BUFFER + sink->buffered[part]++] = hashes[i];
        if (sink->buffered[part] == FILE_BUFFER && !flush_file(sink, part, err))
            return false;
    }
    return true;
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

/* A new file in `dir` for pass `k`'s hashes, unlinked at once so that it goes when closed. */
static FILE *tmpfile_in(const char *dir, size_t k) {
    char path[TN_FILE_PATH_MAX];
    snprintf(path, sizeof path, "%s/tn-hashes-%zu-XXXXXX", dir, k);
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path);
    FILE *file = fdopen(fd, "w+b");
    if (file == NULL)
        close(fd);
    return file;
}

/* One pass held whole in memory: the only pass, when every hash fits. */
static bool one_pass(tn_db *db, const char *scan_sql, const char *into, bucket *buckets,
                     tn_shared_hashes_stats *stats, tn_error *err) {
    bucket_sink sink = {buckets, 64 - BUCKET_BITS, 0};
    return stream_hashes(db, scan_sql, to_buckets, &sink, &stats->rows, err) &&
           store_repeats(db, into, buckets, &stats->shared, err);
}

/* Reads one pass's file back into the buckets and stores its repeats. */
static bool file_pass(tn_db *db, const char *into, FILE *file, unsigned pass_bits, bucket *buckets,
                      uint64_t *chunk, tn_shared_hashes_stats *stats, tn_error *err) {
    bucket_sink sink = {buckets, 64 - pass_bits - BUCKET_BITS, 0};
    rewind(file);
    size_t n;
    bool ok = true;
    while (ok && (n = fread(chunk, sizeof *chunk, FILE_BUFFER, file)) > 0)
        ok = to_buckets(&sink, chunk, n, err);
    if (ok && ferror(file))
        ok = tn_error_set(err, TN_ERR_IO, "reading hashes back from the spill directory");
    return ok && store_repeats(db, into, buckets, &stats->shared, err);
}

/* Every hash to its pass's file in one scan, then the passes one by one from the files. */
static bool passes_through_files(tn_db *db, const char *scan_sql, const char *into,
                                 unsigned pass_bits, bucket *buckets, tn_shared_hashes_stats *stats,
                                 tn_error *err) {
    const size_t passes = (size_t)1 << pass_bits;
    file_sink sink = {tn_alloc_array(passes, sizeof(FILE *), "hash files", err),
                      tn_alloc_array(passes * FILE_BUFFER, sizeof(uint64_t), "hash buffers", err),
                      tn_alloc_array(passes, sizeof(size_t), "hash buffers", err), pass_bits};
    bool ok = sink.files != NULL && sink.buffer != NULL && sink.buffered != NULL;
    for (size_t k = 0; ok && k < passes; k++)
        if ((sink.files[k] = tmpfile_in(tn_db_spill_dir(db), k)) == NULL)
            ok = tn_error_set(err, TN_ERR_IO, "%s: cannot make a file for hashes: %s",
                              tn_db_spill_dir(db), strerror(errno));
    ok = ok && stream_hashes(db, scan_sql, to_files, &sink, &stats->rows, err);
    for (size_t k = 0; ok && k < passes; k++)
        ok = flush_file(&sink, k, err);
    for (size_t k = 0; ok && k < passes; k++) {
        ok = file_pass(db, into, sink.files[k], pass_bits, buckets, sink.buffer, stats, err);
        buckets_empty(buckets);
    }
    for (size_t k = 0; sink.files != NULL && k < passes; k++)
        if (sink.files[k] != NULL)
            fclose(sink.files[k]);
    free(sink.files);
    free(sink.buffer);
    free(sink.buffered);
    return ok;
}

/* The passes: one in memory, or several through files. */
static bool run_passes(tn_db *db, const char *scan_sql, const char *into, unsigned pass_bits,
                       tn_shared_hashes_stats *stats, tn_error *err) {
    bucket *buckets = tn_alloc_array(BUCKETS, sizeof *buckets, "hash buckets", err);
    bool ok =
        buckets != NULL &&
        (pass_bits == 0 ? one_pass(db, scan_sql, into, buckets, stats, err)
                        : passes_through_files(db, scan_sql, into, pass_bits, buckets, stats, err));
    if (buckets != NULL)
        buckets_empty(buckets);
    free(buckets);
    stats->passes = 1u << pass_bits;
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
