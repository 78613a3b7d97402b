#!/usr/bin/env bash
# The staff "My scores" benchmark: requests/s of /appraisal/my/ (the phone page of a staff
# member: live month total, this month's 20 entries, 12 published months and their SVG trend
# chart) against the trivial view (/healthz/), side by side on one machine, under production
# settings, PostgreSQL, Redis sessions and gunicorn — the approach of run_staff_list.sh.
# Fails when the ratio is below TARGET. See bench/README.md.
#
#   bench/run_my_scores.sh                  # DURATION=10s per measured run
#   DURATION=30s bench/run_my_scores.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-8}"
# gunicorn's recommended worker count for sync workers: 2 × cores + 1 (as in production).
WORKERS="${WORKERS:-$((2 * $(nproc) + 1))}"
ROUNDS="${ROUNDS:-2}"
TARGET="${TARGET:-0.15}"
PORT="${PORT:-8104}"
DB_NAME="hall_bench_my"
REDIS_DB="${BENCH_REDIS_DB:-12}"
PAGE_PATH="/appraisal/my/"
PG="postgres://postgres@127.0.0.1:5432"
PY="$ROOT/.venv/bin/python"
BASE="http://127.0.0.1:$PORT"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# --- prerequisites ------------------------------------------------------------------------
[[ -x "$PY" ]] || die "no virtualenv at $ROOT/.venv (create it first)"
[[ -x "$ROOT/.venv/bin/gunicorn" ]] || die "gunicorn is not installed in .venv"
command -v curl >/dev/null || die "curl is required"
if ! command -v wrk >/dev/null; then
    if [[ "$(id -u)" == 0 ]]; then
        log "installing wrk"
        DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >&2
    else
        echo "wrk is missing; install it with:  sudo apt-get install -y wrk" >&2
        exit 1
    fi
fi
[[ -f hall/management/commands/seed_demo.py ]] \
    || die "hall/management/commands/seed_demo.py does not exist yet"

# One benchmark at a time: the database name and the port are fixed.
exec 9>/tmp/hall_bench_my.lock
flock -n 9 || die "another bench/run_my_scores.sh is running (lock /tmp/hall_bench_my.lock)"

if curl -s -o /dev/null "$BASE/healthz/"; then
    die "something already answers on 127.0.0.1:$PORT; stop it or set PORT"
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not come up on 127.0.0.1:5432"
fi

# --- cleanup ------------------------------------------------------------------------------
VAR_DIR="$(mktemp -d /tmp/hall_bench_my.XXXXXX)"
GUNICORN_PID=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$GUNICORN_PID" 2>/dev/null || true
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    if [[ $rc -ne 0 && $rc -ne 2 && -s "$VAR_DIR/gunicorn.log" ]]; then
        log "last lines of the gunicorn log:"
        tail -n 30 "$VAR_DIR/gunicorn.log" >&2 || true
    fi
    dropdb --if-exists --force -h 127.0.0.1 -U postgres "$DB_NAME" 2>/dev/null \
        || log "could not drop database $DB_NAME"
    redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true  # its sessions
    rm -rf "$VAR_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- environment: production settings over plain http on loopback -------------------------
SECRET="$("$PY" -c 'import secrets, string
alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
print("".join(secrets.choice(alphabet) for _ in range(50)))')"
export DJANGO_SETTINGS_MODULE=hall.settings_production
export DJANGO_SECRET_KEY="$SECRET"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="$PG/$DB_NAME"
export HALL_SSL_REDIRECT=false
export HALL_SECURE_COOKIES=false
export HALL_VAR_DIR="$VAR_DIR"
export DJANGO_STATIC_ROOT="$VAR_DIR/static"
unset DJANGO_DEBUG  # DEBUG is forced off anyway
# Production runs with Redis (Celery's broker, the shared cache and cached sessions): so does
# the bench, on a Redis database of its own that it empties first.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    sleep 1
fi
export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB" flushdb >/dev/null

# --- database and data --------------------------------------------------------------------
log "recreating database $DB_NAME"
PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists --force -h 127.0.0.1 -U postgres "$DB_NAME"
createdb -h 127.0.0.1 -U postgres "$DB_NAME"

log "migrate, collectstatic, seed_demo --windows 60 --staff 500, a year of the demo member's results"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
# seed_demo prints the demo logins even at -v0; keep them out of the result.
"$PY" manage.py seed_demo --windows 60 --staff 500 -v0 >"$VAR_DIR/seed.log"
IFS=$'\t' read -r USERNAME EXPECT < <("$PY" bench/my_scores_data.py --entries 20 --months 12)
[[ -n "$USERNAME" && -n "$EXPECT" ]] || die "bench/my_scores_data.py printed no login"
psql -q -h 127.0.0.1 -U postgres -d "$DB_NAME" -c 'VACUUM ANALYZE'  # fresh statistics

# --- server -------------------------------------------------------------------------------
log "starting gunicorn ($WORKERS workers) on 127.0.0.1:$PORT"
"$ROOT/.venv/bin/gunicorn" hall.wsgi:application --bind "127.0.0.1:$PORT" \
    --workers "$WORKERS" --access-logfile /dev/null \
    --error-logfile "$VAR_DIR/gunicorn.log" 9>&- &
GUNICORN_PID=$!
for _ in $(seq 100); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz/")" == 200 ]] && break
    kill -0 "$GUNICORN_PID" 2>/dev/null || die "gunicorn exited during start-up"
    sleep 0.2
done
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz/")" == 200 ]] \
    || die "/healthz/ did not answer 200 within 20 s"

# --- log in as the demo staff member, without the login form -------------------------------
SESSION_KEY="$("$PY" bench/make_session.py "$USERNAME")"
COOKIE="Cookie: sessionid=$SESSION_KEY"
PAGE="$VAR_DIR/my.html"
status="$(curl -s -o "$PAGE" -w '%{http_code}' -H "$COOKIE" "$BASE$PAGE_PATH")"
[[ "$status" == 200 ]] || die "GET $PAGE_PATH as $USERNAME answered $status, not 200 (session refused?)"
grep -qF -- "$EXPECT" "$PAGE" || die "GET $PAGE_PATH does not show the member's name ($EXPECT)"
grep -q '<polyline' "$PAGE" || die "GET $PAGE_PATH shows no trend chart"
entries="$({ grep -o 'href="/appraisal/my/entries/' "$PAGE" || true; } | wc -l)"
months="$({ grep -o 'href="?month=' "$PAGE" || true; } | wc -l)"
log "GET $PAGE_PATH as $USERNAME: 200, shows \"$EXPECT\", $(wc -c <"$PAGE") bytes, $entries entries, $months past months"

# --- measure ------------------------------------------------------------------------------
# CPU time (clock ticks) used so far by the gunicorn workers: with the request count this gives
# the server's CPU per request, which other load on the machine disturbs less than requests/s.
worker_ticks() {
    local total=0 pid stat
    local -a f
    for pid in $(ps --ppid "$GUNICORN_PID" -o pid=); do
        stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
        read -r -a f <<<"${stat##*) }"  # f[0] is field 3 (state); utime, stime are 14, 15
        total=$((total + f[11] + f[12]))
    done
    printf '%s\n' "$total"
}
CLK_TCK="$(getconf CLK_TCK)"

# run_wrk <duration> <path> -> prints "requests/s cpu-ms/request"; fails on socket errors or
# non-2xx answers (a lost session would show up here as 302s).
run_wrk() {
    local out rps n t0 t1
    t0="$(worker_ticks)"
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" -H "$COOKIE" "$BASE$2")"
    t1="$(worker_ticks)"
    if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
        printf '%s\n' "$out" >&2
        die "wrk got non-2xx/3xx answers from $2"
    fi
    if grep -q 'Socket errors' <<<"$out"; then
        printf '%s\n' "$out" >&2
        die "wrk reported socket errors on $2"
    fi
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    n="$(awk '/ requests in / {print $1}' <<<"$out")"
    [[ -n "$rps" && -n "$n" && "$n" -gt 0 ]] \
        || { printf '%s\n' "$out" >&2; die "could not read wrk's output for $2"; }
    awk -v r="$rps" -v n="$n" -v d="$((t1 - t0))" -v hz="$CLK_TCK" \
        'BEGIN {printf "%s %.2f\n", r, d * 1000 / hz / n}'
}

log "warm-up: $WARMUP each"
run_wrk "$WARMUP" /healthz/ >/dev/null
run_wrk "$WARMUP" "$PAGE_PATH" >/dev/null

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
trivial=(); trivial_cpu=()
staff=(); staff_cpu=()
for round in $(seq "$ROUNDS"); do
    res="$(run_wrk "$DURATION" /healthz/)"; read -r rps cpu <<<"$res"
    trivial+=("$rps"); trivial_cpu+=("$cpu")
    log "round $round  /healthz/  $rps req/s  $cpu ms worker CPU/request"
    res="$(run_wrk "$DURATION" "$PAGE_PATH")"; read -r rps cpu <<<"$res"
    staff+=("$rps"); staff_cpu+=("$cpu")
    log "round $round  $PAGE_PATH  $rps req/s  $cpu ms worker CPU/request"
done

mean() { printf '%s\n' "$@" | awk '{s += $1} END {printf "%.1f", s / NR}'; }
mean2() { printf '%s\n' "$@" | awk '{s += $1} END {printf "%.2f", s / NR}'; }
trivial_mean="$(mean "${trivial[@]}")"
staff_mean="$(mean "${staff[@]}")"
trivial_cpu_mean="$(mean2 "${trivial_cpu[@]}")"
staff_cpu_mean="$(mean2 "${staff_cpu[@]}")"
ratio="$(awk -v s="$staff_mean" -v t="$trivial_mean" 'BEGIN {printf "%.2f", s / t}')"
pass="$(awk -v s="$staff_mean" -v t="$trivial_mean" -v g="$TARGET" \
    'BEGIN {print (s / t >= g) ? "yes" : "no"}')"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD 2>/dev/null || commit="$commit (plus uncommitted changes)"

cat <<EOF

=== Hall benchmark: staff My scores vs trivial view ===
commit        $commit
date          $(date -u +%Y-%m-%dT%H:%M:%SZ)
machine       $(nproc) CPUs, load average before measuring: $LOAD_BEFORE
server        gunicorn, $WORKERS sync workers; PostgreSQL $(psql -h 127.0.0.1 -U postgres -tAc 'show server_version' | cut -d' ' -f1); production settings, DEBUG off
load          wrk -t$THREADS -c$CONNECTIONS -d$DURATION on loopback, $ROUNDS rounds alternating, after $WARMUP warm-up each
data          seed_demo --windows 60 --staff 500 + bench/my_scores_data.py; $PAGE_PATH as $USERNAME ($entries entries this month, $months published months, $(wc -c <"$PAGE") bytes)
trivial       /healthz/  $trivial_mean req/s  $trivial_cpu_mean ms worker CPU/request  (runs: ${trivial[*]})
my scores     $PAGE_PATH  $staff_mean req/s  $staff_cpu_mean ms worker CPU/request  (runs: ${staff[*]})
ratio my_scores / trivial = $ratio (target >= $TARGET)
EOF

if [[ "$pass" != yes ]]; then
    echo "RESULT: FAIL (ratio below target)"
    echo
    echo "--- what one request costs, in-process (bench/page_cost.py) ---"
    "$PY" bench/page_cost.py /healthz/ --user "$USERNAME" --n 30 || true
    "$PY" bench/page_cost.py "$PAGE_PATH" --user "$USERNAME" --n 30 --profile "${PROFILE_LINES:-15}" || true
    exit 2
fi
echo "RESULT: PASS"
