-- failed_checks: the checks of the published run that failed, with how many rows they caught.
with
results as (
    select * from quality_results
    where not success
)
select
    suite,
    check_name,
    level,
    coalesce(unexpected_count, 0) as unexpected,
    detail,
from results
order by suite, check_name;
