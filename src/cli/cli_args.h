/*
 * cli_args.h — declarative command-line options for tenure's subcommands.
 *
 * Each subcommand describes its options once, in a table of tn_arg, and the
 * same table drives parsing, validation and the --help screen, so the two can
 * never disagree. Options are long-form (`--customers 500` or
 * `--customers=500`); `-h`/`--help`, `-q`/`--quiet` and `--memory-limit SIZE`
 * (common/budget.h) are accepted by every command; `--` ends the options.
 *
 * Mistakes in the command line itself (an unknown option, a missing value, too
 * many arguments) are TN_ERR_USAGE (exit 2); a value of the wrong form
 * (`--customers abc`, `--as-of 2026-02-30`) is TN_ERR_INPUT (exit 1). Every
 * message names the command, the option and the value.
 */
#ifndef TN_CLI_ARGS_H
#define TN_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/date.h"
#include "common/error.h"

/* The kind of value an option takes, which also says what `target` points to. */
typedef enum {
    TN_ARG_FLAG,   /* no value; target: bool *, set to true */
    TN_ARG_STRING, /* non-empty text; target: const char **, pointing into argv */
    TN_ARG_INT,    /* whole number within [min, max]; target: long * */
    TN_ARG_NUMBER, /* decimal number within [min, max]; target: double * */
    TN_ARG_DATE,   /* YYYY-MM-DD; target: tn_day * */
    TN_ARG_LIST,   /* repeatable non-empty text; target: tn_arg_list * */
} tn_arg_kind;

#define TN_ARG_LIST_MAX 16

/* The values of a repeatable option, in command-line order (pointers into argv). */
typedef struct {
    const char *items[TN_ARG_LIST_MAX];
    size_t count;
} tn_arg_list;

/* One option. A table of them ends with an entry whose name is NULL. */
typedef struct {
    const char *name;    /* "customers" for --customers */
    tn_arg_kind kind;    /* what value it takes */
    const char *metavar; /* placeholder in help ("N"); NULL for flags */
    const char *help;    /* one line, with the default: "number of customers (default 5000)" */
    void *target;        /* where the parsed value goes (see tn_arg_kind); NULL: help only */
    long min, max;       /* accepted range for TN_ARG_INT */
} tn_arg;

/* Everything the parser needs to know about a command's arguments. */
typedef struct {
    const char *command;    /* "generate", used in messages */
    const tn_arg *args;     /* option table, NULL-name terminated; may be NULL for none */
    const char *positional; /* placeholder for positional arguments ("SQL"); NULL when none */
    int min_positional;     /* how many positional arguments are required */
    int max_positional;     /* how many are allowed */
} tn_arg_spec;

/* What the options every command accepts asked for. */
typedef struct {
    bool quiet;            /* -q/--quiet was given */
    uint64_t memory_limit; /* --memory-limit SIZE, in bytes; 0 when not given */
} tn_args_common;

typedef enum {
    TN_ARGS_OK,    /* parsed; targets hold the values */
    TN_ARGS_HELP,  /* -h/--help was given; print help and exit 0 */
    TN_ARGS_ERROR, /* see err: TN_ERR_USAGE or TN_ERR_INPUT */
} tn_args_result;

/*
 * Parses argv[1..argc) (argv[0] is the command name) into the targets of
 * `spec`. Positional arguments are moved, in order, to argv[1..*positional_count].
 * The options every command accepts go to *common: quiet is set when
 * -q/--quiet is given, memory_limit when --memory-limit is (each is left
 * alone otherwise). A --memory-limit that is not a SIZE, or too small, is
 * TN_ERR_INPUT.
 */
tn_args_result tn_args_parse(const tn_arg_spec *spec, int argc, char **argv, int *positional_count,
                             tn_args_common *common, tn_error *err);

/* True when argv[1..argc) asks for help (-h or --help before any "--"). */
bool tn_args_wants_help(int argc, char **argv);

/* Prints the "Options:" block of `spec` (including the common options) to `out`. */
void tn_args_print_options(const tn_arg_spec *spec, FILE *out);

/* Prints "tenure <command> [options] <positional>" to `out`, without a newline. */
void tn_args_print_synopsis(const tn_arg_spec *spec, FILE *out);

#endif
