-- event_article (scratch): the outlet each published article counts as, and how direct it is.
--
-- Reprints of one wire story are one source. An article credits an agency in its dateline
-- ("KYIV, March 12 (Agency) -"), in a note ("first published by Agency", "reprinted from
-- Agency", "courtesy of Agency", "based on reporting by Agency") or in a byline
-- ("By Name, Agency"). Its outlet is that agency when it credits one, else its own `source`.
-- Names are compared lower-case, without a leading "the", a bracketed note or a trailing
-- "live"; a credit that abbreviates a known source ("CPS" for Continental Press Service,
-- "Northline" for Northline Wire) is that source. An article that credits an outlet other
-- than its own source is a reprint. The credit itself is read from each article's text once
-- (005_article_credit.sql); the names are matched here, against every source of the run.
create or replace temp macro event_outlet_name(s) as nullif(trim(regexp_replace(
    regexp_replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(lower(trim(s)), '\s*\([^)]*\)\s*$', ''),
                '[.,;:]+$', ''),
            '^the\s+', ''),
        '\s+(live|online)$', ''),
    '\s+', ' ', 'g')), '');

create or replace temp table event_article as
with
articles as (
    select
        article_key,
        source,
        published_at,
        ingested_at,
    from dim_article
),
credits as (
    select
        articles.*,
        cached.credit,
    from articles
    left join work.cache.article_credit as cached using (article_key)
),
-- well-known agencies under their usual short names
aliases (alias, outlet) as (
    values
        ('reuters', 'reuters'),
        ('thomson reuters', 'reuters'),
        ('ap', 'associated press'),
        ('afp', 'agence france-presse'),
        ('agence france presse', 'agence france-presse'),
        ('dpa', 'deutsche presse-agentur'),
        ('bloomberg news', 'bloomberg')
),
known_sources as (
    select distinct
        event_outlet_name(source) as name,
        array_to_string(
            list_transform(string_split(event_outlet_name(source), ' '), lambda w: left(w, 1)),
            '') as initials,
    from dim_article
    where event_outlet_name(source) is not null
),
named as (
    select
        credits.*,
        event_outlet_name(credits.source) as own_name,
        coalesce(aliases.outlet, event_outlet_name(credits.credit)) as credit_name,
    from credits
    left join aliases on aliases.alias = event_outlet_name(credits.credit)
),
-- a credit names a known source exactly, or abbreviates exactly one of them
resolved as (
    select
        named.article_key,
        coalesce(
            max(known.name) filter (where known.name = named.credit_name),
            case
                when count(known.name) filter (
                    where known.initials = named.credit_name
                       or starts_with(known.name, named.credit_name || ' ')) = 1
                then max(known.name) filter (
                    where known.initials = named.credit_name
                       or starts_with(known.name, named.credit_name || ' '))
            end,
            named.credit_name
        ) as credited_outlet,
    from named
    left join known_sources as known
        on known.name = named.credit_name
        or known.initials = named.credit_name
        or starts_with(known.name, named.credit_name || ' ')
    group by named.article_key, named.credit_name
),
final as (
    select
        named.article_key,
        named.source,
        named.published_at,
        named.ingested_at,
        named.credit,
        resolved.credited_outlet,
        coalesce(resolved.credited_outlet, named.own_name, 'article ' || named.article_key)
            as outlet,
        coalesce(resolved.credited_outlet <> named.own_name, false) as is_reprint,
        coalesce(regexp_matches(lower(named.source),
            'air force|ministry|military administration|general staff|armed forces|governor'
            || '|police|emergency service|prosecutor|regional administration|city council'
            || '|mayor|government|president'), false) as is_official_source,
    from named
    left join resolved using (article_key)
)
select * from final;
