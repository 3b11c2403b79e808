"""sms_gateway's plain rules, shared by WhatsApp: the provider base class with its
failure policy, parallel dispatch, rate limiter, retry delays, phone numbers and
opt-out keywords.

Imported as ``odoo.addons.sms_gateway`` under Odoo, as the bare package
``sms_gateway`` in the plain tests (see the repository's conftest.py).
"""

try:
    from odoo.addons.sms_gateway.tools import phone, providers, replies
except ImportError:  # plain tests: no Odoo
    from sms_gateway.tools import phone, providers, replies

__all__ = ["phone", "providers", "replies"]
