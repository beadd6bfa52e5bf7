-- v_strikes: fact_strike with names instead of keys.
create or replace view v_strikes as
with
strikes as (
    select * from fact_strike
),
final as (
    select
        strikes.strike_key,
        strikes.article_key,
        dates.date as event_date,
        strikes.date_precision,
        locations.name as location,
        locations.location_type,
        locations.admin1,
        locations.country_code,
        attackers.name as attacker,
        weapons.name as weapon,
        weapons.category as weapon_category,
        weapons.subcategory as weapon_subcategory,
        weapons.model as weapon_model,
        strikes.launched,
        strikes.launched_qualifier,
        strikes.intercepted,
        strikes.intercepted_qualifier,
        articles.title as article_title,
        articles.source,
        articles.url,
        articles.published_at,
        strikes.evidence,
    from strikes
    left join dim_date as dates on dates.date_key = strikes.event_date_key
    left join dim_location as locations on locations.location_key = strikes.location_key
    left join dim_actor as attackers on attackers.actor_key = strikes.attacker_actor_key
    left join dim_weapon as weapons on weapons.weapon_key = strikes.weapon_key
    left join dim_article as articles on articles.article_key = strikes.article_key
)
select * from final;
