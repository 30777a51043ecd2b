"""Pages of long lists that cost the same at a thousand tasks or a million.

`ListPaginator` differs from Django's `Paginator` in two ways:

- it counts up to `COUNT_CAP` rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`); past that the list
  says "more than 10,000" (`capped`) instead of counting every row of a national data set to
  print one number. The dashboard gives the exact figures;
- it loads a page in two statements: the page's ids, sorted on the narrow columns only (the
  database keeps the 50 best rows instead of sorting every matching row with its text), then
  those rows with their joins and annotations, put back in that order.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class ListPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """Whether there are more rows than were counted."""
        return self.count > self.cap

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
