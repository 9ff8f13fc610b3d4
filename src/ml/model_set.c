/*
 * model_set.c — publishing and reading the two models as one set (see
 * model_set.h).
 */
#include "ml/model_set.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fnv.h"
#include "common/file.h"
#include "common/parallel.h"
#include "tn_version.h"

#define STAGING_PREFIX ".staging-"

const char *const tn_model_set_files[] = {"churn.json",          "churn.meta.json",
                                          "churn.card.md",       "expansion.json",
                                          "expansion.meta.json", "expansion.card.md",
                                          "survival.json",       "survival.trees.json",
                                          "survival.card.md",    NULL};

enum { PATH_SIZE = TN_FILE_PATH_MAX };

/* `dir`/`name` into `out` (PATH_SIZE bytes); false when it does not fit. */
static bool join(char *out, const char *dir, const char *name) {
    int length = snprintf(out, PATH_SIZE, "%s/%s", dir, name);
    return length >= 0 && length < PATH_SIZE;
}

static bool too_long(const char *dir, tn_error *err) {
    return tn_error_set(err, TN_ERR_IO, "%s: the path is too long", dir);
}

bool tn_model_set_stage(const char *models_dir, char *staging, size_t size, tn_error *err) {
    char sets[PATH_SIZE];
    if (!join(sets, models_dir, "sets"))
        return too_long(models_dir, err);
    if (mkdir(sets, 0777) != 0 && errno != EEXIST)
        return tn_error_set(err, TN_ERR_IO, "%s: cannot create the directory: %s", sets,
                            strerror(errno));
    tn_file_remove_stale(sets, STAGING_PREFIX, tn_file_remove_named, (void *)tn_model_set_files);
    if (!tn_file_make_temporary_dir(sets, STAGING_PREFIX, staging, size, err))
        return false;
    chmod(staging, 0755); /* the published set is for reading, like the files in it */
    return true;
}

void tn_model_set_discard(const char *staging) {
    tn_file_remove_named(staging, (void *)tn_model_set_files);
}

void tn_model_set_id(const char *as_of, const char *churn_version, const char *expansion_version,
                     const char *reading, char *id, size_t size) {
    uint64_t hash = TN_FNV1A_SEED;
    const char *parts[4] = {churn_version, expansion_version, TN_VERSION, reading};
    for (int p = 0; p < 4; p++)
        hash = tn_fnv1a(tn_fnv1a_text(hash, parts[p]), "\n", 1);
    snprintf(id, size, "%s-%012llx", as_of, (unsigned long long)(hash & 0xffffffffffffULL));
}

/* Flushes a file or directory to the disk, so a crash cannot publish an empty set. */
static void sync_path(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Points `link` at `target` by a new link renamed over it; an existing `link` must be a link. */
static bool replace_link(const char *dir, const char *name, const char *target, tn_error *err) {
    char link[PATH_SIZE], temporary[PATH_SIZE + 32];
    if (!join(link, dir, name))
        return too_long(dir, err);
    snprintf(temporary, sizeof temporary, "%s/.%s-%ld", dir, name, (long)getpid());
    unlink(temporary);
    struct stat info;
    if (lstat(link, &info) == 0 && S_ISDIR(info.st_mode))
        return tn_error_set(err, TN_ERR_INPUT,
                            "%s is a directory, where Tenure keeps a link to a model set: move "
                            "it away",
                            link);
    if (symlink(target, temporary) == 0 && rename(temporary, link) == 0)
        return true;
    tn_error_set(err, TN_ERR_IO, "%s: %s", link, strerror(errno));
    unlink(temporary);
    return false;
}

/*
 * models/churn.json -> current/churn.json, and so on: made when missing,
 * and in place of the files of the older layout; a link there (ours, or
 * someone's) and anything else is left alone. A file the current set does
 * not have (the survival model's trees when it is a Cox model) gets no
 * link, and our link to it is removed.
 */
static void link_names(const char *models_dir) {
    for (const char *const *name = tn_model_set_files; *name != NULL; name++) {
        char path[PATH_SIZE], target[PATH_SIZE], relative[PATH_SIZE];
        struct stat info;
        snprintf(target, sizeof target, "current/%s", *name);
        if (!join(path, models_dir, *name) || !join(relative, models_dir, target))
            continue;
        char owned[PATH_SIZE];
        ssize_t length = readlink(path, owned, sizeof owned - 1);
        bool ours = length > 0 && (owned[length] = '\0', strcmp(owned, target) == 0);
        if (stat(relative, &info) != 0) {
            if (ours)
                unlink(path);
            continue;
        }
        if (lstat(path, &info) != 0 || S_ISREG(info.st_mode))
            replace_link(models_dir, *name, target, NULL);
    }
}

typedef struct {
    char name[256];
    struct timespec modified;
} set_entry;

/* Newest first; between two of the same time, the later name (its as-of date) first. */
static int newest_first(const void *a, const void *b) {
    const set_entry *x = a, *y = b;
    if (x->modified.tv_sec != y->modified.tv_sec)
        return x->modified.tv_sec < y->modified.tv_sec ? 1 : -1;
    if (x->modified.tv_nsec != y->modified.tv_nsec)
        return x->modified.tv_nsec < y->modified.tv_nsec ? 1 : -1;
    return strcmp(y->name, x->name);
}

/* Removes all but the TN_MODEL_SETS_KEPT newest sets; `current` is always kept. */
static void prune(const char *models_dir, const char *current) {
    char sets[PATH_SIZE], path[PATH_SIZE];
    DIR *listing = join(sets, models_dir, "sets") ? opendir(sets) : NULL;
    set_entry *entries = NULL;
    size_t count = 0, capacity = 0;
    struct dirent *entry;
    while (listing != NULL && (entry = readdir(listing)) != NULL) {
        struct stat info;
        if (entry->d_name[0] == '.' || strcmp(entry->d_name, current) == 0 ||
            strlen(entry->d_name) >= sizeof entries->name || !join(path, sets, entry->d_name) ||
            lstat(path, &info) != 0 || !S_ISDIR(info.st_mode))
            continue;
        if (count == capacity) {
            set_entry *grown = realloc(entries, (capacity = capacity * 2 + 8) * sizeof *grown);
            if (grown == NULL)
                break;
            entries = grown;
        }
        snprintf(entries[count].name, sizeof entries[count].name, "%s", entry->d_name);
        entries[count++].modified = info.st_mtim;
    }
    if (listing != NULL)
        closedir(listing);
    if (count > 1)
        qsort(entries, count, sizeof *entries, newest_first);
    for (size_t i = TN_MODEL_SETS_KEPT - 1; i < count; i++)
        if (join(path, sets, entries[i].name))
            tn_file_remove_named(path, (void *)tn_model_set_files);
    free(entries);
}

/* Moves the staged set to sets/<id>; a set of that id (the same models) is kept instead. */
static bool place_set(const char *models_dir, const char *staging, const char *id, tn_error *err) {
    char target[PATH_SIZE], relative[PATH_SIZE];
    snprintf(relative, sizeof relative, "sets/%s", id);
    if (!join(target, models_dir, relative))
        return too_long(models_dir, err);
    for (const char *const *name = tn_model_set_files; *name != NULL; name++) {
        char path[PATH_SIZE];
        if (join(path, staging, *name))
            sync_path(path);
    }
    sync_path(staging);
    if (rename(staging, target) == 0)
        return true;
    if (errno != EEXIST && errno != ENOTEMPTY)
        return tn_error_set(err, TN_ERR_IO, "%s: %s", target, strerror(errno));
    tn_model_set_discard(staging); /* the same training again: its set is already there */
    utimensat(AT_FDCWD, target, NULL, 0);
    return true;
}

bool tn_model_set_publish(const char *models_dir, const char *staging, const char *id,
                          tn_error *err) {
    char relative[PATH_SIZE], sets[PATH_SIZE];
    snprintf(relative, sizeof relative, "sets/%s", id);
    if (!place_set(models_dir, staging, id, err)) {
        tn_model_set_discard(staging);
        return false;
    }
    if (join(sets, models_dir, "sets"))
        sync_path(sets);
    if (!replace_link(models_dir, "current", relative, err))
        return false;
    sync_path(models_dir);
    link_names(models_dir);
    prune(models_dir, id);
    return true;
}

/* The directory the current set is read from: where `current` points, else `models_dir`. */
static bool current_dir(const char *models_dir, char *dir, tn_error *err) {
    char link[PATH_SIZE], target[PATH_SIZE];
    if (!join(link, models_dir, "current"))
        return too_long(models_dir, err);
    ssize_t length = readlink(link, target, sizeof target - 1);
    if (length < 0) { /* no link: the older layout, or `current` is a directory */
        struct stat info;
        bool directory = lstat(link, &info) == 0 && S_ISDIR(info.st_mode);
        snprintf(dir, PATH_SIZE, "%s", directory ? link : models_dir);
        return true;
    }
    target[length] = '\0';
    if (target[0] == '/')
        snprintf(dir, PATH_SIZE, "%s", target);
    else if (!join(dir, models_dir, target))
        return too_long(models_dir, err);
    return true;
}

/* Both models from one training, or TN_ERR_MODEL naming both versions. */
static bool check_one_set(const char *dir, const tn_ml_model *churn, const tn_ml_model *expansion,
                          tn_error *err) {
    bool sets = churn->set[0] != '\0' && expansion->set[0] != '\0';
    if (sets && strcmp(churn->set, expansion->set) == 0)
        return true;
    bool older = churn->set[0] == '\0' && expansion->set[0] == '\0';
    if (older && strcmp(churn->as_of, expansion->as_of) == 0)
        return true;
    char why[256];
    if (sets)
        snprintf(why, sizeof why, "model sets %s and %s", churn->set, expansion->set);
    else if (older)
        snprintf(why, sizeof why, "trained as of %s and %s", churn->as_of, expansion->as_of);
    else
        snprintf(why, sizeof why, "only the %s model names a model set (%s)",
                 churn->set[0] ? "churn" : "expansion",
                 churn->set[0] ? churn->set : expansion->set);
    return tn_error_set(err, TN_ERR_MODEL,
                        "%s: the churn model %s and the expansion model %s are not one set (%s): "
                        "a training stopped half-way or files were copied; run 'tenure train'",
                        dir, churn->version, expansion->version, why);
}

/*
 * The models of one set, each loaded on a thread of its own (tn_parallel_for):
 * XGBoost reads each file and Tenure makes its SHAP tables and checks its
 * predictions, which for three models at 50,000 customers is a quarter of a
 * second one after another.
 */
typedef struct {
    const char *dir;
    tn_ml_model *churn, *expansion;
    tn_survival_model *survival; /* NULL: not asked for */
    bool survival_found;         /* the set has a survival model (loaded when true) */
    bool loaded[3];              /* churn, expansion, survival */
    tn_error errors[3];
} set_loading;

static bool load_member(void *context, size_t from, size_t to) {
    set_loading *l = context;
    char path[PATH_SIZE];
    struct stat info;
    for (size_t i = from; i < to; i++) {
        tn_error *err = &l->errors[i];
        if (i == 0)
            l->loaded[0] = tn_ml_model_load(l->dir, "churn", l->churn, err);
        else if (i == 1)
            l->loaded[1] = tn_ml_model_load(l->dir, "expansion", l->expansion, err);
        else if (!join(path, l->dir, "survival.json"))
            l->loaded[2] = too_long(l->dir, err);
        else if (stat(path, &info) != 0)
            l->loaded[2] = true; /* a set trained without one, or before there were any */
        else
            l->loaded[2] = l->survival_found = tn_survival_model_load(l->dir, l->survival, err);
    }
    return true;
}

/* The survival model `survival` (found in `dir`) belongs to set `set`; else an error. */
static bool check_survival_set(const char *dir, const tn_survival_model *survival, const char *set,
                               tn_error *err) {
    if (strcmp(survival->set, set) == 0)
        return true;
    return tn_error_set(err, TN_ERR_MODEL,
                        "%s: the survival model %s belongs to model set %s, not %s: files were "
                        "copied; run 'tenure train'",
                        dir, survival->version, survival->set, set);
}

/*
 * Both models of the set in `dir`, and its survival model when `survival`
 * is not NULL and the set has one (`*found`); on failure all are left
 * empty, and `err` says the first problem in the order churn, expansion,
 * survival.
 */
static bool load_set(const char *dir, tn_ml_model *churn, tn_ml_model *expansion,
                     tn_survival_model *survival, bool *found, tn_error *err) {
    set_loading l = {.dir = dir, .churn = churn, .expansion = expansion, .survival = survival};
    for (int i = 0; i < 3; i++)
        tn_error_clear(&l.errors[i]);
    l.loaded[2] = survival == NULL;
    tn_parallel_for(survival != NULL ? 3 : 2, survival != NULL ? 3 : 2, load_member, &l);
    bool ok = true;
    for (int i = 0; ok && i < 3; i++)
        if (!l.loaded[i])
            ok = err != NULL ? (*err = l.errors[i], false) : false;
    ok = ok && check_one_set(dir, churn, expansion, err) &&
         (!l.survival_found || check_survival_set(dir, survival, churn->set, err));
    if (!ok) {
        tn_ml_model_free(churn);
        tn_ml_model_free(expansion);
        if (l.survival_found)
            tn_survival_model_free(survival);
        l.survival_found = false;
    }
    if (found != NULL)
        *found = l.survival_found;
    return ok;
}

bool tn_model_set_load(const char *models_dir, tn_ml_model *churn, tn_ml_model *expansion,
                       tn_error *err) {
    char dir[PATH_SIZE];
    memset(churn, 0, sizeof *churn);
    memset(expansion, 0, sizeof *expansion);
    return current_dir(models_dir, dir, err) && load_set(dir, churn, expansion, NULL, NULL, err);
}

bool tn_model_set_load_with_survival(const char *models_dir, tn_ml_model *churn,
                                     tn_ml_model *expansion, tn_survival_model *survival,
                                     bool *found, tn_error *err) {
    char dir[PATH_SIZE];
    memset(churn, 0, sizeof *churn);
    memset(expansion, 0, sizeof *expansion);
    memset(survival, 0, sizeof *survival);
    *found = false;
    return current_dir(models_dir, dir, err) &&
           load_set(dir, churn, expansion, survival, found, err);
}

/* Removes `name` in `dir` if it is a symbolic link. */
static void remove_link(const char *dir, const char *name) {
    char path[PATH_SIZE];
    struct stat info;
    if (join(path, dir, name) && lstat(path, &info) == 0 && S_ISLNK(info.st_mode))
        unlink(path);
}

void tn_model_set_remove_dir(const char *models_dir) {
    char sets[PATH_SIZE], path[PATH_SIZE];
    for (const char *const *name = tn_model_set_files; *name != NULL; name++)
        remove_link(models_dir, *name);
    remove_link(models_dir, "current");
    DIR *listing = join(sets, models_dir, "sets") ? opendir(sets) : NULL;
    struct dirent *entry;
    while (listing != NULL && (entry = readdir(listing)) != NULL)
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0 &&
            join(path, sets, entry->d_name))
            tn_file_remove_named(path, (void *)tn_model_set_files);
    if (listing != NULL)
        closedir(listing);
    rmdir(sets);
    rmdir(models_dir);
}
