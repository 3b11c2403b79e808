# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dataclasses import dataclass, field, replace
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from odoo.addons.sms_gateway.phone_errors import phone_error_text
from odoo.addons.sms_gateway.tools.phone import PhoneNumberError, normalize_mobile
from odoo.addons.sms_gateway.tools.replies import as_note

from ..tools.portal_codes import mask_phone
from ..tools.portal_rules import PromiseError, UploadError, check_promise_date, sniff_receipt

PORTAL_REQUEST_KINDS = [
    ("paid", "Says it is paid"),
    ("dispute", "Dispute"),
    ("promise", "New payment date"),
    ("preferences", "Contact preferences"),
    ("link", "Asked for a new link"),
]
PAYMENT_METHODS = [
    ("pix", "Pix"),
    ("boleto", "Bank slip (boleto)"),
    ("transfer", "Bank transfer (TED)"),
    ("card", "Card"),
    ("cash", "Cash"),
    ("other", "Other"),
]
# Portal requests one invoice (or one customer's preferences) may receive per hour.
PORTAL_RATE_LIMIT = 5
# The same answer about the same invoice again within these minutes (a second
# tap on "Enviar", a page sent again) is the first one: nothing more recorded.
REPEAT_MINUTES = 10
FRESH_LINKS_PER_HOUR = 3


class DunningRateLimit(UserError):
    """Too many portal requests for one invoice or customer: try later (HTTP 429)."""


@dataclass
class Answer:
    """A customer's answer, checked and ready to apply (what ``_prepare_<kind>``
    returns); nothing of it is stored before every check passed."""

    details: str
    note: str  # for the chatter of the invoice (or of the customer)
    move_values: dict = field(default_factory=dict)
    pause: tuple = None  # (reason, until) for the invoice's régua
    receipt: tuple = None  # (file name, bytes, mimetype)
    activity: tuple = None  # (summary, note) for the person collecting
    partner_values: dict = field(default_factory=dict)
    opt_out: tuple = None  # (numbers, company, opted out?) for the company's SMS opt-outs
    log_values: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # what an add-on applies (``_apply``)


class DunningPortalRequest(models.Model):
    """What a customer asked on the portal (já paguei, contestar, nova data,
    contact preferences), for the accountant and the rate limit.

    Every flow goes through ``_submit``: refuse a closed invoice or too many
    requests, check the answer (``_prepare_<kind>``, which stores nothing), then
    apply it, tell the people and log it, in that order.
    """

    _name = "dunning.portal.request"
    _description = "Collection Request from the Portal"
    _order = "id desc"

    move_id = fields.Many2one("account.move", "Invoice", index=True, ondelete="cascade")
    agreement_id = fields.Many2one("dunning.agreement", index="btree_not_null", ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Customer", index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    kind = fields.Selection(PORTAL_REQUEST_KINDS, required=True)
    details = fields.Text()
    payment_method = fields.Selection(PAYMENT_METHODS, "Paid by")
    ip_address = fields.Char("IP address")
    code_id = fields.Many2one(
        "dunning.portal.code",
        "Confirmed by code",
        readonly=True,
        help="The one-time code sent to a contact on file that confirmed it (token links).",
    )

    # -- the skeleton ------------------------------------------------------------------
    @api.model
    def _submit(self, kind, partner, company, move=None, ip_address=None, code=None, **answer):
        """One answer of ``partner`` (a commercial partner) about ``move`` (None
        for the customer's preferences). Raises UserError (DunningRateLimit when
        over the limit) and changes nothing when it is refused."""
        move = move or self.env["account.move"]
        if move:
            # Two taps of one answer wait for each other: the second (retried
            # when the first changed the invoice) finds the first recorded.
            self.env.cr.execute(
                SQL("SELECT 1 FROM account_move WHERE id = %s FOR NO KEY UPDATE", move.id)
            )
            if earlier := self._repeated(kind, partner, company, move, **answer):
                return earlier
        self._check_allowed(kind, partner, move)
        prepared = getattr(self, f"_prepare_{kind}")(partner, company, move, **answer)
        prepared = self._for_the_team(kind, partner, company, move, prepared, answer)
        self._apply(partner, move, prepared)
        record = move or partner
        attachment = self._store_receipt(record, prepared.receipt)
        record.sudo().message_post(
            body=Markup("<p>%s</p>") % prepared.note,
            attachment_ids=attachment.ids,
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        if prepared.activity and move:
            self._schedule_activity(move, *prepared.activity, kind=kind)
        return self.sudo().create(
            {
                **prepared.log_values,
                "move_id": move.id,
                "partner_id": partner.id,
                "company_id": company.id,
                "kind": kind,
                "details": prepared.details,
                "ip_address": ip_address,
                "code_id": code.id if code else False,
            }
        )

    @api.model
    def _repeated(self, kind, partner, company, move=None, **answer):
        """The request this answer about ``move`` repeats, or an empty recordset:
        the same answer (what the team reads, and the same receipt file) made in
        the last REPEAT_MINUTES. A phone's second tap on "Enviar" thanks the
        customer again and records nothing (nor asks a code again)."""
        if not move:
            return self.browse()
        try:
            prepared = getattr(self, f"_prepare_{kind}")(partner, company, move, **answer)
            prepared = self._for_the_team(kind, partner, company, move, prepared, answer)
        except UserError:
            return self.browse()  # refused: said when it is submitted
        since = fields.Datetime.now() - timedelta(minutes=REPEAT_MINUTES)
        earlier = self.sudo().search(
            [
                ("move_id", "=", move.id),
                ("kind", "=", kind),
                ("details", "=", prepared.details),
                ("create_date", ">=", since),
            ],
            order="id desc",
            limit=1,
        )
        if earlier and prepared.receipt:
            Attachment = self.env["ir.attachment"].sudo()
            checksum = Attachment._compute_checksum(prepared.receipt[1])
            if not Attachment.search_count(
                [
                    ("res_model", "=", move._name),
                    ("res_id", "=", move.id),
                    ("checksum", "=", checksum),
                    ("create_date", ">=", since),
                ],
                limit=1,
            ):
                return self.browse()  # a receipt not sent yet: a new answer
        return earlier

    @api.model
    def _for_the_team(self, kind, partner, company, move, prepared, answer):
        """``prepared`` with what the collections team reads (the chatter note,
        the to-do, the request's details) in the company's language
        (``res.company._dunning_lang``, as for replies), not in the language
        of the page the customer answered on; the customer's refusals were
        said in theirs."""
        lang = company._dunning_lang()
        if not lang or lang == self.env.lang:
            return prepared
        team = getattr(self.with_context(lang=lang), f"_prepare_{kind}")(
            partner, company, move, **answer
        )
        return replace(prepared, note=team.note, activity=team.activity, details=team.details)

    @api.model
    def _check_answer(self, kind, partner, company, move=None, **answer):
        """Raise UserError as ``_submit`` would, storing nothing: a customer is
        asked for a one-time code only for an answer that can be accepted."""
        move = move or self.env["account.move"]
        self._check_allowed(kind, partner, move)
        getattr(self, f"_prepare_{kind}")(partner, company, move, **answer)

    @api.model
    def _check_allowed(self, kind, partner, move):
        if move and move._dunning_portal_closed():
            raise UserError(self.env._("This invoice is already paid: there is nothing to do."))
        if move:
            domain = [("move_id", "=", move.id)]
            message = self.env._(
                "We have already received several requests for this invoice in the last "
                "hour. Please try again later or reply to our e-mail."
            )
        else:
            domain = [("partner_id", "=", partner.id), ("kind", "=", kind)]
            message = self.env._(
                "Your preferences were changed several times in the last hour. "
                "Please try again later."
            )
        self._check_rate(domain, PORTAL_RATE_LIMIT, DunningRateLimit(message))

    @api.model
    def _check_rate(self, domain, limit, error, model=None):
        """Raise ``error`` when ``domain`` matched ``limit`` records in the last
        hour: portal requests, or the records of ``model`` (agreements proposed)."""
        since = fields.Datetime.now() - timedelta(hours=1)
        records = self.env[model] if model else self
        if records.sudo().search_count(domain + [("create_date", ">=", since)]) >= limit:
            raise error

    @api.model
    def _send_new_link(
        self, partner, company, scope, compose, details, move=None, ip_address=None, agreement=None
    ):
        """A customer holding an expired or revoked link asks for a new one (an
        invoice's, an agreement's, a grouped message's): at
        most FRESH_LINKS_PER_HOUR an hour for ``scope`` (a domain of earlier
        requests), written by ``compose(env)`` in the customer's language as
        (SMS body, subject, sentence, url, link label), sent to the mobile on
        file (SMS) else the e-mail on file, never to an address the visitor
        gives, and recorded with ``details(where it went)``. Returns where it
        went, masked."""
        Request = self.sudo()
        Request._check_rate(
            scope + [("kind", "=", "link")],
            FRESH_LINKS_PER_HOUR,
            DunningRateLimit(
                self.env._("We have already sent new links in the last hour: check your messages.")
            ),
        )
        env = self.with_context(lang=partner._dunning_lang(company)).env
        sms_body, subject, sentence, url, label = compose(env)
        html = Markup("<p>%s</p><p><a href='%s'>%s</a></p>%s") % (
            sentence,
            url,
            label,
            company._dunning_signature_html(),
        )
        _channel, sent_to = partner._dunning_write_now(company, sms_body, subject, html)
        Request.create(
            {
                "move_id": move.id if move else False,
                "agreement_id": agreement.id if agreement else False,
                "partner_id": partner.id,
                "company_id": company.id,
                "kind": "link",
                "details": details(sent_to),
                "ip_address": ip_address,
            }
        )
        return sent_to

    @api.model
    def _apply(self, partner, move, prepared):
        if prepared.move_values:
            move.sudo().write(prepared.move_values)
        if prepared.pause:
            reason, until = prepared.pause
            move.sudo()._dunning_pause(reason, until, prepared.details)
        if prepared.partner_values:
            values = dict(prepared.partner_values)
            if "mobile" in values:
                # Where the régua reads it: the contact it texts (its invoice
                # address's number, else its own: ``_dunning_addressee``).
                contact = partner._dunning_addressee("sms")
                contact.sudo().write({"mobile": values.pop("mobile")})
            partner.sudo().write(values)
        if prepared.opt_out:
            # The invoice's company stops (or resumes) its SMS; the other
            # companies of the database are the customer's to answer on their
            # own pages. Opting back in also lifts Odoo's global blacklist.
            numbers, company, opted_out = prepared.opt_out
            OptOut = self.env["sms.opt.out"].sudo()
            Blacklist = self.env["phone.blacklist"].sudo()
            for number in numbers:
                if opted_out:
                    OptOut._add(
                        number,
                        company,
                        "portal",
                        partner=partner,
                        note=self.env._("Opted out on the customer portal."),
                    )
                else:
                    OptOut._remove([number], company)
                    if Blacklist.search_count([("number", "=", number)], limit=1):
                        Blacklist._remove(
                            [number], message=self.env._("Opted in on the customer portal.")
                        )
        if "email_opt_out" in prepared.extra:
            company, opted_out = prepared.extra["email_opt_out"]
            if (company in partner.dunning_email_opt_out_company_ids) != opted_out:
                partner._dunning_email_opt_out(company, opted_out)

    @api.model
    def _store_receipt(self, record, receipt):
        if not receipt:
            return self.env["ir.attachment"]
        name, content, mimetype = receipt
        return (
            self.env["ir.attachment"]
            .sudo()
            # Kept as the customer sent it: a damaged photo is no server error.
            .with_context(image_no_postprocess=True)
            .create(
                {
                    "name": name or self.env._("receipt"),
                    "raw": content,
                    "mimetype": mimetype,
                    "res_model": record._name,
                    "res_id": record.id,
                }
            )
        )

    @api.model
    def _schedule_activity(self, move, summary, note, kind=None):
        """A to-do for the person who handles this invoice's collection. The
        customer saying it again ("já paguei" twice, a later date promised)
        brings the open to-do of that ``kind`` up to date (what they said last,
        due today) instead of adding one beside it."""
        user = move.commercial_partner_id._dunning_collections_user(
            move.company_id, before=(move.invoice_user_id,)
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        note = as_note(note)  # the customer's words, as typed
        summaries = self._activity_summaries(kind)
        open_todo = move.sudo().activity_ids.filtered(
            lambda activity: activity.activity_type_id == todo and activity.summary in summaries
        )[:1]
        if open_todo:
            open_todo.write(
                {
                    "user_id": user.id,
                    "summary": summary,
                    "note": note,
                    "date_deadline": fields.Date.context_today(open_todo),
                }
            )
            return open_todo
        return move.sudo().activity_schedule(
            "mail.mail_activity_data_todo", user_id=user.id, summary=summary, note=note
        )

    @api.model
    def _activity_summary(self, kind):
        """The summary of the to-do a request of ``kind`` gives (None: none)."""
        return {
            "paid": self.env._("Check the payment the customer reports"),
            "dispute": self.env._("Resolve the customer's dispute"),
            "promise": self.env._("New payment date proposed by the customer"),
        }.get(kind)

    @api.model
    def _activity_summaries(self, kind):
        """That summary in every language installed: an earlier request may
        have come in another (the portal in the customer's, a reply in the
        company's)."""
        if not kind:
            return set()
        summaries = {
            self.with_context(lang=code)._activity_summary(kind)
            for code, _name in self.env["res.lang"].get_installed()
        }
        return summaries - {None}

    # -- the flows: check an answer, say what applying it means -------------------------
    @api.model
    def _prepare_paid(self, partner, company, move, paid_on=None, method=None, receipt=None):
        """ "Já paguei": the date, how, and an optional receipt ((file name, bytes))."""
        today = partner._dunning_today(company)  # the customer's, the one today
        if not paid_on or paid_on > today:
            raise UserError(self.env._("Please give the date of the payment (today or before)."))
        if method not in dict(PAYMENT_METHODS):
            raise UserError(self.env._("Please choose how you paid."))
        stored = None
        if receipt:
            name, content = receipt
            max_mb = company.dunning_upload_max_mb
            try:
                mimetype = sniff_receipt(content, max_mb * 1024 * 1024)
            except UploadError as error:
                messages = {
                    "empty": self.env._("The receipt file is empty."),
                    "too_large": self.env._("The receipt is larger than %(size)s MB.", size=max_mb),
                    "type": self.env._("The receipt must be a PDF or a photo (PNG, JPEG, WebP)."),
                }
                raise UserError(messages[error.code]) from error
            stored = (name, content, mimetype)
        label = dict(move.with_env(self.env)._dunning_selection_labels("payment_method"))[method]
        until = today + timedelta(days=max(company.dunning_paid_pause_days, 1))
        details = self.env._(
            "Paid on %(date)s by %(method)s.", date=format_date(self.env, paid_on), method=label
        )
        return Answer(
            details=details,
            note=self.env._(
                "The customer says this invoice is paid: %(details)s The régua sends no "
                "reminder of it before %(until)s.",
                details=details,
                until=format_date(self.env, until),
            ),
            pause=("paid_claim", until),
            receipt=stored,
            activity=(self._activity_summary("paid"), details),
            log_values={"payment_method": method},
        )

    @api.model
    def _prepare_dispute(self, partner, company, move, reason=None, note=None):
        """ "Contestar": a reason, and what is wrong in the customer's words."""
        reasons = dict(move.with_env(self.env)._dunning_selection_labels("dispute_reason"))
        if reason not in reasons:
            raise UserError(self.env._("Please choose the reason of the dispute."))
        note = (note or "").strip()[:2000]
        if reason == "other" and not note:
            raise UserError(self.env._("Please tell us what is wrong."))
        details = f"{reasons[reason]}: {note}" if note else reasons[reason]
        return Answer(
            details=details,
            note=self.env._("The customer disputes this invoice: %(details)s", details=details),
            move_values={"dunning_dispute_reason": reason},
            pause=("dispute", False),
            activity=(self._activity_summary("dispute"), details),
        )

    @api.model
    def _prepare_promise(self, partner, company, move, promised_on=None):
        """ "Preciso de uma nova data": a date after today, within the company's limit;
        the régua resumes by itself the day after if the invoice is still open."""
        today = partner._dunning_today(company)  # the customer's, the one today
        if not promised_on:
            raise UserError(self.env._("Please choose the date on which you will pay."))
        try:
            check_promise_date(promised_on, today, company.dunning_promise_max_days)
        except PromiseError as error:
            if error.code == "past":
                raise UserError(self.env._("Please choose a date after today.")) from error
            raise UserError(
                self.env._(
                    "Please choose a date up to %(date)s.",
                    date=format_date(self.env, error.latest),
                )
            ) from error
        details = self.env._("Will pay on %(date)s.", date=format_date(self.env, promised_on))
        return Answer(
            details=details,
            note=self.env._(
                "The customer proposes a new payment date: %(details)s", details=details
            ),
            move_values={"dunning_promise_date": promised_on},
            pause=("promise", promised_on + timedelta(days=1)),
            activity=(
                self._activity_summary("promise"),
                self.env._(
                    "%(details)s Decline it from the invoice if it does not suit.",
                    details=details,
                ),
            ),
        )

    @api.model
    def _prepare_preferences(
        self,
        partner,
        company,
        move,
        channel=None,
        hours=None,
        mobile=None,
        sms_opt_out=False,
        email_opt_out=None,
    ):
        """How and when the customer wants to be contacted, SMS at all, and this
        company's e-mail reminders at all (``email_opt_out`` None: unchanged)."""
        if email_opt_out and channel == "email":
            raise UserError(
                self.env._("You prefer e-mail but asked for no e-mail reminders: choose one.")
            )
        channels = dict(partner._fields["dunning_preferred_channel"].selection)
        hours_choices = dict(partner._fields["dunning_preferred_hours"].selection)
        if channel not in channels or hours not in hours_choices:
            raise UserError(self.env._("Please choose a channel and the hours that suit you."))
        if hours not in company.sudo()._dunning_hours_offered(partner):
            raise UserError(
                self.env._(
                    "We do not send reminders at those hours (%(hours)s): please choose other "
                    "hours.",
                    hours=dict(
                        partner._fields["dunning_preferred_hours"]._description_selection(self.env)
                    )[hours],
                )
            )
        keep = mobile is None  # a token page keeps the number on file
        mobile = (mobile or "").strip()
        number = partner._dunning_e164() if keep else False
        if mobile:
            try:
                number = normalize_mobile(mobile, partner.country_id.code or "BR")
            except PhoneNumberError as error:
                raise UserError(
                    self.env._(
                        "This mobile number cannot receive SMS: %(reason)s",
                        reason=phone_error_text(error.code, self.env.lang),
                    )
                ) from error
        elif channel == "sms" and not number:
            raise UserError(self.env._("Please give a mobile number to receive SMS."))
        labels = dict(partner._fields["dunning_preferred_channel"]._description_selection(self.env))
        hour_labels = dict(
            partner._fields["dunning_preferred_hours"]._description_selection(self.env)
        )
        details = self.env._(
            "Channel: %(channel)s; hours: %(hours)s; mobile: %(mobile)s; SMS: %(sms)s.",
            channel=labels[channel],
            hours=hour_labels[hours],
            mobile=(mask_phone(number) if keep else number) or "-",
            sms=self.env._("no") if sms_opt_out else self.env._("yes"),
        )
        partner_values = {
            "dunning_preferred_channel": channel,
            "dunning_preferred_hours": hours,
        }
        if not keep:
            partner_values["mobile"] = number or False
        extra = {}
        if email_opt_out is not None:
            extra["email_opt_out"] = (company, bool(email_opt_out))
        return Answer(
            details=details,
            note=self.env._(
                "Contact preferences changed on the portal. %(details)s", details=details
            ),
            extra=extra,
            partner_values=partner_values,
            # Stopping stops both numbers; opting back in lifts only the opt-out
            # of the number on file: a number typed here, which asked for no SMS
            # (SAIR, the blacklist), is its owner's, who never consented here.
            opt_out=(
                {partner._dunning_e164(), number if sms_opt_out else False} - {False},
                company,
                bool(sms_opt_out),
            ),
        )
