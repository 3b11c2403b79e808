"""Write ``l10n_br_dunning/data/shipped_templates.json``: the fingerprint of
every text each version of the add-on shipped in its e-mail and SMS templates,
in English and in Brazilian Portuguese, read from this repository's history
and the work tree. An upgrade rewrites a template only while its texts are
among these (``l10n_br_dunning/tools/shipped.py``, ``upgrade.py``).

Run it after changing a shipped template or its translation:

    python3 scripts/shipped_templates.py

``test_shipped_templates`` fails while a new install holds a text the file
does not know.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = "l10n_br_dunning"
sys.path.insert(0, str(ROOT / ADDON / "tools"))
from shipped import PO_PT_BR, TEMPLATE_FILES, version_fingerprints  # noqa: E402

OUTPUT = ROOT / ADDON / "data" / "shipped_templates.json"


def git_read(revision):
    def read(path):
        result = subprocess.run(
            ["git", "show", f"{revision}:{ADDON}/{path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout if result.returncode == 0 else None

    return read


def tree_read(path):
    file = ROOT / ADDON / path
    return file.read_text(encoding="utf-8") if file.exists() else None


def collect():
    paths = [f"{ADDON}/{path}" for path in [*TEMPLATE_FILES, PO_PT_BR]]
    revisions = subprocess.run(
        ["git", "log", "--format=%H", "--", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    shipped = {}
    versions = []
    for read in [tree_read, *(git_read(revision) for revision in revisions)]:
        version = version_fingerprints(ADDON, read)
        versions.append(version)
        for xmlid, fields in version.items():
            for field, langs in fields.items():
                for lang, digest in langs.items():
                    known = shipped.setdefault(xmlid, {}).setdefault(field, {})
                    known = known.setdefault(lang, [])
                    if digest not in known:
                        known.append(digest)
    # A field a version of a template did not set (a layout given later) was
    # empty in the databases that version installed: an untouched template.
    for version in versions:
        for xmlid, fields in version.items():
            for field, langs in shipped[xmlid].items():
                if field in fields:
                    continue
                for known in langs.values():
                    if "" not in known:
                        known.append("")
    return shipped


def main():
    shipped = collect()
    OUTPUT.write_text(json.dumps(shipped, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    most = max(
        len(known)
        for fields in shipped.values()
        for langs in fields.values()
        for known in langs.values()
    )
    print(f"{OUTPUT.relative_to(ROOT)}: {len(shipped)} templates, up to {most} wordings of a text")


if __name__ == "__main__":
    main()
