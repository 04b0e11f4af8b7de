/*
 * routes: every page of the staff console. Public routes (the edge checks
 * no bearer token here): the pages check the session cookie themselves
 * (pages/console.c), and a cookie never reaches /v1.
 */
#include "pages/console.h"

const struct route console_routes[] = {
    {"GET", "/staff/sign-in", console_sign_in_page, ACCESS_PUBLIC, BODY_NONE},
    {"POST", "/staff/sign-in", console_sign_in_post, ACCESS_PUBLIC, BODY_FORM},
    {"POST", "/staff/sessions", console_sessions_post, ACCESS_PUBLIC, BODY_FORM},
    {"GET", "/staff/sign-in/sso", console_sso_start, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/staff/sign-in/callback", console_sso_callback, ACCESS_PUBLIC, BODY_NONE},
    {"POST", "/staff/sign-out", console_sign_out, ACCESS_PUBLIC, BODY_FORM},
    {"GET", "/staff", console_home, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/staff/openings", console_openings, ACCESS_PUBLIC, BODY_NONE},
    {"POST", "/staff/openings", console_opening_create, ACCESS_PUBLIC, BODY_FORM},
    {"GET", "/staff/openings/{id}", console_opening, ACCESS_PUBLIC, BODY_NONE},
    {"POST", "/staff/openings/{id}", console_opening_change, ACCESS_PUBLIC, BODY_FORM},
    {"POST", "/staff/openings/{id}/rejections", console_rejections, ACCESS_PUBLIC, BODY_FORM},
    {"POST", "/staff/applications/{id}/move", console_move, ACCESS_PUBLIC, BODY_FORM},
    {"POST", "/staff/applications/{id}/evaluations", console_evaluate, ACCESS_PUBLIC, BODY_FORM},
    {"GET", "/staff/applicants", console_applicants, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/staff/applicants/{id}", console_applicant, ACCESS_PUBLIC, BODY_NONE},
    {"GET", "/staff/documents/{id}", console_document, ACCESS_PUBLIC, BODY_NONE},
};

const size_t console_routes_count = sizeof(console_routes) / sizeof(console_routes[0]);
