"""Russian-aware full-text search for the knowledge base and the hotline.

Contract for the features that use it (see app/search/services.py):
- a feature registers a document provider per kind (e.g. "article", "ticket") that turns object ids
  into SearchDocument values;
- inside its transaction, before the commit, a service calls `document_changed(kind, id)` (or
  `document_removed`); after the commit it calls `apply_pending()`. The whoosh backend queues the
  change in the search_pending table in the same transaction and writes the index after the commit
  (a change that could not be written stays pending and is retried); the PostgreSQL backend updates
  its full-text rows inside the same transaction;
- `search(...)` returns ranked hits with HTML-escaped, highlighted snippets and a spelling suggestion.
"""
