/*
 * budget.c — parsing, keeping and formatting the memory budget (see budget.h).
 */
#include "common/budget.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The budget given by the command line or the environment; 0 until one is. */
static uint64_t budget_given;

/* A unit of a SIZE and what one of it is, in bytes. */
typedef struct {
    const char *name;
    double bytes;
} size_unit;

static const size_unit units[] = {
    {"B", 1.0},
    {"KB", 1e3},
    {"MB", 1e6},
    {"GB", 1e9},
    {"TB", 1e12},
    {"KiB", 1024.0},
    {"MiB", 1024.0 * 1024},
    {"GiB", 1024.0 * 1024 * 1024},
    {"TiB", 1024.0 * 1024 * 1024 * 1024},
};

/* Larger than any machine's memory, small enough that no conversion overflows. */
#define MAX_BUDGET_BYTES 4e18

/* A limit file's number, or 0 when it has none (missing, "max", or too large to be a limit). */
static uint64_t limit_in(const char *path) {
    FILE *file = path != NULL ? fopen(path, "r") : NULL;
    if (file == NULL)
        return 0;
    char text[64] = "";
    bool read = fgets(text, sizeof text, file) != NULL;
    fclose(file);
    char *end = NULL;
    unsigned long long value =
        read && isdigit((unsigned char)text[0]) ? strtoull(text, &end, 10) : 0;
    return value >= (1ULL << 60) ? 0 : (uint64_t)value; /* v1 writes about 2^63 for none */
}

uint64_t tn_budget_cgroup_limit(const char *v2_path, const char *v1_path) {
    uint64_t limit = limit_in(v2_path);
    return limit != 0 ? limit : limit_in(v1_path);
}

uint64_t tn_budget_physical_ram(void) {
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page_size <= 0)
        return 0;
    uint64_t ram = (uint64_t)pages * (uint64_t)page_size;
    uint64_t limit = tn_budget_cgroup_limit(TN_BUDGET_CGROUP_V2, TN_BUDGET_CGROUP_V1);
    return limit != 0 && limit < ram ? limit : ram;
}

/* Reads a plain decimal number (digits, optionally a point and digits) at *text; advances it. */
static bool read_number(const char **text, double *value) {
    const char *start = *text, *p = start;
    size_t digits = 0;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
    }
    if (digits == 0)
        return false;
    *value = strtod(start, NULL); /* only digits and one point: strtod reads exactly those */
    *text = p;
    return isfinite(*value);
}

static bool expected_size(const char *text, tn_error *err) {
    return tn_error_set(err, TN_ERR_INPUT,
                        "expected a size such as 1GB, 512MB, 1.5GiB or 40%% (of physical RAM), "
                        "got '%s'",
                        text);
}

/* Bytes of `percent` % of `ram`; the errors of a percentage. */
static bool percent_of_ram(const char *text, double percent, uint64_t ram, double *bytes,
                           tn_error *err) {
    if (percent <= 0.0 || percent > 100.0)
        return tn_error_set(err, TN_ERR_INPUT,
                            "expected a percentage of physical RAM above 0%% and at most 100%%, "
                            "got '%s'",
                            text);
    if (ram == 0)
        return tn_error_set(err, TN_ERR_INPUT,
                            "'%s': the physical RAM of this machine cannot be told; give a size "
                            "such as 1GB",
                            text);
    *bytes = floor((double)ram * percent / 100.0);
    return true;
}

bool tn_budget_parse(const char *text, uint64_t ram, uint64_t *bytes, tn_error *err) {
    const char *p = text;
    double number = 0.0, amount = 0.0;
    if (!read_number(&p, &number))
        return expected_size(text, err);
    while (*p == ' ')
        p++;
    if (*p == '%' && p[1] == '\0') {
        if (!percent_of_ram(text, number, ram, &amount, err))
            return false;
    } else {
        const size_unit *unit = NULL;
        for (size_t i = 0; unit == NULL && i < sizeof units / sizeof units[0]; i++) {
            if (strcasecmp(p, units[i].name) == 0)
                unit = &units[i];
        }
        if (unit == NULL)
            return expected_size(text, err);
        amount = floor(number * unit->bytes);
    }
    if (amount > MAX_BUDGET_BYTES)
        return tn_error_set(err, TN_ERR_INPUT, "'%s' is more memory than any machine has", text);
    if (amount < (double)TN_BUDGET_MIN_BYTES) {
        char least[TN_BUDGET_TEXT], share[TN_BUDGET_TEXT + 16] = "";
        tn_budget_format(TN_BUDGET_MIN_BYTES, least);
        if (*p == '%') {
            tn_budget_format((uint64_t)amount, share + 2);
            memcpy(share, " (", 2);
            strcat(share, " of RAM)");
        }
        return tn_error_set(err, TN_ERR_INPUT,
                            "'%s'%s is too small: DuckDB needs at least %s to work at all", text,
                            share, least);
    }
    *bytes = (uint64_t)amount;
    return true;
}

void tn_budget_set(uint64_t bytes) {
    budget_given = bytes;
}

uint64_t tn_budget_bytes(void) {
    if (budget_given > 0)
        return budget_given;
    uint64_t ram = tn_budget_physical_ram();
    if (ram == 0)
        return 0;
    uint64_t share = (uint64_t)floor((double)ram * TN_BUDGET_DEFAULT_PERCENT / 100.0);
    return share < TN_BUDGET_MIN_BYTES ? TN_BUDGET_MIN_BYTES : share;
}

void tn_budget_format(uint64_t bytes, char out[TN_BUDGET_TEXT]) {
    double amount = (double)bytes;
    if (amount >= 1e12)
        snprintf(out, TN_BUDGET_TEXT, "%.1f TB", amount / 1e12);
    else if (amount >= 1e9)
        snprintf(out, TN_BUDGET_TEXT, "%.1f GB", amount / 1e9);
    else if (amount >= 1e6)
        snprintf(out, TN_BUDGET_TEXT, "%.0f MB", amount / 1e6);
    else
        snprintf(out, TN_BUDGET_TEXT, "%llu B", (unsigned long long)bytes);
}
