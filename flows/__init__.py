"""Prefect flows of newsetl and the `newsetl` command line."""
