"""Documents the app issues: kinds, texts, PDF building, sealing and the bundled font; never the database."""
