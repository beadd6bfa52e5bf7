-- v_casualties: fact_casualty with names instead of keys.
create or replace view v_casualties as
with
casualties as (
    select * from fact_casualty
),
final as (
    select
        casualties.casualty_key,
        casualties.article_key,
        dates.date as event_date,
        casualties.date_precision,
        locations.name as location,
        locations.location_type,
        locations.admin1,
        locations.country_code,
        perpetrators.name as perpetrator,
        casualties.cause,
        casualties.killed,
        casualties.injured,
        casualties.children_killed,
        casualties.children_injured,
        casualties.qualifier,
        articles.title as article_title,
        articles.source,
        articles.url,
        articles.published_at,
        casualties.evidence,
    from casualties
    left join dim_date as dates on dates.date_key = casualties.event_date_key
    left join dim_location as locations on locations.location_key = casualties.location_key
    left join dim_actor as perpetrators
        on perpetrators.actor_key = casualties.perpetrator_actor_key
    left join dim_article as articles on articles.article_key = casualties.article_key
)
select * from final;
