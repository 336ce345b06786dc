"""Spreadsheet import of organizations and contacts: upload, map, preview, import, revert."""
