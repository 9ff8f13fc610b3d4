/*
 * assets.h — the dashboard's files: web/index.html, web/app.js,
 * web/style.css and Chart.js (installed by npm into web/node_modules,
 * pinned by web/package-lock.json), all built into the binary (common/
 * embedded.h) so the page works offline and needs nothing beside `tenure`.
 * `tenure serve` sends them at / and /assets/{file}; `tenure report` inlines
 * them into one HTML file.
 */
#ifndef TN_COMMON_ASSETS_H
#define TN_COMMON_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *name;         /* "app.js": the {file} of /assets/{file} */
    const char *path;         /* the embedded file: "web/app.js" */
    const char *content_type; /* "text/javascript; charset=utf-8" */
} tn_asset;

/* The page itself (GET /). */
extern const tn_asset tn_asset_page;

/* The asset called `name`, or NULL. */
const tn_asset *tn_asset_find(const char *name);

/* Its contents (NUL-terminated) and their length; NULL when the build did not embed it. */
const char *tn_asset_contents(const tn_asset *asset, size_t *length);

#endif
