-- The frame the fact_aid_pledge suite validates.
with
pledges as (
    -- only the rows this run checks (sql/validate/010_check_scope.sql)
    select * from fact_aid_pledge
    where article_key in (select article_key from check_scope)
),
articles as (
    select
        article_key,
        cast(published_at as date) as published_date,
    from dim_article
),
final as (
    select
        pledges.*,
        case
            when pledges.date_precision = 'day'
                then datediff('day', dates.date, articles.published_date)
        end as days_before_publication,
        articles.article_key is not null as article_key_resolves,
        pledges.event_date_key is null or dates.date_key is not null
            as event_date_key_resolves,
        pledges.donor_actor_key is null or donors.actor_key is not null
            as donor_actor_key_resolves,
        pledges.recipient_actor_key is null or recipients.actor_key is not null
            as recipient_actor_key_resolves,
    from pledges
    left join articles using (article_key)
    left join dim_date as dates on dates.date_key = pledges.event_date_key
    left join dim_actor as donors on donors.actor_key = pledges.donor_actor_key
    left join dim_actor as recipients on recipients.actor_key = pledges.recipient_actor_key
)
select * from final;
