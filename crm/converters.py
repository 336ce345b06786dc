from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL ``integer``: a larger id cannot exist, so it is a 404


class IdConverter(IntegerConverter):
    """``<id:record_id>``: a positive database id; anything else is a 404, never a 500."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)
