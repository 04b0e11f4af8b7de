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
    {"POST", "/staff/sign-out", console_sign_out, ACCESS_PUBLIC, BODY_FORM},
    {"GET", "/staff", console_home, ACCESS_PUBLIC, BODY_NONE},
};

const size_t console_routes_count = sizeof(console_routes) / sizeof(console_routes[0]);
