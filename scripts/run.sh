#!/usr/bin/env bash
# make run: install what is missing, build, start the private cluster,
# migrate, print a new hr key, and serve in the foreground until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
make --no-print-directory -j"$(nproc)" build >/dev/null
scripts/pg.sh start
export RECRUITD_HOME=$PWD
bin/recruitctl keys init          # var/keyring (mode 0600) unless it exists; a var/master.key moves into it
bin/recruitctl migrate            # the main database and the key database
bin/recruitctl keys seal-existing # rows from before the data keys, if any

name="hr-$(date -u +%Y%m%dT%H%M%SZ)-$$"
token=$(bin/recruitctl staff-key create --role hr --name "$name")
listen=${RECRUITD_LISTEN:-127.0.0.1:8080}
cat <<MSG

recruitd is starting on http://$listen  (Ctrl-C stops it; 'make stop' stops PostgreSQL)
A new hr staff key, "$name":

    $token

Try:  curl -H "Authorization: Bearer $token" http://$listen/v1/applicants

MSG
exec bin/recruitd
