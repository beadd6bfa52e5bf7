-- Record the event checks of this run (registered frame `run_event_results`) beside the
-- quality gate's results in the work database. A retried publish replaces what an earlier
-- attempt of the same run wrote for these suites, and only for these suites.
delete from work.audit.quality_results
where run_id = $run_id
    and suite in (select distinct suite from run_event_results);

insert into work.audit.quality_results by name
select
    $run_id as run_id,
    *,
    cast($now as timestamp) as checked_at,
from run_event_results;
