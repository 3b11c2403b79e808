"""A template's parameters as WhatsApp accepts them, and its text as sent.

Meta (and the providers on top of it) refuse a body parameter that is empty,
holds a new line or a tab, or more than four spaces in a row; a parameter is
at most 1,024 characters. ``clean`` makes a rendered value acceptable where
it can (spaces folded) and says why where it cannot (empty).
"""

import re

MAX_PARAMETER = 1024
_SPACES = re.compile(r"[\s\u00a0]+")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


class ParameterError(ValueError):
    """A rendered value WhatsApp would refuse: ``name`` says which one."""

    def __init__(self, name, problem):
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


EMPTY = "empty"
TOO_LONG = "too_long"


def clean(name, value):
    """``value`` as one WhatsApp parameter: whitespace folded to single spaces."""
    text = _SPACES.sub(" ", str(value if value not in (None, False) else "")).strip()
    if not text:
        raise ParameterError(name, EMPTY)
    if len(text) > MAX_PARAMETER:
        raise ParameterError(name, TOO_LONG)
    return text


def placeholders(body):
    """The placeholder names of a template's text, in order, each once."""
    seen = []
    for name in _PLACEHOLDER.findall(body or ""):
        if name not in seen:
            seen.append(name)
    return seen


def fill(body, params):
    """The template's text with its placeholders replaced ({name: value}); an
    unknown placeholder stays as written."""
    values = dict(params)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body or "")
