/*
 * test_file.c — output files (common/file.h): only regular files are
 * replaced, a stream is published by rename or abandoned without a trace,
 * and the removal of stale temporary directories takes ours and nothing
 * else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/file.h"

static char root[256];

static int make_root(void **state) {
    (void)state;
    snprintf(root, sizeof root, "%s/tenure-test-file.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(root) != NULL ? 0 : -1;
}

static int remove_root(void **state) {
    (void)state;
    char command[512];
    snprintf(command, sizeof command, "rm -rf '%s'", root);
    return system(command) == 0 ? 0 : -1;
}

static const char *in_root(const char *name) {
    static char paths[8][512];
    static int next;
    char *path = paths[next++ % 8];
    snprintf(path, 512, "%s/%s", root, name);
    return path;
}

static void write_text(const char *path, const char *text) {
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs(text, file);
    fclose(file);
}

static size_t entries(const char *dir) {
    char command[600];
    snprintf(command, sizeof command, "ls -A '%s' | wc -l", dir);
    FILE *pipe = popen(command, "r");
    unsigned long count = 0;
    assert_int_equal(fscanf(pipe, "%lu", &count), 1);
    pclose(pipe);
    return count;
}

static void test_only_regular_files_are_replaced(void **state) {
    (void)state;
    tn_error err;
    assert_true(tn_file_check_target(in_root("new.txt"), &err));
    write_text(in_root("file.txt"), "old");
    assert_true(tn_file_write_atomic(in_root("file.txt"), "new", 3, &err));
    assert_int_equal(symlink(in_root("file.txt"), in_root("link")), 0);
    assert_int_equal(mkfifo(in_root("fifo"), 0600), 0);
    assert_int_equal(mkdir(in_root("dir"), 0700), 0);
    const char *const kinds[][2] = {
        {"link", "a symbolic link"}, {"fifo", "a named pipe (FIFO)"}, {"dir", "a directory"}};
    for (int k = 0; k < 3; k++) {
        tn_error_clear(&err);
        assert_false(tn_file_write_atomic(in_root(kinds[k][0]), "x", 1, &err));
        assert_int_equal(err.code, TN_ERR_INPUT);
        assert_non_null(strstr(err.message, kinds[k][1]));
        assert_non_null(strstr(err.message, in_root(kinds[k][0])));
    }
    struct stat info;
    assert_int_equal(lstat(in_root("link"), &info), 0);
    assert_true(S_ISLNK(info.st_mode));
    assert_int_equal(lstat(in_root("fifo"), &info), 0);
    assert_true(S_ISFIFO(info.st_mode));
    assert_int_equal(entries(root), 4); /* file.txt, link, fifo, dir: no temporary left */
}

static void test_a_stream_is_committed_or_abandoned(void **state) {
    (void)state;
    tn_error err;
    tn_file_out out;
    assert_true(tn_file_out_open(&out, in_root("scores.csv"), &err));
    fputs("a,b\n", out.stream);
    assert_true(tn_file_out_commit(&out, &err));
    assert_true(tn_file_out_open(&out, in_root("scores.csv"), &err));
    fputs("half", out.stream);
    tn_file_out_abandon(&out);
    char text[16] = "";
    FILE *file = fopen(in_root("scores.csv"), "r");
    assert_non_null(fgets(text, sizeof text, file));
    fclose(file);
    assert_string_equal(text, "a,b\n");
    assert_int_equal(entries(root), 1);
}

/* A pid that no longer runs: a child that has exited and been reaped. */
static long dead_pid(void) {
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    return (long)child;
}

static void test_stale_temporaries_and_nothing_else(void **state) {
    (void)state;
    static const char *const names[] = {"customers.csv", NULL};
    char dir[512], made[TN_FILE_PATH_MAX];
    long dead = dead_pid();
    tn_error err;
    assert_true(tn_file_make_temporary_dir(root, ".tenure-x-", made, sizeof made, &err));
    snprintf(dir, sizeof dir, "%s/.tenure-x-%ld-", root, (long)getpid());
    assert_int_equal(strncmp(made, dir, strlen(dir)), 0); /* ours, live: kept */
    const char *const stale[] = {".tenure-x-%ld-aaaaaa", ".tenure-x-%ld-bbbbbb"};
    for (int i = 0; i < 2; i++) {
        char name[64], file[600];
        snprintf(name, sizeof name, stale[i], dead);
        assert_int_equal(mkdir(in_root(name), 0700), 0);
        snprintf(file, sizeof file, "%s/customers.csv", in_root(name));
        if (i == 0)
            write_text(file, "x"); /* one with our file, one empty: both go */
    }
    snprintf(dir, sizeof dir, ".tenure-x-%ld-cccccc", dead); /* someone else's file inside: kept */
    assert_int_equal(mkdir(in_root(dir), 0700), 0);
    char notes[600];
    snprintf(notes, sizeof notes, "%s/notes.txt", in_root(dir));
    write_text(notes, "mine");
    assert_int_equal(mkdir(in_root(".tenure-x-dddddd"), 0700), 0); /* older name, recent: kept */
    assert_int_equal(mkdir(in_root(".tenure-x-12a-eeeeee"), 0700), 0); /* not a pid: kept */
    assert_int_equal(mkdir(in_root("tenure-x-1-ffffff"), 0700), 0);    /* not the prefix: kept */
    snprintf(dir, sizeof dir, ".tenure-x-%ld-gggggg", dead);           /* a file: kept */
    write_text(in_root(dir), "file");
    assert_int_equal(tn_file_remove_stale(root, ".tenure-x-", tn_file_remove_named, (void *)names),
                     2);
    assert_int_equal(entries(root), 6);
    assert_int_equal(access(notes, F_OK), 0);
    struct timespec old[2] = {{time(NULL) - 7200, 0}, {time(NULL) - 7200, 0}};
    assert_int_equal(utimensat(AT_FDCWD, in_root(".tenure-x-dddddd"), old, 0), 0);
    assert_int_equal(tn_file_remove_stale(root, ".tenure-x-", tn_file_remove_named, (void *)names),
                     1); /* the older name, untouched for two hours */
    assert_int_equal(entries(root), 5);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_only_regular_files_are_replaced, make_root,
                                        remove_root),
        cmocka_unit_test_setup_teardown(test_a_stream_is_committed_or_abandoned, make_root,
                                        remove_root),
        cmocka_unit_test_setup_teardown(test_stale_temporaries_and_nothing_else, make_root,
                                        remove_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
