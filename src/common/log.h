/*
 * log.h — what Tenure tells the person at the terminal, on stderr.
 *
 * Three kinds of output:
 *   - errors and warnings, always printed, prefixed "tenure: ";
 *   - information lines (what a command did), silenced by --quiet;
 *   - a progress line for long work, redrawn in place with '\r', with the
 *     time left at the pace so far. It appears only once the work has taken
 *     more than a second, at most ten times a second, and never with --quiet.
 *     When stderr is not a terminal (a log, a pipe) nothing is redrawn: a
 *     phase that took a second or more writes one line when it ends, so a
 *     log still says where the time went.
 *
 * Only the command layer (src/cli) and long-running loops call these; library
 * functions report failures through tn_error instead. The module keeps one
 * global configuration and is meant for the main thread.
 */
#ifndef TN_COMMON_LOG_H
#define TN_COMMON_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Seconds on a monotonic clock; replaceable for tests. */
typedef double (*tn_clock_fn)(void);

/* Sets up logging to stderr; progress is shown when stderr is a terminal and !quiet. */
void tn_log_init(bool quiet);

/*
 * Full control for tests: write to `stream`, treat it as a terminal or not,
 * and read time from `clock` (NULL for the real monotonic clock).
 */
void tn_log_configure(FILE *stream, bool quiet, bool is_tty, tn_clock_fn clock);

/* True when --quiet is in effect. */
bool tn_log_is_quiet(void);

/* Seconds on the configured monotonic clock. */
double tn_log_now(void);

/* An information line (newline added); silent under --quiet. */
void tn_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "tenure: warning: ..." (newline added); always printed. */
void tn_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "tenure: ..." (newline added); always printed. */
void tn_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A progress line for one piece of long work. Lives on the caller's stack; owns nothing. */
typedef struct {
    char label[64];    /* what is being done: "usage events" */
    uint64_t total;    /* expected units of work, 0 when unknown */
    uint64_t done;     /* units finished so far */
    double started;    /* clock reading at tn_progress_begin */
    double last_drawn; /* clock reading of the last redraw, < 0 before the first */
} tn_progress;

/* Starts timing `label`; draws nothing yet. */
void tn_progress_begin(tn_progress *progress, const char *label, uint64_t total);

/* Records `done` units and redraws the line when it is due (see above). Cheap to call often. */
void tn_progress_update(tn_progress *progress, uint64_t done);

/* Erases the progress line if one was drawn (off a terminal: writes the phase's one line, when
 * it took a second or more). Returns the seconds since tn_progress_begin. */
double tn_progress_end(tn_progress *progress);

/*
 * Writes `count` for people into `out` (at least 16 bytes): 950, 12.3k, 4.21M, 1.05B.
 * Returns `out`.
 */
char *tn_format_count(uint64_t count, char *out);

#endif
