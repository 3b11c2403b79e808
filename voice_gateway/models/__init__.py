from . import voice_account
from . import voice_call
from . import voice_opt_out
