/*
 * write_duckdb.c — the raw tables straight into DuckDB (see generate.h).
 *
 * Each table is a DuckDB table function (tn_generate_<table>()) whose scan
 * hands out customers to DuckDB's worker threads; every thread draws its
 * customers' rows and writes them into DuckDB's data chunks. The tables are
 * then filled with INSERT INTO raw.<table> SELECT * FROM tn_generate_<table>(),
 * so DuckDB generates, compresses and writes in parallel, in one transaction
 * that replaces the raw tables (sql/raw/schema.sql) all at once. Insertion
 * order is not preserved (that is what lets DuckDB parallelise); the rows are
 * the same on every run.
 *
 * The statements run on a helper thread; the calling thread reports progress
 * and, when asked to stop, interrupts DuckDB, which rolls the transaction back.
 */
#include "gen/generate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "tn_version.h"
#include "warehouse/contract.h"
#include "warehouse/db.h"
#include "warehouse/template.h"

/*
 * Generation's buffer pool: the smaller of 1 GB and the memory budget
 * tn_db_open gave the database. DuckDB writes the transaction's blocks out
 * as it goes instead of holding them, so 1 GB keeps memory flat however
 * many customers there are (1.1 GB peak RSS at 50,000): a smaller budget
 * is the user's to set and is kept, but a larger one (the default, 40 % of
 * RAM) would let the pool, and the process, grow with nothing measured to
 * gain from it.
 */
#define GENERATION_MEMORY_LIMIT 1000000000ULL

/* What one table's scan shares between DuckDB's threads and the progress reporter. */
typedef struct {
    const tn_gen_company *company;
    const tn_gen_table *table;
    atomic_uint_fast64_t next_customer; /* next customer index to hand out */
    atomic_uint_fast64_t customers_done;
    int max_threads;
} table_scan;

/* One DuckDB thread's place in the scan. */
typedef struct {
    tn_gen_worker worker;
    bool has_worker;
    size_t rows;     /* rows of the current customer */
    size_t position; /* rows of it already emitted */
} scan_local;

static duckdb_logical_type column_type(const tn_gen_column *column) {
    if (column->type == DUCKDB_TYPE_DECIMAL)
        return duckdb_create_decimal_type(column->decimal_width, column->decimal_scale);
    return duckdb_create_logical_type(column->type);
}

static void scan_bind(duckdb_bind_info info) {
    const table_scan *scan = duckdb_bind_get_extra_info(info);
    for (size_t i = 0; i < scan->table->column_count; i++) {
        duckdb_logical_type type = column_type(&scan->table->columns[i]);
        duckdb_bind_add_result_column(info, scan->table->columns[i].name, type);
        duckdb_destroy_logical_type(&type);
    }
}

static void scan_init(duckdb_init_info info) {
    table_scan *scan = duckdb_init_get_extra_info(info);
    atomic_store(&scan->next_customer, 0);
    atomic_store(&scan->customers_done, 0);
    duckdb_init_set_max_threads(info, (idx_t)scan->max_threads);
}

static void destroy_local(void *data) {
    scan_local *local = data;
    if (local->has_worker)
        tn_gen_worker_free(&local->worker);
    free(local);
}

static void scan_local_init(duckdb_init_info info) {
    table_scan *scan = duckdb_init_get_extra_info(info);
    scan_local *local = calloc(1, sizeof *local);
    if (local == NULL || !tn_gen_worker_init(&local->worker, scan->company)) {
        free(local);
        duckdb_init_set_error(info, "out of memory starting a generator thread");
        return;
    }
    local->has_worker = true;
    duckdb_init_set_init_data(info, local, destroy_local);
}

/* Fills `output` with up to one vector of rows, customer after customer. */
static void scan_next(duckdb_function_info info, duckdb_data_chunk output) {
    table_scan *scan = duckdb_function_get_extra_info(info);
    scan_local *local = duckdb_function_get_local_init_data(info);
    idx_t capacity = duckdb_vector_size(), filled = 0;
    while (filled < capacity) {
        if (local->position == local->rows) {
            uint64_t index = atomic_fetch_add(&scan->next_customer, 1);
            if (index >= scan->company->customers)
                break;
            tn_gen_worker_customer(&local->worker, index);
            long rows = scan->table->produce(&local->worker);
            if (rows < 0) {
                duckdb_function_set_error(info, "out of memory generating rows");
                return;
            }
            local->rows = (size_t)rows;
            local->position = 0;
            atomic_fetch_add(&scan->customers_done, 1);
        }
        size_t count = local->rows - local->position;
        if (count > capacity - filled)
            count = capacity - filled;
        scan->table->emit(&local->worker, local->position, count, output, filled);
        local->position += count;
        filled += count;
    }
    duckdb_data_chunk_set_size(output, filled);
}

static bool register_scan(duckdb_connection connection, table_scan *scan, tn_error *err) {
    char name[64];
    snprintf(name, sizeof name, "tn_generate_%s", scan->table->name);
    duckdb_table_function function = duckdb_create_table_function();
    duckdb_table_function_set_name(function, name);
    duckdb_table_function_set_extra_info(function, scan, NULL);
    duckdb_table_function_set_bind(function, scan_bind);
    duckdb_table_function_set_init(function, scan_init);
    duckdb_table_function_set_local_init(function, scan_local_init);
    duckdb_table_function_set_function(function, scan_next);
    duckdb_state state = duckdb_register_table_function(connection, function);
    duckdb_destroy_table_function(&function);
    if (state != DuckDBSuccess)
        return tn_error_set(err, TN_ERR_INTERNAL, "could not register %s()", name);
    return true;
}

/* Checks that raw.<table> (from schema.sql) has exactly the columns the generator writes. */
static bool check_schema(tn_db *db, const tn_gen_table *table, tn_error *err) {
    const char *params[] = {table->name};
    duckdb_result result;
    bool ok = tn_db_query_params(db, tn_embedded_text("sql/raw/table_columns.sql"), params, 1,
                                 &result, err);
    idx_t rows = ok ? duckdb_row_count(&result) : 0;
    ok = ok && rows == table->column_count;
    for (idx_t i = 0; ok && i < rows; i++) {
        char *name = duckdb_value_varchar(&result, 0, i);
        char *type = duckdb_value_varchar(&result, 1, i);
        if (name == NULL || type == NULL) /* DuckDB's copies of the cells */
            ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory reading raw.%s's columns",
                              table->name);
        else
            ok = strcmp(name, table->columns[i].name) == 0 &&
                 strcmp(type, table->columns[i].sql_type) == 0;
        duckdb_free(name);
        duckdb_free(type);
    }
    duckdb_destroy_result(&result);
    if (!ok && err != NULL && err->code == TN_OK)
        tn_error_set(err, TN_ERR_INTERNAL,
                     "raw.%s in sql/raw/schema.sql does not match the generator's columns",
                     table->name);
    return ok;
}

/* Records what was generated, so `tenure build` knows the data's as-of date. */
static bool record_generation(tn_db *db, const tn_gen_company *company, tn_error *err) {
    const char *ddl = tn_embedded_text("sql/raw/generation.sql");
    if (ddl == NULL)
        return tn_error_set(err, TN_ERR_INTERNAL, "sql/raw/generation.sql is not embedded");
    if (!tn_db_exec(db, ddl, err))
        return false;
    duckdb_appender appender;
    if (duckdb_appender_create(tn_db_connection(db), "meta", "generation", &appender) !=
        DuckDBSuccess)
        return tn_error_set(err, TN_ERR_DB, "%s", duckdb_appender_error(appender));
    bool ok = duckdb_append_date(appender, (duckdb_date){company->as_of}) == DuckDBSuccess &&
              duckdb_append_uint64(appender, company->seed) == DuckDBSuccess &&
              duckdb_append_uint64(appender, company->customers) == DuckDBSuccess &&
              duckdb_append_varchar(appender, TN_VERSION) == DuckDBSuccess &&
              duckdb_appender_end_row(appender) == DuckDBSuccess &&
              duckdb_appender_close(appender) == DuckDBSuccess;
    if (!ok)
        tn_error_set(err, TN_ERR_DB, "meta.generation: %s", duckdb_appender_error(appender));
    duckdb_appender_destroy(&appender);
    return ok;
}

/* The transaction, run on the helper thread. */
typedef struct {
    tn_db *db;
    const tn_gen_company *company;
    table_scan scans[TN_GEN_TABLE_COUNT];
    atomic_int current_table; /* index being inserted; TN_GEN_TABLE_COUNT when done */
    atomic_bool finished;
    tn_gen_counts counts;
    tn_error error;
    bool ok;
} generation_job;

static bool insert_table(generation_job *job, int index) {
    const char *name = tn_gen_tables[index]->name;
    const tn_template_var vars[] = {{"table", name}, {NULL, NULL}};
    tn_strbuf sql = TN_STRBUF_INIT;
    atomic_store(&job->current_table, index);
    if (!tn_template_render_file("sql/raw/insert_generated.sql", vars, &sql, &job->error)) {
        tn_strbuf_free(&sql);
        return false;
    }
    duckdb_result result;
    bool ok = tn_db_query(job->db, tn_strbuf_cstr(&sql), &result, &job->error);
    if (ok)
        job->counts.rows[index] = duckdb_rows_changed(&result);
    else
        tn_error_prefix(&job->error, "raw.%s", name);
    duckdb_destroy_result(&result);
    tn_strbuf_free(&sql);
    return ok;
}

static void *run_transaction(void *argument) {
    generation_job *job = argument;
    bool ok = tn_db_begin(job->db, &job->error) &&
              tn_raw_schema_create(job->db, TN_EVENTS_CUSTOMER_BY_CUSTOMER, &job->error);
    for (int i = 0; ok && i < TN_GEN_TABLE_COUNT; i++)
        ok = check_schema(job->db, tn_gen_tables[i], &job->error);
    for (int i = 0; ok && i < TN_GEN_TABLE_COUNT; i++)
        ok = insert_table(job, i);
    ok = ok && record_generation(job->db, job->company, &job->error) &&
         tn_db_commit(job->db, &job->error);
    if (!ok)
        tn_db_rollback(job->db);
    job->ok = ok;
    atomic_store(&job->current_table, TN_GEN_TABLE_COUNT);
    atomic_store(&job->finished, true);
    return NULL;
}

static void sleep_briefly(void) {
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
}

/* Reports progress until the job finishes; interrupts DuckDB when asked to stop. */
static bool watch_job(generation_job *job, const tn_gen_observer *observer) {
    bool stopped = false;
    while (!atomic_load(&job->finished)) {
        sleep_briefly();
        int index = atomic_load(&job->current_table);
        if (index < TN_GEN_TABLE_COUNT && observer != NULL && observer->progress != NULL)
            observer->progress(observer->context, tn_gen_tables[index]->name,
                               atomic_load(&job->scans[index].customers_done),
                               job->company->customers);
        if (!stopped && observer != NULL && observer->should_stop != NULL &&
            observer->should_stop(observer->context)) {
            duckdb_interrupt(tn_db_connection(job->db));
            stopped = true;
        }
    }
    return stopped;
}

static bool prepare_connection(tn_db *db, generation_job *job, int threads, tn_error *err) {
    char thread_count[16];
    snprintf(thread_count, sizeof thread_count, "%d", threads > 0 ? threads : 2);
    uint64_t budget = tn_db_memory_limit(db);
    if (budget == 0 || budget > GENERATION_MEMORY_LIMIT)
        budget = GENERATION_MEMORY_LIMIT;
    if (!tn_db_set_memory_limit(db, budget, err) ||
        !tn_db_set(db, "preserve_insertion_order", "false", err) ||
        (threads > 0 && !tn_db_set(db, "threads", thread_count, err)))
        return false;
    for (int i = 0; i < TN_GEN_TABLE_COUNT; i++) {
        table_scan *scan = &job->scans[i];
        scan->company = job->company;
        scan->table = tn_gen_tables[i];
        scan->max_threads = threads > 0 ? threads : 64;
        if (!register_scan(tn_db_connection(db), scan, err))
            return false;
    }
    return true;
}

bool tn_generate_duckdb(const tn_gen_company *company, const char *db_path, int threads,
                        const tn_gen_observer *observer, tn_gen_counts *counts, tn_error *err) {
    tn_gen_rows_init();
    generation_job *job = calloc(1, sizeof *job);
    if (job == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    job->company = company;
    tn_error_clear(&job->error);
    bool ok = tn_db_open(db_path, TN_DB_READ_WRITE, &job->db, err) &&
              prepare_connection(job->db, job, threads, err);
    pthread_t thread;
    if (ok && pthread_create(&thread, NULL, run_transaction, job) != 0)
        ok = tn_error_set(err, TN_ERR_INTERNAL, "could not start a thread");
    if (ok) {
        bool stopped = watch_job(job, observer);
        pthread_join(thread, NULL);
        ok = job->ok;
        if (stopped && !ok)
            tn_error_set(err, TN_ERR_INTERRUPTED, "interrupted; %s is unchanged", db_path);
        else if (!ok && err != NULL)
            *err = job->error;
        if (ok && counts != NULL)
            *counts = job->counts;
    }
    tn_db_close(job->db);
    free(job);
    return ok;
}
