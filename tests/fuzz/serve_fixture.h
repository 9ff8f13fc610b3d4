/*
 * serve_fixture.h — the server a fuzzed request meets, without a network:
 * a tn_server as `tenure serve` sets it up (metrics, /health body, an API
 * key, CORS origins, a connection gate that is never started), holding a
 * small snapshot built in memory rather than loaded from a warehouse.
 *
 * The snapshot has a dozen active customers (ids, names, CRM ids, plan and
 * risk tiers, probabilities; their prediction, Customer 360 and list bodies
 * are small JSON objects), a churned customer and one not yet signed up,
 * so every lookup outcome of the handlers can be reached. Its ids are in
 * tests/fuzz/dict/request.dict.
 */
#ifndef TN_FUZZ_SERVE_FIXTURE_H
#define TN_FUZZ_SERVE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "serve/server.h"

/* How one fuzzed request finds the server. */
typedef struct {
    bool require_key; /* Authorization: Bearer <TN_FUZZ_API_KEY> needed */
    bool not_ready;   /* the snapshot failed to load: 503 for the data routes */
} tn_fuzz_server_mode;

#define TN_FUZZ_API_KEY "fuzz-key-0123456789"
#define TN_FUZZ_ORIGIN "https://dash.example.com"

/* The server (built on the first call; it lives until the process ends), set to `mode`. */
tn_server *tn_fuzz_server(tn_fuzz_server_mode mode);

/*
 * True when `body` (`length` bytes) is what every JSON answer must be: one
 * JSON value, UTF-8; for an error status (>= 400), an object with
 * error.code and error.message strings.
 */
bool tn_fuzz_json_answer_ok(int status, const char *body, size_t length);

#endif
