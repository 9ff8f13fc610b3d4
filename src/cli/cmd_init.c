/*
 * cmd_init.c — `tenure init --from DIR`: a first project file for a folder
 * of exports (see src/warehouse/propose.h for how it is worked out).
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/file.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "warehouse/contract.h"
#include "warehouse/propose.h"

static struct {
    const char *from;
    const char *out;
    bool force;
} options;

static void set_defaults(void) {
    options.from = NULL;
    options.out = NULL;
    options.force = false;
}

static const tn_arg init_args[] = {
    {"from", TN_ARG_STRING, "DIR", "the folder of exports to propose a mapping for (required)",
     &options.from, 0, 0},
    {"out", TN_ARG_STRING, "FILE",
     "where to write the mapping (default DIR/tenure.yml; - for stdout)", &options.out, 0, 0},
    {"force", TN_ARG_FLAG, NULL, "replace the file if it exists", &options.force, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static int run_init(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    if (options.from == NULL) {
        tn_log_error("init: --from DIR is required: the folder that holds the exports");
        return 2;
    }
    char default_out[4200];
    snprintf(default_out, sizeof default_out, "%s/tenure.yml", options.from);
    const char *out = options.out != NULL ? options.out : default_out;
    bool to_stdout = strcmp(out, "-") == 0;
    struct stat info;
    if (!to_stdout && !options.force && stat(out, &info) == 0) {
        tn_log_error("init: %s exists; --force replaces it, --out FILE writes elsewhere", out);
        return 1;
    }
    tn_contract contract;
    tn_proposal_summary summary;
    tn_strbuf text = TN_STRBUF_INIT;
    tn_error err;
    tn_error_clear(&err);
    bool ok = tn_contract_load(&contract, &err) &&
              tn_propose_mapping(&contract, options.from, &text, &summary, &err);
    if (ok && to_stdout)
        fputs(tn_strbuf_cstr(&text), stdout);
    else if (ok)
        ok = tn_file_write_atomic(out, tn_strbuf_cstr(&text), text.length, &err);
    if (ok) {
        tn_log_info("init: %d file%s, %d of the 5 tables matched; wrote %s with %d TODO%s to fill "
                    "in",
                    summary.files, summary.files == 1 ? "" : "s", summary.tables,
                    to_stdout ? "the mapping" : out, summary.todos, summary.todos == 1 ? "" : "s");
        if (summary.unmatched[0] != '\0')
            tn_log_info("init: not used (no table fits): %s", summary.unmatched);
        tn_log_info("init: next: edit it, then `tenure validate --raw %s`", options.from);
    } else {
        tn_log_error("init: %s", err.message);
    }
    tn_strbuf_free(&text);
    return ok ? 0 : tn_error_exit_status(&err);
}

const tn_command tn_cmd_init = {
    .summary = "propose a mapping (tenure.yml) for a folder of your own exports",
    .description =
        "Looks at every export under DIR (CSV, TSV, JSON lines, Parquet, gzip'd or not):\n"
        "its columns and a sample of its values. It matches each file to a table of the\n"
        "data contract and each contract column to a source column, reads date formats\n"
        "and decimal separators off the values, and lists every categorical value and\n"
        "event name with the contract value or role it likely means. What it cannot tell\n"
        "is written as TODO, which `tenure validate` and `tenure build` refuse until it\n"
        "is filled in. See docs/your-data.md.",
    .spec = {.command = "init", .args = init_args},
    .set_defaults = set_defaults,
    .run = run_init,
};
