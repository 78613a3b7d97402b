#!/usr/bin/env bash
# The public guide benchmark: requests/s of one item's current guide (/guides/<code>/, no
# cookie: what a QR code on a printed guide opens) against the trivial view (/healthz/), side
# by side on one machine, under production settings, PostgreSQL and gunicorn (bench/lib.sh).
# The guide's body is cached per published edition (guides/public.py), so a request costs the
# item's lookup and the page around the cached body. Fails when the ratio is below TARGET.
# See bench/README.md.
#
#   bench/run_public_guide.sh               # DURATION=10s per measured run
#   CODE=CONST-001 DURATION=30s bench/run_public_guide.sh
TARGET="${TARGET:-0.3}"
CODE="${CODE:-AIC-001}"  # two editions, 7 materials, 5 steps, FAQ: a typical long guide
PAGE_PATH="/guides/$CODE/"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_init public_guide 8776 6
bench_seed
bench_vacuum
bench_serve

PAGE="$VAR_DIR/guide.html"
bench_fetch "$PAGE_PATH" "$PAGE"
grep -q 'class="guide-qr"' "$PAGE" || die "GET $PAGE_PATH shows no QR code"
grep -q '<svg' "$PAGE" || die "GET $PAGE_PATH shows no flowchart"
materials="$({ grep -o '<li class="list-group-item">' "$PAGE" || true; } | wc -l)"
log "GET $PAGE_PATH without a cookie: 200, $(wc -c <"$PAGE") bytes, $materials materials"

bench_compare "$PAGE_PATH"
bench_report "public guide" "public guide" "$PAGE_PATH" \
    "$BENCH_DATA; $PAGE_PATH without a cookie ($materials materials, $(wc -c <"$PAGE") bytes)"
