from django.urls import path

from directives.views import dashboard, imports, tasks

app_name = "directives"

urlpatterns = [
    # Tasks, directives, progress, extensions, targets (views/tasks.py)
    path("", tasks.home, name="home"),
    # Import of a directive's text (views/imports.py)
    path("import/", imports.import_start, name="import"),
    path("import/review/", imports.import_review, name="import_review"),
    # Dashboards and exports (views/dashboard.py)
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("dashboard/report.docx", dashboard.quarterly_report, name="quarterly_report"),
    # Reminder preferences and health (views/reminders.py)
]
