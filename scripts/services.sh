#!/usr/bin/env bash
# Makes sure this Debian machine has what `make run` and `make test` need,
# installing what is missing from Debian's packages (after one apt-get update):
#   always        ca-certificates (Go downloads modules over HTTPS),
#                 postgresql and redis-server, started and answering on 127.0.0.1
#   with --tests  gcc (cgo, which -race needs), curl (the README walk-through
#                 test), chromium and fonts-noto-cjk (the browser tests)
#   with --bench  gcc, curl, wrk and pgbench (postgresql-client), which
#                 `make bench` measures intake with
# Services already running are used as they are; it never stops or
# reconfigures a service it did not install. make and Go it cannot install:
# they are what runs it.
set -euo pipefail

for_tests= for_bench=
case "${1:-}" in
--tests) for_tests=1 ;;
--bench) for_bench=1 ;;
"") ;;
*) echo "usage: $0 [--tests|--bench]" >&2; exit 2 ;;
esac

PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}

log() { printf '[services] %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
		log "need root to run: $*"; exit 1; fi
}

answers() { # host port: something accepts TCP connections there
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

redis_pongs() {
	local reply
	reply=$({ exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && timeout 2 head -c 5 <&3; } 2>/dev/null) || return 1
	[[ "$reply" == +PONG* ]]
}

apt_updated=
apt_install() {
	if [ -z "$apt_updated" ]; then
		log "apt-get update"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
		apt_updated=1
	fi
	log "installing $*"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

installed() { # package: dpkg has it installed
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# ensure_packages package...: installs those of the packages that are missing,
# in one apt-get call.
ensure_packages() {
	local missing=() p
	for p in "$@"; do
		installed "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		apt_install "${missing[@]}"
	fi
}

wait_for() { # what, command...
	local what=$1; shift
	for _ in $(seq 1 60); do
		if "$@"; then return 0; fi
		sleep 0.5
	done
	log "$what did not come up"; return 1
}

# --- tools
ensure_packages ca-certificates
if [ -n "$for_tests" ]; then
	ensure_packages gcc libc6-dev curl chromium fonts-noto-cjk
fi
if [ -n "$for_bench" ]; then
	ensure_packages gcc libc6-dev curl wrk postgresql-client
fi

# --- PostgreSQL
if answers "$PG_PORT"; then
	log "PostgreSQL answers on 127.0.0.1:$PG_PORT"
else
	installed_now=
	if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
		apt_install postgresql
		installed_now=1
	fi
	cluster_ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$cluster_ver" ]; then
		ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
		as_root pg_createcluster "$ver" main
		cluster_ver=$ver
	fi
	log "starting PostgreSQL $cluster_ver"
	as_root pg_ctlcluster --skip-systemctl-redirect "$cluster_ver" main start || as_root service postgresql start
	wait_for PostgreSQL answers "$PG_PORT"
	if [ -n "$installed_now" ]; then
		# a fresh cluster asks for a password over TCP: give the postgres role
		# the one the Makefile's URL uses (local development only)
		as_root runuser -u postgres -- psql -q -c "ALTER ROLE postgres PASSWORD 'postgres'"
	fi
fi

# --- Redis (the binary is needed by the tests, which start their own servers)
if ! command -v redis-server >/dev/null; then
	ensure_packages redis-server
fi
if redis_pongs; then
	log "Redis answers on 127.0.0.1:$REDIS_PORT"
else
	log "starting Redis on 127.0.0.1:$REDIS_PORT"
	mkdir -p /tmp/hotline-redis
	redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
		--dir /tmp/hotline-redis --logfile /tmp/hotline-redis/redis.log
	wait_for Redis redis_pongs
fi
