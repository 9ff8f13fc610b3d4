/*
 * file.c — output files written through a temporary and a rename (see file.h).
 */
#include "common/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool tn_file_write_temporary(const char *path, const char *text, size_t length, char *temporary,
                             size_t size, tn_error *err) {
    const char *slash = strrchr(path, '/');
    int dir_length = slash != NULL ? (int)(slash - path + 1) : 0;
    const char *name = path + dir_length;
    if (snprintf(temporary, size, "%.*s.%s.XXXXXX", dir_length, path, name) >= (int)size)
        return tn_error_set(err, TN_ERR_IO, "%s: the path is too long", path);
    int fd = mkstemp(temporary);
    if (fd >= 0)
        fchmod(fd, 0644); /* mkstemp makes 0600; what Tenure writes is for reading */
    FILE *file = fd >= 0 ? fdopen(fd, "w") : NULL;
    bool ok = file != NULL && fwrite(text, 1, length, file) == length;
    if (file != NULL && fclose(file) != 0)
        ok = false;
    else if (file == NULL && fd >= 0)
        close(fd);
    if (!ok) {
        tn_error_set(err, TN_ERR_IO, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            unlink(temporary);
    }
    return ok;
}

bool tn_file_write_atomic(const char *path, const char *text, size_t length, tn_error *err) {
    char temporary[4200];
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
    char first_tmp[4200], second_tmp[4200];
    if (!tn_file_write_temporary(first_path, first, first_length, first_tmp, sizeof first_tmp, err))
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
