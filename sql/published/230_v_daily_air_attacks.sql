-- v_daily_air_attacks: per day and weapon category, what was launched and intercepted.
-- Only strikes dated to one day count. The intercept rate uses only the rows where both
-- figures are known. Each report counts: one attack told by two articles is counted twice
-- here; fact_event / v_events hold one row per resolved attack.
create or replace view v_daily_air_attacks as
with
strikes as (
    select * from v_strikes
    where event_date is not null
      and date_precision = 'day'
      and weapon_category in ('drone', 'missile')
),
daily as (
    select
        event_date,
        weapon_category,
        count(*) as reports,
        cast(sum(launched) as bigint) as launched,
        cast(sum(intercepted) as bigint) as intercepted,
        sum(launched) filter (
            where launched is not null and intercepted is not null
        ) as launched_with_known_outcome,
        sum(intercepted) filter (
            where launched is not null and intercepted is not null
        ) as intercepted_with_known_outcome,
    from strikes
    group by event_date, weapon_category
),
final as (
    select
        event_date,
        weapon_category,
        reports,
        launched,
        intercepted,
        round(
            intercepted_with_known_outcome / nullif(launched_with_known_outcome, 0), 4
        ) as intercept_rate,
    from daily
)
select * from final
order by event_date, weapon_category;
