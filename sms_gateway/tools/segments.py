"""How many SMS segments a text costs, and how to make it cheaper.

An SMS carries 140 bytes: 160 GSM-7 septets or 70 UCS-2 characters. Longer texts
are split into concatenated segments whose header leaves 153 septets or 67 UCS-2
units each. GSM 03.38 characters of the extension table (``{}[]~|^\\€``) cost
two septets, and one character outside GSM-7 (``ã``, ``õ``, ``ç``, emoji…) turns
the whole message into UCS-2. The GSM-7 table comes from the ``gsm0338`` codec.
"""

import functools
import unicodedata
from dataclasses import dataclass

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

GSM7 = "gsm7"
UCS2 = "ucs2"
SINGLE_LIMIT = {GSM7: 160, UCS2: 70}
MULTI_LIMIT = {GSM7: 153, UCS2: 67}

# Typographic characters that word processors and templates introduce, with the
# GSM-7 text that says the same thing.
_TRANSLITERATIONS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2022": "-",
    "\u00ba": "o",
    "\u00aa": "a",
    "\u00b4": "'",
    "`": "'",
}


@dataclass(frozen=True)
class SegmentInfo:
    encoding: str
    characters: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int

    @property
    def per_segment(self):
        return SINGLE_LIMIT[self.encoding] if self.segments <= 1 else MULTI_LIMIT[self.encoding]


@functools.lru_cache(maxsize=4096)
def gsm7_septets(char):
    """Septets ``char`` costs in GSM-7 (1 or 2), or None when it is not GSM-7.
    Remembered per character: every SMS of a run measures the same few dozen."""
    try:
        return len(char.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def is_gsm7(text):
    return all(gsm7_septets(char) is not None for char in text)


def _units(text):
    """Cost of each character, in the encoding the whole text needs."""
    septets = [gsm7_septets(char) for char in text]
    if None not in septets:
        return GSM7, septets
    return UCS2, [len(char.encode("utf-16-le")) // 2 for char in text]


def _count_segments(units, encoding):
    total = sum(units)
    if total <= SINGLE_LIMIT[encoding]:
        return 1 if total else 0
    # Fill segments greedily: an escape pair (GSM-7) or a surrogate pair (UCS-2)
    # is never split across two segments, so a segment may hold one unit less.
    limit, segments, used = MULTI_LIMIT[encoding], 1, 0
    for cost in units:
        if used + cost > limit:
            segments += 1
            used = 0
        used += cost
    return segments


def segment_info(text):
    """Encoding, characters, units and segments of ``text`` as a phone counts them."""
    text = text or ""
    encoding, units = _units(text)
    return SegmentInfo(encoding, len(text), sum(units), _count_segments(units, encoding))


def transliterate(text):
    """Rewrite ``text`` with GSM-7 characters only, keeping it readable.

    Accents that GSM-7 has (é, è, à, ü, ñ, Ç…) stay; the others lose their accent
    (ã -> a, ç -> c, ô -> o); typographic quotes and dashes become ASCII; a tab is
    a space. What has no sensible equivalent becomes "?". Text whose accents are
    separate marks (NFD, as macOS pastes it: "a" + U+0303) is composed first, and
    a mark left over (on a letter that has no composed form) is dropped.
    """
    result = []
    for char in unicodedata.normalize("NFC", text or ""):
        if unicodedata.combining(char):
            continue
        if char == "\t":
            result.append(" ")
            continue
        if gsm7_septets(char) is not None:
            result.append(char)
            continue
        if char in _TRANSLITERATIONS:
            result.append(_TRANSLITERATIONS[char])
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        if stripped and is_gsm7(stripped):
            result.append(stripped)
        else:
            result.append("?")
    return "".join(result)


def unwritable(text):
    """The characters of ``text`` an SMS cannot carry even transliterated
    (emoji, symbols, other scripts): each would arrive as "?"."""
    return "".join(
        dict.fromkeys(
            char
            for char in unicodedata.normalize("NFC", text or "")
            if char != "?" and transliterate(char) == "?"
        )
    )
