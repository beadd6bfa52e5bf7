-- Record one run's quality results and quarantined rows (registered frames `run_*`).
-- A retried validation replaces what an earlier attempt of the same run wrote.
delete from work.audit.quality_results
where run_id = $run_id;

delete from work.audit.quarantine
where run_id = $run_id;

insert into work.audit.quality_results by name
select
    $run_id as run_id,
    *,
    $now as checked_at,
from run_quality_results;

insert into work.audit.quarantine by name
select
    $run_id as run_id,
    *,
    $now as quarantined_at,
from run_quarantine;
