# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The address of a provider's API an administrator types (an SMS, WhatsApp
or voice provider, a bank): refused when saved if nothing could reach it,
instead of every message failing later."""

from urllib.parse import urlsplit


def url_is_usable(url):
    """An address an API can be reached at: http(s) with a host."""
    parts = urlsplit((url or "").strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)
