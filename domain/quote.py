"""The lump sum of a concrete exchange: where the two organisations are, which dates, which rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from domain.i18n import _, day
from domain.places import distance_km, find_city
from domain.rules import LumpSum, Rules, country_name, lump_sum, working_days


class QuoteError(ValueError):
    """The quote cannot be computed; the message says which input to fix."""


class Situated(Protocol):
    """Anything with an address and, when known, coordinates (an organisation)."""

    city: str
    country: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Location:
    label: str
    country: str
    latitude: float
    longitude: float


def locate(city: str, country: str, rules: Rules, coords: tuple[float, float] | None = None) -> Location:
    country = country.strip().upper()
    if country not in rules.participating_countries:
        raise QuoteError(
            _("“{country}” is not a participating country (use a two-letter code such as PT or FR).").format(
                country=country
            )
        )
    if coords is not None:
        latitude, longitude = coords
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise QuoteError(
                _("{latitude},{longitude} are not coordinates: latitude is -90..90, longitude -180..180.").format(
                    latitude=latitude, longitude=longitude
                )
            )
        return Location(city or f"{latitude},{longitude}", country, latitude, longitude)
    place = find_city(city, country) if city.strip() else None
    if place is None:
        raise QuoteError(
            _("“{city}” is not a place we know in {country}; give its coordinates instead.").format(
                city=city, country=country_name(country)
            )
        )
    return Location(place.name, country, place.latitude, place.longitude)


def locate_organisation(organisation: Situated, rules: Rules) -> Location:
    coords = (
        (organisation.latitude, organisation.longitude)
        if organisation.latitude is not None and organisation.longitude is not None
        else None
    )
    return locate(organisation.city, organisation.country, rules, coords)


def quote(rules: Rules, *, visitor: Location, host: Location, start: date, end: date) -> LumpSum:
    if end < start:
        raise QuoteError(
            _("The last day ({end}) is before the first day ({start}).").format(end=day(end), start=day(start))
        )
    days = len(working_days(start, end, host.country))
    distance = distance_km((visitor.latitude, visitor.longitude), (host.latitude, host.longitude))
    return lump_sum(rules, host_country=host.country, working_day_count=days, distance_km=distance)
