"""The public web kit (``webapp.kit``), used the way an outside plugin uses it: a test plugin
hands over a page blueprint and an API blueprint built only from the kit, and the real app
serves them."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask
import pytest
from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint as ApiBlueprint

from core import PluginManifest, hookimpl
from core.portal import accounts
from webapp import kit
from webapp.security import Role, access_table, undeclared_routes

TOKEN = "kit-operator-token"
ADMIN = ("verwalterin", "ein-sehr-langes-passwort")
OPERATOR = ("betrieb", "noch-ein-langes-passwort")
TEXTS = {
    "de": {"hello": "Hallo {name}", "title": "Vereine"},
    "en": {"hello": "Hello {name}", "title": "Clubs"},
}

pages = flask.Blueprint("kittest_pages", __name__, url_prefix="/kittest")
kit.declare_access(pages, {"*": "public", "secret": "operator", "board": "operator"})
kit.protect_forms(pages)


@pages.get("/hello")
def hello() -> dict[str, Any]:
    t = kit.translator(TEXTS)
    return {
        "lang": kit.page_language(),
        "args": kit.language_args(),
        "text": t("hello", name="Mia"),
        "title": t("title"),
        "platform": kit.current_platform().region.name,
        "operator": kit.is_operator(),
    }


@pages.get("/secret")
@kit.require_role("operator")
def secret() -> str:
    operator = kit.current_operator()
    assert operator is not None
    return f"for {operator.username}"


@pages.get("/board")
@kit.require_role("admin")
def board() -> str:
    return "admins only"


@pages.route("/form", methods=["GET", "POST"])
def form() -> Any:
    if flask.request.method == "POST":
        return "saved " + flask.request.form.get("name", "")
    return flask.render_template_string(
        '{% from "kit/macros.html" import csrf_field, tr with context %}'
        '<form method="post">{{ csrf_field() }}{{ tr("Speichern", "Save") }}</form>',
        lang=kit.page_language(),
    )


api = ApiBlueprint("kittest", __name__, url_prefix="/api/v1/kittest")
kit.declare_access(
    api, {"*": "public", "Things": {"GET": "public", "POST": "operator"}, "Import": "operator"}
)
kit.enforce_access(api)


@api.route("/things")
class Things(MethodView):
    @api.response(200)
    def get(self) -> dict[str, Any]:
        """Things, with whether an operator asked"""
        return {"operator": kit.is_operator(), "role": kit.declared_role().value}

    @api.response(201)
    @kit.require_role("operator")
    def post(self) -> dict[str, Any]:
        """Add a thing (operators)"""
        return {"role": kit.declared_role().value}


@api.route("/import")
class Import(MethodView):
    @api.response(200)
    @api.doc(requestBody=kit.import_body_doc("csv", "ics"))
    def post(self) -> dict[str, Any]:
        """Import a file (operators)"""
        upload = kit.uploaded_file("upload.txt", max_bytes=10, required=True)
        return {"name": upload.name, "data": upload.data.decode(), "format": upload.format}


# the same kind of blueprints in one call each: reads public, writes for editors
made = kit.api_blueprint(
    "kitmade",
    __name__,
    "Made by the kit (test).",
    writes="editor",
    access={"Board": "operator", "Signup": "public"},
)
made_pages = kit.pages_blueprint("kitmade_pages", __name__, "/kitmade")


@made.route("/notes")
class Notes(MethodView):
    @made.response(200)
    def get(self) -> dict[str, Any]:
        """Notes"""
        return {"role": kit.declared_role().value}

    @made.response(201)
    def post(self) -> dict[str, Any]:
        """Add a note"""
        return {}

    @made.response(204)
    def delete(self) -> None:
        """Delete the notes"""


@made.route("/board")
class Board(MethodView):
    @made.response(200)
    def get(self) -> dict[str, Any]:
        """The operators' board"""
        return {}


@made.route("/signup")
class Signup(MethodView):
    @made.response(201)
    def post(self) -> dict[str, Any]:
        """Sign up (anyone)"""
        return {}


@made_pages.get("/")
def made_page() -> str:
    return "<!doctype html><title>Karte</title><p>Karte</p>"


# operator pages in the admin area's frame
kit_admin = kit.admin_blueprint("kittest_admin", __name__, "/admin/kittest")


@kit_admin.route("/pruefen", methods=["GET", "POST"])
def review() -> Any:
    if flask.request.method == "POST":
        return "checked by " + (kit.current_operator() or ADMIN).username  # type: ignore[union-attr]
    heading = {"de": "Prüfliste", "en": "Review list"}[kit.admin_language()]
    return kit.admin_page("kittest/admin.html", heading=heading)


class KitTestPlugin:
    MANIFEST = PluginManifest(name="kittest", title_de="Kit", title_en="Kit", version="1.0")

    @hookimpl
    def register_blueprints(self, platform: Any) -> list[Any]:
        return [pages, api, made, made_pages, kit_admin]


def _make_app(url: str, folder: Path) -> Flask:
    from webapp.app import create_app

    config = {
        "portal": {
            "database_url": url,
            "operator_token": TOKEN,
            "secret_key": "kit-test-secret-Qw7rT2yU9iO4pA6sD1fG",
            "languages": ["de", "en"],
        },
        "limits": {"enabled": False},
        "mail": {"outbox_folder": str(folder / "outbox")},
        "plugins": {"enabled": ["kittest"]},
    }
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    try:
        app = create_app(config, extra_plugins={"kittest": KitTestPlugin()})
    finally:
        os.environ.update(saved)
    app.config["TESTING"] = True
    platform = kit_platform(app)
    platform.upgrade_database()
    with platform.session(write=True) as session:
        accounts.create_operator(session, *ADMIN, accounts.Role.ADMIN)
        accounts.create_operator(session, *OPERATOR, accounts.Role.OPERATOR)
    return app


def kit_platform(app: Flask) -> Any:
    with app.app_context():
        return kit.current_platform()


@pytest.fixture
def app(new_database: Any, tmp_path: Path) -> Iterator[Flask]:
    app = _make_app(new_database("kit"), tmp_path)
    yield app
    kit_platform(app).db.dispose()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


def _log_in(client: Any, who: tuple[str, str]) -> None:
    token = _csrf(client.get("/admin/anmelden").get_data(as_text=True))
    answer = client.post(
        "/admin/anmelden", data={"csrf_token": token, "username": who[0], "password": who[1]}
    )
    assert answer.status_code == 303


def test_language_translation_and_platform(app: Flask) -> None:
    client = app.test_client()
    german = client.get("/kittest/hello").get_json()
    assert german == {
        "lang": "de",
        "args": {},
        "text": "Hallo Mia",
        "title": "Vereine",
        "platform": kit_platform(app).region.name,
        "operator": False,
    }
    english = client.get("/kittest/hello?lang=en").get_json()
    assert (english["lang"], english["args"], english["text"]) == (
        "en",
        {"lang": "en"},
        "Hello Mia",
    )
    # a language the portal does not offer shows the first one, not an error page
    assert client.get("/kittest/hello?lang=fr").get_json()["lang"] == "de"


def test_translator_falls_back_and_names_missing_keys(app: Flask) -> None:
    with app.test_request_context("/kittest/hello?lang=en"):
        assert kit.translator({"de": {"a": "A-de"}})("a") == "A-de"
        with pytest.raises(KeyError):
            kit.translator(TEXTS)("missing")


def test_declared_access_is_the_matrix(app: Flask) -> None:
    table = access_table(app)
    assert table[("/kittest/hello", "kittest_pages.hello", "GET")] is Role.PUBLIC
    assert table[("/kittest/secret", "kittest_pages.secret", "GET")] is Role.OPERATOR
    assert table[("/api/v1/kittest/things", "kittest.Things", "POST")] is Role.OPERATOR
    assert table[("/api/v1/kittest/things", "kittest.Things", "GET")] is Role.PUBLIC
    assert undeclared_routes(app) == []


def test_blueprints_made_by_the_kit(app: Flask) -> None:
    table = access_table(app)
    expected = {
        ("/api/v1/kitmade/notes", "GET"): Role.PUBLIC,
        ("/api/v1/kitmade/notes", "POST"): Role.EDITOR,
        ("/api/v1/kitmade/notes", "DELETE"): Role.EDITOR,
        ("/api/v1/kitmade/board", "GET"): Role.OPERATOR,
        ("/api/v1/kitmade/signup", "POST"): Role.PUBLIC,
        ("/kitmade/", "GET"): Role.PUBLIC,
        ("/kitmade/static/<path:filename>", "GET"): Role.PUBLIC,
    }
    found = {(rule, method): role for (rule, _, method), role in table.items() if "kitmade" in rule}
    assert found == expected
    client = app.test_client()
    assert client.get("/api/v1/kitmade/notes").get_json() == {"role": "public"}
    # declared roles act before the view: an anonymous write is 401
    assert client.post("/api/v1/kitmade/notes").status_code == 401
    assert client.post("/api/v1/kitmade/signup").status_code == 201
    document = client.get("/api/openapi.json").get_json()
    tags = {tag["name"]: tag.get("description") for tag in document["tags"]}
    assert tags["kitmade"] == "Made by the kit (test)."
    page = client.get("/kitmade/")
    assert page.status_code == 200 and page.get_data(as_text=True).endswith("<p>Karte</p>")
    # the map pages' policy (the portal forbids framing on top of it)
    policy = kit.map_page_policy(kit_platform(app).settings.map.tile_url)
    assert page.headers["Content-Security-Policy"] == policy.replace(
        "frame-ancestors 'self'", "frame-ancestors 'none'"
    )
    assert page.headers["Referrer-Policy"] == "same-origin"
    # a misspelt role in the writes or the exceptions fails where it is declared
    with pytest.raises(ValueError, match="editr"):
        kit.api_blueprint("typo1", __name__, "Typo.", writes="editr")
    with pytest.raises(ValueError, match="publik"):
        kit.pages_blueprint("typo2", __name__, "/typo", access={"x": "publik"})


def test_admin_pages_made_by_the_kit(app: Flask) -> None:
    assert access_table(app)[("/admin/kittest/pruefen", "kittest_admin.review", "POST")] is (
        Role.OPERATOR
    )
    client = app.test_client()
    # nobody logged in: to the login page, which comes back here
    anonymous = client.get("/admin/kittest/pruefen")
    assert anonymous.status_code == 303
    assert "/admin/anmelden?next=/admin/kittest/pruefen" in anonymous.headers["Location"]
    assert client.post("/admin/kittest/pruefen").status_code == 303
    _log_in(client, OPERATOR)
    page = client.get("/admin/kittest/pruefen")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<h1 id="kit-admin-heading">Prüfliste</h1>' in html
    # in the admin frame: its navigation, with the logged-in operator
    assert 'class="admin-nav"' in html and f"({OPERATOR[0]})" in html
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["X-Robots-Tag"] == "noindex"
    assert "Content-Security-Policy" in page.headers
    english = client.get("/admin/kittest/pruefen?lang=en").get_data(as_text=True)
    assert "Review list" in english and 'lang="en"' in english
    # forms need the session's token
    assert client.post("/admin/kittest/pruefen").status_code == 400
    checked = client.post("/admin/kittest/pruefen", data={"csrf_token": _csrf(html)})
    assert checked.get_data(as_text=True) == f"checked by {OPERATOR[0]}"
    with pytest.raises(ValueError, match="under /admin/"):
        kit.admin_blueprint("typo3", __name__, "/pruefen")


def test_a_misspelt_role_fails_where_it_is_declared() -> None:
    with pytest.raises(ValueError, match="operater"):
        kit.declare_access(flask.Blueprint("typo", __name__), {"*": "operater"})
    with pytest.raises(ValueError, match="editor"):
        kit.require_role("editor")


def test_api_operator_is_the_token(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/api/v1/kittest/things").get_json() == {"operator": False, "role": "public"}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/api/v1/kittest/things", headers=auth).get_json()["operator"] is True
    wrong = client.get("/api/v1/kittest/things", headers={"Authorization": "Bearer nope"})
    assert (
        wrong.status_code == 401 and wrong.get_json()["message"] == "The operator token is wrong."
    )
    anonymous = client.post("/api/v1/kittest/things")
    assert anonymous.status_code == 401 and "WWW-Authenticate" in anonymous.headers
    created = client.post("/api/v1/kittest/things", headers=auth)
    assert created.status_code == 201 and created.get_json() == {"role": "operator"}
    # a logged-in browser is no operator on the API: cookies never authenticate it
    _log_in(client, ADMIN)
    assert client.get("/api/v1/kittest/things").get_json()["operator"] is False
    assert client.post("/api/v1/kittest/things").status_code == 401


def test_pages_use_the_admin_login(app: Flask) -> None:
    client = app.test_client()
    away = client.get("/kittest/secret?lang=en")
    assert away.status_code == 303
    assert away.headers["Location"].startswith("/admin/anmelden?next=")
    assert "/kittest/secret" in away.headers["Location"]
    # the token header means nothing on pages
    assert (
        client.get("/kittest/secret", headers={"Authorization": f"Bearer {TOKEN}"}).status_code
        == 303
    )
    # the login returns to the plugin's page it came from, language and all
    login_page = away.headers["Location"]
    token = _csrf(client.get(login_page).get_data(as_text=True))
    back = client.post(
        login_page,
        data={"csrf_token": token, "username": OPERATOR[0], "password": OPERATOR[1]},
    )
    assert back.status_code == 303 and back.headers["Location"] == "/kittest/secret?lang=en"
    assert client.get(back.headers["Location"]).get_data(as_text=True) == f"for {OPERATOR[0]}"
    assert client.get("/kittest/secret").get_data(as_text=True) == f"for {OPERATOR[0]}"
    assert client.get("/kittest/hello").get_json()["operator"] is True
    assert client.get("/kittest/board").status_code == 403
    admin = app.test_client()
    _log_in(admin, ADMIN)
    assert admin.get("/kittest/board").get_data(as_text=True) == "admins only"


def test_forms_need_the_csrf_token_and_this_site(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/kittest/form?lang=en").get_data(as_text=True)
    assert "Save" in page
    token = _csrf(page)
    missing = client.post("/kittest/form", data={"name": "x"})
    assert missing.status_code == 400 and "Formular abgelaufen" in missing.get_data(as_text=True)
    other_site = client.post(
        "/kittest/form",
        data={"name": "x", "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert other_site.status_code == 403 and "Anfrage abgelehnt" in other_site.get_data(
        as_text=True
    )
    fetched = client.post(
        "/kittest/form",
        data={"name": "x", "csrf_token": token},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert fetched.status_code == 403
    done = client.post("/kittest/form", data={"name": "Mia", "csrf_token": token})
    assert done.status_code == 200 and done.get_data(as_text=True) == "saved Mia"


def test_import_routes_take_a_body_or_a_file(app: Flask) -> None:
    client = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    # the declared role is checked before the view: no token, no look at the body
    assert client.post("/api/v1/kittest/import", data="a;b").status_code == 401
    body = client.post("/api/v1/kittest/import", data="a;b", content_type="text/csv", headers=auth)
    assert body.get_json() == {"name": "upload.txt", "data": "a;b", "format": "csv"}
    sent = {"file": (io.BytesIO(b"BEGIN"), "termine.ics", "text/calendar")}
    upload = client.post("/api/v1/kittest/import", data=sent, headers=auth)
    assert upload.get_json() == {"name": "termine.ics", "data": "BEGIN", "format": "ics"}
    empty = client.post("/api/v1/kittest/import", data=b"", headers=auth)
    assert empty.status_code == 422 and "empty" in empty.get_json()["message"]
    large = client.post("/api/v1/kittest/import", data=b"x" * 11, headers=auth)
    assert large.status_code == 413 and "10 bytes" in large.get_json()["message"]
    document = client.get("/api/openapi.json").get_json()
    request_body = document["paths"]["/api/v1/kittest/import"]["post"]["requestBody"]
    assert set(request_body["content"]) == {"text/csv", "text/calendar"}


def test_kit_names_are_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "web-kit.md").read_text("utf-8")
    for name in kit.__all__:
        assert f"### `{name}`" in doc, name


def test_api_schema_pieces() -> None:
    import marshmallow as ma
    from marshmallow import fields

    class Body(ma.Schema):
        flag = kit.JsonBoolean()
        amount = kit.JsonNumber()
        title = fields.String(metadata={"pattern": kit.VISIBLE})
        link = fields.String(metadata={"pattern": kit.LINK})

    assert Body().load({"flag": True, "amount": 2}) == {"flag": True, "amount": 2.0}
    for bad in ({"flag": 1}, {"flag": "yes"}, {"amount": "2"}, {"amount": True}):
        with pytest.raises(ma.ValidationError):
            Body().load(bad)
    assert re.search(kit.VISIBLE, " x ") and not re.search(kit.VISIBLE, " \t\u00a0")
    assert re.fullmatch(kit.LINK, "") and re.fullmatch(kit.LINK, "https://example.org/a")
    assert not re.fullmatch(kit.LINK, "javascript:alert(1)")

    class Things(kit.PageSchema):
        items = fields.List(fields.Nested(kit.FacetCountSchema))

    data = {
        "total": 1,
        "page": 1,
        "per_page": 5,
        "items": [{"value": "a", "label": "A", "count": 1, "selected": False}],
    }
    assert Things().load(data) == data
    with pytest.raises(ma.ValidationError, match="per_page"):
        Things().load({"total": 1, "page": 1, "items": []})
    point = {"lat": 51.6, "lon": 7.1}
    # LAT_LON's two shapes: both numbers, or both null
    assert [set(shape["properties"]) for shape in kit.LAT_LON["anyOf"]] == [set(point)] * 2


def test_query_fields_and_language() -> None:
    import marshmallow as ma

    class Args(kit.LangArgs):
        near = kit.near_arg("The centre.", allowEmptyValue=True)
        bbox = kit.bbox_arg()
        radius_km = kit.radius_arg("The radius.", 50)

    assert Args().load({}) == {"lang": "de"}
    assert Args().load({"lang": "en", "near": "51.6,7.1"}) == {"lang": "en", "near": "51.6,7.1"}
    with pytest.raises(ma.ValidationError, match="lang"):
        Args().load({"lang": "fr"})
    assert tuple(kit.LANGUAGES) == ("de", "en", "tr", "ar")  # the default setting
    fields = Args().fields
    assert fields["near"].metadata == {
        "description": "The centre.",
        "example": "51.61,7.19",
        "x-value-rule": "lat,lon inside the world (-90..90, -180..180).",
        "allowEmptyValue": True,
    }
    # each documented example is a value core's parsers take
    from core import parse_bbox, parse_point

    assert parse_point(fields["near"].metadata["example"]) is not None
    box = parse_bbox(fields["bbox"].metadata["example"])
    assert box is not None and box.west <= box.east and box.south <= box.north
    assert fields["bbox"].metadata["description"].startswith("west,south,east,north")
    radius = fields["radius_km"].metadata
    assert (radius["minimum"], radius["exclusiveMinimum"], radius["maximum"]) == (0, True, 50)


def test_value_rule_documents_the_rule_with_an_example_the_field_takes() -> None:
    import marshmallow as ma
    from marshmallow import fields, validate

    field = kit.value_rule(
        fields.Date(metadata={"description": "Last day."}), "On or after the start.", "2027-06-30"
    )
    assert field.metadata == {
        "description": "Last day.",
        "example": "2027-06-30",
        "x-value-rule": "On or after the start.",
    }

    class Body(ma.Schema):
        end = field
        postcode = kit.postcode_arg("Where.", validate=validate.Regexp(r"^\d{5}$"))

    assert Body().load({"end": "2027-07-01", "postcode": "45768"})["postcode"] == "45768"
    with pytest.raises(ma.ValidationError, match="postcode"):
        Body().load({"postcode": "4576"})
    postcode = Body().fields["postcode"].metadata
    assert postcode["description"] == "Where." and postcode["example"] == "45657"
    # an example its own field refuses fails where it is written, naming the rule
    with pytest.raises(ValueError, match="five digits"):
        kit.value_rule(fields.String(validate=validate.Regexp(r"^\d{5}$")), "five digits", "x")
    with pytest.raises(ValueError, match="a date"):
        kit.value_rule(fields.Date(), "a date", "30.06.2027")


def test_codes_pattern_takes_codes_and_lists_of_them() -> None:
    codes = ("a", "b.c", "job-fair")
    pattern = re.compile(kit.codes_pattern(codes))
    # against every list of up to three codes, and near misses
    import itertools

    for n in (1, 2, 3):
        for combo in itertools.product(codes, repeat=n):
            assert pattern.fullmatch(",".join(combo))
    for bad in ("", "x", "a,", ",a", "a,,b", "bxc", "a b", "job-fairs"):
        assert not pattern.fullmatch(bad), bad


def test_address_and_slug_record_schemas() -> None:
    from marshmallow import fields

    class Place(kit.AddressSchema):
        name = fields.String()

    class Organisation(kit.SlugRecordSchema):
        type = fields.String(required=True)

    place = {"name": "Rathaus", "street": "Markt 1", "postcode": "45768", "town": "Marl"}
    assert Place().load({**place, "lat": None, "lon": None}) == {**place, "lat": None, "lon": None}
    assert Place().dump({**place, "lat": 51.65, "lon": 7.09, "secret": 1}) == {
        **place,
        "lat": 51.65,
        "lon": 7.09,
    }
    assert list(Organisation().fields) == ["id", "slug", "name", "type"]
    assert [n for n, f in Organisation().fields.items() if f.required] == [
        "id",
        "slug",
        "name",
        "type",
    ]
    assert issubclass(kit.CompanyItemSchema, kit.SlugRecordSchema)


def test_company_item_schema_is_the_base_of_plugin_lists() -> None:
    from marshmallow import fields

    class Employer(kit.CompanyItemSchema):
        distance_m = fields.Float(allow_none=True)
        url = fields.String(required=True)

    class Hit:
        id, slug, name, town, distance_m = 7, "baeckerei-kamp", "Bäckerei Kamp", "Marl", 9.5

    item = kit.company_item(Hit(), distance_m=Hit.distance_m)
    assert Employer().load(item) == item
    assert list(Employer().fields) == ["id", "slug", "name", "town", "distance_m", "url"]
    assert all(Employer().fields[name].required for name in ("id", "slug", "name", "town"))


def test_company_item() -> None:
    class Hit:
        id, slug, name, town = 7, "baeckerei-kamp", "Bäckerei Kamp", "Marl"

    assert kit.company_item(Hit(), distance_m=12.5) == {
        "id": 7,
        "slug": "baeckerei-kamp",
        "name": "Bäckerei Kamp",
        "town": "Marl",
        "distance_m": 12.5,
        "url": "/unternehmen/baeckerei-kamp",
    }


def test_map_page_policy_allows_the_tile_server_only() -> None:
    policy = kit.map_page_policy("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tile.example.org;" in policy
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "img-src 'self' data:;" in kit.map_page_policy("/tiles/{z}/{x}/{y}.png")


@pytest.mark.parametrize(
    "value",
    ["</script><script>alert(1)</script>", "<!-- x", "a & b > c", "line\u2028break\u2029", "ü"],
)
def test_script_json_cannot_end_its_element_and_keeps_the_data(value: str) -> None:
    data = {"name": value, "items": [value, 1, None]}
    written = str(kit.script_json(data))
    assert not set(written) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(written) == data
