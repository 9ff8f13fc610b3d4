/*
 * main.c — the `tenure` executable: set up logging, hand over to the CLI.
 */
#include <gsl/gsl_errno.h>

#include "cli/cli.h"
#include "common/log.h"

int main(int argc, char **argv) {
    /* GSL's default handler aborts; Tenure checks every GSL return value instead. */
    gsl_set_error_handler_off();
    tn_log_init(false);
    return tn_cli_main(argc, argv);
}
