#!/usr/bin/env bash
# The staff "My scores" benchmark: requests/s of /appraisal/my/ (the phone page of a staff
# member: live month total, this month's 20 entries, 12 published months and their SVG trend
# chart) against the trivial view (/healthz/), side by side on one machine, under production
# settings, PostgreSQL, Redis sessions and gunicorn (bench/lib.sh).
# Fails when the ratio is below TARGET. See bench/README.md.
#
#   bench/run_my_scores.sh                  # DURATION=10s per measured run
#   DURATION=30s bench/run_my_scores.sh
TARGET="${TARGET:-0.15}"
PAGE_PATH="/appraisal/my/"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_init my 8104 12
bench_seed --windows 60 --staff 500
IFS=$'\t' read -r USERNAME EXPECT < <("$PY" bench/my_scores_data.py --entries 20 --months 12)
[[ -n "$USERNAME" && -n "$EXPECT" ]] || die "bench/my_scores_data.py printed no login"
bench_vacuum
bench_serve

COOKIE="Cookie: sessionid=$(bench_session "$USERNAME")"
PAGE="$VAR_DIR/my.html"
bench_fetch "$PAGE_PATH" "$PAGE"
grep -qF -- "$EXPECT" "$PAGE" || die "GET $PAGE_PATH does not show the member's name ($EXPECT)"
grep -q '<polyline' "$PAGE" || die "GET $PAGE_PATH shows no trend chart"
entries="$({ grep -o 'href="/appraisal/my/entries/' "$PAGE" || true; } | wc -l)"
months="$({ grep -o 'href="?month=' "$PAGE" || true; } | wc -l)"
log "GET $PAGE_PATH as $USERNAME: 200, shows \"$EXPECT\", $(wc -c <"$PAGE") bytes, $entries entries, $months past months"

bench_compare "$PAGE_PATH"
bench_report "staff My scores" "my scores" "$PAGE_PATH" \
    "$BENCH_DATA + bench/my_scores_data.py; $PAGE_PATH as $USERNAME ($entries entries this month, $months published months, $(wc -c <"$PAGE") bytes)" \
    "$USERNAME"
