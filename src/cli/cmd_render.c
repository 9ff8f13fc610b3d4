/*
 * cmd_render.c — `tenure render`: the warehouse's models as one SQL script for
 * PostgreSQL (or DuckDB), to run them in a team's own database.
 *
 * The script (warehouse/render.h) reads the raw tables from the schema raw
 * and makes the schemas staging and marts afresh; --snapshot DATE adds one
 * training snapshot in the schema training, --checks every contract as a
 * SELECT of how many rows break it. It goes to --out FILE (written whole,
 * then renamed into place) or to stdout.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "common/file.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "warehouse/render.h"

static struct {
    const char *dialect;
    tn_day as_of, data_as_of, snapshot;
    bool checks;
    const char *out_path;
} options;

static void set_defaults(void) {
    options.dialect = "postgres";
    options.as_of = options.data_as_of = options.snapshot = TN_DAY_UNSET;
    options.checks = false;
    options.out_path = NULL;
}

static const tn_arg render_args[] = {
    {"dialect", TN_ARG_STRING, "NAME", "the engine: postgres (default) or duckdb", &options.dialect,
     0, 0},
    {"as-of", TN_ARG_DATE, "DATE", "the date the marts are computed as of (required)",
     &options.as_of, 0, 0},
    {"data-as-of", TN_ARG_DATE, "DATE",
     "the data's own date, when the open pipeline was read (default: --as-of)", &options.data_as_of,
     0, 0},
    {"snapshot", TN_ARG_DATE, "DATE",
     "also one training snapshot as of DATE, in the schema training", &options.snapshot, 0, 0},
    {"checks", TN_ARG_FLAG, NULL, "also every contract, as a count of the rows that break it",
     &options.checks, 0, 0},
    {"out", TN_ARG_STRING, "FILE", "write the script to FILE (default: stdout)", &options.out_path,
     0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static int run_render(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    tn_render_plan plan = {.as_of = options.as_of,
                           .data_as_of = options.data_as_of != TN_DAY_UNSET ? options.data_as_of
                                                                            : options.as_of,
                           .snapshot = options.snapshot,
                           .checks = options.checks};
    if (!tn_dialect_parse(options.dialect, &plan.dialect)) {
        tn_log_error("render: --dialect '%s' is not known: postgres or duckdb", options.dialect);
        return 1;
    }
    if (plan.as_of == TN_DAY_UNSET) {
        tn_log_error("render: --as-of DATE is required (the date the marts are computed as of)");
        return 1;
    }
    tn_error err;
    tn_error_clear(&err);
    tn_strbuf script = TN_STRBUF_INIT;
    bool ok = tn_render_script(&plan, &script, &err);
    if (ok && options.out_path != NULL)
        ok = tn_file_write_atomic(options.out_path, tn_strbuf_cstr(&script), script.length, &err);
    else if (ok && (fwrite(tn_strbuf_cstr(&script), 1, script.length, stdout) != script.length ||
                    fflush(stdout) != 0))
        ok = tn_error_set(&err, TN_ERR_IO, "could not write the script to stdout");
    tn_strbuf_free(&script);
    if (!ok) {
        tn_log_error("render: %s", err.message);
        return 1;
    }
    if (options.out_path != NULL)
        tn_log_info("render: the models for %s -> %s", tn_dialect_name(plan.dialect),
                    options.out_path);
    return 0;
}

const tn_command tn_cmd_render = {
    .summary = "the models as one SQL script for PostgreSQL (or DuckDB)",
    .description =
        "Renders the staging and mart models (and, on request, a training snapshot and the "
        "contracts) for another engine, reading the raw tables of the schema raw. "
        "docs/scale-out.md says how a team runs them in its own warehouse.",
    .spec = {.command = "render", .args = render_args},
    .set_defaults = set_defaults,
    .run = run_render,
};
