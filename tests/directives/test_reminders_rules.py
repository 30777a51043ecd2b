"""The pure reminder rules: which window a task is in on a date."""

from datetime import date

from directives import reminders as rules

DEADLINE = date(2021, 12, 31)


def kinds(on, **policy):
    return [
        (d.kind, d.window, d.audience)
        for d in rules.deadline_reminders(
            deadline=DEADLINE, on=on, policy=rules.Policy(**policy) if policy else rules.DEFAULT_POLICY
        )
    ]


def test_it_reminds_seven_days_before_the_deadline():
    assert ("before", "2021-12-31:7", rules.LEAD) in kinds(date(2021, 12, 24))


def test_a_day_inside_a_window_falls_into_that_window_so_a_missed_sweep_is_caught_up():
    assert kinds(date(2021, 12, 25))[0][1] == "2021-12-31:7"
    assert kinds(date(2021, 12, 17))[0][1] == "2021-12-31:14"


def test_nothing_is_due_earlier_than_the_first_threshold():
    assert kinds(date(2021, 12, 16)) == []


def test_on_the_day_it_is_a_due_today_reminder():
    assert kinds(DEADLINE)[0][:2] == ("due_today", "2021-12-31:0")


def test_overdue_reminders_come_every_seven_days():
    assert kinds(date(2022, 1, 1)) == []
    assert kinds(date(2022, 1, 7))[0][:2] == ("overdue", "2021-12-31:overdue:1")
    assert kinds(date(2022, 1, 13))[0][:2] == ("overdue", "2021-12-31:overdue:1")
    assert kinds(date(2022, 1, 14))[0][:2] == ("overdue", "2021-12-31:overdue:2")


def test_escalation_to_the_issuer_comes_only_when_overdue_by_more_than_n_days():
    assert not any(k == "escalation" for k, _w, _a in kinds(date(2022, 1, 14)))
    assert ("escalation", "2021-12-31:escalate:2", rules.ISSUER_MANAGERS) in kinds(date(2022, 1, 15))


def test_a_policy_with_other_thresholds_is_followed():
    assert kinds(date(2021, 12, 1), days_before=(30,))[0][1] == "2021-12-31:30"
    assert kinds(date(2021, 12, 24), enabled=False) == []


def test_a_moved_deadline_gives_windows_of_the_new_date():
    due = rules.deadline_reminders(deadline=date(2022, 1, 31), on=date(2022, 1, 24))
    assert due[0].window == "2022-01-31:7"


def test_finished_and_cancelled_tasks_are_never_reminded():
    on = date(2021, 12, 24)
    done = rules.TaskFacts(deadline=DEADLINE, status="done", completed_on=date(2021, 12, 23))
    cancelled = rules.TaskFacts(deadline=DEADLINE, status="cancelled")
    assert rules.task_reminders(facts=done, on=on) == []
    assert rules.task_reminders(facts=cancelled, on=on) == []


def test_a_task_finished_after_the_sweep_date_is_still_open_on_that_date():
    facts = rules.TaskFacts(deadline=DEADLINE, status="done", completed_on=date(2021, 12, 28))
    assert rules.task_reminders(facts=facts, on=date(2021, 12, 24))


def test_a_task_of_an_inactive_directive_is_not_reminded():
    facts = rules.TaskFacts(deadline=DEADLINE, status="in_progress", directive_active=False)
    assert rules.task_reminders(facts=facts, on=date(2021, 12, 24)) == []


def test_a_pending_extension_reminds_its_decider_at_once_and_then_weekly():
    first = rules.extension_reminders(extension_id=4, requested_on=date(2022, 1, 1), on=date(2022, 1, 1))
    later = rules.extension_reminders(extension_id=4, requested_on=date(2022, 1, 1), on=date(2022, 1, 8))
    assert first[0].window == "ext:4:0" and later[0].window == "ext:4:1"
    assert first[0].audience == rules.ISSUER_MANAGERS


def test_a_missing_preference_means_opted_in():
    assert rules.wants_email(None) and rules.wants_email(True) and not rules.wants_email(False)


def test_each_window_says_the_day_it_is_over():
    before = {d.kind: d.until for d in rules.deadline_reminders(deadline=DEADLINE, on=date(2021, 12, 24))}
    assert before["before"] == date(2021, 12, 28)  # the 3-day window starts then
    today = {d.kind: d.until for d in rules.deadline_reminders(deadline=DEADLINE, on=DEADLINE)}
    assert today["due_today"] == date(2022, 1, 1)
    overdue = {d.kind: d.until for d in rules.deadline_reminders(deadline=DEADLINE, on=date(2022, 1, 20))}
    assert overdue["overdue"] == overdue["escalation"] == date(2022, 1, 21)


def test_a_reminder_stays_useful_through_the_day_after_it_was_planned_for_at_least():
    assert rules.useful_until(planned_for=DEADLINE, until=date(2022, 1, 1)) == date(2022, 1, 2)
    assert rules.useful_until(planned_for=date(2021, 12, 24), until=date(2021, 12, 28)) == date(2021, 12, 28)
    assert rules.useful_until(planned_for=DEADLINE, until=None, min_days=5) == date(2022, 1, 5)


def test_a_task_goes_under_its_most_urgent_heading():
    assert rules.most_urgent({"support", "before", "overdue"}) == "overdue"
    assert rules.most_urgent({"escalation", "overdue"}) == "escalation"
    assert rules.most_urgent({"extension_requested"}) == "extension_requested"


def explained(state, on, since=date(2021, 12, 20), **policy):
    return [
        (d.kind, d.window, d.audience, d.until)
        for d in rules.explanation_reminders(
            explanation_id=7,
            state=state,
            since=since,
            on=on,
            policy=rules.Policy(**policy) if policy else rules.DEFAULT_POLICY,
        )
    ]


def test_an_open_request_for_explanation_is_due_every_day_to_the_body_asked():
    for day in (20, 21, 29):
        on = date(2021, 12, day)
        assert explained("open", on) == [
            ("explanation_open", f"expl:7:{on.isoformat()}", rules.EXPLAINERS, date(2021, 12, day + 1))
        ]


def test_an_answer_is_due_every_day_to_the_askers_managers_and_a_closed_one_never():
    assert explained("answered", date(2021, 12, 22)) == [
        ("explanation_review", "expl:7:answered:2021-12-22", rules.ASKER_MANAGERS, date(2021, 12, 23))
    ]
    assert explained("closed", date(2021, 12, 22)) == []


def test_nothing_is_due_before_the_request_nor_when_the_askers_policy_is_off():
    assert explained("open", date(2021, 12, 19)) == []
    assert explained("open", date(2021, 12, 22), enabled=False) == []
