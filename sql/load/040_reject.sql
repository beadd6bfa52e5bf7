-- Rejected inputs of this run; a reject already on record (same file, line and reason) is
-- not recorded twice, so a rerun over the same folder adds nothing. A reject raised for a
-- stored article (e.g. the extractor failed on it) names the article; its file's hash and
-- size are filled in from the raw layer.
insert into work.raw.reject by name
with
incoming as (
    select * from incoming_rejects
),
articles as (
    select
        article_id,
        any_value(file_sha256) as file_sha256,
    from work.raw.article
    group by article_id
),
files as (
    select
        file_sha256,
        max(file_size) as file_size,
    from work.raw.landing_file
    group by file_sha256
),
filled as (
    select
        incoming.source_file,
        coalesce(incoming.file_sha256, articles.file_sha256) as file_sha256,
        coalesce(incoming.file_size, files.file_size) as file_size,
        incoming.line,
        incoming.reason,
        incoming.detail,
    from incoming
    left join articles
        on incoming.file_sha256 is null
        and incoming.reason = 'extraction_error'
        and articles.article_id = incoming.source_file
    left join files on files.file_sha256 = coalesce(incoming.file_sha256, articles.file_sha256)
),
new_rejects as (
    select *
    from filled as i
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
