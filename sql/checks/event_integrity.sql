-- The frame the event_integrity suite validates: one row of counts over the whole event
-- tables (the fact_event and bridge_event_fact suites check row by row only the events a run
-- changed, event_check_scope; what links old and new rows is counted here, in SQL).
with
facts as (
    select * from published_fact  -- sql/events/055_event_check_scope.sql
),
links as (
    select
        fact_table,
        fact_key,
        count(*) as n_events,
    from bridge_event_fact
    group by fact_table, fact_key
),
events as (
    select
        count(*) as n_events,
        count(*) - count(distinct event_key) as duplicate_event_keys,
        count(*) filter (
            where event_key not in (select event_key from bridge_event_fact)
        ) as events_without_facts,
    from fact_event
),
fact_links as (
    select
        count(*) filter (where coalesce(links.n_events, 0) <> 1) as facts_not_in_one_event,
    from facts
    left join links using (fact_table, fact_key)
),
bridge as (
    select
        count(*) filter (
            where not exists (
                select 1 from facts
                where facts.fact_table = bridge.fact_table
                    and facts.fact_key = bridge.fact_key
            )
        ) as bridge_rows_unpublished,
        count(*) filter (
            where bridge.event_key is null
                or bridge.event_key not in (select event_key from fact_event)
        ) as bridge_rows_unresolved,
    from bridge_event_fact as bridge
)
select
    'fact_event, bridge_event_fact' as table_name,
    *,
from events, fact_links, bridge;
