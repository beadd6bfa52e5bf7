-- Record the landing files read by this run (registered frame `incoming_files`).
insert into work.raw.landing_file by name
with
incoming as (
    select * from incoming_files
),
new_files as (
    select *
    from incoming
    where file_sha256 not in (select file_sha256 from work.raw.landing_file)
    qualify row_number() over (partition by file_sha256 order by file_name) = 1
)
select
    file_sha256,
    file_name,
    file_path,
    file_size,
    n_articles,
    n_rejects,
    $run_id as run_id,
    $now as loaded_at
from new_files;
