-- The texts and metadata the extractor needs for one batch (registered frame `batch_keys`).
with
keys as (
    select article_key from batch_keys
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
inner join keys using (article_key)
order by a.article_key;
