"""Participatieraden IJmond: the platform with which the councils hear their residents."""

import os

# Piccolo finds its engine through this module; it must be set before the first piccolo import.
os.environ.setdefault("PICCOLO_CONF", "participatie.piccolo_conf")
