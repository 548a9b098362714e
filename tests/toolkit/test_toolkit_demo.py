"""demo_places: fictitious addresses at real postcodes of the region, reproducible."""

from __future__ import annotations

import csv
import math
from importlib import resources

from core import DEMO_SOURCE, demo_places
from core.region import default_region


def _centroids() -> dict[str, tuple[float, float]]:
    """The shipped postcode centroids, read straight from the CSV."""
    text = resources.files("core.data").joinpath("plz_centroids_de.csv").read_text("utf-8")
    rows = list(csv.reader(text.splitlines()))
    header = rows[0]
    plz, lat, lon = (header.index(k) for k in ("plz", "lat", "lon"))
    return {r[plz]: (float(r[lat]), float(r[lon])) for r in rows[1:]}


def test_places_lie_near_a_real_postcode_of_their_town():
    region = default_region()
    towns = {t.ags: t for t in region.towns}
    centroids = _centroids()
    places = demo_places(region, 200, 1, salt="test")
    assert len(places) == 200
    for place in places:
        town = towns[place.ags]
        assert place.town == town.name and place.postcode in town.postcodes
        lat, lon = centroids[place.postcode]
        km = math.hypot((place.lat - lat) * 111.2, (place.lon - lon) * 111.2 * 0.62)
        assert km < 3, place
    # spread over the region, the big towns more often
    assert len({p.ags for p in places}) >= 8


def test_same_arguments_same_places_another_salt_other_places():
    region = default_region()
    assert demo_places(region, 30, 4, salt="kitas") == demo_places(region, 30, 4, salt="kitas")
    assert demo_places(region, 30, 4, salt="kitas") != demo_places(region, 30, 4, salt="homes")
    assert DEMO_SOURCE == "demo"


def test_demo_apprenticeships_are_those_of_the_company_type():
    from core import Company, demo_apprenticeships

    bakery = Company(name="Bäckerei Schulte e.K.", is_demo=True)
    assert ("Bäcker/in", "29") in demo_apprenticeships(bakery)
    assert all(code in ("29", "62") for _, code in demo_apprenticeships(bakery))
    # a real company's name says nothing about what it trains
    assert demo_apprenticeships(Company(name="Bäckerei Schulte e.K.")) == ()
    assert demo_apprenticeships(Company(name="Schulte und Partner", is_demo=True)) == ()
