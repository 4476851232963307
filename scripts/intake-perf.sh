#!/usr/bin/env bash
# Intake measured as issue "Performance" measures it: a fresh database, `hotline all`
# (API and worker in one process, as `make run` starts it), an operator's token, then
# scripts/perf/intake-vs-ceiling.sh (pgbench's ceiling for the same durable write, then
# wrk posting calls at the same connection count). Afterwards: how long the routing
# backlog the burst left took to drain.
#   usage: scripts/intake-perf.sh [CONNS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-16} secs=${2:-10}
SERVER=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${BENCH_INTAKE_PORT:-18098}
db=hotline_intake_$$
url="$SERVER/$db?sslmode=disable"
base=http://127.0.0.1:$PORT
admin_pw=intake-admin-password-1
op_pw=intake-operator-password-1
redis_db=$((RANDOM % 10 + 5))
log=$(mktemp)
HOTLINE_DATABASE_URL=$url HOTLINE_REDIS_URL="redis://127.0.0.1:6379/$redis_db" HOTLINE_HTTP_ADDR=127.0.0.1:$PORT \
	HOTLINE_ADMIN_PASSWORD=$admin_pw ${HOTLINE_BIN:-bin/hotline} all >"$log" 2>&1 &
server=$!
cleanup() {
	kill "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	redis-cli -n "$redis_db" flushdb >/dev/null 2>&1 || true
	psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	rm -f "$log"
}
trap cleanup EXIT
for _ in $(seq 1 150); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
# the server loads the knowledge base's dictionary after it starts (1-2 s of
# CPU): let that pass before the ceiling is measured
sleep 5
login() {
	curl -sf -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" | sed -nE 's/.*"token":"([^"]+)".*/\1/p'
}
admin=$(login admin "$admin_pw")
curl -sf -X POST "$base/api/v1/users" -H 'Content-Type: application/json' -H "Authorization: Bearer $admin" \
	-d "{\"username\":\"perf-operator\",\"password\":\"$op_pw\",\"role\":\"operator\"}" >/dev/null
token=$(login perf-operator "$op_pw")
PG=$SERVER scripts/perf/intake-vs-ceiling.sh "$base" "$token" "$conns" "$secs"
# the routing backlog: items still in status received after the burst
start=$(date +%s.%N)
while :; do
	left=$(psql "$url" -Atc "SELECT count(*) FROM items WHERE status = 'received'")
	[ "$left" = 0 ] && break
	now=$(date +%s.%N)
	if awk -v a="$start" -v b="$now" 'BEGIN{exit !(b - a > 120)}'; then echo "routing backlog: $left items still received after 120 s"; exit 1; fi
	sleep 0.05
done
end=$(date +%s.%N)
echo "routing backlog drained $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.2f", b - a}') s after the burst ($(psql "$url" -Atc 'SELECT count(*) FROM items') items)"
