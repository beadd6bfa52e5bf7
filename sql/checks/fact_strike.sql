-- The frame the fact_strike suite validates: the candidate rows, the counts as the extractor
-- read them, and helper columns for checks that need other tables.
with
strikes as (
    -- only the rows this run checks (sql/validate/010_check_scope.sql)
    select * from fact_strike
    where article_key in (select article_key from check_scope)
),
staged as (
    select
        strike_key,
        launched as launched_as_read,
        intercepted as intercepted_as_read,
    from work.staging.strike
),
articles as (
    select
        article_key,
        cast(published_at as date) as published_date,
    from dim_article
),
final as (
    select
        strikes.*,
        staged.launched_as_read,
        staged.intercepted_as_read,
        coalesce(staged.launched_as_read = floor(staged.launched_as_read), true)
            and coalesce(staged.intercepted_as_read = floor(staged.intercepted_as_read), true)
            as counts_are_whole,
        case
            when strikes.date_precision = 'day'
                then datediff('day', dates.date, articles.published_date)
        end as days_before_publication,
        -- plausibility caps are per attack: period totals (precision `range`) are exempt
        case
            when weapons.category = 'drone'
                and coalesce(strikes.date_precision, '') <> 'range'
                then greatest(staged.launched_as_read, staged.intercepted_as_read)
        end as drones_in_attack,
        case
            when weapons.category = 'missile'
                and coalesce(strikes.date_precision, '') <> 'range'
                then greatest(staged.launched_as_read, staged.intercepted_as_read)
        end as missiles_of_one_type,
        articles.article_key is not null as article_key_resolves,
        strikes.event_date_key is null or dates.date_key is not null
            as event_date_key_resolves,
        strikes.location_key is null or locations.location_key is not null
            as location_key_resolves,
        strikes.attacker_actor_key is null or attackers.actor_key is not null
            as attacker_actor_key_resolves,
        weapons.weapon_key is not null as weapon_key_resolves,
    from strikes
    left join staged using (strike_key)
    left join articles using (article_key)
    left join dim_date as dates on dates.date_key = strikes.event_date_key
    left join dim_location as locations on locations.location_key = strikes.location_key
    left join dim_actor as attackers on attackers.actor_key = strikes.attacker_actor_key
    left join dim_weapon as weapons on weapons.weapon_key = strikes.weapon_key
)
select * from final;
