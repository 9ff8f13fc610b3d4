/*
 * cmd_run.c — `tenure run`: the whole pipeline, stage after stage.
 *
 * Runs generate → build → check → analyze → train → score → report →
 * serve and stops at the first stage that fails or is not built yet, saying which
 * one and how far it got. --db goes to every stage; --customers and --seed
 * to generate; --port to serve; score writes reports/scores.csv and records the
 * as-of date in the score history (and with --project FILE sends the alerts
 * of FILE's rules, as `tenure score --project` does); serve runs until
 * Ctrl-C or SIGTERM. The
 * port is checked before the first stage, so a busy one is found at once.
 */
#include "cli/cli.h"

#include <stdio.h>

#include "common/log.h"
#include "serve/server.h"

static const char *const pipeline_stages[] = {"generate", "build", "check",  "analyze",
                                              "train",    "score", "report", "serve"};
enum { STAGE_COUNT = sizeof pipeline_stages / sizeof pipeline_stages[0], MAX_STAGE_ARGS = 12 };

static struct {
    const char *db_path, *project;
    long customers;
    long seed;
    long port;
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.customers = 5000;
    options.seed = 42;
    options.port = 8000;
    options.project = NULL;
}

static const tn_arg run_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"customers", TN_ARG_INT, "N", "customers of the generated company (default 5000)",
     &options.customers, 1, 1000000},
    {"seed", TN_ARG_INT, "S", "random seed of the generated company (default 42)", &options.seed, 0,
     2147483647},
    {"port", TN_ARG_INT, "PORT", "port the server listens on (default 8000; 0: any free port)",
     &options.port, 0, 65535},
    {"project", TN_ARG_STRING, "FILE",
     "the score stage sends the alerts of FILE's rules when it records a new as-of date",
     &options.project, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

/* The command line `stage` runs with inside the pipeline. */
static int stage_arguments(const char *stage, char *customers, char *seed, char *port,
                           char **argv) {
    int argc = 0;
    argv[argc++] = (char *)stage;
    argv[argc++] = "--db";
    argv[argc++] = (char *)options.db_path;
    if (tn_log_is_quiet())
        argv[argc++] = "--quiet";
    if (stage == pipeline_stages[0]) {
        argv[argc++] = "--customers";
        argv[argc++] = customers;
        argv[argc++] = "--seed";
        argv[argc++] = seed;
    }
    if (stage == pipeline_stages[5]) { /* score */
        argv[argc++] = "--all";
        argv[argc++] = "--out";
        argv[argc++] = "reports/scores.csv";
        if (options.project != NULL) {
            argv[argc++] = "--project";
            argv[argc++] = (char *)options.project;
        }
    }
    if (stage == pipeline_stages[STAGE_COUNT - 1]) {
        argv[argc++] = "--port";
        argv[argc++] = port;
    }
    argv[argc] = NULL;
    return argc;
}

static int run_pipeline(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    char customers[24], seed[24], port[24];
    snprintf(customers, sizeof customers, "%ld", options.customers);
    snprintf(seed, sizeof seed, "%ld", options.seed);
    snprintf(port, sizeof port, "%ld", options.port);
    tn_error err;
    tn_error_clear(&err);
    if (!tn_serve_port_free("127.0.0.1", options.port, &err)) { /* serve's default host */
        tn_log_error("run: %s; 'make run PORT=N' passes it on", err.message);
        return tn_error_exit_status(&err);
    }
    for (int i = 0; i < STAGE_COUNT; i++) {
        const char *stage = pipeline_stages[i];
        const tn_command *command = tn_cli_find(stage);
        if (command == NULL || command->run == NULL) {
            tn_log_error("'%s' is not available yet; 'tenure run' stopped at stage %d of %d "
                         "(generate, build, check, analyze, train, score, report, serve)",
                         stage, i + 1, STAGE_COUNT);
            return 2;
        }
        tn_log_info("tenure run: stage %d of %d: %s", i + 1, STAGE_COUNT, stage);
        char *stage_argv[MAX_STAGE_ARGS];
        int stage_argc = stage_arguments(stage, customers, seed, port, stage_argv);
        int status = tn_cli_dispatch(stage_argc, stage_argv);
        if (status != 0) {
            tn_log_error("'tenure run' stopped: stage '%s' failed (exit %d)", stage, status);
            return status;
        }
    }
    return 0;
}

const tn_command tn_cmd_run = {
    .summary = "the whole pipeline on the defaults: generate, build, check, analyze, train, score, "
               "report, serve",
    .spec = {.command = "run", .args = run_args},
    .set_defaults = set_defaults,
    .run = run_pipeline,
};
