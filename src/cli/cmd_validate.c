/*
 * cmd_validate.c — `tenure validate`: every problem of a company's exports,
 * checked against the mapping in one pass, without touching the warehouse.
 * The same as `tenure build --dry-run` (see tn_validate_exports in
 * cmd_build.c and tn_build_validate in src/warehouse/build.h).
 */
#include "cli/cli.h"

#include "common/log.h"
#include "warehouse/build.h"

static struct {
    const char *raw_dir;
    const char *mapping_path;
    tn_day as_of;
} options;

static void set_defaults(void) {
    options.raw_dir = NULL;
    options.mapping_path = NULL;
    options.as_of = TN_DAY_UNSET;
}

static const tn_arg validate_args[] = {
    {"raw", TN_ARG_STRING, "DIR",
     "the exports in DIR: through DIR/tenure.yml if it exists, else DIR/<table>.csv",
     &options.raw_dir, 0, 0},
    {"mapping", TN_ARG_STRING, "FILE",
     "the exports the project file FILE maps (paths relative to it, or to --raw DIR)",
     &options.mapping_path, 0, 0},
    {"as-of", TN_ARG_DATE, "D", "the as-of date the build will use (no row may be dated after it)",
     &options.as_of, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static int run_validate(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    if (options.raw_dir == NULL && options.mapping_path == NULL) {
        tn_log_error("validate: give the exports: --raw DIR or --mapping FILE (see --help)");
        return 2;
    }
    tn_build_options build = {
        .raw_dir = options.raw_dir, .mapping_path = options.mapping_path, .as_of = options.as_of};
    return tn_validate_exports(&build, "validate");
}

const tn_command tn_cmd_validate = {
    .summary = "check a company's exports against the mapping, every problem in one pass",
    .description =
        "Reads every file the mapping names (the project file FILE or DIR/tenure.yml; without\n"
        "one, DIR/<table>.csv in the contract's own layout) exactly as `tenure build` would,\n"
        "and prints every problem: for each file up to 20 of them as\n"
        "`file:line: column: 'value' — expected ...`, then the file's count per kind. It\n"
        "also says which as-of date the build would use. Nothing is written: the warehouse\n"
        "is not opened. Exit 0 when the exports would load, 1 when they have problems.",
    .spec = {.command = "validate", .args = validate_args},
    .set_defaults = set_defaults,
    .run = run_validate,
};
