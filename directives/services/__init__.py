"""Every write of the domain, by area; import from here: `from directives import services`.

Services are named `<entity>_<verb>`, take keyword-only arguments, run in a transaction,
call `full_clean()` before saving and enqueue Celery work with `transaction.on_commit`.
"""

from directives.services.access import *  # noqa: E402, F403
from directives.services.core import *  # noqa: F403
from directives.services.core import ImportResult, require  # noqa: F401
from directives.services.oversight import *  # noqa: E402, F403
from directives.services.reminders import *  # noqa: E402, F403
