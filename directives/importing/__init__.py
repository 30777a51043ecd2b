"""The import of a directive's text, in one place: text → draft → review → one service.

- `drafts`    the draft: plain data (`DirectiveDraft`, `TaskDraft`…), one task shape from the
              parser's contract to the review and the save.
- `matching`  a body's name as written → an organization of the list (pure).
- `review`    the pure review logic: the forms' initial data, the draft as the reviewer left it,
              what an update adds, changes and retires, names that read like sentences.
- `forms`     the forms of the two steps (the text or file; the review).
- `services`  `directive_import` and its refusals (who may import, which issuer, duplicates
              among what the user may see, update only of what he may edit, limits), used by
              the review page (`views/imports.py`) and `manage.py import_directive` alike.
"""
