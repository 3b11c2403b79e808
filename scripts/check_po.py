"""Every add-on's ``i18n/pt_BR.po`` is complete: each entry of its ``.pot`` is
translated, nothing is fuzzy, and Odoo can load it (each entry names its
module). Run by ``make test`` (static checks)."""

import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def damaged(path):
    """An entry a merge left without its msgstr is read by polib as part of
    the next one (its msgid lost): every ``msgid`` line must start an entry."""
    text = Path(path).read_text(encoding="utf-8")
    msgids = len(re.findall(r"^msgid ", text, re.MULTILINE))
    entries = len(polib.pofile(text)) + 1  # and the header
    if msgids != entries:
        yield f"damaged: {msgids} msgid lines, {entries} entries read (a msgstr missing?)"
    seen = set()
    for entry in polib.pofile(text):
        # One entry per message: msgfmt (and translators' tools) refuse a file
        # defining one twice; a new reference joins the existing entry.
        key = (entry.msgctxt, entry.msgid)
        if key in seen and not entry.obsolete:
            yield f"defined twice: {entry.msgid[:60]!r}"
        seen.add(key)
        # Odoo's reader (tools/translate.py PoFileReader) fails on an entry
        # without "#. module: <name>": the whole file, so every term of the
        # add-on, would stay untranslated for the customers.
        if not entry.obsolete and not re.match(r"modules?: \w+", entry.comment or ""):
            yield f"no '#. module:' line (Odoo cannot load the file): {entry.msgid[:60]!r}"
        for where, line in entry.occurrences:
            # ... nor on a code reference without its line ("...py:0").
            if where.startswith("code:") and not line:
                yield f"{where!r} without ':0' (Odoo cannot load the file): {entry.msgid[:60]!r}"


def problems(addon):
    pot_path = addon / "i18n" / f"{addon.name}.pot"
    po_path = addon / "i18n" / "pt_BR.po"
    yield from damaged(pot_path)
    yield from damaged(po_path)
    pot = polib.pofile(str(pot_path))
    po = polib.pofile(str(po_path))
    translated = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    for entry in pot:
        found = translated.get((entry.msgctxt, entry.msgid))
        if found is None or not found.msgstr:
            yield f"untranslated: {entry.msgid[:70]!r}"
        elif "fuzzy" in found.flags:
            yield f"fuzzy: {entry.msgid[:70]!r}"


def main():
    failed = False
    for manifest in sorted(ROOT.glob("*/__manifest__.py")):
        addon = manifest.parent
        if not (addon / "i18n").is_dir():
            print(f"{addon.name}: no i18n/ folder")
            failed = True
            continue
        found = list(problems(addon))
        for problem in found:
            print(f"{addon.name}/i18n/pt_BR.po: {problem}")
        failed |= bool(found)
        if not found:
            print(f"ok: {addon.name}/i18n/pt_BR.po complete")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
