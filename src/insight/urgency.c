/*
 * urgency.c — removing urgency words from a brief's own words (see urgency.h).
 *
 * One pass copies the text onto itself: `out` writes what stays, `in` reads
 * ahead, and a removal only ever drops bytes, so `out` never passes `in`
 * (but for the 'n' an article may gain, which the removed word makes room
 * for). A second pass drops the brackets a removal left empty.
 */
#include "insight/urgency.h"

#include <ctype.h>
#include <string.h>

static const char *const urgency_words[] = {"immediately", "urgent", "urgently", "critical",
                                            "asap"};

static bool is_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_vowel(char c) {
    return c != '\0' && strchr("aeiouAEIOU", c) != NULL;
}

bool tn_urgency_word(const char *word, size_t length) {
    for (size_t w = 0; w < sizeof urgency_words / sizeof urgency_words[0]; w++) {
        const char *candidate = urgency_words[w];
        if (strlen(candidate) != length)
            continue;
        size_t i = 0;
        while (i < length && tolower((unsigned char)word[i]) == candidate[i])
            i++;
        if (i == length)
            return true;
    }
    return false;
}

/* Whether a word written at `out` would begin the text, a line or a sentence. */
static bool begins_sentence(const char *text, const char *out) {
    if (out == text || out[-1] == '\n')
        return true;
    return out[-1] == ' ' && out - 1 > text && strchr(".!?", out[-2]) != NULL;
}

/*
 * When the output ends with the article "a" or "an" (a whole word), makes it
 * agree with `next`, the first letter of the word that follows: a vowel takes
 * "an", anything else "a".
 */
static void agree_article(const char *text, char **out, char next) {
    char *end = *out;
    bool an = end - text >= 2 && tolower((unsigned char)end[-2]) == 'a' && end[-1] == 'n';
    bool a = !an && end - text >= 1 && tolower((unsigned char)end[-1]) == 'a';
    const char *word = end - (an ? 2 : 1);
    if ((!a && !an) || (word > text && is_letter(word[-1])) || next == '\0')
        return;
    if (a && is_vowel(next))
        *(*out)++ = 'n';
    else if (an && !is_vowel(next))
        (*out)--;
}

/* Removes "()" and the space before it, in place. */
static void drop_empty_brackets(char *text) {
    char *out = text;
    for (const char *in = text; *in; in++) {
        if (in[0] == '(' && in[1] == ')') {
            if (out > text && out[-1] == ' ')
                out--;
            in++;
            continue;
        }
        *out++ = *in;
    }
    *out = '\0';
}

size_t tn_urgency_remove(char *text) {
    size_t removed = 0;
    bool capitalise = false;
    char *out = text;
    const char *in = text;
    while (*in) {
        if (!is_letter(*in)) {
            *out++ = *in++;
            continue;
        }
        const char *word = in;
        while (is_letter(*in))
            in++;
        size_t length = (size_t)(in - word);
        if (!tn_urgency_word(word, length)) {
            memmove(out, word, length);
            if (capitalise)
                *out = (char)toupper((unsigned char)*out);
            capitalise = false;
            out += length;
            continue;
        }
        removed++;
        capitalise = begins_sentence(text, out);
        if (capitalise) { /* "Urgently, call them." → "Call them." */
            in += *in != '\0' && strchr(",;:", *in) != NULL;
            in += *in == ' ';
        } else if (out > text && out[-1] == ' ') {
            out--;
        } else if (*in == ' ') {
            in++;
        }
        if (out > text && strchr(",;:", out[-1]) != NULL && *in != '\0' &&
            strchr(",;:.!?)", *in) != NULL)
            out--; /* "them, urgently, and" → "them, and" */
        const char *next = in;
        while (*next == ' ')
            next++;
        agree_article(text, &out, *next);
    }
    *out = '\0';
    if (removed > 0)
        drop_empty_brackets(text);
    return removed;
}
