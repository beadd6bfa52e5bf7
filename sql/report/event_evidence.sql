-- event_evidence: every report behind the given events ($event_keys), with the sentence it
-- was read from, its own figures and the article (title, outlet, url) it came from. The
-- report that gave the event's best figure comes first, then the newest.
with
bridge as (
    select * from bridge_event_fact
    where list_contains($event_keys, event_key)
),
reports as (
    select
        'fact_strike' as fact_table,
        strike_key as fact_key,
        launched as figure,
        intercepted as second,
        evidence,
    from fact_strike
    union all
    select
        'fact_casualty' as fact_table,
        casualty_key as fact_key,
        killed as figure,
        injured as second,
        evidence,
    from fact_casualty
),
articles as (
    select * from dim_article
),
final as (
    select
        bridge.event_key,
        bridge.outlet,
        bridge.source_tier,
        bridge.gave_best,
        reports.figure,
        reports.second,
        reports.evidence,
        articles.title,
        articles.source,
        articles.url,
        articles.published_at,
    from bridge
    join reports using (fact_table, fact_key)
    left join articles on articles.article_key = bridge.article_key
)
select * from final
order by event_key, gave_best desc, published_at desc nulls last, evidence;
