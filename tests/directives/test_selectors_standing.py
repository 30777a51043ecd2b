"""The SQL standing expression agrees with the pure rule on every case."""

from datetime import date, timedelta
from itertools import product

import pytest

from directives import models
from directives.selectors.standing import with_standing
from tests.factories import DirectiveFactory, TaskFactory

pytestmark = pytest.mark.django_db

DEADLINE = date(2021, 12, 31)


def test_the_sql_standing_equals_the_python_standing_for_every_combination():
    directive = DirectiveFactory()
    statuses = [s for s, _ in models.Task.Status.choices]
    deadlines = [None, DEADLINE]
    completions = [None, DEADLINE - timedelta(days=1), DEADLINE, DEADLINE + timedelta(days=1)]
    progresses = [0, 40]
    tasks = []
    for n, (status, deadline, completed, progress) in enumerate(product(statuses, deadlines, completions, progresses)):
        if status == "done" and completed is None:
            continue
        tasks.append(
            TaskFactory(
                directive=directive,
                path=str(n),
                status=status,
                deadline=deadline,
                completed_on=completed,
                progress=progress,
            )
        )
    cutoffs = [DEADLINE - timedelta(days=5), DEADLINE, DEADLINE + timedelta(days=1), DEADLINE + timedelta(days=30)]
    for cutoff in cutoffs:
        sql = dict(with_standing(models.Task.objects.filter(directive=directive), cutoff).values_list("pk", "standing"))
        for task in tasks:
            assert sql[task.pk] == task.standing(cutoff), (task.status, task.deadline, task.completed_on, cutoff)
