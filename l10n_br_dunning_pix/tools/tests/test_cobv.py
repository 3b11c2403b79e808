from datetime import date, timedelta
from decimal import Decimal

import pytest

from l10n_br_dunning.tools.business_calendar import BusinessCalendar
from stand_ins.pix_psp import br_code, violations

from ..cobv import (
    ECHO_FIELDS,
    Charge,
    ChargeError,
    creditor,
    debtor_id,
    dynamic_br_code,
    expiring,
    fixed_discounts,
    last_payable_day,
    make_txid,
    money,
    normalize_key,
    per_day,
    revision,
)

DUE = date(2026, 12, 10)


def charge(**values):
    base = {
        "txid": make_txid("db-uuid", 42),
        "key": "15881399000134",
        "due": DUE,
        "amount": Decimal("1234.50"),
        "debtor_vat": "529.982.247-25",
        "debtor_name": "Maria Souza",
    }
    return Charge(**{**base, **values})


def test_txid_is_deterministic_valid_and_distinct():
    first = make_txid("db-uuid", 42)
    assert first == make_txid("db-uuid", 42)
    assert 26 <= len(first) <= 35 and first.isalnum()
    assert first != make_txid("db-uuid", 42, generation=1)
    assert first != make_txid("other-db", 42)
    assert first.startswith("RG000000000042")


@pytest.mark.parametrize(
    "vat, expected",
    [
        ("529.982.247-25", ("cpf", "52998224725")),
        ("11.222.333/0001-81", ("cnpj", "11222333000181")),
        # The alphanumeric CNPJ of July 2026 (Receita Federal's example).
        ("12.ABC.345/01DE-35", ("cnpj", "12ABC34501DE35")),
        # With the country code Odoo accepts and keeps before it (base_vat).
        ("BR52998224725", ("cpf", "52998224725")),
        ("BR11222333000181", ("cnpj", "11222333000181")),
        ("BR 11.222.333/0001-81", ("cnpj", "11222333000181")),
        ("br 529.982.247-25", ("cpf", "52998224725")),
        ("BR12ABC34501DE35", ("cnpj", "12ABC34501DE35")),
        # An alphanumeric CNPJ that starts with BR is one, not a country code.
        ("BR.ABC.345/01DE-02", ("cnpj", "BRABC34501DE02")),
        ("BRBRABC34501DE02", ("cnpj", "BRABC34501DE02")),
    ],
)
def test_debtor_tax_ids(vat, expected):
    assert debtor_id(vat) == expected


@pytest.mark.parametrize(
    "vat",
    [
        "",
        "111.111.111-11",
        "529.982.247-24",
        "11.222.333/0001-82",
        "BR529.982.247-24",  # the country code off, the rest still no CPF
        "BR",
        "AR11222333000181",  # another country's code is not left out
    ],
)
def test_invalid_tax_ids_are_refused(vat):
    with pytest.raises(ChargeError) as error:
        debtor_id(vat)
    assert error.value.code == "debtor_without_tax_id"


def test_body_follows_the_specification():
    body = charge(
        fine_percent=Decimal("5"),  # capped at 2 % (CDC art. 52 §1)
        interest_percent_month=Decimal("1"),
        discount_until=date(2026, 12, 5),
        discount_amount=Decimal("24.69"),
        debtor_name="  Maria   " + "da Silva " * 40,
        payer_request="x" * 300,
        info=[("Credor", "Papelaria Aurora LTDA CNPJ 15.881.399/0001-34")],
    ).body()
    assert violations("CobVSolicitada", body) == []
    assert body["valor"]["multa"] == {"modalidade": 2, "valorPerc": "2.00"}
    assert body["valor"]["juros"] == {"modalidade": 3, "valorPerc": "1.00"}
    assert body["valor"]["desconto"]["descontoDataFixa"] == [
        {"data": "2026-12-05", "valorPerc": "24.69"}
    ]
    assert len(body["devedor"]["nome"]) == 200 and body["devedor"]["nome"].startswith("Maria da")
    assert len(body["solicitacaoPagador"]) == 140


@pytest.mark.parametrize(
    ("fine", "interest", "multa", "juros"),
    [
        # The legal rate (Selic - IPCA) is published with four decimals: the
        # payer's bank is never asked more than the contract's rate.
        ("2", "0.5167", "2.00", "0.51"),
        ("1.995", "0.999", "1.99", "0.99"),
        ("2.5", "1.25", "2.00", "1.25"),  # the fine capped at 2 %, exact rates as they are
        ("0.004", "0.009", None, None),  # below 0.01 %: none rather than more
    ],
)
def test_rates_are_rounded_down_never_above_the_contracts(fine, interest, multa, juros):
    body = charge(fine_percent=Decimal(fine), interest_percent_month=Decimal(interest)).body()
    assert violations("CobVSolicitada", body) == []
    assert body["valor"].get("multa") == (multa and {"modalidade": 2, "valorPerc": multa})
    assert body["valor"].get("juros") == (juros and {"modalidade": 3, "valorPerc": juros})


def test_rates_from_the_settings_floats_are_rounded_down_as_typed():
    body = charge(fine_percent=1.995, interest_percent_month=0.5167).body()
    assert (body["valor"]["multa"]["valorPerc"], body["valor"]["juros"]["valorPerc"]) == (
        "1.99",
        "0.51",
    )


def test_no_charges_unless_the_contracts_provide_them():
    body = charge().body()
    assert set(body["valor"]) == {"original"}
    assert violations("CobVSolicitada", body) == []


@pytest.mark.parametrize(
    "values, code",
    [
        ({"amount": Decimal("0")}, "nothing_to_charge"),
        ({"key": ""}, "no_pix_key"),
        ({"debtor_vat": ""}, "debtor_without_tax_id"),
        ({"debtor_name": "  "}, "debtor_without_name"),
        ({"amount": Decimal("12345678901.00")}, "amount_too_large"),
    ],
)
def test_installments_that_cannot_be_charges(values, code):
    with pytest.raises(ChargeError) as error:
        charge(**values).body()
    assert error.value.code == code


def test_money_rounds_half_up():
    assert money("0.005") == "0.01"
    assert money(1234.5) == "1234.50"


def test_revision_only_when_something_changed():
    wanted = charge().body()
    held = {**wanted, "calendario": {**wanted["calendario"], "criacao": "x"}, "revisao": 0}
    assert revision(held, wanted) is None
    smaller = charge(amount=Decimal("1000.00")).body()
    assert revision(held, smaller) == {"valor": {"original": "1000.00"}}


def test_revision_ignores_what_a_bank_answers_differently_but_means_the_same():
    wanted = charge(fine_percent=Decimal("2"), interest_percent_month=Decimal("1")).body()
    held = {
        **wanted,
        # A bank that writes the modalities as text (the specification's own
        # examples do), adds fields of its own and keeps no debtor e-mail.
        "valor": {
            **wanted["valor"],
            "multa": {"modalidade": "2", "valorPerc": "2.00"},
            "juros": {"modalidade": "3", "valorPerc": "1.00"},
        },
        "devedor": {"cpf": "52998224725", "nome": "Maria Souza", "logradouro": "Rua A"},
        "calendario": {**wanted["calendario"], "criacao": "2026-12-01T12:00:00Z"},
        "status": "ATIVA",
    }
    assert revision(held, wanted) is None
    # A fine the bank holds that the contracts no longer provide is revised away.
    plain = charge().body()
    assert revision(held, plain) == {"valor": plain["valor"]}


def test_revision_only_for_what_the_payer_pays_or_who_owes_it():
    wanted = charge(
        debtor_name="Maria José  Souza", payer_request="NF 1, vencimento 10/12/2026"
    ).body()
    wanted["infoAdicionais"] = [{"nome": "Documento", "valor": "NF 1"}]
    # A bank that leaves the optional texts out and keeps the name its way.
    held = {key: value for key, value in wanted.items() if key not in ECHO_FIELDS}
    held["devedor"] = {"cpf": "52998224725", "nome": "MARIA JOSE SOUZA"}
    assert revision(held, wanted) is None
    assert revision({**held, "devedor": {"cpf": "52998224725"}}, wanted) is None
    # Another debtor, another name, another amount: revised, texts with it.
    other = {**held, "devedor": {"cpf": "11144477735", "nome": "MARIA JOSE SOUZA"}}
    assert revision(other, wanted)["devedor"] == wanted["devedor"]
    renamed = {**held, "devedor": {"cpf": "52998224725", "nome": "João Souza"}}
    assert revision(renamed, wanted)["devedor"] == wanted["devedor"]
    smaller = charge(
        amount=Decimal("1000.00"),
        debtor_name="Maria José Souza",
        payer_request="NF 1, vencimento 10/12/2026",
    ).body()
    patch = revision(held, smaller)
    assert sorted(patch) == ["solicitacaoPagador", "valor"]
    # The days payable after the due date: revised when the bank says otherwise.
    longer = {**held, "calendario": {**held["calendario"], "validadeAposVencimento": 5}}
    assert revision(longer, wanted)["calendario"] == wanted["calendario"]


def test_a_bank_that_drops_the_names_punctuation_asks_no_revision():
    wanted = charge(debtor_name="Maria D'Ávila & Filhos Ltda.").body()
    held = {**wanted, "devedor": {"cpf": "52998224725", "nome": "MARIA DAVILA FILHOS LTDA"}}
    assert revision(held, wanted) is None
    other = {**held, "devedor": {"cpf": "52998224725", "nome": "MARIA DAVILA NETOS LTDA"}}
    assert revision(other, wanted)["devedor"] == wanted["devedor"]


def test_a_discount_whose_date_is_past_asks_no_revision():
    # The bank still holds the early-payment discount (a bank may keep what a
    # revision leaves out): past its date it changes nothing anyone pays, and
    # asking again would revise the charge at every pass.
    discounted = charge(discount_until=DUE - timedelta(days=5), discount_amount=Decimal("10"))
    held = {**discounted.body(), "revisao": 1}
    assert fixed_discounts(held["valor"]) == [(DUE - timedelta(days=5), Decimal("10.00"))]
    wanted = charge().body()  # the régua no longer offers it
    assert revision(held, wanted, today=DUE - timedelta(days=4)) is None
    # Until its date has passed, it is revised away (the installment was paid
    # in part, say), and without ``today`` as before.
    assert revision(held, wanted, today=DUE - timedelta(days=5)) == {"valor": wanted["valor"]}
    assert revision(held, wanted) == {"valor": wanted["valor"]}
    # Any other part the bank holds is revised away whatever the day.
    fined = {**held, "valor": {**held["valor"], "multa": {"modalidade": 2, "valorPerc": "2.00"}}}
    assert revision(fined, wanted, today=DUE)["valor"] == wanted["valor"]


def test_a_bank_that_echoes_parts_worth_nothing_asks_no_revision():
    # The specification's answer may hold every optional part (CobVValor):
    # a bank that writes "no fine" as a fine of 0.00 % changes nothing anyone
    # pays, and revising it away at every pass would fail at every pass.
    wanted = charge().body()
    zeros = {
        **wanted,
        "valor": {
            **wanted["valor"],
            "multa": {"modalidade": 2, "valorPerc": "0.00"},
            "juros": {"modalidade": "1", "valorPerc": "0.00"},
            "abatimento": {"modalidade": 1, "valorPerc": "0.00"},
            "desconto": {
                "modalidade": 1,
                "descontoDataFixa": [{"data": "2026-12-01", "valorPerc": "0.00"}],
            },
        },
    }
    assert revision(zeros, wanted) is None
    # A part worth something is still revised away, one unreadable too.
    fined = {**zeros, "valor": {**zeros["valor"], "multa": {"modalidade": 2, "valorPerc": "0.01"}}}
    assert revision(fined, wanted) == {"valor": wanted["valor"]}
    odd = {**zeros, "valor": {**zeros["valor"], "juros": {"modalidade": 1, "valorPerc": "x"}}}
    assert revision(odd, wanted) == {"valor": wanted["valor"]}


def test_fixed_discounts_read_what_the_bank_holds():
    assert fixed_discounts({}) == [] and fixed_discounts(None) == []
    percent = {"desconto": {"modalidade": 2, "descontoDataFixa": [{"data": "2026-12-01"}]}}
    assert fixed_discounts(percent) == []
    two = {
        "desconto": {
            "modalidade": "1",
            "descontoDataFixa": [
                {"data": "2026-12-05", "valorPerc": "5.00"},
                {"data": "2026-12-01", "valorPerc": "9.50"},
                {"data": "nonsense", "valorPerc": "1.00"},
            ],
        }
    }
    assert fixed_discounts(two) == [
        (date(2026, 12, 1), Decimal("9.50")),
        (date(2026, 12, 5), Decimal("5.00")),
    ]


def test_a_charge_is_never_due_before_the_bank_creates_it():
    with pytest.raises(ChargeError) as error:
        charge(due=DUE, created_on=DUE + timedelta(days=1)).body()
    assert error.value.code == "due_before_creation"
    assert charge(due=DUE, created_on=DUE).body()["calendario"]["dataDeVencimento"] == "2026-12-10"


def test_interest_by_the_day_for_a_charge_that_holds_its_fine():
    body = charge(amount=Decimal("1025.00"), interest_per_day=per_day("10.00")).body()
    assert body["valor"] == {"original": "1025.00", "juros": {"modalidade": 1, "valorPerc": "0.33"}}
    assert violations("CobVSolicitada", body) == []
    # Less than a cent a day: no interest rather than more than the contract.
    assert "juros" not in charge(interest_per_day=per_day("0.20")).body()["valor"]
    assert per_day("10.00") * 30 <= Decimal("10.00")


@pytest.mark.parametrize(
    ("today", "validity", "replaced"),
    [
        (DUE, 10, False),  # due today
        (DUE + timedelta(days=7), 10, False),  # payable three more days
        (DUE + timedelta(days=8), 10, True),  # two more days: a message would outlive it
        (DUE + timedelta(days=11), 10, True),  # no longer payable
        (DUE - timedelta(days=5), 0, False),  # before its due date: a new one is no better
        (DUE + timedelta(days=1), 0, True),
        # Payable a few days only: replaced once no longer payable, not every
        # day (yesterday's code is still payable).
        (DUE + timedelta(days=1), 2, False),
        (DUE + timedelta(days=2), 2, False),
        (DUE + timedelta(days=3), 2, True),
        (DUE + timedelta(days=3), 3, False),
        (DUE + timedelta(days=4), 3, True),
        (DUE + timedelta(days=6), 6, False),
        (DUE + timedelta(days=5), 7, True),  # longer: three days ahead again
    ],
)
def test_a_charge_past_its_due_date_is_replaced_before_it_stops_being_payable(
    today, validity, replaced
):
    # The margins in calendar days: a calendar where every day is a business day.
    assert expiring(DUE, validity, today, lambda day: day) is replaced


# The specification's examples (CobDataDeVencimento.validadeAposVencimento):
# a due date on a weekend or holiday for the payer moves to the next business
# day before the days after it are counted. (due, validity, last day accepted).
SPEC_EXAMPLES = {
    "A": (date(2020, 10, 20), 4, date(2020, 10, 26)),
    "B": (date(2020, 12, 25), 0, date(2020, 12, 28)),
    "C": (date(2020, 12, 25), 1, date(2020, 12, 29)),
    "D": (date(2020, 12, 25), 3, date(2020, 12, 31)),
    "E": (date(2020, 12, 25), 4, date(2021, 1, 4)),
    "F": (date(2021, 8, 27), 5, date(2021, 9, 1)),
    "G": (date(2021, 8, 28), 5, date(2021, 9, 6)),
}
# The national public holidays the examples count (no bank-only closing days:
# their 31 December is a business day).
NATIONAL = BusinessCalendar(bank_holidays=False).effective_due_date


@pytest.mark.parametrize("example", sorted(SPEC_EXAMPLES))
def test_the_specifications_examples_last_payable_day(example):
    due, validity, last = SPEC_EXAMPLES[example]
    assert last_payable_day(due, validity, NATIONAL) == last
    # Kept every day the payer's bank accepts it, replaced the day it refuses it.
    day = due
    while day <= last:
        assert not expiring(due, validity, day, NATIONAL), (example, day)
        day += timedelta(days=1)
    assert expiring(due, validity, last + timedelta(days=1), NATIONAL), example


def test_a_charge_due_on_a_saturday_is_kept_until_the_customers_next_business_day():
    """Due Saturday 12 December 2026, payable 0 days after: still payable on
    Sunday and Monday (the code sent on Friday works until then)."""
    calendar = BusinessCalendar.shared("SP").effective_due_date
    due = date(2026, 12, 12)
    assert not expiring(due, 0, date(2026, 12, 13), calendar)
    assert not expiring(due, 0, date(2026, 12, 14), calendar)
    assert expiring(due, 0, date(2026, 12, 15), calendar)
    # A holiday of the customer's state moves it too (São Paulo, 9 July 2026:
    # Revolução Constitucionalista, a Thursday).
    assert not expiring(date(2026, 7, 9), 0, date(2026, 7, 10), calendar)
    assert expiring(date(2026, 7, 9), 0, date(2026, 7, 10), NATIONAL)


def test_the_copy_and_paste_code_of_a_location_when_the_bank_gives_none():
    location = "pix.banco.example/qr/v2/cobv/9d36b84fc70b478fb95c12729b90ca25"
    code = dynamic_br_code(location, "Papelaria Aurora Ltda", "São Paulo")
    # The same code a bank builds (the stand-in's BR Code), CRC included.
    assert code == br_code(location, "PAPELARIA AURORA LTDA", "SAO PAULO")
    assert code == dynamic_br_code(f"https://{location}", "Papelaria Aurora Ltda", "Sao Paulo")
    assert "5921PAPELARIA AURORA LTDA" in code and "6009SAO PAULO" in code
    assert "54" not in code.split("5303986")[1][:2]  # no amount: the location holds it
    with pytest.raises(ChargeError):
        dynamic_br_code("", "Aurora", "Recife")


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("15.881.399/0001-34", "15881399000134"),
        (" 529.982.247-25 ", "52998224725"),
        ("Cobranca@Aurora.example", "cobranca@aurora.example"),
        ("+55 (11) 98765-4321", "+5511987654321"),
        ("(11) 98765-4321", "+5511987654321"),
        ("9D36B84F-C70B-478F-B95C-12729B90CA25", "9d36b84f-c70b-478f-b95c-12729b90ca25"),
    ],
)
def test_pix_keys_as_a_person_types_them(typed, key):
    assert normalize_key(typed) == key


@pytest.mark.parametrize("typed", ["", "15.881.399/0001-00", "pix", "+55 11", "123"])
def test_what_is_not_a_pix_key_is_refused(typed):
    with pytest.raises(ChargeError):
        normalize_key(typed)


def test_the_creditor_keeps_its_cnpj_however_long_its_name():
    long_name = "Papelaria Aurora Comércio de Materiais de Escritório " * 6
    value = creditor(long_name, "15.881.399/0001-34")
    assert len(value) <= 200
    assert value.endswith(" CNPJ 15.881.399/0001-34")
    assert creditor("Papelaria Aurora", "") == "Papelaria Aurora"  # no "CNPJ" alone


def test_texts_fit_a_bank_that_counts_utf16_units():
    """An emoji is one character to the schema and two UTF-16 units to some
    banks: a cut name fits both counts and never ends in half an emoji."""
    value = creditor("👩🏽‍💼" * 60, "15881399000134")
    assert len(value.encode("utf-16-le")) // 2 <= 200
    assert value.endswith(" CNPJ 15881399000134")
    value.encode("utf-8")  # no lone surrogate
