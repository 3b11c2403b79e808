"""Bulk data for the benchmarks and the real-process tests: a Brazilian company
and N open receivable installments over N/3.33 customers, due from 40 days ago to
10 days ahead, cloned in SQL from one invoice posted through the ORM (bulk
creation, not one invoice at a time). Needs an Odoo environment (``env``)."""

import random
from datetime import date, datetime, timedelta


def run_moment():
    """When the benchmarks run the régua on this data: 10:00 in São Paulo (13:00
    UTC) on the next business day, as a naive UTC datetime."""
    from odoo.addons.l10n_br_dunning.tools.business_calendar import BusinessCalendar

    run_day = BusinessCalendar("SP").next_business_day(date.today())
    return datetime.combine(run_day, datetime.min.time()) + timedelta(hours=13)


def cpf(number):
    """A valid CPF (check digits computed) from a 9-digit ``number``."""
    digits = [int(c) for c in f"{number:09d}"]
    for size in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(size, 1, -1), strict=False))
        rest = total % 11
        digits.append(0 if rest < 2 else 11 - rest)
    return "".join(map(str, digits))


def setup_company(env):
    """The main company as a Brazilian one (São Paulo, CNPJ, chart, default régua)."""
    company = env.ref("base.main_company")
    if company.country_id.code != "BR":
        company.write({"country_id": env.ref("base.br").id})
    # In reais, as a Brazilian company (Pix takes nothing else), while nothing
    # is booked yet.
    brl = env.ref("base.BRL")
    if company.currency_id != brl and not env["account.move.line"].search_count(
        [("company_id", "=", company.id)], limit=1
    ):
        brl.active = True
        company.currency_id = brl
    # The identity every collection message carries (CDC art. 42-A); also on
    # databases built before the régua required it.
    if not (company.partner_id.vat and company.partner_id.street and company.partner_id.city):
        company.partner_id.write(
            {
                "state_id": env.ref("base.state_br_sp").id,
                "street": "Rua Augusta, 1500",
                "city": "São Paulo",
                "zip": "01304-001",
                "tz": "America/Sao_Paulo",
                "vat": "15.881.399/0001-34",
                "email": "cobranca@aurora.example",
            }
        )
    if not env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")]):
        env["account.chart.template"].try_loading("br", company, install_demo=False)
    company._dunning_ensure_policy()
    if not env["sms.gateway"].search([("company_id", "=", company.id)]):
        env["sms.gateway"].create({"name": "Log", "provider": "log", "company_id": company.id})
    return company


STATES = [
    ("base.state_br_sp", "America/Sao_Paulo"),
    ("base.state_br_rj", "America/Sao_Paulo"),
    ("base.state_br_mg", "America/Sao_Paulo"),
    ("base.state_br_am", "America/Manaus"),
    ("base.state_br_pe", "America/Recife"),
    ("base.state_br_rs", "America/Sao_Paulo"),
]


def build(env, n, today, log=print):
    """Create the customers and invoices, committing every few thousand rows."""
    from odoo.tools import SQL

    company = setup_company(env)
    n_partners = max(1, int(n / 3.33))
    states = [(env.ref(xid).id, tz) for xid, tz in STATES]
    rng = random.Random(42)
    log(f"creating {n_partners} customers...")
    partners = env["res.partner"]
    for start in range(0, n_partners, 2000):
        vals = []
        for i in range(start, min(n_partners, start + 2000)):
            state, tz = states[i % len(states)]
            vals.append(
                {
                    "name": f"Cliente {i:05d}",
                    "email": f"cliente{i}@bench.example",
                    "mobile": f"+55 11 9{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                    "state_id": state,
                    "country_id": env.ref("base.br").id,
                    "tz": tz,
                    "lang": "en_US",
                }
            )
        partners |= env["res.partner"].create(vals)
    env.cr.commit()

    log(f"creating {n} posted invoices (SQL clones of one ORM invoice)...")
    template = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partners[0].id,
            "company_id": company.id,
            "invoice_date": today - timedelta(days=60),
            "invoice_date_due": today,
            "invoice_line_ids": [
                (0, 0, {"name": "Papel A4", "quantity": 1, "price_unit": 150.0, "tax_ids": []})
            ],
        }
    )
    template.action_post()
    env.flush_all()
    skip_move = {
        "id",
        "name",
        "partner_id",
        "commercial_partner_id",
        "invoice_date_due",
        "sequence_number",
        "dunning_next_action_at",
        "dunning_stage_id",
        "dunning_link_token",
        "access_token",
    }
    skip_line = {
        "id",
        "move_id",
        "partner_id",
        "date_maturity",
        "move_name",
        "dunning_next_action_at",
        "dunning_stage_id",
    }

    def columns(table, skip):
        rows = env.execute_query(
            SQL("SELECT column_name FROM information_schema.columns WHERE table_name = %s", table)
        )
        return [r[0] for r in rows if r[0] not in skip]

    move_cols, line_cols = (
        columns("account_move", skip_move),
        columns("account_move_line", skip_line),
    )
    ids = list(range(1, n))  # the template is the n-th
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        part = [partners[i % len(partners)].id for i in chunk]
        due = [today + timedelta(days=rng.randint(-40, 10)) for _ in chunk]
        names = [f"BENCH/{i:07d}" for i in chunk]
        seqs = [1_000_000 + i for i in chunk]
        cols = SQL(", ").join(SQL.identifier(c) for c in move_cols)
        mcols = SQL(", ").join(SQL.identifier("m", c) for c in move_cols)
        new = env.execute_query(
            SQL(
                """INSERT INTO account_move (%s, name, partner_id, commercial_partner_id,
                                         invoice_date_due, sequence_number)
               SELECT %s, v.name, v.partner, v.partner, v.due, v.seq
                 FROM account_move m,
                      unnest(%s::varchar[], %s::int[], %s::date[], %s::int[])
                        AS v(name, partner, due, seq)
                WHERE m.id = %s
            RETURNING id, name, partner_id, invoice_date_due""",
                cols,
                mcols,
                names,
                part,
                due,
                seqs,
                template.id,
            )
        )
        lcols = SQL(", ").join(SQL.identifier(c) for c in line_cols)
        lsel = SQL(", ").join(SQL.identifier("l", c) for c in line_cols)
        env.execute_query(
            SQL(
                """INSERT INTO account_move_line (%s, move_id, partner_id, date_maturity, move_name)
               SELECT %s, v.id, v.partner,
                      CASE WHEN l.display_type = 'payment_term' THEN v.due ELSE l.date_maturity END,
                      v.name
                 FROM account_move_line l,
                      unnest(%s::int[], %s::varchar[], %s::int[], %s::date[])
                        AS v(id, name, partner, due)
                WHERE l.move_id = %s""",
                lcols,
                lsel,
                [r[0] for r in new],
                [r[1] for r in new],
                [r[2] for r in new],
                [r[3] for r in new],
                template.id,
            )
        )
        env.cr.commit()
        log(f"  {start + len(chunk) + 1}/{n}")
    env.invalidate_all()
