-- The frame the fact_casualty suite validates.
with
casualties as (
    -- only the rows this run checks (sql/validate/010_check_scope.sql)
    select * from fact_casualty
    where article_key in (select article_key from check_scope)
),
staged as (
    select
        casualty_key,
        killed as killed_as_read,
        injured as injured_as_read,
        children_killed as children_killed_as_read,
        children_injured as children_injured_as_read,
    from work.staging.casualty
),
articles as (
    select
        article_key,
        cast(published_at as date) as published_date,
    from dim_article
),
final as (
    select
        casualties.*,
        staged.killed_as_read,
        staged.injured_as_read,
        staged.children_killed_as_read,
        staged.children_injured_as_read,
        coalesce(staged.killed_as_read = floor(staged.killed_as_read), true)
            and coalesce(staged.injured_as_read = floor(staged.injured_as_read), true)
            and coalesce(
                staged.children_killed_as_read = floor(staged.children_killed_as_read), true)
            and coalesce(
                staged.children_injured_as_read = floor(staged.children_injured_as_read), true)
            as counts_are_whole,
        -- plausibility caps are per incident: period totals (precision `range`) are exempt
        case
            when coalesce(casualties.date_precision, '') <> 'range'
                then staged.killed_as_read
        end as killed_in_incident,
        case
            when coalesce(casualties.date_precision, '') <> 'range'
                then staged.injured_as_read
        end as injured_in_incident,
        case
            when casualties.date_precision = 'day'
                then datediff('day', dates.date, articles.published_date)
        end as days_before_publication,
        articles.article_key is not null as article_key_resolves,
        casualties.event_date_key is null or dates.date_key is not null
            as event_date_key_resolves,
        casualties.location_key is null or locations.location_key is not null
            as location_key_resolves,
        casualties.perpetrator_actor_key is null or perpetrators.actor_key is not null
            as perpetrator_actor_key_resolves,
    from casualties
    left join staged using (casualty_key)
    left join articles using (article_key)
    left join dim_date as dates on dates.date_key = casualties.event_date_key
    left join dim_location as locations on locations.location_key = casualties.location_key
    left join dim_actor as perpetrators
        on perpetrators.actor_key = casualties.perpetrator_actor_key
)
select * from final;
