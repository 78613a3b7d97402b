# bench/lib.sh — what every bench/run_*.sh shares; sourced, never run. See bench/README.md.
#
# A page benchmark serves the app the way production does (production settings, PostgreSQL,
# Redis, gunicorn with 2 × cores + 1 sync workers), loads the demo hall, and measures the page's
# requests/s against the trivial view (/healthz/, same middleware) side by side in alternating
# rounds, so the machine's noise hits both. A script reads:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_init my_scores 8104 12            # name (database hall_bench_<name>), port, Redis db
#   bench_seed --windows 60 --staff 500     # migrate, collectstatic, seed_demo <args>, VACUUM
#   bench_serve                             # gunicorn, waits for /healthz/
#   COOKIE="Cookie: sessionid=$(bench_session S0001)"    # optional: a logged-in user
#   bench_compare /appraisal/my/            # sets trivial_*, page_*, ratio, pass
#   bench_report "staff My scores" "my scores" /appraisal/my/ "data line"; exit $?
#
# Environment: DURATION (10s), WARMUP (2s), THREADS (2), CONNECTIONS (8), WORKERS, ROUNDS (2),
# TARGET (the script's default), PORT (the script's default), WRK_ARGS (extra wrk arguments for
# the page, e.g. "-s bench/post.lua").

set -euo pipefail

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$BENCH_ROOT"

DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-8}"
# gunicorn's recommended worker count for sync workers: 2 × cores + 1 (as in production).
WORKERS="${WORKERS:-$((2 * $(nproc) + 1))}"
ROUNDS="${ROUNDS:-2}"
WRK_ARGS="${WRK_ARGS:-}"
PG="postgres://postgres@127.0.0.1:5432"
PY="$BENCH_ROOT/.venv/bin/python"
COOKIE=""
GUNICORN_PID=""
VAR_DIR=""

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# bench_init <name> <default port> <default redis db>: prerequisites, a lock per benchmark,
# PostgreSQL and Redis up, a cleanup trap, production settings over plain http on loopback.
bench_init() {
    BENCH_NAME="$1"
    PORT="${PORT:-$2}"
    REDIS_DB="${BENCH_REDIS_DB:-$3}"
    DB_NAME="hall_bench_$BENCH_NAME"
    BASE="http://127.0.0.1:$PORT"

    [[ -x "$PY" ]] || die "no virtualenv at $BENCH_ROOT/.venv (create it first)"
    [[ -x "$BENCH_ROOT/.venv/bin/gunicorn" ]] || die "gunicorn is not installed in .venv"
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

    # One run of a benchmark at a time: its database name and port are fixed.
    exec 9>"/tmp/hall_bench_$BENCH_NAME.lock"
    flock -n 9 || die "another run of the $BENCH_NAME benchmark holds /tmp/hall_bench_$BENCH_NAME.lock"
    if curl -s -o /dev/null "$BASE/healthz/"; then
        die "something already answers on 127.0.0.1:$PORT; stop it or set PORT"
    fi

    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        log "starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
        for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
        pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not come up on 127.0.0.1:5432"
    fi
    if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
        sleep 1
    fi

    VAR_DIR="$(mktemp -d "/tmp/hall_bench_$BENCH_NAME.XXXXXX")"
    trap _bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    local secret
    secret="$("$PY" -c 'import secrets, string
alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
print("".join(secrets.choice(alphabet) for _ in range(50)))')"
    export DJANGO_SETTINGS_MODULE=hall.settings_production
    export DJANGO_SECRET_KEY="$secret"
    export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
    export DATABASE_URL="$PG/$DB_NAME"
    export HALL_SSL_REDIRECT=false
    export HALL_SECURE_COOKIES=false
    export HALL_VAR_DIR="$VAR_DIR"
    export DJANGO_STATIC_ROOT="$VAR_DIR/static"
    unset DJANGO_DEBUG  # DEBUG is forced off anyway
    # Production runs with Redis (Celery's broker, the shared cache and cached sessions): so
    # does the bench, on a Redis database of its own that it empties first.
    export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
    redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB" flushdb >/dev/null
}

_bench_cleanup() {
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
    redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true
    rm -rf "$VAR_DIR"
    exit "$rc"
}

# bench_seed <seed_demo arguments...>: a fresh database with the demo hall in it.
bench_seed() {
    log "recreating database $DB_NAME"
    PGOPTIONS="-c client_min_messages=warning" \
        dropdb --if-exists --force -h 127.0.0.1 -U postgres "$DB_NAME"
    createdb -h 127.0.0.1 -U postgres "$DB_NAME"
    log "migrate, collectstatic, seed_demo $*"
    "$PY" manage.py migrate --noinput -v0
    "$PY" manage.py collectstatic --noinput -v0
    # seed_demo prints the demo logins even at -v0; keep them out of the result.
    "$PY" manage.py seed_demo "$@" -v0 >"$VAR_DIR/seed.log"
    BENCH_DATA="seed_demo $*"
}

# bench_vacuum: fresh planner statistics once every row the benchmark needs is in.
bench_vacuum() {
    psql -q -h 127.0.0.1 -U postgres -d "$DB_NAME" -c 'VACUUM ANALYZE'
}

bench_serve() {
    log "starting gunicorn ($WORKERS workers) on 127.0.0.1:$PORT"
    "$BENCH_ROOT/.venv/bin/gunicorn" hall.wsgi:application --bind "127.0.0.1:$PORT" \
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
    # One worker answering is not all of them: each loads the app after it boots, and a
    # request waiting on one still loading is a socket timeout to wrk. Wait for a clean run.
    for _ in $(seq 30); do
        wrk -t1 -c"$WORKERS" -d1s "$BASE/healthz/" | grep -q 'Socket errors' || return 0
    done
    die "/healthz/ still had socket errors after 30 short runs (see $VAR_DIR/gunicorn.log)"
}

# bench_session <username>: a session key for the user, without the (throttled) login form.
bench_session() {
    "$PY" bench/make_session.py "$1"
}

# bench_fetch <path> <file>: GET the page once as the benchmark will; dies unless 200.
bench_fetch() {
    local status
    if [[ -n "$COOKIE" ]]; then
        status="$(curl -s -o "$2" -w '%{http_code}' -H "$COOKIE" "$BASE$1")"
    else
        status="$(curl -s -o "$2" -w '%{http_code}' "$BASE$1")"
    fi
    [[ "$status" == 200 ]] || die "GET $1 answered $status, not 200"
}

# CPU time (clock ticks) used so far by the gunicorn workers: with the request count this
# gives the server's CPU per request, which other load on the machine disturbs less than req/s.
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

# run_wrk <duration> <path> [wrk args...] -> prints "requests/s cpu-ms/request"; fails on socket
# errors or non-2xx answers (a lost session would show up here as 302s).
run_wrk() {
    local duration="$1" path="$2" out rps n t0 t1
    shift 2
    local -a headers=()
    [[ -n "$COOKIE" ]] && headers=(-H "$COOKIE")
    t0="$(worker_ticks)"
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" "${headers[@]}" "$@" "$BASE$path")"
    t1="$(worker_ticks)"
    if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
        printf '%s\n' "$out" >&2
        die "wrk got non-2xx/3xx answers from $path"
    fi
    if grep -q 'Socket errors' <<<"$out"; then
        printf '%s\n' "$out" >&2
        die "wrk reported socket errors on $path"
    fi
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    n="$(awk '/ requests in / {print $1}' <<<"$out")"
    [[ -n "$rps" && -n "$n" && "$n" -gt 0 ]] \
        || { printf '%s\n' "$out" >&2; die "could not read wrk's output for $path"; }
    awk -v r="$rps" -v n="$n" -v d="$((t1 - t0))" -v hz="$CLK_TCK" \
        'BEGIN {printf "%s %.2f\n", r, d * 1000 / hz / n}'
}

_mean() { printf '%s\n' "$@" | awk '{s += $1} END {printf "%.1f", s / NR}'; }
_mean2() { printf '%s\n' "$@" | awk '{s += $1} END {printf "%.2f", s / NR}'; }

# bench_compare <path>: warm-up, then ROUNDS alternating runs of /healthz/ and <path> (with
# WRK_ARGS). Sets trivial_mean, trivial_cpu_mean, page_mean, page_cpu_mean, ratio, pass.
bench_compare() {
    local path="$1" res rps cpu round
    local -a page_args=()
    [[ -n "$WRK_ARGS" ]] && read -r -a page_args <<<"$WRK_ARGS"
    log "warm-up: $WARMUP each"
    run_wrk "$WARMUP" /healthz/ >/dev/null
    run_wrk "$WARMUP" "$path" "${page_args[@]}" >/dev/null
    LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
    trivial=(); trivial_cpu=(); page=(); page_cpu=()
    for round in $(seq "$ROUNDS"); do
        res="$(run_wrk "$DURATION" /healthz/)"; read -r rps cpu <<<"$res"
        trivial+=("$rps"); trivial_cpu+=("$cpu")
        log "round $round  /healthz/  $rps req/s  $cpu ms worker CPU/request"
        res="$(run_wrk "$DURATION" "$path" "${page_args[@]}")"; read -r rps cpu <<<"$res"
        page+=("$rps"); page_cpu+=("$cpu")
        log "round $round  $path  $rps req/s  $cpu ms worker CPU/request"
    done
    trivial_mean="$(_mean "${trivial[@]}")"
    page_mean="$(_mean "${page[@]}")"
    trivial_cpu_mean="$(_mean2 "${trivial_cpu[@]}")"
    page_cpu_mean="$(_mean2 "${page_cpu[@]}")"
    ratio="$(awk -v s="$page_mean" -v t="$trivial_mean" 'BEGIN {printf "%.2f", s / t}')"
    pass="$(awk -v s="$page_mean" -v t="$trivial_mean" -v g="$TARGET" \
        'BEGIN {print (s / t >= g) ? "yes" : "no"}')"
}

# bench_report <title> <label> <path> <data line> [page_cost user]: prints the result block;
# returns 0 on PASS, 2 on FAIL (after an in-process profile of the page when a user is given or
# the page is public).
bench_report() {
    local title="$1" label="$2" path="$3" data="$4" user="${5:-}"
    local commit
    commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    git diff --quiet HEAD 2>/dev/null || commit="$commit (plus uncommitted changes)"
    cat <<EOF

=== Hall benchmark: $title vs trivial view ===
commit        $commit
date          $(date -u +%Y-%m-%dT%H:%M:%SZ)
machine       $(nproc) CPUs, load average before measuring: $LOAD_BEFORE
server        gunicorn, $WORKERS sync workers; PostgreSQL $(psql -h 127.0.0.1 -U postgres -tAc 'show server_version' | cut -d' ' -f1); production settings, DEBUG off
load          wrk -t$THREADS -c$CONNECTIONS -d$DURATION on loopback, $ROUNDS rounds alternating, after $WARMUP warm-up each
data          $data
trivial       /healthz/  $trivial_mean req/s  $trivial_cpu_mean ms worker CPU/request  (runs: ${trivial[*]})
$(printf '%-13s' "$label") $path  $page_mean req/s  $page_cpu_mean ms worker CPU/request  (runs: ${page[*]})
ratio $(tr ' ' '_' <<<"$label") / trivial = $ratio (target >= $TARGET)
EOF
    if [[ "$pass" != yes ]]; then
        echo "RESULT: FAIL (ratio below target)"
        if [[ -z "$WRK_ARGS" ]]; then
            local -a as_user=()
            [[ -n "$user" ]] && as_user=(--user "$user")
            echo
            echo "--- what one request costs, in-process (bench/page_cost.py) ---"
            "$PY" bench/page_cost.py /healthz/ "${as_user[@]}" --n 30 || true
            "$PY" bench/page_cost.py "$path" "${as_user[@]}" --n 30 \
                --profile "${PROFILE_LINES:-15}" || true
        fi
        return 2
    fi
    echo "RESULT: PASS"
}
