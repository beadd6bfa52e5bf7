-- Articles not yet read by the current extractor version (extraction is incremental).
-- In storage order, so each extraction batch covers a narrow stretch of the table
-- (sql/load/105_articles_for_batch.sql reads only that stretch).
with
articles as (
    select article_key, rowid as row_number from work.raw.article
),
extracted as (
    select article_key
    from work.staging.article_extraction
    where extractor_version = $extractor_version
)
select article_key
from articles
where article_key not in (select article_key from extracted)
order by row_number;
