/*
 * account.c — names, owners, renewals and CRM ids of synthetic customers
 * (see account.h).
 */
#include "gen/account.h"

#include <stdio.h>
#include <string.h>

#include "gen/rng.h"

/* What each hash is for (the salt of tn_rng_hash); any change renames every account. */
enum {
    SALT_NAME_ROUND = 0x4e414d45, /* + round: the Feistel rounds of the name permutation */
    SALT_OWNER = 0x4f574e52,
    SALT_CRM_INSTANCE = 0x43524d49,
    SALT_CRM_START = 0x43524d53,
    SALT_CRM_RECORD = 0x43524d52,
};

/* One word each (no spaces), so "prefix noun suffix" is a different text per combination. */
static const char *const prefixes[] = {
    "Northwind", "Bluepeak",  "Silverline",  "Redwood",    "Brightpath", "Clearwater", "Ironbridge",
    "Stonegate", "Evergreen", "Summit",      "Harborview", "Keystone",   "Lighthouse", "Pinecrest",
    "Riverbend", "Oakridge",  "Granite",     "Cobalt",     "Meridian",   "Horizon",    "Crescent",
    "Beacon",    "Falconer",  "Aspen",       "Cedarline",  "Atlas",      "Vantage",    "Sterling",
    "Halcyon",   "Juniper",   "Mapleton",    "Orchard",    "Pioneer",    "Quarry",     "Sablewood",
    "Tidewater", "Unity",     "Willowbrook", "Zenith",     "Copperleaf", "Foxglove",   "Greyhawk",
    "Lakeshore", "Moonstone", "Nimbus",      "Polaris",    "Redstone",   "Skyline",
};
static const char *const nouns[] = {
    "Ledger",   "Compliance", "Analytics", "Health",  "Capital", "Payments",
    "Legal",    "Talent",     "Realty",    "Cloud",   "Data",    "Logistics",
    "Security", "Insurance",  "Software",  "Medical", "Lending", "Benefits",
    "Payroll",  "Property",   "Clinical",  "Trust",   "Risk",    "Audit",
    "Wealth",   "Billing",    "Workforce", "Care",    "Finance", "Tax",
    "Housing",  "Records",    "Identity",  "Pharma",  "Energy",  "Freight",
};
static const char *const suffixes[] = {
    "Labs",       "Group",      "Partners",    "Systems",    "Technologies", "Solutions",
    "Holdings",   "Inc.",       "Corp.",       "LLC",        "Co.",          "Networks",
    "Services",   "Ventures",   "Works",       "Digital",    "Global",       "Associates",
    "Industries", "Collective", "Enterprises", "Consulting", "Company",      "Studio",
};

enum {
    PREFIX_COUNT = sizeof prefixes / sizeof prefixes[0],
    NOUN_COUNT = sizeof nouns / sizeof nouns[0],
    SUFFIX_COUNT = sizeof suffixes / sizeof suffixes[0],
};
_Static_assert(PREFIX_COUNT *NOUN_COUNT *SUFFIX_COUNT == TN_GEN_ACCOUNT_NAMES,
               "TN_GEN_ACCOUNT_NAMES is the number of name combinations");

/* The permutation works on 16-bit values: two 8-bit halves. */
enum { HALF_BITS = 8, HALF_MASK = (1 << HALF_BITS) - 1, FEISTEL_ROUNDS = 4 };
_Static_assert(TN_GEN_ACCOUNT_NAMES <= 1 << (2 * HALF_BITS), "names fit the permutation's domain");

const char *const tn_gen_csm_names[TN_GEN_CSM_COUNT] = {
    "Maya Patel",   "Daniel Osei", "Sofia Lindgren",  "Lucas Girard", "Hannah Becker",
    "Rafael Souza", "Aiko Yamada", "Grace Whitfield", "Omar Farouk",  "Elena Marquez",
    "Jonas Berg",   "Priya Raman", "Samuel Adeyemi",  "Clara Dubois", "Ethan Walsh",
};

/* A balanced Feistel network on [0, 2^16): a bijection for any seed. */
static uint32_t feistel(uint64_t seed, uint32_t value) {
    uint32_t left = value >> HALF_BITS, right = value & HALF_MASK;
    for (uint32_t round = 0; round < FEISTEL_ROUNDS; round++) {
        uint32_t next =
            left ^ (uint32_t)(tn_rng_hash(seed, right, SALT_NAME_ROUND + round) & HALF_MASK);
        left = right;
        right = next;
    }
    return left << HALF_BITS | right;
}

/* The name combination of `index` (< TN_GEN_ACCOUNT_NAMES): the permutation, cycle-walked. */
static uint32_t name_combination(uint64_t seed, uint32_t index) {
    uint32_t value = index;
    do {
        value = feistel(seed, value);
    } while (value >= TN_GEN_ACCOUNT_NAMES);
    return value;
}

void tn_gen_account_base_name(uint32_t combination, char *out, size_t size) {
    uint32_t suffix = combination % SUFFIX_COUNT;
    uint32_t noun = combination / SUFFIX_COUNT % NOUN_COUNT;
    uint32_t prefix = combination / SUFFIX_COUNT / NOUN_COUNT;
    snprintf(out, size, "%s %s %s", prefixes[prefix], nouns[noun], suffixes[suffix]);
}

/* Appends " II", " III", … for `number` ≥ 2 (Roman numerals, up to 3,999). */
static void append_numeral(unsigned number, char *out, size_t size) {
    static const struct {
        unsigned value;
        const char *text;
    } numerals[] = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"},
                    {90, "XC"},  {50, "L"},   {40, "XL"}, {10, "X"},   {9, "IX"},
                    {5, "V"},    {4, "IV"},   {1, "I"}};
    size_t length = strlen(out);
    snprintf(out + length, size - length, " ");
    for (size_t i = 0; i < sizeof numerals / sizeof numerals[0]; i++) {
        for (; number >= numerals[i].value; number -= numerals[i].value) {
            length = strlen(out);
            snprintf(out + length, size - length, "%s", numerals[i].text);
        }
    }
}

static void derive_name(uint64_t seed, uint64_t index, char *out, size_t size) {
    uint32_t within = (uint32_t)(index % TN_GEN_ACCOUNT_NAMES);
    uint64_t repeat = index / TN_GEN_ACCOUNT_NAMES;
    tn_gen_account_base_name(name_combination(seed, within), out, size);
    if (repeat > 0)
        append_numeral((unsigned)(repeat + 1), out, size);
}

/* The first anniversary of signup on or after the as-of date; TN_DAY_NEVER for a churned one. */
static tn_day derive_renewal(const tn_gen_company *company, const tn_gen_customer *c) {
    if (c->churn != TN_DAY_NEVER)
        return TN_DAY_NEVER;
    int term_months = c->tier == TN_TIER_STARTER ? 1 : 12;
    tn_day renewal = c->signup;
    for (int terms = 1; renewal < company->as_of; terms++)
        renewal = tn_day_add_months(c->signup, terms * term_months);
    return renewal;
}

static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* `value` as `digits` base-62 characters, most significant first. */
static void put_base62(uint64_t value, int digits, char *out) {
    for (int i = digits - 1; i >= 0; i--) {
        out[i] = base62[value % 62];
        value /= 62;
    }
}

void tn_gen_crm_id_18(const char *id15, char *out) {
    static const char checksum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    memcpy(out, id15, 15);
    for (int chunk = 0; chunk < 3; chunk++) {
        unsigned flags = 0;
        for (int i = 0; i < 5; i++) {
            char c = id15[chunk * 5 + i];
            if (c >= 'A' && c <= 'Z')
                flags |= 1u << i;
        }
        out[15 + chunk] = checksum[flags];
    }
    out[TN_GEN_CRM_ID_LENGTH] = '\0';
}

/*
 * "001" (Account), instance and reserved '0' fixed per seed, and a nine-digit
 * record number: a start fixed per seed + index · RECORD_STRIDE + a jitter
 * below the stride, so record numbers grow with the index and never repeat.
 */
static void derive_crm_id(uint64_t seed, uint64_t index, char *out) {
    enum { RECORD_STRIDE = 1000 };
    const uint64_t start_range = 3521614606208ULL; /* 62^7: the record numbers start low */
    char id15[15];
    memcpy(id15, "001", 3);
    put_base62(tn_rng_hash(seed, 0, SALT_CRM_INSTANCE) % (62 * 62), 2, id15 + 3);
    id15[5] = '0';
    uint64_t record = tn_rng_hash(seed, 0, SALT_CRM_START) % start_range + index * RECORD_STRIDE +
                      tn_rng_hash(seed, index, SALT_CRM_RECORD) % RECORD_STRIDE;
    put_base62(record, 9, id15 + 6);
    tn_gen_crm_id_18(id15, out);
}

void tn_gen_account_derive(const tn_gen_company *company, const tn_gen_customer *customer,
                           tn_gen_account *out) {
    uint64_t seed = company->seed, index = customer->index;
    derive_name(seed, index, out->name, sizeof out->name);
    out->owner = tn_gen_csm_names[tn_rng_hash(seed, index, SALT_OWNER) % TN_GEN_CSM_COUNT];
    out->renewal = derive_renewal(company, customer);
    derive_crm_id(seed, index, out->crm_id);
}
