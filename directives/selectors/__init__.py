"""Every read that is more than a `get`, by area; import from here: `from directives import selectors`.

Selectors take the user first, so that what a user may see is decided in one place.
"""

from directives.selectors.dashboard import *  # noqa: F403
from directives.selectors.inbox import *  # noqa: F403
from directives.selectors.rankings import *  # noqa: F403
from directives.selectors.reminders import *  # noqa: F403
from directives.selectors.rollup import *  # noqa: F403
from directives.selectors.scoping import *  # noqa: F403
from directives.selectors.standing import *  # noqa: F403
from directives.selectors.tasks import *  # noqa: F403
