-- The frame the bridge_event_fact suite validates: published fact rows and bridge rows, side
-- by side, with how many events each fact row is linked to; those this run checks: linked to
-- an event in event_check_scope or grouped again (sql/events/055_event_check_scope.sql).
with
facts as (
    select * from published_fact  -- sql/events/055_event_check_scope.sql
),
links as (
    select
        bridge.fact_table,
        bridge.fact_key,
        count(*) as n_events,
        bool_and(events.event_key is not null) as event_key_resolves,
        bool_or(bridge.event_key in (select event_key from event_check_scope)) as in_scope,
    from bridge_event_fact as bridge
    left join fact_event as events using (event_key)
    group by bridge.fact_table, bridge.fact_key
),
regrouped as (
    select
        fact_table,
        fact_key,
    from event_island
    where is_dirty
),
final as (
    select
        coalesce(facts.fact_table, links.fact_table) as fact_table,
        coalesce(facts.fact_key, links.fact_key) as fact_key,
        facts.fact_key is not null as fact_is_published,
        coalesce(links.n_events, 0) as n_events,
        coalesce(links.event_key_resolves, true) as event_key_resolves,
    from facts
    full outer join links
        on links.fact_table = facts.fact_table
        and links.fact_key = facts.fact_key
    left join regrouped
        on regrouped.fact_table = coalesce(facts.fact_table, links.fact_table)
        and regrouped.fact_key = coalesce(facts.fact_key, links.fact_key)
    where coalesce(links.in_scope, false) or regrouped.fact_key is not null
)
select * from final;
