#!/usr/bin/env bash
# make run: install what is missing, build, start the private cluster,
# migrate, print the hr key "make-run" (each start replaces it: the one
# before stops working), and serve in the foreground until Ctrl-C. Nobody is
# added to the staff directory silently: RECRUITD_FIRST_HR_EMAIL (and
# RECRUITD_FIRST_HR_NAME) add that person as hr, else it says how to.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
make --no-print-directory -j"$(nproc)" build >/dev/null
scripts/pg.sh start
export RECRUITD_HOME=$PWD
bin/recruitctl keys init          # var/keyring (mode 0600) unless it exists; a var/master.key moves into it
bin/recruitctl migrate            # the main database and the key database
bin/recruitctl keys seal-existing # rows from before the data keys, if any

listen=${RECRUITD_LISTEN:-127.0.0.1:8080}
base=${RECRUITD_PUBLIC_URL:-http://$listen}
member=()
if [ -n "${RECRUITD_FIRST_HR_EMAIL:-}" ]; then
	bin/recruitctl staff add --email "$RECRUITD_FIRST_HR_EMAIL" \
		--name "${RECRUITD_FIRST_HR_NAME:-HR}" --role hr --exists-ok >/dev/null
	member=(--member "$RECRUITD_FIRST_HR_EMAIL")
fi
token=$(bin/recruitctl staff-key create --role hr --name make-run --replace "${member[@]}" 2>/dev/null)
members=$(bin/recruitctl staff list | tail -n +2 | wc -l)
cat <<MSG

recruitd is starting on http://$listen  (Ctrl-C stops it; 'make stop' stops PostgreSQL)
The hr staff key of make run (replaced at each start; the one before no longer works):

    $token

Try:  curl -H "Authorization: Bearer $token" http://$listen/v1/applicants
MSG
if [ "$members" -eq 0 ]; then
	cat <<MSG

Nobody is in the staff directory yet, so nobody can sign in to the console. Add yourself:

    bin/recruitctl staff add --email you@example.com --name 'Your Name' --role hr

(or start with RECRUITD_FIRST_HR_EMAIL=you@example.com make run), then open
$base/staff/sign-in: the sign-in link arrives in var/mail/.
MSG
else
	echo
	echo "The staff console: $base/staff/sign-in (sign-in links arrive in var/mail/)"
fi
echo
exec bin/recruitd
