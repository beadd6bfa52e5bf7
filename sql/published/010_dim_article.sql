-- dim_article: one row per distinct article text, with what the extractor made of it.
-- The text is published too, so evidence offsets can be checked against it.
create or replace table dim_article as
with
articles as (
    select * from work.raw.article
),
extractions as (
    select
        article_key,
        extractor_version,
        language as detected_language
    from work.staging.article_extraction
),
final as (
    select
        articles.article_key,
        articles.content_sha256,
        articles.article_id,
        articles.source,
        articles.url,
        articles.title,
        articles.published_at,
        cast(strftime(articles.published_at, '%Y%m%d') as integer) as published_date_key,
        coalesce(extractions.detected_language, articles.language) as language,
        articles.word_count,
        articles.ingested_at,
        articles.source_file,
        articles.file_sha256,
        extractions.extractor_version,
        articles.text,
    from articles
    left join extractions using (article_key)
)
-- no `order by`: the keys are hashes, so an order says nothing, and sorting the texts of a
-- big warehouse would need more memory than the cap (SITREP_DUCKDB_MEMORY) allows
select * from final;
