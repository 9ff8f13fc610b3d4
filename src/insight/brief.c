/*
 * brief.c — the account briefs (see brief.h).
 *
 * A writer collects the sentences over the Customer 360 document: the
 * brief's own words go through say(), which applies the urgency filter when
 * it is on, and the account's data (name, industry, plans, deal types and
 * stages) through say_data(), which never changes it. Each audience is a few
 * sentence functions in its order (write_csm, write_executive,
 * write_account_executive).
 */
#include "insight/brief.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "insight/urgency.h"
#include "insight/wording.h"

static const char *const audience_names[TN_AUDIENCE_COUNT] = {"csm", "executive",
                                                              "account_executive"};

const char *tn_audience_name(tn_audience audience) {
    return audience < TN_AUDIENCE_COUNT ? audience_names[audience] : "csm";
}

bool tn_audience_parse(const char *name, tn_audience *audience) {
    for (int a = 0; name != NULL && a < TN_AUDIENCE_COUNT; a++)
        if (strcmp(name, audience_names[a]) == 0) {
            *audience = (tn_audience)a;
            return true;
        }
    return false;
}

const char *tn_audience_names(void) {
    return "csm, executive, account_executive";
}

/* ---- the document -------------------------------------------------------------------- */

/* The value at a dotted path ("usage.events_last_30d"), or NULL. */
static const json_t *field(const json_t *document, const char *path) {
    const json_t *value = document;
    char key[64];
    while (value != NULL && *path) {
        size_t length = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)length, path);
        value = json_object_get(value, key);
        path += length + (path[length] == '.');
    }
    return value;
}

/* The number at `path`; NAN when it is missing or null. */
static double number_at(const json_t *document, const char *path) {
    const json_t *value = field(document, path);
    return json_is_number(value) ? json_number_value(value) : NAN;
}

/* The text at `path`, or NULL. */
static const char *text_at(const json_t *document, const char *path) {
    return json_string_value(field(document, path));
}

/* ---- numbers, in the forms brief.h lists ------------------------------------------------ */

/* A whole number with thousands separators: "2,614". */
static const char *whole(double value, char out[32]) {
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(value));
    size_t length = strlen(digits), at = 0;
    if (value <= -0.5)
        out[at++] = '-';
    for (size_t i = 0; i < length && at + 2 < 32; i++) {
        if (i > 0 && (length - i) % 3 == 0)
            out[at++] = ',';
        out[at++] = digits[i];
    }
    out[at] = '\0';
    return out;
}

/* "$12,345" */
static const char *money(double amount, char out[32]) {
    char digits[32];
    snprintf(out, 32, "$%s", whole(amount, digits));
    return out;
}

/*
 * "31.2 %": one decimal, or as many as show two significant digits of the
 * distance to 0 % or to 100 % when that is under 1 % (at most four).
 */
static const char *percent(double probability, char out[32]) {
    double points = 100 * probability, distance = fmin(points, 100 - points);
    int decimals = 1;
    if (distance > 0 && distance < 1)
        decimals = (int)fmin(4, 1 - floor(log10(distance)));
    if (points < 0.00005)
        snprintf(out, 32, "practically 0 %%");
    else
        snprintf(out, 32, "%.*f %%", decimals, points);
    return out;
}

/* A driver's value as the recommended actions write it: whole, or four significant digits. */
static void driver_value_text(double value, char *out, size_t size) {
    if (value == floor(value) && fabs(value) < 1e15) {
        snprintf(out, size, "%.0f", value);
        return;
    }
    snprintf(out, size, "%.4g", value);
    if (strchr(out, 'e') != NULL) /* no exponent in words: whole, or four decimals */
        snprintf(out, size, fabs(value) >= 1 ? "%.0f" : "%.4f", value);
}

/* A SHAP driver of the document ({feature, value, …}) in wording.h's words. */
static void driver_words(const json_t *entry, char *out, size_t size) {
    const json_t *value = json_object_get(entry, "value");
    tn_driver driver = {.feature = json_string_value(json_object_get(entry, "feature")),
                        .kind = TN_FEATURE_NUMBER,
                        .number = NAN};
    if (json_is_string(value)) {
        driver.kind = TN_FEATURE_CATEGORY;
        snprintf(driver.value, sizeof driver.value, "%s", json_string_value(value));
    } else if (json_is_boolean(value)) {
        driver.kind = TN_FEATURE_BOOL;
        driver.number = json_is_true(value);
        snprintf(driver.value, sizeof driver.value, "%s", json_is_true(value) ? "true" : "false");
    } else if (json_is_number(value)) {
        driver.number = json_number_value(value);
        driver_value_text(driver.number, driver.value, sizeof driver.value);
    }
    tn_driver_words(&driver, out, size);
}

/* ---- the writer ------------------------------------------------------------------------ */

typedef struct {
    const json_t *customer; /* the Customer 360 document, borrowed */
    tn_strbuf text;
    bool calm;      /* the urgency filter is on */
    size_t removed; /* urgency words it removed */
    bool failed;    /* memory ran out */
} writer;

/* The brief's own words, printf-style; without their urgency words when the filter is on. */
static void say(writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(writer *w, const char *fmt, ...) {
    va_list args, again;
    va_start(args, fmt);
    va_copy(again, args);
    int length = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    char *piece = length >= 0 ? malloc((size_t)length + 1) : NULL;
    if (piece != NULL)
        vsnprintf(piece, (size_t)length + 1, fmt, again);
    va_end(again);
    if (piece == NULL) {
        w->failed = true;
        return;
    }
    if (w->calm)
        w->removed += tn_urgency_remove(piece);
    w->failed |= !tn_strbuf_puts(&w->text, piece);
    free(piece);
}

/* The account's own data, as it is. */
static void say_data(writer *w, const char *data) {
    w->failed |= !tn_strbuf_puts(&w->text, data);
}

/* Deal types and stages in words: "new_business" → "new business". */
static void say_data_words(writer *w, const char *data) {
    char words[96];
    snprintf(words, sizeof words, "%s", data);
    for (char *c = words; *c; c++)
        *c = *c == '_' ? ' ' : *c;
    say_data(w, words);
}

/* Starts a sentence: a space after the one before. */
static void next_sentence(writer *w) {
    if (w->text.length > 0)
        say_data(w, " ");
}

/* The account's name, or "This account" when the data has none (it starts a sentence). */
static void say_name(writer *w) {
    const char *name = text_at(w->customer, "account.name");
    if (name != NULL && name[0] != '\0')
        say_data(w, name);
    else
        say(w, "This account");
}

/* ---- the parts ------------------------------------------------------------------------- */

/*
 * ", driven up most by W1 and by W2": up to `most` drivers that raise the
 * prediction; with none, the one that holds it down most.
 */
static void say_drivers(writer *w, const json_t *features, int most) {
    char words[256];
    int said = 0;
    size_t index;
    const json_t *entry;
    json_array_foreach(features, index, entry) {
        if (said >= most || !(number_at(entry, "shap_impact") > 0))
            continue;
        driver_words(entry, words, sizeof words);
        say(w, "%s%s", said == 0 ? ", driven up most by " : " and by ", words);
        said++;
    }
    if (said == 0 && json_array_size(features) > 0) {
        driver_words(json_array_get(features, 0), words, sizeof words);
        say(w, ", held down most by %s", words);
    }
}

/* "today", "1 day ago", "21 days ago". */
static void say_days_ago(writer *w, double days) {
    char n[32];
    if (days == 0)
        say(w, "today");
    else
        say(w, "%s day%s ago", whole(days, n), days == 1 ? "" : "s");
}

/* "; it renews on 2026-04-12, in 29 days" (nothing when the data has no renewal). */
static void say_renewal(writer *w) {
    const char *date = text_at(w->customer, "account.renewal_date");
    double days = number_at(w->customer, "account.days_to_renewal");
    char n[32];
    if (date == NULL)
        return;
    if (days > 0)
        say(w, "; it renews on %s, in %s day%s", date, whole(days, n), days == 1 ? "" : "s");
    else if (days == 0)
        say(w, "; it renews today, %s", date);
    else
        say(w, "; its renewal date, %s, has passed", date);
}

/* "Name is on the starter plan in SaaS, a customer since … (548 days), with $11,604 ARR" */
static void say_who(writer *w) {
    const char *plan = text_at(w->customer, "profile.plan_tier");
    const char *industry = text_at(w->customer, "profile.industry_name");
    const char *signup = text_at(w->customer, "profile.signup_date");
    double tenure = number_at(w->customer, "profile.tenure_days");
    double arr = number_at(w->customer, "profile.arr");
    char a[32], b[32];
    next_sentence(w);
    say_name(w);
    say(w, " is on the ");
    say_data(w, plan != NULL ? plan : "unknown");
    say(w, " plan");
    if (industry != NULL || (industry = text_at(w->customer, "profile.industry")) != NULL) {
        say(w, " in ");
        say_data(w, industry);
    }
    if (signup != NULL)
        say(w, ", a customer since %s", signup);
    if (signup != NULL && isfinite(tenure))
        say(w, " (%s day%s)", whole(tenure, a), tenure == 1 ? "" : "s");
    if (isfinite(arr))
        say(w, ", with %s ARR", money(arr, b));
}

/* "It carries a high churn risk: 31.2 % likely to churn within ninety days, driven up …." */
static void say_churn(writer *w, int drivers) {
    const char *tier = text_at(w->customer, "churn.risk_tier");
    char p[32];
    next_sentence(w);
    say(w, "It carries a %s churn risk: %s likely to churn within ninety days",
        tier != NULL ? tier : "unknown",
        percent(number_at(w->customer, "churn.churn_probability"), p));
    say_drivers(w, field(w->customer, "churn.top_shap_features"), drivers);
    say(w, ".");
}

/* "Usage is falling: 163 events in the last thirty days against 262 in the thirty days before". */
static void say_usage(writer *w, bool compact) {
    double total = number_at(w->customer, "usage.total_events");
    double days = number_at(w->customer, "usage.days_since_last_event");
    double last = number_at(w->customer, "usage.events_last_30d");
    double before = number_at(w->customer, "usage.events_prev_30d");
    char a[32], b[32];
    next_sentence(w);
    if (!(total > 0) || isnan(days) || isnan(last) || isnan(before)) {
        say(w, "No product use yet: not one event since signup");
        return;
    }
    if (last == 0 && before == 0) {
        say(w, "Usage has stopped: no events in the last sixty days, the last one ");
        say_days_ago(w, days);
        return;
    }
    const char *trend = last > 1.1 * before ? "rising" : last < 0.9 * before ? "falling" : "steady";
    say(w, "Usage is %s%s%s event%s in the last thirty days against %s in the thirty days before",
        trend, compact ? " (" : ": ", whole(last, a), last == 1 ? "" : "s", whole(before, b));
    if (compact) {
        say(w, ")");
        return;
    }
    say(w, "; the last event was ");
    say_days_ago(w, days);
}

/* "Support: 1 ticket in the last thirty days, 1 of them high priority; since signup, …." */
static void say_support(writer *w) {
    double recent = number_at(w->customer, "support.tickets_last_30d");
    double urgent_recent = number_at(w->customer, "support.high_priority_last_30d");
    double high = number_at(w->customer, "support.high_priority_tickets");
    double hours = number_at(w->customer, "support.mean_resolution_hours");
    char a[32], b[32];
    next_sentence(w);
    if (recent > 0 && urgent_recent > 0)
        say(w, "Support: %s ticket%s in the last thirty days, %s of them high priority",
            whole(recent, a), recent == 1 ? "" : "s", whole(urgent_recent, b));
    else if (recent > 0)
        say(w, "Support: %s ticket%s in the last thirty days, none of them high priority",
            whole(recent, a), recent == 1 ? "" : "s");
    else
        say(w, "Support: no tickets in the last thirty days");
    if (isfinite(high))
        say(w, "; since signup, %s high-priority ticket%s", whole(high, a), high == 1 ? "" : "s");
    if (isfinite(high) && isfinite(hours))
        say(w, " and a mean time to resolve of %.1f hours", hours);
    say(w, ".");
}

/* "a" or "an" before `word`, by its first letter. */
static const char *article(const char *word) {
    return word != NULL && word[0] != '\0' && strchr("aeiouAEIOU", word[0]) != NULL ? "an" : "a";
}

/* "; the next to close, on 2026-07-05, is an expansion deal at the prospecting stage" */
static void say_next_deal(writer *w, const json_t *deal, bool many) {
    const char *type = text_at(deal, "opportunity_type"), *stage = text_at(deal, "stage");
    const char *close = text_at(deal, "close_date");
    double amount = number_at(deal, "amount");
    char a[32];
    say(w, many ? "; the next to close" : ": it closes");
    if (close != NULL)
        say(w, many ? ", on %s," : " on %s", close);
    if (type == NULL)
        return;
    say(w, many ? " is %s " : " and is %s ", article(type));
    say_data_words(w, type);
    say(w, " deal");
    if (stage != NULL) {
        say(w, " at the ");
        say_data_words(w, stage);
        say(w, " stage");
    }
    if (many && isfinite(amount))
        say(w, " of %s", money(amount, a));
}

/* "2 open opportunities worth $61,000; the next to close …." or "No opportunity is open." */
static void say_opportunities(writer *w, bool detail) {
    double count = number_at(w->customer, "gtm.open_opportunities");
    double pipeline = number_at(w->customer, "gtm.open_pipeline_amount");
    const json_t *next = json_array_get(field(w->customer, "gtm.opportunities"), 0);
    char a[32], b[32];
    next_sentence(w);
    if (!(count > 0)) {
        say(w, "No opportunity is open in the CRM.");
        return;
    }
    say(w, "%s open opportunit%s worth %s", whole(count, a), count == 1 ? "y" : "ies",
        money(pipeline, b));
    if (detail && next != NULL)
        say_next_deal(w, next, count > 1);
    say(w, ".");
}

/* A sentence the document holds whole (a recommended action), as its own words. */
static void say_quoted(writer *w, const char *path) {
    const char *text = text_at(w->customer, path);
    if (text == NULL || text[0] == '\0')
        return;
    next_sentence(w);
    say(w, "%s", text);
}

/* "It already upgraded on 2025-02-25" */
static void say_upgraded(writer *w) {
    const char *on = text_at(w->customer, "profile.upgraded_on");
    next_sentence(w);
    say(w, "It already upgraded");
    if (on != NULL)
        say(w, " on %s", on);
}

/* "The upside: $16 ARR expected from an upgrade to growth, …." and the open deals. */
static void say_upside(writer *w) {
    const json_t *upgrade = field(w->customer, "upgrade");
    char a[32], b[32];
    if (!json_is_object(upgrade)) {
        say_upgraded(w);
        say(w, ".");
    } else {
        const char *tier = text_at(upgrade, "propensity_tier");
        const char *target = text_at(upgrade, "target_tier");
        next_sentence(w);
        say(w, "The upside: %s ARR expected from an upgrade to ",
            money(number_at(upgrade, "expected_arr_uplift"), a));
        say_data(w, target != NULL ? target : "the next plan");
        say(w, ", %s likely within ninety days (a %s propensity)",
            percent(number_at(upgrade, "upgrade_propensity"), b), tier != NULL ? tier : "unknown");
        if (json_is_true(json_object_get(upgrade, "is_high_value_target")))
            say(w, ", a high-value target");
        say(w, ".");
    }
    if (number_at(w->customer, "gtm.open_opportunities") > 0)
        say_opportunities(w, false);
}

/* "It has a high propensity to upgrade to growth: 12.0 % likely …, driven up most by …." */
static void say_propensity(writer *w, int drivers) {
    const json_t *upgrade = field(w->customer, "upgrade");
    char a[32], b[32];
    if (!json_is_object(upgrade)) {
        say_upgraded(w);
        say(w, ": there is no further upgrade propensity to act on.");
        return;
    }
    const char *tier = text_at(upgrade, "propensity_tier");
    const char *target = text_at(upgrade, "target_tier");
    next_sentence(w);
    say(w, "It has a %s propensity to upgrade to ", tier != NULL ? tier : "unknown");
    say_data(w, target != NULL ? target : "the next plan");
    say(w, ": %s likely within ninety days, an expected uplift of %s ARR",
        percent(number_at(upgrade, "upgrade_propensity"), a),
        money(number_at(upgrade, "expected_arr_uplift"), b));
    if (json_is_true(json_object_get(upgrade, "is_high_value_target")))
        say(w, " and a high-value target");
    say_drivers(w, json_object_get(upgrade, "top_shap_features"), drivers);
    say(w, ".");
}

/* The customer success manager's brief: the account, risk and why, usage, tickets, the action. */
static void write_csm(writer *w) {
    say_who(w);
    say_renewal(w);
    say(w, ".");
    say_churn(w, 2);
    say_usage(w, false);
    say(w, ".");
    say_support(w);
    if (number_at(w->customer, "gtm.open_opportunities") > 0)
        say_opportunities(w, false);
    say_quoted(w, "churn.recommended_action");
}

/* The executive's: ARR and ARR at risk, the upside, usage and tickets, which motion first. */
static void write_executive(writer *w) {
    const char *tier = text_at(w->customer, "churn.risk_tier");
    const char *quadrant = text_at(w->customer, "conflict_matrix.quadrant");
    char a[32], b[32];
    say_who(w);
    say(w, ".");
    next_sentence(w);
    say(w, "%s of that ARR is at risk: a %s churn risk, %s likely to churn within ninety days",
        money(number_at(w->customer, "churn.arr_at_risk"), a), tier != NULL ? tier : "unknown",
        percent(number_at(w->customer, "churn.churn_probability"), b));
    say_drivers(w, field(w->customer, "churn.top_shap_features"), 1);
    say(w, ".");
    say_upside(w);
    say_usage(w, true);
    double tickets = number_at(w->customer, "support.tickets_last_30d");
    if (tickets > 0)
        say(w, ", with %s support ticket%s in the last thirty days", whole(tickets, a),
            tickets == 1 ? "" : "s");
    else if (tickets == 0)
        say(w, ", with no support tickets in the last thirty days");
    say(w, ".");
    if (quadrant != NULL) {
        next_sentence(w);
        say(w, "It sits in the %s quadrant.", quadrant);
    }
    say_quoted(w, "conflict_matrix.action");
    bool growth = quadrant != NULL && strcmp(quadrant, "Growth Engine") == 0;
    if (growth)
        say_quoted(w, "upgrade.recommended_action");
    else if (tier != NULL && strcmp(tier, "low") != 0)
        say_quoted(w, "churn.recommended_action");
}

/* The account executive's: the account, propensity and why, the deals, usage and risk, action. */
static void write_account_executive(writer *w) {
    const char *owner = text_at(w->customer, "account.owner");
    const char *tier = text_at(w->customer, "churn.risk_tier");
    const char *quadrant = text_at(w->customer, "conflict_matrix.quadrant");
    char p[32];
    say_who(w);
    if (owner != NULL) {
        say(w, "; its customer success manager is ");
        say_data(w, owner);
    }
    say(w, ".");
    say_propensity(w, 2);
    say_opportunities(w, true);
    say_usage(w, true);
    say(w, "; it carries a %s churn risk (%s likely to churn within ninety days).",
        tier != NULL ? tier : "unknown",
        percent(number_at(w->customer, "churn.churn_probability"), p));
    bool candidate = json_is_object(field(w->customer, "upgrade"));
    say_quoted(w, candidate ? "upgrade.recommended_action" : "churn.recommended_action");
    if (quadrant != NULL && strcmp(quadrant, "Stable Base") != 0)
        say_quoted(w, "conflict_matrix.action");
}

/* The urgency filter's rule (brief.h): the account executive's brief of an unlikely upgrader. */
static bool calm_for(const json_t *customer, tn_audience audience) {
    double propensity = number_at(customer, "upgrade.upgrade_propensity");
    return audience == TN_AUDIENCE_ACCOUNT_EXECUTIVE && !(propensity >= TN_BRIEF_URGENT_PROPENSITY);
}

bool tn_brief_write(const json_t *customer, tn_audience audience, tn_brief *out, tn_error *err) {
    *out = (tn_brief){0};
    writer w = {.customer = customer, .calm = calm_for(customer, audience)};
    if (audience == TN_AUDIENCE_EXECUTIVE)
        write_executive(&w);
    else if (audience == TN_AUDIENCE_ACCOUNT_EXECUTIVE)
        write_account_executive(&w);
    else
        write_csm(&w);
    const char *as_of = text_at(customer, "as_of");
    snprintf(out->watermark, sizeof out->watermark,
             "Generated by Tenure from the data as of %s; review before sending.",
             as_of != NULL ? as_of : "an unknown date");
    say_data(&w, "\n");
    say_data(&w, out->watermark);
    out->text = w.failed ? NULL : tn_strbuf_detach(&w.text);
    tn_strbuf_free(&w.text);
    if (out->text == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory for a brief");
    out->urgency_filter = w.calm;
    out->urgency_removed = w.removed;
    return true;
}

void tn_brief_free(tn_brief *brief) {
    free(brief->text);
    *brief = (tn_brief){0};
}

json_t *tn_document_brief(const json_t *customer, tn_audience audience) {
    tn_brief brief;
    if (!tn_brief_write(customer, audience, &brief, NULL))
        return NULL;
    const char *id = text_at(customer, "customer_id");
    json_t *document =
        json_pack("{s:s, s:s?, s:s, s:s?, s:s, s:s, s:{s:b, s:I}}", "customer_id",
                  id != NULL ? id : "", "name", text_at(customer, "account.name"), "audience",
                  tn_audience_name(audience), "as_of", text_at(customer, "as_of"), "text",
                  brief.text, "watermark", brief.watermark, "urgency_filter", "applied",
                  brief.urgency_filter, "words_removed", (json_int_t)brief.urgency_removed);
    tn_brief_free(&brief);
    return document;
}
