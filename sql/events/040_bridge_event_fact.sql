-- bridge_event_fact: every published fact row and the one event it reports, with the outlet
-- it counts as and how direct its source is (the inputs of n_sources and of the figure rule).
create or replace table bridge_event_fact as
with
members as (
    select * from event_member
),
mentions as (
    select * from event_mention
),
events as (
    select
        event_key,
        best_fact_key,
    from fact_event
),
final as (
    select
        members.event_key,
        members.fact_table,
        members.fact_key,
        mentions.article_key,
        mentions.outlet,
        mentions.source_tier,
        coalesce(members.fact_key = events.best_fact_key, false) as gave_best,
    from members
    join mentions using (fact_table, fact_key)
    join events using (event_key)
)
select * from final
order by event_key, fact_table, fact_key;
