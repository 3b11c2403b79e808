from datetime import date
from decimal import Decimal

import pytest

from stand_ins.pix_psp import violations

from ..cobv import Charge, ChargeError, debtor_id, make_txid, money, revision

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
    ],
)
def test_debtor_tax_ids(vat, expected):
    assert debtor_id(vat) == expected


@pytest.mark.parametrize("vat", ["", "111.111.111-11", "529.982.247-24", "11.222.333/0001-82"])
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
