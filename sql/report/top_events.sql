-- top_events: the biggest resolved events of one kind ($kind: strike or casualty), by the
-- main figure (launched, or killed), then the second (intercepted, or injured). Period
-- totals (`range`: "almost 300 missiles over the holidays") are sums of many attacks, not
-- events, and events that give neither figure have nothing to rank: both are left out.
with
events as (
    select * from v_events
    where kind = $kind
      and date_precision <> 'range'
),
counts as (
    select
        event_key,
        n_facts,
        best_source_tier,
    from fact_event
),
final as (
    select
        events.event_key,
        events.kind,
        events.event_date,
        events.date_precision,
        events.location,
        events.admin1,
        events.weapon,
        events.weapon_category,
        events.cause,
        events.best,
        events.low,
        events.high,
        events.best_qualifier,
        coalesce(events.best_intercepted, events.best_injured) as second,
        counts.n_facts,
        events.n_articles,
        events.n_sources,
        counts.best_source_tier,
    from events
    join counts using (event_key)
    where events.best is not null
       or coalesce(events.best_intercepted, events.best_injured) is not null
)
select * from final
order by best desc nulls last, second desc nulls last, event_date desc nulls last, event_key
limit $limit_n;
