/*
 * report.c — the offline report (see report.h): reading what its three
 * views need, and inlining them with the dashboard's files into one page.
 */
#include "insight/report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/assets.h"
#include "common/date.h"
#include "common/embedded.h"
#include "common/file.h"
#include "insight/analytics.h"
#include "insight/answer.h"
#include "insight/dashboard.h"
#include "insight/documents.h"
#include "insight/history.h"
#include "insight/model_health.h"
#include "insight/movers.h"
#include "ml/drift_check.h"
#include "ml/model_set.h"
#include "ml/score.h"
#include "warehouse/build.h"
#include "warehouse/db.h"
#include "warehouse/table.h"

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
              append_json_text(out, views->models) && tn_strbuf_puts(out, ",\"movers\":") &&
              (views->movers != NULL ? append_json_text(out, views->movers)
                                     : tn_strbuf_puts(out, "null")) &&
              tn_strbuf_puts(out, "}</script>\n");
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

/* What the views are made of. */
typedef struct {
    tn_db *db;
    tn_ml_model churn, expansion;
    tn_score_set scores;
    tn_answer_set answers;
    tn_table inactive, industries;
    tn_table movers; /* sql/serve/score_movers.sql */
    char latest[16]; /* the latest recorded scoring, or "" */
    char as_of[TN_DATE_BUF];
    json_t *drift; /* the drift check (ml/drift_check.h), at the default thresholds */
} report_sources;

static void sources_free(report_sources *s) {
    tn_db_close(s->db);
    tn_ml_model_free(&s->churn);
    tn_ml_model_free(&s->expansion);
    tn_score_set_free(&s->scores);
    tn_answers_free(&s->answers);
    tn_table_free(&s->inactive);
    tn_table_free(&s->industries);
    tn_table_free(&s->movers);
    json_decref(s->drift);
}

/* The movers' rows and the latest recorded as-of, when the warehouse has a score history. */
static bool read_movers(report_sources *s, tn_error *err) {
    bool recording = false;
    s->latest[0] = '\0';
    return tn_history_exists(s->db, &recording, err) &&
           (!recording ||
            (tn_history_latest(s->db, s->latest, err) &&
             tn_movers_read_rows(s->db, TN_MOVERS_DEFAULT_RISE, NULL, &s->movers, err)));
}

/* The models first, then the warehouse: its as-of date, the scores and the portfolio's extras. */
static bool read_sources(const tn_report_source *source, report_sources *s, tn_error *err) {
    tn_day as_of, data_as_of;
    bool ok = tn_model_set_load(source->models_dir, &s->churn, &s->expansion, err) &&
              tn_db_open(source->db_path, TN_DB_READ_ONLY, &s->db, err) &&
              tn_build_info_dates(s->db, &as_of, &data_as_of, err) &&
              tn_score_all(s->db, &s->churn, &s->expansion, NULL, &s->scores, err) &&
              tn_table_query(s->db, tn_embedded_text("sql/serve/inactive_customers.sql"),
                             &s->inactive, err) &&
              tn_table_query(s->db, tn_embedded_text("sql/insight/industries.sql"), &s->industries,
                             err) &&
              read_movers(s, err);
    if (!ok)
        return false;
    tn_date_format(as_of, s->as_of);
    s->drift = tn_model_health(s->db, &s->churn, &s->expansion, &TN_DRIFT_THRESHOLDS_DEFAULT,
                               s->as_of, 0, err);
    if (s->drift == NULL)
        return false;
    tn_answer_context context;
    tn_answer_context_init(&context, s->as_of, &s->churn, &s->expansion, &s->scores);
    return tn_answers_build(&context, &s->scores, &s->answers, err);
}

/* The movers since the scoring before the latest, as text (malloc'd), or NULL without two. */
static bool movers_text(report_sources *s, char **text, tn_error *err) {
    tn_movers movers;
    char why[256];
    bool no_memory = false;
    bool ok = tn_movers_build(&s->answers, &s->movers, s->latest, TN_MOVERS_DEFAULT_RISE, 0,
                              &movers, err);
    const tn_movers_since *found =
        ok ? tn_movers_find(&movers, NULL, why, sizeof why, &no_memory) : NULL;
    ok = ok && (!no_memory || tn_error_set(err, TN_ERR_NOMEM, "%s", why));
    *text = found != NULL ? strdup(found->text) : NULL;
    tn_movers_free(&movers);
    return ok && (found == NULL || *text != NULL ||
                  tn_error_set(err, TN_ERR_NOMEM, "out of memory for the movers"));
}

/* The four views as text (each malloc'd; the movers NULL without two scorings), or false. */
static bool views_text(const tn_report_source *source, report_sources *s, char *texts[4],
                       tn_error *err) {
    char problem[4400];
    json_t *survival =
        tn_dashboard_survival(source->reports_dir, s->as_of, problem, sizeof problem);
    if (survival == NULL)
        return tn_error_set(err, TN_ERR_INPUT, "%s", problem);
    texts[0] = tn_document_text(
        tn_dashboard_portfolio(&s->answers, &s->inactive, &s->industries, source->reports_dir), 15);
    texts[1] = tn_document_text(survival, 15);
    texts[2] = tn_document_text(
        tn_dashboard_models(&s->churn, &s->expansion, source->reports_dir, s->as_of, s->drift), 15);
    return ((texts[0] != NULL && texts[1] != NULL && texts[2] != NULL) ||
            tn_error_set(err, TN_ERR_NOMEM, "out of memory building the report's views")) &&
           movers_text(s, &texts[3], err);
}

bool tn_report_write(const tn_report_source *source, const char *path, size_t *bytes,
                     char as_of[16], tn_error *err) {
    report_sources s = {0};
    char *texts[4] = {NULL, NULL, NULL, NULL};
    tn_strbuf html = TN_STRBUF_INIT;
    bool ok = read_sources(source, &s, err) && views_text(source, &s, texts, err);
    snprintf(as_of, 16, "%s", s.as_of);
    sources_free(&s); /* the warehouse is closed before the file is written */
    tn_report_views views = {texts[0], texts[1], texts[2], texts[3]};
    ok = ok && tn_report_render(&views, &html, err) && make_parent(path, err) &&
         tn_file_write_atomic(path, html.data, html.length, err);
    *bytes = ok ? html.length : 0;
    tn_strbuf_free(&html);
    for (int i = 0; i < 4; i++)
        free(texts[i]);
    return ok;
}
