/*
 * account.h — what people know a synthetic customer by: the company's name,
 * its customer success manager, its next contract renewal and its CRM id
 * (the last four columns of raw.customers, outside the data dictionary).
 *
 * None of it is drawn from the customer's random streams (rng.h): each value
 * is a pure function of (seed, customer index) through tn_rng_hash(), plus
 * the profile for the renewal. Adding these columns therefore changed no
 * other generated value, and a customer's account is the same on any thread.
 *
 *   name     prefix × noun × suffix from word lists ("Northwind Ledger
 *            Labs"). The index → combination mapping is a bijection (a
 *            Feistel permutation keyed by the seed, cycle-walked onto the
 *            TN_GEN_ACCOUNT_NAMES combinations), so the first
 *            TN_GEN_ACCOUNT_NAMES customers of a seed all have different
 *            names; later ones repeat a combination with a Roman numeral
 *            ("… Labs II"), so every name stays unique. Names hold no comma,
 *            quote or line break.
 *   owner    one of TN_GEN_CSM_COUNT customer success managers, by hash.
 *   renewal  TN_DAY_NEVER for a customer who churned before the as-of date;
 *            otherwise the first contract anniversary on or after the as-of
 *            date: monthly for starter, yearly for growth and enterprise,
 *            counted from signup_date (a day the month lacks is clamped to
 *            its last day). It may lie after the as-of date.
 *   crm_id   a Salesforce-style 18-character account id: "001", a two-
 *            character instance and a reserved '0' fixed per seed, nine
 *            base-62 characters of a record number increasing with the
 *            index (so unique), then Salesforce's three case-checksum
 *            characters.
 */
#ifndef TN_GEN_ACCOUNT_H
#define TN_GEN_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "gen/company.h"
#include "gen/customer.h"

/* Name combinations: the first this many customers of a seed have distinct base names. */
#define TN_GEN_ACCOUNT_NAMES 41472
#define TN_GEN_ACCOUNT_NAME_MAX 64
#define TN_GEN_CRM_ID_LENGTH 18
#define TN_GEN_CSM_COUNT 15

/* The customer success managers who own accounts. */
extern const char *const tn_gen_csm_names[TN_GEN_CSM_COUNT];

typedef struct {
    char name[TN_GEN_ACCOUNT_NAME_MAX];    /* NUL-terminated */
    const char *owner;                     /* one of tn_gen_csm_names */
    tn_day renewal;                        /* renewal_date, or TN_DAY_NEVER */
    char crm_id[TN_GEN_CRM_ID_LENGTH + 1]; /* NUL-terminated */
} tn_gen_account;

/* Fills `out` for `customer` (already drawn) of `company`. Draws nothing from any stream. */
void tn_gen_account_derive(const tn_gen_company *company, const tn_gen_customer *customer,
                           tn_gen_account *out);

/* The base name (no numeral) of name combination `combination` (< TN_GEN_ACCOUNT_NAMES). */
void tn_gen_account_base_name(uint32_t combination, char *out, size_t size);

/* Salesforce's 18-character form of a 15-character id: `id15` plus three checksum characters. */
void tn_gen_crm_id_18(const char *id15, char *out);

#endif
