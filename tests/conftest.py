"""Real-process tests: each test gets its own copy of a prepared database and
drives real Odoo processes (``odoo_process.py``) against it.

The template database comes from ``REGUA_PROCESS_TEMPLATE_DB`` (``make test``
copies the freshly installed test database) or, when unset, is installed here.
"""

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "odoo_process.py"
sys.path.insert(0, str(HERE.parent / "scripts"))

from odoo_helpers import ADDONS, odoo_once  # noqa: E402

_counter = itertools.count(1)


class OdooDatabase:
    """One database and the real Odoo processes run against it."""

    def __init__(self, name):
        self.name = name

    def _command(self, function, kwargs):
        return [sys.executable, str(RUNNER), self.name, function, json.dumps(kwargs)]

    def call(self, function, timeout=300, **kwargs):
        """Run ``scenarios.function`` in a new Odoo process; return its result."""
        done = subprocess.run(
            self._command(function, kwargs), capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise AssertionError(
                f"{function} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}"
            )
        return _result(done.stdout)

    def start(self, function, **kwargs):
        """Start ``scenarios.function`` in a new Odoo process and return it (Popen)."""
        return subprocess.Popen(
            self._command(function, kwargs),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @staticmethod
    def result(process, timeout=300):
        stdout, stderr = process.communicate(timeout=timeout)
        if process.returncode != 0:
            raise AssertionError(f"exited with {process.returncode}:\n{stdout}\n{stderr}")
        return _result(stdout)


def _result(stdout):
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"no RESULT line in:\n{stdout}"
    return json.loads(lines[-1][len("RESULT ") :])


def _dropdb(name):
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=False, capture_output=True)


@pytest.fixture(scope="session")
def template_database():
    name = os.environ.get("REGUA_PROCESS_TEMPLATE_DB")
    owned = not name
    if owned:
        name = f"regua_process_template_{os.getpid()}"
        odoo_once(name, "-i", ",".join(ADDONS), "--without-demo=all")
    try:
        OdooDatabase(name).call("prepare")
        yield name
    finally:
        if owned:
            _dropdb(name)


@pytest.fixture
def odoo_database(template_database):
    name = f"{template_database}_{next(_counter)}"
    subprocess.run(["createdb", "-T", template_database, name], check=True)
    try:
        yield OdooDatabase(name)
    finally:
        _dropdb(name)


@pytest.fixture(scope="session")
def reference(template_database):
    """The outcome of one worker alone, on its own copy of the template."""
    name = f"{template_database}_reference"
    subprocess.run(["createdb", "-T", template_database, name], check=True)
    try:
        database = OdooDatabase(name)
        database.call("dunning_run", batch_size=5)
        outcome = database.call("dunning_outcome")
    finally:
        _dropdb(name)
    # The data really exercises the régua: every channel, and no one left due.
    channels = {row[3] for row in outcome["events"]}
    assert {"email", "sms", "call", "letter"} <= channels, channels
    assert outcome["still_due"] == 0
    return outcome
