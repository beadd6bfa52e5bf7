-- v_events: fact_event with names instead of keys, one row per real-world event.
create or replace view v_events as
with
events as (
    select * from fact_event
),
final as (
    select
        events.event_key,
        events.kind,
        dates.date as event_date,
        events.date_precision,
        locations.name as location,
        locations.location_type,
        locations.admin1,
        locations.country_code,
        actors.name as actor,
        weapons.name as weapon,
        weapons.category as weapon_category,
        events.cause,
        events.currency,
        events.best,
        events.low,
        events.high,
        events.best_qualifier,
        events.best_intercepted,
        events.best_injured,
        events.n_articles,
        events.n_sources,
        events.first_reported_at,
        events.last_reported_at,
    from events
    left join dim_date as dates on dates.date_key = events.event_date_key
    left join dim_location as locations on locations.location_key = events.location_key
    left join dim_actor as actors on actors.actor_key = events.actor_key
    left join dim_weapon as weapons on weapons.weapon_key = events.weapon_key
)
select * from final;
