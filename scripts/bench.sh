#!/usr/bin/env bash
# make bench: recruitd side by side with PostgreSQL's own limit.
#
# Seeds a reproducible data set (bench/seed.sql) into a database of its own,
# starts bin/recruitd on it, and for each scenario and concurrency runs wrk
# against recruitd and then pgbench against PostgreSQL with the very statements
# the endpoint issues, in the same transactions. The statements' SQL is taken
# from PostgreSQL's statement log while recruitd serves one request of each
# kind, so it cannot drift from the code; only parameter values are given here.
# Each wrk run is followed by one at half its rate (every connection waits
# before its next request), for the latency of a machine that is not
# saturated; pgbench's own p99 comes from its log. Reads and creates are also
# run against bench/bare.c, a bare libmicrohttpd + libpq server issuing the
# same statements without recruitd's checks: the floor DESIGN sets its
# targets from. Prints a table and writes var/bench/latest.json.
#   BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default "8 32"),
#   BENCH_APPLICANTS (default 100000): the size of the data set,
#   BENCH_REUSE=1: keep the database the last run seeded, when of the same size,
#   BENCH_INSTANCES (default 1): that many recruitd processes behind HAProxy (Debian's
#   package, bench/haproxy.cfg), which wrk then talks to,
#   BENCH_SCENARIOS (default "get list search_rare search_common funnel search create upload
#   transition board staff_search staff_home privacy_queue export hire purge rotation";
#   export, hire, purge and rotation are timed apart: see below; board, staff_search,
#   staff_home and privacy_queue are the console's pages over HTTP with a session cookie, at
#   BENCH_CONSOLE_CONNECTIONS (default 8) staff sessions; BENCH_PRIVACY (default 10,000)
#   requests in the queue),
#   BENCH_ROTATION_BATCH (default 1000) and BENCH_ROTATION_PACE (default 300): the
#   rotation's --batch and --pace
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
seconds=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-"8 32"}
port=${BENCH_PORT:-18999}
applicants=${BENCH_APPLICANTS:-100000}
instances=${BENCH_INSTANCES:-1}
scenarios=${BENCH_SCENARIOS:-get list search_rare search_common funnel search create upload transition board staff_search staff_home privacy_queue export hire purge rotation}
console_conns=${BENCH_CONSOLE_CONNECTIONS:-8}
out=$top/var/bench
mkdir -p "$out"

if [ "$instances" -gt 1 ]; then scripts/deps.sh wrk haproxy; else scripts/deps.sh wrk; fi
make --no-print-directory -j"$(nproc)" build build/release/bench/bare >/dev/null
scripts/pg.sh start
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
host=$top/var/pg/run
db=recruitd_bench
export RECRUITD_HOME=$top RECRUITD_DATABASE_URL="host=$host dbname=$db user=recruitd"
# the data keys: a key database and a master key of the bench's own
export RECRUITD_KEYS_DATABASE_URL="host=$host dbname=${db}_keys user=recruitd"
export RECRUITD_MASTER_KEY_FILE=$out/master.key RECRUITD_KEYRING_FILE=$out/keyring
psql=("$pgbin/psql" -X -q -h "$host" -U recruitd)

if [ "${BENCH_REUSE:-0}" = 1 ] && [ "$(cat "$out/seeded" 2>/dev/null)" = "$applicants" ]; then
	echo "bench: reusing $db as the last run left it ($applicants applicants, BENCH_REUSE=1)" >&2
	bin/recruitctl migrate >/dev/null 2>&1
else
	echo "bench: seeding $db ($applicants applicants with resumes, applications, history)" >&2
	rm -f "$out/seeded"
	for d in "$db" "${db}_keys"; do
		"$pgbin/dropdb" -h "$host" -U recruitd --if-exists "$d"
		"$pgbin/createdb" -h "$host" -U recruitd "$d"
	done
	rm -f "$RECRUITD_MASTER_KEY_FILE" "$RECRUITD_MASTER_KEY_FILE.next" "$RECRUITD_KEYRING_FILE"
	bin/recruitctl keys init
	bin/recruitctl migrate 2>/dev/null
	t0=$(date +%s)
	"${psql[@]}" -d "$db" -v n="$applicants" -f bench/seed.sql >/dev/null
	echo "bench: seeded in $(($(date +%s) - t0)) s (set-based SQL, bench/seed.sql)" >&2
	# The seed is written in plaintext, as rows from before the keys; seal it as an upgrade would.
	t0=$(date +%s)
	bin/recruitctl keys seal-existing --batch 1000 2>&1 | sed 's/^/bench:   /' >&2
	echo "bench: sealed the seed in $(($(date +%s) - t0)) s (recruitctl keys seal-existing)" >&2
	echo "$applicants" >"$out/seeded"
fi
token=$(bin/recruitctl staff-key create --role hr --name "bench-$(date +%s)")
key_id=${token:4:16}
# The console's sessions: BENCH_CONSOLE_CONNECTIONS recruiters, a session each, made as a
# sign-in would leave them (the cookie's secret stored hashed).
# HR's pages (the privacy queue) get BENCH_CONSOLE_CONNECTIONS hr members of their own.
sessions_of() { # role: that many members of role, a session each; the cookies' values
	local member skey ssecret all=
	for _ in $(seq 1 "$console_conns"); do
		member=$("${psql[@]}" -d "$db" -Atc "INSERT INTO staff_members (work_email, email_folded, name, role) \
			VALUES ('bench@example.com', 'bench.$(date +%s%N)@example.com', 'Bench', '$1') RETURNING id")
		skey=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
		ssecret=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
		"${psql[@]}" -d "$db" -c "INSERT INTO staff_sessions (key_id, secret_sha256, member_id, method) VALUES \
			('$skey', '$(printf %s "$ssecret" | sha256sum | cut -d' ' -f1)', '$member', 'link')" >/dev/null
		all+="rkc_${skey}_$ssecret "
	done
	echo "$all"
}
cookies=$(sessions_of recruiter)
hr_cookies=$(sessions_of hr)
# The privacy queue: BENCH_PRIVACY (default 10,000) requests in the log, of every type and
# status, as rows without personal parts (those are sealed apart and opened only on a
# request's own page), received over the last months; kept between runs.
privacy=${BENCH_PRIVACY:-10000}
if [[ " $scenarios " == *" privacy_queue "* ]] &&
	[ "$("${psql[@]}" -d "$db" -Atc "SELECT count(*) FROM privacy_requests WHERE channel = 'mail' AND email_masked = 'b***@example.com'")" -lt "$privacy" ]; then
	"${psql[@]}" -d "$db" -v ON_ERROR_STOP=1 -c "INSERT INTO privacy_requests (type, status, channel, email_masked, \
		received_at, confirm_by, due_at, completed_at, outcome) \
		SELECT (ARRAY['know_categories','know_specific','delete','correct','opt_out'])[1 + g % 5], s, 'mail', \
			'b***@example.com', r, r + interval '10 days', r + interval '45 days', \
			CASE WHEN s IN ('completed', 'denied') THEN r + interval '5 days' END, \
			CASE s WHEN 'completed' THEN 'fulfilled' WHEN 'denied' THEN 'denied' END \
		FROM generate_series(1, $privacy) g, \
		LATERAL (SELECT now() - g * interval '20 minutes' AS r, \
			(ARRAY['completed','completed','completed','denied','in_progress','awaiting_verification'])[1 + g % 6] AS s) x" >/dev/null
fi
"${psql[@]}" -d "$db" -Atc "SELECT md5('bench-applicant-' || g)::uuid FROM generate_series(1, $applicants) g" >"$out/ids.txt"
"${psql[@]}" -d "$db" -Atc "SELECT md5('bench-app-' || g)::uuid FROM generate_series(1, $applicants) g" >"$out/apps.txt"
"${psql[@]}" -d "$db" -Atc "SELECT md5('bench-opening-' || g)::uuid FROM generate_series(1, 50) g" >"$out/openings.txt"

server= servers=() proxy=
up() { # port: until it answers
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.05; done
	echo "bench: nothing answers on port $1" >&2
	exit 1
}
# One recruitd on $port; or BENCH_INSTANCES of them on the ports after it, behind HAProxy on
# $port (bench/haproxy.cfg, the README's deployment example). $server is the first's pid.
# Measure the steady state: until the key cache has been filled at start (the newest keys, a
# page at a time, on a thread of its own), reads would be measured against a cold cache.
warmed() { # the log's line count before the start: until a "data keys cached=" line after it
	for _ in $(seq 600); do
		tail -n +"$(($1 + 1))" "$out/recruitd.log" | grep -q 'msg="data keys" cached=' && return
		sleep 0.1
	done
	echo "bench: the key cache was not filled within a minute" >&2
}
start_server() {
	local lines
	lines=$(wc -l <"$out/recruitd.log" 2>/dev/null || echo 0)
	if [ "$instances" -le 1 ]; then
		RECRUITD_LISTEN=127.0.0.1:$port bin/recruitd 2>>"$out/recruitd.log" &
		server=$! servers=("$server")
		up "$port"
		warmed "$lines"
		return
	fi
	local backends="" i
	for i in $(seq 1 "$instances"); do
		RECRUITD_LISTEN=127.0.0.1:$((port + 10 + i)) bin/recruitd 2>>"$out/recruitd.log" &
		servers+=($!)
		up $((port + 10 + i))
		backends+="    server recruitd$i 127.0.0.1:$((port + 10 + i)) check inter 2s"$'\n'
	done
	server=${servers[0]}
	awk -v listen="127.0.0.1:$port" -v backends="$backends" \
		'/^    server / { if (!done) printf "%s", backends; done = 1; next } { sub(/127\.0\.0\.1:8080/, listen); print }' \
		bench/haproxy.cfg >"$out/haproxy.cfg"
	haproxy -q -f "$out/haproxy.cfg" &
	proxy=$!
	up "$port"
	warmed "$lines"
}
stop_server() {
	[ -n "$proxy" ] && kill "$proxy" && wait "$proxy" 2>/dev/null || true
	local pid
	for pid in "${servers[@]}"; do kill "$pid" && wait "$pid" || true; done
	server= servers=() proxy=
}
bare=
stop_bare() { [ -n "$bare" ] && kill "$bare" && wait "$bare" 2>/dev/null || true; bare=; }
trap 'stop_server; stop_bare' EXIT

# --- capture the statements each endpoint issues -------------------------------
pglog=$(cd var/pg && pwd -P)/log
"${psql[@]}" -d "$db" -c "ALTER DATABASE $db SET log_statement = 'all'" -c "ALTER DATABASE $db SET log_min_messages = 'log'"
start_server
capture() { # name, then the curl arguments: the SQL of the request's statements, one per line
	local name=$1 before
	shift
	before=$(wc -l <"$pglog")
	curl -s -o /dev/null -H "Authorization: Bearer $token" "$@"
	sleep 0.3
	tail -n +"$((before + 1))" "$pglog" | sed -n 's/^.*LOG:  execute \(s[0-9a-f]*\|<unnamed>\): //p' |
		grep -v '^SELECT name, role, secret_sha256 FROM staff_keys' | grep -v 'FROM mail_outbox' |
		grep -v 'FROM unnest($1::text\[\], $2::text\[\], $3::uuid\[\]' >"$out/$name.sql"
}
id1=$(head -n 1 "$out/ids.txt")
app1=$(head -n 1 "$out/apps.txt")
printf '%%PDF-1.4\n%%%%EOF\n' >"$out/tiny.pdf"
capture get "http://127.0.0.1:$port/v1/applicants/$id1"
capture list "http://127.0.0.1:$port/v1/applicants?limit=50"
capture search "http://127.0.0.1:$port/v1/applicants?limit=20&q=Knuth%204711"
capture create -X POST -H 'Content-Type: application/json' \
	-d '{"full_name":"Capture","email":"capture@example.com"}' "http://127.0.0.1:$port/v1/applicants"
capture upload -X POST -F "file=@$out/tiny.pdf" "http://127.0.0.1:$port/v1/applicants/$id1/documents"
capture transition -X POST -H 'Content-Type: application/json' -d '{"to":"screening"}' \
	"http://127.0.0.1:$port/v1/applications/$app1/transitions"
stop_server
"${psql[@]}" -d "$db" -c "ALTER DATABASE $db RESET log_statement" -c "ALTER DATABASE $db RESET log_min_messages"
"${psql[@]}" -d "$db" -c "UPDATE applications SET stage = 'applied' WHERE stage <> 'applied'" \
	-c "DELETE FROM applicants WHERE source_type <> 'import'" # the capture's record
# Start measuring from a quiet database: no autovacuum or checkpoint owed to the set-up.
"${psql[@]}" -d "$db" -c "VACUUM ANALYZE" -c "CHECKPOINT"

# --- pgbench scripts: the captured SQL with its parameters ---------------------
auth="SELECT name, role, secret_sha256 FROM staff_keys WHERE key_id = '$key_id' AND revoked_at IS NULL;"
bind() { # sql-file, then "N=expression" pairs ('~' stands for a space): replace $N, highest first
	local sql
	sql=$(cat "$1")
	shift
	local pair n expr
	while IFS= read -r pair; do
		n=${pair%%=*}
		expr=${pair#*=}
		sql=${sql//\$$n/${expr//\~/ }}
	done < <(printf '%s\n' "$@" | sort -t= -k1,1nr)
	printf '%s;\n' "$sql"
}
ID="md5('bench-applicant-'~||~:n)::uuid"
APP="md5('bench-app-'~||~:n)::uuid"
ACTOR="'bench'" RID="'bench-request'"
# GET: recruitd reads with a plain SELECT and commits the read's audit entry with those of
# the reads beside it (store/audit.c). pgbench runs what each GET ran until then
# (bench/get_per_request.sql, kept as it was): the record and its entry in one statement (a
# data-modifying CTE), one commit per read. bench/bare.c runs that statement too.
grep -v '^--' bench/get_per_request.sql >"$out/get_per_request.sql"
{
	echo "\\set n random(1, $applicants)"
	echo "$auth"
	bind "$out/get_per_request.sql" 1="$ID" 2="$ACTOR" 3="$RID"
} >"$out/get.pgb"
{
	echo '\set n random(1, 2)'
	echo '\set m random(0, 9999)'
	echo "$auth"
	echo '\if :n = 1'
	# $4: whether restricted records are listed too (not in a default list)
	bind "$out/list.sql" 1="'infinity'" 2="'ffffffff-ffff-ffff-ffff-ffffffffffff'" 3="51" 4="false"
	echo '\else'
	# a rare name: less than a page among the newest 10 x 21 records' trigram candidates, then
	# the candidates through the trigram index. The query's keyed trigram hashes cannot be made
	# here (the key is the server's). A query such as "Knuth 4711" has about ten trigrams, most
	# of them rare: the ten rarest of one applicant's stand in.
	grams=$("${psql[@]}" -d "$db" -Atc "SELECT array_agg(g) FROM (SELECT g FROM unnest((SELECT search_grams \
		FROM applicants WHERE id = md5('bench-applicant-' || least(4711, $applicants))::uuid)) g ORDER BY (SELECT count(*) FROM applicants \
		WHERE search_grams @> ARRAY[g]) LIMIT 10) x")
	# the newest ten pages' candidates (the window written in; $5 visibility, $6 the trigrams
	# under the other index set: none), then at most 200 through the index ($4 visibility, $5 none)
	bind <(sed -n 1p "$out/search.sql") 1="'infinity'" 2="'ffffffff-ffff-ffff-ffff-ffffffffffff'" 3="21" \
		4="'$grams'::int[]" 5="false" 6="NULL"
	bind <(sed -n 2p "$out/search.sql") 1="'infinity'" 2="'ffffffff-ffff-ffff-ffff-ffffffffffff'" \
		3="'$grams'::int[]" 4="false" 5="NULL"
	echo '\endif'
} >"$out/search.pgb"
{
	echo "$auth"
	# the sealed values and hashes as bytes of their sizes (the sealing is the server's work)
	R16="md5(random()::text)"
	SEALED="decode($R16||$R16||$R16,'hex')"  # 48 random bytes
	# an erased person's address is refused first (the suppression list), then the insert
	# a fresh address each time, as a value (so the lookups by it can use their indexes)
	echo '\set r random(1, 2000000000)'
	EMAIL="'b'~||~:r~||~'@example.com'"
	# the address's hash, as the server's: a value fixed by the address (not a volatile
	# random(), which would keep PostgreSQL from looking it up by its index)
	HASH="decode(md5(:r::text)||md5(:r::text),'hex')"
	# the suppression check: the address's keyed hash (made by the server: any 64 hex digits here)
	bind <(sed -n 1p "$out/create.sql") 1="md5(:r::text)~||~md5(:r::text)" 2="'erased'" 3="$EMAIL" 4="NULL" 5="$EMAIL"
	# the insert: sealed values, the address's hash (and the previous epoch's, during a
	# rotation: here one), the trigrams, a record key and a history key of its own
	bind <(sed -n 2p "$out/create.sql") 1="$SEALED" 2="$SEALED" 3="$SEALED" 4="$SEALED" 5="$SEALED" \
		6="NULL" 7="NULL" 8="'event'" 9="$SEALED" 10="'false'" 11="$HASH" \
		12="'$grams'::int[]" 13="'US'" 14="NULL" \
		15="gen_random_uuid()" 16="$ACTOR" 17="$RID" 18="$EMAIL" 19="ARRAY[$HASH]" \
		20="gen_random_uuid()" 21="gen_random_uuid()" 22="'bench'"
} >"$out/create.pgb"
{
	# one transaction, as the endpoint: the applicant locked, its quota judged, the insert
	echo "\\set n random(1, $applicants)"
	echo "$auth"
	echo 'BEGIN;'
	bind <(sed -n 1p "$out/upload.sql") 1="$ID"
	bind <(sed -n 2p "$out/upload.sql") 1="$ID"
	bind <(sed -n 3p "$out/upload.sql") 1="$ID" 2="'resume'" 3="'cv.pdf'" 4="'application/pdf'" 5="1048576" \
		6="'0000000000000000000000000000000000000000000000000000000000000000'" \
		7="convert_to(repeat('0123456789abcdef',~65536),~'UTF8')" 8="$ACTOR" 9="$RID" 10="gen_random_uuid()"
	echo 'COMMIT;'
} >"$out/upload.pgb"
{
	echo "\\set n random(1, $applicants)"
	echo "$auth"
	echo 'BEGIN;'
	bind <(sed -n 1p "$out/transition.sql") 1="$APP" 2="NULL"
	bind <(sed -n 2p "$out/transition.sql") 1="$APP" 2="'screening'" 3="'applied'" 4="$ACTOR" 5="NULL" 6="$RID"
	echo 'COMMIT;'
} >"$out/transition.pgb"

# --- measure --------------------------------------------------------------------
start_server
# The floor: a bare libmicrohttpd + libpq server running the same statements for
# reads and creates (bench/bare.c), idle but for its own runs.
bare_port=$((port + 1))
build/release/bench/bare "$bare_port" "${RECRUITD_THREADS:-$((4 * $(nproc)))}" "$RECRUITD_DATABASE_URL" \
	"$out/get_per_request.sql" <(sed -n 2p "$out/create.sql") &
bare=$!
rss() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$server/status"; }
# CPU time so far in clock ticks: recruitd's, and the cluster's (the postmaster with the
# children it has reaped, and every live backend). A scenario's difference divided by its
# requests is the CPU each request costs, a figure other load on the machine moves less
# than the rate.
cpu_ticks() {
	local pm
	pm=$(head -n 1 "$top/var/pg/data/postmaster.pid")
	awk '{print $14 + $15}' "/proc/$server/stat"
	{
		awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat"
		for c in $(ps -o pid= --ppid "$pm"); do awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null; done
	} | awk '{t += $1} END {print t}'
	# of which the client connections' (recruitd's statements); the rest is the cluster's own
	# upkeep (autovacuum, checkpoints, the WAL writer), which a scenario may inherit from the one
	# before it
	for c in $(ps -o pid= --ppid "$pm"); do
		case $(tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null) in
		"postgres: recruitd "*) awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null ;;
		esac
	done | awk '{t += $1} END {print t + 0}'
}
tick_us=$((1000000 / $(getconf CLK_TCK)))
export BENCH_DIR=$top/bench BENCH_TOKEN=$token BENCH_IDS=$out/ids.txt BENCH_APPS=$out/apps.txt BENCH_THREADS=2 \
	BENCH_OPENINGS=$out/openings.txt BENCH_APPLICANTS=$applicants
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f", v}'; }
rows=()
printf '\n%-14s %5s %10s %9s %9s %8s %10s %9s %7s %11s %11s %8s %7s %9s %9s %7s\n' scenario conns "req/s" "p50 ms" "p99 ms" "errors" \
	"pgbench/s" "pg p99" ratio "half req/s" "half p99 ms" "bare/s" "bare" "cpu us" "pg cpu us" "upkeep"
run=0
rss_first=$(rss)
for scenario in $scenarios; do
	case $scenario in export | hire | purge | rotation) continue ;; esac # timed apart, below
	for c in $conns; do
		run=$((run + 1))
		if [ "$scenario" = transition ]; then # every run walks the stages from the start
			"${psql[@]}" -d "$db" -c "UPDATE applications SET stage = 'applied' WHERE stage <> 'applied'" >/dev/null
		fi
		script=bench/${scenario/get/get_applicant}.lua
		case $scenario in
		board | staff_search | staff_home | privacy_queue)
			[ "$c" = "$(echo $conns | cut -d' ' -f1)" ] || continue # once, at the console's own count
			c=$console_conns script=bench/console.lua
			case $scenario in # the board of an opening with 1 in 50 of every application
			board) export BENCH_PAGE="/staff/openings/$(head -n 1 "$out/openings.txt")" ;;
			staff_search) export BENCH_PAGE="/staff/applicants?q=Knuth+4711 /staff/applicants?q=Hopper+$((applicants / 2 + 3))" ;;
			staff_home) export BENCH_PAGE=/staff ;;
			privacy_queue) export BENCH_PAGE="/staff/privacy /staff/privacy?status=in_progress" ;;
			esac
			page_cookies=$cookies
			[ "$scenario" = privacy_queue ] && page_cookies=$hr_cookies
			code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: recruitd=${page_cookies%% *}" \
				"http://127.0.0.1:$port${BENCH_PAGE%% *}")
			[ "$code" = 200 ] || { echo "bench: $scenario: $BENCH_PAGE answered $code" >&2; exit 1; }
			;;
		esac
		[[ $scenario == privacy_queue ]] || page_cookies=$cookies
		mapfile -t cpu0 < <(cpu_ticks)
		w=$(BENCH_RUN=$run BENCH_COOKIES="$page_cookies" wrk -t2 -c"$c" -d"${seconds}s" --latency -s "$script" \
			"http://127.0.0.1:$port" 2>&1)
		rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$w")
		p50=$(awk '$1 == "50%" {print $2}' <<<"$w" | to_ms)
		p99=$(awk '$1 == "99%" {print $2}' <<<"$w" | to_ms)
		errors=$(awk '/Non-2xx/ {print $5} /Socket errors/ {print "sock"}' <<<"$w" | head -n 1)
		mapfile -t cpu1 < <(cpu_ticks)
		done_requests=$(awk '/requests in/ {print $1}' <<<"$w")
		cpu_recruitd=$(awk -v a="${cpu0[0]}" -v b="${cpu1[0]}" -v n="$done_requests" -v u="$tick_us" \
			'BEGIN { printf "%.0f", (n > 0 ? (b - a) * u / n : 0) }')
		cpu_pg=$(awk -v a="${cpu0[1]}" -v b="${cpu1[1]}" -v n="$done_requests" -v u="$tick_us" \
			'BEGIN { printf "%.0f", (n > 0 ? (b - a) * u / n : 0) }')
		cpu_upkeep=$(awk -v a="${cpu0[1]}" -v b="${cpu1[1]}" -v c="${cpu0[2]}" -v d="${cpu1[2]}" -v n="$done_requests" \
			-v u="$tick_us" 'BEGIN { printf "%.0f", (n > 0 ? ((b - a) - (d - c)) * u / n : 0) }')
		# The same connections at half that rate: each waits before its next request, so the
		# latency is the service's own rather than the queue's of a saturated machine.
		run=$((run + 1))
		if [ "$scenario" = transition ]; then
			"${psql[@]}" -d "$db" -c "UPDATE applications SET stage = 'applied' WHERE stage <> 'applied'" >/dev/null
		fi
		pace=$(awk -v c="$c" -v r="$rps" 'BEGIN { printf "%d", (r > 0 ? 2000 * c / r + 0.5 : 1000) }')
		h=$(BENCH_RUN=$run BENCH_DELAY_MS=$pace BENCH_COOKIES="$page_cookies" wrk -t2 -c"$c" -d"${seconds}s" --latency \
			-s "$script" "http://127.0.0.1:$port" 2>&1)
		half_rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$h")
		half_p99=$(awk '$1 == "99%" {print $2}' <<<"$h" | to_ms)
		[ -n "$errors" ] || errors=$(awk '/Non-2xx/ {print $5} /Socket errors/ {print "sock"}' <<<"$h" | head -n 1)
		errors=${errors:-0}
		rm -f "$out"/pgbench.log*
		pg=0 pg_p99=null # list, the two searches and the funnel: recruitd's own figures only
		if [ -f "$out/$scenario.pgb" ]; then
			pg=$("$pgbin/pgbench" -n -M prepared -c "$c" -j 2 -T "$seconds" -h "$host" -U recruitd -f "$out/$scenario.pgb" \
				--log --sampling-rate=0.1 --log-prefix="$out/pgbench.log" "$db" 2>&1 | awk '/^tps/ {print $3}') || true
			if [ -z "$pg" ]; then # a statement the capture no longer binds: say so, measure the rest
				echo "bench: pgbench failed on $scenario ($out/$scenario.pgb); its ratio is left out" >&2
				pg=0
			fi
			# pgbench's own p99, from its log of one transaction in ten (microseconds in the third column)
			pg_p99=$(cat "$out"/pgbench.log* 2>/dev/null | awk '{print $3}' | sort -n |
				awk '{v[NR] = $1} END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.3f", v[i] / 1000 }') || pg_p99=null
			[ "$pg" != 0 ] || pg_p99=null
		fi
		rm -f "$out"/pgbench.log*
		ratio=$(awk -v a="$rps" -v b="$pg" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
		bare_rps=null bare_ratio=null
		if [ "$scenario" = get ] || [ "$scenario" = create ]; then
			run=$((run + 1))
			bare_rps=$(BENCH_RUN=$run wrk -t2 -c"$c" -d"${seconds}s" -s "bench/${scenario/get/get_applicant}.lua" \
				"http://127.0.0.1:$bare_port" 2>&1 | awk '/^Requests\/sec/ {print $2}')
			bare_ratio=$(awk -v a="$bare_rps" -v b="$pg" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
		fi
		printf '%-14s %5s %10.0f %9s %9s %8s %10s %9s %7s %11.0f %11s %8s %7s %9s %9s %7s\n' "$scenario" "$c" "$rps" "$p50" "$p99" \
			"$errors" "$(sed 's/\..*//; s/^0$/-/' <<<"$pg")" "${pg_p99/null/-}" "$(sed 's/^0.00$/-/' <<<"$ratio")" "$half_rps" \
			"$half_p99" "$(sed 's/\..*//; s/null/-/' <<<"$bare_rps")" "${bare_ratio/null/-}" "$cpu_recruitd" "$cpu_pg" "$cpu_upkeep"
		rows+=("{\"scenario\":\"$scenario\",\"connections\":$c,\"requests_per_second\":$rps,\"p50_ms\":$p50,\"p99_ms\":$p99,\"non_2xx\":\"$errors\",\"pgbench_tps\":$pg,\"pgbench_p99_ms\":$pg_p99,\"ratio\":$ratio,\"half_load_requests_per_second\":$half_rps,\"half_load_p99_ms\":$half_p99,\"bare_requests_per_second\":$bare_rps,\"bare_ratio\":$bare_ratio,\"rss_kib_after\":$(rss),\"cpu_us_per_request\":{\"recruitd\":$cpu_recruitd,\"postgres\":$cpu_pg,\"postgres_upkeep\":$cpu_upkeep}}")
	done
done
# The export package (DESIGN: a copy of one's data): an applicant with 5 documents of
# 1 MiB and 200 rows of history and audit asks for a copy, signed in, 20 times; each
# request builds the whole ZIP into the database before it answers. p50 and p90 of the
# request's time (curl's), the package's size.
if [[ " $scenarios " == *" export "* ]]; then
	api() { curl -s -H "Authorization: Bearer $token" "$@"; }
	who=$(api -H 'Content-Type: application/json' -X POST "http://127.0.0.1:$port/v1/applicants" \
		-d "{\"full_name\":\"Bench Export\",\"email\":\"bench.export.$(date +%s%N)@example.com\"}" |
		grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4)
	doc=$out/export-doc.txt
	head -c 786432 /dev/urandom | base64 -w 76 >"$doc" # 1 MiB of text that does not compress
	for i in 1 2 3 4 5; do
		api -o /dev/null -F "file=@$doc;filename=cv-$i.txt" "http://127.0.0.1:$port/v1/applicants/$who/documents"
	done
	"${psql[@]}" -d "$db" -c "INSERT INTO audit_log (actor, action, applicant_id, target) SELECT 'bench', \
		'applicant.read', '$who', 'applicant' FROM generate_series(1, 200)" >/dev/null
	key=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
	secret=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
	"${psql[@]}" -d "$db" -c "INSERT INTO applicant_tokens (key_id, applicant_id, secret_sha256, \
		signed_in_at, expires_at) VALUES ('$key', '$who', '$(printf %s "$secret" | sha256sum | cut -d' ' -f1)', \
		now(), now() + interval '1 hour')" >/dev/null
	times=()
	for i in $(seq 1 20); do
		times+=("$(curl -s -o "$out/export.json" -w '%{time_total}' -X POST -H "Authorization: Bearer rka_${key}_$secret" \
			-H 'Content-Type: application/json' -d '{"type":"know_specific"}' "http://127.0.0.1:$port/v1/me/privacy-requests")")
	done
	size=$(grep -o '"size":[0-9]*' "$out/export.json" | head -n 1 | cut -d: -f2)
	read -r ep50 ep90 < <(printf '%s\n' "${times[@]}" | sort -n |
		awk '{v[NR] = $1 * 1000} END { printf "%.1f %.1f\n", v[int((NR + 1) / 2)], v[int(NR * 0.9)] }')
	printf '\nexport: 5 documents of 1 MiB, 200 audit rows: p50 %s ms, p90 %s ms over 20 builds (package %s bytes)\n' \
		"$ep50" "$ep90" "${size:-?}"
	rows+=("{\"scenario\":\"export\",\"builds\":20,\"p50_ms\":$ep50,\"p90_ms\":$ep90,\"package_bytes\":${size:-null}}")
	"${psql[@]}" -d "$db" -c "DELETE FROM exports" >/dev/null
	rm -f "$doc"
fi
# The funnel of all openings (GET /v1/analytics/funnel without opening_id): an aggregate over
# every stage event, one request at a time, ten times; p50 and the slowest.
if [[ " $scenarios " == *" funnel "* ]]; then
	times=()
	for i in $(seq 1 10); do
		times+=("$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" \
			"http://127.0.0.1:$port/v1/analytics/funnel")")
	done
	read -r fp50 fmax < <(printf '%s\n' "${times[@]}" | sort -n |
		awk '{v[NR] = $1 * 1000} END { printf "%.1f %.1f\n", v[int((NR + 1) / 2)], v[NR] }')
	printf '\nfunnel of all openings: p50 %s ms, slowest %s ms over 10 requests, one at a time\n' "$fp50" "$fmax"
	rows+=("{\"scenario\":\"funnel_all\",\"requests\":10,\"p50_ms\":$fp50,\"max_ms\":$fmax}")
fi
# A hire (DESIGN "Hire"): an applicant with five documents of 1 MiB, at offer, hired: one
# transaction builds and verifies the tar.gz archive and removes the recruitment record.
# Five hires, each of its own applicant; p50 and the slowest of the request's time.
if [[ " $scenarios " == *" hire "* ]]; then
	api() { curl -s -H "Authorization: Bearer $token" "$@"; }
	doc=$out/hire-doc.txt
	head -c 786432 /dev/urandom | base64 -w 76 >"$doc"
	opening=$(head -n 1 "$out/openings.txt")
	times=()
	for h in 1 2 3 4 5; do
		who=$(api -H 'Content-Type: application/json' -X POST "http://127.0.0.1:$port/v1/applicants" \
			-d "{\"full_name\":\"Bench Hire\",\"email\":\"bench.hire.$(date +%s%N)@example.com\"}" |
			grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4)
		for i in 1 2 3 4 5; do
			api -o /dev/null -F "file=@$doc;filename=cv-$i.txt" "http://127.0.0.1:$port/v1/applicants/$who/documents"
		done
		app=$(api -H 'Content-Type: application/json' -X POST -d "{\"opening_id\":\"$opening\"}" \
			"http://127.0.0.1:$port/v1/applicants/$who/applications" | grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4)
		"${psql[@]}" -d "$db" -c "UPDATE applications SET stage = 'offer' WHERE id = '$app'" >/dev/null
		times+=("$(api -o "$out/hire.json" -w '%{time_total}' -H 'Content-Type: application/json' -X POST \
			-d "{\"start_date\":\"2027-01-04\",\"employee_number\":\"B-$(date +%s%N)\"}" \
			"http://127.0.0.1:$port/v1/applications/$app/hire")")
		grep -q '"employee_id"' "$out/hire.json" || { echo "bench: a hire failed: $(cat "$out/hire.json")" >&2; exit 1; }
	done
	read -r hp50 hmax < <(printf '%s\n' "${times[@]}" | sort -n |
		awk '{v[NR] = $1 * 1000} END { printf "%.1f %.1f\n", v[int((NR + 1) / 2)], v[NR] }')
	asize=$(grep -o '"size":[0-9]*' "$out/hire.json" | head -n 1 | cut -d: -f2)
	printf '\nhire: 5 documents of 1 MiB: p50 %s ms, slowest %s ms over 5 hires (archive %s bytes)\n' \
		"$hp50" "$hmax" "${asize:-?}"
	rows+=("{\"scenario\":\"hire\",\"hires\":5,\"p50_ms\":$hp50,\"max_ms\":$hmax,\"archive_bytes\":${asize:-null}}")
	rm -f "$doc"
fi
rss_last=$(rss)
# Steady state: serve the read scenario twice more; memory must not grow with requests served.
for again in 1 2; do
	wrk -t2 -c32 -d"${seconds}s" -s bench/get_applicant.lua "http://127.0.0.1:$port" >/dev/null 2>&1
	eval "rss_again$again=\$(rss)"
done
peak=$(hwm)
# The purge (DESIGN "Retention and purge"): BENCH_PURGE (default 100,000) applicants due
# at once (never applied, an address in Iceland, kept 0 days there), each with a
# resume, sealed as the rest, beside the data set; `recruitctl purge` deletes them while
# 8 connections read random applicants at a steady pace. Applicants purged a second,
# and the reads' p99 before and during the purge.
if [[ " $scenarios " == *" purge "* ]]; then
	due=${BENCH_PURGE:-100000}
	stamp=$(date +%s) # ids of their own each run: an erased id keeps its tombstone
	"${psql[@]}" -d "$db" -v ON_ERROR_STOP=1 >/dev/null <<SQL
BEGIN;
INSERT INTO applicants (id, full_name, email, address, country, source_type, created_at, updated_at)
SELECT md5('bench-due-$stamp-' || g)::uuid, 'Due ' || g, 'due$stamp.' || g || '@example.com',
       jsonb_build_object('city', 'Reykjavik', 'country', 'IS'), 'IS', 'import',
       timestamptz '2025-01-01', timestamptz '2025-01-01'
FROM generate_series(1, $due) g;
INSERT INTO documents (applicant_id, kind, filename, content_type, size, sha256, content)
SELECT md5('bench-due-$stamp-' || g)::uuid, 'resume', 'cv.txt', 'text/plain; charset=utf-8', octet_length(b),
       encode(sha256(b), 'hex'), b
FROM generate_series(1, $due) g, LATERAL (SELECT convert_to('Resume ' || g, 'UTF8') AS b) x;
INSERT INTO retention_policies (outcome, country, region, retain_days) VALUES ('no_application', 'IS', '', 0)
ON CONFLICT DO NOTHING;
COMMIT;
SQL
	bin/recruitctl keys seal-existing --batch 1000 2>/dev/null
	"${psql[@]}" -d "$db" -c "VACUUM ANALYZE" >/dev/null
	read_load() { # seconds: the reads' p99 in ms, at about 400 a second
		BENCH_DELAY_MS=20 wrk -t2 -c8 -d"$1s" --latency -s bench/get_applicant.lua "http://127.0.0.1:$port" 2>&1 |
			awk '$1 == "99%" {print $2}' | to_ms
	}
	quiet_p99=$(read_load "$seconds")
	read_load 600 >"$out/purge-reads.txt" &
	loader=$!
	sleep 1
	t0=$(date +%s.%N)
	purged=$(bin/recruitctl purge --confirm 2>/dev/null | grep -o '"purged": *[0-9]*' | head -n 1 | grep -o '[0-9]*$')
	t1=$(date +%s.%N)
	sleep 1
	pkill -INT -P "$loader" wrk 2>/dev/null || kill -INT "$loader"
	wait "$loader" || true
	purge_p99=$(cat "$out/purge-reads.txt")
	rate=$(awk -v n="${purged:-0}" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	printf '\npurge: %s due applicants purged in %s s (%s a second); reads p99 %s ms meanwhile, %s ms before\n' \
		"${purged:-0}" "$secs" "$rate" "${purge_p99:-?}" "$quiet_p99"
	rows+=("{\"scenario\":\"purge\",\"purged\":${purged:-0},\"seconds\":$secs,\"per_second\":$rate,\"read_p99_ms_during\":${purge_p99:-null},\"read_p99_ms_before\":$quiet_p99}")
fi
# The rotation (issue 26): `recruitctl keys rotate` at the seeded size (every live key
# re-wrapped under a new epoch, every record's blind indexes rebuilt, the epoch before the
# previous one destroyed) while 8 connections read random applicants at a steady pace, as
# for the purge: its time, and the reads' p99 before and during it.
if [[ " $scenarios " == *" rotation "* ]]; then
	read_load() { # seconds: the reads' p99 in ms, at about 400 a second
		BENCH_DELAY_MS=20 wrk -t2 -c8 -d"$1s" --latency -s bench/get_applicant.lua "http://127.0.0.1:$port" 2>&1 |
			awk '$1 == "99%" {print $2}' | to_ms
	}
	keys=$("${psql[@]}" -d "${db}_keys" -Atc "SELECT count(*) FROM data_keys")
	quiet_p99=$(read_load "$seconds")
	read_load 3600 >"$out/rotation-reads.txt" &
	loader=$!
	sleep 1
	t0=$(date +%s.%N)
	bin/recruitctl keys rotate --batch "${BENCH_ROTATION_BATCH:-1000}" --pace "${BENCH_ROTATION_PACE:-300}" >"$out/rotation.txt" 2>&1 || echo "bench: the rotation failed (var/bench/rotation.txt)" >&2
	t1=$(date +%s.%N)
	sleep 1
	pkill -INT -P "$loader" wrk 2>/dev/null || kill -INT "$loader"
	wait "$loader" || true
	rot_p99=$(cat "$out/rotation-reads.txt")
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	printf '\nrotation: %s applicants, %s keys re-wrapped and indexes rebuilt in %s s; reads p99 %s ms meanwhile, %s ms before\n' \
		"$applicants" "$keys" "$secs" "${rot_p99:-?}" "$quiet_p99"
	rows+=("{\"scenario\":\"rotation\",\"applicants\":$applicants,\"keys\":$keys,\"seconds\":$secs,\"read_p99_ms_during\":${rot_p99:-null},\"read_p99_ms_before\":$quiet_p99}")
fi
printf '\nrecruitd memory: peak %s KiB; resident %s KiB at the start, %s KiB after all scenarios,\n' "$peak" "$rss_first" "$rss_last"
printf '  then %s KiB and %s KiB after two more read runs of %ss each (it does not grow with requests served)\n' \
	"$rss_again1" "$rss_again2" "$seconds"
printf '{"seconds":%s,"cores":%s,"threads":%s,"peak_rss_kib":%s,"rss_start_kib":%s,"rss_end_kib":%s,"rss_steady_kib":[%s,%s],"results":[%s]}\n' \
	"$seconds" "$(nproc)" "${RECRUITD_THREADS:-$((4 * $(nproc)))}" "$peak" "$rss_first" "$rss_last" "$rss_again1" "$rss_again2" \
	"$(IFS=,; echo "${rows[*]}")" >"$out/latest.json"
mkdir -p "$out/runs"
cp "$out/latest.json" "$out/runs/$(date +%Y%m%dT%H%M%S)-$applicants.json"
echo "written: var/bench/latest.json (kept in var/bench/runs/: scripts/bench-report.py gives the median and spread)"
