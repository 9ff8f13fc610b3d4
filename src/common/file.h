/*
 * file.h — writing output files so that nothing half-written is ever left
 * where a reader looks: the text goes to a hidden temporary file beside the
 * target (dir/.name.XXXXXX, mode 0644) and is renamed into place.
 *
 * A caller that writes one file uses tn_file_write_atomic; one that must
 * publish several together (analysis.json and analysis.md) writes each
 * temporary with tn_file_write_temporary and renames them once all are
 * written (tn_file_write_pair does that for two).
 */
#ifndef TN_COMMON_FILE_H
#define TN_COMMON_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/*
 * Writes `length` bytes of `text` to a new temporary file beside `path`;
 * its name goes to `temporary` (`size` bytes). On failure (TN_ERR_IO,
 * naming `path`) no temporary file is left.
 */
bool tn_file_write_temporary(const char *path, const char *text, size_t length, char *temporary,
                             size_t size, tn_error *err);

/* Writes `text` to `path` through a temporary file renamed into place (TN_ERR_IO on failure). */
bool tn_file_write_atomic(const char *path, const char *text, size_t length, tn_error *err);

/*
 * Publishes two files together (a report's .json and .md): both are written
 * to temporaries first, then renamed; on failure neither temporary is left.
 */
bool tn_file_write_pair(const char *first_path, const char *first, size_t first_length,
                        const char *second_path, const char *second, size_t second_length,
                        tn_error *err);

/*
 * `dir` exists as a directory or is created (its parent must exist).
 * Messages name the command-line option it came from ("--out reports: …"),
 * or only the directory when `option` is NULL. A NULL `dir` is fine.
 */
bool tn_file_make_dir(const char *option, const char *dir, tn_error *err);

#endif
