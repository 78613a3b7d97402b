#!/usr/bin/env bash
# The floor board benchmark: requests/s of /windows/board/ (the hall's big screen: public, no
# cookie, every active window's number, department and sign) against the trivial view
# (/healthz/), and of the grid alone that the board's htmx asks for every few seconds (the
# same URL with "HX-Request: true"), under production settings, PostgreSQL, Redis and
# gunicorn (bench/lib.sh). Fails when either ratio is below TARGET. See bench/README.md.
#
#   bench/run_board.sh                      # DURATION=10s per measured run
#   ROUNDS=2 DURATION=30s bench/run_board.sh
TARGET="${TARGET:-0.2}"
PAGE_PATH="/windows/board/"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_init board 8111 1
bench_seed --windows 60 --staff 500
bench_vacuum
bench_serve

PAGE="$VAR_DIR/board.html"
bench_fetch "$PAGE_PATH" "$PAGE"
tiles="$({ grep -o 'id="board-' "$PAGE" || true; } | wc -l)"
[[ "$tiles" -ge 60 ]] || die "GET $PAGE_PATH shows $tiles window tiles, not the 60 seeded"
log "GET $PAGE_PATH: 200, $tiles tiles, $(wc -c <"$PAGE") bytes"

bench_compare "$PAGE_PATH"
bench_report "floor board" "board" "$PAGE_PATH" \
    "$BENCH_DATA; $PAGE_PATH without a cookie ($tiles tiles, $(wc -c <"$PAGE") bytes)" \
    && board_rc=0 || board_rc=$?

# The poll: htmx sends HX-Request and gets the grid only. The header goes to /healthz/ too,
# where it changes nothing.
COOKIE="HX-Request: true"
GRID="$VAR_DIR/grid.html"
bench_fetch "$PAGE_PATH" "$GRID"
grep -q '<html' "$GRID" && die "GET $PAGE_PATH with HX-Request sent the whole page"
log "GET $PAGE_PATH with HX-Request: 200, the grid alone, $(wc -c <"$GRID") bytes"
bench_compare "$PAGE_PATH"
bench_report "floor board's poll (htmx grid)" "board poll" "$PAGE_PATH" \
    "$BENCH_DATA; $PAGE_PATH with HX-Request: true, no cookie ($(wc -c <"$GRID") bytes)" \
    && poll_rc=0 || poll_rc=$?

exit $((board_rc > poll_rc ? board_rc : poll_rc))
