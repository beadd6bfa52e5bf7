-- Open this run's row in the run log.
insert into work.audit.run_log (
    run_id,
    started_at,
    status,
    landing_dir,
    warehouse_path,
    extractor_version
)
values ($run_id, $now, 'running', $landing_dir, $warehouse_path, $extractor_version);
