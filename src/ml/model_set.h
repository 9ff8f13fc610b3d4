/*
 * model_set.h — the churn and expansion models as one set: published
 * together, read together, never mixed.
 *
 * A models directory (models/ by default) holds:
 *
 *   sets/<id>/churn.json, churn.meta.json, churn.card.md,
 *             expansion.json, expansion.meta.json, expansion.card.md
 *                           one training's six files
 *   current -> sets/<id>    the set in use: a symbolic link
 *   churn.json -> current/churn.json, … (the six names)
 *                           so people (and scripts) read models/churn.json
 *
 * `tenure train` writes the six files into a private staging directory
 * (sets/.staging-<pid>-XXXXXX), renames it to sets/<id>, then replaces
 * `current` with a new link by rename(2): a reader sees the old set or the
 * new one, never half of each, however the training ends. Readers resolve
 * `current` once and read both models from that one directory.
 *
 * <id> is "<as-of date>-<12 hex digits>", a hash of both model versions and
 * Tenure's version, so the same training gives the same id; each metadata
 * file records it as "model_set", and a reader refuses two models whose
 * sets differ, naming both versions.
 *
 * The older layout, the six files directly in the directory (no `current`),
 * still loads when it is one set: both metadata files name the same
 * "model_set", or, written before sets existed, neither names one and both
 * models are as of the same date.
 *
 * Publishing keeps the TN_MODEL_SETS_KEPT newest sets (the current one
 * among them) and removes older ones, and the staging directories of
 * trainings that were killed; it removes only the six files of a set, so a
 * set directory holding anything else is left alone.
 */
#ifndef TN_ML_MODEL_SET_H
#define TN_ML_MODEL_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "ml/model.h"
#include "ml/survival_model.h"

#define TN_MODEL_SETS_KEPT 3

enum { TN_MODEL_SET_ID_MAX = 64 };

/* The six files of a set, NULL-terminated. */
extern const char *const tn_model_set_files[];

/*
 * Creates a staging directory for a new set under `models_dir`/sets (made
 * when missing; `models_dir` must exist), after removing the staging
 * directories of trainings that were killed. Its path goes to `staging`.
 */
bool tn_model_set_stage(const char *models_dir, char *staging, size_t size, tn_error *err);

/* Removes a staging directory and the set files in it. */
void tn_model_set_discard(const char *staging);

/*
 * The id of the set of two model versions as of `as_of` (YYYY-MM-DD), read
 * with `reading` (what else its metadata says that the versions do not:
 * the tier multiples), so the same training read another way is another set.
 */
void tn_model_set_id(const char *as_of, const char *churn_version, const char *expansion_version,
                     const char *reading, char *id, size_t size);

/*
 * Publishes the complete set in `staging` as `models_dir`/sets/<id> and
 * makes it current (see above); on failure the current set is unchanged
 * and the staging directory is removed.
 */
bool tn_model_set_publish(const char *models_dir, const char *staging, const char *id,
                          tn_error *err);

/*
 * Loads both models of the current set of `models_dir` (or of its older
 * layout). TN_ERR_MODEL naming the file when one is missing or corrupt,
 * and naming both versions when they are not one set. On failure both are
 * left empty; free each with tn_ml_model_free().
 */
bool tn_model_set_load(const char *models_dir, tn_ml_model *churn, tn_ml_model *expansion,
                       tn_error *err);

/*
 * Removes a models directory that Tenure made for itself (backtest's
 * temporaries): the links, `current`, every set's six files, the set and
 * staging directories and `models_dir` itself. Anything else stays.
 */
void tn_model_set_remove_dir(const char *models_dir);

/*
 * tn_model_set_load, and the same set's survival model (survival_model.h)
 * when it has one: *found is false, and nothing is loaded into `survival`,
 * for a set trained without it. `current` is read once, so all three come
 * from one set even while a train publishes another. TN_ERR_MODEL when
 * survival.json is unreadable or names another set than the churn model's.
 * On failure nothing is left loaded; free each with its _free function.
 */
bool tn_model_set_load_with_survival(const char *models_dir, tn_ml_model *churn,
                                     tn_ml_model *expansion, tn_survival_model *survival,
                                     bool *found, tn_error *err);

#endif
