#!/usr/bin/env bash
# The rating statistics benchmark: requests/s of /ratings/stats/ (the hall office's page: this
# month's window table ranked with the talk flags, the level bars per window and 12 months of
# department trend lines, served from the monthly rollup plus the ratings since its cut-off)
# with 100,000 ratings this month, against the trivial view (/healthz/), under production
# settings, PostgreSQL, Redis and gunicorn (bench/lib.sh). Fails when the ratio is below TARGET.
#
#   bench/run_rating_stats.sh                # DURATION=10s per measured run
#   RATINGS=200000 bench/run_rating_stats.sh
TARGET="${TARGET:-0.15}"
RATINGS="${RATINGS:-100000}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_init rating_stats 8104 4
bench_seed --windows 60 --staff 500
log "adding $RATINGS ratings to a month and rolling it up"
MONTH="$("$PY" bench/rating_data.py ratings "$RATINGS")"
[[ "$MONTH" =~ ^[0-9]{4}-[0-9]{2}$ ]] || die "bench/rating_data.py printed no month"
PAGE_PATH="/ratings/stats/?month=$MONTH"
bench_vacuum
bench_serve

COOKIE="Cookie: sessionid=$(bench_session admin)"
PAGE="$VAR_DIR/stats.html"
bench_fetch "$PAGE_PATH" "$PAGE"
grep -q 'class="level-bars"' "$PAGE" || die "GET $PAGE_PATH shows no level bars"
grep -q 'class="trend-lines"' "$PAGE" || die "GET $PAGE_PATH shows no trend lines"
total="$(grep -o 'class="stat">[0-9]*<' "$PAGE" | head -n1 | grep -o '[0-9]*')"
(( total >= RATINGS )) || die "GET $PAGE_PATH counts $total ratings in $MONTH, fewer than $RATINGS"
log "GET $PAGE_PATH as admin: 200, $total ratings in $MONTH, $(wc -c <"$PAGE") bytes"

bench_compare "$PAGE_PATH"
bench_report "rating statistics" "stats" "$PAGE_PATH" \
    "$BENCH_DATA + $RATINGS ratings in $MONTH (bench/rating_data.py; $total counted on the page, $(wc -c <"$PAGE") bytes)" \
    admin
