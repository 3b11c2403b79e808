/** @odoo-module **/
// A customer on a phone, arriving from a reminder's link (see
// tests/test_dunning_portal_tour.py: a 360 px wide window, no login).
// Plain <select> elements: "select <value>" takes the option's value as is.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("dunning_portal_paid", {
    steps: () => [
        {
            content: "The reminder's page shows what is due",
            trigger: "#dunning table td:contains(R$)",
        },
        {
            content: "Open 'I have already paid'",
            trigger: "#dunning details.o_dunning_paid summary",
            run: "click",
        },
        {
            content: "Paid by Pix",
            trigger: "#dunning_method",
            run: "select pix",
        },
        {
            content: "Send",
            trigger: "#dunning details.o_dunning_paid button[type=submit]",
            run: "click",
        },
        {
            content: "Thanked, and the régua is paused",
            trigger: "#dunning .alert-success",
        },
        {
            content: "No more forms to fill in for now",
            trigger: "#dunning .alert-info",
        },
    ],
});

registry.category("web_tour.tours").add("dunning_portal_dispute", {
    steps: () => [
        {
            content: "Open 'Something is wrong with this invoice'",
            trigger: "#dunning details.o_dunning_dispute summary",
            run: "click",
        },
        {
            content: "The product came defective",
            trigger: "#dunning_reason",
            run: "select defective",
        },
        {
            content: "Say what happened",
            trigger: "#dunning_note",
            run: "edit Chegaram 3 resmas molhadas.",
        },
        {
            content: "Send",
            trigger: "#dunning details.o_dunning_dispute button[type=submit]",
            run: "click",
        },
        {
            content: "Thanked",
            trigger: "#dunning .alert-success",
        },
    ],
});

registry.category("web_tour.tours").add("dunning_portal_preferences", {
    steps: () => [
        {
            content: "Follow 'How and when we contact you'",
            trigger: "#dunning a.o_dunning_preferences_link",
            run: "click",
        },
        {
            content: "Prefer e-mail",
            trigger: "#dunning_channel",
            run: "select email",
        },
        {
            content: "In the mornings",
            trigger: "#dunning_hours",
            run: "select morning",
        },
        {
            content: "A new mobile number",
            trigger: "#dunning_mobile",
            run: "edit (11) 97777-6666",
        },
        {
            content: "No SMS, please",
            trigger: "#dunning_sms_opt_out",
            run: "click",
        },
        {
            content: "Save",
            trigger: "form.o_dunning_preferences button[type=submit]",
            run: "click",
        },
        {
            content: "A new number from a link: a code goes to the number on file",
            trigger: ".o_dunning_code_step:contains(*****-4321)",
        },
        {
            content: "Type the code received",
            trigger: "#dunning_code",
            run: "edit 246810",
        },
        {
            content: "Save again",
            trigger: "form.o_dunning_preferences button[type=submit]",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".alert-success",
        },
    ],
});

registry.category("web_tour.tours").add("dunning_portal_agreement", {
    steps: () => [
        {
            content: "Split the overdue invoice into installments",
            trigger: "#dunning a.o_dunning_split",
            run: "click",
        },
        {
            content: "The options show each schedule and total",
            trigger: ".o_dunning_option:contains(R$)",
        },
        {
            content: "Choose 2 installments: its page shows the whole term",
            trigger: ".o_dunning_choose[data-count='2']",
            run: "click",
        },
        {
            content: "No CPF on file: the term names who signs it, so it asks first",
            trigger: "#dunning_vat",
            run: "edit 529.982.247-25",
        },
        {
            content: "Continue to the term",
            trigger: "button.o_dunning_vat_submit",
            run: "click",
        },
        {
            content: "The whole term, clauses and dates included, before the box to tick",
            trigger: ".o_dunning_term_text:contains(3.1.):contains(Parcela 2 de 2)",
        },
        {
            content: "Accept the term read",
            trigger: "#dunning_accept",
            run: "click",
        },
        {
            content: "Accept the agreement",
            trigger: "button.o_dunning_agreement_submit",
            run: "click",
        },
        {
            content: "Accepted through a link: a code goes to the mobile on file",
            trigger: ".o_dunning_code_step:contains(*****-4321)",
        },
        {
            content: "Type the code received",
            trigger: "#dunning_code",
            run: "edit 246810",
        },
        {
            content: "Accept",
            trigger: "button.o_dunning_agreement_submit",
            run: "click",
        },
        {
            content: "The agreement's page thanks the customer",
            trigger: ".o_dunning_agreement_page .o_dunning_agreement_done",
        },
    ],
});

// The code copied is the one in the field (tests/test_dunning_portal_tour.py
// grants this page the clipboard, as a phone does after a tap).
async function clipboardHoldsTheCode() {
    const field = document.querySelector(".o_dunning_pix_code input");
    const text = await navigator.clipboard.readText();
    if (!field.value || text !== field.value) {
        throw new Error(`The clipboard holds ${JSON.stringify(text)}, not the Pix code`);
    }
}

const copySteps = (how) => [
    {
        content: "Beside the Pix code, a button copies it",
        trigger: ".o_dunning_pix_code .o_dunning_pix_copy:contains(Copiar código Pix)",
        run: "click",
    },
    {
        content: `The copy is confirmed (${how})`,
        trigger: ".o_dunning_pix_code .o_dunning_pix_copied:contains(Código copiado)",
        run: clipboardHoldsTheCode,
    },
    {
        content: "The code is left selected in its field",
        trigger: ".o_dunning_pix_code input",
        run() {
            const field = document.querySelector(".o_dunning_pix_code input");
            if (field.selectionEnd - field.selectionStart !== field.value.length) {
                throw new Error("The Pix code is not selected");
            }
        },
    },
];

registry.category("web_tour.tours").add("dunning_portal_pix_copy", {
    steps: () => copySteps("by the clipboard"),
});

registry.category("web_tour.tours").add("dunning_portal_pix_copy_fallback", {
    steps: () => [
        {
            content: "A browser that refuses the clipboard API (an old WebView, no permission)",
            trigger: ".o_dunning_pix_code .o_dunning_pix_copy",
            run() {
                navigator.clipboard.writeText = () =>
                    Promise.reject(new DOMException("Write permission denied.", "NotAllowedError"));
            },
        },
        ...copySteps("by selecting the code and the browser's copy command"),
    ],
});

registry.category("web_tour.tours").add("dunning_portal_pix_selected", {
    steps: () => [
        {
            content: "Copy, in a browser that allows no copy at all",
            trigger: ".o_dunning_pix_code .o_dunning_pix_copy",
            run: "click",
        },
        {
            content: "No claim of a copy: the code is selected, the page says so",
            trigger: ".o_dunning_pix_code .o_dunning_pix_selected:contains(Código selecionado)",
        },
        {
            content: "…and 'copied' stays hidden",
            trigger: ".o_dunning_pix_code .o_dunning_pix_copied:not(:visible)",
        },
    ],
});
