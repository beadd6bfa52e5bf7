-- dim_article: one row per distinct article text, with what the extractor made of it.
-- The text is published too, so evidence offsets can be checked against it.
--
-- A run usually starts its next file from a copy of the live one (flows/publish.py), so this
-- table is brought up to date rather than written again: rows whose article is gone or whose
-- columns changed are deleted, missing rows are inserted. The text is never compared: the
-- key is the hash of it. On an empty file the same statements write every row.
create or replace temp view dim_article_rows as
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

create table if not exists dim_article as
select * from dim_article_rows
limit 0;

delete from dim_article
where article_key not in (select article_key from dim_article_rows);

delete from dim_article as published
using dim_article_rows as current_rows
where published.article_key = current_rows.article_key
    and row(
        published.content_sha256, published.article_id, published.source, published.url,
        published.title, published.published_at, published.published_date_key,
        published.language, published.word_count, published.ingested_at,
        published.source_file, published.file_sha256, published.extractor_version
    ) is distinct from row(
        current_rows.content_sha256, current_rows.article_id, current_rows.source,
        current_rows.url, current_rows.title, current_rows.published_at,
        current_rows.published_date_key, current_rows.language, current_rows.word_count,
        current_rows.ingested_at, current_rows.source_file, current_rows.file_sha256,
        current_rows.extractor_version
    );

insert into dim_article
select * from dim_article_rows
where article_key not in (select article_key from dim_article);

drop view dim_article_rows;
