/*
 * what_if.c — GET /analytics/interventions' answer (see what_if.h).
 *
 * The ready parts live in one text buffer, addressed by offsets (spans) so
 * that growing the buffer while they are made moves nothing. The numbers are
 * written as "%.*f" writes them, but by format_fixed: printf took three
 * quarters of a request's time when the whole answer was written per request
 * (glibc's exact multi-precision conversion, twice per number as
 * tn_strbuf_printf measures first, 600 numbers for 100 rows).
 */
#include "serve/what_if.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t start, end;
} span;

struct tn_what_if {
    double total_at_risk;   /* the portfolio's ARR at risk (tn_interventions_at_risk_total) */
    tn_strbuf text;         /* owned; every span below is an offset range into it */
    span head;              /* {"as_of":"…","ranking":"…","requested_accounts": */
    span plan_rates;        /* "save_rate":{"starter":…,"growth":…,"enterprise":…} */
    span hours_per_account; /* ,"hours_per_account":{…}, */
    /* The plan's ranking: its first plan_rows rows whole, a comma between two; the
       first r + 1 of them are text[plan_start, plan_end[r]). */
    size_t plan_rows, plan_start, plan_end[TN_WHAT_IF_LISTED];
    /* The ranking at one save rate: row r is one_head[r], the rate, one_tier[its tier],
       the expected ARR saved, its ARR per hour and its running total, one_tail[r]. */
    size_t one_rows;
    span one_head[TN_WHAT_IF_LISTED]; /* {"rank":R,"customer":{…},"save_rate": */
    span one_tier[TN_PLAN_TIERS];     /* ,"hours":H,"expected_arr_saved": */
    span one_tail[TN_WHAT_IF_LISTED]; /* ,"cumulative_hours":H} */
    tn_body standard;                 /* the default answer, with its gzip copy */
};

/* ---- numbers ---------------------------------------------------------------------- */

/* "00" to "99". */
static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
                                  "31323334353637383940414243444546474849505152535455565758596061"
                                  "62636465666768697071727374757677787980818283848586878889909192"
                                  "93949596979899";

/* Writes the digits of `value`, zeros first to make at least `width`, before `end`; returns
   where they start. */
static char *put_digits(char *end, uint64_t value, int width) {
    char *p = end;
    for (; value >= 100; value /= 100) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * (value % 100), 2);
    }
    if (value >= 10) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * value, 2);
    } else {
        *--p = (char)('0' + value);
    }
    while (end - p < width)
        *--p = '0';
    return p;
}

/*
 * Writes `value` (finite) as "%.*f" writes it at the end of text[0..32) and
 * returns where it starts, or NULL when value × 10^decimals is 2^52 or more.
 */
static char *format_fixed(char text[32], double value, int decimals) {
    static const double scale[10] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    double magnitude = fabs(value), scaled = magnitude * scale[decimals];
    if (!(scaled < 0x1p52))
        return NULL;
    /* magnitude × 10^decimals is scaled + error exactly (fma). Below 2^52 scaled's fraction
       is a multiple of its ulp (at most 0.5) and |error| at most half an ulp, so the fraction
       alone says which way to round but at exactly .5, where error's sign decides. */
    uint64_t units = (uint64_t)(int64_t)scaled; /* floor: 0 ≤ scaled < 2^52 */
    double fraction = scaled - (double)units;
    if (fraction > 0.5) {
        units++;
    } else if (fraction == 0.5) {
        double error = fma(magnitude, scale[decimals], -scaled);
        units += error > 0 || (error == 0 && (units & 1)); /* a true tie goes to even */
    }
    char *p = text + 32;
    int d = decimals;
    for (; d >= 2; d -= 2, units /= 100) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * (units % 100), 2);
    }
    if (d == 1) {
        *--p = (char)('0' + units % 10);
        units /= 10;
    }
    if (decimals > 0)
        *--p = '.';
    p = put_digits(p, units, 1);
    if (signbit(value))
        *--p = '-';
    return p; /* 2^52 has 16 digits: with the point, 9 decimals and the sign, at most 27 */
}

bool tn_what_if_put_fixed(tn_strbuf *out, double value, int decimals) {
    char text[32];
    const char *start = format_fixed(text, value, decimals);
    return start != NULL ? tn_strbuf_append(out, start, (size_t)(text + sizeof text - start))
                         : tn_strbuf_printf(out, "%.*f", decimals, value);
}

static bool put_count(tn_strbuf *out, size_t value) {
    char text[24], *end = text + sizeof text, *p = put_digits(end, value, 0);
    return tn_strbuf_append(out, p, (size_t)(end - p));
}

/* The value with `decimals`, or null when it is not finite. */
static bool put_value(tn_strbuf *out, double value, int decimals) {
    return isfinite(value) ? tn_what_if_put_fixed(out, value, decimals)
                           : tn_strbuf_puts(out, "null");
}

/* "key":value (put_value). */
static bool put_number(tn_strbuf *out, const char *key, double value, int decimals) {
    return tn_strbuf_putc(out, '"') && tn_strbuf_puts(out, key) && tn_strbuf_puts(out, "\":") &&
           put_value(out, value, decimals);
}

/* {"starter":…,"growth":…,"enterprise":…} */
static bool put_tiers(tn_strbuf *out, const char *key, const double values[TN_PLAN_TIERS]) {
    bool ok = tn_strbuf_printf(out, "\"%s\":{", key);
    for (int t = 0; t < TN_PLAN_TIERS; t++)
        ok = ok && tn_strbuf_puts(out, t ? "," : "") &&
             put_number(out, tn_plan_tier_names[t], values[t], 4);
    return ok && tn_strbuf_putc(out, '}');
}

/* Appends a string literal (without measuring it). */
#define PUT_LITERAL(out, literal) tn_strbuf_append(out, literal, sizeof literal - 1)

/* ---- the parts made at load ------------------------------------------------------- */

static bool put_span(tn_strbuf *out, const tn_what_if *what_if, span part) {
    return tn_strbuf_append(out, what_if->text.data + part.start, part.end - part.start);
}

/* The whole row of the `rank`th account reached. */
static bool put_row(tn_strbuf *out, const tn_snapshot *snapshot, const tn_intervention_row *row,
                    size_t rank) {
    const tn_body *item = &snapshot->customers[row->index].item;
    return tn_strbuf_puts(out, "{\"rank\":") && put_count(out, rank) &&
           tn_strbuf_puts(out, ",\"customer\":") &&
           tn_strbuf_append(out, item->text, item->length) && tn_strbuf_putc(out, ',') &&
           put_number(out, "save_rate", row->save_rate, 4) && tn_strbuf_putc(out, ',') &&
           put_number(out, "hours", row->hours, 2) && tn_strbuf_putc(out, ',') &&
           put_number(out, "expected_arr_saved", row->expected_arr_saved, 2) &&
           tn_strbuf_putc(out, ',') && put_number(out, "arr_saved_per_hour", row->per_hour, 2) &&
           tn_strbuf_putc(out, ',') &&
           put_number(out, "cumulative_arr_saved", row->cumulative_arr_saved, 2) &&
           tn_strbuf_putc(out, ',') &&
           put_number(out, "cumulative_hours", row->cumulative_hours, 2) &&
           tn_strbuf_putc(out, '}');
}

/* The first `listed` accounts of ranking `uniform` (at the plan's rates, or at any one rate). */
static size_t reach_listed(const tn_snapshot *snapshot, bool uniform, tn_intervention_row *rows) {
    tn_intervention_totals totals;
    tn_interventions_reach_summed(snapshot->what_if->total_at_risk, snapshot->intervention_at_risk,
                                  snapshot->intervention_tier, snapshot->customer_count,
                                  snapshot->intervention_order[uniform], &snapshot->plan,
                                  uniform ? 1.0 : NAN, TN_WHAT_IF_LISTED, rows, TN_WHAT_IF_LISTED,
                                  &totals);
    return totals.accounts < TN_WHAT_IF_LISTED ? totals.accounts : TN_WHAT_IF_LISTED;
}

/* The text added to the parts since `start`. */
static span since(const tn_what_if *what_if, size_t start) {
    return (span){start, what_if->text.length};
}

/* The answer's head and the plan's save rates and hours. */
static bool prepare_head(tn_what_if *w, const tn_snapshot *snapshot) {
    tn_strbuf *text = &w->text;
    bool ok = tn_strbuf_printf(text,
                               "{\"as_of\":\"%s\",\"ranking\":\"expected ARR saved per CSM hour\","
                               "\"requested_accounts\":",
                               snapshot->as_of);
    w->head = since(w, 0);
    size_t start = text->length;
    ok = ok && put_tiers(text, "save_rate", snapshot->plan.save_rate);
    w->plan_rates = since(w, start);
    start = text->length;
    ok = ok && tn_strbuf_putc(text, ',') &&
         put_tiers(text, "hours_per_account", snapshot->plan.hours) && tn_strbuf_putc(text, ',');
    w->hours_per_account = since(w, start);
    return ok;
}

/* The plan's ranking: its first rows, whole. */
static bool prepare_plan_rows(tn_what_if *w, const tn_snapshot *snapshot) {
    tn_intervention_row rows[TN_WHAT_IF_LISTED];
    w->plan_rows = reach_listed(snapshot, false, rows);
    w->plan_start = w->text.length;
    bool ok = true;
    for (size_t r = 0; ok && r < w->plan_rows; r++) {
        ok = (r == 0 || tn_strbuf_putc(&w->text, ',')) &&
             put_row(&w->text, snapshot, &rows[r], r + 1);
        w->plan_end[r] = w->text.length;
    }
    return ok;
}

/* The ranking at one save rate: each row but for the figures that depend on the rate. */
static bool prepare_one_rate_rows(tn_what_if *w, const tn_snapshot *snapshot) {
    tn_intervention_row rows[TN_WHAT_IF_LISTED];
    tn_strbuf *text = &w->text;
    bool ok = true;
    for (int t = 0; t < TN_PLAN_TIERS; t++) {
        size_t start = text->length;
        ok = ok && tn_strbuf_putc(text, ',') &&
             put_number(text, "hours", snapshot->plan.hours[t], 2) &&
             tn_strbuf_puts(text, ",\"expected_arr_saved\":");
        w->one_tier[t] = since(w, start);
    }
    w->one_rows = reach_listed(snapshot, true, rows);
    for (size_t r = 0; ok && r < w->one_rows; r++) {
        const tn_body *item = &snapshot->customers[rows[r].index].item;
        size_t start = text->length;
        ok = tn_strbuf_puts(text, "{\"rank\":") && put_count(text, r + 1) &&
             tn_strbuf_puts(text, ",\"customer\":") &&
             tn_strbuf_append(text, item->text, item->length) &&
             tn_strbuf_puts(text, ",\"save_rate\":");
        w->one_head[r] = since(w, start);
        start = text->length;
        ok = ok && tn_strbuf_putc(text, ',') &&
             put_number(text, "cumulative_hours", rows[r].cumulative_hours, 2) &&
             tn_strbuf_putc(text, '}');
        w->one_tail[r] = since(w, start);
    }
    return ok;
}

/* The default answer, with its gzip copy. */
static bool prepare_standard(tn_what_if *w, const tn_snapshot *snapshot) {
    tn_interventions_query query;
    tn_interventions_query_init(&query);
    tn_strbuf out = TN_STRBUF_INIT;
    if (!tn_what_if_write(snapshot, &query, &out)) {
        tn_strbuf_free(&out);
        return false;
    }
    w->standard.length = out.length;
    w->standard.text = tn_strbuf_detach(&out);
    return w->standard.text != NULL && tn_body_compress(&w->standard);
}

bool tn_what_if_prepare(tn_snapshot *snapshot) {
    tn_what_if *w = calloc(1, sizeof *w);
    if (w == NULL)
        return false;
    snapshot->what_if = w;
    w->total_at_risk =
        tn_interventions_at_risk_total(snapshot->intervention_at_risk, snapshot->customer_count);
    return prepare_head(w, snapshot) && prepare_plan_rows(w, snapshot) &&
           prepare_one_rate_rows(w, snapshot) && prepare_standard(w, snapshot);
}

void tn_what_if_free(tn_what_if *what_if) {
    if (what_if == NULL)
        return;
    tn_strbuf_free(&what_if->text);
    free(what_if->standard.text);
    free(what_if->standard.gzip);
    free(what_if);
}

/* ---- per request ------------------------------------------------------------------ */

const tn_body *tn_what_if_ready(const tn_snapshot *snapshot, const tn_interventions_query *query) {
    const tn_what_if *w = snapshot->what_if;
    bool standard = isnan(query->save_rate) &&
                    (query->accounts == 0 || query->accounts == TN_INTERVENTIONS_DEFAULT_ACCOUNTS);
    return standard && w != NULL && w->standard.text != NULL ? &w->standard : NULL;
}

/* The room one number takes at most: "%.9f" of DBL_MAX is 309 digits, the point, 9 decimals
   and the sign; and the NUL snprintf adds. */
#define NUMBER_ROOM 321

static char *copy(char *at, const char *bytes, size_t length) {
    memcpy(at, bytes, length);
    return at + length;
}

static char *copy_span(char *at, const tn_what_if *what_if, span part) {
    return copy(at, what_if->text.data + part.start, part.end - part.start);
}

/* Writes `value` as put_value appends it at `at` (NUMBER_ROOM bytes); returns its end. */
static char *copy_value(char *at, double value, int decimals) {
    char text[32];
    const char *start = isfinite(value) ? format_fixed(text, value, decimals) : NULL;
    if (start != NULL)
        return copy(at, start, (size_t)(text + sizeof text - start));
    if (!isfinite(value))
        return copy(at, "null", 4);
    return at + snprintf(at, NUMBER_ROOM, "%.*f", decimals, value);
}

/*
 * Row r of the ranking at one save rate, `rate` its text (of `rate_length`
 * bytes), written straight into room reserved in `out`: the answers with a
 * save rate of their own are the long ones (100 rows, 60 KB).
 */
static bool put_one_rate_row(tn_strbuf *out, const tn_snapshot *snapshot,
                             const tn_intervention_row *row, size_t r, const char *rate,
                             size_t rate_length) {
    static const char per_hour[] = ",\"arr_saved_per_hour\":";
    static const char cumulative[] = ",\"cumulative_arr_saved\":";
    const tn_what_if *w = snapshot->what_if;
    span head = w->one_head[r], tier = w->one_tier[snapshot->intervention_tier[row->index]],
         tail = w->one_tail[r];
    size_t most = 1 + (head.end - head.start) + rate_length + (tier.end - tier.start) +
                  sizeof per_hour + sizeof cumulative + (tail.end - tail.start) + 3 * NUMBER_ROOM;
    if (!tn_strbuf_reserve(out, most))
        return false;
    char *at = out->data + out->length;
    if (r > 0)
        *at++ = ',';
    at = copy_span(at, w, head);
    at = copy_span(copy(at, rate, rate_length), w, tier);
    at = copy(copy_value(at, row->expected_arr_saved, 2), per_hour, sizeof per_hour - 1);
    at = copy(copy_value(at, row->per_hour, 2), cumulative, sizeof cumulative - 1);
    at = copy_span(copy_value(at, row->cumulative_arr_saved, 2), w, tail);
    *at = '\0';
    out->length = (size_t)(at - out->data);
    return true;
}

/* Rows [0, listed) of the ranking at one save rate (rows as tn_interventions_reach makes them). */
static bool put_one_rate_rows(tn_strbuf *out, const tn_snapshot *snapshot,
                              const tn_intervention_row *rows, size_t listed, double save_rate) {
    char text[32];
    const char *rate = isfinite(save_rate) ? format_fixed(text, save_rate, 4) : NULL;
    bool ok = rate != NULL; /* a save rate is within (0, 1] (request.h) */
    for (size_t r = 0; ok && r < listed; r++)
        ok =
            put_one_rate_row(out, snapshot, &rows[r], r, rate, (size_t)(text + sizeof text - rate));
    return ok;
}

/* The answer's head: the query and the figures of the accounts reached. */
static bool put_head(tn_strbuf *out, const tn_what_if *w, size_t requested,
                     const tn_intervention_totals *totals, double save_rate) {
    return put_span(out, w, w->head) && put_count(out, requested) &&
           PUT_LITERAL(out, ",\"accounts\":") && put_count(out, totals->accounts) &&
           tn_strbuf_putc(out, ',') &&
           (isnan(save_rate) ? put_span(out, w, w->plan_rates)
                             : put_number(out, "save_rate", save_rate, 4)) &&
           put_span(out, w, w->hours_per_account) && put_number(out, "hours", totals->hours, 2) &&
           tn_strbuf_putc(out, ',') && put_number(out, "arr_at_risk", totals->arr_at_risk, 2) &&
           tn_strbuf_putc(out, ',') &&
           put_number(out, "share_of_arr_at_risk", totals->share_of_arr_at_risk, 6) &&
           tn_strbuf_putc(out, ',') &&
           put_number(out, "expected_arr_saved", totals->expected_arr_saved, 2);
}

/* About how long an answer listing `listed` rows is, to make room for it at once. */
static size_t about(const tn_what_if *w, bool uniform, size_t listed) {
    size_t head = w->head.end - w->head.start + 512;
    if (listed == 0)
        return head;
    if (!uniform)
        return head + w->plan_end[listed - 1] - w->plan_start;
    /* a row's rate, tier part, labels and three figures take about 130 bytes */
    return head + w->one_tail[listed - 1].end - w->one_head[0].start + listed * 160 +
           3 * NUMBER_ROOM;
}

bool tn_what_if_write(const tn_snapshot *snapshot, const tn_interventions_query *query,
                      tn_strbuf *out) {
    const tn_what_if *w = snapshot->what_if;
    bool uniform = !isnan(query->save_rate);
    size_t requested =
        query->accounts > 0 ? (size_t)query->accounts : TN_INTERVENTIONS_DEFAULT_ACCOUNTS;
    size_t listed = requested < TN_WHAT_IF_LISTED ? requested : TN_WHAT_IF_LISTED;
    tn_intervention_row rows[TN_WHAT_IF_LISTED];
    tn_intervention_totals totals;
    tn_interventions_reach_summed(
        w->total_at_risk, snapshot->intervention_at_risk, snapshot->intervention_tier,
        snapshot->customer_count, snapshot->intervention_order[uniform], &snapshot->plan,
        query->save_rate, requested, uniform ? rows : NULL, uniform ? listed : 0, &totals);
    listed = listed < totals.accounts ? listed : totals.accounts;
    bool ok = tn_strbuf_reserve(out, about(w, uniform, listed)) &&
              put_head(out, w, requested, &totals, query->save_rate) &&
              PUT_LITERAL(out, ",\"listed\":") && put_count(out, listed) &&
              PUT_LITERAL(out, ",\"accounts_listed\":[");
    if (uniform)
        ok = ok && put_one_rate_rows(out, snapshot, rows, listed, query->save_rate);
    else if (listed > 0)
        ok = ok && tn_strbuf_append(out, w->text.data + w->plan_start,
                                    w->plan_end[listed - 1] - w->plan_start);
    return ok && tn_strbuf_puts(out, "]}");
}
