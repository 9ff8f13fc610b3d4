/*
 * cli_args.c — parsing and help for option tables (see cli_args.h).
 */
#include "cli/cli_args.h"

#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/budget.h"

/* The options every command accepts, shown at the end of each help screen. */
static const tn_arg common_args[] = {
    {"memory-limit", TN_ARG_STRING, "SIZE",
     "memory DuckDB may use, then it spills to disk: 1GB, 512MB, 1.5GiB or 25% of RAM "
     "(default 40% of RAM, or $" TN_BUDGET_ENV ")",
     NULL, 0, 0},
    {"quiet", TN_ARG_FLAG, NULL, "no progress or information lines on stderr", NULL, 0, 0},
    {"help", TN_ARG_FLAG, NULL, "show this help and exit", NULL, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static const tn_arg *find_arg(const tn_arg_spec *spec, const char *name, size_t name_length) {
    if (spec->args == NULL)
        return NULL;
    for (const tn_arg *arg = spec->args; arg->name != NULL; arg++) {
        if (strlen(arg->name) == name_length && strncmp(arg->name, name, name_length) == 0)
            return arg;
    }
    return NULL;
}

static bool store_int(const tn_arg_spec *spec, const tn_arg *arg, const char *value,
                      tn_error *err) {
    errno = 0;
    char *end = NULL;
    long parsed = strtol(value, &end, 10);
    bool whole = end != value && *end == '\0' && errno == 0;
    if (!whole || parsed < arg->min || parsed > arg->max) {
        return tn_error_set(err, TN_ERR_INPUT,
                            "tenure %s: --%s: expected a whole number from %ld to %ld, got '%s'",
                            spec->command, arg->name, arg->min, arg->max, value);
    }
    if (arg->target != NULL)
        *(long *)arg->target = parsed;
    return true;
}

static bool store_number(const tn_arg_spec *spec, const tn_arg *arg, const char *value,
                         tn_error *err) {
    errno = 0;
    char *end = NULL;
    double parsed = strtod(value, &end);
    bool number = end != value && *end == '\0' && errno == 0 && isfinite(parsed);
    if (!number || parsed < (double)arg->min || parsed > (double)arg->max) {
        return tn_error_set(err, TN_ERR_INPUT,
                            "tenure %s: --%s: expected a number from %ld to %ld, got '%s'",
                            spec->command, arg->name, arg->min, arg->max, value);
    }
    if (arg->target != NULL)
        *(double *)arg->target = parsed;
    return true;
}

/* Converts `value` as `arg` says and stores it. */
static bool store_value(const tn_arg_spec *spec, const tn_arg *arg, const char *value,
                        tn_error *err) {
    if (value[0] == '\0')
        return tn_error_set(err, TN_ERR_INPUT, "tenure %s: --%s: empty value, expected %s",
                            spec->command, arg->name, arg->metavar);
    switch (arg->kind) {
    case TN_ARG_INT:
        return store_int(spec, arg, value, err);
    case TN_ARG_NUMBER:
        return store_number(spec, arg, value, err);
    case TN_ARG_DATE: {
        tn_day day;
        if (!tn_date_parse(value, &day, err)) {
            tn_error_prefix(err, "tenure %s: --%s", spec->command, arg->name);
            return false;
        }
        if (arg->target != NULL)
            *(tn_day *)arg->target = day;
        return true;
    }
    case TN_ARG_LIST: {
        tn_arg_list *list = arg->target;
        if (list != NULL && list->count == TN_ARG_LIST_MAX)
            return tn_error_set(err, TN_ERR_USAGE, "tenure %s: --%s: at most %d values",
                                spec->command, arg->name, TN_ARG_LIST_MAX);
        if (list != NULL)
            list->items[list->count++] = value;
        return true;
    }
    case TN_ARG_STRING:
        if (arg->target != NULL)
            *(const char **)arg->target = value;
        return true;
    case TN_ARG_FLAG:
        break;
    }
    return tn_error_set(err, TN_ERR_INTERNAL, "tenure %s: --%s: option kind not handled",
                        spec->command, arg->name);
}

/* --memory-limit SIZE: a size, or a share of physical RAM, into common->memory_limit. */
static bool store_memory_limit(const tn_arg_spec *spec, const char *value, tn_args_common *common,
                               tn_error *err) {
    if (!tn_budget_parse(value, tn_budget_physical_ram(), &common->memory_limit, err)) {
        tn_error_prefix(err, "tenure %s: --memory-limit", spec->command);
        return false;
    }
    return true;
}

bool tn_args_wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    }
    return false;
}

/*
 * Handles the option at argv[*index] ("--name" or "--name=value"), consuming
 * the next argument as its value when needed.
 */
static tn_args_result parse_option(const tn_arg_spec *spec, int argc, char **argv, int *index,
                                   tn_args_common *common, tn_error *err) {
    const char *text = argv[*index];
    if (strcmp(text, "-h") == 0 || strcmp(text, "--help") == 0)
        return TN_ARGS_HELP;
    if (strcmp(text, "-q") == 0 || strcmp(text, "--quiet") == 0) {
        common->quiet = true;
        return TN_ARGS_OK;
    }
    const char *name = text + 2;
    const char *equals = strchr(name, '=');
    size_t name_length = equals != NULL ? (size_t)(equals - name) : strlen(name);
    const tn_arg *arg = text[1] == '-' ? find_arg(spec, name, name_length) : NULL;
    bool memory_limit = text[1] == '-' && name_length == strlen("memory-limit") &&
                        strncmp(name, "memory-limit", name_length) == 0;
    if (memory_limit)
        arg = &common_args[0]; /* every command's, parsed by store_memory_limit */
    if (arg == NULL) {
        tn_error_set(err, TN_ERR_USAGE, "tenure %s: unknown option '%.*s' (see 'tenure %s --help')",
                     spec->command, (int)(equals != NULL ? equals - text : (long)strlen(text)),
                     text, spec->command);
        return TN_ARGS_ERROR;
    }
    if (arg->kind == TN_ARG_FLAG) {
        if (equals != NULL) {
            tn_error_set(err, TN_ERR_USAGE, "tenure %s: --%s takes no value", spec->command,
                         arg->name);
            return TN_ARGS_ERROR;
        }
        if (arg->target != NULL)
            *(bool *)arg->target = true;
        return TN_ARGS_OK;
    }
    const char *value = equals != NULL ? equals + 1 : NULL;
    if (value == NULL) {
        if (*index + 1 >= argc) {
            tn_error_set(err, TN_ERR_USAGE, "tenure %s: --%s needs a value (%s)", spec->command,
                         arg->name, arg->metavar);
            return TN_ARGS_ERROR;
        }
        value = argv[++*index];
    }
    if (memory_limit)
        return store_memory_limit(spec, value, common, err) ? TN_ARGS_OK : TN_ARGS_ERROR;
    return store_value(spec, arg, value, err) ? TN_ARGS_OK : TN_ARGS_ERROR;
}

tn_args_result tn_args_parse(const tn_arg_spec *spec, int argc, char **argv, int *positional_count,
                             tn_args_common *common, tn_error *err) {
    int positionals = 0;
    bool options_ended = false;
    for (int i = 1; i < argc; i++) {
        const char *text = argv[i];
        if (!options_ended && strcmp(text, "--") == 0) {
            options_ended = true;
            continue;
        }
        if (!options_ended && text[0] == '-' && text[1] != '\0') {
            tn_args_result result = parse_option(spec, argc, argv, &i, common, err);
            if (result != TN_ARGS_OK)
                return result;
            continue;
        }
        if (positionals == spec->max_positional) {
            if (spec->max_positional == 0)
                tn_error_set(err, TN_ERR_USAGE,
                             "tenure %s: unexpected argument '%s' (see 'tenure %s --help')",
                             spec->command, text, spec->command);
            else
                tn_error_set(err, TN_ERR_USAGE, "tenure %s: too many arguments at '%s'",
                             spec->command, text);
            return TN_ARGS_ERROR;
        }
        argv[1 + positionals++] = argv[i];
    }
    if (positionals < spec->min_positional) {
        tn_error_set(err, TN_ERR_USAGE, "tenure %s: missing %s (see 'tenure %s --help')",
                     spec->command, spec->positional, spec->command);
        return TN_ARGS_ERROR;
    }
    *positional_count = positionals;
    return TN_ARGS_OK;
}

void tn_args_print_synopsis(const tn_arg_spec *spec, FILE *out) {
    fprintf(out, "tenure %s [options]", spec->command);
    if (spec->positional != NULL)
        fprintf(out, spec->min_positional > 0 ? " %s" : " [%s]", spec->positional);
}

static void print_option_line(const tn_arg *arg, FILE *out) {
    char left[64];
    if (strcmp(arg->name, "quiet") == 0 || strcmp(arg->name, "help") == 0)
        snprintf(left, sizeof left, "-%c, --%s", arg->name[0], arg->name);
    else if (arg->metavar != NULL)
        snprintf(left, sizeof left, "    --%s %s", arg->name, arg->metavar);
    else
        snprintf(left, sizeof left, "    --%s", arg->name);
    fprintf(out, "  %-24s %s\n", left, arg->help);
}

void tn_args_print_options(const tn_arg_spec *spec, FILE *out) {
    fputs("Options:\n", out);
    if (spec->args != NULL) {
        for (const tn_arg *arg = spec->args; arg->name != NULL; arg++)
            print_option_line(arg, out);
    }
    for (const tn_arg *arg = common_args; arg->name != NULL; arg++)
        print_option_line(arg, out);
}
