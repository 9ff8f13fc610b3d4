/*
 * model.c — the names of the raw tables' categorical values and the
 * calibrated parameters of the default company (see model.h).
 */
#include "gen/model.h"

const char *const tn_tier_names[TN_TIER_COUNT] = {"starter", "growth", "enterprise"};
const char *const tn_industry_names[TN_INDUSTRY_COUNT] = {"FinTech", "HealthTech", "LegalTech",
                                                          "HR Tech", "PropTech",   "SaaS"};
const char *const tn_event_type_names[TN_EVENT_TYPE_COUNT] = {
    "evidence_upload",     "monitoring_run", "report_view",          "user_invite",
    "integration_connect", "api_call",       "premium_feature_trial"};
const char *const tn_priority_names[TN_PRIORITY_COUNT] = {"low", "medium", "high", "critical"};
const char *const tn_topic_names[TN_TOPIC_COUNT] = {"compliance", "integration", "billing",
                                                    "onboarding", "feature_request"};
const char *const tn_stage_names[TN_STAGE_COUNT] = {"prospecting", "qualification", "proposal",
                                                    "closed_won", "closed_lost"};
const char *const tn_opportunity_type_names[TN_OPP_TYPE_COUNT] = {"expansion", "new_business"};

const double tn_tier_mrr_floor[TN_TIER_COUNT] = {500, 2000, 8000};
const double tn_tier_mrr_ceiling[TN_TIER_COUNT] = {2000, 8000, 50000};

const char *const tn_sales_reps[TN_SALES_REP_COUNT] = {
    "A. Okafor",   "B. Lindqvist", "C. Moreau",  "D. Nakamura", "E. Castillo", "F. Novak",
    "G. Haddad",   "H. Fischer",   "I. Rossi",   "J. Mensah",   "K. Petrova",  "L. Tanaka",
    "M. Oliveira", "N. Kowalski",  "O. Brennan", "P. Iyer",
};

static const tn_gen_model default_model = {
    .window_days = 730,

    .tier_share = {0.50, 0.35, 0.15},
    .industry_share = {0.24, 0.20, 0.14, 0.14, 0.10, 0.18},
    .signup_growth = 0.0,

    .churn_base_hazard = {0.00120, 0.00038, 0.00011},
    .churn_health_effect = 0.6,
    .churn_early_bump = {13.0, 8.0, 6.0},
    .churn_early_health_effect = 2.2,
    .churn_early_peak_day = 55,
    .churn_early_width_days = 22,
    .churn_min_tenure_days = 14,

    .upgrade_logit_base = {-1.0, -1.2, -2.0},
    .upgrade_health_effect = 0.5,
    .upgrade_min_tenure_days = 60,
    .upgrade_gamma_shape = 2.5,
    .upgrade_gamma_scale = 90,

    .events_per_day = {5.5, 8.0, 10.5},
    .activity_sigma = 0.35,
    .activity_health_effect = 0.20,
    .activity_trend_per_year = 0.10,
    .burst_sigma = 0.9,
    .burst_days = 20,
    .decay_floor = 0.14,
    .decay_midpoint_days = 40,
    .decay_width_days = 12,
    .weekday_factor = {1.15, 1.15, 1.15, 1.15, 1.10, 0.40, 0.35},
    .hour_weight = {0.2, 0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.6, 1.0, 1.4, 1.8, 2.0,
                    2.2, 2.6,  3.0, 3.1, 3.0, 2.8,  2.4, 2.0, 1.5, 1.0, 0.6, 0.3},

    .integration_burst_mean = {1.2, 2.5, 4.0},
    .integration_health_effect = 0.65,
    .integration_sigma = 0.65,

    .retention_share = 0.50,
    .retention_health_effect = 0.50,
    .retention_split = {0.35, 0.40, 0.25},
    .invite_share = 0.06,
    .integration_share = 0.008,
    .premium_base_share = 0.010,
    .premium_peak_share = 0.20,
    .premium_post_share = 0.06,
    .premium_ramp_days = 120,

    .adoption_logit_base = {-0.3, 0.1, 0.4},
    .adoption_health_effect = 0.0,
    .adoption_sigma = 0.8,
    .adoption_event_sigma = 0.10,
    .adoption_trend_per_year = 0.04,
    .adoption_churn_drop = 0.09,
    .adoption_failed_onboarding = 0.10,

    .tickets_per_month = {0.8, 1.0, 1.3},
    .ticket_health_effect = 0.6,
    .ticket_sigma = 0.5,
    .ticket_onboarding_boost = 1.8,
    .ticket_spike_mean = 4.2,
    .priority_mix = {0.42, 0.42, 0.12, 0.04},
    .spike_priority_mix = {0.03, 0.12, 0.55, 0.30},
    .topic_mix = {0.30, 0.18, 0.20, 0.14, 0.18},
    .spike_topic_mix = {0.25, 0.30, 0.15, 0.25, 0.05},
    .resolution_median_hours = {52, 30, 14, 6},
    .resolution_health_effect = 0.25,
    .resolution_sigma = 0.6,
    .feature_request_before_upgrade = 1.5,
};

const tn_gen_model *tn_gen_default_model(void) {
    return &default_model;
}
