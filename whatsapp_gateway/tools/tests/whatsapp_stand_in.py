"""A stand-in WhatsApp provider on 127.0.0.1, for tests, demos and benchmarks.

sms_gateway's stand-in server (concurrent answers, latency, rate limit,
scripted answers, an outage, a slow reply the client gives up on, counters)
speaking the WhatsApp request shapes of Meta's Cloud API, Twilio (Content
templates on the Messages API), Zenvia v2 and Infobip, each with its
authentication, its answers and its template states (``GET``). A template
the test marks as not approved is refused as the provider would (Meta
132001, Twilio 63027, Zenvia VALIDATION_ERROR, Infobip REJECTED_TEMPLATE).

Every accepted message is in ``accepted`` as (provider, reference, number,
text) where text is ``template:<name>|<param>|...`` or the free text.
Run as a process of its own (``python3 whatsapp_stand_in.py``) for benchmarks.
"""

import base64
import json
import re

try:
    from odoo.addons.sms_gateway.tools.tests import provider_stand_in as sms_stand_in
except ImportError:
    try:  # plain tests: no Odoo
        from sms_gateway.tools.tests import provider_stand_in as sms_stand_in
    except ImportError:  # a process of its own (benchmarks): the file itself
        import importlib.util
        from pathlib import Path

        _path = Path(__file__).resolve().parents[3] / "sms_gateway/tools/tests/provider_stand_in.py"
        _spec = importlib.util.spec_from_file_location("provider_stand_in", _path)
        sms_stand_in = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(sms_stand_in)

OK, SLOW, HANG = sms_stand_in.OK, sms_stand_in.SLOW, sms_stand_in.HANG
_META = re.compile(r"^/v\d+\.\d+/")


class TemplateRefused(ValueError):
    pass


class WhatsappStandIn(sms_stand_in.StandInProvider):
    def __init__(self, access_token="meta-access-token", phone_number_id="1234567890", **kwargs):
        super().__init__(**kwargs)
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        # Template states the GET endpoints answer ({name or id: status}); a
        # template whose state is not APPROVED is refused when sent.
        self.templates = {}

    def reset(self):
        result = super().reset()
        self.templates = {}
        return result

    def _route_auth(self, path, headers):
        basic = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if _META.match(path):
            return "meta", headers.get("Authorization") == f"Bearer {self.access_token}"
        if path.startswith("/2010-04-01/Accounts/") or path.startswith("/v1/Content/"):
            return "twilio", headers.get("Authorization") == f"Basic {basic}"
        if path.startswith("/v2/"):
            return "zenvia", headers.get("X-API-TOKEN") == self.api_key
        if path.startswith("/whatsapp/") or path.startswith("/account/1/"):
            return "infobip", headers.get("Authorization") == f"App {self.api_key}"
        return "unknown", False

    def _refuse_unapproved(self, template):
        state = self.templates.get(template, "APPROVED")
        if state != "APPROVED":
            raise TemplateRefused(f"template {template} is {state}")

    def _check_shapes(self, provider, form, data):
        if provider != "twilio" and not isinstance(data, dict):
            raise ValueError("body is not a JSON object")
        if provider not in ("twilio", "meta", "zenvia", "infobip"):
            raise ValueError(f"unknown path for {provider}")
        return getattr(self, f"_shape_{provider}")(form, data)

    def _shape_twilio(self, form, data):
        if not form.get("To", "").startswith("whatsapp:+"):
            raise ValueError("To must be whatsapp:+E.164")
        if not (form.get("From", "").startswith("whatsapp:") or form.get("MessagingServiceSid")):
            raise ValueError("From (whatsapp:) or MessagingServiceSid is required")
        number = form["To"].removeprefix("whatsapp:")
        if form.get("ContentSid"):
            self._refuse_unapproved(form["ContentSid"])
            variables = json.loads(form.get("ContentVariables") or "{}")
            text = "|".join(["template:" + form["ContentSid"], *variables.values()])
        elif form.get("Body"):
            text = form["Body"]
        else:
            raise ValueError("ContentSid or Body is required")
        return [(None, number, text)]

    def _shape_meta(self, form, data):
        if data.get("messaging_product") != "whatsapp" or not str(data.get("to")).isdigit():
            raise ValueError("messaging_product and to (digits) are required")
        if data.get("type") == "template":
            template = data["template"]
            if not template.get("name") or not template.get("language", {}).get("code"):
                raise ValueError("template name and language are required")
            self._refuse_unapproved(template["name"])
            params = [
                parameter["text"]
                for component in template.get("components", [])
                for parameter in component["parameters"]
            ]
            for value in params:
                if not value or "\n" in value or "\t" in value or "     " in value:
                    raise ValueError(f"parameter {value!r} refused")
            text = "|".join(["template:" + template["name"], *params])
        elif data.get("type") == "text":
            text = data["text"]["body"]
        else:
            raise ValueError("type must be template or text")
        return [(None, "+" + data["to"], text)]

    def _shape_zenvia(self, form, data):
        content = (data.get("contents") or [{}])[0]
        if not data.get("from") or not str(data.get("to", "")).isdigit():
            raise ValueError("from and to (digits) are required")
        if not data.get("externalId"):
            raise ValueError("externalId is required")
        if content.get("type") == "template":
            self._refuse_unapproved(content["templateId"])
            text = "|".join(["template:" + content["templateId"], *content["fields"].values()])
        elif content.get("type") == "text" and content.get("text"):
            text = content["text"]
        else:
            raise ValueError("contents[0] must be a template or a text")
        return [(data["externalId"], "+" + data["to"], text)]

    def _shape_infobip(self, form, data):
        messages = data.get("messages", [data])
        shapes = []
        for message in messages:
            if not str(message.get("to", "")).isdigit() or not message.get("messageId"):
                raise ValueError("to (digits) and messageId are required")
            content = message.get("content") or {}
            if "templateName" in content:
                self._refuse_unapproved(content["templateName"])
                params = content["templateData"]["body"]["placeholders"]
                text = "|".join(["template:" + content["templateName"], *params])
            elif content.get("text"):
                text = content["text"]
            else:
                raise ValueError("content must be a template or a text")
            shapes.append((message["messageId"], "+" + message["to"], text))
        return shapes

    def _provider_reference(self, provider, reference):
        if reference is None:
            self._counter += 1
            prefix = "SM" if provider == "twilio" else "wamid.HBgM"
            return f"{prefix}{self._counter:06d}"
        return reference

    def _success(self, provider, references, batch):
        if provider == "meta":
            return 200, {
                "messaging_product": "whatsapp",
                "contacts": [{"input": "", "wa_id": ""}],
                "messages": [{"id": references[0], "message_status": "accepted"}],
            }
        if provider == "infobip":
            pending = {"groupId": 1, "groupName": "PENDING", "name": "PENDING_ENROUTE"}
            return 200, {
                "bulkId": self._new_id("bulk-"),
                "messages": [{"messageId": ref, "status": pending} for ref in references],
            }
        return super()._success(provider, references, batch)

    def _refusal(self, provider, error):
        if not isinstance(error, TemplateRefused):
            return super()._refusal(provider, error)
        if provider == "infobip":
            return 400, {
                "requestError": {
                    "serviceException": {
                        "messageId": "BAD_REQUEST",
                        "text": "Bad request",
                        "validationErrors": {"messages[0].content.templateName": [str(error)]},
                    }
                }
            }
        return 400, self._error_body(provider, 400, refused_template=True)

    def _error_body(self, provider, status, refused_template=False):
        if provider == "meta":
            code = {401: 190, 429: 130429, 400: 100}.get(status, 131000)
            if refused_template:
                code = 132001
            return {"error": {"message": f"stand-in error {status}", "code": code}}
        if provider == "twilio":
            code = {400: 21211, 401: 20003, 429: 63018}.get(status, 20500)
            if refused_template:
                code = 63027
            return {"code": code, "message": f"stand-in error {status}", "status": status}
        if provider == "zenvia" and refused_template:
            return {
                "code": "VALIDATION_ERROR",
                "message": "template not approved",
                "details": [{"path": "templateId"}],
            }
        return super()._error_body(provider, status)

    def _answer_get(self, provider, path):
        if provider == "meta" and path.endswith("/message_templates"):
            return 200, {
                "data": [
                    {
                        "id": f"t-{name}",
                        "name": name,
                        "language": "pt_BR",
                        "status": status,
                        "category": "UTILITY",
                        "rejected_reason": "NONE" if status == "APPROVED" else "INVALID_FORMAT",
                    }
                    for name, status in self.templates.items()
                ]
            }
        if provider == "meta":
            return 200, {
                "verified_name": "Stand-in",
                "display_phone_number": "+55 11 4000-0000",
                "quality_rating": "GREEN",
            }
        match = re.match(r"^/v1/Content/([^/]+)/ApprovalRequests$", path)
        if match:
            status = self.templates.get(match.group(1))
            if status is None:
                return 404, {"code": 20404, "message": "not found"}
            return 200, {
                "sid": match.group(1),
                "whatsapp": {"status": status.lower(), "category": "UTILITY"},
            }
        match = re.match(r"^/v2/templates/([^/]+)$", path)
        if match:
            status = self.templates.get(match.group(1))
            if status is None:
                return 404, {"code": "NOT_FOUND"}
            return 200, {"id": match.group(1), "status": status, "category": "UTILITY"}
        if provider == "infobip" and path.endswith("/templates"):
            return 200, {
                "templates": [
                    {
                        "id": f"t-{name}",
                        "name": name,
                        "language": "pt_BR",
                        "status": status,
                        "category": "UTILITY",
                    }
                    for name, status in self.templates.items()
                ]
            }
        return super()._answer_get(provider, path)


if __name__ == "__main__":
    sms_stand_in.main(WhatsappStandIn)
