/*
 * rows.h — the five raw tables as the generator produces them.
 *
 * A tn_gen_worker holds one customer at a time: its profile and its rows in
 * every table. Each table is described once (tn_gen_table): its columns,
 * how to produce one customer's rows into the worker, how to copy rows into
 * a DuckDB data chunk, and how to write a row as CSV. The DuckDB and CSV
 * writers are both driven by these descriptors, so the two outputs are the
 * same rows by construction.
 *
 * The customers table's last four columns (name, owner, renewal_date,
 * crm_id) come from account.h, derived without drawing from `rng`.
 *
 * Scores (feature_adoption_score, compliance_gap_score) are generated with
 * exactly four decimals; the FLOAT stored in DuckDB is the float nearest to
 * that decimal text, which is what DuckDB reads back from the CSV, so a
 * CSV export loads back to identical values.
 */
#ifndef TN_GEN_ROWS_H
#define TN_GEN_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <duckdb.h>
#include <gsl/gsl_rng.h>

#include "common/strbuf.h"
#include "gen/account.h"
#include "gen/company.h"
#include "gen/customer.h"
#include "gen/events.h"
#include "gen/opportunities.h"
#include "gen/risk.h"
#include "gen/tickets.h"
#include "gen/uuid.h"

/* One customer's rows in every table; one per thread. */
typedef struct {
    const tn_gen_company *company; /* not owned */
    gsl_rng *rng;
    tn_gen_customer customer;
    char customer_id[TN_UUID_TEXT_LENGTH];
    tn_gen_account account;
    tn_gen_event_list events;
    tn_gen_ticket_list tickets;
    tn_gen_opportunity opportunities[TN_GEN_MAX_OPPORTUNITIES];
    int opportunity_count;
    tn_gen_risk risk;
} tn_gen_worker;

/* Prepares a worker for `company`. False when out of memory. */
bool tn_gen_worker_init(tn_gen_worker *worker, const tn_gen_company *company);
void tn_gen_worker_free(tn_gen_worker *worker);

/* Draws customer `index`'s profile and derives its account into the worker (every table's rows
 * start here). */
void tn_gen_worker_customer(tn_gen_worker *worker, uint64_t index);

/* A column as the generator writes it; must match sql/raw/schema.sql. */
typedef struct {
    const char *name;
    const char *sql_type; /* as DuckDB's information_schema spells it */
    duckdb_type type;
    uint8_t decimal_width, decimal_scale; /* for DUCKDB_TYPE_DECIMAL */
} tn_gen_column;

typedef struct {
    const char *name; /* "usage_events" */
    const tn_gen_column *columns;
    size_t column_count;
    /* Produces the rows of the worker's current customer; returns how many, or -1 when out of
     * memory. */
    long (*produce)(tn_gen_worker *worker);
    /* Copies rows [first, first + count) to `chunk` from row `offset` on. */
    void (*emit)(const tn_gen_worker *worker, size_t first, size_t count, duckdb_data_chunk chunk,
                 idx_t offset);
    /* Appends row `row` as one CSV line (with its newline). False when out of memory. */
    bool (*format_csv)(const tn_gen_worker *worker, size_t row, tn_strbuf *out);
} tn_gen_table;

#define TN_GEN_TABLE_COUNT 5

/* The five tables in the dictionary's order: customers, usage_events, gtm_opportunities,
 * support_tickets, risk_signals. */
extern const tn_gen_table *const tn_gen_tables[TN_GEN_TABLE_COUNT];

/* Must be called once before any emit() (builds the score → FLOAT table). */
void tn_gen_rows_init(void);

/* Appends the CSV header line of `table`. */
bool tn_gen_csv_header(const tn_gen_table *table, tn_strbuf *out);

#endif
