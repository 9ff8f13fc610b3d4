/*
 * report.c — the offline report (see report.h).
 */
#include "serve/report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/file.h"
#include "serve/assets.h"

/* The lines of web/index.html the report replaces, each found once. */
static const char style_line[] = "<link rel=\"stylesheet\" href=\"assets/style.css\">";
static const char chart_line[] = "<script src=\"assets/chart.umd.js\"></script>";
static const char app_line[] = "<script src=\"assets/app.js\"></script>";
enum { INLINED_LINES = 3 };

/* `length` bytes of `text` begin with `word`, ignoring case. */
static bool starts_with_nocase(const char *text, size_t length, const char *word) {
    size_t n = strlen(word);
    return length >= n && strncasecmp(text, word, n) == 0;
}

/*
 * Appends a script's text so that the HTML parser cannot end the element
 * early: "</script" becomes "<\/script" and "<!--" becomes "<\!--", which
 * JavaScript reads the same inside its strings and regular expressions,
 * the only places these appear.
 */
static bool append_script_text(tn_strbuf *out, const char *text, size_t length) {
    size_t start = 0;
    for (size_t i = 0; i < length; i++) {
        if (text[i] != '<' || !(starts_with_nocase(text + i, length - i, "</script") ||
                                starts_with_nocase(text + i, length - i, "<!--")))
            continue;
        if (!tn_strbuf_append(out, text + start, i + 1 - start) || !tn_strbuf_putc(out, '\\'))
            return false;
        start = i + 1;
    }
    return tn_strbuf_append(out, text + start, length - start);
}

/* Appends JSON with every '<' written as \u003c (it only occurs inside JSON strings). */
static bool append_json_text(tn_strbuf *out, const char *json) {
    const char *start = json;
    for (const char *c = json; *c != '\0'; c++) {
        if (*c != '<')
            continue;
        if (!tn_strbuf_append(out, start, (size_t)(c - start)) || !tn_strbuf_puts(out, "\\u003c"))
            return false;
        start = c + 1;
    }
    return tn_strbuf_puts(out, start);
}

static bool append_asset(tn_strbuf *out, const char *name, bool script, tn_error *err) {
    size_t length;
    const tn_asset *asset = tn_asset_find(name);
    const char *text = asset != NULL ? tn_asset_contents(asset, &length) : NULL;
    if (text == NULL)
        return tn_error_set(err, TN_ERR_INTERNAL, "the dashboard file %s is not built in", name);
    if (!script) {
        for (size_t i = 0; i < length; i++)
            if (starts_with_nocase(text + i, length - i, "</style"))
                return tn_error_set(err, TN_ERR_INTERNAL, "web/%s holds '</style'", name);
    }
    bool ok =
        tn_strbuf_puts(out, script ? "<script>\n" : "<style>\n") &&
        (script ? append_script_text(out, text, length) : tn_strbuf_append(out, text, length)) &&
        tn_strbuf_puts(out, script ? "</script>" : "</style>");
    return ok || tn_error_set(err, TN_ERR_NOMEM, "out of memory writing the report");
}

static bool append_data(tn_strbuf *out, const tn_report_views *views, tn_error *err) {
    bool ok = tn_strbuf_puts(
                  out, "<script id=\"tenure-data\" type=\"application/json\">{\"portfolio\":") &&
              append_json_text(out, views->portfolio) && tn_strbuf_puts(out, ",\"survival\":") &&
              append_json_text(out, views->survival) && tn_strbuf_puts(out, ",\"models\":") &&
              append_json_text(out, views->models) && tn_strbuf_puts(out, "}</script>\n");
    return ok || tn_error_set(err, TN_ERR_NOMEM, "out of memory writing the report");
}

static bool is_line(const char *content, size_t length, const char *line) {
    return length == strlen(line) && memcmp(content, line, length) == 0;
}

/* Appends one line of the page (without its newline), inlining it when it is one of the three. */
static bool append_line(tn_strbuf *out, const char *line, size_t length,
                        const tn_report_views *views, int *inlined, tn_error *err) {
    size_t indent = strspn(line, " \t");
    indent = indent > length ? length : indent;
    const char *content = line + indent;
    size_t content_length = length - indent;
    bool ok = tn_strbuf_append(out, line, indent);
    if (is_line(content, content_length, style_line)) {
        ok = ok && append_asset(out, "style.css", false, err);
        inlined[0]++;
    } else if (is_line(content, content_length, chart_line)) {
        ok = ok && append_asset(out, "chart.umd.js", true, err);
        inlined[1]++;
    } else if (is_line(content, content_length, app_line)) {
        ok = ok && append_data(out, views, err) && tn_strbuf_append(out, line, indent) &&
             append_asset(out, "app.js", true, err);
        inlined[2]++;
    } else {
        ok = ok && tn_strbuf_append(out, content, content_length);
    }
    if (!ok && err->code == TN_OK)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory writing the report");
    return ok && tn_strbuf_putc(out, '\n');
}

bool tn_report_render(const tn_report_views *views, tn_strbuf *out, tn_error *err) {
    size_t page_length;
    const char *page = tn_asset_contents(&tn_asset_page, &page_length);
    if (page == NULL)
        return tn_error_set(err, TN_ERR_INTERNAL, "web/index.html is not built in");
    int inlined[INLINED_LINES] = {0};
    const char *end = page + page_length;
    for (const char *line = page; line < end;) {
        const char *newline = memchr(line, '\n', (size_t)(end - line));
        size_t length = (size_t)((newline ? newline : end) - line);
        if (!append_line(out, line, length, views, inlined, err))
            return false;
        line += length + 1;
    }
    static const char *const wanted[INLINED_LINES] = {style_line, chart_line, app_line};
    for (int i = 0; i < INLINED_LINES; i++)
        if (inlined[i] != 1)
            return tn_error_set(err, TN_ERR_INTERNAL,
                                "web/index.html holds the line '%s' %d times, not once", wanted[i],
                                inlined[i]);
    return true;
}

/* The survival body's error message, for a snapshot without analysis.json. */
static const char *survival_problem(const tn_snapshot *snapshot, char *message, size_t size) {
    json_t *body = json_loads(snapshot->survival.text, 0, NULL);
    const char *text =
        json_string_value(json_object_get(json_object_get(body, "error"), "message"));
    snprintf(message, size, "%s", text ? text : "no survival analysis (run 'tenure analyze')");
    json_decref(body);
    return message;
}

/* Creates the directory `path` is in, when it is missing (one level). */
static bool make_parent(const char *path, tn_error *err) {
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return true;
    *slash = '\0';
    return tn_file_make_dir(NULL, dir, err);
}

bool tn_report_write(const tn_snapshot *snapshot, const char *path, size_t *bytes, tn_error *err) {
    char message[4400];
    if (!snapshot->ready)
        return tn_error_set(err, TN_ERR_INPUT, "%s", snapshot->reason);
    if (snapshot->survival_status != 200)
        return tn_error_set(err, TN_ERR_INPUT, "%s",
                            survival_problem(snapshot, message, sizeof message));
    tn_report_views views = {snapshot->portfolio.text, snapshot->survival.text,
                             snapshot->models.text};
    tn_strbuf html = TN_STRBUF_INIT;
    bool ok = tn_report_render(&views, &html, err) && make_parent(path, err) &&
              tn_file_write_atomic(path, html.data, html.length, err);
    *bytes = ok ? html.length : 0;
    tn_strbuf_free(&html);
    return ok;
}
