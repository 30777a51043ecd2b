"""English interface, Vietnamese date conventions: dd/mm/yyyy, never month first."""

from tracker.formats.vi.formats import (  # noqa: F401
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
)

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
