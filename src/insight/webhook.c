/*
 * webhook.c — one POST with libcurl, and the retry policy (see webhook.h).
 */
#include "insight/webhook.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "tn_version.h"

bool tn_webhook_global_init(tn_error *err) {
    CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
    return code == CURLE_OK ||
           tn_error_set(err, TN_ERR_INTERNAL, "libcurl: %s", curl_easy_strerror(code));
}

void tn_webhook_global_cleanup(void) {
    curl_global_cleanup();
}

/* The answer's body is not read: an alert's receiver has nothing to tell. */
static size_t discard(char *data, size_t size, size_t count, void *context) {
    (void)data;
    (void)context;
    return size * count;
}

/* The request's headers, ours first; NULL when memory runs out. Free with curl_slist_free_all. */
static struct curl_slist *header_list(const tn_webhook_request *request) {
    const char *ours[] = {"Content-Type: application/json", ("User-Agent: tenure/" TN_VERSION),
                          "Expect:"}; /* no "100 Continue" round trip */
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < sizeof ours / sizeof ours[0] + request->header_count; i++) {
        const char *line = i < 3 ? ours[i] : request->headers[i - 3];
        struct curl_slist *grown = curl_slist_append(list, line);
        if (grown == NULL) {
            curl_slist_free_all(list);
            return NULL;
        }
        list = grown;
    }
    return list;
}

/* Sets the options of one POST of `request` on `curl`; false when one is refused. */
static bool set_options(CURL *curl, const tn_webhook_request *request, struct curl_slist *headers,
                        char *error_buffer) {
    return curl_easy_setopt(curl, CURLOPT_URL, request->url) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_POST, 1L) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request->body) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->length) ==
               CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request->timeout_ms) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK;
}

void tn_webhook_post(void *context, const tn_webhook_request *request,
                     tn_webhook_response *response) {
    (void)context;
    memset(response, 0, sizeof *response);
    char error_buffer[CURL_ERROR_SIZE] = "";
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl != NULL ? header_list(request) : NULL;
    if (curl == NULL || headers == NULL) {
        snprintf(response->error, sizeof response->error, "out of memory for the request");
    } else if (!set_options(curl, request, headers, error_buffer)) {
        snprintf(response->error, sizeof response->error, "libcurl refused an option: %.200s",
                 error_buffer);
    } else {
        CURLcode code = curl_easy_perform(curl);
        if (code == CURLE_OK) {
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response->status);
        } else {
            response->timed_out = code == CURLE_OPERATION_TIMEDOUT;
            snprintf(response->error, sizeof response->error, "%.250s",
                     error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code));
        }
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
}

void tn_webhook_sleep(void *context, long milliseconds) {
    (void)context;
    struct timespec wait = {milliseconds / 1000, (milliseconds % 1000) * 1000000L};
    while (nanosleep(&wait, &wait) != 0) {
    }
}

bool tn_webhook_retryable(const tn_webhook_response *response) {
    if (response->status == 0)
        return true; /* a timeout, or the receiver was not reached */
    return response->status >= 500 || response->status == 429;
}

long tn_webhook_wait_ms(const tn_webhook_policy *policy, int attempt) {
    long wait = policy->backoff_ms;
    for (int i = 2; i < attempt && wait < TN_WEBHOOK_MAX_WAIT_MS; i++)
        wait *= 2;
    return wait < TN_WEBHOOK_MAX_WAIT_MS ? wait : TN_WEBHOOK_MAX_WAIT_MS;
}

void tn_webhook_deliver(const tn_webhook_policy *policy, const tn_webhook_request *request,
                        tn_webhook_sender attempt_once, tn_webhook_sleeper wait_for, void *context,
                        tn_webhook_outcome *outcome) {
    memset(outcome, 0, sizeof *outcome);
    int attempts = policy->attempts > 0 ? policy->attempts : 1;
    for (int attempt = 1; attempt <= attempts; attempt++) {
        if (attempt > 1)
            wait_for(context, tn_webhook_wait_ms(policy, attempt));
        attempt_once(context, request, &outcome->last);
        outcome->attempts = attempt;
        long status = outcome->last.status;
        outcome->delivered = status >= 200 && status < 300;
        if (outcome->delivered || !tn_webhook_retryable(&outcome->last))
            return;
    }
}

void tn_webhook_describe(const tn_webhook_response *response, char *out, size_t size) {
    if (response->status >= 300 && response->status < 400)
        snprintf(out, size, "HTTP %ld (a redirect: webhooks are not followed, give the final URL)",
                 response->status);
    else if (response->status != 0)
        snprintf(out, size, "HTTP %ld", response->status);
    else
        snprintf(out, size, "%s%s", response->timed_out ? "timed out: " : "",
                 response->error[0] != '\0' ? response->error : "no answer");
}
