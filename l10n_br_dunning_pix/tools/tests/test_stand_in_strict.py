"""The stand-in bank is no looser than the specification: a test passing
against it must pass against a bank that follows the specification strictly.
It checks its own answers against the specification's schemas, the query of
``GET /pix``, and the rules ``CobVOperacaoInvalida`` lists beside the schema."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import requests

from stand_ins.pix_psp import answer_violations, pix_query_violations

from ..cobv import make_txid
from ..pix_api import PixApiError
from .test_pix_api import body, client_for

KEY = "15881399000134"


def test_every_answer_of_a_day_follows_the_specification(bank):
    client = client_for(bank)
    txid = make_txid("db", 1)
    client.put_cobv(txid, body(txid, fine_percent=2, interest_percent_month=1))
    client.patch_cobv(txid, {"valor": {"original": "90.00"}})
    client.get_cobv(txid)
    record = bank.pay(txid, notify=False)
    bank.refund(record["endToEndId"], "10.00", notify=False)
    client.get_pix(record["endToEndId"])
    now = datetime.now(UTC)
    list(client.list_pix(now - timedelta(hours=1), now + timedelta(seconds=1)))
    list(client.list_pix(now - timedelta(hours=1), now + timedelta(seconds=1), txid=txid))
    client.put_webhook(KEY, "https://odoo.example/dunning_pix/webhook/1/x")
    client.request("GET", f"/webhook/{KEY}")
    with pytest.raises(PixApiError):
        client.get_pix("E" + "0" * 31)  # a problem+json
    assert (bank.answer_problems, bank.refusals) == ([], [])


def test_an_answer_outside_the_specification_is_never_sent_as_a_banks():
    # CobVGerada requires the receiver and the location; a 200 to PUT is not
    # among the answers the specification lists (201).
    found = answer_violations("PUT", ["cobv", "x"], 201, {"txid": "x", "status": "ATIVA"})
    assert any("recebedor" in reason for _where, reason in found)
    assert answer_violations("PUT", ["cobv", "x"], 200, {}) == [
        ("(status)", "200 não é resposta de PUT /cobv/{txid}")
    ]
    # A problem without its type, title and status.
    assert answer_violations("GET", ["pix", "x"], 404, {"detail": "?"})
    # The list of Pix, under either name.
    paging = {"paginaAtual": 0, "itensPorPagina": 1, "quantidadeDePaginas": 1}
    paging["quantidadeTotalDeItens"] = 0
    listed = {"parametros": {"inicio": "2026-01-01T00:00:00Z", "fim": "2026-01-02T00:00:00Z"}}
    listed["parametros"]["paginacao"] = paging
    assert answer_violations("GET", ["pix"], 200, listed) == [
        ("pix", "a lista de Pix é obrigatória")
    ]
    assert answer_violations("GET", ["pix"], 200, {**listed, "cobs": []}) == []


def test_the_query_of_the_received_pix_is_checked(bank):
    assert pix_query_violations({"inicio": ["2026-12-01T10:00:00-03:00"], "fim": ["x"]})
    assert pix_query_violations({"inicio": ["2026-12-01T10:00:00Z"]}) == [("fim", "obrigatório")]
    good = {"inicio": ["2026-12-01T10:00:00.5Z"], "fim": ["2026-12-01T11:00:00-03:00"]}
    assert pix_query_violations(good) == []
    for name, value in (
        ("paginacao.itensPorPagina", "1001"),
        ("paginacao.itensPorPagina", "0"),
        ("paginacao.paginaAtual", "-1"),
        ("txIdPresente", "yes"),
        ("txid", "RG-1"),
    ):
        assert pix_query_violations({**good, name: [value]}), (name, value)
    token = client_for(bank).token()
    answer = requests.get(
        bank.base_url + "/pix",
        params={"inicio": "2026-12-01T11:00:00Z", "fim": "2026-12-01T10:00:00Z"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 400 and answer.json()["violacoes"][0]["propriedade"] == "fim"


def test_what_cobv_operacao_invalida_lists_is_refused(bank):
    client = client_for(bank)
    txid = make_txid("db", 2)
    late_discount = body(txid)
    late_discount["valor"]["desconto"] = {
        "modalidade": 1,
        "descontoDataFixa": [
            {"data": (date.today() + timedelta(days=11)).isoformat(), "valorPerc": "5.00"}
        ],
    }
    with pytest.raises(PixApiError, match="após o vencimento"):
        client.put_cobv(txid, late_discount)
    whole = body(txid, discount_until=date.today(), discount_amount="5.00")
    whole["valor"]["desconto"]["descontoDataFixa"][0]["valorPerc"] = "100.00"
    with pytest.raises(PixApiError, match="maior ou igual"):
        client.put_cobv(txid, whole)
    client.put_cobv(txid, body(txid))
    # Removed together with other changes.
    with pytest.raises(PixApiError, match="remoção junto"):
        client.patch_cobv(
            txid, {"status": "REMOVIDA_PELO_USUARIO_RECEBEDOR", "valor": {"original": "9.00"}}
        )
    # A revision that leaves the charge with an amount of zero.
    with pytest.raises(PixApiError, match="valor zero"):
        client.patch_cobv(txid, {"valor": {"original": "0.00"}})
    assert bank.charges[txid]["revisao"] == 0 and bank.charges[txid]["valor"]["original"] == (
        "100.00"
    )


def test_the_payers_bank_counts_days_as_the_specification_does(bank):
    """CobDataDeVencimento: payable on its due date at any hour (in Brasília),
    a due date on a weekend or holiday moved to the next business day with its
    fine and interest, and refused after its days of validity (that last day
    moved too: the specification's examples A to C)."""
    payable = bank.payable_until
    assert payable(payable(date(2020, 10, 20)) + timedelta(days=4)) == date(2020, 10, 26)
    assert payable(payable(date(2020, 12, 25)) + timedelta(days=0)) == date(2020, 12, 28)
    assert payable(payable(date(2020, 12, 25)) + timedelta(days=1)) == date(2020, 12, 29)
    client = client_for(bank)
    brasilia = timezone(timedelta(hours=-3))
    due = date(2030, 6, 8)  # a Saturday; Monday 10 and Tuesday 11 are business days
    charges = {}
    for number in range(3):
        txid = make_txid("db", 100 + number)
        charge = body(txid, fine_percent=2, interest_percent_month=1, validity_days=0)
        charge["calendario"]["dataDeVencimento"] = due.isoformat()
        client.put_cobv(txid, charge)
        charges[number] = txid
    # Saturday 23:30 in Brasília (Sunday in UTC), then Monday: no charges.
    late_evening = datetime.combine(due, datetime.min.time(), brasilia) + timedelta(hours=23.5)
    assert bank.pay(charges[0], when=late_evening, notify=False)["valor"] == "100.00"
    monday = late_evening + timedelta(days=2)
    assert bank.pay(charges[1], when=monday, notify=False)["valor"] == "100.00"
    # Tuesday: past its validity of 0 days (moved to Monday).
    with pytest.raises(ValueError, match="no longer payable"):
        bank.pay(charges[2], when=monday + timedelta(days=1), notify=False)
