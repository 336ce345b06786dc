import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.extensions import db

FILES = Path(__file__).parent / "files"


@pytest.fixture
def partners(records, make_user, sectors):
    """Two organizations the contact files refer to, owned by a point of contact."""
    owner = make_user()
    tecnalia = records.org(owner, name="Fundación Tecnalia")
    mie = records.org(
        owner, name="Mie University", native_name="三重大学", region="mie", country="JP"
    )
    return {"owner": owner, "tecnalia": tecnalia, "mie": mie}


def upload(client, data, kind="contact", filename="file.csv", encoding="auto"):
    """POST a file to the upload page; ``data`` is bytes or a file name in files/."""
    if isinstance(data, str):
        filename, data = data, (FILES / data).read_bytes()
    from io import BytesIO

    return client.post(
        "/imports/new",
        data={"kind": kind, "file": (BytesIO(data), filename), "encoding": encoding},
        content_type="multipart/form-data",
    )


def run_id_of(response):
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/imports/(\d+)/mapping", response.headers["Location"]).group(1))


def selected_mapping(html):
    """{header: chosen field} as the mapping page shows it."""
    chosen = {}
    for header, select_html in re.findall(
        r'<label for="column_\d+">(.*?)</label></th>.*?(<select.*?</select>)', html, re.DOTALL
    ):
        found = re.search(r'<option selected value="([^"]*)"', select_html) or re.search(
            r'<option value="([^"]*)" selected', select_html
        )
        chosen[header] = found.group(1) if found else ""
    return chosen


def mapping_post(client, run_id, columns=None, **options):
    """Submit the mapping page as prefilled, with ``columns`` {index: field} changed."""
    page = client.get(f"/imports/{run_id}/mapping").get_data(as_text=True)
    data = {}
    for name, select_html in re.findall(
        r'<select[^>]*name="(column_\d+)"[^>]*>(.*?)</select>', page, re.DOTALL
    ):
        found = re.search(r'<option selected value="([^"]*)"', select_html)
        data[name] = found.group(1) if found else ""
    for index, field in (columns or {}).items():
        data[f"column_{index}"] = field
    match = re.search(r'name="match_by">(.*?)</select>', page, re.DOTALL).group(1)
    chosen = re.search(r'<option selected value="([^"]*)"', match) or re.search(
        r'<option value="([^"]*)"', match
    )
    data.update({"match_by": chosen.group(1), "on_match": "update", **options})
    return client.post(f"/imports/{run_id}/mapping", data=data)


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))
