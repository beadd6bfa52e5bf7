-- The ACLED-like export (docs/events.md): one row per day, place, actor and ACLED sub-event
-- type, from the strike and casualty events that have a date. Several weapon types of one
-- attack on one place are one row, as ACLED counts one event per day and place.
with
events as (
    select * from fact_event
    where kind in ('strike', 'casualty')
        and event_date_key is not null
),
typed as (
    select
        events.*,
        case
            when events.kind = 'strike' and weapons.category in ('drone', 'aircraft', 'glide_bomb')
                then 'Air/drone strike'
            when events.kind = 'strike' and weapons.category in ('missile', 'artillery')
                then 'Shelling/artillery/missile attack'
            when events.cause in ('drone attack', 'airstrike', 'glide bomb')
                then 'Air/drone strike'
            when events.cause in ('missile strike', 'shelling')
                then 'Shelling/artillery/missile attack'
        end as sub_event_type,
        case events.kind
            when 'strike' then weapons.name || ': '
                || coalesce(cast(cast(events.best as bigint) as varchar) || ' launched',
                    'number launched not given')
                || coalesce(', ' || cast(events.best_intercepted as varchar) || ' intercepted',
                    '')
            else coalesce(events.cause, 'attack') || ': '
                || coalesce(cast(cast(events.best as bigint) as varchar) || ' killed',
                    'deaths not given')
                || coalesce(', ' || cast(events.best_injured as varchar) || ' injured', '')
        end as note,
        case when events.kind = 'casualty' then events.low end as fatalities_low,
    from events
    left join dim_weapon as weapons using (weapon_key)
),
grouped as (
    select
        *,
        concat_ws('|', event_date_key, date_precision, coalesce(location_key, 0),
            coalesce(actor_key, 0), coalesce(sub_event_type, '')) as group_id,
    from typed
),
sources as (
    select
        grouped.group_id,
        string_agg(distinct articles.source, '; ' order by articles.source) as source,
        count(distinct bridge.outlet) as n_sources,
    from grouped
    join bridge_event_fact as bridge using (event_key)
    join dim_article as articles using (article_key)
    group by grouped.group_id
),
rows as (
    select
        group_id,
        min(event_key) as first_event_key,
        any_value(event_date_key) as event_date_key,
        any_value(date_precision) as date_precision,
        any_value(location_key) as location_key,
        any_value(actor_key) as actor_key,
        any_value(sub_event_type) as sub_event_type,
        string_agg(note, '; ' order by kind desc, note) as notes,
        cast(coalesce(sum(fatalities_low), 0) as bigint) as fatalities,
        string_agg(cast(event_key as varchar), ' ' order by event_key) as event_keys,
    from grouped
    group by group_id
),
final as (
    select
        'SITREP' || cast(rows.first_event_key as varchar) as event_id_cnty,
        strftime(dates.date, '%Y-%m-%d') as event_date,
        dates.year,
        case rows.date_precision
            when 'day' then 1
            when 'week' then 2
            else 3
        end as time_precision,
        'Political violence' as disorder_type,
        'Explosions/Remote violence' as event_type,
        rows.sub_event_type,
        case actors.name
            when 'Russia' then 'Military Forces of Russia (2000-)'
            when 'Ukraine' then 'Military Forces of Ukraine (2019-)'
            else actors.name
        end as actor1,
        -- a report that names no place is about the attacked side's country
        coalesce(
            case locations.country_code when 'UA' then 'Ukraine' when 'RU' then 'Russia' end,
            case actors.country_code when 'RU' then 'Ukraine' when 'UA' then 'Russia' end
        ) as country,
        locations.admin1,
        coalesce(
            locations.name,
            case actors.country_code when 'RU' then 'Ukraine' when 'UA' then 'Russia' end
        ) as location,
        locations.latitude,
        locations.longitude,
        case locations.location_type
            when 'city' then 1
            when 'district' then 2
            else 3
        end as geo_precision,
        sources.source,
        rows.notes,
        rows.fatalities,
        sources.n_sources,
        rows.event_keys,
    from rows
    join sources using (group_id)
    join dim_date as dates on dates.date_key = rows.event_date_key
    left join dim_location as locations on locations.location_key = rows.location_key
    left join dim_actor as actors on actors.actor_key = rows.actor_key
)
select * from final
order by event_date, country, admin1, location, sub_event_type, event_id_cnty;
