"""Helpers shared by scripts/ and benchmarks/: where the add-ons are, whether a
database exists, a one-shot Odoo run (install or update) and the command that
serves a database on 127.0.0.1."""

import os
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = [
    "sms_gateway",
    "whatsapp_gateway",
    "voice_gateway",
    "l10n_br_dunning",
    "l10n_br_dunning_pix",
]
# A local port nothing listens on: queued e-mails fail here instead of leaving.
SMTP_ARGS = ["--smtp=127.0.0.1", "--smtp-port=2", "--email-from=odoo@localhost"]
_ADDONS_PATH = []
_CONFIGURED = []


def addons_path():
    """This repository, then Odoo's own add-ons (computed once: parsing Odoo's
    configuration later appends the data directory to odoo.addons.__path__)."""
    if not _ADDONS_PATH:
        import odoo.addons

        _ADDONS_PATH.extend([str(ROOT), *odoo.addons.__path__])
    return ",".join(_ADDONS_PATH)


def odoo_env(db):
    """A superuser environment on database ``db``, on a cursor of its own (the
    caller closes it). Odoo's configuration is parsed once per process: parsing
    it again fails."""
    import odoo
    from odoo import SUPERUSER_ID, api

    if not _CONFIGURED:
        odoo.tools.config.parse_config([f"--addons-path={addons_path()}", "--log-level=warn"])
        _CONFIGURED.append(True)
    registry = odoo.modules.registry.Registry(db)
    return api.Environment(registry.cursor(), SUPERUSER_ID, {})


def release_database(db):
    """Close this process's connections to ``db`` (createdb -T and dropdb need it free)."""
    import odoo

    odoo.modules.registry.Registry.delete(db)
    odoo.sql_db.close_db(db)


def database_exists(name):
    import psycopg2  # shipped with Odoo's requirements

    with psycopg2.connect(dbname="postgres") as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def odoo_launcher():
    """How to start Odoo: its ``odoo`` script when installed beside this Python,
    else ``-m odoo``. With ``--workers`` Odoo starts its long-polling process as
    ``python <its own argv[0]> gevent``: from ``-m odoo`` that path is
    ``odoo/__main__.py``, which cannot run alone, and the process is started
    again and again, taking the CPU the measure is about."""
    script = os.path.join(sysconfig.get_path("scripts"), "odoo")
    if os.path.isfile(script):
        return [sys.executable, script]
    return [sys.executable, "-m", "odoo"]


def odoo_command(name, *args):
    """The command running Odoo with the add-ons on database ``name``, with ``args``."""
    return [*odoo_launcher(), f"--addons-path={addons_path()}", "-d", name, *args]


def odoo_once(name, *args):
    """Run Odoo on database ``name`` once (install or update), without serving."""
    subprocess.run(
        odoo_command(name, *args, "--stop-after-init", "--log-level=warn", "--http-port=0"),
        check=True,
    )


def serve_command(name, port, *args):
    """The command serving database ``name`` on 127.0.0.1:``port`` (nothing else
    answered, no e-mail leaves: SMTP_ARGS), with Odoo's extra ``args``."""
    return odoo_command(
        name,
        f"--db-filter=^{name}$",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        *SMTP_ARGS,
        *args,
    )


def free_port():
    """A local TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(name, port, *args):
    """Odoo serving database ``name`` on 127.0.0.1:``port`` (Odoo's extra
    ``args``: workers, cron threads), in a process of its own, once its login
    page answers. The caller terminates it."""
    import requests

    server = subprocess.Popen(
        odoo_command(
            name, f"--http-port={port}", "--http-interface=127.0.0.1", "--log-level=warn", *args
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(120):
        try:
            requests.get(f"http://127.0.0.1:{port}/web/login", timeout=2)
            break
        except requests.RequestException:
            time.sleep(0.5)
    return server
