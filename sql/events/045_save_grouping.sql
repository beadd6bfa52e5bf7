-- Keep this grouping (cache.event_grouping) so the next run regroups only what changed
-- (025_event_island.sql). Written whole: it holds exactly the mentions of this run.
delete from work.cache.event_grouping;

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
join event_member as members using (fact_table, fact_key);
