/*
 * memfile.h — the fuzzer's bytes as a file with a path, kept in memory
 * (memfd), for code that opens files by name (the CSV line scanner, the
 * project-file reader). Nothing touches the disk, and nothing is left
 * behind when a run stops.
 */
#ifndef TN_FUZZ_MEMFILE_H
#define TN_FUZZ_MEMFILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Replaces the file's contents with `size` bytes of `data` and returns its
 * path ("/proc/self/fd/N"; the same file on every call). Aborts when the
 * file cannot be made or written.
 */
const char *tn_fuzz_memfile(const uint8_t *data, size_t size);

#endif
