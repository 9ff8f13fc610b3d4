/*
 * cmd_run.c — `tenure run`: the whole pipeline, stage after stage.
 *
 * Runs generate → build → check → analyze → train → serve with their
 * defaults (design.md §1) and stops at the first stage that fails or is not
 * built yet, saying which one and how far it got.
 */
#include "cli/cli.h"

#include "common/log.h"

static const char *const pipeline_stages[] = {"generate", "build", "check",
                                              "analyze",  "train", "serve"};
enum { STAGE_COUNT = sizeof pipeline_stages / sizeof pipeline_stages[0] };

static int run_pipeline(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    for (int i = 0; i < STAGE_COUNT; i++) {
        const char *stage = pipeline_stages[i];
        const tn_command *command = tn_cli_find(stage);
        if (command == NULL || command->run == NULL) {
            tn_log_error("'%s' is not available yet; 'tenure run' stopped at stage %d of %d "
                         "(generate, build, check, analyze, train, serve)",
                         stage, i + 1, STAGE_COUNT);
            return 2;
        }
        tn_log_info("tenure run: stage %d of %d: %s", i + 1, STAGE_COUNT, stage);
        char *stage_argv[] = {(char *)stage, NULL};
        int status = tn_cli_dispatch(1, stage_argv);
        if (status != 0) {
            tn_log_error("'tenure run' stopped: stage '%s' failed (exit %d)", stage, status);
            return status;
        }
    }
    return 0;
}

const tn_command tn_cmd_run = {
    .summary = "the whole pipeline on the defaults: generate, build, check, analyze, train, serve",
    .spec = {.command = "run"},
    .run = run_pipeline,
};
