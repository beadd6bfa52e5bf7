-- The frame the fact_production suite validates.
with
production as (
    -- only the rows this run checks (sql/validate/010_check_scope.sql)
    select * from fact_production
    where article_key in (select article_key from check_scope)
),
staged as (
    select
        production_key,
        quantity as quantity_as_read,
    from work.staging.production
),
final as (
    select
        production.*,
        staged.quantity_as_read,
        coalesce(staged.quantity_as_read = floor(staged.quantity_as_read), true)
            as counts_are_whole,
        articles.article_key is not null as article_key_resolves,
        production.actor_key is null or actors.actor_key is not null as actor_key_resolves,
        weapons.weapon_key is not null as weapon_key_resolves,
    from production
    left join staged using (production_key)
    left join dim_article as articles on articles.article_key = production.article_key
    left join dim_actor as actors on actors.actor_key = production.actor_key
    left join dim_weapon as weapons on weapons.weapon_key = production.weapon_key
)
select * from final;
