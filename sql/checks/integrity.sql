-- The frame the integrity suite validates: one row per fact table and one for dim_article,
-- counted over the whole table in SQL (the fact suites and the dim_article suite check only
-- the rows a run has not checked before, so keys that collide with older rows and references
-- that no longer resolve are caught here).
-- `x not in (empty)` is true even for a null x, hence the explicit `is not null`.
with
strike as (
    select
        'fact_strike' as table_name,
        count(*) as n_rows,
        count(*) - count(distinct strike_key) as duplicate_keys,
        count(*) filter (where strike_key is null) as null_keys,
        count(*) filter (
            where article_key is not null
                and article_key not in (select article_key from dim_article)
        ) as unresolved_articles,
        count(*) filter (
            where weapon_key is not null
                and weapon_key not in (select weapon_key from dim_weapon)
        ) as unresolved_weapons,
        count(*) filter (
            where location_key is not null
                and location_key not in (select location_key from dim_location)
        ) as unresolved_locations,
    from fact_strike
),
casualty as (
    select
        'fact_casualty' as table_name,
        count(*) as n_rows,
        count(*) - count(distinct casualty_key) as duplicate_keys,
        count(*) filter (where casualty_key is null) as null_keys,
        count(*) filter (
            where article_key is not null
                and article_key not in (select article_key from dim_article)
        ) as unresolved_articles,
        0 as unresolved_weapons,
        count(*) filter (
            where location_key is not null
                and location_key not in (select location_key from dim_location)
        ) as unresolved_locations,
    from fact_casualty
),
production as (
    select
        'fact_production' as table_name,
        count(*) as n_rows,
        count(*) - count(distinct production_key) as duplicate_keys,
        count(*) filter (where production_key is null) as null_keys,
        count(*) filter (
            where article_key is not null
                and article_key not in (select article_key from dim_article)
        ) as unresolved_articles,
        count(*) filter (
            where weapon_key is not null
                and weapon_key not in (select weapon_key from dim_weapon)
        ) as unresolved_weapons,
        0 as unresolved_locations,
    from fact_production
),
pledge as (
    select
        'fact_aid_pledge' as table_name,
        count(*) as n_rows,
        count(*) - count(distinct pledge_key) as duplicate_keys,
        count(*) filter (where pledge_key is null) as null_keys,
        count(*) filter (
            where article_key is not null
                and article_key not in (select article_key from dim_article)
        ) as unresolved_articles,
        0 as unresolved_weapons,
        0 as unresolved_locations,
    from fact_aid_pledge
),
articles as (
    select
        'dim_article' as table_name,
        count(*) as n_rows,
        -- the article key and the text's hash each identify one row
        (count(*) - count(distinct article_key))
            + (count(content_sha256) - count(distinct content_sha256)) as duplicate_keys,
        count(*) filter (where article_key is null or content_sha256 is null) as null_keys,
        0 as unresolved_articles,
        0 as unresolved_weapons,
        0 as unresolved_locations,
    from dim_article
)
select * from strike
union all select * from casualty
union all select * from production
union all select * from pledge
union all select * from articles;
