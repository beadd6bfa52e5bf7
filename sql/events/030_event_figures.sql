-- fact_event: one row per resolved real-world event, from its mentions (event_member links
-- each published fact row to its event; event_mention describes each fact row).
--
-- The figure rule (the event's main figure is launched, killed, quantity or amount):
-- - best: the latest report from the most direct source wins. Reports are read in the order
--   official (an official body, or a sentence quoting one) before an outlet's own reporting
--   before a reprint; within a tier the latest publication first; then exact figures before
--   "at least", "about" and "up to"; then the fact key, so ties always break the same way.
--   The first report that gives the figure sets `best`, so an official's updated toll beats
--   its earlier one, and a stale reprint never beats the report it copied.
-- - low / high: the smallest and largest figure any published report of the event gave.
-- - best_intercepted (strikes) and best_injured (casualties) follow the same order.
-- The event's date, place, actor and weapon are the most precise ones its reports give.
create or replace table fact_event as
with
members as (
    select
        member.event_key,
        mention.*,
        case mention.source_tier
            when 'official' then 1
            when 'outlet' then 2
            else 3
        end as tier_rank,
        case mention.figure_qualifier
            when 'exact' then 1
            when 'at_least' then 2
            when 'approx' then 3
            when 'at_most' then 4
            else 5
        end as qualifier_rank,
        case mention.date_precision
            when 'day' then 4
            when 'week' then 3
            when 'month' then 2
            when 'range' then 1
            else 0
        end as date_rank,
    from event_member as member
    join event_mention as mention using (fact_table, fact_key)
),
ordered as (
    select
        *,
        row_number() over (
            partition by event_key
            order by figure is null, tier_rank, published_at desc nulls last,
                qualifier_rank, fact_key
        ) as figure_order,
        row_number() over (
            partition by event_key
            order by second_figure is null, tier_rank, published_at desc nulls last,
                qualifier_rank, fact_key
        ) as second_order,
    from members
),
events as (
    select
        event_key,
        min(kind) as kind,
        first(event_date_key order by date_rank desc, event_date_key is null, fact_key)
            as event_date_key,
        first(date_precision order by date_rank desc, event_date_key is null, fact_key)
            as date_precision,
        first(location_key order by place_rank desc, location_key is null, fact_key)
            as location_key,
        first(actor_key order by actor_key is null, fact_key) as actor_key,
        first(weapon_key order by weapon_rank desc, weapon_key is null, fact_key)
            as weapon_key,
        first(cause order by cause is null, cause = 'other', fact_key) as cause,
        first(currency order by currency is null, fact_key) as currency,
        first(period order by period is null, fact_key) as period,
        first(target_year order by target_year is null, fact_key) as target_year,
        max(figure) filter (where figure_order = 1) as best,
        min(figure) as low,
        max(figure) as high,
        max(figure_qualifier) filter (where figure_order = 1 and figure is not null)
            as best_qualifier,
        max(fact_key) filter (where figure_order = 1) as best_fact_key,
        max(source_tier) filter (where figure_order = 1) as best_source_tier,
        max(second_figure) filter (where second_order = 1) as best_second,
        count(*) as n_facts,
        count(distinct article_key) as n_articles,
        count(distinct outlet) as n_sources,
        min(published_at) as first_reported_at,
        max(published_at) as last_reported_at,
    from ordered
    group by event_key
),
final as (
    select
        event_key,
        kind,
        event_date_key,
        date_precision,
        location_key,
        actor_key,
        weapon_key,
        cause,
        currency,
        period,
        target_year,
        best,
        low,
        high,
        best_qualifier,
        case when kind = 'strike' then best_second end as best_intercepted,
        case when kind = 'casualty' then best_second end as best_injured,
        best_fact_key,
        best_source_tier,
        cast(n_facts as integer) as n_facts,
        cast(n_articles as integer) as n_articles,
        cast(n_sources as integer) as n_sources,
        first_reported_at,
        last_reported_at,
    from events
)
select * from final
order by event_key;
