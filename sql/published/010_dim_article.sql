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

-- the columns of dim_article_rows; the text compressed with zstd, as in the work database
create table if not exists dim_article (
    article_key bigint,
    content_sha256 varchar,
    article_id varchar,
    source varchar,
    url varchar,
    title varchar,
    published_at timestamp,
    published_date_key integer,
    language varchar,
    word_count integer,
    ingested_at timestamp,
    source_file varchar,
    file_sha256 varchar,
    extractor_version varchar,
    text varchar using compression zstd
);

-- rows whose article is gone or whose columns changed: published rows not among the current
-- ones (a set difference compares nulls as equal; a delete joined row by row to the current
-- rows was several times slower)
delete from dim_article
where article_key in (
    select article_key
    from (
        select
            article_key, content_sha256, article_id, source, url, title, published_at,
            published_date_key, language, word_count, ingested_at, source_file, file_sha256,
            extractor_version,
        from dim_article
        except
        select
            article_key, content_sha256, article_id, source, url, title, published_at,
            published_date_key, language, word_count, ingested_at, source_file, file_sha256,
            extractor_version,
        from dim_article_rows
    )
);

-- missing rows: every one was ingested no earlier than the first of them, so reading only
-- the articles ingested since then (zone maps skip older row groups, texts and all) finds them
set variable dim_article_since = (
    select min(ingested_at) from work.raw.article
    where article_key not in (select article_key from dim_article)
);

insert into dim_article
select * from dim_article_rows
where (ingested_at >= getvariable('dim_article_since') or ingested_at is null)
    and article_key not in (select article_key from dim_article);

reset variable dim_article_since;

drop view dim_article_rows;
