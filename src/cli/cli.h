/*
 * cli.h — the subcommands of `tenure` and how they are dispatched.
 *
 * Every subcommand is a tn_command: its name, a one-line summary, its
 * argument spec (which drives both parsing and --help) and a run function.
 * A command whose stage is not built yet has run == NULL: it still shows its
 * planned options under --help, and running it exits 2 with
 * "tenure: 'X' is not available yet".
 *
 * Dispatch order for `tenure X args…`: --help → print help, exit 0; not built →
 * exit 2; set the command's defaults, parse the arguments into them (exit 1
 * or 2 on a bad command line), then call run with the positional arguments.
 */
#ifndef TN_CLI_CLI_H
#define TN_CLI_CLI_H

#include <stddef.h>

#include "cli/cli_args.h"
#include "common/date.h"
#include "insight/alert_rules.h"
#include "warehouse/build.h"

typedef struct {
    const char *summary;        /* one line for `tenure --help` */
    const char *description;    /* a paragraph for `tenure X --help`; may be NULL */
    tn_arg_spec spec;           /* options and positional arguments */
    void (*set_defaults)(void); /* resets the option targets; may be NULL */
    /* Does the work; returns the exit status. NULL: not available yet. */
    int (*run)(int positional_count, char **positional);
} tn_command;

/* The command called `name`, or NULL. */
const tn_command *tn_cli_find(const char *name);

/* All commands, in the order `tenure --help` lists them; `*count` receives how many. */
const tn_command *const *tn_cli_commands(size_t *count);

/* Runs `argv[0]` (a command name) with its arguments; returns the exit status. */
int tn_cli_dispatch(int argc, char **argv);

/* The whole `tenure` program: argv[0] is the program name. Returns the exit status. */
int tn_cli_main(int argc, char **argv);

/* Prints the version of tenure and of the libraries it runs on. */
void tn_cli_print_version(FILE *out);

/*
 * Checks the exports of build->raw_dir and/or mapping_path
 * (tn_build_validate; with build->append, as an increment of the warehouse
 * build->db_path) and prints every problem to stdout; returns the exit
 * status. Shared by `tenure validate` and `tenure build --dry-run`;
 * `command` names the caller.
 */
int tn_validate_exports(const tn_build_options *build, const char *command);

/* The exit status of `tenure alerts` (and `score --project`) when a delivery failed. */
#define TN_ALERTS_EXIT_FAILED 3

/* What `tenure alerts` and `tenure score --project` share (cmd_alerts.c). */
typedef struct {
    const char *db_path;
    const char *as_of;   /* "YYYY-MM-DD"; NULL: the latest recorded */
    long lock_wait;      /* seconds to wait while another process holds the warehouse */
    const char *command; /* "alerts" or "score": the messages' prefix */
} tn_alerts_run;

/*
 * Reads the alerts section of the project file `project` (a file, or a
 * directory holding tenure.yml) into `config`; prints every problem to
 * stderr. Returns the exit status: 0, or 1 (2) when it failed, and then
 * nothing is left in `config`.
 */
int tn_alerts_load_config(const char *project, const char *command, tn_alert_config *config);

/*
 * Sends the alerts of `config` for run->as_of and logs them (insight/alerts.h):
 * the warehouse is read, released, the webhooks called, and the warehouse
 * opened again to write the log. Prints what it does; returns the exit
 * status (0, TN_ALERTS_EXIT_FAILED when a delivery failed, 1 on an error).
 */
int tn_alerts_deliver(const tn_alerts_run *run, const tn_alert_config *config);

/* The commands, each in its own cmd_<name>.c. */
extern const tn_command tn_cmd_generate;
extern const tn_command tn_cmd_init;
extern const tn_command tn_cmd_build;
extern const tn_command tn_cmd_validate;
extern const tn_command tn_cmd_check;
extern const tn_command tn_cmd_export;
extern const tn_command tn_cmd_analyze;
extern const tn_command tn_cmd_train;
extern const tn_command tn_cmd_backtest;
extern const tn_command tn_cmd_report;
extern const tn_command tn_cmd_score;
extern const tn_command tn_cmd_brief;
extern const tn_command tn_cmd_alerts;
extern const tn_command tn_cmd_serve;
extern const tn_command tn_cmd_sql;
extern const tn_command tn_cmd_render;
extern const tn_command tn_cmd_run;

#endif
