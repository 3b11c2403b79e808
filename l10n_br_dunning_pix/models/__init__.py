from . import account_move
from . import account_move_line
from . import dunning_agreement
from . import dunning_channel
from . import dunning_pix_account
from . import dunning_pix_charge
from . import dunning_pix_payment
from . import res_config_settings
