/*
 * assets.c — the dashboard's files (see assets.h).
 */
#include "common/assets.h"

#include <string.h>

#include "common/embedded.h"

const tn_asset tn_asset_page = {"index.html", "web/index.html", "text/html; charset=utf-8"};

static const tn_asset assets[] = {
    {"app.js", "web/app.js", "text/javascript; charset=utf-8"},
    {"style.css", "web/style.css", "text/css; charset=utf-8"},
    {"chart.umd.js", "web/node_modules/chart.js/dist/chart.umd.js",
     "text/javascript; charset=utf-8"},
};

const tn_asset *tn_asset_find(const char *name) {
    for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++)
        if (strcmp(assets[i].name, name) == 0)
            return &assets[i];
    return NULL;
}

const char *tn_asset_contents(const tn_asset *asset, size_t *length) {
    size_t count;
    const tn_embedded_file *files = tn_embedded_files(&count);
    for (size_t i = 0; i < count; i++)
        if (strcmp(files[i].path, asset->path) == 0) {
            *length = files[i].length;
            return files[i].contents;
        }
    *length = 0;
    return NULL;
}
