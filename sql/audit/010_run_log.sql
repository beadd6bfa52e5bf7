-- One row per pipeline run: what it did, and whether it published or why not.
create schema if not exists audit;

create table if not exists audit.run_log (
    run_id varchar not null,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,  -- running, published, blocked, failed
    message varchar,
    landing_dir varchar,
    warehouse_path varchar,
    extractor_version varchar,
    summary_json varchar
);
