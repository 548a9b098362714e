"""A plugin that raises at request time takes down its own filter or layer, not the portal:
the API says which and why (503), the log has the traceback; strict mode re-raises."""

from __future__ import annotations

import logging
from collections.abc import Hashable
from typing import Any

import numpy as np
import pytest

from core import (
    BBox,
    Company,
    DynamicColumn,
    Feature,
    FilterKind,
    FilterSpec,
    IndexSource,
    InvalidQuery,
    Layer,
    Location,
    Platform,
    PluginFailure,
    PluginManifest,
    ProfileSection,
    SearchIndex,
    Status,
    hookimpl,
    load_settings,
    point_feature,
)

LENIENT = pytest.mark.regiokarte(config={"plugins": {"strict": False}}, demo=120)


class Flaky:
    """A plugin whose filter, dynamic filter, layer and profile section fail on demand."""

    MANIFEST = PluginManifest(name="flaky", title_de="Wackelig", title_en="Flaky", version="1")

    def __init__(self) -> None:
        self.column_fails = False
        self.column_shape_wrong = False
        self.dynamic_fails = False
        self.layer_fails = False
        self.layer_refuses = False
        self.profile_fails = False

    @hookimpl
    def register_filters(self) -> list[FilterSpec]:
        def column(source: IndexSource) -> np.ndarray:
            if self.column_fails:
                raise ValueError("the flaky data file is missing")
            if self.column_shape_wrong:
                return np.zeros(3, dtype=bool)
            return np.asarray(source.employees >= 10)

        def compute(index: SearchIndex, argument: Hashable) -> np.ndarray:
            if self.dynamic_fails:
                raise ConnectionError("the routing service is down")
            return np.full(len(index.ids), float(str(argument)))

        return [
            FilterSpec("flaky_big", "Groß", "Big", FilterKind.BOOL, column=column, plugin="flaky"),
            FilterSpec(
                "flaky_km",
                "Weg",
                "Way",
                FilterKind.RANGE,
                plugin="flaky",
                facet=False,
                dynamic=DynamicColumn("flaky_from", compute),
            ),
        ]

    @hookimpl
    def register_layers(self) -> list[Layer]:
        def features(bbox: BBox | None, lang: str) -> list[Feature]:
            if self.layer_fails:
                raise KeyError("flaky")
            if self.layer_refuses:
                raise InvalidQuery("The flaky layer needs a smaller box.", {"bbox": ["too big"]})
            return [point_feature("f1", 51.6, 7.2, {"name": "Wackelstein"})]

        return [Layer("flaky_points", "Wackel", "Flaky", features, plugin="flaky")]

    @hookimpl
    def profile_sections(self) -> list[ProfileSection]:
        if self.profile_fails:
            raise RuntimeError("template missing")
        return [ProfileSection("flaky", "Wackel", "<p>ok</p>", plugin="flaky")]


@pytest.fixture
def flaky() -> Flaky:
    return Flaky()


@pytest.fixture
def regiokarte_plugins() -> list[str]:
    return ["flaky"]


@pytest.fixture
def regiokarte_extra_plugins(flaky: Flaky) -> dict[str, Any]:
    return {"flaky": flaky}


def _search(platform: Platform, **params: str) -> Any:
    return platform.search(platform.parse_query({k: [v] for k, v in params.items()}))


# --- filters -------------------------------------------------------------------------------------


@LENIENT
def test_a_failing_column_takes_down_only_its_filter(
    regiokarte_platform: Platform, regiokarte_demo: list[Company], flaky: Flaky, caplog
) -> None:
    flaky.column_fails = True
    with caplog.at_level(logging.ERROR):
        result = _search(regiokarte_platform)
    assert result.total > 0
    assert result.unavailable == {"flaky_big": "ValueError: the flaky data file is missing"}
    assert "flaky_big" not in result.facets and "industry" in result.facets
    (record,) = [r for r in caplog.records if "flaky_big" in r.getMessage()]
    assert record.exc_info is not None and "'flaky'" in record.getMessage()
    # core's filters keep working; the broken one says why
    assert _search(regiokarte_platform, industry="C").total > 0
    with pytest.raises(PluginFailure) as caught:
        _search(regiokarte_platform, flaky_big="true")
    failure = caught.value
    assert (failure.plugin, failure.part) == ("flaky", "filter 'flaky_big'")
    assert "flaky_big" in failure.message and "'flaky'" in failure.message
    assert "the flaky data file is missing" in failure.errors["flaky_big"][0]


@LENIENT
def test_the_api_shows_the_unavailable_filter(
    regiokarte_client: Any, regiokarte_demo: list[Company], flaky: Flaky
) -> None:
    flaky.column_fails = True
    plain = regiokarte_client.get("/api/v1/search?per_page=1")
    assert plain.status_code == 200
    assert plain.get_json()["unavailable"] == {
        "flaky_big": "ValueError: the flaky data file is missing"
    }
    filters = {f["key"]: f for f in regiokarte_client.get("/api/v1/filters").get_json()["filters"]}
    assert filters["flaky_big"]["available"] is False
    assert "missing" in filters["flaky_big"]["problem"]
    assert filters["industry"]["available"] is True and filters["industry"]["problem"] is None
    broken = regiokarte_client.get("/api/v1/search?flaky_big=true")
    assert broken.status_code == 503
    body = broken.get_json()
    assert body["code"] == 503 and "flaky_big" in body["message"] and "flaky" in body["message"]
    assert list(body["errors"]) == ["flaky_big"]


@LENIENT
def test_a_column_of_the_wrong_shape_is_named(
    regiokarte_platform: Platform, regiokarte_demo: list[Company], flaky: Flaky
) -> None:
    flaky.column_shape_wrong = True
    reason = _search(regiokarte_platform).unavailable["flaky_big"]
    assert reason.startswith("TypeError: The column function of filter 'flaky_big'")
    assert "booleans of shape" in reason


@LENIENT
def test_a_filter_that_fails_in_a_patch_recovers_with_the_next_build(
    regiokarte_platform: Platform, regiokarte_demo: list[Company], flaky: Flaky
) -> None:
    assert _search(regiokarte_platform).unavailable == {}
    flaky.column_fails = True
    company = Company(
        name="Neu GmbH (fiktiv)",
        location=Location(51.6, 7.2),
        status=Status.PUBLISHED,
        employees=20,
    )
    regiokarte_platform.save_company(company)  # the index patches: the column runs again
    assert "flaky_big" in _search(regiokarte_platform).unavailable
    flaky.column_fails = False
    regiokarte_platform.reindex()
    result = _search(regiokarte_platform, flaky_big="true")
    assert result.unavailable == {} and result.total > 0


@LENIENT
def test_a_failing_dynamic_column_fails_only_the_searches_using_it(
    regiokarte_platform: Platform, regiokarte_demo: list[Company], flaky: Flaky
) -> None:
    assert _search(regiokarte_platform, flaky_from="3", flaky_km="..5").total > 0
    flaky.dynamic_fails = True
    with pytest.raises(PluginFailure, match="routing service is down"):
        _search(regiokarte_platform, flaky_from="4")
    assert _search(regiokarte_platform).total > 0


def test_strict_mode_re_raises_the_plugins_own_error(
    regiokarte_platform: Platform, regiokarte_demo: list[Company], flaky: Flaky
) -> None:
    assert regiokarte_platform.strict  # the testing fixtures are strict by default
    flaky.column_fails = True
    regiokarte_platform.reindex()
    with pytest.raises(ValueError, match="flaky data file"):
        _search(regiokarte_platform)
    flaky.column_fails = False
    flaky.dynamic_fails = flaky.layer_fails = flaky.profile_fails = True
    with pytest.raises(ConnectionError):
        _search(regiokarte_platform, flaky_from="4")
    with pytest.raises(KeyError):
        regiokarte_platform.layer_features("flaky_points", None, "de")
    with pytest.raises(RuntimeError):
        regiokarte_platform.profile_sections(regiokarte_demo[0], "de")


def test_strict_mode_from_the_environment() -> None:
    assert not load_settings(env={}).plugins.strict
    assert load_settings(env={"REGIOKARTE_PLUGINS__STRICT": "true"}).plugins.strict
    settings = load_settings(env={}, overrides={"plugins": {"strict": True, "enabled": []}})
    assert settings.plugins.strict and settings.plugins.options == {}


# --- layers and profile sections ------------------------------------------------------------------


@LENIENT
def test_a_failing_layer_answers_503_and_the_others_work(
    regiokarte_client: Any, regiokarte_platform: Platform, flaky: Flaky, caplog
) -> None:
    flaky.layer_fails = True
    with caplog.at_level(logging.ERROR):
        broken = regiokarte_client.get("/api/v1/layers/flaky_points")
    assert broken.status_code == 503
    body = broken.get_json()
    assert "flaky_points" in body["message"] and "'flaky'" in body["message"]
    assert "KeyError" in body["errors"]["layer"][0]
    assert any(r.exc_info for r in caplog.records if "flaky_points" in r.getMessage())
    assert regiokarte_client.get("/api/v1/layers").status_code == 200
    assert regiokarte_client.get("/api/v1/layers/companies").status_code == 200


@LENIENT
def test_a_deliberate_error_of_a_layer_passes_unchanged(
    regiokarte_client: Any, flaky: Flaky
) -> None:
    flaky.layer_refuses = True
    answer = regiokarte_client.get("/api/v1/layers/flaky_points")
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {"bbox": ["too big"]}


@LENIENT
def test_a_failing_profile_hook_loses_only_its_sections(
    regiokarte_platform: Platform, regiokarte_demo: list[Company], flaky: Flaky
) -> None:
    company = regiokarte_demo[0]
    assert [s.id for s in regiokarte_platform.profile_sections(company, "de")][-1] == "flaky"
    flaky.profile_fails = True
    assert "flaky" not in [s.id for s in regiokarte_platform.profile_sections(company, "de")]
