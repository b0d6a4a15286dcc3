"""Import of organisations, people and exchanges from CSV and XLSX (see importer.py)."""
