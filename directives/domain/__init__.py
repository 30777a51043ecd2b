"""Pure domain rules of the directive tracker: no Django import here.

- ``periods``: reporting periods (quarter, half year, month, year), their
  Vietnamese labels and the Vietnamese number and date formats.
- ``status``: a task's standing at a cut-off date and the rates derived from it.
"""
