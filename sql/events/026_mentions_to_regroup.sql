-- The mentions to group again (event_island.is_dirty), with their island number; a mention
-- with no day at all is an island of its own (a negative number). Read by
-- flows/events.py (regroup_table) as an Arrow table, so that worker processes receive column
-- buffers, not objects.
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
    coalesce(islands.island, -row_number() over ()) as island_number,
from event_mention as mentions
join event_island as islands using (fact_table, fact_key)
where islands.is_dirty
