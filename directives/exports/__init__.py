"""Files built from selector data, out of the core: workbooks (.xlsx), documents (the quarterly
report, .docx) and charts (server-rendered SVG). Views and management commands call these;
nothing here queries beyond what the selectors give it."""

from directives.exports.documents import SYSTEM, quarterly_report_docx, target_text
from directives.exports.workbooks import dashboard_workbook, task_list_workbook

__all__ = ["SYSTEM", "dashboard_workbook", "quarterly_report_docx", "target_text", "task_list_workbook"]
