/** @odoo-module **/
// "Copiar código Pix" beside each Pix "copia e cola" field of the portal pages
// (views/portal_templates.xml, portal_dunning_pix_code): on a phone, one tap
// instead of a long press and "select all". The button is hidden until this
// runs, so without JavaScript the page shows the plain field, still selectable.
// Its confirmation is written by the server, in the customer's language, and
// each tap writes it anew in the status region (.o_dunning_pix_status) that a
// screen reader announces.
import publicWidget from "@web/legacy/js/public/public_widget";

// A clipboard that never answers (a permission prompt left open) must not
// leave the tap without an answer: the selection fallback runs instead.
const CLIPBOARD_WAIT_MS = 1500;
// The status region is emptied, then written after this pause: the same words
// a second time are a change a screen reader announces again.
const ANNOUNCE_PAUSE_MS = 150;

publicWidget.registry.DunningPixCopy = publicWidget.Widget.extend({
    selector: ".o_dunning_pix_code",
    events: { "click .o_dunning_pix_copy": "_onCopy" },

    start() {
        this.field = this.el.querySelector("input");
        this.button = this.el.querySelector(".o_dunning_pix_copy");
        this.copied = this.el.querySelector(".o_dunning_pix_copied");
        this.selected = this.el.querySelector(".o_dunning_pix_selected");
        this.status = this.el.querySelector(".o_dunning_pix_status");
        this.button.classList.remove("d-none");
        return this._super(...arguments);
    },

    async _onCopy(ev) {
        ev.preventDefault();
        const code = this.field.value;
        const done = (await this._writeClipboard(code)) || this._copyBySelection();
        // Whatever the browser allowed, the code is left selected in its field:
        // a phone's own "Copy" then takes it in one tap.
        this._select();
        // "Copied" only when the browser said so; else the code is selected.
        this.copied.classList.toggle("d-none", !done);
        this.selected.classList.toggle("d-none", done);
        this._announce(done ? this.copied : this.selected);
    },

    destroy() {
        clearTimeout(this.announceTimer);
        return this._super(...arguments);
    },

    // The message shown, said by a screen reader on every tap (TalkBack and
    // VoiceOver skip a region hidden at load, and an unchanged text).
    _announce(message) {
        clearTimeout(this.announceTimer);
        this.status.textContent = "";
        this.announceTimer = setTimeout(() => {
            this.status.textContent = message.textContent.trim();
        }, ANNOUNCE_PAUSE_MS);
    },

    async _writeClipboard(code) {
        if (!navigator.clipboard || !window.isSecureContext) {
            return false;
        }
        let timer;
        const timeout = new Promise((resolve) => {
            timer = setTimeout(() => resolve(false), CLIPBOARD_WAIT_MS);
        });
        try {
            return await Promise.race([
                navigator.clipboard.writeText(code).then(() => true),
                timeout,
            ]);
        } catch {
            return false; // denied (no permission, page not focused)
        } finally {
            clearTimeout(timer);
        }
    },

    _select() {
        this.field.focus();
        this.field.select();
        this.field.setSelectionRange(0, this.field.value.length); // iOS
    },

    _copyBySelection() {
        this._select();
        try {
            return document.execCommand("copy");
        } catch {
            return false;
        }
    },
});
