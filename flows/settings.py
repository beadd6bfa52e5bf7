"""The one source of paths and limits, each overridable by an environment variable.

CLI flags override the environment; the environment overrides these defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _path(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).expanduser().resolve() if value else default


def _int(var: str, default: int) -> int:
    value = os.environ.get(var)
    return int(value) if value else default


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_path: Path  # the published file readers open
    max_file_bytes: int  # landing files above this are rejected, not read
    batch_size: int  # articles extracted per task batch
    workers: int  # processes that extract batches side by side
    sources_path: Path = REPO_ROOT / "sources.toml"  # feeds and pages to fetch, if present
    dask_address: str | None = None  # extract on Dask: a scheduler address, or "local"

    @property
    def state_dir(self) -> Path:
        """Folder beside the published file for the pipeline's own working database."""
        return self.warehouse_path.parent

    @property
    def work_db_path(self) -> Path:
        """The pipeline's working database (raw, staging, audit); never opened by readers."""
        return self.state_dir / (self.warehouse_path.stem + ".work.duckdb")

    @property
    def next_path(self) -> Path:
        """Where the next published file is built before it is swapped in."""
        return self.state_dir / ("." + self.warehouse_path.name + ".next")

    @property
    def lock_path(self) -> Path:
        return self.state_dir / ("." + self.warehouse_path.name + ".lock")

    def with_overrides(self, landing: Path | None = None,
                       warehouse: Path | None = None) -> Settings:
        return replace(
            self,
            landing_dir=landing.resolve() if landing else self.landing_dir,
            warehouse_path=warehouse.resolve() if warehouse else self.warehouse_path,
        )


def load_settings() -> Settings:
    return Settings(
        landing_dir=_path("SITREP_LANDING", REPO_ROOT / "warehouse" / "landing"),
        warehouse_path=_path("SITREP_WAREHOUSE", REPO_ROOT / "warehouse" / "warehouse.duckdb"),
        max_file_bytes=_int("SITREP_MAX_FILE_BYTES", 5 * 1024 * 1024),
        batch_size=_int("SITREP_BATCH_SIZE", 500),
        workers=_int("SITREP_WORKERS", os.cpu_count() or 1),
        sources_path=_path("SITREP_SOURCES", REPO_ROOT / "sources.toml"),
        dask_address=os.environ.get("SITREP_DASK") or None,
    )
