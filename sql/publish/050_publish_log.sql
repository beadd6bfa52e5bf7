-- publish_log: the history of runs, published or not, up to this one.
create or replace table publish_log as
with
runs as (
    select * from work.audit.run_log
)
select
    run_id,
    started_at,
    finished_at,
    status,
    message,
    landing_dir,
    extractor_version,
from runs
order by started_at;
