-- Rejected inputs of this run; a reject already on record (same file, line and reason) is
-- not recorded twice, so a rerun over the same folder adds nothing.
insert into work.raw.reject by name
with
incoming as (
    select * from incoming_rejects
),
new_rejects as (
    select *
    from incoming as i
    where not exists (
        select 1
        from work.raw.reject as r
        where r.file_sha256 is not distinct from i.file_sha256
          and r.source_file is not distinct from i.source_file
          and r.line is not distinct from i.line
          and r.reason = i.reason
    )
)
select
    source_file,
    file_sha256,
    file_size,
    line,
    reason,
    detail,
    $run_id as run_id,
    $now as rejected_at
from new_rejects;
