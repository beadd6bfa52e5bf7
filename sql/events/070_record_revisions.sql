-- Append this run's changes to the published events (event_change, computed before the
-- event checks by 055_event_check_scope.sql) to the work database's history
-- (audit.event_revision).
-- A retried publish replaces what an earlier attempt of the same run wrote, and entries of
-- runs that ended without publishing are dropped (they were never seen by a reader).
delete from work.audit.event_revision
where run_id = $run_id
    or run_id in (
        select run_id from work.audit.run_log
        where status in ('blocked', 'failed', 'interrupted')
    );

insert into work.audit.event_revision by name
select
    $run_id as run_id,
    cast($now as timestamp) as recorded_at,
    * replace (
        case when change in ('revised', 'reinstated') then nullif(changed_columns, '') end
            as changed_columns
    ),
from event_change;
