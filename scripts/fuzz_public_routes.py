#!/usr/bin/env python3
"""Generated requests against the portal's public routes of a served database.

For use before a release: copies the demo database (``dunning_demo``, made by
``make run``) to a throwaway one, serves it with Odoo on 127.0.0.1, and sends N
requests (10,000 by default) drawn from the same generators as the Odoo suite's
property tests (``l10n_br_dunning/tests/fuzz_portal.py``): the customer's
answers (já paguei with uploads, contestar, nova data), the preferences from the
invoice and from /my, the invoice page, the /c/<token> short link and the QR
code, with garbage dates, fields, huge and binary values, and with and without
access and CSRF tokens. It prints the requests, the count of each status,
every server error (5xx), and every change a call without valid credentials
made (answers recorded, chatter messages); it exits 1 if there is any.

The copy's rate-limit window (5 answers per invoice per hour) is aged every
few requests so that answers keep reaching validation instead of all being 429.

    python3 scripts/fuzz_public_routes.py [N] [--database dunning_demo]
"""

import argparse
import collections
import importlib.util
import re
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg2
import requests
from hypothesis import HealthCheck, given, settings
from odoo_helpers import ROOT, database_exists, serve_command

spec = importlib.util.spec_from_file_location(
    "fuzz_portal", ROOT / "l10n_br_dunning" / "tests" / "fuzz_portal.py"
)
fuzz_portal = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fuzz_portal)
# The régua's payment states (a plain module: no Odoo import).
spec = importlib.util.spec_from_file_location(
    "payment_states", ROOT / "l10n_br_dunning" / "tools" / "payment_states.py"
)
payment_states = importlib.util.module_from_spec(spec)
spec.loader.exec_module(payment_states)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sql(db, query, args=()):
    with psycopg2.connect(dbname=db) as connection, connection.cursor() as cursor:
        cursor.execute(query, args)
        return cursor.fetchall() if cursor.description else None


class Server:
    def __init__(self, db, log):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            serve_command(
                db,
                self.port,
                "--workers=0",
                "--max-cron-threads=0",
                "--log-level=warn",
                f"--logfile={log}",
            )
        )
        for _ in range(120):
            try:
                requests.get(self.url + "/web/login", timeout=5)
                return
            except requests.ConnectionError:
                time.sleep(0.5)
        raise SystemExit("Odoo did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(30)


def prepare(db):
    """The calls' target: the customer's open invoice, another customer's, tokens."""
    rows = sql(
        db,
        "SELECT m.id, m.commercial_partner_id, c.dunning_upload_max_mb, m.state,"
        " m.payment_state FROM account_move m"
        " JOIN res_company c ON c.id = m.company_id WHERE m.move_type = 'out_invoice'"
        " ORDER BY m.invoice_date_due, m.id",
    )
    # Open as the régua reads it (tools/payment_states.is_open, its one home).
    moves = [row[:3] for row in rows if payment_states.is_open(row[3], row[4])]
    own = moves[0]
    other = next(move for move in moves if move[1] != own[1])
    # The copy's invoices get a portal token if they have none yet (as sending does).
    sql(
        db,
        "UPDATE account_move SET access_token = gen_random_uuid()::text"
        " WHERE id = ANY(%s) AND access_token IS NULL",
        ([own[0], other[0]],),
    )
    tokens = dict(
        (row[0], row[1:])
        for row in sql(
            db,
            "SELECT id, access_token, dunning_link_token FROM account_move WHERE id = ANY(%s)",
            ([own[0], other[0]],),
        )
    )
    return own, other, tokens, own[2] or 5


def csrf_of(session, url, path):
    html = session.get(url + path, timeout=30).text
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requests", nargs="?", type=int, default=10_000)
    parser.add_argument("--database", default="dunning_demo")
    args = parser.parse_args()
    if not database_exists(args.database):
        sys.exit(f"No database {args.database}: run `make run` once to create the demo.")
    db = f"{args.database}_fuzz"
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
    subprocess.run(["createdb", "-T", args.database, db], check=True)
    log = Path(f"/tmp/{db}.log")
    log.unlink(missing_ok=True)
    server = Server(db, log)
    try:
        run(args, db, server.url, log)
    finally:
        server.stop()
        subprocess.run(["dropdb", "--if-exists", "--force", db], check=False)


def run(args, db, url, log):
    own, other, tokens, max_mb = prepare(db)
    public = requests.Session()
    own_token = tokens[own[0]][0]
    pref_path = f"/my/invoices/{own[0]}/dunning/preferences?access_token={own_token}"
    target = fuzz_portal.Target(
        invoice_id=own[0],
        access_token=own_token,
        other_invoice_id=other[0],
        other_token=tokens[other[0]][0],
        link_token=tokens[own[0]][1] or "no-link-token",
        csrf_token=csrf_of(public, url, pref_path),
        today=date.today(),
        upload_max_mb=max_mb,
    )
    user = requests.Session()
    user.post(
        url + "/web/session/authenticate",
        json={"params": {"db": db, "login": "admin", "password": "admin"}},
        timeout=30,
    )
    user_csrf = csrf_of(user, url, "/my/dunning/preferences")
    partner_ids = [own[1], other[1]]

    def footprint():
        """What an answer leaves: portal requests and agreements, chatter messages,
        attachments."""
        return sql(
            db,
            "SELECT (SELECT count(*) FROM dunning_portal_request)"
            " + (SELECT count(*) FROM dunning_agreement),"
            " (SELECT count(*) FROM mail_message WHERE"
            "  (model = 'account.move' AND res_id = ANY(%s))"
            "  OR (model = 'res.partner' AND res_id = ANY(%s))),"
            " (SELECT count(*) FROM ir_attachment WHERE res_model = 'account.move')",
            ([own[0], other[0]], partner_ids),
        )[0]

    statuses = collections.Counter()
    errors, leaks, recorded_twice = [], [], []
    started = time.monotonic()
    sent = 0

    @settings(
        max_examples=args.requests,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(call=fuzz_portal.calls(target.today, max_mb))
    def one(call):
        nonlocal sent
        sent += 1
        if sent % 25 == 0:
            sql(
                db,
                "UPDATE dunning_portal_request SET create_date = create_date - interval '2 hours'",
            )
        session = user if call.route == "my_preferences" else public
        method, path, params, data, files = call.request(target)
        if call.route == "my_preferences" and data and call.csrf == "valid":
            data["csrf_token"] = user_csrf
        before = footprint() if call.route in fuzz_portal.WRITING else None
        try:
            response = session.request(
                method, url + path, params=params, data=data, files=files,
                allow_redirects=False, timeout=60,
            )  # fmt: skip
        except requests.RequestException as error:
            statuses["no answer"] += 1
            errors.append((call, repr(error)))
            return
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            errors.append((call, response.text[:300]))
        if before is not None:
            after = footprint()
            if not call.may_write and after != before:
                leaks.append((call, before, after))
            elif call.may_write and after[0] - before[0] > 1:
                recorded_twice.append((call, before, after))
        if sent % 1000 == 0:
            print(f"  {sent} requests, {len(errors)} server errors", flush=True)

    one()
    elapsed = time.monotonic() - started
    rate = sent / elapsed
    print(f"\nrequests: {sent} in {elapsed:.0f} s ({rate:.0f}/s) on a copy of {args.database}")
    print("status counts: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str)))
    print(f"server errors (5xx or no answer): {len(errors)}")
    for call, text in errors[:10]:
        print(f"  {call.route} {call.method} token={call.token} csrf={call.csrf}: {text!r}")
    print(f"changes without valid credentials: {len(leaks)}")
    for call, before, after in leaks[:10]:
        who = f"token={call.token} csrf={call.csrf} invoice={call.invoice}"
        print(f"  {call.route} {who}: {before} -> {after}")
    print(f"answers recorded more than once: {len(recorded_twice)}")
    tracebacks = log.read_text(errors="replace").count("Traceback") if log.exists() else 0
    print(f"tracebacks in the server log ({log}): {tracebacks}")
    if errors or leaks or recorded_twice:
        sys.exit(1)


if __name__ == "__main__":
    main()
