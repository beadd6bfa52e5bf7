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

-- Size and modification time at discovery: a known file that still shows both is not hashed
-- again on the next run (the quick check rsync makes), so a big landing costs a listing.
alter table raw.landing_file add column if not exists file_mtime_ns bigint;
