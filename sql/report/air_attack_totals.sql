-- air_attack_totals: the air attacks of the period counted two ways, to show what double
-- counting would add. `events` counts each resolved attack once (v_events, the source of the
-- charts); `reports` counts every report of it (v_strikes, as v_daily_air_attacks does).
-- Both take the strikes dated to one day with an air weapon category.
with
events as (
    select * from v_events
    where kind = 'strike'
      and date_precision = 'day'
      and event_date is not null
      and weapon_category in ('drone', 'missile', 'glide_bomb', 'aircraft')
),
reports as (
    select * from v_strikes
    where date_precision = 'day'
      and event_date is not null
      and weapon_category in ('drone', 'missile', 'glide_bomb', 'aircraft')
)
select
    'events' as counted,
    count(*) as rows,
    cast(sum(best) as bigint) as launched,
    cast(sum(best_intercepted) as bigint) as intercepted,
    min(event_date) as first_date,
    max(event_date) as last_date,
from events
union all
select
    'reports' as counted,
    count(*) as rows,
    cast(sum(launched) as bigint) as launched,
    cast(sum(intercepted) as bigint) as intercepted,
    min(event_date) as first_date,
    max(event_date) as last_date,
from reports
order by counted;
