/*
 * movers.c — who moved since an earlier scoring, as documents (see movers.h).
 */
#include "insight/movers.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/gzip.h"
#include "common/json.h"
#include "common/embedded.h"
#include "insight/documents.h"
#include "insight/history.h"

static const char *const kinds[] = {"entered_high_risk", "probability_rose", "expansion_ready",
                                    "left_tier"};
enum { KIND_COUNT = sizeof kinds / sizeof kinds[0] };

/* "12.3 %" */
static const char *percent(double p, char *out, size_t size) {
    snprintf(out, size, "%.1f %%", 100 * p);
    return out;
}

/* The reason of one move, in words, into out[size]. */
static void reason(const tn_table *rows, size_t r, char *out, size_t size) {
    const char *kind = tn_table_text_at(rows, "kind", r),
               *since = tn_table_text_at(rows, "since", r);
    bool before = strcmp(tn_table_text_at(rows, "scored_before", r), "yes") == 0;
    double churn_before = tn_table_number_at(rows, "churn_before", r),
           churn = tn_table_number_at(rows, "churn_now", r);
    const char *tier = tn_table_text_at(rows, "churn_tier_now", r),
               *tier_before = tn_table_text_at(rows, "churn_tier_before", r);
    char a[24], b[24];
    if (strcmp(kind, "entered_high_risk") == 0 && !before)
        snprintf(out, size,
                 "New since %s, and %s churn risk at once: %s likely to churn within 90 days",
                 since, tier, percent(churn, a, sizeof a));
    else if (strcmp(kind, "entered_high_risk") == 0)
        snprintf(out, size,
                 "Churn risk rose from %s to %s since %s: %s likely to churn within 90 days",
                 tier_before, tier, since, percent(churn, a, sizeof a));
    else if (strcmp(kind, "probability_rose") == 0)
        snprintf(out, size, "Churn probability rose %.1f points since %s, from %s to %s",
                 100 * (churn - churn_before), since, percent(churn_before, a, sizeof a),
                 percent(churn, b, sizeof b));
    else if (strcmp(kind, "expansion_ready") == 0)
        snprintf(out, size,
                 "Upgrade propensity reached %s%s%s since %s: %s likely to upgrade within 90 days",
                 tn_table_text_at(rows, "upgrade_tier_now", r), before ? " from " : "",
                 before ? (tn_table_text_at(rows, "upgrade_tier_before", r)
                               ? tn_table_text_at(rows, "upgrade_tier_before", r)
                               : "none")
                        : "",
                 since, percent(tn_table_number_at(rows, "upgrade_now", r), a, sizeof a));
    else
        snprintf(out, size,
                 "Churn risk fell from %s to %s since %s: %s likely to churn within 90 days",
                 tier_before, tier, since, percent(churn, a, sizeof a));
}

/* {"before", "now", "change"}; the change null when either is missing. */
static json_t *number_change(double before, double now) {
    return json_pack("{s:o, s:o, s:o}", "before", tn_json_real(before), "now", tn_json_real(now),
                     "change", tn_json_real(now - before));
}

/* One mover (new reference). */
static json_t *item(const tn_answer_set *answers, const tn_table *rows, size_t r) {
    const char *id = tn_table_text_at(rows, "customer_id", r);
    const tn_answer *answer = id != NULL ? tn_answers_find(answers, id) : NULL;
    char words[400];
    reason(rows, r, words, sizeof words);
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o}, s:o, s:{s:o, s:o}, s:s}", "customer_id",
        tn_json_text(id), "name", tn_json_text(answer ? answer->score->name : NULL), "owner",
        tn_json_text(answer ? answer->score->owner : NULL), "arr",
        tn_json_real(tn_table_number_at(rows, "arr", r)), "churn_probability",
        number_change(tn_table_number_at(rows, "churn_before", r),
                      tn_table_number_at(rows, "churn_now", r)),
        "churn_tier", "before", tn_json_text(tn_table_text_at(rows, "churn_tier_before", r)), "now",
        tn_json_text(tn_table_text_at(rows, "churn_tier_now", r)), "upgrade_propensity",
        number_change(tn_table_number_at(rows, "upgrade_before", r),
                      tn_table_number_at(rows, "upgrade_now", r)),
        "upgrade_tier", "before", tn_json_text(tn_table_text_at(rows, "upgrade_tier_before", r)),
        "now", tn_json_text(tn_table_text_at(rows, "upgrade_tier_now", r)), "reason", words);
}

/* Frees what fill_since made of `date` and marks nothing made; its since and rows stay. */
static void free_since(tn_movers_since *date) {
    for (int k = 0; k < KIND_COUNT; k++) {
        for (size_t j = 0; date->items[k] != NULL && j < date->counts[k]; j++)
            free(date->items[k][j]);
        free(date->items[k]);
        date->items[k] = NULL;
        date->counts[k] = 0;
    }
    free(date->head);
    free(date->text);
    free(date->gzip);
    date->head = date->text = date->gzip = NULL;
    date->length = date->gzip_length = 0;
}

/* One since date from its rows [first, end): each list's items and the head. */
static bool fill_since(const tn_answer_set *answers, const tn_table *rows, size_t first, size_t end,
                       const char *latest, double rise, tn_movers_since *out) {
    for (int k = 0; k < KIND_COUNT; k++) {
        out->items[k] = calloc(end - first + 1, sizeof *out->items[k]);
        if (out->items[k] == NULL)
            return false;
    }
    for (size_t r = first; r < end; r++) {
        const char *kind =
            tn_table_text_at(rows, "kind", r); /* NULL: the date's row without movers */
        for (int k = 0; kind != NULL && k < KIND_COUNT; k++)
            if (strcmp(kind, kinds[k]) == 0 &&
                (out->items[k][out->counts[k]++] =
                     tn_document_text(item(answers, rows, r), TN_DOCUMENT_DIGITS)) == NULL)
                return false;
    }
    json_t *counts = json_object();
    for (int k = 0; k < KIND_COUNT; k++)
        json_object_set_new(counts, kinds[k], json_integer((json_int_t)out->counts[k]));
    out->head = tn_document_text(json_pack("{s:s, s:s, s:f, s:o}", "since", out->since, "as_of",
                                           latest, "probability_rise", rise, "counts", counts),
                                 TN_DOCUMENT_DIGITS);
    if (out->head == NULL)
        return false;
    out->head[strlen(out->head) - 1] = '\0'; /* the closing brace: the page adds the rest */
    out->text = tn_movers_page(out, TN_MOVERS_LIMIT_DEFAULT, &out->length);
    out->gzip = out->text != NULL ? tn_gzip(out->text, out->length, &out->gzip_length) : NULL;
    return out->gzip != NULL;
}

char *tn_movers_page(const tn_movers_since *since, size_t limit, size_t *length) {
    tn_strbuf page = TN_STRBUF_INIT;
    bool ok =
        tn_strbuf_puts(&page, since->head) && tn_strbuf_printf(&page, ",\"limit\":%zu", limit);
    for (int k = 0; ok && k < KIND_COUNT; k++) {
        ok = tn_strbuf_printf(&page, ",\"%s\":[", kinds[k]);
        for (size_t i = 0; ok && i < since->counts[k] && i < limit; i++)
            ok =
                (i == 0 || tn_strbuf_putc(&page, ',')) && tn_strbuf_puts(&page, since->items[k][i]);
        ok = ok && tn_strbuf_putc(&page, ']');
    }
    ok = ok && tn_strbuf_putc(&page, '}');
    if (!ok) {
        tn_strbuf_free(&page);
        return NULL;
    }
    *length = page.length;
    return tn_strbuf_detach(&page);
}

bool tn_movers_read_rows(tn_db *db, double rise, const tn_history_window *window, tn_table *rows,
                         tn_error *err) {
    char threshold[32];
    snprintf(threshold, sizeof threshold, "%.17g", rise);
    const char *params[] = {threshold};
    bool ok =
        tn_history_query_window(db, "sql/serve/score_movers.sql", window, params, 1, rows, err);
    if (!ok)
        tn_error_prefix(err, "the movers of the score history");
    return ok;
}

struct tn_movers_making {
    tn_table rows;                /* sql/serve/score_movers.sql's rows */
    const tn_answer_set *answers; /* borrowed */
    double rise;
    pthread_mutex_t lock; /* held while a date is made */
};

/* Makes `date` unless it is made; false when memory runs out (then it stays unmade). */
static bool make_date(const tn_movers *movers, tn_movers_since *date) {
    if (atomic_load_explicit(&date->made, memory_order_acquire))
        return true;
    tn_movers_making *m = movers->making;
    pthread_mutex_lock(&m->lock);
    bool ok =
        atomic_load_explicit(&date->made, memory_order_relaxed) ||
        fill_since(m->answers, &m->rows, date->first, date->end, movers->latest, m->rise, date);
    if (!ok)
        free_since(date);
    else
        atomic_store_explicit(&date->made, true, memory_order_release);
    pthread_mutex_unlock(&m->lock);
    return ok;
}

bool tn_movers_build(const tn_answer_set *answers, tn_table *rows, const char *latest, double rise,
                     size_t older, tn_movers *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    out->older = older;
    snprintf(out->latest, sizeof out->latest, "%s", latest != NULL ? latest : "");
    out->making = tn_alloc_array(1, sizeof *out->making, "the movers", err);
    if (out->making == NULL)
        return false;
    pthread_mutex_init(&out->making->lock, NULL);
    out->making->rows = *rows;
    memset(rows, 0, sizeof *rows);
    out->making->answers = answers;
    out->making->rise = rise;
    const tn_table *kept = &out->making->rows;
    out->dates = tn_alloc_array(kept->rows + 1, sizeof *out->dates, "the movers", err);
    if (out->dates == NULL)
        return false;
    for (size_t first = 0; first < kept->rows;) {
        const char *since = tn_table_text_at(kept, "since", first);
        size_t end = first;
        while (end < kept->rows && strcmp(tn_table_text_at(kept, "since", end), since) == 0)
            end++;
        tn_movers_since *date = &out->dates[out->count++];
        snprintf(date->since, sizeof date->since, "%s", since);
        date->first = first;
        date->end = end;
        first = end;
    }
    if (out->count > 0 && !make_date(out, &out->dates[out->count - 1]))
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory for the movers");
    return true;
}

const tn_movers_since *tn_movers_find(const tn_movers *movers, const char *since, char *why,
                                      size_t size, bool *no_memory) {
    *no_memory = false;
    tn_movers_since *found = NULL;
    if (movers->count == 0) {
        snprintf(why, size,
                 "movers need two recorded scorings and the history has %s: each 'tenure score' "
                 "of a new as-of date records one",
                 movers->latest[0] != '\0' ? "one" : "none");
        return NULL;
    }
    if (since == NULL) {
        found = &movers->dates[movers->count - 1];
    } else if (strcmp(since, movers->latest) >= 0) {
        snprintf(why, size, "since %s is not before the latest recorded scoring, of %s", since,
                 movers->latest);
        return NULL;
    }
    for (size_t i = 0;
         since != NULL && i < movers->count && strcmp(movers->dates[i].since, since) <= 0; i++)
        found = &movers->dates[i];
    if (found == NULL && movers->older > 0)
        snprintf(why, size,
                 "the server keeps the scorings from %s on, and %zu earlier recorded one%s %s "
                 "left out of its window: none on or before %s is kept (tenure serve "
                 "--history-scorings keeps more)",
                 movers->dates[0].since, movers->older, movers->older == 1 ? "" : "s",
                 movers->older == 1 ? "is" : "are", since);
    else if (found == NULL)
        snprintf(why, size, "no scoring is recorded on or before %s: the first is of %s", since,
                 movers->dates[0].since);
    if (found != NULL && !make_date(movers, found)) {
        snprintf(why, size, "out of memory making the movers since %s", found->since);
        *no_memory = true;
        return NULL;
    }
    return found;
}

void tn_movers_free(tn_movers *movers) {
    for (size_t i = 0; i < movers->count; i++)
        free_since(&movers->dates[i]);
    free(movers->dates);
    if (movers->making != NULL) {
        tn_table_free(&movers->making->rows);
        pthread_mutex_destroy(&movers->making->lock);
        free(movers->making);
    }
    memset(movers, 0, sizeof *movers);
}
