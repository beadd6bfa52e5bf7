-- Every input that did not become an article, with the reason (nothing is dropped silently).
create schema if not exists raw;

create table if not exists raw.reject (
    source_file varchar,
    file_sha256 varchar,
    file_size bigint,
    line integer,
    reason varchar not null,
    detail varchar,
    run_id varchar not null,
    rejected_at timestamp not null
);
