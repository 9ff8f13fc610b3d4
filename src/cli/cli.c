/*
 * cli.c — the command registry, `tenure --help`, and dispatch (see cli.h).
 */
#include "cli/cli.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/budget.h"
#include "common/log.h"

/* The order of `tenure --help`: the pipeline's stages first, then the tools. */
static const tn_command *const all_commands[] = {
    &tn_cmd_generate, &tn_cmd_init,    &tn_cmd_validate, &tn_cmd_build,    &tn_cmd_check,
    &tn_cmd_export,   &tn_cmd_analyze, &tn_cmd_train,    &tn_cmd_backtest, &tn_cmd_report,
    &tn_cmd_score,    &tn_cmd_brief,   &tn_cmd_alerts,   &tn_cmd_serve,    &tn_cmd_sql,
    &tn_cmd_render,   &tn_cmd_run,
};

const tn_command *const *tn_cli_commands(size_t *count) {
    *count = sizeof all_commands / sizeof all_commands[0];
    return all_commands;
}

const tn_command *tn_cli_find(const char *name) {
    size_t count;
    const tn_command *const *commands = tn_cli_commands(&count);
    for (size_t i = 0; i < count; i++) {
        if (strcmp(commands[i]->spec.command, name) == 0)
            return commands[i];
    }
    return NULL;
}

static void print_command_help(const tn_command *command, FILE *out) {
    fputs("Usage: ", out);
    tn_args_print_synopsis(&command->spec, out);
    /* the summary is written to follow "tenure X:" in lists; here it starts a sentence */
    fprintf(out, "\n\n%c%s.\n", toupper((unsigned char)command->summary[0]), command->summary + 1);
    if (command->run == NULL)
        fputs("(Not available yet: this stage is still being built.)\n", out);
    if (command->description != NULL)
        fprintf(out, "\n%s\n", command->description);
    fputc('\n', out);
    tn_args_print_options(&command->spec, out);
}

static void print_main_help(FILE *out) {
    fputs("tenure: customer intelligence for B2B SaaS (churn, expansion, survival).\n\n"
          "Usage: tenure <command> [options]\n\nCommands:\n",
          out);
    size_t count;
    const tn_command *const *commands = tn_cli_commands(&count);
    for (size_t i = 0; i < count; i++) {
        fprintf(out, "  %-10s %s%s\n", commands[i]->spec.command, commands[i]->summary,
                commands[i]->run == NULL ? " (not available yet)" : "");
    }
    fputs("\nRun 'tenure <command> --help' for a command's options, 'tenure --version' for\n"
          "the versions of tenure and its libraries.\n",
          out);
}

/*
 * The memory budget: --memory-limit, else $TENURE_MEMORY_LIMIT (same
 * syntax), else the default (common/budget.h). A bad value in the
 * environment is TN_ERR_INPUT naming the variable.
 */
static bool set_memory_budget(const char *command, uint64_t option, tn_error *err) {
    const char *environment = getenv(TN_BUDGET_ENV);
    uint64_t bytes = option;
    if (bytes == 0 && environment != NULL &&
        !tn_budget_parse(environment, tn_budget_physical_ram(), &bytes, err)) {
        tn_error_prefix(err, "tenure %s: %s", command, TN_BUDGET_ENV);
        return false;
    }
    tn_budget_set(bytes); /* 0: the default */
    return true;
}

int tn_cli_dispatch(int argc, char **argv) {
    const tn_command *command = tn_cli_find(argv[0]);
    if (command == NULL) {
        tn_log_error("'%s' is not a tenure command (see 'tenure --help')", argv[0]);
        return 2;
    }
    if (tn_args_wants_help(argc, argv)) {
        print_command_help(command, stdout);
        return 0;
    }
    if (command->run == NULL) {
        tn_log_error("'%s' is not available yet", argv[0]);
        return 2;
    }
    if (command->set_defaults != NULL)
        command->set_defaults();
    tn_args_common common = {.quiet = tn_log_is_quiet(), .memory_limit = 0};
    int positional_count = 0;
    tn_error err;
    tn_error_clear(&err);
    tn_args_result parsed =
        tn_args_parse(&command->spec, argc, argv, &positional_count, &common, &err);
    if (parsed == TN_ARGS_HELP) {
        print_command_help(command, stdout);
        return 0;
    }
    if (parsed == TN_ARGS_ERROR ||
        !set_memory_budget(command->spec.command, common.memory_limit, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return tn_error_exit_status(&err);
    }
    if (common.quiet && !tn_log_is_quiet())
        tn_log_init(true);
    return command->run(positional_count, argv + 1);
}

int tn_cli_main(int argc, char **argv) {
    if (argc < 2) {
        print_main_help(stderr);
        return 2;
    }
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 ||
        (strcmp(first, "help") == 0 && argc == 2)) {
        print_main_help(stdout);
        return 0;
    }
    if (strcmp(first, "--version") == 0 || strcmp(first, "version") == 0) {
        tn_cli_print_version(stdout);
        return 0;
    }
    if (strcmp(first, "help") == 0) {
        char *help_argv[] = {argv[2], "--help", NULL};
        return tn_cli_dispatch(2, help_argv);
    }
    if (first[0] == '-') {
        tn_log_error("unknown option '%s' before the command (see 'tenure --help')", first);
        return 2;
    }
    return tn_cli_dispatch(argc - 1, argv + 1);
}
