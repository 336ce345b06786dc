"""Backup and restore (DATA-7): a consistent copy while Zubia runs, and its return."""
