"""Participatieraden IJmond: the platform with which the councils hear their residents."""

import os

# Piccolo finds its engine through this module; it must be set before the first piccolo import.
os.environ.setdefault("PICCOLO_CONF", "participatie.piccolo_conf")


def version() -> str:
    """The installed version, as `participatie --version` and /health report it."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("participatie")
    except PackageNotFoundError:  # run from a checkout without installing
        return "onbekend"
