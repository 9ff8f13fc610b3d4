/*
 * project_file.h — the scratch project file (tenure.yml) that the mapping's
 * and the alerts' unit tests write, read back and remove, and the data
 * contract both readers are given. Include it once, in a cmocka test file.
 */
#ifndef TN_TEST_PROJECT_FILE_H
#define TN_TEST_PROJECT_FILE_H

#include <stdio.h>
#include <unistd.h>

#include "warehouse/contract.h"

/* The file written by write_yaml and removed by remove_yaml: /tmp/tenure-<pid>.yml. */
static char path[64];

/* The contract, loaded once by the group set-up load_contract. */
static tn_contract contract;

static int load_contract(void **state) {
    (void)state;
    tn_error err;
    if (!tn_contract_load(&contract, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    return 0;
}

static void write_yaml(const char *text) {
    snprintf(path, sizeof path, "/tmp/tenure-%d.yml", (int)getpid());
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs(text, file);
    fclose(file);
}

/* A cmocka teardown. */
static int remove_yaml(void **state) {
    (void)state;
    unlink(path);
    return 0;
}

#endif
