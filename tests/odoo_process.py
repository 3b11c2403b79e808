#!/usr/bin/env python3
"""Run one function of ``scenarios.py`` in a real Odoo process.

    odoo_process.py DATABASE FUNCTION [JSON-KWARGS]

The process loads its own registry, opens its own PostgreSQL connections and
commits like a cron worker does (it is not in Odoo's test mode), so the tests in
this folder can start several at once, kill one with SIGKILL, and look at what
each left in the database. The function's JSON result is printed on the last
line, after ``RESULT``.
"""

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "scripts")]

from odoo_helpers import addons_path  # noqa: E402


def main():
    database, function = sys.argv[1:3]
    kwargs = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    import odoo

    options = [f"--addons-path={addons_path()}", "-d", database, "--log-level=warn"]
    if os.environ.get("REGUA_ODOO_DATA_DIR"):
        options.append(f"--data-dir={os.environ['REGUA_ODOO_DATA_DIR']}")
    odoo.tools.config.parse_config(options)
    import scenarios

    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        result = getattr(scenarios, function)(env, **kwargs)
        cr.commit()
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
