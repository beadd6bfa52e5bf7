-- landing_files: every landing file read so far (hash and name), with how many articles and
-- rejects it gave; with `rejects` it accounts for every file of the landing folder.
create or replace table landing_files as
with
ledger as (
    select * from work.raw.landing_file
)
select
    file_name,
    file_sha256,
    file_size,
    n_articles,
    n_rejects,
    run_id,
    loaded_at,
from ledger
order by file_name, loaded_at;
