-- Articles whose text is already in work.raw.article (or earlier in this batch) become rejects
-- with reason `duplicate`, so every input is accounted for, with its file's size and hash.
insert into work.raw.reject by name
with
incoming as (
    select * from incoming_articles
),
files as (
    select
        file_sha256,
        max(file_size) as file_size,
    from incoming_files
    group by file_sha256
),
ranked as (
    select
        *,
        row_number() over (partition by content_sha256 order by seq) as copy_number
    from incoming
),
duplicates as (
    select *
    from ranked
    where copy_number > 1
       or content_sha256 in (select content_sha256 from work.raw.article)
)
select
    duplicates.source_file,
    duplicates.file_sha256,
    files.file_size,
    cast(null as integer) as line,
    'duplicate' as reason,
    duplicates.article_id || ' has the same text as article '
        || cast(duplicates.article_key as varchar) as detail,
    $run_id as run_id,
    $now as rejected_at
from duplicates
left join files using (file_sha256);
