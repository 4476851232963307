#!/usr/bin/env bash
# `make run`: migrate (creating the database when missing), then run the API
# and worker in one process on :8080, after printing how to log in. The admin
# password of this checkout is kept in .hotline-admin (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."

export HOTLINE_DATABASE_URL=${HOTLINE_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/hotline?sslmode=disable}
export HOTLINE_REDIS_URL=${HOTLINE_REDIS_URL:-redis://127.0.0.1:6379/0}
export HOTLINE_ADMIN_USERNAME=${HOTLINE_ADMIN_USERNAME:-admin}
if [ -z "${HOTLINE_ADMIN_PASSWORD:-}" ]; then
	if [ ! -s .hotline-admin ]; then
		(umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > .hotline-admin)
	fi
	HOTLINE_ADMIN_PASSWORD=$(cat .hotline-admin)
	export HOTLINE_ADMIN_PASSWORD
fi

bin/hotline migrate
port=${HOTLINE_HTTP_ADDR:-:8080}
cat <<MSG

  Hotline is starting on http://localhost${port}
  Log in:  curl -s -X POST http://localhost${port}/api/v1/auth/login \\
             -H 'Content-Type: application/json' \\
             -d '{"username":"${HOTLINE_ADMIN_USERNAME}","password":"${HOTLINE_ADMIN_PASSWORD}"}'
  (username ${HOTLINE_ADMIN_USERNAME}, password ${HOTLINE_ADMIN_PASSWORD}; kept in .hotline-admin)
  OpenAPI: http://localhost${port}/api/v1/openapi.json     Queues: http://localhost${port}/admin/queues

MSG
exec bin/hotline all
