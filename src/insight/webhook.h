/*
 * webhook.h — sending one alert to one webhook: a POST with a time limit
 * (libcurl; http and https only, redirects not followed), and the retry
 * policy around it.
 *
 * The policy (tn_webhook_deliver) is apart from the network: it takes the
 * function that makes one attempt and the one that waits, so a test gives
 * it a fake receiver and a clock that does not sleep. What is retried:
 * an answer of 5xx or 429, a timeout, and a receiver that could not be
 * reached (connection refused, name not resolved). What is not: 2xx is
 * delivered; any other answer (a 4xx, a redirect) will not change by
 * asking again and fails at once. Between attempts the wait starts at
 * backoff_ms and doubles each time (backoff_ms, 2·backoff_ms, 4·…), at
 * most TN_WEBHOOK_MAX_WAIT_MS.
 *
 * tn_webhook_global_init must be called once before the first POST (by
 * the command, on the main thread) and tn_webhook_global_cleanup after
 * the last.
 */
#ifndef TN_INSIGHT_WEBHOOK_H
#define TN_INSIGHT_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* The longest wait between two attempts, whatever the doubling says. */
#define TN_WEBHOOK_MAX_WAIT_MS 60000L

/* One POST. All borrowed. */
typedef struct {
    const char *url;            /* http:// or https:// */
    const char *body;           /* JSON */
    size_t length;              /* bytes of body */
    const char *const *headers; /* "Name: value" lines, beside Content-Type and User-Agent */
    size_t header_count;
    long timeout_ms; /* for the whole exchange, connecting included */
} tn_webhook_request;

/* What one attempt got. */
typedef struct {
    long status;     /* the HTTP status; 0 when no answer came */
    bool timed_out;  /* no whole answer within timeout_ms */
    char error[256]; /* "" after an answer; else why none came */
} tn_webhook_response;

/* Makes one attempt at `request` into `response`. */
typedef void (*tn_webhook_sender)(void *context, const tn_webhook_request *request,
                                  tn_webhook_response *response);

/* Waits `milliseconds`. */
typedef void (*tn_webhook_sleeper)(void *context, long milliseconds);

typedef struct {
    int attempts;    /* at most this many, at least 1 */
    long backoff_ms; /* the first wait; doubles after each retry */
} tn_webhook_policy;

/* How a delivery ended. */
typedef struct {
    bool delivered;           /* a 2xx came */
    int attempts;             /* how many were made */
    tn_webhook_response last; /* what the last one got */
} tn_webhook_outcome;

bool tn_webhook_global_init(tn_error *err);
void tn_webhook_global_cleanup(void);

/* The real sender: one POST with libcurl (context unused). */
void tn_webhook_post(void *context, const tn_webhook_request *request,
                     tn_webhook_response *response);

/* The real sleeper: nanosleep (context unused). */
void tn_webhook_sleep(void *context, long milliseconds);

/* True when what `response` says may change by asking again (see above). */
bool tn_webhook_retryable(const tn_webhook_response *response);

/* The wait before attempt `attempt` (2, 3, …) of `policy`. */
long tn_webhook_wait_ms(const tn_webhook_policy *policy, int attempt);

/*
 * Delivers `request` by `attempt_once` under `policy`, waiting by `wait_for` between
 * attempts (both called with `context`), into `outcome`.
 */
void tn_webhook_deliver(const tn_webhook_policy *policy, const tn_webhook_request *request,
                        tn_webhook_sender attempt_once, tn_webhook_sleeper wait_for, void *context,
                        tn_webhook_outcome *outcome);

/* What `outcome` was, for people and the delivery log: "HTTP 500", "timed out after 10000 ms". */
void tn_webhook_describe(const tn_webhook_response *response, char *out, size_t size);

#endif
