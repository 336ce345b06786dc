"""Read a page's form as a browser would send it, so tests fill in forms the way people do."""

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _FormReader(HTMLParser):
    """The fields of every ``<form method="post">`` of a page whose action matches (or any)."""

    def __init__(self, action=None):
        super().__init__(convert_charrefs=True)
        self.action, self.inside = action, False
        self.forms, self.values = [], MultiDict()
        self._select = self._textarea = None
        self._selected_any, self._first_option = False, None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.inside = self.action is None or attrs.get("action") in (None, "", self.action)
            self.values = MultiDict()
        if not self.inside:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values.add(attrs["name"], attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.values.add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self._select, self._selected_any, self._first_option = attrs.get("name"), False, None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = attrs.get("value")
            if "selected" in attrs:
                self.values.add(self._select, attrs.get("value", ""))
                self._selected_any = True
        elif tag == "textarea":
            self._textarea, self._text = attrs.get("name"), []

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
            self.forms.append(self.values)
        elif tag == "select" and self._select:
            if not self._selected_any and not self._multiple and self._first_option is not None:
                self.values.add(self._select, self._first_option)  # a browser sends the first
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.values.add(self._textarea, "".join(self._text).removeprefix("\r\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_data(html, action=None):
    """The main post form of ``html`` (the one with most fields, or the one posting to
    ``action``) as a browser would submit it unchanged: a MultiDict."""
    reader = _FormReader(action)
    reader.feed(html)
    return max(reader.forms, key=len)


def filled(html, action=None, **changes):
    """``form_data`` with some fields changed (a list sets a multi-valued field)."""
    data = form_data(html, action)
    for name, value in changes.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data
