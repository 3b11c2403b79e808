"""Lets the add-ons' plain-Python rules be imported and tested without Odoo.

Each add-on keeps its database-free rules in ``<addon>/tools`` (no Odoo import
there). Importing ``sms_gateway.tools.x`` would normally execute
``sms_gateway/__init__.py`` first, which imports the Odoo models; registering the
add-on directory as a bare package skips that, so the plain tests run on a
machine without Odoo. Under pytest-odoo the same tests are imported as
``odoo.addons.<addon>.tools.tests...`` and this stub is never used.
"""

import os
import sys
import types
from pathlib import Path

for _manifest in Path(__file__).parent.glob("*/__manifest__.py"):
    _name = _manifest.parent.name
    if _name not in sys.modules:
        _package = types.ModuleType(_name)
        _package.__path__ = [str(_manifest.parent)]
        sys.modules[_name] = _package

# Property-based tests (hypothesis): a bounded number of examples so the suite
# stays within CI's time, no example database written into the checkout, no
# deadline (a real HTTP round trip to Odoo varies). REGUA_HYPOTHESIS=thorough
# explores ten times more, for a run before a release.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=1500)
settings.load_profile(os.environ.get("REGUA_HYPOTHESIS", "ci"))
