/*
 * request.c — validating request bodies and queries (see request.h).
 */
#include "serve/request.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "common/utf8.h"
#include "insight/movers.h"

static bool refuse(tn_request_problem *problem, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool refuse(tn_request_problem *problem, int status, const char *code, const char *fmt,
                   ...) {
    problem->status = status;
    snprintf(problem->code, sizeof problem->code, "%s", code);
    va_list args;
    va_start(args, fmt);
    vsnprintf(problem->message, sizeof problem->message, fmt, args);
    va_end(args);
    return false;
}

static const char *type_name(const json_t *value) {
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

/* "customer_id" or "customer_id and audience": the fields of a body, for messages. */
static void field_list(const char *const *fields, char *out, size_t size) {
    out[0] = '\0';
    for (size_t i = 0; fields[i] != NULL; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s",
                 i == 0                  ? ""
                 : fields[i + 1] == NULL ? " and "
                                         : ", ",
                 fields[i]);
}

/* Whether `key` is one of `fields` (NULL-terminated). */
static bool is_field(const char *key, const char *const *fields) {
    for (size_t i = 0; fields[i] != NULL; i++)
        if (strcmp(key, fields[i]) == 0)
            return true;
    return false;
}

/*
 * Parses the body as one JSON object whose fields are all of `fields`
 * (NULL-terminated), each required and no other allowed; returns it (new
 * reference).
 */
static json_t *parse_object(const char *body, size_t length, const char *const *fields,
                            tn_request_problem *problem) {
    if (length == 0) {
        refuse(problem, 400, "malformed_json", "the request body is empty: expected a JSON object");
        return NULL;
    }
    json_error_t error;
    json_t *root = json_loadb(body, length, JSON_REJECT_DUPLICATES, &error);
    if (root == NULL) {
        refuse(problem, 400, "malformed_json",
               "the request body is not valid JSON: %s at line %d, column %d", error.text,
               error.line, error.column);
        return NULL;
    }
    const char *problem_key = NULL, *missing = NULL;
    if (!json_is_object(root)) {
        refuse(problem, 422, "invalid_request", "$: expected an object, got %s", type_name(root));
        json_decref(root);
        return NULL;
    }
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value) {
        if (!is_field(key, fields) && problem_key == NULL)
            problem_key = key;
    }
    for (size_t i = 0; fields[i] != NULL && missing == NULL; i++)
        if (json_object_get(root, fields[i]) == NULL)
            missing = fields[i];
    char expected[96];
    field_list(fields, expected, sizeof expected);
    if (problem_key != NULL)
        refuse(problem, 422, "invalid_request", "$.%.64s: unknown field; expected only %s",
               problem_key, expected);
    else if (missing != NULL)
        refuse(problem, 422, "invalid_request", "$.%s: required", missing);
    else
        return root;
    json_decref(root);
    return NULL;
}

/* Checks one id: a non-empty string of at most TN_CUSTOMER_ID_MAX bytes. */
static bool check_id(const json_t *value, const char *path, tn_request_problem *problem) {
    if (!json_is_string(value))
        return refuse(problem, 422, "invalid_request", "%s: expected a string, got %s", path,
                      type_name(value));
    size_t length = json_string_length(value);
    if (length == 0)
        return refuse(problem, 422, "invalid_request", "%s: must not be empty", path);
    if (length > TN_CUSTOMER_ID_MAX) /* jansson refuses \u0000 inside strings: no NULs here */
        return refuse(problem, 422, "invalid_request", "%s: longer than %d bytes", path,
                      TN_CUSTOMER_ID_MAX);
    return true;
}

bool tn_request_customer_id(const char *body, size_t length, char *id,
                            tn_request_problem *problem) {
    static const char *const fields[] = {"customer_id", NULL};
    json_t *root = parse_object(body, length, fields, problem);
    if (root == NULL)
        return false;
    const json_t *value = json_object_get(root, "customer_id");
    bool ok = check_id(value, "$.customer_id", problem);
    if (ok)
        memcpy(id, json_string_value(value), json_string_length(value) + 1);
    json_decref(root);
    return ok;
}

bool tn_request_customer_ids(const char *body, size_t length, json_t **ids,
                             tn_request_problem *problem) {
    *ids = NULL;
    static const char *const fields[] = {"customer_ids", NULL};
    json_t *root = parse_object(body, length, fields, problem);
    if (root == NULL)
        return false;
    json_t *list = json_object_get(root, "customer_ids");
    bool ok = true;
    if (!json_is_array(list))
        ok = refuse(problem, 422, "invalid_request", "$.customer_ids: expected an array, got %s",
                    type_name(list));
    else if (json_array_size(list) == 0 || json_array_size(list) > TN_BATCH_MAX)
        ok =
            refuse(problem, 422, "invalid_request", "$.customer_ids: expected 1 to %d ids, got %zu",
                   TN_BATCH_MAX, json_array_size(list));
    for (size_t i = 0; ok && i < json_array_size(list); i++) {
        char path[48];
        snprintf(path, sizeof path, "$.customer_ids[%zu]", i);
        ok = check_id(json_array_get(list, i), path, problem);
    }
    if (ok)
        *ids = json_incref(list);
    json_decref(root);
    return ok;
}

bool tn_request_brief(const char *body, size_t length, char *id, tn_audience *audience,
                      tn_request_problem *problem) {
    static const char *const fields[] = {"customer_id", "audience", NULL};
    json_t *root = parse_object(body, length, fields, problem);
    if (root == NULL)
        return false;
    const json_t *value = json_object_get(root, "customer_id");
    const json_t *name = json_object_get(root, "audience");
    bool ok = check_id(value, "$.customer_id", problem);
    if (ok && !json_is_string(name))
        ok = refuse(problem, 422, "invalid_request", "$.audience: expected a string, got %s",
                    type_name(name));
    else if (ok && !tn_audience_parse(json_string_value(name), audience))
        ok = refuse(problem, 422, "invalid_request", "$.audience: expected one of %s, got '%.32s'",
                    tn_audience_names(), json_string_value(name));
    if (ok)
        memcpy(id, json_string_value(value), json_string_length(value) + 1);
    json_decref(root);
    return ok;
}

/* Indexed by tn_sort_key, NULL-terminated. */
static const char *const sort_names[TN_SORT_COUNT + 1] = {"churn_probability", "arr_at_risk",
                                                          "upgrade_propensity", NULL};
static const char *const plan_tiers[] = {"starter", "growth", "enterprise", NULL};
static const char *const risk_tiers[] = {"low", "medium", "high", "critical", NULL};

const char *tn_sort_key_name(tn_sort_key key) {
    return key < TN_SORT_COUNT ? sort_names[key] : "churn_probability";
}

void tn_list_query_init(tn_list_query *query) {
    *query = (tn_list_query){TN_PAGE_DEFAULT, 0, NULL, NULL, TN_SORT_CHURN, "", 0};
}

static bool parse_count(const char *key, const char *value, long min, long max, long *out,
                        tn_request_problem *problem) {
    char *end;
    errno = 0;
    long number = value != NULL && value[0] != '\0' ? strtol(value, &end, 10) : 0;
    if (value == NULL || value[0] == '\0' || *end != '\0' || errno != 0 || number < min ||
        number > max)
        return refuse(problem, 422, "invalid_query",
                      "query.%s: expected a whole number from %ld to %ld, got '%.32s'", key, min,
                      max, value ? value : "");
    *out = number;
    return true;
}

/* The static string of `names` equal to value, or NULL after refusing. */
static const char *one_of(const char *key, const char *value, const char *const *names,
                          tn_request_problem *problem) {
    for (size_t i = 0; value != NULL && names[i] != NULL; i++)
        if (strcmp(value, names[i]) == 0)
            return names[i];
    char expected[128] = "";
    for (size_t i = 0; names[i] != NULL; i++)
        snprintf(expected + strlen(expected), sizeof expected - strlen(expected), "%s%s",
                 i ? ", " : "", names[i]);
    refuse(problem, 422, "invalid_query", "query.%s: expected one of %s, got '%.32s'", key,
           expected, value ? value : "");
    return NULL;
}

/* The search text: 1 to TN_SEARCH_MAX bytes of UTF-8 once surrounding spaces are dropped. */
static bool parse_search(const char *value, char *out, tn_request_problem *problem) {
    const char *from = value != NULL ? value : "";
    while (*from == ' ' || *from == '\t')
        from++;
    size_t length = strlen(from);
    while (length > 0 && (from[length - 1] == ' ' || from[length - 1] == '\t'))
        length--;
    if (length == 0 || length > TN_SEARCH_MAX)
        return refuse(problem, 422, "invalid_query",
                      "query.q: expected 1 to %d bytes of text, got %zu", TN_SEARCH_MAX, length);
    memcpy(out, from, length);
    out[length] = '\0';
    return true;
}

bool tn_list_query_set(tn_list_query *query, const char *key, const char *value,
                       tn_request_problem *problem) {
    static const char *const keys[] = {"limit", "offset", "plan_tier", "risk_tier",
                                       "sort",  "q",      NULL};
    if (!tn_utf8_valid(key, strlen(key)))
        return refuse(problem, 422, "invalid_query", "query: a parameter name is not UTF-8 text");
    if (value != NULL && !tn_utf8_valid(value, strlen(value)))
        return refuse(problem, 422, "invalid_query", "query.%.32s: expected UTF-8 text", key);
    int index = -1;
    for (int k = 0; keys[k] != NULL; k++)
        if (strcmp(key, keys[k]) == 0)
            index = k;
    if (index < 0)
        return refuse(problem, 422, "invalid_query",
                      "query.%.32s: unknown parameter; expected limit, offset, plan_tier, "
                      "risk_tier, sort or q",
                      key);
    if (query->seen & (1u << index))
        return refuse(problem, 422, "invalid_query", "query.%s: given more than once", key);
    query->seen |= 1u << index;
    switch (index) {
    case 0:
        return parse_count(key, value, 1, TN_PAGE_MAX, &query->limit, problem);
    case 1:
        return parse_count(key, value, 0, 1000000000, &query->offset, problem);
    case 2:
        return (query->plan_tier = one_of(key, value, plan_tiers, problem)) != NULL;
    case 3:
        return (query->risk_tier = one_of(key, value, risk_tiers, problem)) != NULL;
    case 5:
        return parse_search(value, query->q, problem);
    default: {
        const char *name = one_of(key, value, sort_names, problem);
        for (int s = 0; name != NULL && s < TN_SORT_COUNT; s++)
            if (name == sort_names[s])
                query->sort = (tn_sort_key)s;
        return name != NULL;
    }
    }
}

void tn_interventions_query_init(tn_interventions_query *query) {
    query->save_rate = NAN;
    query->accounts = 0;
}

bool tn_interventions_query_set(tn_interventions_query *query, const char *key, const char *value,
                                tn_request_problem *problem) {
    if (!tn_utf8_valid(key, strlen(key)))
        return refuse(problem, 422, "invalid_query", "query: a parameter name is not UTF-8 text");
    bool rate = strcmp(key, "save_rate") == 0;
    if (!rate && strcmp(key, "accounts") != 0)
        return refuse(problem, 422, "invalid_query",
                      "query.%.32s: unknown parameter; expected save_rate or accounts", key);
    if (rate ? !isnan(query->save_rate) : query->accounts != 0)
        return refuse(problem, 422, "invalid_query", "query.%s: given more than once", key);
    if (!rate)
        return parse_count(key, value, 1, TN_INTERVENTIONS_ACCOUNTS_MAX, &query->accounts, problem);
    char *end;
    errno = 0;
    double number = value != NULL && value[0] != '\0' ? strtod(value, &end) : NAN;
    if (value == NULL || value[0] == '\0' || *end != '\0' || errno != 0 || !(number > 0) ||
        number > 1)
        return refuse(problem, 422, "invalid_query",
                      "query.save_rate: expected a share greater than 0 and at most 1 (0.25 for "
                      "25 %%), got '%.32s'",
                      value ? value : "");
    query->save_rate = number;
    return true;
}

bool tn_movers_query_set(tn_movers_query *query, const char *key, const char *value,
                         tn_request_problem *problem) {
    if (!tn_utf8_valid(key, strlen(key)))
        return refuse(problem, 422, "invalid_query", "query: a parameter name is not UTF-8 text");
    bool since = strcmp(key, "since") == 0;
    if (!since && strcmp(key, "limit") != 0)
        return refuse(problem, 422, "invalid_query",
                      "query.%.32s: unknown parameter; expected since or limit", key);
    if (since ? query->since[0] != '\0' : query->limit != 0)
        return refuse(problem, 422, "invalid_query", "query.%s: given more than once", key);
    if (!since)
        return parse_count(key, value, 1, TN_MOVERS_LIMIT_MAX, &query->limit, problem);
    tn_day day;
    if (value == NULL || strlen(value) != 10 || !tn_date_parse(value, &day, NULL))
        return refuse(problem, 422, "invalid_query", "query.since: expected a date, YYYY-MM-DD");
    memcpy(query->since, value, 11);
    return true;
}
