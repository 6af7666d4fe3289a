"""Piccolo's metadata of every table, as the migrations were generated from it.

participatie.db.AutoId declares the `id` Piccolo adds for mypy only; these tests catch a change
to it that would make Piccolo see an explicit key (and write a migration) instead.
"""

from __future__ import annotations

from piccolo.columns import Serial

from participatie.db import AutoId
from participatie.piccolo_conf import APP_REGISTRY


def _tables() -> list[type]:
    return [t for config in APP_REGISTRY.app_configs.values() for t in config.table_classes]


def test_auto_id_has_no_column_piccolo_could_find():
    assert "id" not in vars(AutoId)
    assert not hasattr(AutoId, "id")


def test_every_auto_id_table_has_the_key_piccolo_adds_itself():
    tables = [t for t in _tables() if issubclass(t, AutoId)]
    assert len(tables) >= 30  # all apps were found
    wrong = [
        t.__name__
        for t in tables
        if not (
            isinstance(t._meta.primary_key, Serial)
            and t._meta.primary_key._meta.name == "id"
            and t._meta.primary_key._meta.db_column_name == "id"
            and t._meta.columns[0] is t._meta.primary_key
            and t._meta.default_columns == [t._meta.primary_key]
        )
    ]
    assert wrong == []


def test_only_tables_with_their_own_key_go_without_auto_id():
    own_key = sorted(t.__name__ for t in _tables() if not issubclass(t, AutoId))
    assert own_key == ["Rapportadres"]
