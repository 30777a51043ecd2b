"""Every write of the domain, by area; import from here: `from directives import services`.

Services are named `<entity>_<verb>`, take keyword-only arguments, run in a transaction and
call `full_clean()` before saving. A side effect outside the database (Celery work, an email)
must be enqueued with `transaction.on_commit`; the services here have none today: reminders
are planned by the daily sweep from what the services wrote, so nothing is sent for a write
that rolls back.
"""

# The import's one service lives with its flow (directives/importing/); named here too, as a write.
from directives.importing.services import ImportResult, directive_import, import_refusal  # noqa: E402, F401
from directives.services.access import *  # noqa: E402, F403
from directives.services.core import *  # noqa: F403
from directives.services.core import require  # noqa: F401
from directives.services.desk import *  # noqa: E402, F403
from directives.services.documents import *  # noqa: E402, F403
from directives.services.oversight import *  # noqa: E402, F403
from directives.services.passdown import *  # noqa: E402, F403
from directives.services.recurring import *  # noqa: E402, F403
from directives.services.reminders import *  # noqa: E402, F403
