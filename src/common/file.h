/*
 * file.h — writing output files so that nothing half-written is ever left
 * where a reader looks, and nothing that is not ours is ever replaced.
 *
 * The text goes to a hidden temporary file beside the target
 * (dir/.name.XXXXXX, mode 0644) and is renamed into place. Only a regular
 * file is ever replaced: an existing target that is a symbolic link, a
 * named pipe, a device, a socket or a directory is refused (TN_ERR_INPUT,
 * naming the path and what it is), since renaming over it would put a
 * regular file where the user had something else.
 *
 * A caller that writes one file uses tn_file_write_atomic, or streams it
 * through a tn_file_out; one that must publish several together
 * (analysis.json and analysis.md) writes each temporary with
 * tn_file_write_temporary and renames them once all are written
 * (tn_file_write_pair does that for two).
 *
 * Temporary directories of our own carry the pid of the process that made
 * them (<prefix><pid>-XXXXXX), so a later run can tell the leftovers of a
 * run that was killed from the work of one still running, and remove them
 * (tn_file_remove_stale).
 */
#ifndef TN_COMMON_FILE_H
#define TN_COMMON_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/error.h"

enum { TN_FILE_PATH_MAX = 4200 };

/*
 * True when Tenure may write `path`: nothing is there, or a regular file.
 * Otherwise TN_ERR_INPUT: "PATH is a named pipe (FIFO), not a regular file: …".
 */
bool tn_file_check_target(const char *path, tn_error *err);

/* An output file being written: the stream goes to a temporary beside `path`. */
typedef struct {
    FILE *stream;
    char path[TN_FILE_PATH_MAX];
    char temporary[TN_FILE_PATH_MAX];
} tn_file_out;

/*
 * Checks the target (tn_file_check_target) and opens a new temporary file
 * beside `path` for writing; out->stream is then the caller's to write to.
 * On failure nothing is left and out->stream is NULL.
 */
bool tn_file_out_open(tn_file_out *out, const char *path, tn_error *err);

/*
 * Closes the stream and renames the temporary onto the path. On failure
 * (a write error on the stream, a full disk, a failed rename: TN_ERR_IO
 * naming the path) the temporary is removed and the target is as it was.
 */
bool tn_file_out_commit(tn_file_out *out, tn_error *err);

/* Closes the stream and removes the temporary: the target is untouched. */
void tn_file_out_abandon(tn_file_out *out);

/*
 * Writes `length` bytes of `text` to a new temporary file beside `path`;
 * its name goes to `temporary` (`size` bytes). On failure (TN_ERR_IO,
 * naming `path`, or TN_ERR_INPUT when `path` is not ours to replace) no
 * temporary file is left.
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

/*
 * Creates a new private directory `parent`/<prefix><pid>-XXXXXX (mode
 * 0700) and writes its path to `out` (`size` bytes). TN_ERR_IO on failure.
 */
bool tn_file_make_temporary_dir(const char *parent, const char *prefix, char *out, size_t size,
                                tn_error *err);

/*
 * Removes what a caller put into one of its temporary directories, then the
 * directory; false when anything is left (it was not all ours).
 */
typedef bool (*tn_file_remover)(const char *dir, void *context);

/*
 * Removes the leftovers of our own killed runs from `parent`: directories
 * named <prefix><pid>-XXXXXX whose process no longer exists (kill(pid, 0)
 * says ESRCH), and, as older versions named them, <prefix>XXXXXX when
 * nothing in them changed for an hour. `remove` empties each one. Nothing
 * else is touched: not files, not links, not other names, not the
 * directories of live processes. Returns how many were removed.
 */
size_t tn_file_remove_stale(const char *parent, const char *prefix, tn_file_remover remove,
                            void *context);

/*
 * A tn_file_remover for a directory of known files: when `dir` holds nothing
 * but entries named in `names` (a NULL-terminated array), removes them
 * (regular files and links only) and then `dir`; otherwise removes nothing.
 */
bool tn_file_remove_named(const char *dir, void *names);

/*
 * A tn_file_remover for a directory of files another library names: when
 * `dir` holds nothing but regular files whose names start with `prefix` (a
 * const char *), removes them and then `dir`; otherwise removes nothing.
 */
bool tn_file_remove_prefixed(const char *dir, void *prefix);

#endif
