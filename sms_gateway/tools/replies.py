"""Inbound replies: is this an opt-out? Is it one seen before?"""

import hashlib
import re
import unicodedata
from datetime import timedelta

from markupsafe import Markup, escape

DEFAULT_OPT_OUT_KEYWORDS = ("SAIR", "PARAR", "PARE", "STOP", "CANCELAR", "DESCADASTRAR")


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain).strip().casefold()


def parse_keywords(value):
    """Keywords typed in the gateway form ("SAIR, PARAR PARE") as a set."""
    return {_fold(word) for word in re.split(r"[\s,;]+", value or "") if word.strip()}


def is_opt_out(text, keywords):
    """True when the whole reply is one opt-out keyword.

    Case, accents, surrounding spaces and trailing punctuation do not matter
    ("Sair.", "pare!", " STOP "); a longer sentence is not an opt-out and goes
    to a person instead.
    """
    folded = re.sub(r"[\s\.\,\!\?\;\:\-]+$", "", _fold(text))
    folded = re.sub(r"^[\s\.\,\!\?\;\:\-]+", "", folded)
    folded_keywords = {_fold(k) for k in keywords}
    return bool(folded) and folded in folded_keywords


# An inbound SMS without the provider's id, from the same number with the same
# text within this time, is the same SMS delivered again (a webhook retried).
SAME_INBOUND_WITHIN = timedelta(minutes=10)


def inbound_keys(number, text, sent_at="", at=None):
    """The keys an inbound SMS without the provider's id is recognised by when
    its webhook is delivered again: ``(key, earlier_key)``.

    With the provider's timestamp (``sent_at``), the number, text and
    timestamp are the SMS: ``earlier_key`` is None. Without it, the same text
    from the same number within ``SAME_INBOUND_WITHIN`` of ``at`` (a naive
    UTC datetime) is the same SMS: ``key`` names the period of ``at`` and
    ``earlier_key`` the period before, where a copy received less than
    ``SAME_INBOUND_WITHIN`` ago may be recorded."""
    digest = hashlib.sha256(
        "\x1f".join((number or "", text or "", sent_at or "")).encode()
    ).hexdigest()
    if sent_at:
        return f"same:{digest}", None
    period = int((at - at.min).total_seconds() // SAME_INBOUND_WITHIN.total_seconds())
    return f"same:{digest}:{period}", f"same:{digest}:{period - 1}"


def as_note(text):
    """A person's words (a reply, what a customer typed on a page, or a
    sentence quoting them) as the HTML of a to-do: every character as typed
    ("<modelo X200>", "R$ 10 < R$ 12 & ok"), its line breaks kept, nothing
    made a tag or a live link. Odoo reads a plain string given to an HTML
    field as HTML: the words between "<" and ">" would vanish, a link typed
    would be live in the team's to-do. Markup (ours) is kept as it is."""
    if isinstance(text, Markup):
        return text
    return Markup("<br>").join(escape(line) for line in (text or "").splitlines())
