/*
 * commands_planned.c — the subcommands whose stage is not built yet.
 *
 * Each is listed with the options it will take (design.md §6 and its issue),
 * so `tenure X --help` shows the whole surface from day one, and running it
 * exits 2 with "not available yet". When a stage is built its entry moves to
 * its own cmd_<name>.c with a run function.
 */
#include "cli/cli.h"

#define END_OF_ARGS                                                                                \
    { NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0 }
#define DB_ARG                                                                                     \
    { "db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)", NULL, 0, 0 }
#define MODELS_ARG                                                                                 \
    { "models", TN_ARG_STRING, "DIR", "model directory (default models)", NULL, 0, 0 }

static const tn_arg serve_args[] = {
    DB_ARG,
    MODELS_ARG,
    {"host", TN_ARG_STRING, "ADDR", "address to listen on (default 127.0.0.1)", NULL, 0, 0},
    {"port", TN_ARG_INT, "PORT", "port to listen on (default 8000)", NULL, 1, 65535},
    {"threads", TN_ARG_INT, "N", "worker threads (default: number of cores)", NULL, 1, 256},
    {"cors-origin", TN_ARG_LIST, "ORIGIN", "allow browser requests from ORIGIN (repeatable)", NULL,
     0, 0},
    {"api-key-file", TN_ARG_STRING, "FILE", "require 'Authorization: Bearer <key>'", NULL, 0, 0},
    {"access-log", TN_ARG_STRING, "FILE", "log every request to FILE ('-' for stderr)", NULL, 0, 0},
    END_OF_ARGS,
};

const tn_command tn_cmd_serve = {
    .summary = "serve the prediction API and the dashboard",
    .spec = {.command = "serve", .args = serve_args},
};
