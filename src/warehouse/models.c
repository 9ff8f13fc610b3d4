/*
 * models.c — finding, ordering and rendering SQL models (see models.h).
 */
#include "warehouse/models.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"
#include "warehouse/template.h"

static const char *const layer_directories[TN_LAYER_COUNT] = {"staging", "marts", "checks",
                                                              "training"};
static const char *const layer_schemas[TN_LAYER_COUNT] = {"staging", "marts", NULL, NULL};

const char *tn_layer_schema(tn_layer layer) {
    return layer_schemas[layer];
}

void tn_models_free(tn_model_set *set) {
    for (size_t i = 0; i < set->count; i++) {
        free(set->models[i].name);
        free(set->models[i].path);
        free(set->models[i].sql);
        free(set->models[i].deps);
    }
    free(set->models);
    set->models = NULL;
    set->count = 0;
}

/* Adds a model from `path` (".../<layer>/<name>.sql") with `sql` (copied). */
static bool add_model(tn_model_set *set, tn_layer layer, const char *path, const char *sql,
                      size_t sql_length, tn_error *err) {
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    size_t name_length = strlen(base) - 4; /* without ".sql" */
    tn_model *grown = realloc(set->models, (set->count + 1) * sizeof *grown);
    if (grown == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    set->models = grown;
    tn_model *model = &set->models[set->count];
    memset(model, 0, sizeof *model);
    model->layer = layer;
    model->name = strndup(base, name_length);
    model->path = strdup(path);
    model->sql = strndup(sql, sql_length);
    set->count++;
    if (model->name == NULL || model->path == NULL || model->sql == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    return true;
}

static bool is_sql_file(const char *name) {
    size_t length = strlen(name);
    return length > 4 && strcmp(name + length - 4, ".sql") == 0 && name[0] != '.';
}

static bool load_embedded(const bool layers[TN_LAYER_COUNT], tn_model_set *set, tn_error *err) {
    size_t count;
    const tn_embedded_file *files = tn_embedded_files(&count);
    for (size_t i = 0; i < count; i++) {
        for (int layer = 0; layer < TN_LAYER_COUNT; layer++) {
            char prefix[32];
            snprintf(prefix, sizeof prefix, "sql/%s/", layer_directories[layer]);
            const char *path = files[i].path;
            if (layers[layer] && strncmp(path, prefix, strlen(prefix)) == 0 &&
                strchr(path + strlen(prefix), '/') == NULL && is_sql_file(path) &&
                !add_model(set, (tn_layer)layer, path, files[i].contents, files[i].length, err))
                return false;
        }
    }
    return true;
}

static char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return NULL;
    tn_strbuf text = TN_STRBUF_INIT;
    char block[8192];
    size_t n;
    bool ok = true;
    while (ok && (n = fread(block, 1, sizeof block, file)) > 0)
        ok = tn_strbuf_append(&text, block, n);
    fclose(file);
    if (!ok) { /* out of memory: no half-read model */
        tn_strbuf_free(&text);
        return NULL;
    }
    *length = text.length;
    return tn_strbuf_detach(&text);
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t count) {
    for (size_t i = 0; names != NULL && i < count; i++)
        free(names[i]);
    free(names);
}

/*
 * The .sql files of `dir`, sorted, in *names (caller frees each and the
 * array); none when there is no such directory. False (out of memory) with
 * nothing left allocated.
 */
static bool list_sql_files(const char *dir, char ***names, size_t *count, tn_error *err) {
    *names = NULL;
    *count = 0;
    DIR *handle = opendir(dir);
    if (handle == NULL)
        return true;
    bool ok = true;
    struct dirent *entry;
    while (ok && (entry = readdir(handle)) != NULL) {
        if (!is_sql_file(entry->d_name))
            continue;
        char **grown = realloc(*names, (*count + 1) * sizeof *grown);
        char *name = grown != NULL ? strdup(entry->d_name) : NULL;
        if (grown != NULL)
            *names = grown;
        if (name != NULL)
            (*names)[(*count)++] = name;
        else
            ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory listing %s", dir);
    }
    closedir(handle);
    if (!ok) {
        free_names(*names, *count);
        *names = NULL;
        *count = 0;
        return false;
    }
    if (*names != NULL)
        qsort(*names, *count, sizeof **names, compare_names);
    return true;
}

static bool load_directory(const char *root, const bool layers[TN_LAYER_COUNT], tn_model_set *set,
                           tn_error *err) {
    bool ok = true;
    for (int layer = 0; ok && layer < TN_LAYER_COUNT; layer++) {
        if (!layers[layer])
            continue;
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", root, layer_directories[layer]);
        size_t count;
        char **names;
        ok = list_sql_files(dir, &names, &count, err);
        for (size_t i = 0; i < count; i++) {
            char path[4352];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            size_t length = 0;
            char *sql = ok ? read_file(path, &length) : NULL;
            if (ok && sql == NULL)
                ok = tn_error_set(err, TN_ERR_IO, "%s: cannot read", path);
            else if (ok)
                ok = add_model(set, (tn_layer)layer, path, sql, length, err);
            free(sql);
        }
        free_names(names, count);
    }
    return ok;
}

/* Models that can be ref()ed: staging and marts. */
static bool referable(tn_layer layer) {
    return layer == TN_LAYER_STAGING || layer == TN_LAYER_MARTS;
}

static long find_model(const tn_model_set *set, const char *name) {
    for (size_t i = 0; i < set->count; i++) {
        if (referable(set->models[i].layer) && strcmp(set->models[i].name, name) == 0)
            return (long)i;
    }
    return -1;
}

long tn_models_find(const tn_model_set *set, tn_layer layer, const char *name) {
    for (size_t i = 0; i < set->count; i++)
        if (set->models[i].layer == layer && strcmp(set->models[i].name, name) == 0)
            return (long)i;
    return -1;
}

typedef struct {
    tn_model_set *set;
    size_t index;
} ref_collector;

static bool collect_ref(void *context, const tn_template_expression *expression, tn_strbuf *out,
                        tn_error *err) {
    (void)out;
    ref_collector *collector = context;
    if (expression->kind != TN_TEMPLATE_REF)
        return true;
    tn_model *model = &collector->set->models[collector->index];
    long target = find_model(collector->set, expression->first);
    if (target < 0)
        return tn_error_set(err, TN_ERR_INPUT, "%s:%d: ref('%s') names no model", model->path,
                            expression->line, expression->first);
    size_t *deps = realloc(model->deps, (model->dep_count + 1) * sizeof *deps);
    if (deps == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    model->deps = deps;
    model->deps[model->dep_count++] = (size_t)target;
    return true;
}

static bool check_unique_names(const tn_model_set *set, tn_error *err) {
    for (size_t i = 0; i < set->count; i++) {
        if (!referable(set->models[i].layer))
            continue;
        long first = find_model(set, set->models[i].name);
        if (first != (long)i)
            return tn_error_set(err, TN_ERR_INPUT, "%s and %s: two models named '%s'",
                                set->models[first].path, set->models[i].path, set->models[i].name);
    }
    return true;
}

/* Follows unfinished deps from `start` until a model repeats: the cycle, as "a.sql → b.sql →
 * a.sql". */
static void describe_cycle(const tn_model_set *set, const bool *done, size_t start, tn_error *err) {
    size_t *path = calloc(set->count + 1, sizeof *path);
    size_t length = 0, current = start;
    bool repeated = false;
    while (path != NULL && !repeated && length <= set->count) {
        path[length++] = current;
        const tn_model *model = &set->models[current];
        for (size_t d = 0; d < model->dep_count; d++) {
            if (!done[model->deps[d]]) {
                current = model->deps[d];
                break;
            }
        }
        for (size_t i = 0; i < length && !repeated; i++)
            repeated = path[i] == current;
    }
    tn_strbuf text = TN_STRBUF_INIT;
    size_t from = 0;
    while (path != NULL && from < length && path[from] != current)
        from++;
    for (size_t i = from; path != NULL && i < length; i++)
        tn_strbuf_printf(&text, "%s -> ", set->models[path[i]].path);
    tn_strbuf_puts(&text, set->models[current].path);
    tn_error_set(err, TN_ERR_INPUT, "dependency cycle: %s", tn_strbuf_cstr(&text));
    tn_strbuf_free(&text);
    free(path);
}

/* Reorders the models so every model comes after the ones it refs. */
static bool sort_models(tn_model_set *set, tn_error *err) {
    size_t n = set->count;
    bool *done = calloc(n ? n : 1, sizeof *done);
    size_t *order = calloc(n ? n : 1, sizeof *order);
    if (done == NULL || order == NULL) {
        free(done);
        free(order);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    size_t placed = 0;
    while (placed < n) {
        long next = -1; /* the first (by layer, then name) model whose deps are all done */
        for (size_t i = 0; i < n; i++) {
            bool ready = !done[i];
            for (size_t d = 0; ready && d < set->models[i].dep_count; d++)
                ready = done[set->models[i].deps[d]];
            if (ready && next < 0)
                next = (long)i;
        }
        if (next < 0) {
            size_t start = 0;
            while (done[start])
                start++;
            describe_cycle(set, done, start, err);
            free(done);
            free(order);
            return false;
        }
        done[next] = true;
        order[placed++] = (size_t)next;
    }
    /* apply the permutation and renumber the deps */
    tn_model *sorted = malloc(n * sizeof *sorted);
    size_t *position = malloc(n * sizeof *position);
    bool ok = sorted != NULL && position != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        sorted[i] = set->models[order[i]];
        position[order[i]] = i;
    }
    for (size_t i = 0; ok && i < n; i++)
        for (size_t d = 0; d < sorted[i].dep_count; d++)
            sorted[i].deps[d] = position[sorted[i].deps[d]];
    if (ok) {
        free(set->models);
        set->models = sorted;
    } else {
        free(sorted);
        tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    free(position);
    free(done);
    free(order);
    return ok;
}

static int compare_models(const void *a, const void *b) {
    const tn_model *x = a, *y = b;
    if (x->layer != y->layer)
        return (int)x->layer - (int)y->layer;
    return strcmp(x->name, y->name);
}

bool tn_models_load(const bool layers[TN_LAYER_COUNT], tn_model_set *set, tn_error *err) {
    set->models = NULL;
    set->count = 0;
    const char *root = getenv("TENURE_SQL_DIR");
    bool ok = root != NULL && root[0] != '\0' ? load_directory(root, layers, set, err)
                                              : load_embedded(layers, set, err);
    if (ok)
        qsort(set->models, set->count, sizeof *set->models, compare_models);
    ok = ok && check_unique_names(set, err);
    for (size_t i = 0; ok && i < set->count; i++) {
        ref_collector collector = {set, i};
        ok =
            tn_template_scan(set->models[i].path, set->models[i].sql, collect_ref, &collector, err);
    }
    ok = ok && sort_models(set, err);
    if (!ok)
        tn_models_free(set);
    return ok;
}

typedef struct {
    const tn_model_set *set;
    const tn_model *model;
    const tn_template_var *vars;
    const tn_ref_override *overrides;
} render_context;

static bool resolve(void *context, const tn_template_expression *expression, tn_strbuf *out,
                    tn_error *err) {
    render_context *render = context;
    if (expression->kind == TN_TEMPLATE_REF) {
        for (const tn_ref_override *o = render->overrides; o != NULL && o->model != NULL; o++)
            if (strcmp(o->model, expression->first) == 0)
                return tn_strbuf_puts(out, o->relation);
        long target = find_model(render->set, expression->first);
        if (target < 0)
            return tn_error_set(err, TN_ERR_INPUT, "%s:%d: ref('%s') names no model",
                                render->model->path, expression->line, expression->first);
        return tn_strbuf_printf(out, "%s.%s", tn_layer_schema(render->set->models[target].layer),
                                expression->first);
    }
    if (expression->kind == TN_TEMPLATE_SOURCE) {
        if (strcmp(expression->first, "raw") != 0)
            return tn_error_set(err, TN_ERR_INPUT, "%s:%d: unknown source '%s' (only 'raw')",
                                render->model->path, expression->line, expression->first);
        return tn_strbuf_printf(out, "raw.%s", expression->second);
    }
    for (const tn_template_var *var = render->vars; var != NULL && var->name != NULL; var++) {
        if (strcmp(var->name, expression->first) == 0)
            return tn_strbuf_puts(out, var->value);
    }
    return tn_error_set(err, TN_ERR_INPUT, "%s:%d: var('%s') has no value in this build",
                        render->model->path, expression->line, expression->first);
}

bool tn_model_render_for(const tn_model_set *set, size_t index, tn_dialect dialect,
                         const tn_template_var *vars, const tn_ref_override *overrides,
                         tn_strbuf *out, tn_error *err) {
    render_context context = {set, &set->models[index], vars, overrides};
    return tn_template_render(set->models[index].path, set->models[index].sql, dialect, resolve,
                              &context, out, err);
}

bool tn_model_render_with(const tn_model_set *set, size_t index, const tn_template_var *vars,
                          const tn_ref_override *overrides, tn_strbuf *out, tn_error *err) {
    return tn_model_render_for(set, index, TN_DIALECT_DUCKDB, vars, overrides, out, err);
}

bool tn_model_create(const tn_model_set *set, size_t index, tn_dialect dialect,
                     const tn_template_var *vars, const tn_ref_override *overrides,
                     const char *relation, tn_strbuf *out, tn_error *err) {
    const tn_model *model = &set->models[index];
    char name[256];
    if (relation == NULL) {
        snprintf(name, sizeof name, "%s.%s", tn_layer_schema(model->layer), model->name);
        relation = name;
    }
    tn_strbuf body = TN_STRBUF_INIT;
    bool ok = tn_model_render_for(set, index, dialect, vars, overrides, &body, err);
    const tn_template_var create[] = {{"kind", model->layer == TN_LAYER_STAGING ? "VIEW" : "TABLE"},
                                      {"relation", relation},
                                      {"body", tn_strbuf_cstr(&body)},
                                      {NULL, NULL}};
    ok = ok && tn_template_render_file("sql/build/create_model.sql", create, out, err);
    tn_strbuf_free(&body);
    return ok;
}

bool tn_model_render(const tn_model_set *set, size_t index, const tn_template_var *vars,
                     tn_strbuf *out, tn_error *err) {
    return tn_model_render_with(set, index, vars, NULL, out, err);
}
