#!/usr/bin/env bash
# The foundation benchmark: requests/s of the staff list (/staff/, 50 rows, as admin) against
# the trivial view (/healthz/, same middleware, returns "ok"), side by side on one machine,
# under production settings, PostgreSQL and gunicorn. Fails when the ratio is below TARGET.
# See bench/README.md.
#
#   bench/run_staff_list.sh                 # DURATION=10s per measured run
#   DURATION=30s bench/run_staff_list.sh
TARGET="${TARGET:-0.15}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_init staff_list 8765 13
bench_seed --windows 60 --staff 500
bench_vacuum
bench_serve

COOKIE="Cookie: sessionid=$(bench_session admin)"
EXPECT="$("$PY" bench/staff_name.py)"
PAGE="$VAR_DIR/staff.html"
bench_fetch /staff/ "$PAGE"
grep -qF -- "$EXPECT" "$PAGE" \
    || die "GET /staff/ does not show the first staff member's name ($EXPECT)"
rows="$({ grep -o '<tr' "$PAGE" || true; } | wc -l)"
log "GET /staff/ as admin: 200, shows \"$EXPECT\", $(wc -c <"$PAGE") bytes, $rows table rows"

bench_compare /staff/
bench_report "staff list" "staff list" /staff/ \
    "$BENCH_DATA; /staff/ as admin, page 1 ($((rows - 1)) rows, $(wc -c <"$PAGE") bytes)" \
    admin
