/*
 * search.c — matching the work queue's search text (see search.h).
 */
#include "serve/search.h"

#include <stdlib.h>
#include <string.h>

static char fold(char c) {
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

void tn_search_init(tn_search *search, const char *text) {
    size_t length = 0;
    for (; text[length] != '\0' && length < TN_SEARCH_MAX; length++)
        search->folded[length] = fold(text[length]);
    search->folded[length] = '\0';
    search->length = length;
}

char *tn_search_fold(const char *text) {
    char *folded = text != NULL ? strdup(text) : NULL;
    for (char *c = folded; c != NULL && *c != '\0'; c++)
        *c = fold(*c);
    return folded;
}

/* `text` begins with the search text, ignoring ASCII case. */
static bool has_prefix(const char *text, const tn_search *search) {
    if (text == NULL)
        return false;
    for (size_t i = 0; i < search->length; i++)
        if (text[i] == '\0' || fold(text[i]) != search->folded[i])
            return false;
    return true;
}

bool tn_search_matches(const tn_search *search, const char *id, const char *folded_name,
                       const char *crm_id) {
    if (folded_name != NULL && strstr(folded_name, search->folded) != NULL)
        return true;
    return search->length >= TN_SEARCH_ID_PREFIX_MIN &&
           (has_prefix(id, search) || has_prefix(crm_id, search));
}
