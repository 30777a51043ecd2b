from django.urls import path

from directives.views import tasks

app_name = "directives"

urlpatterns = [
    # Tasks, directives, progress, extensions, targets (views/tasks.py)
    path("", tasks.home, name="home"),
    # Import of a directive's text (views/imports.py)
    # Dashboards and exports (views/dashboard.py)
    # Reminder preferences and health (views/reminders.py)
]
