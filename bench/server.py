"""The WSGI app the HTTP bench serves: Zubia on the bench data set, with the floor views.

``gunicorn bench.server:app`` with ``BENCH_SERVER_URI`` naming the database.
"""

import os

from bench import dataset, measure

app = dataset.make_app(os.environ["BENCH_SERVER_URI"])
measure.add_floor(app)
