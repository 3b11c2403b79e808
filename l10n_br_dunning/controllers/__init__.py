from . import main
from . import portal
from . import portal_agreement
