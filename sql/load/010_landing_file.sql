-- Record the landing files read by this run (registered frame `incoming_files`). The ledger
-- holds one row per (file hash, file name): a file whose bytes and name were seen once is not
-- read again, and a known file under a new name is recorded under that name too.
insert into work.raw.landing_file by name
with
incoming as (
    select * from incoming_files
),
new_files as (
    select *
    from incoming as i
    where not exists (
        select 1
        from work.raw.landing_file as l
        where l.file_sha256 = i.file_sha256
          and l.file_name = i.file_name
    )
    qualify row_number() over (partition by file_sha256, file_name order by file_path) = 1
)
select
    file_sha256,
    file_name,
    file_path,
    file_size,
    file_mtime_ns,
    n_articles,
    n_rejects,
    $run_id as run_id,
    $now as loaded_at
from new_files;
