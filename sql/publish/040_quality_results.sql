-- quality_results: every check this published version passed or failed.
create or replace table quality_results as
with
results as (
    select * from work.audit.quality_results
    where run_id = $run_id
)
select
    suite,
    check_name,
    expectation_type,
    columns,
    level,
    success,
    element_count,
    unexpected_count,
    detail,
    run_id,
    checked_at,
from results
order by suite, check_name;
