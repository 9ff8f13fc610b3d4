/*
 * duckdb_leaks.c — for the targets that run DuckDB: LeakSanitizer is told
 * that what DuckDB (C++, uninstrumented) allocates is not a leak of ours.
 * It keeps caches for the life of the process, which LeakSanitizer would
 * otherwise report after an input or at exit. Leaks of Tenure's own C code
 * are still found: none of its allocations goes through libstdc++.
 */
const char *__lsan_default_suppressions(void);

const char *__lsan_default_suppressions(void) {
    return "leak:libduckdb.so\nleak:libstdc++.so\n";
}
