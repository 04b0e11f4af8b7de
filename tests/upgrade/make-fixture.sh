#!/usr/bin/env bash
# The database of the release before issue 26, for tests/api/test_upgrade.c:
#   tests/upgrade/make-fixture.sh PREVIOUS_TREE
# PREVIOUS_TREE is a built checkout of that release (make build). It starts
# that tree's own cluster (PREVIOUS_TREE/var/pg), migrates, runs its
# recruitd on 127.0.0.1, puts one applicant through every door whose words
# issue 26 seals (contact fields, title, job title, source detail, a legal
# hold's reason, a stage change's reason, an evaluation's summary, a
# document and its file name), and writes pg_dump of both databases and the
# master key of then into tests/upgrade/. Every value carries "Zqprevrel".
# Run once per previous release; the output is committed.
set -euo pipefail
prev=$(cd "${1:?usage: make-fixture.sh PREVIOUS_TREE}" && pwd)
out=$(cd "$(dirname "$0")" && pwd)
port=18931
base=http://127.0.0.1:$port
export RECRUITD_HOME=$prev RECRUITD_LISTEN=127.0.0.1:$port RECRUITD_PUBLIC_URL=$base
cd "$prev"
rm -rf var/pg var/master.key var/mail
PG_FAST=1 scripts/pg.sh start >/dev/null
trap 'kill "$pid" 2>/dev/null || true; scripts/pg.sh stop >/dev/null 2>&1 || true' EXIT
bin/recruitctl keys init
bin/recruitctl migrate >/dev/null
hr=$(bin/recruitctl staff-key create --role hr --name fixture 2>/dev/null)
bin/recruitd >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
api() { # METHOD PATH [JSON]: the body answered
	curl -sf -X "$1" -H "Authorization: Bearer $hr" -H 'Content-Type: application/json' \
		${3:+--data "$3"} "$base$2"
}
id() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
opening=$(api POST /v1/openings '{"title":"Upgrade Tester","country":"US"}' | id)
a=$(api POST /v1/applicants '{"full_name":"Ada Zqprevrelname","email":"ada.zqprevrel@example.com",
	"phone":"+1 212 555 0142","address":{"line1":"1 Zqprevrelstreet","country":"US"},
	"title":"Dr Zqprevreltitle","job_title":"Zqprevreljob","source":{"type":"agency",
	"detail":"Zqprevrelsrc"}}' | id)
api PUT "/v1/applicants/$a/legal-hold" '{"reason":"Zqprevrelhold"}' >/dev/null
app=$(api POST "/v1/applicants/$a/applications" "{\"opening_id\":\"$opening\"}" | id)
api POST "/v1/applications/$app/transitions" '{"to":"interview","reason":"Zqprevrelwhy"}' >/dev/null
api POST "/v1/applications/$app/evaluations" '{"score":4,"summary":"Zqprevrelsum"}' >/dev/null
printf 'Zqprevreldoc, a plain text resume\n' >/tmp/zqprevrel.txt
curl -sf -H "Authorization: Bearer $hr" -F kind=resume \
	-F "file=@/tmp/zqprevrel.txt;filename=Zqprevrelfile.txt" \
	"$base/v1/applicants/$a/documents" >/dev/null
rm -f /tmp/zqprevrel.txt
b=$(api POST /v1/applicants '{"full_name":"Bo Zqprevrelother","email":"bo.zqprevrel@example.com"}' | id)
kill "$pid"
wait "$pid" 2>/dev/null || true
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
url=$(scripts/pg.sh url)
"$bindir/pg_dump" --no-owner --no-privileges -d "$url" -f "$out/previous-main.sql"
"$bindir/pg_dump" --no-owner --no-privileges -d "${url/dbname=recruitd/dbname=recruitd_keys}" \
	-f "$out/previous-keys.sql"
cp var/master.key "$out/previous-master.key"
printf 'applicant=%s\napplication=%s\nother=%s\n' "$a" "$app" "$b" >"$out/previous.ids"
echo "tests/upgrade: written from $(git -C "$prev" rev-parse --short HEAD)"
