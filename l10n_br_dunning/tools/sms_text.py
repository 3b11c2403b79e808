"""The small pieces of a régua SMS that must fit one segment (seed 000: at most
140 characters): the company's short sender name and the vocative.

A registered name ("Papelaria Aurora Comércio de Materiais de Escritório
Ltda") is too long for an SMS: the sender name drops the legal suffix and cuts
at a word, at most 20 characters. People are addressed by their first name
("Maria, "); companies are not addressed at all ("Olá Distribuidora" reads
wrong), nor are people whose first name is too long for the budget.
"""

import re
import unicodedata

SENDER_MAX = 20
VOCATIVE_MAX = 10  # characters of a first name the texts' budget allows
# The worst case the texts are written for (BRIEF: SMS size), besides the sender.
WORST_FIRST_NAME = "Alessandra"
WORST_AMOUNT = 123456.78
WORST_COUNT = 12  # installments of a grouped message
LINK_TOKEN_LENGTH = 12  # secrets.token_urlsafe(9): the /c/<token> of a short link
# Legal forms that close a Brazilian company name.
_LEGAL_SUFFIX = re.compile(
    r"[\s,.-]*\b(ltda|limitada|s\.?\s?/?\s?a|me|epp|eireli|mei|ss|cia)\.?\s*$", re.IGNORECASE
)
# The branch a registered name ends with ("LTDA EPP - FILIAL 02", "S/A
# (Filial 3)", "- MATRIZ"): the establishment, not how the company is called.
_BRANCH = re.compile(r"[\s,.(/-]*\b(?:filial|matriz)\b.*$", re.IGNORECASE)
# Words a cut name must not end on.
_DANGLING = {"de", "da", "do", "das", "dos", "e", "&", "-", "a", "o"}


def without_suffix(name):
    """A company's name without its legal suffix nor the connector the suffix
    leaves ("Silva & Cia Ltda": "Silva"), its spaces collapsed; the name
    itself when nothing else is left. A customer's branch goes in
    ``addressed_name``; the company's own name keeps its branch ("Aurora
    Filial Rio": which of the group's companies writes)."""
    text = re.sub(r"\s+", " ", name or "").strip()
    previous = None
    while text and text != previous:
        previous = text
        text = _LEGAL_SUFFIX.sub("", text).strip()
        # "Silva & Cia" is "Silva &" without its suffix: "Silva".
        words = text.split(" ")
        while len(words) > 1 and words[-1].lower() in _DANGLING:
            words.pop()
        text = " ".join(words).rstrip(" ,;:-&")
    return text or re.sub(r"\s+", " ", name or "").strip()


def short_sender(name, limit=SENDER_MAX):
    """The company's name as an SMS sender: its words (markup, emoji and
    quotes left out, as ``clean_name`` cleans any name: no SMS carries an
    emoji), no legal suffix, at most ``limit`` characters, cut at a word and
    never on "de", "e"..."""
    text = without_suffix(clean_name(name) or name)
    if len(text) <= limit:
        return text
    words, kept = text.split(" "), []
    for word in words:
        if len(" ".join([*kept, word])) > limit:
            break
        kept.append(word)
    while kept and kept[-1].lower() in _DANGLING:
        kept.pop()
    return " ".join(kept) if kept else text[:limit].strip()


# Markup typed into a name ("<b>Silva</b>", "<script>...</script>"): the
# tags of HTML, and what a script or a style element holds.
_MARKUP = re.compile(
    r"<(script|style)\b[^>]*>.*?</\1\s*>|</?(?:a|b|i|u|s|em|strong|small|big|sub|sup|span|div|p"
    r"|br|hr|img|font|center|h[1-6]|ul|ol|li|table|tr|td|th|iframe|svg|object|embed|style"
    r"|script|link|meta|body|html|head|title|input|button|form|marquee|blink)\b[^<>]*>",
    re.IGNORECASE | re.DOTALL,
)
# The punctuation a name is written with ("D'Ávila", "Ana-Maria", "Cia.",
# "Silva & Filhos", "Ferreira, Costa"); anything else that is not a letter, a
# mark or a digit (emoji, symbols, quotes, brackets) is no part of a name.
_NAME_PUNCTUATION = frozenset("'’ʼ-.&,/")
# Small words of a Portuguese name written in small letters ("José da Silva").
_PARTICLES = frozenset({"da", "das", "de", "do", "dos", "e", "di", "du", "del", "van", "von"})


def _name_case(text):
    """``text`` as a name is written when it was typed all in capitals or all
    in small letters ("JOSÉ DA SILVA", "josé da silva": "José da Silva"); in
    its own case otherwise."""
    if not (text.isupper() or text.islower()):
        return text
    words = text.lower().split(" ")
    return " ".join(
        word if index and word in _PARTICLES else word.title() for index, word in enumerate(words)
    )


def _name_words(name, keep=""):
    """The words of ``name`` (accents composed, markup left out) made of a
    name's own characters: letters, marks, digits, ``_NAME_PUNCTUATION`` and
    ``keep``; anything else (emoji, symbols, quotes) parts words, an
    invisible character (a zero-width space or joiner) is dropped."""
    text = _MARKUP.sub(" ", unicodedata.normalize("NFC", name or ""))
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LMN" or ch in _NAME_PUNCTUATION or ch in keep:
            kept.append(ch)
        elif category != "Cf":
            kept.append(" ")
    words = "".join(kept).split()
    return [word for word in words if any(ch.isalnum() for ch in word) or word == "&"]


def clean_name(name):
    """A name as a message writes or says it: accents composed, markup and
    whatever is not part of a name (emoji, symbols, quotes, brackets other
    than parentheses, invisible characters) left out, spaces folded and trimmed, and written
    as a name unless typed all in capitals or small letters (``_name_case``):
    "   Pedro Álvares Cabral   " is "Pedro Álvares Cabral", "Ana 😀 Beatriz"
    "Ana Beatriz", "JOSÉ DA SILVA" "José da Silva"; "" when nothing is left."""
    return _name_case(" ".join(_name_words(name, keep="()")).strip(" &,-/"))


def spoken_name(name):
    """A company's name as messages say it: without its legal suffix
    ("Ltda.", "- ME", "& Cia"), cleaned as ``clean_name`` cleans any name
    ("IRMÃOS D'ÁVILA & CIA. LTDA.": "Irmãos D'Ávila")."""
    return clean_name(without_suffix(name))


# A number typed in a name's place or beside it ("12.345.678/0001-90",
# "MARIA DA SILVA - CPF 123.456.789-01"), with the word that labels it: a tax
# id or a phone is no part of a name, and a message must not print it nor a
# call read it out to whoever answers (LGPD). Eight digits or more.
_DOCUMENT = re.compile(
    r"(?:\b(?:cpf|cnpj)(?:\s*/\s*(?:cpf|cnpj))?\b\s*(?:n[º°o]\.?\s*)?[:.]?\s*)?(\d[\d./-]*\d)",
    re.IGNORECASE,
)
_DOCUMENT_DIGITS = 8
# What an old ERP writes where no one's name was typed (a sale to "Consumidor
# final"): no one is called by it. Compared without accents nor case.
NOT_NAMES = frozenset(
    {
        "cliente",
        "clientes",
        "cliente final",
        "cliente padrao",
        "cliente avulso",
        "cliente balcao",
        "cliente diversos",
        "clientes diversos",
        "cliente nao identificado",
        "cliente generico",
        "consumidor",
        "consumidor final",
        "consumidor nao identificado",
        "diversos",
        "nao identificado",
        "nao informado",
        "sem nome",
        "a definir",
        "balcao",
        "venda balcao",
    }
)


def _without_documents(name):
    """``name`` without the tax ids and phone numbers typed in it."""

    def drop(match):
        digits = sum(ch.isdigit() for ch in match.group(1))
        return " " if digits >= _DOCUMENT_DIGITS else match.group(0)

    return _DOCUMENT.sub(drop, name or "")


def _is_a_name(text):
    """Whether a cleaned ``text`` is someone's name: it has a letter, and it is
    not a placeholder (``NOT_NAMES``)."""
    if not any(ch.isalpha() for ch in text):
        return False
    folded = "".join(
        ch for ch in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(ch)
    )
    return " ".join(folded.split()) not in NOT_NAMES


# The legal forms that close only a company's name: a record an old ERP
# imported without "is a company" ("PAPELARIA AURORA LTDA - ME") is still
# addressed as a company. Not "SA" without a dot or slash: Sá is a surname.
_COMPANY_FORM = re.compile(
    r"\b(?:ltda|limitada|eireli|epp|me|mei|cia|s\.\s?a|s\s?/\s?a)\.?$", re.IGNORECASE
)


def is_company_name(name, is_company=False):
    """Whether ``name`` is addressed as a company's: the record says so, or
    the name (its branch and a tax id left out) ends with a legal form."""
    if is_company:
        return True
    text = re.sub(r"\s+", " ", _without_documents(name)).strip()
    text = (_BRANCH.sub("", text).strip() or text).rstrip(" ,;:-()")
    return bool(_COMPANY_FORM.search(text))


def called_name(name, is_company):
    """The word a message calls a person by (``first_name``: "Maria"); ""
    for a company (``is_company_name``), which is called by its
    ``addressed_name``, never by its first word ("Papelaria")."""
    return "" if is_company_name(name, is_company) else first_name(name)


def addressed_name(name, is_company):
    """How a message names the customer (the greeting of e-mails, letters,
    WhatsApp and calls): a company by ``spoken_name``, a person by
    ``clean_name``, in both without a tax id or a phone typed in the name;
    "" when that leaves no one's name (a CPF or CNPJ alone, "Consumidor
    final", "Cliente", emoji alone): the caller greets without a name."""
    text = _without_documents(name)
    if is_company_name(text, is_company):
        # Its branch ("... LTDA EPP - FILIAL 02") is the establishment, not how
        # the customer is called.
        text = spoken_name(_BRANCH.sub("", text).strip() or text)
    else:
        text = clean_name(text)
    return text if _is_a_name(text) else ""


# Titles written before a name ("Sr. João", "Dra. Ana"): no one is called by them.
TITLES = frozenset(
    "sr sra srta srs sras dr dra drs dras prof profa profs sr(a) sr/a sr/sra dr(a) dona dom d "
    "exmo exma ilmo ilma eng enga arq pe padre frei irma mr mrs ms".split()
)


def _title_key(word):
    """A word as the titles list spells it: "Sr(a)." "sr(a)", "Dr.ª" "dra",
    "Srª" "sra", "Irmã" "irma"."""
    word = unicodedata.normalize("NFC", word).strip(",.;:!?\"'").casefold()
    word = word.replace(".", "").replace("ª", "a").replace("º", "o").replace("ã", "a")
    return word


def first_name(name):
    """The word a person is called by: the first word of the name with a
    letter in it (an emoji or a symbol before it is no name; a title such as
    "Sr." or "Dra." neither), in its own case unless typed all in capitals or
    all in small letters ("MARIA SOUZA", "maria souza": "Maria"); "" when there
    is none (a tax id, "Consumidor final": ``addressed_name``). Accents typed
    as separate marks are composed first."""
    # Markup, emoji and symbols are no name (``clean_name``); brackets are
    # kept here for the titles typed with them ("Sr(a).").
    name = _without_documents(name)
    if not _is_a_name(clean_name(name)):
        return ""
    first = next(
        (
            word.strip(",.;:!?\"'()[]&-/")
            for word in _name_words(name, keep="()[]")
            if any(ch.isalpha() for ch in word) and _title_key(word) not in TITLES
        ),
        "",
    )
    if first.isupper() or first.islower():
        first = first.title()
    return first


def vocative(name, is_company, limit=VOCATIVE_MAX):
    """ "Maria, " for a person (``called_name``); "" for a company (also one
    imported as a person: ``is_company_name``), a name with no word to call,
    or a first name over ``limit``."""
    first = called_name(name, is_company)
    if not first or len(first) > limit:
        return ""
    return f"{first}, "


SMS_BUDGET = 140  # seed 000: "não podem ter mais do que 140 caracteres"
# How much a text may give up to fit: nothing, the vocative ("Maria, "), then
# the courtesy "if you have paid, ignore this" too. The amount, the link, the
# company and how to stop SMS always stay.
TRIM_NONE, TRIM_VOCATIVE, TRIM_COURTESY = 0, 1, 2


# Marks around the optional parts of a rendered text (Unicode private-use
# characters, which no message contains): one rendering with its optional
# parts marked gives the text at every trim level (``trimmed``).
_MARKS = {TRIM_VOCATIVE: ("\ue000", "\ue001"), TRIM_COURTESY: ("\ue002", "\ue003")}
_MARKED = {level: re.compile(f"{start}[^{end}]*{end}") for level, (start, end) in _MARKS.items()}
_ANY_MARK = re.compile("[\ue000-\ue003]")


def mark_optional(text, level):
    """``text``, an optional part given up at trim ``level``, marked as such."""
    start, end = _MARKS[level]
    return f"{start}{text}{end}" if text else ""


def trimmed(marked, level):
    """A rendering whose optional parts are marked (``mark_optional``), as the
    text reads at trim ``level``: the parts given up at that level or before
    removed, the marks gone. A text without marks reads the same at every level."""
    for part, pattern in _MARKED.items():
        if part <= level:
            marked = pattern.sub("", marked)
    return _ANY_MARK.sub("", marked)


def fit(render, measure, budget=SMS_BUDGET):
    """(text, trim level) of the first rendering ``render(level)`` whose
    ``measure`` is within ``budget``, giving up the optional parts in order;
    the shortest when none fits (the Settings say so)."""
    text = None
    for level in (TRIM_NONE, TRIM_VOCATIVE, TRIM_COURTESY):
        text = render(level)
        if measure(text) <= budget:
            return text, level
    return text, TRIM_COURTESY
