-- Keep this grouping (cache.event_grouping) so the next run regroups only what changed
-- (025_event_island.sql). It then holds exactly the mentions of this run: the rows of
-- islands in which nothing changed are already there as they are (same mention, same event),
-- every other row is replaced by the mentions grouped again.
delete from work.cache.event_grouping as cached
where cached.rules <> $grouping_rules
    or not exists (
        select 1 from event_island as islands
        where islands.fact_table = cached.fact_table
            and islands.fact_key = cached.fact_key
            and not islands.is_dirty
    );

insert into work.cache.event_grouping by name
select
    mentions.fact_table,
    mentions.fact_key,
    mentions.kind,
    mentions.article_key,
    mentions.published_at,
    mentions.ingested_at,
    mentions.event_date,
    mentions.date_precision,
    mentions.date_from,
    mentions.date_to,
    mentions.location_key,
    mentions.location_type,
    mentions.admin1,
    mentions.place_stem,
    mentions.place_rank,
    mentions.actor_key,
    mentions.weapon_category,
    mentions.weapon_subcategory,
    mentions.weapon_model,
    mentions.weapon_rank,
    mentions.cause,
    mentions.figure,
    mentions.second_figure,
    mentions.currency,
    mentions.period,
    mentions.target_year,
    mentions.recipient,
    members.event_key,
    $grouping_rules as rules,
from event_mention as mentions
join event_member as members using (fact_table, fact_key)
join event_island as islands using (fact_table, fact_key)
where islands.is_dirty;
