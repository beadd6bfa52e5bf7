-- Articles not yet read by the current extractor version (extraction is incremental).
with
articles as (
    select article_key from work.raw.article
),
extracted as (
    select article_key
    from work.staging.article_extraction
    where extractor_version = $extractor_version
)
select article_key
from articles
where article_key not in (select article_key from extracted)
order by article_key;
