"""The calendar feed: a secret, revocable iCalendar address of the deadlines of the tasks the
user's organizations lead or support, parsed back with `icalendar` as Outlook, Thunderbird and
Google Calendar would read it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from icalendar import Calendar

from directives import models, services
from tests.factories import MembershipFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


def feed_url(user) -> str:
    _feed, secret = services.calendar_feed_create(user=user)
    return f"/calendar/{secret}.ics"


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_the_feed_has_one_all_day_event_per_task_led_or_supported(api_world):
    viewer = api_world["users"]["viewer"]
    led, supported, hidden = api_world["led"], api_world["supported"], api_world["hidden"]
    cal = parse(Client().get(feed_url(viewer)))
    assert str(cal["version"]) == "2.0" and cal["prodid"]
    found = events(cal)
    assert set(found) == {f"task-{led.pk}@127.0.0.1", f"task-{supported.pk}@127.0.0.1"}
    assert f"task-{hidden.pk}@127.0.0.1" not in found
    event = found[f"task-{led.pk}@127.0.0.1"]
    for required in ("uid", "dtstamp", "dtstart", "dtend", "summary", "sequence", "url", "description"):
        assert required in event, required
    assert event["dtstart"].dt == date(2021, 12, 31)  # a date: an all-day event
    assert event["dtstart"].params.get("VALUE") == "DATE"
    assert event["dtend"].dt == date(2022, 1, 1)
    assert led.path in str(event["summary"]) and "12-TB/BTCTU" in str(event["summary"])
    description = str(event["description"])
    assert api_world["org"].name in description  # the lead
    assert "Quá hạn chưa hoàn thành" in description  # the standing today
    assert str(event["url"]).endswith(f"/tasks/{led.pk}/")
    alarm = event.walk("VALARM")[0]
    assert alarm["action"] == "DISPLAY"
    assert alarm["trigger"].dt == -timedelta(days=7)
    assert f"Phối hợp: {api_world['org'].name}" in str(found[f"task-{supported.pk}@127.0.0.1"]["description"])


def test_a_moved_deadline_keeps_the_uid_and_raises_the_sequence(api_world):
    viewer = api_world["users"]["viewer"]
    url = feed_url(viewer)
    led = api_world["led"]
    uid = f"task-{led.pk}@127.0.0.1"
    before = events(parse(Client().get(url)))[uid]
    models.Task.objects.filter(pk=led.pk).update(
        deadline=date(2022, 3, 31), updated_at=led.updated_at + timedelta(minutes=5)
    )
    after = events(parse(Client().get(url)))[uid]
    assert after["dtstart"].dt == date(2022, 3, 31)
    assert int(after["sequence"]) > int(before["sequence"])
    assert after["dtstamp"].dt > before["dtstamp"].dt


def test_a_cancelled_task_is_a_cancelled_event_and_a_done_one_has_no_alarm(api_world):
    viewer = api_world["users"]["viewer"]
    models.Task.objects.filter(pk=api_world["led"].pk).update(status="cancelled")
    models.Task.objects.filter(pk=api_world["supported"].pk).update(status="done", completed_on=date(2022, 1, 1))
    found = events(parse(Client().get(feed_url(viewer))))
    cancelled = found[f"task-{api_world['led'].pk}@127.0.0.1"]
    done = found[f"task-{api_world['supported'].pk}@127.0.0.1"]
    assert cancelled["status"] == "CANCELLED"
    assert not done.walk("VALARM")


def test_tasks_without_a_deadline_are_left_out(api_world, org):
    viewer = api_world["users"]["viewer"]
    TaskFactory(directive=api_world["directive"], lead=org, path="3", deadline=None, deadline_period="")
    found = events(parse(Client().get(feed_url(viewer))))
    assert len(found) == 2


def test_a_new_address_replaces_the_old_and_revoking_ends_it(api_world):
    viewer = api_world["users"]["viewer"]
    old = feed_url(viewer)
    new = feed_url(viewer)
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    services.calendar_feed_revoke(user=viewer)
    assert Client().get(new).status_code == 404
    assert Client().get("/calendar/cal_guessed.ics").status_code == 404


def test_only_the_hash_of_the_address_is_stored(api_world):
    viewer = api_world["users"]["viewer"]
    url = feed_url(viewer)
    secret = url.removeprefix("/calendar/").removesuffix(".ics")
    assert secret not in str(models.CalendarFeed.objects.values_list().get())


def test_the_account_page_shows_the_address_once(client):
    user = UserFactory(username="lich")
    MembershipFactory(user=user, role="viewer")
    client.force_login(user)
    html = client.post("/account/access/calendar/").content.decode()
    url = re.search(r'<code id="calendar-url">([^<]+)</code>', html).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert Client().get("/" + path).status_code == 200
    assert url not in client.get("/account/access/").content.decode()
    assert client.post("/account/access/calendar/revoke/").status_code == 302
    assert Client().get("/" + path).status_code == 404
