"""Vendored front-end assets: the bytes match SHA256SUMS, every file is listed, versions are recorded."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor"
BOOKKEEPING = {"SHA256SUMS", "VERSIONS.txt"}


def recorded_sums() -> dict[str, str]:
    """``SHA256SUMS`` in ``sha256sum`` format: ``<hex digest>  <path relative to static/vendor>``."""
    sums = {}
    for line in (VENDOR / "SHA256SUMS").read_text().splitlines():
        if not line.strip():
            continue
        digest, name = line.split(maxsplit=1)
        sums[name.lstrip("*")] = digest
    return sums


def recorded_versions() -> dict[str, dict]:
    """``VERSIONS.txt``: name, version, license, origin and files of each vendored package."""
    packages = {}
    for line in (VENDOR / "VERSIONS.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, version, license_, origin, *files = line.split()
        packages[name] = {"version": version, "license": license_, "origin": origin, "files": files}
    return packages


def vendored_files() -> set[str]:
    return {
        path.relative_to(VENDOR).as_posix()
        for path in VENDOR.rglob("*")
        if path.is_file() and path.name not in BOOKKEEPING
    }


@pytest.mark.parametrize("name", sorted(recorded_sums()))
def test_vendored_file_matches_its_recorded_sha256(name):
    digest = hashlib.sha256((VENDOR / name).read_bytes()).hexdigest()

    assert digest == recorded_sums()[name]


def test_every_vendored_file_has_a_recorded_sha256():
    assert vendored_files() == set(recorded_sums())


def test_every_vendored_file_belongs_to_a_package_with_a_version():
    listed = {name for package in recorded_versions().values() for name in package["files"]}

    assert listed == vendored_files()


def test_pico_version_is_recorded_and_matches_the_file():
    pico = recorded_versions()["pico"]
    banner = (VENDOR / "pico" / "pico.min.css").read_text(encoding="utf-8")[:200]

    assert (pico["version"], pico["license"], pico["origin"]) == ("2.1.1", "MIT", "npm:@picocss/pico@2.1.1")
    assert "Pico CSS ✨ v2.1.1" in banner
    assert (VENDOR / "pico" / "LICENSE.md").read_text().startswith("MIT License")


def test_chart_libraries_and_world_map_versions_are_recorded_and_match_the_files():
    packages = recorded_versions()

    assert packages["chart.js"]["origin"] == "npm:chart.js@4.6.1"
    assert "Chart.js v4.6.1" in (VENDOR / "chart.js" / "chart.umd.min.js").read_text(encoding="utf-8")[:200]
    assert packages["chartjs-chart-geo"]["origin"] == "npm:chartjs-chart-geo@4.3.6"
    assert "ChartGeo" in (VENDOR / "chartjs-chart-geo" / "index.umd.min.js").read_text(encoding="utf-8")[:1000]
    assert packages["world-atlas"]["origin"] == "npm:world-atlas@2.0.2"
    topology = json.loads((VENDOR / "world-atlas" / "countries-110m.json").read_text(encoding="utf-8"))
    # ISO 3166-1 numeric ids, which the map joins on (Country.numeric): 156 is China, 643 Russia.
    ids = {geometry.get("id") for geometry in topology["objects"]["countries"]["geometries"]}
    assert {"156", "643", "364"} <= ids


def test_every_vendored_package_ships_its_licence():
    for name, package in recorded_versions().items():
        assert any("LICENSE" in Path(file).name for file in package["files"]), name
