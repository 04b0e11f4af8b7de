/*
 * oidc: staff sign-in through the company's OpenID Connect provider
 * (RECRUITD_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET_FILE).
 */
#ifndef RECRUITD_FLOWS_OIDC_H
#define RECRUITD_FLOWS_OIDC_H

#include <stdbool.h>

struct config;

/* Whether single sign-on is configured. */
bool oidc_is_configured(const struct config *cfg);

#endif
