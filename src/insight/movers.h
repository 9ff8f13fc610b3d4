/*
 * movers.h — who moved since an earlier scoring: the document GET /movers
 * answers, from the score history (insight/history.h).
 *
 * For each earlier recorded as-of date (`since`) and the latest one, four
 * lists of customers active at the latest scoring (sql/serve/score_movers.sql
 * defines them): those who entered high or critical churn risk, those whose
 * churn probability rose by more than a threshold, those who became
 * expansion-ready (upgrade tier high or critical), and those whose churn
 * tier fell. Each item has the numbers before and now and the reason in
 * business words; each list is ordered by ARR, largest first.
 *
 * The documents of the scoring before the latest (the default) are made
 * when the movers are built; those of every other since date the first time
 * one is asked for (tn_movers_find), so a long history does not lengthen a
 * server's load. Finding is safe from any number of threads.
 */
#ifndef TN_INSIGHT_MOVERS_H
#define TN_INSIGHT_MOVERS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "insight/answer.h"
#include "insight/history.h"
#include "warehouse/db.h"
#include "warehouse/table.h"

/* The rise of a churn probability (0–1) that makes a mover, unless told otherwise. */
#define TN_MOVERS_DEFAULT_RISE 0.05

/* The four lists, in the document's order: entered_high_risk, probability_rose,
   expansion_ready, left_tier. */
enum { TN_MOVERS_LISTS = 4 };

/* Movers per list in a page unless the request says otherwise, and the most it may ask. */
#define TN_MOVERS_LIMIT_DEFAULT 50
#define TN_MOVERS_LIMIT_MAX 10000

/*
 * The movers since one earlier scoring, kept as text (insight/documents.h's
 * encoding): the document's head and every list's items, so that a page of
 * any length is put together without encoding anything again, and the page
 * of TN_MOVERS_LIMIT_DEFAULT ready to send.
 */
typedef struct {
    char since[16];    /* "YYYY-MM-DD" */
    size_t first, end; /* its rows of tn_movers' rows: [first, end) */
    atomic_bool made;  /* what follows is made (written before it is set) */
    char *head;        /* {"since",…,"counts":{…} without its closing brace; owned */
    char **items[TN_MOVERS_LISTS]; /* each list's movers as JSON texts, by ARR; owned */
    size_t counts[TN_MOVERS_LISTS];
    char *text; /* the page of TN_MOVERS_LIMIT_DEFAULT; owned */
    size_t length;
    char *gzip; /* the same page gzip'd (common/gzip.h), for clients that take it; owned */
    size_t gzip_length;
} tn_movers_since;

/* What the since dates not yet made are made from, and the lock of making them. */
typedef struct tn_movers_making tn_movers_making;

typedef struct {
    tn_movers_since *dates; /* by since, oldest first; owned */
    size_t count;
    char latest[16];          /* the latest recorded as-of date; "" without a history */
    size_t older;             /* recorded as-of dates before the first since date, left out of the
                                 reader's window (insight/history.h) */
    tn_movers_making *making; /* owned */
} tn_movers;

/*
 * Reads what the movers are built from: the rows of sql/serve/score_movers.sql
 * with `rise` (0–1) over the scorings of `window` (NULL: the whole history)
 * into `rows` (the caller frees them with tn_table_free either way). The
 * warehouse must have a score history (tn_history_exists).
 */
bool tn_movers_read_rows(tn_db *db, double rise, const tn_history_window *window, tn_table *rows,
                         tn_error *err);

/*
 * The movers of every since date in `rows` (rows of sql/serve/score_movers.sql,
 * ordered by since; taken: `rows` is left empty) up to the latest recorded
 * scoring `latest`, with `rise` the threshold of a probability rise (0–1)
 * and `older` the recorded as-of dates before the rows' window (0: the rows
 * cover the whole history); the accounts' names and owners come from
 * `answers` (borrowed: it must outlive the movers). Makes the default
 * date's documents. False with `err` set when memory runs out; free with
 * tn_movers_free either way.
 */
bool tn_movers_build(const tn_answer_set *answers, tn_table *rows, const char *latest, double rise,
                     size_t older, tn_movers *out, tn_error *err);

/*
 * The movers of the latest recorded since date on or before `since`
 * ("YYYY-MM-DD"; NULL: the scoring before the latest), made if they were
 * not, or NULL when there is none (fewer than two scorings, `since` before
 * the first or not before the latest) or memory runs out making them; then
 * `why` (size bytes) says why in words and `*no_memory` which.
 */
const tn_movers_since *tn_movers_find(const tn_movers *movers, const char *since, char *why,
                                      size_t size, bool *no_memory);

/*
 * The document of `since` with at most `limit` movers in each list ("limit"
 * says how many; "counts" how many there are): a malloc'd, NUL-terminated
 * text of *length bytes, or NULL when memory runs out.
 */
char *tn_movers_page(const tn_movers_since *since, size_t limit, size_t *length);

void tn_movers_free(tn_movers *movers);

#endif
