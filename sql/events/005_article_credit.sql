-- cache.article_credit (work database): the agency each published article's text credits,
-- in its dateline ("KYIV, March 12 (Agency) -"), in a note ("first published by Agency",
-- "reprinted from Agency", "courtesy of Agency", "based on reporting by Agency") or in a
-- byline ("By Name, Agency"). Reading every text is the costly part of telling outlets
-- apart, and an article's text never changes (its key is the hash of it), so each article is
-- read once per version of these rules ($credit_rules: a hash of this file). 010_event_article.sql
-- matches the credits to outlets.
delete from work.cache.article_credit
where rules <> $credit_rules;

-- the articles to read were ingested no earlier than the first of them: reading only those
-- ingested since then lets zone maps skip the row groups (and texts) of older articles (a row
-- without an ingestion time, which the pipeline does not write, is read whatever its age)
set variable credit_since = (
    select min(ingested_at) from dim_article
    where article_key not in (select article_key from work.cache.article_credit)
);

insert into work.cache.article_credit by name
with
articles as (
    select
        article_key,
        left(text, 3000) as head,
        text,
    from dim_article
    where (ingested_at >= getvariable('credit_since') or ingested_at is null)
        and article_key not in (select article_key from work.cache.article_credit)
),
final as (
    select
        article_key,
        coalesce(
            nullif(regexp_extract(head,
                '(?m)^[A-Z][A-Z.''/ -]*[A-Z](?:, [A-Z][A-Za-z.'' -]*[a-z])?'
                || '(?:, [A-Z][a-z]{2,8}\.? [0-9]{1,2})? \(([^()]{2,60})\) ?[-–—]', 1), ''),
            nullif(regexp_extract(text,
                '(?:(?:[Ff]irst|[Oo]riginally) (?:published|appeared|ran) (?:by|in|on)'
                || '|[Rr]e(?:printed|published)(?: with permission)? (?:from|by)'
                || '|[Cc]ourtesy of|[Bb]ased on (?:a report|reports|reporting) (?:by|from))'
                || ' (?:the )?'
                || '([A-Z][A-Za-z0-9&''.-]*(?: [A-Z][A-Za-z0-9&''.-]*){0,4})', 1), ''),
            nullif(regexp_extract(head,
                '(?m)^[Bb]y [A-Z][A-Za-z.''-]*(?: [A-Z][A-Za-z.''-]*){0,3}'
                || '(?: and [A-Z][A-Za-z.''-]*(?: [A-Z][A-Za-z.''-]*){0,3})?'
                || '(?:, | \| | - | \()([A-Z][A-Za-z0-9&.'' -]{1,40}?)\)?\s*$', 1), '')
        ) as credit,
        $credit_rules as rules,
    from articles
)
select * from final;

reset variable credit_since;
