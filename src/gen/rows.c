/*
 * rows.c — the five raw tables: producing, emitting to DuckDB, writing CSV
 * (see rows.h).
 */
#include "gen/rows.h"

#include <stdlib.h>
#include <string.h>

#include "gen/rng.h"

/* ---- shared helpers -------------------------------------------------------- */

enum { SCORE_STEPS = 10000 };

/* score_float[q] = the FLOAT nearest to the text "q / 10000" with four decimals. */
static float score_float[SCORE_STEPS + 1];

/* Writes q / 10,000 as "0.1234" (always four decimals) and returns the length. */
static size_t format_score(uint16_t q, char *out) {
    out[0] = (char)('0' + q / SCORE_STEPS);
    out[1] = '.';
    unsigned fraction = q % SCORE_STEPS;
    for (int i = 5; i >= 2; i--) {
        out[i] = (char)('0' + fraction % 10);
        fraction /= 10;
    }
    return 6;
}

void tn_gen_rows_init(void) {
    char text[8];
    for (unsigned q = 0; q <= SCORE_STEPS; q++) {
        size_t length = format_score((uint16_t)q, text);
        text[length] = '\0';
        score_float[q] = strtof(text, NULL);
    }
}

static void put_digits(unsigned value, int digits, char *out) {
    for (int i = digits - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* "YYYY-MM-DD" without snprintf (this runs for every row). */
static void format_day(tn_day day, char *out) {
    int year, month, dom;
    tn_day_to_civil(day, &year, &month, &dom);
    put_digits((unsigned)year, 4, out);
    out[4] = '-';
    put_digits((unsigned)month, 2, out + 5);
    out[7] = '-';
    put_digits((unsigned)dom, 2, out + 8);
}

static bool csv_put_day(tn_strbuf *out, tn_day day) {
    char text[10];
    format_day(day, text);
    return tn_strbuf_append(out, text, sizeof text);
}

static bool csv_put_timestamp(tn_strbuf *out, tn_timestamp ts) {
    char text[19];
    tn_day day = tn_timestamp_day(ts);
    unsigned seconds = (unsigned)(ts - tn_day_start(day));
    format_day(day, text);
    text[10] = ' ';
    put_digits(seconds / 3600, 2, text + 11);
    text[13] = ':';
    put_digits(seconds / 60 % 60, 2, text + 14);
    text[16] = ':';
    put_digits(seconds % 60, 2, text + 17);
    return tn_strbuf_append(out, text, sizeof text);
}

static bool csv_put_uuid(tn_strbuf *out, uint64_t high, uint64_t low) {
    char text[TN_UUID_TEXT_LENGTH];
    tn_uuid_format(high, low, text);
    return tn_strbuf_append(out, text, sizeof text);
}

/* DECIMAL(12,2) from cents: "1234.50". */
static bool csv_put_cents(tn_strbuf *out, int64_t cents) {
    return tn_strbuf_printf(out, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

static bool csv_put_score(tn_strbuf *out, uint16_t q) {
    char text[8];
    return tn_strbuf_append(out, text, format_score(q, text));
}

static void set_string(duckdb_data_chunk chunk, idx_t column, idx_t row, const char *text,
                       size_t length) {
    duckdb_vector_assign_string_element_len(duckdb_data_chunk_get_vector(chunk, column), row, text,
                                            length);
}

static void set_name(duckdb_data_chunk chunk, idx_t column, idx_t row, const char *name) {
    set_string(chunk, column, row, name, strlen(name));
}

static void *column_data(duckdb_data_chunk chunk, idx_t column) {
    return duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, column));
}

/* A DATE cell, NULL when `day` is TN_DAY_NEVER. */
static void set_optional_day(duckdb_data_chunk chunk, idx_t column, idx_t row, tn_day day) {
    duckdb_vector vector = duckdb_data_chunk_get_vector(chunk, column);
    duckdb_vector_ensure_validity_writable(vector);
    uint64_t *validity = duckdb_vector_get_validity(vector);
    if (day == TN_DAY_NEVER) {
        duckdb_validity_set_row_invalid(validity, row);
        return;
    }
    duckdb_validity_set_row_valid(validity, row);
    ((int32_t *)duckdb_vector_get_data(vector))[row] = day;
}

/* ---- workers ------------------------------------------------------------------ */

bool tn_gen_worker_init(tn_gen_worker *worker, const tn_gen_company *company) {
    memset(worker, 0, sizeof *worker);
    worker->company = company;
    worker->rng = tn_rng_create();
    return worker->rng != NULL;
}

void tn_gen_worker_free(tn_gen_worker *worker) {
    if (worker->rng != NULL)
        gsl_rng_free(worker->rng);
    tn_gen_event_list_free(&worker->events);
    tn_gen_ticket_list_free(&worker->tickets);
    memset(worker, 0, sizeof *worker);
}

void tn_gen_worker_customer(tn_gen_worker *worker, uint64_t index) {
    tn_gen_customer_draw(worker->company, index, worker->rng, &worker->customer);
    tn_uuid_format(worker->customer.id_high, worker->customer.id_low, worker->customer_id);
    tn_gen_account_derive(worker->company, &worker->customer, &worker->account);
}

/* ---- customers ------------------------------------------------------------------ */

static const tn_gen_column customer_columns[] = {
    {"customer_id", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"industry", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"plan_tier", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"signup_date", "DATE", DUCKDB_TYPE_DATE, 0, 0},
    {"mrr", "DECIMAL(12,2)", DUCKDB_TYPE_DECIMAL, 12, 2},
    {"churn_date", "DATE", DUCKDB_TYPE_DATE, 0, 0},
    {"upgrade_date", "DATE", DUCKDB_TYPE_DATE, 0, 0},
    {"name", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"owner", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"renewal_date", "DATE", DUCKDB_TYPE_DATE, 0, 0},
    {"crm_id", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
};

static long produce_customer(tn_gen_worker *worker) {
    (void)worker;
    return 1;
}

static void emit_customer(const tn_gen_worker *w, size_t first, size_t count,
                          duckdb_data_chunk chunk, idx_t row) {
    (void)first;
    (void)count;
    const tn_gen_customer *c = &w->customer;
    set_string(chunk, 0, row, w->customer_id, TN_UUID_TEXT_LENGTH);
    set_name(chunk, 1, row, tn_industry_names[c->industry]);
    set_name(chunk, 2, row, tn_tier_names[c->tier]);
    ((int32_t *)column_data(chunk, 3))[row] = c->signup;
    ((int64_t *)column_data(chunk, 4))[row] = c->mrr_cents;
    set_optional_day(chunk, 5, row, c->churn);
    set_optional_day(chunk, 6, row, c->upgrade);
    const tn_gen_account *a = &w->account;
    set_name(chunk, 7, row, a->name);
    set_name(chunk, 8, row, a->owner);
    set_optional_day(chunk, 9, row, a->renewal);
    set_string(chunk, 10, row, a->crm_id, TN_GEN_CRM_ID_LENGTH);
}

/* ",name,owner,renewal_date,crm_id\n" (names hold no comma, quote or line break: no quoting). */
static bool csv_account(const tn_gen_account *a, tn_strbuf *out) {
    bool ok = tn_strbuf_printf(out, ",%s,%s,", a->name, a->owner);
    if (ok && a->renewal != TN_DAY_NEVER)
        ok = csv_put_day(out, a->renewal);
    return ok && tn_strbuf_putc(out, ',') &&
           tn_strbuf_append(out, a->crm_id, TN_GEN_CRM_ID_LENGTH) && tn_strbuf_putc(out, '\n');
}

static bool csv_customer(const tn_gen_worker *w, size_t row, tn_strbuf *out) {
    (void)row;
    const tn_gen_customer *c = &w->customer;
    bool ok =
        tn_strbuf_append(out, w->customer_id, TN_UUID_TEXT_LENGTH) &&
        tn_strbuf_printf(out, ",%s,%s,", tn_industry_names[c->industry], tn_tier_names[c->tier]) &&
        csv_put_day(out, c->signup) && tn_strbuf_putc(out, ',') &&
        csv_put_cents(out, c->mrr_cents) && tn_strbuf_putc(out, ',');
    if (ok && c->churn != TN_DAY_NEVER)
        ok = csv_put_day(out, c->churn);
    ok = ok && tn_strbuf_putc(out, ',');
    if (ok && c->upgrade != TN_DAY_NEVER)
        ok = csv_put_day(out, c->upgrade);
    return ok && csv_account(&w->account, out);
}

static const tn_gen_table customers_table = {
    "customers",      customer_columns, sizeof customer_columns / sizeof customer_columns[0],
    produce_customer, emit_customer,    csv_customer,
};

/* ---- usage_events ------------------------------------------------------------------ */

static const tn_gen_column event_columns[] = {
    {"event_id", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"customer_id", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"timestamp", "TIMESTAMP", DUCKDB_TYPE_TIMESTAMP, 0, 0},
    {"event_type", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"feature_adoption_score", "FLOAT", DUCKDB_TYPE_FLOAT, 0, 0},
};

static long produce_events(tn_gen_worker *w) {
    if (!tn_gen_customer_events(w->company, &w->customer, w->rng, &w->events))
        return -1;
    return (long)w->events.count;
}

static void emit_events(const tn_gen_worker *w, size_t first, size_t count, duckdb_data_chunk chunk,
                        idx_t offset) {
    int64_t *timestamps = column_data(chunk, 2);
    float *scores = column_data(chunk, 4);
    for (size_t i = 0; i < count; i++) {
        const tn_gen_event *e = &w->events.items[first + i];
        idx_t row = offset + i;
        char id[TN_UUID_TEXT_LENGTH];
        tn_uuid_format(e->id_high, e->id_low, id);
        set_string(chunk, 0, row, id, sizeof id);
        set_string(chunk, 1, row, w->customer_id, TN_UUID_TEXT_LENGTH);
        timestamps[row] = e->timestamp * 1000000; /* DuckDB TIMESTAMP: microseconds */
        set_name(chunk, 3, row, tn_event_type_names[e->type]);
        scores[row] = score_float[e->score];
    }
}

static bool csv_event(const tn_gen_worker *w, size_t row, tn_strbuf *out) {
    const tn_gen_event *e = &w->events.items[row];
    return csv_put_uuid(out, e->id_high, e->id_low) && tn_strbuf_putc(out, ',') &&
           tn_strbuf_append(out, w->customer_id, TN_UUID_TEXT_LENGTH) && tn_strbuf_putc(out, ',') &&
           csv_put_timestamp(out, e->timestamp) && tn_strbuf_putc(out, ',') &&
           tn_strbuf_puts(out, tn_event_type_names[e->type]) && tn_strbuf_putc(out, ',') &&
           csv_put_score(out, e->score) && tn_strbuf_putc(out, '\n');
}

static const tn_gen_table events_table = {
    "usage_events", event_columns, sizeof event_columns / sizeof event_columns[0],
    produce_events, emit_events,   csv_event,
};

/* ---- gtm_opportunities ------------------------------------------------------------------ */

static const tn_gen_column opportunity_columns[] = {
    {"opp_id", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"customer_id", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"stage", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"close_date", "DATE", DUCKDB_TYPE_DATE, 0, 0},
    {"amount", "DECIMAL(12,2)", DUCKDB_TYPE_DECIMAL, 12, 2},
    {"sales_owner", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"opportunity_type", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
};

static long produce_opportunities(tn_gen_worker *w) {
    w->opportunity_count =
        tn_gen_customer_opportunities(w->company, &w->customer, w->rng, w->opportunities);
    return w->opportunity_count;
}

static void emit_opportunities(const tn_gen_worker *w, size_t first, size_t count,
                               duckdb_data_chunk chunk, idx_t offset) {
    int32_t *close = column_data(chunk, 3);
    int64_t *amount = column_data(chunk, 4);
    for (size_t i = 0; i < count; i++) {
        const tn_gen_opportunity *o = &w->opportunities[first + i];
        idx_t row = offset + i;
        char id[TN_UUID_TEXT_LENGTH];
        tn_uuid_format(o->id_high, o->id_low, id);
        set_string(chunk, 0, row, id, sizeof id);
        set_string(chunk, 1, row, w->customer_id, TN_UUID_TEXT_LENGTH);
        set_name(chunk, 2, row, tn_stage_names[o->stage]);
        close[row] = o->close;
        amount[row] = o->amount_cents;
        set_name(chunk, 5, row, tn_sales_reps[o->sales_rep]);
        set_name(chunk, 6, row, tn_opportunity_type_names[o->type]);
    }
}

static bool csv_opportunity(const tn_gen_worker *w, size_t row, tn_strbuf *out) {
    const tn_gen_opportunity *o = &w->opportunities[row];
    return csv_put_uuid(out, o->id_high, o->id_low) && tn_strbuf_putc(out, ',') &&
           tn_strbuf_append(out, w->customer_id, TN_UUID_TEXT_LENGTH) &&
           tn_strbuf_printf(out, ",%s,", tn_stage_names[o->stage]) && csv_put_day(out, o->close) &&
           tn_strbuf_putc(out, ',') && csv_put_cents(out, o->amount_cents) &&
           tn_strbuf_printf(out, ",%s,%s\n", tn_sales_reps[o->sales_rep],
                            tn_opportunity_type_names[o->type]);
}

static const tn_gen_table opportunities_table = {
    "gtm_opportunities",
    opportunity_columns,
    sizeof opportunity_columns / sizeof opportunity_columns[0],
    produce_opportunities,
    emit_opportunities,
    csv_opportunity,
};

/* ---- support_tickets ------------------------------------------------------------------ */

static const tn_gen_column ticket_columns[] = {
    {"ticket_id", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"customer_id", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"created_date", "DATE", DUCKDB_TYPE_DATE, 0, 0},
    {"priority", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"resolution_time", "INTEGER", DUCKDB_TYPE_INTEGER, 0, 0},
    {"topic", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
};

static long produce_tickets(tn_gen_worker *w) {
    if (!tn_gen_customer_tickets(w->company, &w->customer, w->rng, &w->tickets))
        return -1;
    return (long)w->tickets.count;
}

static void emit_tickets(const tn_gen_worker *w, size_t first, size_t count,
                         duckdb_data_chunk chunk, idx_t offset) {
    int32_t *created = column_data(chunk, 2);
    int32_t *hours = column_data(chunk, 4);
    for (size_t i = 0; i < count; i++) {
        const tn_gen_ticket *t = &w->tickets.items[first + i];
        idx_t row = offset + i;
        char id[TN_UUID_TEXT_LENGTH];
        tn_uuid_format(t->id_high, t->id_low, id);
        set_string(chunk, 0, row, id, sizeof id);
        set_string(chunk, 1, row, w->customer_id, TN_UUID_TEXT_LENGTH);
        created[row] = t->created;
        set_name(chunk, 3, row, tn_priority_names[t->priority]);
        hours[row] = t->resolution_hours;
        set_name(chunk, 5, row, tn_topic_names[t->topic]);
    }
}

static bool csv_ticket(const tn_gen_worker *w, size_t row, tn_strbuf *out) {
    const tn_gen_ticket *t = &w->tickets.items[row];
    return csv_put_uuid(out, t->id_high, t->id_low) && tn_strbuf_putc(out, ',') &&
           tn_strbuf_append(out, w->customer_id, TN_UUID_TEXT_LENGTH) && tn_strbuf_putc(out, ',') &&
           csv_put_day(out, t->created) &&
           tn_strbuf_printf(out, ",%s,%d,%s\n", tn_priority_names[t->priority],
                            (int)t->resolution_hours, tn_topic_names[t->topic]);
}

static const tn_gen_table tickets_table = {
    "support_tickets", ticket_columns, sizeof ticket_columns / sizeof ticket_columns[0],
    produce_tickets,   emit_tickets,   csv_ticket,
};

/* ---- risk_signals ------------------------------------------------------------------ */

static const tn_gen_column risk_columns[] = {
    {"customer_id", "VARCHAR", DUCKDB_TYPE_VARCHAR, 0, 0},
    {"compliance_gap_score", "FLOAT", DUCKDB_TYPE_FLOAT, 0, 0},
    {"vendor_risk_flags", "INTEGER", DUCKDB_TYPE_INTEGER, 0, 0},
};

static long produce_risk(tn_gen_worker *w) {
    tn_gen_customer_risk(w->company, &w->customer, w->rng, &w->risk);
    return 1;
}

static void emit_risk(const tn_gen_worker *w, size_t first, size_t count, duckdb_data_chunk chunk,
                      idx_t row) {
    (void)first;
    (void)count;
    set_string(chunk, 0, row, w->customer_id, TN_UUID_TEXT_LENGTH);
    ((float *)column_data(chunk, 1))[row] = score_float[w->risk.compliance_gap];
    ((int32_t *)column_data(chunk, 2))[row] = w->risk.vendor_risk_flags;
}

static bool csv_risk(const tn_gen_worker *w, size_t row, tn_strbuf *out) {
    (void)row;
    return tn_strbuf_append(out, w->customer_id, TN_UUID_TEXT_LENGTH) && tn_strbuf_putc(out, ',') &&
           csv_put_score(out, w->risk.compliance_gap) &&
           tn_strbuf_printf(out, ",%d\n", (int)w->risk.vendor_risk_flags);
}

static const tn_gen_table risk_table = {
    "risk_signals", risk_columns, sizeof risk_columns / sizeof risk_columns[0],
    produce_risk,   emit_risk,    csv_risk,
};

/* ---- all tables ------------------------------------------------------------------ */

const tn_gen_table *const tn_gen_tables[TN_GEN_TABLE_COUNT] = {
    &customers_table, &events_table, &opportunities_table, &tickets_table, &risk_table,
};

bool tn_gen_csv_header(const tn_gen_table *table, tn_strbuf *out) {
    for (size_t i = 0; i < table->column_count; i++) {
        if (!tn_strbuf_puts(out, table->columns[i].name) ||
            !tn_strbuf_putc(out, i + 1 < table->column_count ? ',' : '\n'))
            return false;
    }
    return true;
}
