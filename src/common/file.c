/*
 * file.c — output files written through a temporary and a rename, and our
 * own temporary directories (see file.h).
 */
#include "common/file.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { STALE_AFTER_SECONDS = 3600 }; /* for the older names, which carry no pid */

/* What a file that is not a regular file is, for messages. */
static const char *kind_of(mode_t mode) {
    if (S_ISLNK(mode))
        return "a symbolic link";
    if (S_ISFIFO(mode))
        return "a named pipe (FIFO)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

bool tn_file_check_target(const char *path, tn_error *err) {
    struct stat info;
    if (lstat(path, &info) != 0)
        return errno == ENOENT ? true
                               : tn_error_set(err, TN_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISREG(info.st_mode))
        return true;
    return tn_error_set(err, TN_ERR_INPUT,
                        "%s is %s, not a regular file: Tenure writes only regular files (it "
                        "would replace it with one); give another path",
                        path, kind_of(info.st_mode));
}

bool tn_file_out_open(tn_file_out *out, const char *path, tn_error *err) {
    out->stream = NULL;
    out->temporary[0] = '\0';
    const char *slash = strrchr(path, '/');
    int dir_length = slash != NULL ? (int)(slash - path + 1) : 0;
    if (snprintf(out->path, sizeof out->path, "%s", path) >= (int)sizeof out->path ||
        snprintf(out->temporary, sizeof out->temporary, "%.*s.%s.XXXXXX", dir_length, path,
                 path + dir_length) >= (int)sizeof out->temporary)
        return tn_error_set(err, TN_ERR_IO, "%s: the path is too long", path);
    if (!tn_file_check_target(path, err))
        return false;
    int fd = mkstemp(out->temporary);
    if (fd < 0)
        return tn_error_set(err, TN_ERR_IO, "%s: %s", path, strerror(errno));
    fchmod(fd, 0644); /* mkstemp makes 0600; what Tenure writes is for reading */
    out->stream = fdopen(fd, "w");
    if (out->stream != NULL)
        return true;
    tn_error_set(err, TN_ERR_IO, "%s: %s", path, strerror(errno));
    close(fd);
    unlink(out->temporary);
    return false;
}

/* Closes the stream; false (TN_ERR_IO) when anything written was lost. */
static bool close_stream(tn_file_out *out, tn_error *err) {
    bool ok = !ferror(out->stream);
    errno = ok ? 0 : EIO;
    if (fclose(out->stream) != 0)
        ok = false;
    out->stream = NULL;
    if (!ok) {
        tn_error_set(err, TN_ERR_IO, "%s: %s", out->path, strerror(errno ? errno : EIO));
        unlink(out->temporary);
    }
    return ok;
}

bool tn_file_out_commit(tn_file_out *out, tn_error *err) {
    if (!close_stream(out, err))
        return false;
    if (rename(out->temporary, out->path) == 0)
        return true;
    tn_error_set(err, TN_ERR_IO, "%s: %s", out->path, strerror(errno));
    unlink(out->temporary);
    return false;
}

void tn_file_out_abandon(tn_file_out *out) {
    if (out->stream != NULL)
        fclose(out->stream);
    out->stream = NULL;
    unlink(out->temporary);
}

bool tn_file_write_temporary(const char *path, const char *text, size_t length, char *temporary,
                             size_t size, tn_error *err) {
    tn_file_out out;
    if (!tn_file_out_open(&out, path, err))
        return false;
    if (fwrite(text, 1, length, out.stream) != length) {
        tn_error_set(err, TN_ERR_IO, "%s: %s", path, strerror(errno));
        tn_file_out_abandon(&out);
        return false;
    }
    if (!close_stream(&out, err))
        return false;
    if (snprintf(temporary, size, "%s", out.temporary) < (int)size)
        return true;
    unlink(out.temporary);
    return tn_error_set(err, TN_ERR_IO, "%s: the path is too long", path);
}

bool tn_file_write_atomic(const char *path, const char *text, size_t length, tn_error *err) {
    char temporary[TN_FILE_PATH_MAX];
    if (!tn_file_write_temporary(path, text, length, temporary, sizeof temporary, err))
        return false;
    if (rename(temporary, path) == 0)
        return true;
    tn_error_set(err, TN_ERR_IO, "%s: %s", path, strerror(errno));
    unlink(temporary);
    return false;
}

bool tn_file_make_dir(const char *option, const char *dir, tn_error *err) {
    struct stat info;
    if (dir == NULL)
        return true;
    const char *space = option != NULL ? " " : "";
    option = option != NULL ? option : "";
    if (stat(dir, &info) == 0)
        return S_ISDIR(info.st_mode)
                   ? true
                   : tn_error_set(err, TN_ERR_IO, "%s%s%s: not a directory", option, space, dir);
    if (mkdir(dir, 0777) != 0)
        return tn_error_set(err, TN_ERR_IO, "%s%s%s: cannot create the directory: %s", option,
                            space, dir, strerror(errno));
    return true;
}

bool tn_file_write_pair(const char *first_path, const char *first, size_t first_length,
                        const char *second_path, const char *second, size_t second_length,
                        tn_error *err) {
    char first_tmp[TN_FILE_PATH_MAX], second_tmp[TN_FILE_PATH_MAX];
    if (!tn_file_check_target(second_path, err) ||
        !tn_file_write_temporary(first_path, first, first_length, first_tmp, sizeof first_tmp, err))
        return false;
    if (!tn_file_write_temporary(second_path, second, second_length, second_tmp, sizeof second_tmp,
                                 err)) {
        unlink(first_tmp);
        return false;
    }
    const char *failed = rename(first_tmp, first_path) != 0     ? first_path
                         : rename(second_tmp, second_path) != 0 ? second_path
                                                                : NULL;
    if (failed == NULL)
        return true;
    tn_error_set(err, TN_ERR_IO, "%s: %s", failed, strerror(errno));
    unlink(first_tmp);
    unlink(second_tmp);
    return false;
}

bool tn_file_make_temporary_dir(const char *parent, const char *prefix, char *out, size_t size,
                                tn_error *err) {
    if (snprintf(out, size, "%s/%s%ld-XXXXXX", parent, prefix, (long)getpid()) >= (int)size)
        return tn_error_set(err, TN_ERR_IO, "%s: the path is too long", parent);
    if (mkdtemp(out) != NULL)
        return true;
    tn_error_set(err, TN_ERR_IO, "%s: cannot create a temporary directory there: %s", parent,
                 strerror(errno));
    out[0] = '\0';
    return false;
}

/* `dir`/`name` into `out`; false when it does not fit. */
static bool join(char *out, size_t size, const char *dir, const char *name) {
    int length = snprintf(out, size, "%s/%s", dir, name);
    return length >= 0 && (size_t)length < size;
}

/* mkdtemp's six characters. */
static bool is_template_tail(const char *text) {
    size_t n = 0;
    while (text[n] != '\0' && isalnum((unsigned char)text[n]))
        n++;
    return n == 6 && text[n] == '\0';
}

/* True when nothing in `dir` (nor `dir`) changed in the last STALE_AFTER_SECONDS. */
static bool untouched_for_long(const char *dir) {
    time_t limit = time(NULL) - STALE_AFTER_SECONDS;
    struct stat info;
    if (lstat(dir, &info) != 0 || info.st_mtime > limit)
        return false;
    DIR *listing = opendir(dir);
    struct dirent *entry;
    bool old = listing != NULL;
    while (old && (entry = readdir(listing)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char path[TN_FILE_PATH_MAX];
        old = join(path, sizeof path, dir, entry->d_name) && lstat(path, &info) == 0 &&
              info.st_mtime <= limit;
    }
    if (listing != NULL)
        closedir(listing);
    return old;
}

/* Whether `name` (after the prefix) is one of our temporaries left by a run that is gone. */
static bool is_stale(const char *parent, const char *name, size_t prefix_length) {
    const char *rest = name + prefix_length;
    char path[TN_FILE_PATH_MAX];
    struct stat info;
    if (!join(path, sizeof path, parent, name) || lstat(path, &info) != 0 || !S_ISDIR(info.st_mode))
        return false;
    if (is_template_tail(rest)) /* the older name, without a pid */
        return untouched_for_long(path);
    char *end;
    errno = 0;
    long pid = isdigit((unsigned char)rest[0]) ? strtol(rest, &end, 10) : 0;
    if (pid <= 0 || errno != 0 || *end != '-' || !is_template_tail(end + 1) ||
        pid == (long)getpid())
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

size_t tn_file_remove_stale(const char *parent, const char *prefix, tn_file_remover remove,
                            void *context) {
    DIR *listing = opendir(parent);
    if (listing == NULL)
        return 0;
    size_t removed = 0, prefix_length = strlen(prefix);
    struct dirent *entry;
    while ((entry = readdir(listing)) != NULL) {
        if (strncmp(entry->d_name, prefix, prefix_length) != 0 ||
            !is_stale(parent, entry->d_name, prefix_length))
            continue;
        char path[TN_FILE_PATH_MAX];
        if (join(path, sizeof path, parent, entry->d_name))
            removed += remove(path, context);
    }
    closedir(listing);
    return removed;
}

/* Whether `accept` says yes to every entry of `dir` but "." and ".." (false if it cannot be read).
 */
static bool every_entry(const char *dir,
                        bool (*accept)(const char *dir, const char *name, const void *context),
                        const void *context) {
    DIR *listing = opendir(dir);
    struct dirent *entry;
    bool every = listing != NULL;
    while (every && (entry = readdir(listing)) != NULL)
        every = strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0 ||
                accept(dir, entry->d_name, context);
    if (listing != NULL)
        closedir(listing);
    return every;
}

/* An entry that is one of `names` (a NULL-terminated const char *const *). */
static bool is_named(const char *dir, const char *name, const void *names) {
    (void)dir;
    for (const char *const *known = names; *known != NULL; known++)
        if (strcmp(name, *known) == 0)
            return true;
    return false;
}

bool tn_file_remove_named(const char *dir, void *names) {
    if (!every_entry(dir, is_named, names))
        return false;
    for (const char *const *name = names; *name != NULL; name++) {
        char path[TN_FILE_PATH_MAX];
        struct stat info;
        if (join(path, sizeof path, dir, *name) && lstat(path, &info) == 0 &&
            (S_ISREG(info.st_mode) || S_ISLNK(info.st_mode)))
            unlink(path);
    }
    return rmdir(dir) == 0;
}

/* An entry that is a regular file whose name starts with `prefix` (a const char *). */
static bool is_prefixed_file(const char *dir, const char *name, const void *prefix) {
    char path[TN_FILE_PATH_MAX];
    struct stat info;
    return strncmp(name, prefix, strlen(prefix)) == 0 && join(path, sizeof path, dir, name) &&
           lstat(path, &info) == 0 && S_ISREG(info.st_mode);
}

bool tn_file_remove_prefixed(const char *dir, void *prefix) {
    if (!every_entry(dir, is_prefixed_file, prefix))
        return false;
    DIR *listing = opendir(dir);
    struct dirent *entry;
    while (listing != NULL && (entry = readdir(listing)) != NULL) {
        char path[TN_FILE_PATH_MAX];
        if (strncmp(entry->d_name, prefix, strlen(prefix)) == 0 &&
            join(path, sizeof path, dir, entry->d_name))
            unlink(path);
    }
    if (listing != NULL)
        closedir(listing);
    return rmdir(dir) == 0;
}
