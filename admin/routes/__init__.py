"""One module per page; each declares its routes with `@page(path, role=...)` (admin/deps.py).
admin/app.py finds them all: a new page is a module here and a template."""
