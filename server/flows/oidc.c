/* oidc: staff sign-in through OpenID Connect. See oidc.h. */
#include "flows/oidc.h"
#include "core/config.h"

bool
oidc_is_configured(const struct config *cfg)
{
	return cfg->oidc_issuer != NULL;
}
