/*
 * version.c — `tenure --version`: tenure's own version and those of the
 * libraries it is linked with, read from the libraries themselves at run
 * time (so the line shows what is really loaded, e.g. which libduckdb.so).
 */
#include "cli/cli.h"

#include <duckdb.h>
#include <gsl/gsl_version.h>
#include <jansson.h>
#include <microhttpd.h>
#include <xgboost/c_api.h>

#include "tn_version.h"

void tn_cli_print_version(FILE *out) {
    int xgb_major = 0, xgb_minor = 0, xgb_patch = 0;
    XGBoostVersion(&xgb_major, &xgb_minor, &xgb_patch);
    fprintf(out, "tenure %s\n", TN_VERSION);
    fprintf(out, "  DuckDB %s\n", duckdb_library_version());
    fprintf(out, "  XGBoost %d.%d.%d\n", xgb_major, xgb_minor, xgb_patch);
    fprintf(out, "  GSL %s\n", gsl_version);
    fprintf(out, "  jansson %s\n", jansson_version_str());
    fprintf(out, "  libmicrohttpd %s\n", MHD_get_version());
}
