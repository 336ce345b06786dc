"""An HTML email's text: paragraphs and line breaks kept, scripts, styles and markup gone."""

import re
from html.parser import HTMLParser

BLOCKS = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
    "blockquote", "hr", "pre", "section", "article", "header", "footer", "dt", "dd",
}  # fmt: skip
SKIPPED = {"script", "style", "head", "title", "template"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skipping, self.quoted = [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        elif tag == "blockquote":
            self.quoted += 1
            self.out.append("\n")
        elif tag in BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self.quoted = max(0, self.quoted - 1)
            self.out.append("\n")
        elif tag in BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if self.skipping:
            return
        text = re.sub(r"[ \t\r\n\f]+", " ", data)
        if self.quoted and text.strip():
            text = "> " * self.quoted + text.lstrip()
        self.out.append(text)


def html_to_text(html):
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; never let one message stop a pass
        return re.sub(r"<[^>]*>", " ", html)
    lines = [line.strip() for line in "".join(parser.out).replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
