/*
 * contract.h — the data contract: the five raw tables, their columns, and
 * how each column's values are read and checked.
 *
 * The contract is written once, as data, in sql/load/contract.sql (kinds,
 * required and optional columns, accepted values, descriptions) and
 * sql/raw/schema.sql (SQL types). tn_contract_load() reads both into this
 * struct so the mapping's validation, the loader and `tenure init` all work
 * from the same description. Everything is fixed-size: a tn_contract owns
 * no heap memory and needs no freeing.
 */
#ifndef TN_WAREHOUSE_CONTRACT_H
#define TN_WAREHOUSE_CONTRACT_H

#include <stdbool.h>

#include "common/error.h"
#include "warehouse/db.h"

#define TN_RAW_TABLE_COUNT 5
#define TN_CONTRACT_MAX_COLUMNS 12
#define TN_CONTRACT_MAX_ACCEPTED 8

/* The raw tables in the data dictionary's order. */
extern const char *const tn_raw_tables[TN_RAW_TABLE_COUNT];

/* How a source value becomes a contract value (see sql/load/contract.sql). */
typedef enum {
    TN_KIND_ID,
    TN_KIND_REFERENCE,
    TN_KIND_TEXT,
    TN_KIND_CATEGORY,
    TN_KIND_DATE,
    TN_KIND_TIMESTAMP,
    TN_KIND_MONEY,
    TN_KIND_HOURS,
    TN_KIND_COUNT,
    TN_KIND_SCORE,
} tn_column_kind;

typedef struct {
    char name[32];
    char sql_type[32]; /* as information_schema spells it: "DECIMAL(12,2)" */
    tn_column_kind kind;
    bool required; /* the value may not be empty */
    bool optional; /* the column may be left out of a mapping */
    char accepted[TN_CONTRACT_MAX_ACCEPTED][32];
    int accepted_count;
    char description[160];
} tn_contract_column;

typedef struct {
    char name[32];
    bool optional; /* the whole table may be left out of a mapping */
    char grain[96];
    char key[32]; /* the primary key column: unique, and what an increment merges on */
    tn_contract_column columns[TN_CONTRACT_MAX_COLUMNS];
    int column_count;
} tn_contract_table;

typedef struct {
    tn_contract_table tables[TN_RAW_TABLE_COUNT]; /* in tn_raw_tables order */
} tn_contract;

/* How the rows of raw.usage_events will arrive, for how its strings are stored. */
typedef enum {
    TN_EVENTS_ANY_ORDER,           /* a company's export: DuckDB picks the customer ids' storage */
    TN_EVENTS_CUSTOMER_BY_CUSTOMER /* `tenure generate`: a dictionary of customer ids */
} tn_events_order;

/*
 * Runs sql/raw/schema.sql on `db`: the five raw tables, replaced empty. The
 * column types are the same whatever `order` is; only the storage differs.
 */
bool tn_raw_schema_create(tn_db *db, tn_events_order order, tn_error *err);

/* Reads sql/raw/schema.sql and sql/load/contract.sql (in a scratch in-memory DuckDB). */
bool tn_contract_load(tn_contract *out, tn_error *err);

/* The index of table or column `name`, or -1. */
int tn_contract_table_index(const char *name);
int tn_contract_column_index(const tn_contract_table *table, const char *name);

/* True when `value` is one of the column's accepted values. */
bool tn_contract_accepts(const tn_contract_column *column, const char *value);

/* Whether a kind is read as a number, or as a date or timestamp. */
bool tn_column_kind_is_number(tn_column_kind kind);
bool tn_column_kind_is_time(tn_column_kind kind);

#endif
