/*
 * main.c — the `tenure` executable: set up logging, hand over to the CLI.
 */
#include "cli/cli.h"
#include "common/log.h"

int main(int argc, char **argv) {
    tn_log_init(false);
    return tn_cli_main(argc, argv);
}
