-- Ledger of landing files by content hash: a file whose bytes were seen once is not read again.
create schema if not exists raw;

create table if not exists raw.landing_file (
    file_sha256 varchar not null,
    file_name varchar not null,
    file_path varchar,
    file_size bigint,
    n_articles integer,
    n_rejects integer,
    run_id varchar not null,
    loaded_at timestamp not null
);
