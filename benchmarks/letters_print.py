#!/usr/bin/env python3
"""Printing the régua's letters: ``benchmarks/letters_print.py [K] [--invoices N]``.

On a fresh copy of ``side_by_side_N`` (built by ``benchmarks/side_by_side.py
N``: N invoices due from 40 days ago to 10 days ahead), runs the régua once,
then prints K of the letters it listed ("Letters to print", the final notice)
as the list's Print does (``ir.actions.report._render_qweb_pdf`` of the
collection letter), and prints the time, the pages, the wkhtmltopdf runs and
the letters per second. Odoo 18.0 must be importable as ``odoo``.
"""

import argparse
import io
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from dunning_dataset import run_moment  # noqa: E402
from odoo_helpers import database_exists, odoo_env, release_database  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("letters", nargs="?", type=int, default=100)
    parser.add_argument("--invoices", type=int, default=2000)
    args = parser.parse_args()
    template, copy = f"side_by_side_{args.invoices}", "letters_print_run"
    if not database_exists(template):
        sys.exit(f"{template} is missing: run benchmarks/side_by_side.py {args.invoices} first")
    if database_exists(copy):
        subprocess.run(["dropdb", copy], check=True)
    subprocess.run(["createdb", "-T", template, copy], check=True)
    try:
        measure(copy, args.letters)
    finally:
        release_database(copy)
        subprocess.run(["dropdb", copy], check=True)


def measure(db, count):
    from odoo.tools.pdf import PdfFileReader

    env = odoo_env(db)
    now = run_moment()
    lines = env["account.move.line"]
    lines.search(lines._dunning_open_domain())._dunning_replan(now)
    env["dunning.engine"]._cron_run(now=now)
    env.invalidate_all()
    letters = env["dunning.event"].search([("state", "=", "to_print")], limit=count, order="id")
    # The dataset's customers have no postal address: a letter needs one.
    letters.partner_id.write(
        {"street": "Rua Augusta, 1500, apto 32", "city": "São Paulo", "zip": "01304-001"}
    )
    groups = len(letters._letter_groups())
    Report = type(env["ir.actions.report"])
    runs = []
    original = Report._run_wkhtmltopdf

    def counted(report, bodies, *args, **kwargs):
        runs.append(len(bodies))
        return original(report, bodies, *args, **kwargs)

    Report._run_wkhtmltopdf = counted
    try:
        started = time.perf_counter()
        pdf, _kind = (
            env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("l10n_br_dunning.report_dunning_letter", letters.ids)
        )
        elapsed = time.perf_counter() - started
    finally:
        Report._run_wkhtmltopdf = original
    pages = PdfFileReader(io.BytesIO(pdf)).getNumPages()
    print(
        f"{len(letters)} letters to print ({groups} letters, one per customer and company): "
        f"{pages} pages in {elapsed:.2f} s, {len(runs)} wkhtmltopdf run(s) of "
        f"{sum(runs)} document(s): {groups / elapsed:.1f} letters/s",
        flush=True,
    )
    env.cr.rollback()
    env.cr.close()


if __name__ == "__main__":
    main()
