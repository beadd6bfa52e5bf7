-- build_info: the version of the published SQL this file was built with ($layout: a hash of
-- sql/published, sql/publish and sql/events). A run starts its next file from a copy of the
-- live one only when the live file's version is its own (flows/publish.py); otherwise, and
-- when there is no live file, it starts from an empty one.
create or replace table build_info as
select
    cast($layout as varchar) as layout_version,
    cast($run_id as varchar) as run_id,
;
