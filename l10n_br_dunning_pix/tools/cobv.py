"""The charge with a due date (``cobv``, Pix API v2) one open installment becomes.

Everything here follows the Banco Central's specification (``openapi.yaml``
2.9.0): a txid of 26 to 35 letters and digits, chosen by the receiver and unique
for its CNPJ; amounts as ``\\d{1,10}\\.\\d{2}``; the debtor's CPF or CNPJ (the
alphanumeric CNPJ of 2026 included); texts cut to the schema's lengths. The fine
is percentual (modalidade 2) and at most 2 % (CDC art. 52 §1), the interest a
percentage per month over calendar days (modalidade 3, simple and pro rata die
as the régua computes it), both rounded down to the two decimals the API takes
(never above the contract's rate), the early-payment discount a fixed amount until its
date (modalidade 1 with ``descontoDataFixa``: the specification's ``desconto``
``oneOf`` rejects valid bodies of modalities 3 to 6, so they are never sent).
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

TXID_RE = re.compile(r"^[a-zA-Z0-9]{26,35}$")
E2EID_RE = re.compile(r"^[a-zA-Z0-9]{32}$")
MONEY_RE = re.compile(r"^\d{1,10}\.\d{2}$")
MAX_FINE_PERCENT = Decimal("2.00")
NAME_MAX = 200
PAYER_REQUEST_MAX = 140
INFO_NAME_MAX = 50
INFO_VALUE_MAX = 200

CENT = Decimal("0.01")
# A charge in a message must stay payable a few days after it arrives: a
# charge past its due date is replaced when fewer days than this are left
# (where the charges are payable long enough after their due date for that).
EXPIRY_MARGIN_DAYS = 3
# An installment's charges: generations 0 to 99 (two digits of the txid).
MAX_GENERATIONS = 100

# Weights of the CPF and CNPJ check digits (Receita Federal).
_CNPJ_WEIGHTS = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


class ChargeError(ValueError):
    """An installment that cannot become a Pix charge; ``code`` says why."""

    def __init__(self, code, detail=""):
        super().__init__(detail or code)
        self.code = code
        self.detail = detail or code


def money(value):
    """``value`` as the API's amount text (``"1234.50"``), rounded half up to the cent."""
    amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ChargeError("negative_amount", f"negative amount {amount}")
    text = f"{amount:.2f}"
    if not MONEY_RE.match(text):
        raise ChargeError("amount_too_large", f"amount {text} does not fit the Pix API")
    return text


def percent(value):
    """A rate as the API's ``valorPerc`` text (two decimals), rounded down:
    never above the contract's rate (0.5167 % a month is sent as "0.51")."""
    return money(Decimal(str(value)).quantize(CENT, rounding=ROUND_DOWN))


def parse_money(text):
    """The API's amount text as a Decimal; ValueError when it is not one."""
    if not isinstance(text, str) or not MONEY_RE.match(text):
        raise ValueError(f"not a Pix amount: {text!r}")
    return Decimal(text)


def make_txid(database_uuid, line_id, generation=0):
    """The txid of an installment's charge: the same for the same database,
    installment and generation (so a PUT that timed out is safely repeated),
    a new one when a removed charge must be replaced (``generation`` + 1).

    ``RG`` + the installment's id in 12 digits + the generation in 2 + 19
    letters and digits of a hash of all three and the database: 35 characters,
    readable by a person in the bank's statement and distinct between two
    databases (a test copy) that share the company's CNPJ.
    """
    if line_id <= 0 or not 0 <= generation < MAX_GENERATIONS:
        raise ChargeError("bad_txid_input", f"line {line_id}, generation {generation}")
    digest = hashlib.sha256(f"{database_uuid}:{line_id}:{generation}".encode()).hexdigest()
    txid = f"RG{line_id:012d}{generation:02d}{digest[:19]}"
    assert TXID_RE.match(txid), txid
    return txid


def _digits(text):
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()


def _check_digit(values, weights):
    total = sum(v * w for v, w in zip(values, weights, strict=False))
    rest = total % 11
    return 0 if rest < 2 else 11 - rest


def valid_cpf(cpf):
    if not re.fullmatch(r"\d{11}", cpf) or len(set(cpf)) == 1:
        return False
    numbers = [int(c) for c in cpf]
    first = _check_digit(numbers[:9], range(10, 1, -1))
    second = _check_digit(numbers[:10], range(11, 1, -1))
    return numbers[9] == first and numbers[10] == second


def valid_cnpj(cnpj):
    """A CNPJ of 14 characters: the numeric one and the alphanumeric one the
    Receita Federal issues from July 2026 (letters count as their ASCII code
    minus 48; the two check digits stay numeric)."""
    if not re.fullmatch(r"[0-9A-Z]{12}\d{2}", cnpj) or len(set(cnpj)) == 1:
        return False
    values = [ord(c) - 48 for c in cnpj]
    first = _check_digit(values[:12], _CNPJ_WEIGHTS[1:])
    second = _check_digit(values[:13], _CNPJ_WEIGHTS)
    return values[12] == first and values[13] == second


def _tax_id(clean):
    if len(clean) == 11 and valid_cpf(clean):
        return "cpf", clean
    if len(clean) == 14 and valid_cnpj(clean):
        return "cnpj", clean
    return None


def debtor_id(vat):
    """``("cpf", "12345678909")`` or ``("cnpj", "12ABC34501DE35")`` from a
    customer's tax number as typed (dots, dashes, slashes, lower case), with
    or without the country code Odoo accepts before it ("BR11222333000181",
    "BR 529.982.247-25"): a leading "BR" is left out only when the rest is a
    valid CPF or CNPJ (an alphanumeric CNPJ may itself start with "BR")."""
    clean = _digits(vat)
    found = _tax_id(clean) or (clean.startswith("BR") and _tax_id(clean[2:]))
    if not found:
        raise ChargeError("debtor_without_tax_id", f"no valid CPF or CNPJ: {vat!r}")
    return found


def _cut(text, size):
    """``text`` on one line, at most ``size`` characters as the schema counts
    them and as a bank counting UTF-16 units does (an emoji is two), never
    ending in half a character."""
    text = " ".join((text or "").split())[:size]
    while len(text.encode("utf-16-le")) // 2 > size:
        text = text[:-1]
    return text


def creditor(name, tax_id, size=INFO_VALUE_MAX):
    """The creditor as an ``infoAdicionais`` value: the company's name cut so
    that its CNPJ always fits; the name alone when it has none."""
    tax_id = (tax_id or "").strip()
    if not tax_id:
        return _cut(name, size)
    suffix = f" CNPJ {tax_id}"
    return _cut(name, size - len(suffix)) + suffix


@dataclass
class Charge:
    """What the receiver asks of the payer for one installment."""

    txid: str
    key: str  # the receiver's Pix key (chave DICT)
    due: date
    amount: Decimal
    debtor_vat: str
    debtor_name: str
    validity_days: int = 30  # calendar days the charge can still be paid after ``due``
    fine_percent: Decimal | None = None  # only where the contracts provide it
    interest_percent_month: Decimal | None = None
    discount_until: date | None = None
    discount_amount: Decimal | None = None  # what is taken off when paid by ``discount_until``
    debtor_email: str = ""
    payer_request: str = ""  # solicitacaoPagador: shown by the payer's bank
    info: list = field(default_factory=list)  # [(name, value)]: infoAdicionais
    # Interest as an amount per calendar day (modalidade 1), instead of a
    # monthly percentage: for a charge whose amount already holds a fine.
    interest_per_day: Decimal | None = None
    # The bank's date the charge is created on: the specification refuses a
    # due date before it (CobVOperacaoInvalida).
    created_on: date | None = None

    def body(self):
        """The request body of ``PUT /cobv/{txid}`` (a ``CobVSolicitada``)."""
        if not TXID_RE.match(self.txid or ""):
            raise ChargeError("bad_txid", f"txid {self.txid!r}")
        if not self.key:
            raise ChargeError("no_pix_key", "the receiving account has no Pix key")
        amount = Decimal(str(self.amount))
        if amount <= 0:
            raise ChargeError("nothing_to_charge", "the installment owes nothing")
        if self.created_on and self.due < self.created_on:
            raise ChargeError(
                "due_before_creation",
                f"due date {self.due} before the charge's creation on {self.created_on}",
            )
        kind, number = debtor_id(self.debtor_vat)
        name = _cut(self.debtor_name, NAME_MAX)
        if not name:
            raise ChargeError("debtor_without_name", "the customer has no name")
        debtor = {kind: number, "nome": name}
        if self.debtor_email:
            debtor["email"] = self.debtor_email.strip()
        valor = {"original": money(amount)}
        # Rates rounded down to the two decimals the API takes: the payer's
        # bank never charges more than the contract (a rate below 0.01 % is
        # none rather than more).
        fine = min(Decimal(str(self.fine_percent or 0)), MAX_FINE_PERCENT)
        if fine >= CENT:
            valor["multa"] = {"modalidade": 2, "valorPerc": percent(fine)}
        if self.interest_per_day and Decimal(str(self.interest_per_day)) >= CENT:
            valor["juros"] = {"modalidade": 1, "valorPerc": money(self.interest_per_day)}
        elif Decimal(str(self.interest_percent_month or 0)) >= CENT:
            valor["juros"] = {"modalidade": 3, "valorPerc": percent(self.interest_percent_month)}
        if self.discount_amount and self.discount_until and self.discount_until <= self.due:
            discount = Decimal(str(self.discount_amount))
            if 0 < discount < amount:
                valor["desconto"] = {
                    "modalidade": 1,
                    "descontoDataFixa": [
                        {"data": self.discount_until.isoformat(), "valorPerc": money(discount)}
                    ],
                }
        body = {
            "calendario": {
                "dataDeVencimento": self.due.isoformat(),
                "validadeAposVencimento": max(0, int(self.validity_days)),
            },
            "devedor": debtor,
            "valor": valor,
            "chave": self.key.strip(),
        }
        if self.payer_request:
            body["solicitacaoPagador"] = _cut(self.payer_request, PAYER_REQUEST_MAX)
        info = [
            {"nome": _cut(name_, INFO_NAME_MAX), "valor": _cut(value, INFO_VALUE_MAX)}
            for name_, value in self.info
            if name_ and value
        ]
        if info:
            body["infoAdicionais"] = info[:50]
        return body


def per_day(interest_for_30_days):
    """A day's interest from the interest of a 30-day month, rounded down to
    the cent: never more than the contract's rate."""
    return (Decimal(str(interest_for_30_days)) / 30).quantize(CENT, rounding=ROUND_DOWN)


def last_payable_day(due, validity_days, business_day):
    """The last day the payer's bank accepts a charge due ``due``, payable
    ``validity_days`` calendar days after it (``validadeAposVencimento``).
    ``business_day`` maps a day to itself when it is a business day for the
    payer, else to the next one (the core's calendar: ``effective_due_date``).
    The specification moves a due date on a weekend or holiday to the next
    business day before counting the days after it, and its examples accept
    payment until the next business day when the last day falls on one too
    (Exemplos A, E, G: due Saturday 2021-08-28, 5 days: until Monday 09-06)."""
    return business_day(business_day(due) + timedelta(days=max(0, int(validity_days))))


def expiring(due, validity_days, today, business_day, margin=EXPIRY_MARGIN_DAYS):
    """Whether a charge due ``due``, payable ``validity_days`` after it, is to
    be replaced on ``today`` (the bank's date): once the payer's bank refuses
    it (past its ``last_payable_day``, in the payer's calendar ``business_day``);
    and, when it is payable more than twice ``margin`` days after its due
    date, already when fewer than ``margin`` more days are left, so that a
    message's code outlives its arrival. Never while it is payable otherwise:
    with a short validity the new charge would be no better, and be replaced
    in its turn every day (a code sent yesterday removed while still payable)."""
    if today <= due:
        return False
    if validity_days <= 2 * margin:
        margin = 0
    last = last_payable_day(due, validity_days, business_day)
    return today + timedelta(days=margin) > last


def _emv(tag, value):
    return f"{tag}{len(value):02d}{value}"


def _crc16(payload):
    """CRC16-CCITT (polynomial 0x1021, initial 0xFFFF), as the BR Code asks."""
    crc = 0xFFFF
    for byte in payload.encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def _plain(text, size):
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(text.upper().split())[:size]


def dynamic_br_code(location, merchant_name, merchant_city):
    """The Pix copy-and-paste code (BR Code, Manual de Padrões para Iniciação
    do Pix) of a charge at ``location``: what a bank that answers without
    ``pixCopiaECola`` (optional in the specification) leaves to the receiver.
    Point of initiation 12 (dynamic), the location as the merchant account's
    URL (tag 25, without its scheme), no amount (the payer's bank reads it
    from the location), name and city without accents, upper case."""
    url = re.sub(r"^https?://", "", (location or "").strip())
    if not url:
        raise ChargeError("no_location", "the charge has no location")
    account = _emv("00", "br.gov.bcb.pix") + _emv("25", url)
    payload = (
        _emv("00", "01")
        + _emv("01", "12")
        + _emv("26", account)
        + _emv("52", "0000")
        + _emv("53", "986")
        + _emv("58", "BR")
        + _emv("59", _plain(merchant_name, 25) or "RECEBEDOR")
        + _emv("60", _plain(merchant_city, 15) or "BRASIL")
        + _emv("62", _emv("05", "***"))
        + "6304"
    )
    return payload + _crc16(payload)


PHONE_KEY_RE = re.compile(r"^\+[1-9]\d{7,14}$")
EVP_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def normalize_key(key):
    """A Pix key (chave DICT) as the API takes it, from the way a person types
    it: a CPF or CNPJ without dots, dashes or slashes; an e-mail in lower
    case; a phone as +55 and its digits; a random key (EVP) in lower case.
    ChargeError when it is none of these."""
    text = (key or "").strip()
    if "@" in text:
        return text.lower()
    if EVP_RE.match(text.lower()):
        return text.lower()
    digits = re.sub(r"[\s().\-/]", "", text)
    if digits.startswith("+"):
        brazilian = re.fullmatch(r"\+55\d{10,11}", digits)
        if brazilian or (not digits.startswith("+55") and PHONE_KEY_RE.match(digits)):
            return digits
        raise ChargeError("bad_pix_key", f"not a Pix key: {key!r}")
    upper = digits.upper()
    if len(upper) == 11 and valid_cpf(upper):
        return upper
    if len(upper) == 14 and valid_cnpj(upper):
        return upper
    if re.fullmatch(r"\d{10,11}", digits):  # a Brazilian phone typed without +55
        return f"+55{digits}"
    raise ChargeError("bad_pix_key", f"not a Pix key: {key!r}")


def _as_sent(value, shape):
    """The bank's ``value`` read as ``shape`` (what we sent) is read: only the
    fields we sent (a bank may add its own), leaves as text (a bank may answer
    ``"2"`` where we sent ``2``: the specification's own examples do)."""
    if isinstance(shape, dict):
        value = value if isinstance(value, dict) else {}
        return {key: _as_sent(value.get(key), part) for key, part in shape.items()}
    if isinstance(shape, list):
        value = value if isinstance(value, list) else []
        if len(value) != len(shape):
            return None
        return [_as_sent(item, part) for item, part in zip(value, shape, strict=True)]
    return None if value is None else str(value)


# The parts of ``valor`` a charge may have or not: one the bank holds that we
# no longer want must be revised away.
OPTIONAL_VALUE_PARTS = ("multa", "juros", "desconto", "abatimento")


# What a payer reads but does not pay: sent with a revision, never a reason
# for one (optional in the bank's answer: a bank may leave them out).
ECHO_FIELDS = ("solicitacaoPagador", "infoAdicionais")


def _name_words(text):
    return re.sub(r"[^0-9A-Z]+", " ", _plain(text, NAME_MAX)).split()


def _same_name(theirs, mine):
    """The debtor's name as the bank holds it means ours: a bank may keep it
    in upper case, without accents, punctuation (D'Ávila & Filhos Ltda.:
    DAVILA FILHOS LTDA) or with other spacing; one that leaves it out
    changes nothing either."""
    if theirs is None:
        return True
    mine_words, their_words = _name_words(mine), _name_words(str(theirs))
    return "".join(their_words) == "".join(mine_words)


def fixed_discounts(valor):
    """[(date, amount)] of the fixed discounts (``desconto`` modalidade 1,
    ``descontoDataFixa``) a charge's ``valor`` holds, as the bank answered it;
    anything else (no discount, another modality, unreadable) gives none."""
    desconto = (valor or {}).get("desconto") if isinstance(valor, dict) else None
    if not isinstance(desconto, dict) or str(desconto.get("modalidade")) != "1":
        return []
    found = []
    for item in desconto.get("descontoDataFixa") or []:
        try:
            found.append((date.fromisoformat(item["data"]), parse_money(item["valorPerc"])))
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(found)


def _spent(part, held, today):
    """Whether a part the bank holds no longer changes what anyone pays: a
    fixed discount all of whose dates are past (the payer's bank gives none
    after them). Such a part is left as it is: a bank may keep a part a
    revision leaves out (it merges what is sent), and asking again would
    revise the charge at every pass."""
    if part != "desconto" or today is None:
        return False
    dates = [day for day, _amount in fixed_discounts({"desconto": held})]
    return bool(dates) and max(dates) < today


def _worthless(held):
    """Whether a part the bank holds is worth nothing: its ``valorPerc`` and
    every ``descontoDataFixa`` amount read 0.00 (how a bank may write "no
    fine": the specification's answer may hold every optional part). It
    changes nothing anyone pays, so it asks no revision; an unreadable part
    is not worthless."""
    if not isinstance(held, dict):
        return False
    amounts = [held.get("valorPerc")] if "valorPerc" in held else []
    amounts += [item.get("valorPerc") for item in held.get("descontoDataFixa") or []]
    try:
        return bool(amounts) and all(parse_money(amount) == 0 for amount in amounts)
    except (AttributeError, ValueError):
        return False


def _differs(key, theirs, mine, today=None):
    """Whether the bank's ``theirs`` of ``key`` changes what the payer pays or
    who owes it, against ``mine`` (what we send) on ``today`` (the bank's date)."""
    if key == "valor":
        if _as_sent(theirs, mine) != _as_sent(mine, mine):
            return True
        held = theirs if isinstance(theirs, dict) else {}
        return bool(
            {
                part
                for part in OPTIONAL_VALUE_PARTS
                if held.get(part)
                and not _spent(part, held[part], today)
                and not _worthless(held[part])
            }
            - set(mine)
        )
    theirs = theirs if isinstance(theirs, dict) else {}
    if key == "calendario":
        # The due date always; the days payable after it when the bank says.
        return any(
            _as_sent(theirs.get(part), value) != _as_sent(value, value)
            for part, value in mine.items()
            if part == "dataDeVencimento" or theirs.get(part) is not None
        )
    # devedor: the CPF or CNPJ, and a name that differs in more than writing
    # (the e-mail is ours to send, not the bank's to keep).
    ids = {part: value for part, value in mine.items() if part in ("cpf", "cnpj")}
    if _as_sent(theirs, ids) != _as_sent(ids, ids):
        return True
    return not _same_name(theirs.get("nome"), mine.get("nome") or "")


def revision(current, wanted, today=None):
    """The ``PATCH /cobv/{txid}`` body that turns the charge the bank holds
    (``current``: a ``CobVGerada``) into ``wanted`` (a ``CobVSolicitada``), or
    None when nothing changes what the payer pays or who owes it: the amount
    and its fine, interest, discount and rebate, the due date and the days
    payable after it, the debtor's CPF or CNPJ and name (as a bank may write
    it). The texts the payer reads (``solicitacaoPagador``, ``infoAdicionais``)
    go with a revision when they differ, but never ask for one: a bank may
    leave them out of its answer. ``today`` (the bank's date): a discount
    whose dates are past is no reason for a revision."""
    patch = {}
    for key in ("calendario", "valor", "devedor"):
        mine = wanted.get(key)
        if mine is not None and _differs(key, current.get(key), mine, today):
            patch[key] = mine
    if not patch:
        return None
    for key in ECHO_FIELDS:
        mine = wanted.get(key)
        if mine is not None and _as_sent(current.get(key), mine) != _as_sent(mine, mine):
            patch[key] = mine
    return patch
