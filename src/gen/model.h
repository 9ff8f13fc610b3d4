/*
 * model.h — the vocabulary and the knobs of the synthetic company.
 *
 * The vocabulary (tiers, industries, event types, ticket priorities and
 * topics, opportunity stages) is the data dictionary's, spelled as it is in
 * the raw tables. The knobs (tn_gen_model) are every number that shapes the
 * company: tier mix, churn hazards, activity, adoption, tickets, upgrades,
 * risk. They were calibrated so that the default company (5,000 customers,
 * two years) shows the dictionary's correlations; BENCHMARKS.md lists what
 * the default company measures. How each knob is used is documented in the
 * generator that reads it (customer.c, events.c, tickets.c, ...).
 */
#ifndef TN_GEN_MODEL_H
#define TN_GEN_MODEL_H

typedef enum { TN_TIER_STARTER, TN_TIER_GROWTH, TN_TIER_ENTERPRISE, TN_TIER_COUNT } tn_tier;

typedef enum {
    TN_INDUSTRY_FINTECH,
    TN_INDUSTRY_HEALTHTECH,
    TN_INDUSTRY_LEGALTECH,
    TN_INDUSTRY_HRTECH,
    TN_INDUSTRY_PROPTECH,
    TN_INDUSTRY_SAAS,
    TN_INDUSTRY_COUNT
} tn_industry;

typedef enum {
    TN_EVENT_EVIDENCE_UPLOAD,
    TN_EVENT_MONITORING_RUN,
    TN_EVENT_REPORT_VIEW,
    TN_EVENT_USER_INVITE,
    TN_EVENT_INTEGRATION_CONNECT,
    TN_EVENT_API_CALL,
    TN_EVENT_PREMIUM_FEATURE_TRIAL,
    TN_EVENT_TYPE_COUNT
} tn_event_type;

typedef enum {
    TN_PRIORITY_LOW,
    TN_PRIORITY_MEDIUM,
    TN_PRIORITY_HIGH,
    TN_PRIORITY_CRITICAL,
    TN_PRIORITY_COUNT
} tn_ticket_priority;

typedef enum {
    TN_TOPIC_COMPLIANCE,
    TN_TOPIC_INTEGRATION,
    TN_TOPIC_BILLING,
    TN_TOPIC_ONBOARDING,
    TN_TOPIC_FEATURE_REQUEST,
    TN_TOPIC_COUNT
} tn_ticket_topic;

typedef enum {
    TN_STAGE_PROSPECTING,
    TN_STAGE_QUALIFICATION,
    TN_STAGE_PROPOSAL,
    TN_STAGE_CLOSED_WON,
    TN_STAGE_CLOSED_LOST,
    TN_STAGE_COUNT
} tn_opportunity_stage;

typedef enum { TN_OPP_EXPANSION, TN_OPP_NEW_BUSINESS, TN_OPP_TYPE_COUNT } tn_opportunity_type;

/* The raw tables' spellings. */
extern const char *const tn_tier_names[TN_TIER_COUNT];
extern const char *const tn_industry_names[TN_INDUSTRY_COUNT];
extern const char *const tn_event_type_names[TN_EVENT_TYPE_COUNT];
extern const char *const tn_priority_names[TN_PRIORITY_COUNT];
extern const char *const tn_topic_names[TN_TOPIC_COUNT];
extern const char *const tn_stage_names[TN_STAGE_COUNT];
extern const char *const tn_opportunity_type_names[TN_OPP_TYPE_COUNT];

/* MRR bands of the plan tiers, in dollars: [floor, ceiling]. */
extern const double tn_tier_mrr_floor[TN_TIER_COUNT];
extern const double tn_tier_mrr_ceiling[TN_TIER_COUNT];

/* Anonymised sales reps; every opportunity's sales_owner is one of them. */
#define TN_SALES_REP_COUNT 16
extern const char *const tn_sales_reps[TN_SALES_REP_COUNT];

/* Every number that shapes the company (see the header comment). */
typedef struct {
    int window_days; /* signups fall in [as_of - window_days, as_of) */

    /* Who the customers are */
    double tier_share[TN_TIER_COUNT];
    double industry_share[TN_INDUSTRY_COUNT];
    double signup_growth; /* signup density rises linearly by this fraction over the window */

    /* Churn: daily hazard base * exp(-health_effect * h) * (1 + early_bump * exp(-early_health * h)
     * * bump(t)) */
    double churn_base_hazard[TN_TIER_COUNT];
    double churn_health_effect;
    double churn_early_bump[TN_TIER_COUNT];
    double churn_early_health_effect;
    double churn_early_peak_day;
    double churn_early_width_days;
    int churn_min_tenure_days;

    /* Upgrades: logit p = base + health * h + mrr_effect * noise; tenure at upgrade 60 + Gamma */
    double upgrade_logit_base[TN_TIER_COUNT];
    double upgrade_health_effect;
    int upgrade_min_tenure_days;
    double upgrade_gamma_shape, upgrade_gamma_scale;

    /* Usage: events a day = tier_rate * activity * onboarding ramp * decay before churn * weekday
     */
    double events_per_day[TN_TIER_COUNT];
    double activity_sigma;          /* lognormal spread of activity between customers */
    double activity_health_effect;  /* log-activity per unit of health */
    double activity_trend_per_year; /* log-activity drift per year per unit of health */
    double burst_sigma;             /* spread of weeks-long busy and quiet spells (log scale) */
    double burst_days;              /* how long a spell lasts (correlation time) */
    double decay_floor;             /* activity left just before churn, as a share */
    double decay_midpoint_days;     /* days before churn at which activity is half gone */
    double decay_width_days;        /* logistic width of the decline */
    double weekday_factor[7];       /* Monday .. Sunday */
    double hour_weight[24];         /* UTC hour of day */

    /* Integration connects: a burst in the first 30 days */
    double integration_burst_mean[TN_TIER_COUNT];
    double integration_health_effect;
    double integration_sigma;

    /* Event mix */
    double retention_share;         /* evidence_upload + monitoring_run + report_view */
    double retention_health_effect; /* share shift per unit of health */
    double retention_split[3];      /* evidence_upload, monitoring_run, report_view */
    double invite_share;            /* user_invite */
    double integration_share;       /* integration_connect outside the burst */
    double premium_base_share;      /* premium_feature_trial for customers not upgrading */
    double premium_peak_share;      /* just before an upgrade */
    double premium_post_share;      /* after an upgrade */
    int premium_ramp_days;          /* trials rise over this many days before an upgrade */

    /* Adoption score: logistic(base + health * h + noise), then drifts */
    double adoption_logit_base[TN_TIER_COUNT];
    double adoption_health_effect;
    double adoption_sigma;             /* spread between customers (logit scale) */
    double adoption_event_sigma;       /* spread between one customer's events */
    double adoption_trend_per_year;    /* per unit of health */
    double adoption_churn_drop;        /* lost by the time of churn */
    double adoption_failed_onboarding; /* lower all along for customers who churn in 90 days */

    /* Support tickets */
    double tickets_per_month[TN_TIER_COUNT];
    double ticket_health_effect;
    double ticket_sigma;
    double ticket_onboarding_boost; /* rate multiplier in the first 60 days */
    double ticket_spike_mean;       /* extra tickets in the 60 days before churn */
    double priority_mix[TN_PRIORITY_COUNT];
    double spike_priority_mix[TN_PRIORITY_COUNT];
    double topic_mix[TN_TOPIC_COUNT];
    double spike_topic_mix[TN_TOPIC_COUNT];
    double resolution_median_hours[TN_PRIORITY_COUNT];
    double resolution_health_effect;
    double resolution_sigma;
    double feature_request_before_upgrade; /* extra feature requests in the premium ramp */
} tn_gen_model;

/* The calibrated defaults. */
const tn_gen_model *tn_gen_default_model(void);

#endif
