/*
 * log.c — stderr messages and the in-place progress line (see log.h).
 *
 * The progress line is drawn as
 * "\r<label>: <done> / <total> (<pct>%)  <secs> s, about <eta> left" followed by
 * the ANSI "erase to end of line" sequence, and erased before any other
 * message so the two never interleave on one line. Off a terminal, a phase that
 * took a second or more leaves one line when it ends:
 * "<label>: <done> / <total> (100%) in <secs> s" when all of it was done (or
 * "<label>: <done> in <secs> s" with no total), else "<label> in <secs> s".
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { PROGRESS_DELAY_MS = 1000, PROGRESS_INTERVAL_MS = 100 };

static double monotonic_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

static struct {
    FILE *stream;
    bool quiet;
    bool is_tty;
    tn_clock_fn clock;
    bool line_drawn; /* a progress line is on screen and must be erased first */
} log_state = {NULL, false, false, monotonic_seconds, false};

static FILE *log_stream(void) {
    return log_state.stream != NULL ? log_state.stream : stderr;
}

void tn_log_init(bool quiet) {
    const char *term = getenv("TERM");
    bool dumb = term != NULL && strcmp(term, "dumb") == 0;
    tn_log_configure(stderr, quiet, isatty(STDERR_FILENO) && !dumb, NULL);
}

void tn_log_configure(FILE *stream, bool quiet, bool is_tty, tn_clock_fn clock) {
    log_state.stream = stream;
    log_state.quiet = quiet;
    log_state.is_tty = is_tty;
    log_state.clock = clock != NULL ? clock : monotonic_seconds;
    log_state.line_drawn = false;
}

bool tn_log_is_quiet(void) {
    return log_state.quiet;
}

double tn_log_now(void) {
    return log_state.clock();
}

static void erase_progress_line(void) {
    if (!log_state.line_drawn)
        return;
    fputs("\r\033[K", log_stream());
    log_state.line_drawn = false;
}

static void write_line(const char *prefix, const char *fmt, va_list args) {
    FILE *out = log_stream();
    erase_progress_line();
    fputs(prefix, out);
    vfprintf(out, fmt, args);
    fputc('\n', out);
    fflush(out);
}

void tn_log_info(const char *fmt, ...) {
    if (log_state.quiet)
        return;
    va_list args;
    va_start(args, fmt);
    write_line("", fmt, args);
    va_end(args);
}

void tn_log_warn(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    write_line("tenure: warning: ", fmt, args);
    va_end(args);
}

void tn_log_error(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    write_line("tenure: ", fmt, args);
    va_end(args);
}

void tn_progress_begin(tn_progress *progress, const char *label, uint64_t total) {
    snprintf(progress->label, sizeof progress->label, "%s", label);
    progress->total = total;
    progress->done = 0;
    progress->started = log_state.clock();
    progress->last_drawn = -1.0;
}

/* " (about 1 min 20 s left)": the time to go at the pace so far; "" when it cannot be told. */
static void format_time_left(const tn_progress *progress, double elapsed, char *out, size_t size) {
    out[0] = '\0';
    if (progress->total == 0 || progress->done == 0 || progress->done >= progress->total)
        return;
    double left = elapsed * (double)(progress->total - progress->done) / (double)progress->done;
    if (left < 60.0)
        snprintf(out, size, ", about %.0f s left", left < 1.0 ? 1.0 : left);
    else if (left < 3600.0)
        snprintf(out, size, ", about %d min %02d s left", (int)(left / 60.0), (int)left % 60);
    else
        snprintf(out, size, ", about %d h %02d min left", (int)(left / 3600.0),
                 (int)(left / 60.0) % 60);
}

/* "<label>: <done> / <total> (<pct>%)" or "<label>: <done>", without a line end. */
static void write_counts(FILE *out, const tn_progress *progress) {
    char done[16], total[16];
    tn_format_count(progress->done, done);
    if (progress->total > 0) {
        double percent = 100.0 * (double)progress->done / (double)progress->total;
        fprintf(out, "%s: %s / %s (%.0f%%)", progress->label, done,
                tn_format_count(progress->total, total), percent > 100.0 ? 100.0 : percent);
    } else {
        fprintf(out, "%s: %s", progress->label, done);
    }
}

static void draw_progress(const tn_progress *progress, double elapsed) {
    FILE *out = log_stream();
    char left[64];
    format_time_left(progress, elapsed, left, sizeof left);
    fputc('\r', out);
    write_counts(out, progress);
    fprintf(out, "  %.1f s%s\033[K", elapsed, left);
    fflush(out);
    log_state.line_drawn = true;
}

void tn_progress_update(tn_progress *progress, uint64_t done) {
    progress->done = done;
    if (log_state.quiet || !log_state.is_tty)
        return;
    double now = log_state.clock();
    double elapsed = now - progress->started;
    if (elapsed * 1000.0 < PROGRESS_DELAY_MS)
        return;
    if (progress->last_drawn >= 0 && (now - progress->last_drawn) * 1000.0 < PROGRESS_INTERVAL_MS)
        return;
    progress->last_drawn = now;
    draw_progress(progress, elapsed);
}

double tn_progress_end(tn_progress *progress) {
    double elapsed = log_state.clock() - progress->started;
    erase_progress_line();
    if (!log_state.quiet && !log_state.is_tty && elapsed * 1000.0 >= PROGRESS_DELAY_MS) {
        FILE *out = log_stream(); /* a log or a pipe: one line for the phase, once it is over */
        bool counted =
            progress->done > 0 && (progress->total == 0 || progress->done == progress->total);
        if (counted) /* the work's own count says what was done; a part of it would not */
            write_counts(out, progress);
        else
            fputs(progress->label, out);
        fprintf(out, " in %.1f s\n", elapsed);
        fflush(out);
    }
    return elapsed;
}

char *tn_format_count(uint64_t count, char *out) {
    static const struct {
        double scale;
        const char *suffix;
    } units[] = {{1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        double scaled = (double)count / units[i].scale;
        /* 999,999 reads better as 1.00M than as 1000k. */
        if (scaled >= 0.9995) {
            snprintf(out, 16,
                     scaled < 10    ? "%.2f%s"
                     : scaled < 100 ? "%.1f%s"
                                    : "%.0f%s",
                     scaled, units[i].suffix);
            return out;
        }
    }
    snprintf(out, 16, "%llu", (unsigned long long)count);
    return out;
}
