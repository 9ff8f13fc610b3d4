/*
 * snapshot_bodies.c — making a customer's bodies on first use, and in the
 * background (see snapshot_bodies.h).
 */
#define _GNU_SOURCE /* SCHED_IDLE */
#include "serve/snapshot_bodies.h"

#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "insight/documents.h"
#include "insight/trend.h"

enum { DAYS = 90 }; /* the usage chart's days (sql/serve/daily_usage.sql) */

static void row_lists_free(tn_row_lists *lists) {
    free(lists->first);
    free(lists->next);
    lists->first = lists->next = NULL;
}

/* Each scored customer's rows of `rows` (by its customer_id), in the rows' order. */
static bool row_lists_build(const tn_score_set *scores, const tn_table *rows, tn_row_lists *out) {
    size_t *last = malloc((scores->count + 1) * sizeof *last);
    out->first = malloc((scores->count + 1) * sizeof *out->first);
    out->next = malloc((rows->rows + 1) * sizeof *out->next);
    bool ok = last != NULL && out->first != NULL && out->next != NULL;
    for (size_t i = 0; ok && i < scores->count; i++)
        out->first[i] = last[i] = SIZE_MAX;
    char *const *owners = tn_table_texts(rows, "customer_id");
    const tn_customer_score *c = NULL;
    for (size_t r = 0; ok && r < rows->rows; r++) {
        out->next[r] = SIZE_MAX;
        const char *owner = owners != NULL && owners[r] != NULL ? owners[r] : "";
        /* the rows come grouped by customer: a run of one customer's is looked up once */
        bool same = r > 0 && owners != NULL && owners[r - 1] != NULL && c != NULL &&
                    strcmp(owners[r - 1], owner) == 0;
        if (!same)
            c = owners != NULL ? tn_score_find(scores, owner) : NULL;
        if (c == NULL)
            continue;
        size_t i = (size_t)(c - scores->customers);
        if (last[i] == SIZE_MAX)
            out->first[i] = r;
        else
            out->next[last[i]] = r;
        last[i] = r;
    }
    free(last);
    return ok;
}

bool tn_snapshot_sources_index(tn_snapshot_sources *s, tn_error *err) {
    s->fact_row = malloc((s->scores.count + 1) * sizeof *s->fact_row);
    if (s->fact_row == NULL || !row_lists_build(&s->scores, &s->daily, &s->daily_rows) ||
        !row_lists_build(&s->scores, &s->tickets, &s->ticket_rows) ||
        !row_lists_build(&s->scores, &s->opportunities, &s->opportunity_rows) ||
        !row_lists_build(&s->scores, &s->history, &s->point_rows) ||
        !row_lists_build(&s->scores, &s->moves, &s->move_rows))
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < s->scores.count; i++)
        s->fact_row[i] = SIZE_MAX;
    char *const *ids = tn_table_texts(&s->facts, "customer_id");
    for (size_t r = 0; ids != NULL && r < s->facts.rows; r++) {
        const tn_customer_score *c = tn_score_find(&s->scores, ids[r] ? ids[r] : "");
        if (c != NULL)
            s->fact_row[c - s->scores.customers] = r;
    }
    for (size_t i = 0; i < s->scores.count; i++)
        if (s->fact_row[i] == SIZE_MAX)
            return tn_error_set(err, TN_ERR_INTERNAL,
                                "customer %s is scored but has no Customer 360 facts",
                                s->scores.customers[i].customer_id);
    return true;
}

void tn_snapshot_sources_free(tn_snapshot_sources *s) {
    if (s == NULL)
        return;
    tn_ml_model_free(&s->churn);
    tn_ml_model_free(&s->expansion);
    tn_survival_model_free(&s->survival);
    tn_score_set_free(&s->scores);
    tn_answers_free(&s->answers);
    tn_table *tables[] = {&s->facts,         &s->daily,   &s->tickets,
                          &s->opportunities, &s->history, &s->moves};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        tn_table_free(tables[t]);
    free(s->fact_row);
    row_lists_free(&s->daily_rows);
    row_lists_free(&s->ticket_rows);
    row_lists_free(&s->opportunity_rows);
    row_lists_free(&s->point_rows);
    row_lists_free(&s->move_rows);
    free(s);
}

/* One row of a per-customer table as JSON (new reference). */
typedef json_t *(*row_to_json)(const tn_table *rows, size_t row);

/* Customer i's rows of `rows`, converted, as a new JSON array; NULL when memory runs out. */
static json_t *rows_of(const tn_table *rows, const tn_row_lists *lists, size_t i,
                       row_to_json convert) {
    json_t *list = json_array();
    for (size_t r = lists->first[i]; list != NULL && r != SIZE_MAX; r = lists->next[r])
        if (json_array_append_new(list, convert(rows, r)) != 0) {
            json_decref(list);
            list = NULL;
        }
    return list;
}

/*
 * The customer's events per day, oldest first: DAYS numbers from the sparse
 * "days_before:events,…" text (days without events are 0). New reference.
 */
static json_t *daily_counts(const tn_snapshot_sources *s, size_t i) {
    json_int_t counts[DAYS] = {0};
    size_t r = s->daily_rows.first[i];
    char *const *texts = r != SIZE_MAX ? tn_table_texts(&s->daily, "daily_events") : NULL;
    for (const char *p = texts != NULL && texts[r] != NULL ? texts[r] : ""; *p;) {
        char *end;
        long before = strtol(p, &end, 10);
        if (end == p || *end != ':')
            break;
        long events = strtol(end + 1, &end, 10);
        if (before >= 1 && before <= DAYS)
            counts[DAYS - before] = events;
        p = *end == ',' ? end + 1 : end;
    }
    json_t *list = json_array();
    for (int d = 0; list != NULL && d < DAYS; d++)
        if (json_array_append_new(list, json_integer(counts[d])) != 0) {
            json_decref(list);
            list = NULL;
        }
    return list;
}

bool tn_snapshot_make_bodies(const tn_snapshot_sources *s, size_t i, tn_serve_customer *out) {
    json_t *opportunities =
        rows_of(&s->opportunities, &s->opportunity_rows, i, tn_document_opportunity);
    json_t *tickets = rows_of(&s->tickets, &s->ticket_rows, i, tn_document_ticket);
    json_t *daily = daily_counts(s, i);
    json_t *points = rows_of(&s->history, &s->point_rows, i, tn_trend_point);
    json_t *moves = rows_of(&s->moves, &s->move_rows, i, tn_trend_move);
    const tn_answer *answer = &s->answers.answers[i];
    tn_customer_facts facts = {&s->facts, s->fact_row[i], opportunities, tickets, daily};
    bool ok = opportunities != NULL && tickets != NULL && daily != NULL && points != NULL &&
              moves != NULL && tn_serve_customer_bodies(&s->answers.context, answer, &facts, out) &&
              tn_body_from_json(tn_document_history(&s->answers.context, answer, points, moves,
                                                    s->recording, s->recording ? &s->window : NULL),
                                &out->history) &&
              tn_body_pack(&out->history);
    json_decref(opportunities);
    json_decref(tickets);
    json_decref(daily);
    json_decref(points);
    json_decref(moves);
    if (!ok)
        tn_serve_customer_free_bodies(out);
    return ok;
}

/* Makes customer i's bodies unless a thread has or is: true unless memory ran out. */
static bool claim_and_make(const tn_snapshot *snapshot, tn_serve_customer *c) {
    int expected = TN_BODIES_NONE;
    if (!atomic_compare_exchange_strong_explicit(&c->bodies, &expected, TN_BODIES_MAKING,
                                                 memory_order_acquire, memory_order_acquire))
        return true;
    bool ok = tn_snapshot_make_bodies(snapshot->sources, (size_t)(c - snapshot->customers), c);
    atomic_store_explicit(&c->bodies, ok ? TN_BODIES_MADE : TN_BODIES_NONE, memory_order_release);
    return ok;
}

const tn_serve_customer *tn_snapshot_bodies(const tn_snapshot *snapshot, const tn_serve_customer *c,
                                            tn_serve_customer *scratch) {
    /* the bodies are the one part of a customer made after the load: its own thread writes them */
    tn_serve_customer *customer = (tn_serve_customer *)c;
    if (snapshot->sources == NULL ||
        atomic_load_explicit(&customer->bodies, memory_order_acquire) == TN_BODIES_MADE)
        return c; /* a snapshot made whole (tests), or made already */
    if (!claim_and_make(snapshot, customer))
        return NULL;
    if (atomic_load_explicit(&customer->bodies, memory_order_acquire) == TN_BODIES_MADE)
        return c;
    memset(scratch, 0, sizeof *scratch); /* another thread is making them: make a copy */
    return tn_snapshot_make_bodies(snapshot->sources, (size_t)(c - snapshot->customers), scratch)
               ? scratch
               : NULL;
}

/* One background thread: customers t, t + n, t + 2n, … */
typedef struct {
    tn_snapshot *snapshot;
    size_t t, n;
} warmer;

static void *warm(void *context) {
    warmer *w = context;
    struct sched_param lowest = {0};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &lowest); /* best effort */
    for (size_t i = w->t; i < w->snapshot->customer_count; i += w->n) {
        if (atomic_load_explicit(&w->snapshot->stop_warming, memory_order_relaxed) ||
            !claim_and_make(w->snapshot, &w->snapshot->customers[i]))
            break; /* out of memory: requests make what they need */
    }
    free(w);
    return NULL;
}

void tn_snapshot_warm(tn_snapshot *snapshot) {
    if (!snapshot->ready || snapshot->sources == NULL || snapshot->warmer_count > 0)
        return;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cores < 1 ? 1 : cores > 4 ? 4 : (size_t)cores;
    atomic_store(&snapshot->stop_warming, false);
    for (size_t t = 0; t < n; t++) {
        warmer *w = malloc(sizeof *w);
        if (w == NULL)
            break;
        *w = (warmer){snapshot, t, n};
        if (pthread_create(&snapshot->warmers[snapshot->warmer_count], NULL, warm, w) != 0) {
            free(w);
            break;
        }
        snapshot->warmer_count++;
    }
    /* a thread that did not start leaves its customers to the requests */
}

void tn_snapshot_stop_warming(tn_snapshot *snapshot) {
    atomic_store(&snapshot->stop_warming, true);
    for (size_t t = 0; t < snapshot->warmer_count; t++)
        pthread_join(snapshot->warmers[t], NULL);
    snapshot->warmer_count = 0;
}
