#!/usr/bin/env bash
# The private PostgreSQL cluster: scripts/pg.sh start|stop|status|url [BASE]
#
# BASE (default var/pg) holds data/, run/ (the unix socket) and log. The
# cluster listens on the socket only, never on TCP. PostgreSQL refuses to run
# as root, so as root the server runs as the unprivileged "postgres" user
# (created by Debian's package); if that user cannot reach BASE (a checkout
# under /root, say), BASE becomes a link into /var/tmp where it can.
# Environment: PG_FAST=1 turns fsync off (throwaway test clusters only).
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop|status|url [BASE]}
top=$(cd "$(dirname "$0")/.." && pwd)
base=${2:-$top/var/pg}
case "$base" in /*) ;; *) base=$PWD/$base ;; esac
db=recruitd

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/pg_ctl" ] || { echo "pg: no PostgreSQL server found (run scripts/deps.sh)" >&2; exit 1; }

runas=()
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
	runas=(runuser -u postgres --)
fi
as_owner() { (cd / && "${runas[@]}" "$@"); }

prepare_base() {
	if [ ! -e "$base" ]; then
		mkdir -p "$base"
		if [ ${#runas[@]} -gt 0 ]; then
			chown postgres: "$base"
			if ! as_owner test -w "$base"; then
				rmdir "$base"
				local far
				far=/var/tmp/recruitd-pg-$(printf %s "$base" | sha1sum | cut -c1-12)
				mkdir -p "$far" && chown postgres: "$far"
				ln -sfn "$far" "$base"
			fi
		fi
	fi
	# The server side works on the resolved path: the link may sit where
	# the unprivileged user cannot go. Clients keep using $base.
	real=$(cd "$base" && pwd -P)
	as_owner mkdir -p "$real/run"
}

socket_dir() { (cd "$base/run" && pwd -P); }

url() { echo "host=$base/run dbname=$db user=$db"; }

real=$base
[ -d "$base" ] && real=$(cd "$base" && pwd -P)

# Whether this cluster's postmaster is alive. pg_ctl's own check trusts any
# live process with the recorded PID, which after a crash may be an unreaped
# zombie or, after a reboot, somebody else: look at the process itself.
running() {
	local pidfile=$real/data/postmaster.pid pid state
	[ -f "$pidfile" ] || return 1
	pid=$(head -n 1 "$pidfile" 2>/dev/null) || return 1
	[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
	state=$(sed 's/^[0-9]* ([^)]*) \(.\).*/\1/' "/proc/$pid/stat")
	[ "$state" != Z ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "postgres.*-D $real/data"
}

# PostgreSQL's own log never holds personal data: errors without DETAIL
# (which quotes the values of a violated key), and no statement's parameters.
# Given at every start, so clusters made before these settings get them too.
log_settings="-c log_error_verbosity=terse -c log_parameter_max_length=0 -c log_parameter_max_length_on_error=0"

# The project's own cluster (not a throwaway test one) is set for a large data set, as
# docs/operating.md recommends for a deployment: a key rotation at a million applicants
# otherwise wrote 21 GiB of WAL with a checkpoint every 8 s, and the reads beside it waited
# on those writes (docs/bench.md). Compressed full-page images, checkpoints by time, room
# for the working set and a background writer that keeps clean buffers ahead of the
# backends. shared_buffers is an eighth of the memory, at most 1 GiB.
perf_settings() {
	local mem_mb sb wal=on
	mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null || echo 2048)
	sb=$((mem_mb / 8))
	[ "$sb" -gt 1024 ] && sb=1024
	[ "$sb" -lt 128 ] && sb=128
	[ "$("$bindir/postgres" --version | grep -o '[0-9]*' | head -n 1)" -ge 15 ] && wal=lz4
	echo "-c shared_buffers=${sb}MB -c wal_buffers=64MB -c wal_compression=$wal" \
		"-c max_wal_size=4GB -c checkpoint_timeout=15min" \
		"-c bgwriter_delay=50ms -c bgwriter_lru_maxpages=1000 -c bgwriter_lru_multiplier=4"
}

start() {
	prepare_base
	if [ ! -f "$real/data/PG_VERSION" ]; then
		as_owner rm -rf "$real/data"
		as_owner "$bindir/initdb" -D "$real/data" -U "$db" -A trust -E UTF8 --locale=C.UTF-8 --nosync >/dev/null
		{
			echo "listen_addresses = ''"
			echo "unix_socket_directories = '$(socket_dir)'"
			echo "max_connections = 200"
			echo "shared_buffers = 256MB"
			echo "log_min_messages = warning"
			if [ "${PG_FAST:-0}" = 1 ]; then echo "fsync = off"; echo "full_page_writes = off"; fi
		} | as_owner tee -a "$real/data/postgresql.conf" >/dev/null
	fi
	local settings=$log_settings
	[ "${PG_FAST:-0}" = 1 ] || settings="$log_settings $(perf_settings)"
	if ! running; then
		# No postmaster of ours is alive, whatever the lock files say (after
		# a crash they can name a zombie). Orphaned backends of a killed
		# postmaster may still hold its shared memory for a moment: retry.
		as_owner rm -f "$real/data/postmaster.pid" "$real/run/.s.PGSQL.5432.lock"
		local try
		for try in 1 2 3 4 5; do
			as_owner "$bindir/pg_ctl" -D "$real/data" -l "$real/log" -w -t 60 -o "$settings" start >/dev/null 2>&1 && break
			[ "$try" = 5 ] && { tail -n 20 "$real/log" >&2; exit 1; }
			sleep 1
			running || as_owner rm -f "$real/data/postmaster.pid" "$real/run/.s.PGSQL.5432.lock"
		done
	fi
	local h
	h=$(socket_dir)
	# the main database, and the key database (per-applicant data keys) beside it
	local d
	for d in "$db" "${db}_keys"; do
		if ! "$bindir/psql" -h "$h" -U "$db" -d postgres -tAc "select 1 from pg_database where datname = '$d'" | grep -q 1; then
			"$bindir/createdb" -h "$h" -U "$db" "$d"
		fi
	done
}

stop() {
	[ -f "$real/data/PG_VERSION" ] || return 0
	running || return 0
	as_owner "$bindir/pg_ctl" -D "$real/data" -m fast -w -t 60 stop >/dev/null
}

case "$cmd" in
start) start ;;
stop) stop ;;
status) if running; then echo running; else echo stopped; exit 3; fi ;;
url) url ;;
*) echo "usage: pg.sh start|stop|status|url [BASE]" >&2; exit 2 ;;
esac
