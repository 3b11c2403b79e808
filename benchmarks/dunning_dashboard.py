#!/usr/bin/env python3
"""Server time of the collections dashboard: ``benchmarks/dunning_dashboard.py N``.

On the benchmark database of N open installments (built by dunning_cron.py;
50,000 installments are about 15,000 customers), times what the web client asks
when an accountant opens Accounting > Collections > Dashboard (the list's first
page with its count, as ``web_search_read`` does, the default filter on) and
then switches to the kanban (grouped by stage), the pivot and the graph.
Odoo 18.0 must be importable as ``odoo``.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from odoo_helpers import addons_path, database_exists  # noqa: E402

LIST_FIELDS = [
    "partner_id",
    "company_id",
    "user_id",
    "currency_id",
    "balance",
    "not_due",
    "overdue",
    "bucket_1_30",
    "bucket_31_60",
    "bucket_61_90",
    "bucket_90_plus",
    "oldest_days_overdue",
    "stage_id",
    "last_contact_at",
    "last_contact_channel",
    "last_contact_status",
    "next_action_at",
    "payer_class",
    "paused",
]
MEASURES = ["not_due:sum", "bucket_1_30:sum", "bucket_31_60:sum", "bucket_61_90:sum"]


def timed(label, function, repeat=3):
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label}: {best * 1000:.0f} ms (best of {repeat})")
    return result, best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="open installments of the benchmark database")
    parser.add_argument(
        "--db", help="another database, e.g. the copy dunning_scale.py --keep leaves after a run"
    )
    args = parser.parse_args()
    db = args.db or f"dunning_bench_{args.n}"
    if not database_exists(db):
        sys.exit(f"{db} does not exist: run benchmarks/dunning_cron.py {args.n} first")
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config([f"--addons-path={addons_path()}", "-d", db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Dashboard = env["dunning.dashboard"]
        domain = [("overdue", ">", 0)]
        spec = {name: {} for name in LIST_FIELDS}
        for name in ("partner_id", "company_id", "user_id", "currency_id", "stage_id"):
            spec[name] = {"fields": {"display_name": {}}}

        def open_list():
            env.invalidate_all()
            return Dashboard.web_search_read(domain, spec, limit=80, count_limit=100000)

        page, list_time = timed("list, first page of 80 and the count", open_list)
        customers = Dashboard.search_count([])
        print(f"customers with open receivables: {customers}; overdue: {page['length']}")

        def kanban():
            env.invalidate_all()
            return Dashboard.web_read_group(
                domain, ["overdue:sum"], ["stage_id"], limit=80, lazy=True
            )

        _groups, kanban_time = timed("kanban grouped by stage", kanban)
        _pivot, pivot_time = timed(
            "pivot by stage", lambda: Dashboard.read_group(domain, MEASURES, ["stage_id"])
        )
        _graph, graph_time = timed(
            "graph by stage", lambda: Dashboard.read_group(domain, ["overdue:sum"], ["stage_id"])
        )
        print(
            f"dashboard opens (list) in {list_time:.2f} s of server time for {customers} "
            f"customers; slowest view {max(list_time, kanban_time, pivot_time, graph_time):.2f} s"
        )
        cr.rollback()


if __name__ == "__main__":
    main()
