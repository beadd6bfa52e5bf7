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
-- each mention now and in the last grouping, side by side (one join, not two set
-- differences: the rows are wide): unchanged when both hold it with the same columns
compared as (
    select
        coalesce(c.fact_table, l.fact_table) as fact_table,
        coalesce(c.fact_key, l.fact_key) as fact_key,
        c.fact_key is not null as is_current,
        l.fact_key is not null as was_grouped,
        coalesce(row(
            c.kind, c.article_key, c.published_at, c.ingested_at, c.event_date,
            c.date_precision, c.date_from, c.date_to, c.location_key, c.location_type,
            c.admin1, c.place_stem, c.place_rank, c.actor_key, c.weapon_category,
            c.weapon_subcategory, c.weapon_model, c.weapon_rank, c.cause, c.figure,
            c.second_figure, c.currency, c.period, c.target_year, c.recipient
        ) is not distinct from row(
            l.kind, l.article_key, l.published_at, l.ingested_at, l.event_date,
            l.date_precision, l.date_from, l.date_to, l.location_key, l.location_type,
            l.admin1, l.place_stem, l.place_rank, l.actor_key, l.weapon_category,
            l.weapon_subcategory, l.weapon_model, l.weapon_rank, l.cause, l.figure,
            l.second_figure, l.currency, l.period, l.target_year, l.recipient
        ), false) as is_same,
        c.kind,
        c.weapon_category,
        c.currency,
        c.period,
        c.target_year,
        c.date_from,
        c.date_to,
        c.published_at,
        l.kind as last_kind,
        l.weapon_category as last_weapon_category,
        l.currency as last_currency,
        l.period as last_period,
        l.target_year as last_target_year,
        l.date_from as last_date_from,
        l.date_to as last_date_to,
        l.published_at as last_published_at,
        l.event_key as last_event_key,
    from current_mentions as c
    full outer join last_grouping as l
        on l.fact_table = c.fact_table
        and l.fact_key = c.fact_key
),
-- the current mentions, and the last version of those gone or changed (only what places them
-- in an island is kept: the windows below sort narrow rows)
all_rows as (
    select
        fact_table, fact_key, kind, weapon_category, currency, period,
        target_year, date_from, date_to, published_at,
        not is_same as is_change,
        false as is_removed,
    from compared
    where is_current
    union all
    select
        fact_table, fact_key, last_kind, last_weapon_category, last_currency, last_period,
        last_target_year, last_date_from, last_date_to, last_published_at,
        true as is_change,
        true as is_removed,
    from compared
    where was_grouped and not is_same
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
    case when not final.is_dirty then kept.last_event_key end as kept_event_key,
from final
left join (
    select fact_table, fact_key, last_event_key from compared
    where is_current
) as kept using (fact_table, fact_key);
