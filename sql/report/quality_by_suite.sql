-- quality_by_suite: the checks of the published run per suite, passed and failed; a failed
-- `batch` check would have blocked the publish, so only `row` and `warn` failures show here.
with
results as (
    select * from quality_results
),
final as (
    select
        suite,
        count(*) as checks,
        count(*) filter (where success) as passed,
        count(*) filter (where not success) as failed,
        cast(coalesce(sum(unexpected_count) filter (where not success), 0) as bigint) as unexpected,
    from results
    group by suite
)
select * from final
order by suite;
