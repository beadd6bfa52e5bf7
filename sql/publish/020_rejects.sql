-- rejects: every input that did not become an article, and why.
create or replace table rejects as
with
rejects as (
    select * from work.raw.reject
)
select
    source_file,
    file_sha256,
    file_size,
    line,
    reason,
    detail,
    run_id,
    rejected_at,
from rejects
order by rejected_at, source_file, line;
