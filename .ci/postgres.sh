#!/usr/bin/env bash
# Throw-away PostgreSQL server for the tests of examples/postgres.
#
#	eval "$(.ci/postgres.sh start)"; trap '.ci/postgres.sh stop' EXIT
#
# start (as root, on Debian) installs PostgreSQL from the Debian packages
# when no initdb is found, initialises a data directory under mktemp -d
# owned by the postgres user, starts the server on 127.0.0.1 port
# $TAILOR_PG_PORT (default 54329) with trust authentication, waits until it
# accepts connections and prints the export lines of TAILOR_POSTGRES_DSN
# on stdout (everything else goes to stderr). stop stops that server and
# removes its directory; it does nothing when no server was started. The
# data directory's path is kept in $TAILOR_PG_STATE (default
# /tmp/tailor-pg.dir). When start fails it prints "false" on stdout, so
# that the eval fails too instead of running the tests without a server.
set -euo pipefail

port=${TAILOR_PG_PORT:-54329}
state=${TAILOR_PG_STATE:-/tmp/tailor-pg.dir}

log() { echo "postgres.sh: $*" >&2; }

# fail reports a failed start: the message and the server's log (if any)
# on stderr, "false" on stdout for the caller's eval.
fail() {
	log "$*"
	if [ -n "${dir:-}" ] && [ -f "$dir/log" ]; then
		cat "$dir/log" >&2 || true
	fi
	echo false
	exit 1
}

pgbin() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

as_postgres() {
	# The server refuses to run as root: run it as the postgres user.
	if [ "$(id -u)" = 0 ]; then
		su postgres -s /bin/sh -c "$1"
	else
		sh -c "$1"
	fi
}

start() {
	trap 'echo false' ERR
	if [ -s "$state" ] && [ -d "$(cat "$state")" ]; then
		log "a server started by this script is still recorded in $state; stopping it first"
		stop
	fi
	if [ ! -c /dev/null ] && [ "$(id -u)" = 0 ]; then
		# Something replaced the device with a regular file (a program
		# that writes its output by renaming a temporary file over the
		# path it was given); initdb, run as postgres, needs the device.
		log "/dev/null is not a character device; restoring it"
		mknod -m 666 "/dev/.null.$$" c 1 3 && mv -f "/dev/.null.$$" /dev/null
	fi
	local bin
	if ! bin=$(pgbin); then
		log "installing PostgreSQL from the Debian packages"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq postgresql >&2
		bin=$(pgbin) || fail "no initdb after installing postgresql"
	fi
	dir=$(mktemp -d /tmp/tailor-pg.XXXXXX)
	chmod 700 "$dir"
	if [ "$(id -u)" = 0 ]; then
		chown postgres:postgres "$dir"
	fi
	echo "$dir" >"$state"
	as_postgres "$bin/initdb -D $dir -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null 2>&1 ||
		as_postgres "$bin/initdb -D $dir -A trust -U postgres -E UTF8 --locale=C" >&2 ||
		fail "initdb failed"
	# Settings for a throw-away test server: no durability wait, room for
	# parallel test packages.
	as_postgres "$bin/pg_ctl -D $dir -w -t 60 -l $dir/log \
		-o '-k $dir -p $port -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200' start" >&2 ||
		fail "the server did not start; its log:"
	local i
	for i in $(seq 1 60); do
		if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
			break
		fi
		if [ "$i" = 60 ]; then
			fail "the server does not accept connections after 30 s; its log:"
		fi
		sleep 0.5
	done
	log "$("$bin/postgres" --version) on 127.0.0.1:$port, data in $dir"
	echo "export TAILOR_POSTGRES_DSN='postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable'"
}

stop() {
	[ -s "$state" ] || { log "no server recorded in $state"; return 0; }
	local dir bin
	dir=$(cat "$state")
	if [ -d "$dir" ]; then
		if bin=$(pgbin) && [ -f "$dir/postmaster.pid" ]; then
			as_postgres "$bin/pg_ctl -D $dir -m fast -w -t 60 stop" >&2 || log "pg_ctl stop failed"
		fi
		rm -rf -- "$dir"
	fi
	rm -f -- "$state"
	log "stopped and removed $dir"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
