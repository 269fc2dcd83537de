"""docs/deploy.md stays the operator's complete guide to the environment."""

from pathlib import Path

from django.conf import settings

from .prod_env import example_environment

DOCS = Path(settings.BASE_DIR) / "docs" / "deploy.md"


def test_every_example_variable_is_explained_in_the_deploy_guide():
    guide = DOCS.read_text()
    names = set(example_environment()) - {"PATH", "HOME", "LANG"}
    assert sorted(name for name in names if f"`{name}`" not in guide) == []
