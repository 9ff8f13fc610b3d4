/*
 * memfile.c — an in-memory file for the fuzz targets (see memfile.h).
 */
#define _GNU_SOURCE /* memfd_create */
#include "memfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

const char *tn_fuzz_memfile(const uint8_t *data, size_t size) {
    static int fd = -1;
    static char path[32];
    if (fd < 0) {
        fd = memfd_create("tenure-fuzz", MFD_CLOEXEC);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (fd < 0 || ftruncate(fd, 0) != 0 ||
        (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size)) {
        perror("tenure-fuzz: memfd");
        abort();
    }
    return path;
}
