"""sms_gateway's plain rules, shared by voice calls: the provider base class with
its failure policy, parallel dispatch, rate limiter, retry delays and phone
numbers.

Imported as ``odoo.addons.sms_gateway`` under Odoo, as the bare package
``sms_gateway`` in the plain tests (see the repository's conftest.py).
"""

try:
    from odoo.addons.sms_gateway.tools import phone, providers
except ImportError:  # plain tests: no Odoo
    from sms_gateway.tools import phone, providers

__all__ = ["phone", "providers"]
