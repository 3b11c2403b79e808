from . import dunning_send_wizard
from . import dunning_pause_wizard
from . import dunning_preview
from . import dunning_call_outcome
from . import dunning_agreement_wizard
from . import dunning_agreement_cancel
