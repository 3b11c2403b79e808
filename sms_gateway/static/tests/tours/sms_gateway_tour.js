/** @odoo-module **/
// An administrator configures a gateway and sends a test SMS (see
// tests/test_sms_gateway_tour.py: the Zenvia base URL points at the stand-in).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sms_gateway_configure_and_test", {
    steps: () => [
        {
            content: "Create a gateway",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Zenvia homologação",
        },
        {
            content: "Choose Zenvia",
            trigger: ".o_field_widget[name=provider] select",
            run: 'select "zenvia"',
        },
        {
            content: "The provider's endpoint is prefilled",
            trigger: ".o_field_widget[name=base_url] input:value(/^http/)",
        },
        {
            content: "Sender id",
            trigger: ".o_field_widget[name=sender] input",
            run: "edit AURORA",
        },
        {
            content: "API token",
            trigger: ".o_field_widget[name=api_key] input",
            run: "edit stand-in-api-key",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Open the test dialog",
            trigger: ".o_form_saved ~ * button[name=action_send_test_sms], button[name=action_send_test_sms]",
            run: "click",
        },
        {
            content: "Type a mobile number the Brazilian way",
            trigger: ".modal .o_field_widget[name=number] input",
            run: "edit (11) 98765-4321",
        },
        {
            content: "Send",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The gateway confirms",
            trigger: ".o_notification:contains(Test SMS sent)",
        },
    ],
});
