-- The export in the shape of the public tables of Ukrainian Air Force reports
-- (docs/events.md): one row per drone or missile strike event against Ukraine (a target in
-- Ukraine, or no place named), with the figures the event's figure rule chose.
with
events as (
    select * from fact_event
    where kind = 'strike'
),
best_sources as (
    select
        bridge.event_key,
        articles.source,
    from bridge_event_fact as bridge
    join dim_article as articles using (article_key)
    where bridge.gave_best
),
final as (
    select
        case when events.date_precision in ('day', 'week', 'month')
            then strftime(dates.date, '%Y-%m-%d')
        end as time_start,
        case events.date_precision
            when 'day' then strftime(dates.date, '%Y-%m-%d')
            when 'week' then strftime(dates.date + 6, '%Y-%m-%d')
            when 'month' then strftime(last_day(dates.date), '%Y-%m-%d')
        end as time_end,
        weapons.name as model,
        cast(null as varchar) as launch_place,
        coalesce(locations.name, 'Ukraine') as target,
        cast(events.best as bigint) as launched,
        events.best_intercepted as destroyed,
        best_sources.source,
        weapons.category as weapon_category,
        events.n_sources,
        events.event_key,
    from events
    join dim_weapon as weapons using (weapon_key)
    left join dim_date as dates on dates.date_key = events.event_date_key
    left join dim_location as locations on locations.location_key = events.location_key
    left join dim_actor as actors on actors.actor_key = events.actor_key
    left join best_sources using (event_key)
    where weapons.category in ('drone', 'missile')
        and coalesce(actors.country_code, '') <> 'UA'
        and coalesce(locations.country_code, 'UA') = 'UA'
)
select * from final
order by time_start nulls last, time_end, target, model, event_key;
