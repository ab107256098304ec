"""The steps of newsetl: plain typed functions, each with a thin Prefect `@task` wrapper."""

from pathlib import Path

from tasks.native import select_build

# Before any other module of the package is imported: whether its mypyc-compiled modules are current (setup.py).
BUILD = select_build(__name__, Path(__file__).parent)
