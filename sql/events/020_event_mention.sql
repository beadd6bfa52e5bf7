-- event_mention (scratch): every published fact row as one mention of a real-world event,
-- with what resolution compares (kind, dates, place, actor, weapon or cause, figures) and what
-- the figure rule ranks (how direct its source is, when it was published).
--
-- source_tier: `reprint` when the article credits another outlet; `official` when the
-- article comes from an official body or the figure's sentence attributes it to one ("the air
-- force said", "according to the governor"); `outlet` for an outlet's own reporting.
create or replace temp table event_mention as
with
articles as (
    select * from event_article
),
strikes as (
    select
        'fact_strike' as fact_table,
        strike_key as fact_key,
        'strike' as kind,
        article_key,
        event_date_key,
        date_precision,
        location_key,
        attacker_actor_key as actor_key,
        weapon_key,
        cast(null as varchar) as cause,
        cast(launched as double) as figure,
        launched_qualifier as figure_qualifier,
        intercepted as second_figure,
        cast(null as varchar) as currency,
        cast(null as varchar) as period,
        cast(null as integer) as target_year,
        cast(null as varchar) as recipient,
        evidence,
    from fact_strike
),
casualties as (
    select
        'fact_casualty' as fact_table,
        casualty_key as fact_key,
        'casualty' as kind,
        article_key,
        event_date_key,
        date_precision,
        location_key,
        perpetrator_actor_key as actor_key,
        cast(null as bigint) as weapon_key,
        cause,
        cast(killed as double) as figure,
        qualifier as figure_qualifier,
        injured as second_figure,
        cast(null as varchar) as currency,
        cast(null as varchar) as period,
        cast(null as integer) as target_year,
        cast(null as varchar) as recipient,
        evidence,
    from fact_casualty
),
production as (
    select
        'fact_production' as fact_table,
        production_key as fact_key,
        'production' as kind,
        article_key,
        cast(null as integer) as event_date_key,
        'unknown' as date_precision,
        cast(null as bigint) as location_key,
        actor_key,
        weapon_key,
        cast(null as varchar) as cause,
        cast(quantity as double) as figure,
        qualifier as figure_qualifier,
        cast(null as bigint) as second_figure,
        cast(null as varchar) as currency,
        period,
        target_year,
        cast(null as varchar) as recipient,
        evidence,
    from fact_production
),
pledges as (
    select
        'fact_aid_pledge' as fact_table,
        pledge_key as fact_key,
        'aid_pledge' as kind,
        article_key,
        event_date_key,
        date_precision,
        cast(null as bigint) as location_key,
        donor_actor_key as actor_key,
        cast(null as bigint) as weapon_key,
        cast(null as varchar) as cause,
        amount as figure,
        'exact' as figure_qualifier,
        cast(null as bigint) as second_figure,
        currency,
        cast(null as varchar) as period,
        cast(null as integer) as target_year,
        lower(trim(recipient)) as recipient,
        evidence,
    from fact_aid_pledge
),
facts as (
    select * from strikes
    union all
    select * from casualties
    union all
    select * from production
    union all
    select * from pledges
),
final as (
    select
        facts.fact_table,
        facts.fact_key,
        facts.kind,
        facts.article_key,
        articles.published_at,
        articles.ingested_at,
        articles.outlet,
        case
            when articles.is_reprint then 'reprint'
            when articles.is_official_source then 'official'
            when regexp_matches(lower(coalesce(facts.evidence, '')),
                    'air force|governor|ministry|military administration|general staff|mayor'
                    || '|officials?\b|authorities|police|emergency service|prosecutor'
                    || '|administration|armed forces|spokes(?:man|woman|person)')
                and regexp_matches(lower(coalesce(facts.evidence, '')),
                    '\b(?:said|says|reported|told|added|wrote|posted|announced|stated'
                    || '|confirmed|according to)\b')
                then 'official'
            else 'outlet'
        end as source_tier,
        facts.event_date_key,
        dates.date as event_date,
        coalesce(facts.date_precision, 'unknown') as date_precision,
        -- the days the date can stand for: one day, its week, its month; none for ranges
        case
            when facts.date_precision in ('day', 'week', 'month') then dates.date
        end as date_from,
        case facts.date_precision
            when 'day' then dates.date
            when 'week' then dates.date + 6
            when 'month' then last_day(dates.date)
        end as date_to,
        facts.location_key,
        locations.name as location_name,
        locations.location_type,
        locations.admin1,
        -- a district and the town it is named after share a stem ("Kupiansk")
        lower(regexp_replace(locations.name, '\s+(district|raion)$', '')) as place_stem,
        case locations.location_type
            when 'city' then 3
            when 'district' then 2
            when 'region' then 1
            else 0
        end as place_rank,
        facts.actor_key,
        facts.weapon_key,
        weapons.category as weapon_category,
        weapons.subcategory as weapon_subcategory,
        weapons.model as weapon_model,
        case
            when weapons.model is not null then 2
            when weapons.subcategory is not null then 1
            else 0
        end as weapon_rank,
        facts.cause,
        facts.figure,
        facts.figure_qualifier,
        facts.second_figure,
        facts.currency,
        facts.period,
        facts.target_year,
        facts.recipient,
    from facts
    join articles using (article_key)
    left join dim_date as dates on dates.date_key = facts.event_date_key
    left join dim_location as locations on locations.location_key = facts.location_key
    left join dim_weapon as weapons on weapons.weapon_key = facts.weapon_key
)
select * from final;
