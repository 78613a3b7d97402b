#!/usr/bin/env bash
# The month-close benchmark (bench/close.py) on a database of its own, under production
# settings: creates hall_bench_close, migrates, measures 1× and 10×, drops the database.
# See bench/README.md.
#
#   bench/run_close.sh                     # 1× and 10×, 5 rounds each (about 2 minutes)
#   ROUNDS=9 SCALES=1 bench/run_close.sh   # only the 1× ratio, steadier
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ROUNDS="${ROUNDS:-5}"
SCALES="${SCALES:-1,10}"
DB_NAME="hall_bench_close"
PG="postgres://postgres@127.0.0.1:5432"
PY="$ROOT/.venv/bin/python"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

[[ -x "$PY" ]] || die "no virtualenv at $ROOT/.venv (create it first)"

# One run at a time: the database name is fixed.
exec 9>/tmp/hall_bench_close.lock
flock -n 9 || die "another bench/run_close.sh is running (lock /tmp/hall_bench_close.lock)"

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not come up on 127.0.0.1:5432"
fi

VAR_DIR="$(mktemp -d /tmp/hall_bench_close.XXXXXX)"
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    dropdb --if-exists --force -h 127.0.0.1 -U postgres "$DB_NAME" 2>/dev/null \
        || log "could not drop database $DB_NAME"
    rm -rf "$VAR_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export DJANGO_SETTINGS_MODULE=hall.settings_production
DJANGO_SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="$PG/$DB_NAME"
export HALL_SSL_REDIRECT=false
export HALL_SECURE_COOKIES=false
export HALL_VAR_DIR="$VAR_DIR"
unset DJANGO_DEBUG REDIS_URL  # the close runs in the worker; no broker is needed to time it

log "recreating database $DB_NAME"
PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists --force -h 127.0.0.1 -U postgres "$DB_NAME"
createdb -h 127.0.0.1 -U postgres "$DB_NAME"
"$PY" manage.py migrate --noinput -v0

"$PY" bench/close.py --scales "$SCALES" --rounds "$ROUNDS"
