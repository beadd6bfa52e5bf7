-- New articles: the first copy of each text not yet in work.raw.article.
insert into work.raw.article by name
with
incoming as (
    select * from incoming_articles
),
first_copies as (
    select *
    from incoming
    where content_sha256 not in (select content_sha256 from work.raw.article)
    qualify row_number() over (partition by content_sha256 order by seq) = 1
)
select
    article_key,
    content_sha256,
    article_id,
    title,
    url,
    source,
    published_at,
    language,
    text,
    word_count,
    source_file,
    file_sha256,
    $run_id as run_id,
    $now as ingested_at
from first_copies;
