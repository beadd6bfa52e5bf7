-- air_attacks: launched and intercepted per period ($unit: day, week or month) and weapon
-- category, one row per resolved attack (v_events), so an attack told by several articles
-- counts once. Only strikes dated to one day count. The intercept rate uses only the events
-- that give both figures.
with
events as (
    select * from v_events
    where kind = 'strike'
      and date_precision = 'day'
      and event_date is not null
      and weapon_category in ('drone', 'missile', 'glide_bomb', 'aircraft')
),
periods as (
    select
        cast(date_trunc($unit, event_date) as date) as period_start,
        weapon_category as category,
        best,
        best_intercepted,
        best is not null and best_intercepted is not null as both_known,
    from events
),
totals as (
    select
        period_start,
        category,
        count(*) as events,
        cast(sum(best) as bigint) as launched,
        cast(sum(best_intercepted) as bigint) as intercepted,
        count(*) filter (where best is null) as events_without_launched,
        count(*) filter (where both_known) as events_with_outcome,
        cast(sum(best) filter (where both_known) as bigint) as launched_with_outcome,
        cast(sum(best_intercepted) filter (where both_known) as bigint)
            as intercepted_with_outcome,
    from periods
    group by period_start, category
),
final as (
    select
        *,
        round(intercepted_with_outcome / nullif(launched_with_outcome, 0), 4)
            as intercept_rate,
    from totals
)
select * from final
order by period_start, category;
