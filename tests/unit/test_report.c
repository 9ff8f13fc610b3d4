/*
 * test_report.c — the offline report's HTML (src/serve/report.c): the
 * page's style sheet and scripts are inlined, the views are embedded as
 * JSON that reads back unchanged, and no text inside a script (not even a
 * "</script>" in a customer's data or in a library) can end its element
 * early.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>

#include "common/strbuf.h"
#include "common/assets.h"
#include "insight/report.h"

static const char data_open[] = "<script id=\"tenure-data\" type=\"application/json\">";

/* The next case-insensitive occurrence of `word` in `text` at or after `from`, or NULL. */
static const char *find_nocase(const char *from, const char *word) {
    for (const char *c = from; *c != '\0'; c++)
        if (strncasecmp(c, word, strlen(word)) == 0)
            return c;
    return NULL;
}

/* How many times `word` occurs in `text`. */
static int count(const char *text, const char *word) {
    int n = 0;
    for (const char *at = strstr(text, word); at != NULL; at = strstr(at + 1, word))
        n++;
    return n;
}

static char *render(const tn_report_views *views) {
    tn_strbuf html = TN_STRBUF_INIT;
    tn_error err;
    tn_error_clear(&err);
    if (!tn_report_render(views, &html, &err))
        fail_msg("tn_report_render: %s", err.message);
    return tn_strbuf_detach(&html);
}

static void test_files_are_inlined(void **state) {
    (void)state;
    tn_report_views views = {"{}", "{}", "{}"};
    char *html = render(&views);
    assert_null(strstr(html, "src=\"assets/"));
    assert_null(strstr(html, "href=\"assets/"));
    assert_non_null(strstr(html, "<style>"));
    /* Chart.js's own banner, so the library really is inside. */
    assert_non_null(strstr(html, "Chart.js v4.5.1"));
    /* The data comes before the script that reads it. */
    const char *data = strstr(html, data_open);
    assert_non_null(data);
    assert_non_null(strstr(data, "tenure-data"));
    free(html);
}

/*
 * Inside a <script>, only "</script" ends the element, and only after
 * "<!--" can a "<script" start a nested one (HTML's script-data states):
 * so the report has exactly three "</script" (Chart.js, the data, app.js)
 * and no "<!--" but the page's own comments, whatever the data and the
 * scripts hold.
 */
static void test_scripts_close_where_they_should(void **state) {
    (void)state;
    tn_report_views views = {"{\"name\":\"</script><script>alert(1)</script>\"}",
                             "{\"note\":\"<!-- a comment --> and </SCRIPT >\"}", "{\"models\":[]}"};
    char *html = render(&views);
    int closes = 0;
    for (const char *close = find_nocase(html, "</script"); close != NULL;
         close = find_nocase(close + 1, "</script"))
        closes++;
    assert_int_equal(closes, 3);
    size_t page_length;
    const char *page = tn_asset_contents(&tn_asset_page, &page_length);
    assert_int_equal(count(html, "<!--"), count(page, "<!--"));
    /* The data's element ends right after the data. */
    static const char data_end[] = "\"models\":{\"models\":[]},\"movers\":null}</script>";
    const char *data = strstr(html, data_open);
    assert_non_null(data);
    assert_ptr_equal(strstr(data, data_end) + strlen(data_end) - strlen("</script>"),
                     find_nocase(data, "</script"));
    free(html);
}

static void test_views_read_back_unchanged(void **state) {
    (void)state;
    tn_report_views views = {
        "{\"as_of\":\"2026-03-14\",\"name\":\"</script>\"}",
        "{\"kaplan_meier\":{\"groups\":[1,2,3]},\"x\":\"a<b\"}",
        "{\"models\":[{\"name\":\"churn\"}]}",
        "{\"since\":\"2026-03-07\",\"left_tier\":[{\"reason\":\"</script>\"}]}"};
    char *html = render(&views);
    const char *start = strstr(html, data_open);
    assert_non_null(start);
    start += strlen(data_open);
    const char *end = strstr(start, "</script>");
    assert_non_null(end);
    json_error_t error;
    json_t *embedded = json_loadb(start, (size_t)(end - start), 0, &error);
    if (embedded == NULL)
        fail_msg("the embedded data is not JSON: %s", error.text);
    json_t *expected =
        json_pack("{s:o, s:o, s:o, s:o}", "portfolio", json_loads(views.portfolio, 0, NULL),
                  "survival", json_loads(views.survival, 0, NULL), "models",
                  json_loads(views.models, 0, NULL), "movers", json_loads(views.movers, 0, NULL));
    assert_true(json_equal(embedded, expected));
    json_decref(embedded);
    json_decref(expected);
    free(html);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_are_inlined),
        cmocka_unit_test(test_scripts_close_where_they_should),
        cmocka_unit_test(test_views_read_back_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
