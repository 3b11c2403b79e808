/** @odoo-module */
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// "Record call outcome" on a call the régua asked for: the outcome is that
// call's company's (a customer shared by several companies), and it closes
// that call (mail.activity.action_dunning_call_outcome).
import { Activity } from "@mail/core/web/activity";
import { patch } from "@web/core/utils/patch";

patch(Activity.prototype, {
    async onClickDunningCallOutcome() {
        const thread = this.thread;
        const action = await this.env.services.orm.call(
            "mail.activity",
            "action_dunning_call_outcome",
            [[this.props.activity.id]]
        );
        await this.env.services.action.doAction(action, {
            onClose: async () => {
                this.props.onActivityChanged(thread);
                await thread.fetchNewMessages();
            },
        });
    },
});
