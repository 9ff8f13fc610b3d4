/*
 * trend.c — a customer's score history as a document (see trend.h).
 */
#include "insight/trend.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "insight/wording.h"

/* The text cell of `column` at `row`, or NULL. */
json_t *tn_trend_point(const tn_table *rows, size_t row) {
    static const char *const numbers[] = {"churn_probability", "upgrade_propensity", "risk_score",
                                          "arr"};
    static const char *const texts[] = {
        "as_of",           "churn_tier",          "upgrade_tier",
        "risk_score_tier", "churn_model_version", "expansion_model_version"};
    json_t *point = json_object();
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        json_object_set_new(point, texts[i], tn_json_text(tn_table_text_at(rows, texts[i], row)));
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        json_object_set_new(point, numbers[i],
                            tn_json_real(tn_table_number_at(rows, numbers[i], row)));
    return point;
}

json_t *tn_trend_move(const tn_table *rows, size_t row) {
    const char *feature = tn_table_text_at(rows, "feature", row);
    const char *model = tn_table_text_at(rows, "model", row);
    const char *from = tn_table_text_at(rows, "from_as_of", row);
    double change = tn_table_number_at(rows, "change", row);
    char label[96], words[256];
    tn_feature_label(feature != NULL ? feature : "", label, sizeof label);
    snprintf(words, sizeof words, "%s: now pushes the %s %s than on %s", label,
             model != NULL && strcmp(model, "upgrade") == 0 ? "upgrade propensity" : "churn risk",
             change > 0 ? "higher" : "lower", from != NULL ? from : "the scoring before");
    return json_pack("{s:o, s:o, s:s, s:o, s:o, s:o, s:s}", "model", tn_json_text(model), "feature",
                     tn_json_text(feature), "label", label, "impact_before",
                     tn_json_real(tn_table_number_at(rows, "impact_before", row)), "impact_now",
                     tn_json_real(tn_table_number_at(rows, "impact_now", row)), "change",
                     tn_json_real(change), "words", words);
}

/* {"before", "now", "change"} of a number of two points; null when either lacks it. */
static json_t *number_change(const json_t *before, const json_t *now, const char *key) {
    const json_t *a = json_object_get(before, key), *b = json_object_get(now, key);
    if (!json_is_number(a) || !json_is_number(b))
        return json_null();
    double x = json_number_value(a), y = json_number_value(b);
    return json_pack("{s:f, s:f, s:o}", "before", x, "now", y, "change", tn_json_real(y - x));
}

/* {"before", "now"} of a text of two points. */
static json_t *text_change(const json_t *before, const json_t *now, const char *key) {
    return json_pack("{s:O, s:O}", "before", json_object_get(before, key), "now",
                     json_object_get(now, key));
}

/* The moves of one model ("churn", "upgrade") among `moves`, strongest first (new reference). */
static json_t *moves_of(json_t *moves, const char *model) {
    json_t *list = json_array();
    size_t i;
    json_t *move;
    json_array_foreach(moves, i, move) {
        const char *of = json_string_value(json_object_get(move, "model"));
        if (of != NULL && strcmp(of, model) == 0)
            json_array_append(list, move);
    }
    return list;
}

/* What changed between the last two points, or null with fewer than two. */
static json_t *changes(json_t *points, json_t *moves) {
    size_t count = json_array_size(points);
    if (count < 2)
        return json_null();
    const json_t *before = json_array_get(points, count - 2),
                 *now = json_array_get(points, count - 1);
    return json_pack("{s:O, s:O, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "from",
                     json_object_get(before, "as_of"), "to", json_object_get(now, "as_of"),
                     "churn_probability", number_change(before, now, "churn_probability"),
                     "churn_tier", text_change(before, now, "churn_tier"), "risk_score",
                     number_change(before, now, "risk_score"), "risk_score_tier",
                     text_change(before, now, "risk_score_tier"), "upgrade_propensity",
                     number_change(before, now, "upgrade_propensity"), "upgrade_tier",
                     text_change(before, now, "upgrade_tier"), "churn_drivers",
                     moves_of(moves, "churn"), "upgrade_drivers", moves_of(moves, "upgrade"));
}

/* Why points or changes are missing, or that earlier ones are left out; NULL: nothing to say. */
static const char *history_note(bool recording, size_t count, const tn_history_window *window,
                                char *buffer, size_t size) {
    if (!recording)
        return "No scoring is recorded in this warehouse yet: each 'tenure score' records one per "
               "as-of date.";
    if (window != NULL && window->older > 0) {
        const char *about = count == 0   ? "No scoring of this customer is among them. "
                            : count == 1 ? "One scoring of this customer is among them: what "
                                           "changed shows from the second one on. "
                                         : "";
        snprintf(buffer, size,
                 "%sThe server keeps the last %zu recorded scorings, from %s on; %zu earlier "
                 "one%s %s left out ('tenure serve --history-scorings' keeps more).",
                 about, window->kept, window->from, window->older, window->older == 1 ? "" : "s",
                 window->older == 1 ? "is" : "are");
        return buffer;
    }
    return count == 0 ? "No scoring of this customer is recorded yet: each 'tenure score' records "
                        "one per as-of date."
           : count == 1 ? "One scoring is recorded: what changed shows from the second one on."
                        : NULL;
}

json_t *tn_document_history(const tn_answer_context *context, const tn_answer *answer,
                            json_t *points, json_t *moves, bool recording,
                            const tn_history_window *window) {
    json_t *empty = json_array();
    json_t *list = points != NULL ? points : empty;
    size_t count = json_array_size(list);
    char buffer[512];
    const char *note = history_note(recording, count, window, buffer, sizeof buffer);
    json_t *document =
        json_pack("{s:s, s:s, s:O, s:o, s:I, s:o, s:o}", "customer_id", answer->score->customer_id,
                  "as_of", context->as_of, "points", list, "latest_recorded_as_of",
                  count > 0 ? json_incref(json_object_get(json_array_get(list, count - 1), "as_of"))
                            : json_null(),
                  "scorings_left_out", (json_int_t)(window != NULL ? window->older : 0), "changes",
                  changes(list, moves != NULL ? moves : empty), "note", tn_json_text(note));
    json_decref(empty);
    return document;
}
