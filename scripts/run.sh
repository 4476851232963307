#!/usr/bin/env bash
# `make run`: print how to log in, then run `hotline all`, which creates the
# database when missing, migrates it, and runs the API and worker in one
# process on :8080. The admin password of this checkout is kept in
# .hotline-admin (not committed) unless HOTLINE_ADMIN_PASSWORD is set.
set -euo pipefail
cd "$(dirname "$0")/.."

HOTLINE_BIN=${HOTLINE_BIN:-bin/hotline}
export HOTLINE_DATABASE_URL=${HOTLINE_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/hotline?sslmode=disable}
export HOTLINE_REDIS_URL=${HOTLINE_REDIS_URL:-redis://127.0.0.1:6379/0}
export HOTLINE_ADMIN_USERNAME=${HOTLINE_ADMIN_USERNAME:-admin}
kept="set by HOTLINE_ADMIN_PASSWORD"
if [ -z "${HOTLINE_ADMIN_PASSWORD:-}" ]; then
	if [ ! -s .hotline-admin ]; then
		(umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > .hotline-admin)
	fi
	HOTLINE_ADMIN_PASSWORD=$(cat .hotline-admin)
	export HOTLINE_ADMIN_PASSWORD
	kept="kept in .hotline-admin"
fi

addr=${HOTLINE_HTTP_ADDR:-:8080}
base=http://${addr}
if [[ $addr == :* ]]; then base=http://localhost${addr}; fi
cat <<MSG

  Hotline is starting on ${base}
  Log in:  curl -s -X POST ${base}/api/v1/auth/login \\
             -H 'Content-Type: application/json' \\
             -d '{"username":"${HOTLINE_ADMIN_USERNAME}","password":"${HOTLINE_ADMIN_PASSWORD}"}'
  (username ${HOTLINE_ADMIN_USERNAME}, password ${HOTLINE_ADMIN_PASSWORD}; ${kept})
  OpenAPI: ${base}/api/v1/openapi.json     Queues: ${base}/admin/queues

MSG
exec "$HOTLINE_BIN" all
