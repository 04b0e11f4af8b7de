/*
 * routes: every endpoint recruitd serves. A reader finds any endpoint here
 * in one step: the handler named is in the resource's file.
 */
#include "api/routes.h"
#include "api/handlers.h"

const struct route routes[] = {
    {"GET", "/healthz", ops_healthz, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/readyz", ops_readyz, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/metrics", ops_metrics, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/openapi.yaml", ops_openapi, ACCESS_PUBLIC, BODY_NONE},

    {"POST", "/v1/applicants", applicants_create, ACCESS_STAFF, BODY_JSON},
    {"GET", "/v1/applicants", applicants_list, ACCESS_STAFF, BODY_NONE},
    {"GET", "/v1/applicants/{id}", applicants_get, ACCESS_STAFF, BODY_NONE},
    {"PATCH", "/v1/applicants/{id}", applicants_patch, ACCESS_STAFF, BODY_JSON},
    {"DELETE", "/v1/applicants/{id}", applicants_delete, ACCESS_HR, BODY_NONE},
    {"PUT", "/v1/applicants/{id}/legal-hold", applicants_hold_set, ACCESS_HR, BODY_JSON},
    {"DELETE", "/v1/applicants/{id}/legal-hold", applicants_hold_lift, ACCESS_HR, BODY_NONE},

    {"POST", "/v1/applicants/{id}/documents", documents_create, ACCESS_STAFF, BODY_MULTIPART},
    {"GET", "/v1/applicants/{id}/documents", documents_list, ACCESS_STAFF, BODY_NONE},
    {"GET", "/v1/documents/{id}", documents_get, ACCESS_STAFF, BODY_NONE},
    {"DELETE", "/v1/documents/{id}", documents_delete, ACCESS_STAFF, BODY_NONE},

    {"POST", "/v1/openings", openings_create, ACCESS_STAFF, BODY_JSON},
    {"GET", "/v1/openings", openings_list, ACCESS_ANYONE, BODY_NONE},
    {"GET", "/v1/openings/{id}", openings_get, ACCESS_ANYONE, BODY_NONE},
    {"PATCH", "/v1/openings/{id}", openings_patch, ACCESS_STAFF, BODY_JSON},

    {"GET", "/apply", pages_apply, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/jobs", pages_jobs, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/jobs.xml", pages_jobs_feed, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/jobs/{id}", pages_job, ACCESS_PUBLIC, BODY_NONE},
    {"POST", "/jobs/{id}", apply_submit_job, ACCESS_PUBLIC, BODY_MULTIPART},
    {"GET", "/apply/confirm", pages_confirm, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/me", pages_me, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/privacy-notice", pages_notice, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/privacy", pages_privacy, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/assets/{name}", pages_asset, ACCESS_PUBLIC, BODY_NONE},
    {"POST", "/v1/apply", apply_submit, ACCESS_PUBLIC, BODY_MULTIPART},
    {"POST", "/v1/apply/confirmations", apply_confirm, ACCESS_PUBLIC, BODY_JSON},

    {"POST", "/v1/me/sign-in", me_sign_in, ACCESS_PUBLIC, BODY_JSON},
    {"POST", "/v1/me/sessions", me_sessions, ACCESS_PUBLIC, BODY_JSON},
    {"DELETE", "/v1/me/session", me_session_delete, ACCESS_APPLICANT, BODY_NONE},

    {"GET", "/v1/me", me_get, ACCESS_APPLICANT, BODY_NONE},
    {"PATCH", "/v1/me", me_patch, ACCESS_APPLICANT, BODY_JSON},
    {"POST", "/v1/me/email-confirmations", me_email_confirm, ACCESS_PUBLIC, BODY_JSON},
    {"POST", "/v1/me/documents", me_upload, ACCESS_APPLICANT, BODY_MULTIPART},
    {"GET", "/v1/me/documents/{id}", me_document, ACCESS_APPLICANT, BODY_NONE},
    {"DELETE", "/v1/me/documents/{id}", me_document_delete, ACCESS_APPLICANT, BODY_NONE},
    {"POST", "/v1/me/applications", me_apply, ACCESS_APPLICANT, BODY_JSON},
    {"POST", "/v1/me/applications/{id}/withdraw", me_withdraw, ACCESS_APPLICANT, BODY_NONE},

    {"POST", "/v1/applicants/{id}/applications", applications_create, ACCESS_STAFF, BODY_JSON},
    {"GET", "/v1/applications", applications_list, ACCESS_STAFF, BODY_NONE},
    {"GET", "/v1/applications/{id}", applications_get, ACCESS_STAFF, BODY_NONE},
    {"POST", "/v1/applications/{id}/transitions", applications_transition, ACCESS_STAFF, BODY_JSON},
    {"GET", "/v1/applications/{id}/history", applications_history, ACCESS_STAFF, BODY_NONE},
    {"POST", "/v1/applications/{id}/evaluations", evaluations_create, ACCESS_STAFF, BODY_JSON},
    {"GET", "/v1/applications/{id}/evaluations", evaluations_list, ACCESS_STAFF, BODY_NONE},
    {"GET", "/v1/evaluations/{id}", evaluations_get, ACCESS_STAFF, BODY_NONE},

    {"POST", "/v1/applications/{id}/hire", hire_create, ACCESS_HR, BODY_JSON},
    {"GET", "/v1/employees/{id}", employees_get, ACCESS_HR, BODY_NONE},
    {"GET", "/v1/employees/{id}/archive", employees_archive, ACCESS_HR, BODY_NONE},

    {"GET", "/v1/background-check-rules", bgcheck_list, ACCESS_STAFF, BODY_NONE},
    {"GET", "/v1/background-check-rules/{country}", bgcheck_get, ACCESS_STAFF, BODY_NONE},
    {"PUT", "/v1/background-check-rules/{country}", bgcheck_put, ACCESS_HR, BODY_JSON},
    {"DELETE", "/v1/background-check-rules/{country}", bgcheck_delete, ACCESS_HR, BODY_NONE},
    {"GET", "/v1/background-check-rules/{country}/{region}", bgcheck_get, ACCESS_STAFF, BODY_NONE},
    {"PUT", "/v1/background-check-rules/{country}/{region}", bgcheck_put, ACCESS_HR, BODY_JSON},
    {"DELETE", "/v1/background-check-rules/{country}/{region}", bgcheck_delete, ACCESS_HR,
     BODY_NONE},

    {"GET", "/v1/analytics/funnel", analytics_funnel, ACCESS_STAFF, BODY_NONE},

    {"GET", "/v1/retention/policies", retention_policies_get, ACCESS_HR, BODY_NONE},
    {"PUT", "/v1/retention/policies", retention_policies_put, ACCESS_HR, BODY_JSON},
    {"GET", "/v1/retention/floors", retention_floors_get, ACCESS_HR, BODY_NONE},
    {"PUT", "/v1/retention/floors", retention_floors_put, ACCESS_HR, BODY_JSON},
    {"POST", "/v1/retention/purges", purges_create, ACCESS_HR, BODY_JSON},
    {"GET", "/v1/retention/purges", purges_list, ACCESS_HR, BODY_NONE},
    {"GET", "/v1/retention/purges/{id}", purges_get, ACCESS_HR, BODY_NONE},

    {"GET", "/v1/audit", audit_list, ACCESS_HR, BODY_NONE},

    {"GET", "/v1/staff", staff_list, ACCESS_HR, BODY_NONE},
    {"POST", "/v1/staff", staff_create, ACCESS_HR, BODY_JSON},
    {"GET", "/v1/staff/{id}", staff_get, ACCESS_HR, BODY_NONE},
    {"PATCH", "/v1/staff/{id}", staff_patch, ACCESS_HR, BODY_JSON},
    {"GET", "/v1/templates", templates_get, ACCESS_HR, BODY_NONE},
    {"PUT", "/v1/templates", templates_put, ACCESS_HR, BODY_JSON},

    {"POST", "/v1/privacy-requests", privacy_create, ACCESS_ANYONE, BODY_JSON},
    {"GET", "/v1/privacy-requests", privacy_list, ACCESS_HR, BODY_NONE},
    {"POST", "/v1/privacy-requests/verifications", privacy_verify, ACCESS_PUBLIC, BODY_JSON},
    {"POST", "/v1/privacy-requests/verifications/preview", privacy_verify_preview, ACCESS_PUBLIC,
     BODY_JSON},
    {"GET", "/v1/privacy-requests/metrics", privacy_metrics_get, ACCESS_HR, BODY_NONE},
    {"GET", "/v1/privacy-requests/{id}", privacy_get_one, ACCESS_HR, BODY_NONE},
    {"POST", "/v1/privacy-requests/{id}/extension", privacy_extension, ACCESS_HR, BODY_JSON},
    {"POST", "/v1/privacy-requests/{id}/completion", privacy_completion, ACCESS_HR, BODY_JSON},
    {"POST", "/v1/me/privacy-requests", me_privacy_create, ACCESS_APPLICANT, BODY_JSON},
    {"GET", "/v1/me/privacy-requests", me_privacy_list, ACCESS_APPLICANT, BODY_NONE},
    {"GET", "/v1/me/privacy-requests/{id}", me_privacy_get, ACCESS_APPLICANT, BODY_NONE},
    {"GET", "/v1/me/exports/{id}", me_export_get, ACCESS_APPLICANT, BODY_NONE},
    {"GET", "/v1/exports/{token}", exports_get_by_link, ACCESS_PUBLIC, BODY_NONE},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
