"""The job page's poll counts the runs ahead of its job in raw SQL; PostgreSQL must agree with the whole queue's
order as SQLite does (same test, this database)."""

from __future__ import annotations

import pytest

from tests.studio.test_the_queue_is_fair_and_shows_its_order import (
    test_one_runs_counted_position_agrees_with_the_whole_queue,  # noqa: F401  collected here on PostgreSQL
)

pytestmark = pytest.mark.django_db
