/*
 * card.h — a model card: the metadata of a trained model as a page a person
 * reads (population, label, split, metrics, calibration, top features,
 * caveats). Built from <name>.meta.json itself, so the two never differ.
 */
#ifndef TN_ML_CARD_H
#define TN_ML_CARD_H

#include <jansson.h>

#include "common/strbuf.h"

void tn_model_card(const json_t *meta, tn_strbuf *out);

#endif
