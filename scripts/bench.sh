#!/usr/bin/env bash
# `make bench`: Go benchmarks (intake rate, routing latency, statistics
# latency) and a load run, at each size in BENCH_SIZES (default 1 and 10
# million items). Databases hotline_bench_<size> are filled once by
# `hotline demo-data` and reused. Record results in docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${BENCH_SIZES:-"1000000 10000000"}
SERVER=${BENCH_PG:-postgres://postgres:postgres@127.0.0.1:5432}
LOAD_SECONDS=${BENCH_LOAD_SECONDS:-30}
PORT=${BENCH_PORT:-18099}
ADMIN_PASSWORD=bench-admin-password

echo "== machine"
echo "cpus: $(nproc)  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
echo "go: $(go version)"
echo "postgres: $(psql "$SERVER/postgres?sslmode=disable" -Atc 'show server_version')"
echo "redis: $(redis-server --version | cut -d' ' -f3)"

echo
echo "== intake against the database's own ceiling, and the routing backlog after the burst"
echo "   (scripts/intake-perf.sh: a fresh database, hotline all, pgbench then wrk at 16 connections for 10 s)"
scripts/intake-perf.sh 16 10

echo
echo "== intake rate and routing latency (a private server, 4 clients a core / 100 calls a second)"
go test -run '^$' -bench 'BenchmarkIntake|BenchmarkRoutingLatency' -benchtime 2000x ./bench/ | grep -E '^(Benchmark|ok|FAIL)'

echo
echo "== knowledge-base search at 10,000 articles (core.SearchKB)"
go test -run '^$' -bench BenchmarkKBSearch -benchtime 1000x ./bench/ | grep -E '^(Benchmark|ok|FAIL)'

for n in $SIZES; do
	db=hotline_bench_$n
	url="$SERVER/$db?sslmode=disable"
	echo
	echo "== $n items ($db)"
	have=$(psql "$SERVER/postgres?sslmode=disable" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")
	count=0
	if [ "$have" = 1 ]; then
		count=$(psql "$url" -Atc 'SELECT count(*) FROM items' 2>/dev/null || echo 0)
	fi
	if [ "$count" -lt "$n" ]; then
		HOTLINE_DATABASE_URL=$url bin/hotline demo-data --items "$n" --reset
	else
		echo "reusing $count items"
	fi

	echo "-- statistics latency (core.Stats on the roll-ups)"
	HOTLINE_BENCH_DATABASE_URL=$url go test -run '^$' -bench BenchmarkStats -benchtime 100x ./bench/ | grep -E '^(Benchmark|ok|FAIL)'
	echo "-- statistics through HTTP (GET /api/v1/stats, compressed as asked)"
	HOTLINE_BENCH_DATABASE_URL=$url go test -run '^$' -bench BenchmarkStatsHTTP -benchtime 50x ./handlers/ | grep -E '^(Benchmark|ok|FAIL)'

	if [ "${BENCH_VERIFY:-1}" = 1 ]; then
		echo "-- hotline stats verify (a recount of every item against the roll-ups)"
		/usr/bin/time -f "verify took %e s, %M KiB" env HOTLINE_DATABASE_URL="$url" bin/hotline stats verify
	fi

	redis_db=$((RANDOM % 10 + 5))
	HOTLINE_DATABASE_URL=$url HOTLINE_REDIS_URL="redis://127.0.0.1:6379/$redis_db" HOTLINE_HTTP_ADDR=127.0.0.1:$PORT \
		HOTLINE_ADMIN_PASSWORD=$ADMIN_PASSWORD HOTLINE_PUBLIC_RATE_LIMIT=0 HOTLINE_WEBHOOK_SECRET=bench-webhook-secret-0123456789abcdef0123 \
		HOTLINE_PLATFORM_API_KEY=bench-key bin/hotline all >/tmp/hotline-bench-server.log 2>&1 &
	server=$!
	trap 'kill $server 2>/dev/null || true' EXIT
	for _ in $(seq 1 100); do
		curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
		sleep 0.2
	done
	echo "-- console pages (scripts/console-pages.sh: server time of each page, signed in as its role)"
	scripts/console-pages.sh "http://127.0.0.1:$PORT" "$url" "$ADMIN_PASSWORD" 20
	echo "-- load run: ${LOAD_SECONDS}s of mixed traffic, as fast as it goes"
	bin/hotline load --url "http://127.0.0.1:$PORT" --duration "${LOAD_SECONDS}s" --rate 0 \
		--admin-password $ADMIN_PASSWORD --webhook-secret bench-webhook-secret-0123456789abcdef0123 --platform-key bench-key
	echo "-- load run at a steady 50 requests a second (routing latency when not saturated)"
	bin/hotline load --url "http://127.0.0.1:$PORT" --duration 20s --rate 50 \
		--admin-password $ADMIN_PASSWORD --webhook-secret bench-webhook-secret-0123456789abcdef0123 --platform-key bench-key
	kill $server
	wait $server 2>/dev/null || true
	trap - EXIT
done
