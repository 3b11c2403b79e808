"""Generated requests to the portal's public routes (hypothesis strategies).

No Odoo import: the Odoo suite (test_dunning_portal_fuzz.py) and the standalone
``scripts/fuzz_public_routes.py`` draw the same calls and send them with
``requests``. A ``Call`` names what it exercises (route, token, CSRF) and holds
generated fields and uploads; ``Call.request(target)`` turns it into the HTTP
request for one database's invoice, tokens and CSRF token.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from hypothesis import strategies as st

ANSWERS = ("paid", "dispute", "promise")
ROUTES = (*ANSWERS, "preferences", "my_preferences", "page", "short_link", "qr", "agreement")
# Routes whose POST changes something when token and CSRF token are valid.
WRITING = (*ANSWERS, "preferences", "my_preferences", "agreement")
URL_VALUE_MAX = 2000


@dataclass
class Target:
    """One database's side of the calls: an open invoice of the customer, another
    customer's invoice, the short-link token, the session's CSRF token."""

    invoice_id: int
    access_token: str
    other_invoice_id: int
    other_token: str
    link_token: str
    csrf_token: str
    today: date
    upload_max_mb: int = 5


@dataclass
class Call:
    route: str
    method: str = "POST"
    token: str = "valid"  # valid, wrong, missing, other (another customer's)
    csrf: str = "valid"  # valid, wrong, missing
    invoice: str = "own"  # own, other, missing (an id nobody has)
    fields: dict = field(default_factory=dict)
    files: list = field(default_factory=list)  # (field name, file name, bytes)
    raw_token: str = ""  # for the short link and the QR value

    @property
    def credentials_valid(self):
        if self.route == "my_preferences":  # auth="user": the session, then CSRF
            return self.csrf == "valid"
        if self.csrf != "valid":
            return False
        # Another customer's invoice with that invoice's own token is valid too.
        return (self.token, self.invoice) in {("valid", "own"), ("other", "other")}

    @property
    def may_write(self):
        return self.route in WRITING and self.method == "POST" and self.credentials_valid

    def request(self, target):
        """(method, path, params, data, files) for ``requests``."""
        invoice_id = {
            "own": target.invoice_id,
            "other": target.other_invoice_id,
            "missing": 2_000_000_000,
        }[self.invoice]
        token = {
            "valid": target.access_token,
            "wrong": target.access_token[:-4] + "0000",
            "missing": None,
            "other": target.other_token,
        }[self.token]
        if self.invoice == "other" and self.token == "valid":
            token = target.other_token[:-1] + "x"  # never the other customer's own token
        data = dict(self.fields)
        if self.method == "POST" and self.csrf != "missing":
            data["csrf_token"] = target.csrf_token if self.csrf == "valid" else "0" * 40 + "o9"
        params = {}
        if token is not None:
            (data if self.method == "POST" else params)["access_token"] = token
        files = [(name, (filename, content)) for name, filename, content in self.files] or None
        if self.route in ANSWERS:
            path = f"/my/invoices/{invoice_id}/dunning/{self.route}"
        elif self.route == "preferences":
            path = f"/my/invoices/{invoice_id}/dunning/preferences"
        elif self.route == "my_preferences":
            path = "/my/dunning/preferences"
        elif self.route == "agreement":
            path = f"/my/invoices/{invoice_id}/dunning/agreement"
        elif self.route == "page":
            path = f"/my/invoices/{invoice_id}"
        elif self.route == "short_link":
            raw = self.raw_token[:URL_VALUE_MAX]
            path = "/c/" + (target.link_token if self.token == "valid" else raw)
        else:
            path = "/dunning/qr.png"
            params = {"value": self.raw_token[:URL_VALUE_MAX], **self.fields}
        if self.method == "GET":
            params.update({k: v for k, v in data.items() if k != "csrf_token"})
            data = None
            # Browsers and proxies refuse URLs beyond a few kilobytes (Odoo's own
            # server answers 414 from 64 KB): huge values go in POST bodies.
            params = {k: v[:URL_VALUE_MAX] for k, v in params.items()}
        return self.method, path, params, data, files


# -- values -----------------------------------------------------------------------------
huge = st.integers(20_000, 200_000).map(lambda n: "9" * n)
binary = st.binary(max_size=200).map(lambda b: b.decode("latin-1"))
junk = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", " ", "null", "None", "0", "-1", "[]", "{}", "<script>", "%00", "\x00"]),
    binary,
    huge,
)


def mostly(valid, other):
    """``valid`` three times in four: enough answers get through to be recorded."""
    return st.one_of(valid, valid, valid, other)


def dates_any_format(today):
    """A date as a phone's browser, a person or a robot may send it."""
    near = st.integers(-400, 400).map(lambda days: today + timedelta(days=days))
    formats = st.sampled_from(
        ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y%m%d", "%d-%m-%Y", "%Y-%m-%dT%H:%M"]
    )
    close = st.integers(-20, 40).map(lambda days: today + timedelta(days=days))
    return st.one_of(
        close.map(date.isoformat),
        close.map(date.isoformat),
        close.map(date.isoformat),
        near.map(date.isoformat),
        st.builds(lambda d, f: d.strftime(f), near, formats),
        st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat),
        st.sampled_from(["2026-02-30", "2026-13-01", "9999-12-31", "0001-01-01", "amanhã"]),
        junk,
    )


def receipt_bytes(max_mb):
    heads = st.sampled_from(
        [
            b"%PDF-1.4\n",
            b"\x89PNG\r\n\x1a\n",
            b"\xff\xd8\xff",
            b"RIFF0000WEBP",
            b"",
            b"MZ",
            b"GIF89a",
        ]
    )
    body = st.one_of(
        st.binary(max_size=2000),
        st.just(b"0" * (max_mb * 1024 * 1024 + 1)),  # one byte over the limit
    )
    return st.builds(lambda head, rest: head + rest, heads, body)


file_names = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["recibo.pdf", "../../etc/passwd", "comprovante pix.jpeg", "a" * 300 + ".pdf", ""]
    ),
)


@st.composite
def _agreement_fields(draw, today):
    fields = {
        "count": draw(mostly(st.sampled_from(["1", "2", "3", "6", "7"]), junk)),
        "first_due": draw(
            mostly(st.just((today + timedelta(days=7)).isoformat()), dates_any_format(today))
        ),
    }
    if draw(st.integers(0, 3)):
        fields["accept"] = draw(mostly(st.just("1"), junk))
    # The term read (its SHA-256) and the CPF/CNPJ it names: never the term the
    # server builds, so nothing can be accepted, whatever else comes.
    if draw(st.booleans()):
        fields["term_sha256"] = draw(mostly(st.just("0" * 64), junk))
    if draw(st.booleans()):
        fields["vat"] = draw(mostly(st.sampled_from(["529.982.247-25", "111"]), junk))
    return fields


@st.composite
def calls(draw, today, upload_max_mb=5, routes=ROUTES):
    route = draw(st.sampled_from(list(routes)))
    call = Call(route=route)
    call.method = "GET" if route in ("page", "short_link", "qr") else "POST"
    if route in ("preferences", "my_preferences", "agreement") and draw(st.integers(0, 4)) == 0:
        call.method = "GET"
    # Valid credentials half of the time, so answers get recorded too.
    if draw(st.booleans()):
        call.token = draw(st.sampled_from(["wrong", "missing", "other"]))
        call.csrf = draw(st.sampled_from(["valid", "wrong", "missing"]))
        call.invoice = draw(st.sampled_from(["own", "other", "missing"]))
    elif draw(st.integers(0, 3)) == 0:
        call.csrf = draw(st.sampled_from(["wrong", "missing"]))
    fields = {}
    text = st.one_of(junk, st.text(max_size=3000))
    if route == "paid":
        fields["paid_on"] = draw(dates_any_format(today))
        fields["method"] = draw(
            mostly(st.sampled_from(["pix", "boleto", "transfer", "card", "cash", "other"]), junk)
        )
        if draw(st.booleans()):
            call.files.append(("receipt", draw(file_names), draw(receipt_bytes(upload_max_mb))))
    elif route == "dispute":
        fields["reason"] = draw(
            mostly(st.sampled_from(["not_received", "defective", "wrong_amount", "other"]), junk)
        )
        fields["note"] = draw(text)
    elif route == "promise":
        fields["promised_on"] = draw(dates_any_format(today))
    elif route in ("preferences", "my_preferences"):
        fields["channel"] = draw(mostly(st.sampled_from(["any", "email", "sms"]), junk))
        fields["hours"] = draw(mostly(st.sampled_from(["any", "morning", "afternoon"]), junk))
        fields["mobile"] = draw(
            mostly(st.sampled_from(["11 98888 7777", "(11) 3456-7890", ""]), junk)
        )
        if draw(st.booleans()):
            fields["sms_opt_out"] = draw(st.sampled_from(["1", "on", ""]))
    elif route == "agreement":  # "Parcelar": an option of the rules, accepted
        fields.update(draw(_agreement_fields(today)))
    elif route in ("short_link", "qr"):
        call.raw_token = draw(
            st.one_of(st.text(alphabet="abcdefABCDEF0123456789-_", max_size=40), junk)
        )
    # The one-time code of a token link's sensitive answers (a new number, a
    # receipt, an agreement): none, a wrong one, junk; never the code sent.
    if route in ("paid", "preferences", "agreement") and draw(st.booleans()):
        fields["dunning_code"] = draw(
            mostly(st.sampled_from(["000000", "123456", "12345", "1234567", " 99 99 99 "]), junk)
        )
    # Fields nobody expects, some with the names of the route's own arguments.
    for name in draw(
        st.lists(
            st.sampled_from(
                ["invoice_id", "action", "dunning_done", "x", "kw", "redirect", "debug"]
            ),
            max_size=3,
        )
    ):
        fields[name] = draw(junk)
    if draw(st.integers(0, 3)) == 0 and call.method == "POST":
        call.files.append(
            (
                draw(
                    st.sampled_from(
                        [
                            "receipt",
                            "other",
                            "paid_on",
                            "promised_on",
                            "note",
                            "reason",
                            "mobile",
                            "channel",
                        ]
                    )
                ),
                draw(file_names),
                draw(st.binary(max_size=300)),
            )
        )
    call.fields = fields
    return call


# -- the links: grouped items, new links, letters, unsubscribe, agreements ------------------
# A link's token in its path (grouped items, letters, unsubscribe) or the
# document's access token (new link, agreements): the one given, a revoked one,
# a wrong one, none, another customer's, junk.
LINK_ROUTES = (
    "items",
    "items_new_link",
    "new_link",
    "letter",
    "unsubscribe",
    "agreement_page",
    "agreement_term",
    "agreement_accept",
    "agreement_new_link",
)
# The tokens a person may hold: a working one, and the grouped link's revoked one.
HELD = ("valid", "revoked")


@dataclass
class LinkTarget:
    """One database's side of the link calls: the customer's invoice (its
    access token, its letter's token), the customer's grouped link (working and
    revoked tokens), the unsubscribe link of the customer at the company, a
    proposal awaiting acceptance, another customer's invoice, the CSRF token."""

    invoice_id: int
    access_token: str
    letter_token: str
    items_token: str
    revoked_token: str
    partner_id: int
    company_id: int
    unsubscribe_token: str
    agreement_id: int
    agreement_token: str
    other_invoice_id: int
    other_token: str
    csrf_token: str


@dataclass
class LinkCall:
    route: str
    method: str = "GET"
    token: str = "valid"  # valid, revoked, wrong, missing, other, junk
    csrf: str = "valid"  # valid, wrong, missing
    fields: dict = field(default_factory=dict)
    raw_token: str = ""

    @property
    def holds_a_link(self):
        """The caller holds a link the company gave (working or revoked)."""
        return self.token in HELD

    @property
    def may_write(self):
        """What may change something: a revoked grouped link asking for the
        current one, the e-mail's one-click unsubscribe (no CSRF by design),
        an agreement's acceptance asking for its one-time code. A new link for
        an invoice or agreement whose link still works has nothing to renew."""
        if self.method != "POST":
            return False
        if self.route == "unsubscribe":
            return self.token == "valid"
        if self.csrf != "valid":
            return False
        if self.route == "items_new_link":
            return self.token == "revoked"
        return self.route == "agreement_accept" and self.token == "valid"

    def request(self, target):
        """(method, path, params, data) for ``requests``."""
        raw = self.raw_token[:URL_VALUE_MAX].replace("/", "_") or "x"
        path_token = {
            "items": target.items_token,
            "items_new_link": target.items_token,
            "letter": target.letter_token,
            "unsubscribe": target.unsubscribe_token,
        }.get(self.route, "")
        if self.token == "revoked" and self.route.startswith("items"):
            path_token = target.revoked_token
        elif self.token == "wrong":
            path_token = (path_token or target.access_token)[:-4] + "0000"
        elif self.token in ("missing", "junk", "other"):
            path_token = raw
        access = {
            "valid": target.agreement_token
            if self.route.startswith("agreement")
            else target.access_token,
            "revoked": target.access_token[:-1] + "x",
            "wrong": target.access_token[:-4] + "0000",
            "missing": None,
            "other": target.other_token,
            "junk": raw,
        }[self.token]
        document = target.agreement_id
        invoice = target.other_invoice_id if self.token == "other" else target.invoice_id
        if self.route == "items":
            path = f"/my/dunning/items/{path_token}"
        elif self.route == "items_new_link":
            path = f"/my/dunning/items/{path_token}/new_link"
        elif self.route == "new_link":
            path = f"/my/invoices/{invoice}/dunning/new_link"
        elif self.route == "letter":
            path = f"/l/{path_token}"
        elif self.route == "unsubscribe":
            path = f"/dunning/unsubscribe/{target.partner_id}/{target.company_id}/{path_token}"
        elif self.route == "agreement_page":
            path = f"/my/agreements/{document}"
        elif self.route == "agreement_term":
            path = f"/my/agreements/{document}/term"
        elif self.route == "agreement_new_link":
            path = f"/my/agreements/{document}/new_link"
        else:
            path = f"/my/agreements/{document}/accept"
        data = dict(self.fields)
        params = {}
        if self.route in (
            "new_link",
            "agreement_page",
            "agreement_term",
            "agreement_accept",
            "agreement_new_link",
        ):
            if access is not None:
                (data if self.method == "POST" else params)["access_token"] = access
        if self.method == "POST" and self.csrf != "missing":
            data["csrf_token"] = target.csrf_token if self.csrf == "valid" else "0" * 40 + "o9"
        if self.method == "GET":
            params.update(data)
            data = None
            params = {k: v[:URL_VALUE_MAX] for k, v in params.items()}
        return self.method, path, params, data


@st.composite
def link_calls(draw, today, routes=LINK_ROUTES):
    route = draw(st.sampled_from(list(routes)))
    call = LinkCall(route=route)
    if route in ("items_new_link", "new_link", "agreement_accept", "agreement_new_link"):
        call.method = "POST"
    elif route == "unsubscribe":
        call.method = draw(st.sampled_from(["GET", "POST"]))
    call.token = draw(
        st.sampled_from(["valid", "valid", "revoked", "wrong", "missing", "other", "junk"])
    )
    if call.token == "revoked" and not route.startswith("items"):
        call.token = "wrong"  # only a grouped link is revoked and kept
    if draw(st.integers(0, 3)) == 0:
        call.csrf = draw(st.sampled_from(["wrong", "missing"]))
    call.raw_token = draw(
        st.one_of(st.text(alphabet="abcdefABCDEF0123456789-_", min_size=12, max_size=40), junk)
    )
    fields = {}
    if route == "unsubscribe" and draw(st.booleans()):
        fields["resubscribe"] = draw(mostly(st.sampled_from(["1", "0"]), junk))
    if route == "agreement_accept":
        fields["step"] = draw(mostly(st.sampled_from(["accept", "review"]), junk))
        fields.update(draw(_agreement_fields(today)))
    if route in ("items_new_link", "new_link", "agreement_accept") and draw(st.booleans()):
        fields["dunning_code"] = draw(mostly(st.sampled_from(["000000", "123456", "12345"]), junk))
    for name in draw(
        st.lists(st.sampled_from(["token", "partner_id", "company_id", "debug", "x"]), max_size=2)
    ):
        fields[name] = draw(junk)
    call.fields = fields
    return call
