"""A call's script written for one customer: the texts of a voice script
with their placeholders filled.

Placeholders are names in braces: ``{company}``, ``{customer}``,
``{first_name}``, ``{amount}`` (in words), ``{due_date}`` (in words),
``{count}`` (installments), ``{callback}`` (the number to call back, read
digit by digit). Anything else in braces (an unknown name, an attribute, a
format) is refused with the text's name, so a script that would fail on the
line fails when it is saved or rendered instead.
"""

import string

PLACEHOLDERS = ("company", "customer", "first_name", "amount", "due_date", "count", "callback")
# Texts spoken before the person confirms who they are: the debt is not named.
BEFORE_CONFIRMATION = (
    "greeting",
    "machine",
    "other_person",
    "goodbye",
    "single_step",
    "single_step_callback",
)
DEBT_PLACEHOLDERS = ("amount", "due_date", "count")


class ScriptError(ValueError):
    def __init__(self, text, problem, name=""):
        super().__init__(f"{text}: {problem} {name}".strip())
        self.text = text  # which of the script's texts
        self.problem = problem  # "unknown", "debt_before_confirmation" or "syntax"
        self.name = name


def placeholders(text):
    """The placeholder names ``text`` uses; ScriptError when one is not ours."""
    names = []
    try:
        parsed = list(string.Formatter().parse(text or ""))
    except ValueError as error:
        raise ScriptError("", "syntax", str(error)) from error
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise ScriptError("", "unknown", "{" + name + "}")
        names.append(name)
    return names


def check(texts):
    """Refuse a script whose texts use unknown placeholders, or speak of the
    debt before the person confirmed who they are (CDC art. 42)."""
    for key, text in texts.items():
        try:
            names = placeholders(text)
        except ScriptError as error:
            raise ScriptError(key, error.problem, error.name) from error
        if key in BEFORE_CONFIRMATION:
            spoken = [name for name in names if name in DEBT_PLACEHOLDERS]
            if spoken:
                raise ScriptError(key, "debt_before_confirmation", "{" + spoken[0] + "}")


def render(texts, values):
    """``texts`` ({key: text}) with ``values`` filled in; ScriptError as ``check``."""
    check(texts)
    safe = {name: str(values.get(name, "")) for name in PLACEHOLDERS}
    return {key: (text or "").format_map(safe) for key, text in texts.items()}
