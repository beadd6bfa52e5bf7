-- event_island (scratch): which mentions must be grouped again, and the event the others keep.
--
-- Two mentions can only affect each other's grouping when they share kind, weapon category,
-- currency, period and target year (resolution asks them to be equal) and their days meet:
-- the days a dated mention can stand for, or for an undated one its publication day and the
-- four after (undated reports join within three days of publication). Mentions linked by
-- such overlaps, directly or through others, form an island; islands are grouped
-- independently of each other, so an island in which nothing is new, changed or gone since
-- the last grouping (cache.event_grouping, this version of the rules: $grouping_rules) keeps it.
create or replace temp table event_island as
with
current_mentions as (
    select
        fact_table, fact_key, kind, article_key, published_at, ingested_at, event_date,
        date_precision, date_from, date_to, location_key, location_type, admin1, place_stem,
        place_rank, actor_key, weapon_category, weapon_subcategory, weapon_model, weapon_rank,
        cause, figure, cast(second_figure as double) as second_figure, currency, period,
        target_year, recipient,
    from event_mention
),
last_grouping as (
    select * from work.cache.event_grouping
    where rules = $grouping_rules
),
last_mentions as (
    select * exclude (event_key, rules) from last_grouping
),
added as (
    select * from current_mentions
    except
    select * from last_mentions
),
removed as (
    select * from last_mentions
    except
    select * from current_mentions
),
added_keys as (
    select fact_table, fact_key from added
),
all_rows as (
    select
        current_mentions.*,
        added_keys.fact_key is not null as is_change,
        false as is_removed,
    from current_mentions
    left join added_keys using (fact_table, fact_key)
    union all
    select
        removed.*,
        true as is_change,
        true as is_removed,
    from removed
),
spans as (
    select
        fact_table,
        fact_key,
        is_change,
        is_removed,
        kind,
        weapon_category,
        currency,
        period,
        target_year,
        date_from is not null and date_to is not null as is_dated,
        case
            when date_from is not null and date_to is not null then date_from
            else cast(published_at as date)
        end as first_day,
        case
            when date_from is not null and date_to is not null then date_to
            else cast(published_at as date) + 4
        end as last_day,
    from all_rows
),
reach as (
    select
        *,
        max(last_day) over (
            partition by kind, weapon_category, currency, period, target_year, is_dated
            order by first_day, last_day, fact_table, fact_key, is_removed
            rows between unbounded preceding and 1 preceding
        ) as reached,
    from spans
    where first_day is not null
),
numbered as (
    select
        *,
        sum(case when reached is null or first_day > reached then 1 else 0 end) over (
            partition by kind, weapon_category, currency, period, target_year, is_dated
            order by first_day, last_day, fact_table, fact_key, is_removed
            rows unbounded preceding
        ) as island_number,
    from reach
),
islands as (
    select
        *,
        dense_rank() over (
            order by kind, weapon_category, currency, period, target_year, is_dated,
                island_number
        ) as island,
    from numbered
),
dirty_islands as (
    select distinct island from islands
    where is_change
),
-- a mention with no day at all (undated, unpublished) is an island of its own
alone as (
    select
        fact_table,
        fact_key,
        is_change,
    from spans
    where first_day is null and not is_removed
),
final as (
    select
        islands.fact_table,
        islands.fact_key,
        islands.island,
        islands.island in (select island from dirty_islands) as is_dirty,
    from islands
    where not islands.is_removed
    union all
    select
        fact_table,
        fact_key,
        null as island,
        is_change as is_dirty,
    from alone
)
select
    final.*,
    case when not final.is_dirty then last_grouping.event_key end as kept_event_key,
from final
left join last_grouping using (fact_table, fact_key);
