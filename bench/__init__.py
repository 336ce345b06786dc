"""`make bench`: the main pages of Zubia timed on a large generated data set.

``python -m bench`` builds (or reuses) ``bench/data/bench.sqlite3`` with 20,000 organizations,
100,000 contacts, 500,000 meetings and 200,000 actions, signs a test client in, times each page
against a bare one-query "floor" view, and writes a Markdown table to ``bench/data/results.md``.
"""
