/*
 * mhd_errors.h — libmicrohttpd's own error answers, in JSON.
 *
 * libmicrohttpd answers some requests itself, before any callback of ours
 * sees them: headers too large for a connection's memory (431, 414 for the
 * request line), a malformed request line, header line, Content-Length or
 * chunked body (400), a declared body or chunk size past 2^64 bytes (413),
 * an HTTP version other than 1.x (505). Its bodies are HTML pages, and no
 * option of libmicrohttpd (0.9.75 to 1.0.1) changes them.
 *
 * It queues each with MHD_queue_response, called through the library's
 * procedure linkage table, and the dynamic linker binds such calls to a
 * definition in the program first (ELF symbol interposition: how malloc is
 * replaced). So this module defines MHD_queue_response. Every answer of
 * ours passes straight through to libmicrohttpd's function (found with
 * dlsym(RTLD_NEXT)). An error answer without a Content-Type — only
 * libmicrohttpd's own are like that — is first written to the socket as
 * `{"error":{"code":…,"message":…}}` (wire.h) and counted in /metrics as an
 * unmatched request with its status; the socket is then shut, and the page
 * is queued as libmicrohttpd expects, so its own error path runs as usual:
 * it fails to send the page and closes the connection. (Writing the answer
 * ourselves also avoids libmicrohttpd 0.9.75 sending the header block twice
 * after a malformed Content-Length.) Refusing the page instead (MHD_NO),
 * as this module first did, made libmicrohttpd 0.9.75 read a request line
 * it had already freed: a request line over the connection's memory, with
 * no line break, was a use-after-free any client could cause (found by
 * tests/fuzz/fuzz_http, docs/fuzzing.md).
 *
 * tests/integration/test_serve_limits.sh sends each such request and checks
 * the JSON: a libmicrohttpd built to bind its calls internally
 * (-Bsymbolic) would fail there, not silently.
 */
#ifndef TN_SERVE_MHD_ERRORS_H
#define TN_SERVE_MHD_ERRORS_H

#include <stdbool.h>

#include "common/error.h"
#include "serve/gate.h"
#include "serve/metrics.h"

/*
 * Finds libmicrohttpd's MHD_queue_response and notes where to count the
 * answers (`metrics`) and whose connections they are (`gate`, which may be
 * NULL). Call before the daemon starts; the two must outlive it.
 */
bool tn_mhd_errors_init(tn_gate *gate, tn_metrics *metrics, tn_error *err);

#endif
