#!/usr/bin/env bash
# Server time of every console page (scripts/perf/console-pages.txt) against a running
# `hotline serve` and its database: an account of each role (made through /api/v1/users when
# missing, unit roles in the unit with the most open items), signed in through /console/login,
# then 3 warm-up requests and N timed ones per page with curl on the same host. Server time is
# the time to the first byte; prints p50 and p95 in ms, the status, and "over" past 100 ms p95.
#   usage: scripts/console-pages.sh BASE_URL DATABASE_URL ADMIN_PASSWORD [N]
set -euo pipefail
cd "$(dirname "$0")/.."
base=$1 db=$2 admin_pw=$3 n=${4:-20}
sql() { psql "$db" -Atc "$1"; }
unit=$(sql "SELECT primary_unit_code FROM items WHERE status IN ('dispatched', 'accepted')
	GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
[ -n "$unit" ] || { echo "no unit has open items in $db: load demo data first" >&2; exit 1; }
read -r id phone < <(sql "SELECT id, citizen_phone FROM items WHERE primary_unit_code = '$unit'
	AND citizen_phone <> '' ORDER BY id DESC LIMIT 1" | tr '|' ' ')
today=$(TZ=Asia/Shanghai date +%F)
year=${today:0:4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

token=$(curl -sf -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
	-d "{\"username\":\"admin\",\"password\":\"$admin_pw\"}" | sed -nE 's/.*"token":"([^"]+)".*/\1/p')
password() { echo "Bench-$1-2026!x"; }
for role in operator unit_staff unit_head manager; do
	unit_field=""
	case $role in unit_*) unit_field=",\"unit_code\":\"$unit\"" ;; esac
	# 409 when the account exists from an earlier run
	curl -s -o /dev/null -X POST "$base/api/v1/users" -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
		-d "{\"username\":\"bench_$role\",\"password\":\"$(password "$role")\",\"role\":\"$role\"$unit_field}"
done
user=$(sql "SELECT id FROM users WHERE username = 'bench_unit_staff'")

login() { # role user password
	local jar=$work/$1 csrf code
	csrf=$(curl -s -c "$jar" -b "$jar" "$base/console/login" | sed -nE 's/.*name="_csrf" value="([^"]+)".*/\1/p' | head -1)
	code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -X POST "$base/console/login" \
		--data-urlencode "_csrf=$csrf" --data-urlencode "username=$2" --data-urlencode "password=$3")
	[ "$code" = 303 ] || { echo "sign-in of $2 answered $code" >&2; exit 1; }
}
login admin admin "$admin_pw"
for role in operator unit_staff unit_head manager; do login "$role" "bench_$role" "$(password "$role")"; done

echo "unit $unit, item $id; p50 / p95 ms of $n requests after 3 warm-up ones"
grep -v '^#' scripts/perf/console-pages.txt | while read -r role path; do
	path=${path//\{unit\}/$unit} path=${path//\{id\}/$id} path=${path//\{phone\}/$phone} path=${path//\{user\}/$user}
	path=${path//\{today\}/$today} path=${path//\{month_start\}/${today:0:8}01}
	path=${path//\{Y\}/$year} path=${path//\{Y-2\}/$((year - 2))}
	for _ in 1 2 3; do curl -s -o /dev/null -b "$work/$role" "$base$path"; done
	for _ in $(seq 1 "$n"); do
		curl -s -o /dev/null -b "$work/$role" -w '%{time_starttransfer} %{http_code}\n' "$base$path"
	done | sort -n | awk -v p="$path" -v r="$role" '{t[NR] = $1 * 1000; c = $2}
		END { p50 = t[int(NR * 0.5 + 0.5)]; p95 = t[int(NR * 0.95 + 0.5)]
			printf "%7.1f %7.1f  %s  %-10s %s%s\n", p50, p95, c, r, p, (p95 > 100 ? "  over" : "") }'
done
