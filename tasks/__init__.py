"""The steps of newsetl: plain typed functions, each with a thin Prefect `@task` wrapper."""
