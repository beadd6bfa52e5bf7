-- One row per distinct article text (deduplicated by content hash); the raw text is kept so
-- facts can be rebuilt by a later extractor version without the landing files.
create schema if not exists raw;

create table if not exists raw.article (
    article_key bigint not null,
    content_sha256 varchar not null,
    article_id varchar,
    title varchar,
    url varchar,
    source varchar,
    published_at timestamp,
    language varchar,
    -- zstd: long texts compress better and three times faster than with DuckDB's default
    -- string compression (docs/performance.md)
    text varchar not null using compression zstd,
    word_count integer,
    source_file varchar,
    file_sha256 varchar,
    run_id varchar not null,
    ingested_at timestamp not null
);
