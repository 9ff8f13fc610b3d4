/*
 * budget.h — the process's memory budget: how much memory DuckDB may use.
 *
 * Every DuckDB database Tenure opens gets the budget as its `memory_limit`
 * (warehouse/db.c), so a big join or aggregate spills to disk instead of
 * growing past it. The budget comes from `--memory-limit SIZE` or the
 * TENURE_MEMORY_LIMIT environment variable (the option wins), parsed here;
 * without either it is 40 % of physical RAM (or of a container's lower memory
 * limit), which leaves room for a server running beside a nightly build
 * (DuckDB's own default is 80 %).
 *
 * A SIZE is a number and a unit: B, KB, MB, GB, TB (powers of 1,000, as
 * DuckDB reads them), KiB, MiB, GiB, TiB (powers of 1,024), case-insensitive,
 * a space allowed between ("1GB", "512 MB", "1.5GiB"); or a percentage of
 * physical RAM ("40%"). A bare number is refused: bytes or megabytes would
 * be a guess. Below TN_BUDGET_MIN_BYTES DuckDB cannot work at all, so such a
 * budget is refused too.
 *
 * The budget bounds DuckDB's buffer pool, not Tenure's own allocations (the
 * tables train, score and serve read whole into memory): docs/operations.md
 * says which is which.
 *
 * One global, set by the command layer on the main thread before any
 * database is opened; read anywhere after.
 */
#ifndef TN_COMMON_BUDGET_H
#define TN_COMMON_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* The least budget accepted: below it DuckDB fails at its first query of any size. */
#define TN_BUDGET_MIN_BYTES 64000000ULL

/* The default budget, as a share of physical RAM. */
#define TN_BUDGET_DEFAULT_PERCENT 40.0

/* The environment variable read when --memory-limit is not given. */
#define TN_BUDGET_ENV "TENURE_MEMORY_LIMIT"

/*
 * The RAM this process may use, in bytes: physical RAM (the kernel's
 * MemTotal), or its control group's memory limit when that is lower (a
 * container's, read from the files below); 0 when it cannot be told.
 */
uint64_t tn_budget_physical_ram(void);

/* Where the control group's limit is read: cgroup v2, then v1. */
#define TN_BUDGET_CGROUP_V2 "/sys/fs/cgroup/memory.max"
#define TN_BUDGET_CGROUP_V1 "/sys/fs/cgroup/memory/memory.limit_in_bytes"

/*
 * The memory limit in the first of `v2_path` and `v1_path` that holds one,
 * in bytes; 0 when neither exists or both say there is none ("max", or
 * v1's page-rounded 2^63 - 1).
 */
uint64_t tn_budget_cgroup_limit(const char *v2_path, const char *v1_path);

/*
 * Parses SIZE `text` into *bytes; a percentage is of `ram` bytes. A text
 * that is not a SIZE, a percentage outside (0, 100], a percentage when `ram`
 * is 0 and a size below TN_BUDGET_MIN_BYTES are TN_ERR_INPUT, the message
 * quoting `text` and saying what was expected (the caller puts the option's
 * name in front).
 */
bool tn_budget_parse(const char *text, uint64_t ram, uint64_t *bytes, tn_error *err);

/* Sets the budget for every database opened from now on (`bytes` from tn_budget_parse). */
void tn_budget_set(uint64_t bytes);

/*
 * The budget in bytes: the one set, else TN_BUDGET_DEFAULT_PERCENT of
 * physical RAM (at least TN_BUDGET_MIN_BYTES), else 0 when RAM is unknown,
 * meaning DuckDB's own default.
 */
uint64_t tn_budget_bytes(void);

enum { TN_BUDGET_TEXT = 32 };

/* `bytes` for people, in the units a SIZE takes: "1.0 GB", "300 MB" (into `out`). */
void tn_budget_format(uint64_t bytes, char out[TN_BUDGET_TEXT]);

#endif
