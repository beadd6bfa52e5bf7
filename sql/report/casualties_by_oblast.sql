-- casualties_by_oblast: killed and injured per first-level region (dim_location.admin1),
-- summed over resolved casualty events (v_events: best is the killed figure, best_injured the
-- injured one), so a toll told by several articles counts once. Events of every date count,
-- except period totals (`range`: "since spring, 40 killed in the region"), which would add
-- the incidents they sum a second time. Ranked by killed, then injured; events with no
-- region named come last.
with
tolls as (
    select * from v_events
    where kind = 'casualty'
      and date_precision <> 'range'
),
final as (
    select
        admin1,
        any_value(country_code) as country_code,
        cast(coalesce(sum(best), 0) as bigint) as killed,
        cast(coalesce(sum(best_injured), 0) as bigint) as injured,
        count(*) as events,
    from tolls
    group by admin1
)
select * from final
order by admin1 is null, killed desc, injured desc, admin1;
