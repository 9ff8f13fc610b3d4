/*
 * urgency.h — the urgency filter of the account briefs (brief.h): an
 * account executive's brief of an account that is unlikely to upgrade must
 * not press for a deal, so the brief's own words lose their urgency words.
 *
 * Precisely:
 *   - the urgency words are "immediately", "urgent", "urgently", "critical"
 *     and "asap"; a word is a maximal run of ASCII letters, and matching
 *     ignores case ("ASAP", "Critical"); "critically" or "urgency" are other
 *     words and stay;
 *   - each one is removed with one space: the one before it, or, when there
 *     is none, the one after it; a word that began the text, a line or a
 *     sentence goes with the comma, semicolon or colon and the space after
 *     it, and leaves the next word capitalised ("Urgently, call them." →
 *     "Call them.");
 *   - a comma, semicolon or colon left right before another punctuation
 *     mark goes ("them, urgently, and" → "them, and");
 *   - an article "a" or "an" right before it is made to agree with the word
 *     that now follows, by its first letter: a vowel takes "an" ("a critical
 *     upgrade" → "an upgrade");
 *   - brackets left empty, "()", are removed with the space before them.
 * brief.h says when the filter applies, and applies it to the brief's own
 * words only: the account's data (its name, industry, plan, owner, the
 * stages of its deals) is never changed. Pure functions.
 */
#ifndef TN_INSIGHT_URGENCY_H
#define TN_INSIGHT_URGENCY_H

#include <stdbool.h>
#include <stddef.h>

/* True when `word` (length bytes, not NUL-terminated) is an urgency word, ignoring case. */
bool tn_urgency_word(const char *word, size_t length);

/*
 * Removes the urgency words from `text` (NUL-terminated, changed in place:
 * it only gets shorter), as above. Returns how many it removed.
 */
size_t tn_urgency_remove(char *text);

#endif
