#!/usr/bin/env bash
# The rating submission benchmark: POSTs of the public rating form with a fresh, valid token
# each (/rate/t/<token>/, what a citizen's phone sends after scanning the window's QR code)
# against the trivial view (/healthz/), under production settings, PostgreSQL, Redis and
# gunicorn (bench/lib.sh). Every POST must store a rating: at the end the ratings stored with
# a token are compared with the requests wrk completed. Fails when the ratio is below TARGET.
#
#   bench/run_rating_post.sh                 # DURATION=10s per measured run
#   TOKENS=300000 DURATION=30s bench/run_rating_post.sh
#   LEVELS=very_satisfied,satisfied bench/run_rating_post.sh   # another mix of levels (the
#                                            default: one POST in five a bad rating)
TARGET="${TARGET:-0.3}"
TOKENS="${TOKENS:-200000}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_init rating_post 8104 4
bench_seed --windows 60 --staff 500
TOKENS_FILE="$VAR_DIR/tokens.txt"
COUNT_FILE="$VAR_DIR/wrk-requests.txt"
log "issuing $TOKENS rating tokens"
"$PY" bench/rating_data.py tokens "$TOKENS" "$TOKENS_FILE"
bench_vacuum
bench_serve

# One CSRF cookie and its form token, from a GET of a rating page (as a phone would).
FIRST="$(head -n1 "$TOKENS_FILE")"
JAR="$VAR_DIR/jar.txt"
curl -s -c "$JAR" -o "$VAR_DIR/form.html" "$BASE/rate/t/$FIRST/"
CSRF_COOKIE="$(awk '$6 == "csrftoken" {print $7}' "$JAR")"
CSRF_TOKEN="$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$VAR_DIR/form.html" | head -n1 | cut -d'"' -f4)"
[[ -n "$CSRF_COOKIE" && -n "$CSRF_TOKEN" ]] || die "no CSRF cookie or form token from GET /rate/t/…/"
export TOKENS_FILE COUNT_FILE CSRF_COOKIE CSRF_TOKEN WRK_THREADS="$THREADS" LEVELS="${LEVELS:-}"
: >"$COUNT_FILE"
before="$("$PY" bench/rating_data.py count-token-ratings)"

# A generous timeout: on a loaded machine the first POSTs of a fresh worker can pass 2 s.
WRK_ARGS="-s bench/rating_post.lua --timeout 10s"
WARMUP="${WARMUP_POST:-5s}"
bench_compare "/rate/t/token/"
stored=$(( $("$PY" bench/rating_data.py count-token-ratings) - before ))
sent="$(awk '{s += $1} END {print s}' "$COUNT_FILE")"
runs="$(wc -l <"$COUNT_FILE")"
log "wrk completed $sent rating POSTs in $runs runs; $stored ratings stored"
# A request still in flight when a wrk run stops is finished by the server but not counted by
# wrk: at most one per connection per run.
if (( stored < sent || stored > sent + CONNECTIONS * runs )); then
    die "stored ratings ($stored) do not match the completed POSTs ($sent)"
fi
bench_report "rating submission (POST with a token)" "rating POST" "/rate/t/<token>/" \
    "$BENCH_DATA + $TOKENS tokens (bench/rating_data.py); $sent POSTs completed, $stored ratings stored"
