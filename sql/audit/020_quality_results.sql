-- The outcome of every expectation of every run.
create schema if not exists audit;

create table if not exists audit.quality_results (
    run_id varchar not null,
    suite varchar not null,
    check_name varchar not null,
    expectation_type varchar not null,
    columns varchar,
    level varchar not null,  -- row: failing rows are quarantined; batch: blocks the publish
    success boolean not null,
    element_count bigint,
    unexpected_count bigint,
    detail varchar,
    checked_at timestamp not null
);
