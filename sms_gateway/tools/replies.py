"""Inbound replies: is this an opt-out?"""

import re
import unicodedata

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
