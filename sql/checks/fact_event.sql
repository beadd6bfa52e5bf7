-- The frame the fact_event suite validates: each event with what its checks compare, for the
-- events this run checks (event_check_scope, sql/events/055_event_check_scope.sql).
with
events as (
    select * from fact_event
),
links as (
    select
        event_key,
        count(*) as n_links,
    from bridge_event_fact
    group by event_key
),
-- strike events with the weapon category they belong to; a generic one ("72 drones") may be
-- the total of the events of the same attack that name the weapon types
strike_events as (
    select
        events.event_key,
        events.event_date_key,
        events.date_precision,
        events.location_key,
        events.actor_key,
        events.low,
        weapons.category,
        weapons.subcategory is null and weapons.model is null as is_generic,
    from events
    join dim_weapon as weapons using (weapon_key)
    where events.kind = 'strike'
),
parts as (
    select
        totals.event_key,
        sum(parts.low) as parts_low_sum,
    from strike_events as totals
    join strike_events as parts
        on parts.event_date_key is not distinct from totals.event_date_key
        and parts.date_precision = totals.date_precision
        and parts.location_key is not distinct from totals.location_key
        and parts.actor_key is not distinct from totals.actor_key
        and parts.category = totals.category
        and not parts.is_generic
    where totals.is_generic
    group by totals.event_key
),
final as (
    select
        events.*,
        coalesce(links.n_links, 0) as n_links,
        (events.best is null) = (events.low is null)
            and (events.best is null) = (events.high is null) as figures_all_or_none,
        parts.parts_low_sum,
        -- the most the reported total allows: "at least" sets no ceiling, "about" 10% more
        case events.best_qualifier
            when 'at_least' then null
            when 'approx' then events.high * 1.1
            else events.high
        end as total_ceiling,
        events.event_date_key is null or dates.date_key is not null as event_date_key_resolves,
        events.location_key is null or locations.location_key is not null
            as location_key_resolves,
        events.actor_key is null or actors.actor_key is not null as actor_key_resolves,
        events.weapon_key is null or weapons.weapon_key is not null as weapon_key_resolves,
    from events
    left join links using (event_key)
    left join parts using (event_key)
    left join dim_date as dates on dates.date_key = events.event_date_key
    left join dim_location as locations on locations.location_key = events.location_key
    left join dim_actor as actors on actors.actor_key = events.actor_key
    left join dim_weapon as weapons on weapons.weapon_key = events.weapon_key
    where events.event_key in (select event_key from event_check_scope)
)
select * from final;
