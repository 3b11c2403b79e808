#!/usr/bin/env python3
"""Pictures of the product for the README, taken in headless Chromium.

Serves the demo database of ``make run`` (created first when absent) with Odoo on
a free local port, drives Debian's Chromium over the DevTools protocol and
writes into ``docs/``:

- ``dashboard.png``: the collections dashboard (back-office, 1600 px);
- ``invoice_collection_tab.png``: an overdue invoice's *Cobrança* tab;
- ``portal_phone.png``: the customer's invoice page on a phone (360 px wide,
  its first 1,400 px), opened from the link an SMS carries (access token, no
  login);
- ``sms_gateway.png``: the SMS gateway form.

    python3 scripts/take_screenshots.py [-d dunning_demo] [--out docs]

Nothing leaves the machine: Odoo and Chromium listen on 127.0.0.1 only, and the
demo database has no mail server and a log-only SMS gateway.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from odoo_helpers import ROOT, serve_command

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.read()
        except OSError:
            time.sleep(0.5)
    sys.exit(f"nothing answered at {url}")


class Browser:
    """One Chromium tab driven over the DevTools protocol (websocket-client)."""

    def __init__(self):
        import websocket

        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            sys.exit("Chromium is needed (Debian package `chromium`).")
        self.profile = tempfile.mkdtemp()
        port = free_port()
        self.process = subprocess.Popen(
            [
                binary,
                *CHROMIUM_FLAGS,
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # The web client shows times in the browser's time zone: Brasília's.
            env={**os.environ, "TZ": "America/Sao_Paulo"},
        )
        wait_http(f"http://127.0.0.1:{port}/json/version")
        pages = json.loads(wait_http(f"http://127.0.0.1:{port}/json/list"))
        page = next(p for p in pages if p.get("type") == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.ids = iter(range(1, 10**6))
        self.call("Page.enable")

    def call(self, method, **params):
        message_id = next(self.ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            answer = json.loads(self.socket.recv())
            if answer.get("id") == message_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def size(self, width, height, mobile=False):
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=2 if mobile else 1,
            mobile=mobile,
        )

    def open(self, url, ready="document.readyState === 'complete'", settle=1.5):
        self.call("Page.navigate", url=url)
        self.wait(ready)
        time.sleep(settle)  # fonts, images and the web client's last renders

    def wait(self, condition, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(f"!!({condition})"):
                return
            time.sleep(0.25)
        raise RuntimeError(f"timed out waiting for {condition}")

    def shoot(self, target, full_page=False, max_height=1400):
        # Transient notifications (a server restarted for the pictures says the
        # page is outdated) are no part of the product's picture.
        self.evaluate("document.querySelectorAll('.o_notification').forEach(n => n.remove())")
        params = {"format": "png"}
        if full_page:
            height = min(self.evaluate("document.documentElement.scrollHeight"), max_height)
            width = self.evaluate("document.documentElement.clientWidth")
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.call("Page.captureScreenshot", **params)["data"]
        Path(target).write_bytes(base64.b64decode(data))
        print(f"wrote {target}")

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def demo_facts(db):
    """The demo database ready (``run_demo.prepare``), and what the pictures
    show: the invoice ``make run`` prints, its portal path, the SMS gateway."""
    import run_demo

    import odoo
    from odoo import SUPERUSER_ID, api

    run_demo.prepare(db)  # also parses Odoo's configuration for this database
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.ref("l10n_br_dunning.res_company_demo")
        invoice = run_demo.demo_invoice(env, company)
        invoice._portal_ensure_token()
        return {
            "invoice": invoice.id,
            "portal": invoice.get_portal_url(),
            "gateway": company.sms_gateway_id.id,
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", default="dunning_demo")
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    facts = demo_facts(args.database)
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        serve_command(args.database, port, "--max-cron-threads=0", "--log-level=warn"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    browser = None
    try:
        wait_http(f"{base}/web/login")
        browser = Browser()
        # The customer's side first, without a session: a phone, 360 px wide.
        browser.size(360, 780, mobile=True)
        browser.open(f"{base}{facts['portal']}")
        browser.shoot(out / "portal_phone.png", full_page=True)
        # The back-office, as the collections team sees it.
        browser.size(1280, 800)
        browser.open(f"{base}/web/login")
        browser.evaluate(
            "document.querySelector('input[name=login]').value = 'admin';"
            "document.querySelector('input[name=password]').value = 'admin';"
            "document.querySelector('form.oe_login_form').submit();"
        )
        browser.wait("location.pathname.startsWith('/odoo')")
        list_ready = "document.querySelector('.o_list_renderer .o_data_row')"
        browser.size(1600, 640)  # every column of the aging
        browser.open(
            f"{base}/odoo/action-l10n_br_dunning.dunning_dashboard_action",
            ready=list_ready,
        )
        browser.shoot(out / "dashboard.png")
        browser.size(1280, 800)
        browser.open(
            f"{base}/odoo/action-account.action_move_out_invoice_type/{facts['invoice']}",
            ready="document.querySelector('.o_form_view .o_notebook')",
        )
        browser.evaluate(
            "document.querySelector('.o_notebook a[name=dunning]').click();"
            "document.querySelector('.o_notebook a[name=dunning]').scrollIntoView();"
        )
        time.sleep(1.5)
        browser.shoot(out / "invoice_collection_tab.png")
        browser.open(
            f"{base}/odoo/action-sms_gateway.sms_gateway_action/{facts['gateway']}",
            ready="document.querySelector('.o_form_view .o_form_sheet')",
        )
        browser.shoot(out / "sms_gateway.png")
    finally:
        if browser:
            browser.close()
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
