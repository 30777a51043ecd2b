from django.urls import path

from directives.api import account
from directives.views import dashboard, desk, imports, inbox, oversight, rankings, reminders, tasks

app_name = "directives"

urlpatterns = [
    # Tasks, directives, progress, extensions, targets (views/tasks.py)
    path("", tasks.home, name="home"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/export.xlsx", tasks.task_list_xlsx, name="task_list_xlsx"),
    path("tasks/bulk-report/", desk.tasks_bulk_report, name="tasks_bulk_report"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/follow/", desk.task_follow, name="task_follow"),
    path("views/save/", desk.saved_view_save, name="saved_view_save"),
    path("views/<int:pk>/delete/", desk.saved_view_delete, name="saved_view_delete"),
    path("tasks/<int:pk>/report/", tasks.task_report, name="task_report"),
    path("tasks/<int:pk>/extension/", tasks.task_extension, name="task_extension"),
    path("extensions/<int:pk>/decide/", tasks.extension_decide, name="extension_decide"),
    # Verified completion and requests for explanation (views/oversight.py)
    path("claims/<int:pk>/decide/", oversight.claim_decide, name="claim_decide"),
    path("claim-files/<int:pk>/", oversight.claimfile_download, name="claimfile_download"),
    path("tasks/<int:pk>/pass-down/", oversight.task_pass_down, name="task_pass_down"),
    path("tasks/<int:pk>/explanation/", oversight.task_explanation, name="task_explanation"),
    path("explanations/<int:pk>/answer/", oversight.explanation_answer, name="explanation_answer"),
    path("explanations/<int:pk>/close/", oversight.explanation_close, name="explanation_close"),
    path("explanation-files/<int:pk>/", oversight.explanationfile_download, name="explanationfile_download"),
    path("targets/<int:pk>/update/", tasks.target_update, name="target_update"),
    path("evidence/<int:pk>/", tasks.evidence_download, name="evidence_download"),
    path("directives/", tasks.directive_list, name="directive_list"),
    path("directives/<int:pk>/", tasks.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/edit/", tasks.directive_edit, name="directive_edit"),
    path("directives/<int:pk>/tasks.xlsx", tasks.directive_tasks_xlsx, name="directive_tasks_xlsx"),
    path("directives/<int:pk>/edxml/", tasks.directive_edxml_download, name="directive_edxml"),
    # Import of a directive's text (views/imports.py)
    path("import/", imports.import_start, name="import"),
    path("import/review/", imports.import_review, name="import_review"),
    path("import/job/<int:pk>/", imports.import_job, name="import_job"),
    # Dashboards and exports (views/dashboard.py)
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("rankings/", rankings.rankings, name="rankings"),
    path("rankings/export.xlsx", rankings.rankings_xlsx, name="rankings_xlsx"),
    path("dashboard/export.xlsx", dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("dashboard/report.docx", dashboard.quarterly_report, name="quarterly_report"),
    # Reminder preferences and health (views/reminders.py)
    path("account/reminders/", reminders.reminder_preferences, name="reminder_preferences"),
    path("account/reminders/unsubscribe/<str:token>/", reminders.reminders_unsubscribe, name="reminders_unsubscribe"),
    path("staff/reminders/", reminders.reminders_health, name="reminders_health"),
    # Access from other systems: API tokens and the calendar address (api/account.py)
    path("account/access/", account.account_access, name="account_access"),
    path("account/access/tokens/<int:pk>/revoke/", account.account_token_revoke, name="account_token_revoke"),
    path("account/access/calendar/", account.account_calendar_create, name="account_calendar_create"),
    path("account/access/calendar/revoke/", account.account_calendar_revoke, name="account_calendar_revoke"),
]
