-- The texts and metadata the extractor needs for one batch (registered frame `batch_keys`).
-- Batches are planned in storage order: the rowid bounds let DuckDB read only the stretch
-- of raw.article that holds them instead of every text in the table.
with
keys as (
    select article_key from batch_keys
),
bounds as (
    select min(rowid) as first_row, max(rowid) as last_row
    from work.raw.article
    where article_key in (select article_key from keys)
)
select
    a.article_key,
    a.content_sha256,
    a.text,
    a.title,
    a.language,
    a.published_at,
    a.article_id,
    a.source_file
from work.raw.article as a
where a.rowid between (select first_row from bounds) and (select last_row from bounds)
    and a.article_key in (select article_key from keys)
order by a.article_key;
