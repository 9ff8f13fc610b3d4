/*
 * search.h — the work queue's search (GET /customers?q=…): which active
 * customers a text finds. Pure functions: no I/O, no snapshot.
 *
 * A text finds a customer when, ignoring the case of ASCII letters, it is
 * part of the account's name anywhere, or — once it is at least
 * TN_SEARCH_ID_PREFIX_MIN characters long — the beginning of the customer_id
 * or of the crm_id. Shorter texts are not matched against ids: a random id
 * starts with a given two or three characters one time in hundreds or
 * thousands, which finds customers nobody meant ("ab" would list every name
 * with "ab" and every id starting with it). A customer without a name (or a
 * CRM id) is found by its other fields only.
 */
#ifndef TN_SERVE_SEARCH_H
#define TN_SERVE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

/* The longest search text, in bytes. */
#define TN_SEARCH_MAX 100
/* The shortest text matched against the beginning of customer and CRM ids. */
#define TN_SEARCH_ID_PREFIX_MIN 4

/* A search text, ready to match. */
typedef struct {
    char folded[TN_SEARCH_MAX + 1]; /* the text with ASCII letters in lower case */
    size_t length;
} tn_search;

/* Prepares the search for `text` (at most TN_SEARCH_MAX bytes are used). */
void tn_search_init(tn_search *search, const char *text);

/* `text` with ASCII letters in lower case, newly allocated (free()); NULL for NULL or out of
 * memory. */
char *tn_search_fold(const char *text);

/*
 * Whether `search` finds the customer `id` whose name, folded by
 * tn_search_fold(), is `folded_name` and whose CRM id is `crm_id` (either
 * may be NULL).
 */
bool tn_search_matches(const tn_search *search, const char *id, const char *folded_name,
                       const char *crm_id);

#endif
