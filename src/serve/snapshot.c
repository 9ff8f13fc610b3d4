/*
 * snapshot.c — the snapshot's lifetime, hash index and sort orders (see
 * snapshot.h). Loading it from the warehouse is snapshot_load.c; making the
 * customers' bodies after the load, snapshot_bodies.c.
 */
#include "serve/snapshot.h"

#include "common/fnv.h"
#include "common/gzip.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "insight/documents.h"
#include "serve/snapshot_bodies.h"
#include "serve/what_if.h"

bool tn_body_from_json_digits(json_t *value, int digits, tn_body *body) {
    body->text = tn_document_text(value, digits);
    body->length = body->text ? strlen(body->text) : 0;
    return body->text != NULL;
}

bool tn_body_from_json(json_t *value, tn_body *body) {
    return tn_body_from_json_digits(value, TN_DOCUMENT_DIGITS, body);
}

bool tn_body_error(const char *code, const char *message, tn_body *body) {
    return tn_body_from_json(json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message),
                             body);
}

bool tn_body_compress(tn_body *body) {
    body->gzip = body->text != NULL ? tn_gzip(body->text, body->length, &body->gzip_length) : NULL;
    return body->gzip != NULL;
}

bool tn_body_pack(tn_body *body) {
    if (!tn_body_compress(body))
        return false;
    free(body->text);
    body->text = NULL;
    return true;
}

static void body_free(tn_body *body) {
    free(body->text);
    free(body->gzip);
    memset(body, 0, sizeof *body);
}

void tn_serve_customer_free_bodies(tn_serve_customer *c) {
    body_free(&c->churn);
    body_free(&c->upgrade);
    body_free(&c->view);
    body_free(&c->history);
    for (int a = 0; a < TN_AUDIENCE_COUNT; a++)
        body_free(&c->brief[a]);
}

static void snapshot_free(tn_snapshot *snapshot) {
    tn_snapshot_stop_warming(snapshot);
    tn_snapshot_sources_free(snapshot->sources);
    for (size_t i = 0; i < snapshot->customer_count; i++) {
        tn_serve_customer *c = &snapshot->customers[i];
        free(c->id);
        tn_serve_customer_free_bodies(c);
        body_free(&c->item);
        free(c->folded_name);
        free(c->crm_id);
    }
    free(snapshot->customers);
    for (size_t i = 0; i < snapshot->inactive_count; i++)
        free(snapshot->inactive[i].id);
    free(snapshot->inactive);
    for (int k = 0; k < TN_SORT_COUNT; k++)
        free(snapshot->order[k]);
    free(snapshot->intervention_at_risk);
    free(snapshot->intervention_tier);
    free(snapshot->intervention_order[0]);
    free(snapshot->intervention_order[1]);
    tn_what_if_free(snapshot->what_if);
    free(snapshot->slots);
    body_free(&snapshot->ready_body);
    body_free(&snapshot->model_health);
    body_free(&snapshot->portfolio);
    body_free(&snapshot->models);
    body_free(&snapshot->survival);
    tn_movers_free(&snapshot->movers);
    free(snapshot);
}

tn_snapshot *tn_snapshot_not_ready(const char *reason) {
    tn_snapshot *snapshot = calloc(1, sizeof *snapshot);
    if (snapshot == NULL)
        return NULL;
    atomic_init(&snapshot->references, 1);
    snprintf(snapshot->reason, sizeof snapshot->reason, "%s", reason);
    return snapshot;
}

void tn_snapshot_retain(tn_snapshot *snapshot) {
    atomic_fetch_add_explicit(&snapshot->references, 1, memory_order_relaxed);
}

void tn_snapshot_release(tn_snapshot *snapshot) {
    if (snapshot != NULL &&
        atomic_fetch_sub_explicit(&snapshot->references, 1, memory_order_acq_rel) == 1)
        snapshot_free(snapshot);
}

/* FNV-1a: ids are short, and the table is sized at least twice the ids. */
static uint64_t hash_id(const char *id) {
    return tn_fnv1a_text(TN_FNV1A_OFFSET_BASIS, id);
}

static const char *id_at(const tn_snapshot *snapshot, uint32_t entry) {
    return entry < snapshot->customer_count
               ? snapshot->customers[entry].id
               : snapshot->inactive[entry - snapshot->customer_count].id;
}

tn_lookup tn_snapshot_find(const tn_snapshot *snapshot, const char *id) {
    tn_lookup found = {NULL, NULL};
    if (snapshot->slots == NULL)
        return found;
    for (size_t slot = hash_id(id) & snapshot->slot_mask;;
         slot = (slot + 1) & snapshot->slot_mask) {
        uint32_t value = snapshot->slots[slot];
        if (value == 0)
            return found;
        uint32_t entry = value - 1;
        if (strcmp(id_at(snapshot, entry), id) != 0)
            continue;
        if (entry < snapshot->customer_count)
            found.active = &snapshot->customers[entry];
        else
            found.inactive = &snapshot->inactive[entry - snapshot->customer_count];
        return found;
    }
}

static bool build_hash(tn_snapshot *snapshot) {
    size_t entries = snapshot->customer_count + snapshot->inactive_count, size = 16;
    while (size < 2 * entries)
        size *= 2;
    snapshot->slots = calloc(size, sizeof *snapshot->slots);
    if (snapshot->slots == NULL)
        return false;
    snapshot->slot_mask = size - 1;
    for (uint32_t entry = 0; entry < entries; entry++) {
        size_t slot = hash_id(id_at(snapshot, entry)) & snapshot->slot_mask;
        while (snapshot->slots[slot] != 0)
            slot = (slot + 1) & snapshot->slot_mask;
        snapshot->slots[slot] = entry + 1;
    }
    return true;
}

/* The sort key of a customer; NaN (no propensity) sorts last. */
static double sort_value(const tn_serve_customer *c, tn_sort_key key) {
    double value = key == TN_SORT_CHURN         ? c->churn_probability
                   : key == TN_SORT_ARR_AT_RISK ? c->arr_at_risk
                                                : c->upgrade_propensity;
    return isnan(value) ? -INFINITY : value;
}

/* One customer's place in a sort order. */
typedef struct {
    double value;
    const char *id;
    uint32_t index;
} sort_entry;

/* Highest first; ties by id, so a page's order never changes between requests. */
static int compare_entries(const void *a, const void *b) {
    const sort_entry *x = a, *y = b;
    if (x->value != y->value)
        return x->value > y->value ? -1 : 1;
    return strcmp(x->id, y->id);
}

static bool build_order(tn_snapshot *snapshot, tn_sort_key key) {
    size_t n = snapshot->customer_count;
    sort_entry *entries = malloc((n + 1) * sizeof *entries);
    snapshot->order[key] = malloc((n + 1) * sizeof(uint32_t));
    bool ok = entries != NULL && snapshot->order[key] != NULL;
    for (size_t i = 0; ok && i < n; i++)
        entries[i] = (sort_entry){sort_value(&snapshot->customers[i], key),
                                  snapshot->customers[i].id, (uint32_t)i};
    if (ok) {
        qsort(entries, n, sizeof *entries, compare_entries);
        for (size_t i = 0; i < n; i++)
            snapshot->order[key][i] = entries[i].index;
    }
    free(entries);
    return ok;
}

/* The inputs of GET /analytics/interventions, its two rankings and its ready parts. */
static bool build_interventions(tn_snapshot *snapshot) {
    size_t n = snapshot->customer_count;
    snapshot->intervention_at_risk = malloc((n + 1) * sizeof(double));
    snapshot->intervention_tier = malloc((n + 1) * sizeof(int));
    for (int u = 0; u < 2; u++)
        snapshot->intervention_order[u] = malloc((n + 1) * sizeof(uint32_t));
    if (snapshot->intervention_at_risk == NULL || snapshot->intervention_tier == NULL ||
        snapshot->intervention_order[0] == NULL || snapshot->intervention_order[1] == NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        snapshot->intervention_at_risk[i] = snapshot->customers[i].arr_at_risk;
        snapshot->intervention_tier[i] = tn_intervention_tier(snapshot->customers[i].plan_tier);
    }
    tn_error err;
    for (int u = 0; u < 2; u++)
        if (!tn_interventions_rank(snapshot->intervention_at_risk, snapshot->intervention_tier, n,
                                   &snapshot->plan, u == 1, snapshot->intervention_order[u], &err))
            return false;
    return tn_what_if_prepare(snapshot);
}

bool tn_snapshot_index(tn_snapshot *snapshot) {
    if (!build_hash(snapshot))
        return false;
    for (int k = 0; k < TN_SORT_COUNT; k++)
        if (!build_order(snapshot, (tn_sort_key)k))
            return false;
    return build_interventions(snapshot);
}
