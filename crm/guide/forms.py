import re

from flask_babel import lazy_gettext as _l
from wtforms import ValidationError

from crm.extensions import db
from crm.forms import EditForm, text_field
from crm.guide.models import GuidePage


class PageForm(EditForm):
    title = text_field(_l("Title"), 200, required=True)
    slug = text_field(
        _l("Address"),
        80,
        required=True,
        description=_l("Lower-case letters, digits and hyphens, e.g. business-cards."),
    )
    body = text_field(
        _l("Text"),
        50000,
        multiline=True,
        description=_l(
            "Markdown: **bold**, *italic*, lists with -, ## headings, [links](https://…)."
        ),
    )

    def __init__(self, *args, page=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._page = page

    def validate_slug(self, field):
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", field.data or ""):
            raise ValidationError(_l("Use lower-case letters, digits and hyphens only."))
        other = db.session.scalar(db.select(GuidePage).where(GuidePage.slug == field.data))
        if other is not None and other is not self._page:
            if other.is_deleted:
                raise ValidationError(
                    _l("A page in the trash has this address: restore it or choose another.")
                )
            raise ValidationError(_l("Another page already has this address."))

    def values(self):
        return {"title": self.title.data, "slug": self.slug.data, "body": self.body.data or ""}
