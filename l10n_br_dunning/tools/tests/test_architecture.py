# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One home for each rule (README: "Where each rule lives"), read from the
source without Odoo: the table names real definitions, a rule's words are not
spelled again outside its home, and no add-on's imports make a circle (a
deferred import inside a function counts: it hides a circle, it does not
break it)."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
OUR_ADDONS = sorted(path.parent for path in ROOT.glob("*/__manifest__.py"))

# A rule's words, and the one file allowed to spell them.
RESTATED = [
    (
        "a list of payment states",
        re.compile(r"""['"](paid|not_paid)['"]\s*,\s*['"](in_payment|partial)['"]"""),
        "l10n_br_dunning/tools/payment_states.py",
    ),
    (
        "the documents the régua reminds",
        re.compile(r"""['"]out_invoice['"]\s*,\s*['"]out_receipt['"]"""),
        "l10n_br_dunning/tools/payment_states.py",
    ),
    (
        "a payment state compared in SQL (call account_move.paid_by_customer)",
        re.compile(r"""payment_state IN """),
        "l10n_br_dunning/models/account_move.py",
    ),
    (
        "a payment state compared in a view",
        re.compile(r"""payment_state\s+(not\s+)?in\s*\("""),
        None,
    ),
    (
        "one payment state compared (call tools/payment_states.py; extend Odoo's view "
        "conditions with add=, do not spell them again)",
        re.compile(r"""payment_state\s*[!=]=\s*['"]"""),
        None,
    ),
    (
        "the renegotiated-invoice query",
        re.compile(r"""^(RENEGOTIATED_MOVES\s*=|def settled_by_agreement)""", re.M),
        "l10n_br_dunning/models/account_move.py",
    ),
    (
        "the window's next opening composed again (call PlanningContext.next_allowed)",
        re.compile(r"""(?<!context)\.next_allowed\("""),
        (
            "l10n_br_dunning/models/dunning_context.py",
            "l10n_br_dunning/models/account_move_line.py",  # the planner itself
            "l10n_br_dunning/tools/business_calendar.py",
        ),
    ),
    (
        "an e-mail address judged by an '@' (call res.company._dunning_email_from)",
        re.compile(r"""POSITION\('@'"""),
        None,
    ),
    (
        "the effective due date spelled in SQL (call account_move_line.effective_due)",
        re.compile(r"""COALESCE\(\s*\w+\.dunning_due_effective"""),
        None,
    ),
    (
        "an open document spelled in SQL (call account_move.open_document)",
        re.compile(r"""= 'posted' AND %s IN %s"""),
        "l10n_br_dunning/models/account_move.py",
    ),
    (
        "who handles a collection chosen again (call res.partner._dunning_collections_user)",
        re.compile(r"""dunning_collector_id\s+or\b|\bor\s+[\w.]*dunning_collector_id"""),
        None,
    ),
    (
        "the SMS sender spelled again (call res.partner._dunning_sms_sender)",
        re.compile(r"""dunning_sms_sender\s+or\s+[\w.]*name\b"""),
        None,
    ),
    (
        "installments grouped per customer again (call account.move.line._dunning_by_customer)",
        re.compile(r"""commercial_partner_id,\s*\w+\.company_id\)"""),
        "l10n_br_dunning/models/account_move_line.py",
    ),
    (
        "a copy of the reminded document types",
        re.compile(r"""^\s*(DUNNED|DUNNED_MOVE_TYPES)\s*=""", re.M),
        "l10n_br_dunning/tools/payment_states.py",
    ),
]


def _sources():
    for addon in OUR_ADDONS:
        for path in sorted(addon.rglob("*")):
            if path.suffix not in (".py", ".xml") or "tests" in path.parts:
                continue
            yield path


def _where_each_rule_lives():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Where each rule lives", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (.+?) \| `([^`]+)` \| `([^`]+)` \|$", section, re.M)
    return rows


def test_the_readme_table_names_real_homes():
    rows = _where_each_rule_lives()
    assert len(rows) >= 10
    for rule, file, name in rows:
        path = ROOT / file
        assert path.exists(), f"{rule}: {file} does not exist"
        text = path.read_text(encoding="utf-8")
        defined = re.search(
            rf"^\s*(def {re.escape(name)}\b|class {re.escape(name)}\b|{re.escape(name)}\s*=)",
            text,
            re.M,
        )
        assert defined, f"{rule}: {name} is not defined in {file}"


def test_no_rule_is_spelled_outside_its_home():
    found = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        for rule, pattern, home in RESTATED:
            homes = home if isinstance(home, tuple) else (home,)
            if relative in homes:
                continue
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{relative}:{line}: {rule} ({home or 'a computed field'})")
    assert not found, "\n".join(found)


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path, modules):
    """The package's modules ``path`` imports, at any depth of the file (a
    deferred import inside a function hides a circle, it does not break it)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")
            base = base[: len(base) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in modules else target)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("odoo.addons."):
            target = node.module.removeprefix("odoo.addons.")
            found.add(target)
    return {module for module in found if module in modules and module != name}


@pytest.mark.parametrize("addon", [path.name for path in OUR_ADDONS])
def test_the_imports_of_an_addon_make_no_circle(addon):
    files = {
        _module_name(path): path
        for path in (ROOT / addon).rglob("*.py")
        if "tests" not in path.parts
    }
    graph = {name: _imports(path, files) for name, path in files.items()}
    # Package __init__ files only gather their modules: a module importing a
    # sibling through them is not a circle.
    graph = {
        name: {target for target in targets if not files[target].name == "__init__.py"}
        for name, targets in graph.items()
        if files[name].name != "__init__.py"
    }
    visiting, done, circles = [], set(), []

    def visit(name):
        if name in done:
            return
        if name in visiting:
            circles.append(visiting[visiting.index(name) :] + [name])
            return
        visiting.append(name)
        for target in sorted(graph.get(name, ())):
            visit(target)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)
    assert not circles, "\n".join(" -> ".join(circle) for circle in circles)


def test_comments_point_to_readme_sections_that_exist():
    """A "(README: X)" in the code names a section of README.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = [
        line.lstrip("#").strip().lower() for line in readme.splitlines() if line.startswith("#")
    ]
    missing = []
    for path in [*_sources(), *ROOT.glob("*/tools/tests/*.py")]:
        if path.name == "test_architecture.py":
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"README: ([^,)\n]+)", text):
            section = match.group(1).strip().strip("\"'").lower()
            if not any(heading.startswith(section) for heading in headings):
                missing.append(f"{path.relative_to(ROOT)}: README: {match.group(1)}")
    assert not missing, "\n".join(missing)
