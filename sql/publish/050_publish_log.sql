-- publish_log: the history of runs, published or not, up to this one. The run being
-- published is marked `publishing` in the work database until its swap is done; in the file
-- it publishes, it is `published`.
create or replace table publish_log as
with
runs as (
    select * from work.audit.run_log
)
select
    run_id,
    started_at,
    finished_at,
    case
        when run_id = $run_id then 'published'
        else status
    end as status,
    message,
    landing_dir,
    extractor_version,
from runs
order by started_at;
