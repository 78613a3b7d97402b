"""What one request costs, in-process: queries, SQL time, Python time, and a profile.

Run with the benchmark's environment (the script runs it for you when the ratio misses its
target; run it by hand the same way, see bench/README.md):

    .venv/bin/python bench/page_cost.py /staff/ /healthz/ [--user admin] [--n 50] [--profile 25]

For each path it prints: the status, the number of queries of one request (and their SQL,
with --sql), the mean wall time per request over --n requests, the share of it spent inside
the database driver, and, with --profile N, the N most expensive functions by own time and by
cumulative time (cProfile) over the same requests.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings_production")


class SqlTimer:
    """A connection.execute_wrapper that adds up the time spent in the driver."""

    def __init__(self, templates: TemplateTimer) -> None:
        self.templates = templates
        self.seconds = 0.0
        self.in_templates = 0.0  # the part run while a template renders (lazy querysets)
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            self.seconds += elapsed
            if self.templates.depth:
                self.in_templates += elapsed
            self.count += 1


class TemplateTimer:
    """Adds up the time spent in the outermost template render of each response."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.depth = 0

    def install(self) -> None:
        from django.template.backends.django import Template

        original = Template.render
        timer = self

        def render(template, context=None, request=None):
            timer.depth += 1
            start = time.perf_counter()
            try:
                return original(template, context, request)
            finally:
                timer.depth -= 1
                if timer.depth == 0:
                    timer.seconds += time.perf_counter() - start

        Template.render = render


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument(
        "--user", default="", help="log in as this user (default: anonymous, as a public page)"
    )
    parser.add_argument("--n", type=int, default=50, help="requests to time per path")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print the N most expensive functions"
    )
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    args = parser.parse_args(argv[1:])

    import logging

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # quiet about force_login

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    templates = TemplateTimer()
    templates.install()
    client = Client(HTTP_HOST="127.0.0.1")
    if args.user:
        client.force_login(
            get_user_model().objects.get(username=args.user),
            backend="hall.backends.HallBackend",
        )

    for path in args.paths:
        client.get(path)  # warm: template loading, translations, connection
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        print(
            f"== {path}  status {response.status_code}  {len(response.content)} bytes  "
            f"{len(captured.captured_queries)} queries"
        )
        if args.sql:
            for i, q in enumerate(captured.captured_queries, 1):
                print(f"  [{i}] {q['time']}s  {q['sql'][:300]}")

        timer = SqlTimer(templates)
        templates.seconds = 0.0
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            cpu_start = time.process_time()
            for _ in range(args.n):
                client.get(path)
            cpu = time.process_time() - cpu_start
            wall = time.perf_counter() - start
        per = wall / args.n * 1000
        sql = timer.seconds / args.n * 1000
        tpl = (templates.seconds - timer.in_templates) / args.n * 1000
        print(
            f"   mean {per:.2f} ms/request wall, {cpu / args.n * 1000:.2f} ms CPU "
            f"(in-process, test client, {args.n} requests)"
        )
        print(
            f"     SQL (driver, incl. round trips) {sql:6.2f} ms  "
            f"({timer.count / args.n:.0f} statements)"
        )
        print(
            f"     template rendering, less SQL    {tpl:6.2f} ms  "
            "(incl. context processors and querysets the template evaluates)"
        )
        print(
            f"     everything else                 {per - sql - tpl:6.2f} ms  "
            "(middleware, view, ORM object building)"
        )
        profiler = None
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                client.get(path)
            profiler.disable()
        if profiler:
            root = re.escape(str(ROOT)) + r"/(?!\.venv/|bench/)"
            listings = (
                ("tottime", "own time", None),
                ("cumulative", "cumulative time, the project's own code", root),
            )
            for key, title, restriction in listings:
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out).sort_stats(key)
                if restriction:
                    stats.print_stats(restriction, args.profile)
                else:
                    stats.print_stats(args.profile)
                body = out.getvalue()
                body = body[body.find("   ncalls") :] if "   ncalls" in body else body
                body = body.replace(str(ROOT) + "/.venv/lib/", "").replace(str(ROOT) + "/", "")
                print(f"   -- top {args.profile} by {title} over {args.n} requests --")
                print("\n".join("   " + line for line in body.rstrip().splitlines()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
