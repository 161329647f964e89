"""Background tasks: the data load, run by `saferhub worker` (django-tasks' database queue)."""

from __future__ import annotations

from django_tasks import task

from saferhub.dataloads.services import dataload_run


@task()
def run_data_load(load_id: int) -> str:
    """Load one queued upload into the warehouse; returns the load's final status."""
    return dataload_run(load_id=load_id)
