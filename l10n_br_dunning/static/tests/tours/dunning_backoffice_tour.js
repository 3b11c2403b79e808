/** @odoo-module **/
// An accountant opens the collections dashboard, drills into a customer, sends
// a reminder now, sees it in the invoice's timeline, pauses and resumes the
// régua (see tests/test_dunning_backoffice_tour.py).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("dunning_backoffice", {
    steps: () => [
        {
            content: "The dashboard lists the customer",
            trigger: ".o_list_view .o_data_row:contains(Maria Souza) td[name=partner_id]",
            run: "click",
        },
        {
            content: "Open the customer's invoices",
            trigger: ".o_form_view button[name=action_open_invoices]",
            run: "click",
        },
        {
            content: "Open the invoice",
            trigger: ".o_list_view .o_data_row:first td[name=name]",
            run: "click",
        },
        {
            content: "Collection tab",
            trigger: ".o_notebook_headers a[name=dunning]",
            run: "click",
        },
        {
            content: "Send now",
            trigger: "button.o_dunning_send_now",
            run: "click",
        },
        {
            content: "Choose the stage",
            trigger: ".modal .o_field_widget[name=stage_id] input",
            run: "edit Second",
        },
        {
            content: "The second notice",
            trigger: ".o-autocomplete--dropdown-item:contains(Second notice)",
            run: "click",
        },
        {
            content: "Its channels are proposed",
            trigger: ".modal .o_field_widget[name=send_email] input:checked",
        },
        {
            content: "Send",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The reminder is in the timeline, sent by a person",
            trigger: ".o_dunning_timeline .o_data_row:contains(Sent by a person)",
        },
        {
            content: "Pause",
            trigger: "button.o_dunning_pause",
            run: "click",
        },
        {
            content: "Until a date",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Acordo por telefone",
        },
        {
            content: "Confirm the pause",
            trigger: ".modal button[name=action_pause]",
            run: "click",
        },
        {
            content: "Resume",
            trigger: "button.o_dunning_resume",
            run: "click",
        },
        {
            content: "Running again",
            trigger: "button.o_dunning_pause",
        },
    ],
});

// The collections user answers the régua's call on the customer's form:
// "Record call outcome" on the call itself (see tests/test_dunning_backoffice_tour.py).
registry.category("web_tour.tours").add("dunning_call_outcome_from_activity", {
    steps: () => [
        {
            content: "Record the outcome of the régua's call",
            trigger: ".o-mail-Activity .o-dunning-Activity-callOutcome",
            run: "click",
        },
        {
            content: "The customer disputes the debt",
            trigger: ".modal .o_field_widget[name=outcome] input[data-value=dispute]",
            run: "click",
        },
        {
            content: "Record",
            trigger: ".modal button[name=action_record]",
            run: "click",
        },
        {
            content: "The call is answered",
            trigger: "body:not(:has(.modal)):not(:has(.o-dunning-Activity-callOutcome))",
        },
    ],
});
